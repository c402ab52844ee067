"""Signed but malformed WeChat deliveries: each is refused with a 400 and a reason, before any handler runs,
and the sender's next well-formed message is answered as usual."""
from __future__ import annotations

import time

import pytest

from tests.support.phone import OFFICIAL_ACCOUNT, post_signed

NOW = str(int(time.time()))
PICS = "<SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum>x</PicMd5Sum></item></PicList></SendPicsInfo>"


def envelope(**fields: str | None) -> bytes:
    """A text message from o_stranger; a keyword replaces one element's raw XML (None leaves it out)."""
    parts = {"ToUserName": f"<![CDATA[{OFFICIAL_ACCOUNT}]]>", "FromUserName": "<![CDATA[o_stranger]]>",
             "CreateTime": NOW, "MsgType": "<![CDATA[text]]>", "Content": "帮助", "MsgId": "1234567890123456"}
    parts.update(fields)
    xml = "".join(raw if name.startswith("_") else f"<{name}>{raw}</{name}>"
                  for name, raw in parts.items() if raw is not None)
    return f"<xml>{xml}</xml>".encode()


def event(name: str | None, **fields: str | None) -> bytes:
    return envelope(MsgType="event", Content=None, MsgId=None, Event=name, **fields)


MALFORMED = {
    "empty MsgType": (envelope(MsgType=""), "MsgType"),
    "nested MsgType": (envelope(MsgType="<a>text</a>"), "MsgType"),
    "repeated MsgType": (envelope(MsgType="text", _again="<MsgType>image</MsgType>"), "MsgType"),
    "missing MsgType": (envelope(MsgType=None), "MsgType"),
    "MsgId abc": (envelope(MsgId="abc"), "MsgId"),
    "MsgId 1.5": (envelope(MsgId="1.5"), "MsgId"),
    "MsgId of 5,000 digits": (envelope(MsgId="9" * 5000), "MsgId"),
    "MsgId over 64 bits": (envelope(MsgId=str(2 ** 64)), "MsgId"),
    "MsgId zero": (envelope(MsgId="0"), "MsgId"),
    "MsgId negative": (envelope(MsgId="-5"), "MsgId"),
    "event CreateTime yesterday": (event("subscribe", CreateTime="yesterday"), "CreateTime"),
    "CreateTime missing": (envelope(CreateTime=None), "CreateTime"),
    "CreateTime of 5,000 digits": (envelope(CreateTime="1" * 5000), "CreateTime"),
    "empty FromUserName": (envelope(FromUserName=""), "FromUserName"),
    "FromUserName over 64 characters": (envelope(FromUserName="o" * 65), "FromUserName"),
    "nested FromUserName": (envelope(FromUserName="<a>o_x</a>"), "FromUserName"),
    "FromUserName with spaces": (envelope(FromUserName="o x"), "FromUserName"),
    "empty ToUserName": (envelope(ToUserName=""), "ToUserName"),
    "nested Content": (envelope(Content="<b>帮助</b>"), "Content"),
    "pic_sysphoto without a PicList item": (
        event("pic_sysphoto", SendPicsInfo="<Count>1</Count><PicList></PicList>"), "SendPicsInfo"),
    "pic_sysphoto without SendPicsInfo": (event("pic_sysphoto"), "SendPicsInfo"),
    "pic_sysphoto Count abc": (event("pic_sysphoto", SendPicsInfo=PICS.replace("<Count>1", "<Count>abc")),
                               "SendPicsInfo"),
    "pic_sysphoto Count 2 with one item": (
        event("pic_photo_or_album", SendPicsInfo=PICS.replace("<Count>1", "<Count>2")), "SendPicsInfo"),
    "TEMPLATESENDJOBFINISH MsgID abc": (event("TEMPLATESENDJOBFINISH", MsgID="abc", Status="success"), "MsgID"),
    "TEMPLATESENDJOBFINISH without MsgID": (event("TEMPLATESENDJOBFINISH", Status="success"), "MsgID"),
    "event without Event": (event(None), "Event"),
    "nested Event": (event("<a>CLICK</a>"), "Event"),
    "nested EventKey": (event("CLICK", EventKey="<a>STATUS</a>"), "EventKey"),
    "LOCATION event latitude abc": (event("LOCATION", Latitude="abc", Longitude="121.3", Precision="30"),
                                    "Latitude"),
    "LOCATION event precision negative": (event("LOCATION", Latitude="30.8", Longitude="121.3", Precision="-1"),
                                          "Precision"),
}


@pytest.mark.parametrize("body, field", MALFORMED.values(), ids=list(MALFORMED))
def test_a_malformed_signed_delivery_is_a_400_naming_the_field(client, config, body, field):
    response = post_signed(client, config.wechat_token, body)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert field in response.get_data(as_text=True)


def test_after_a_malformed_delivery_the_sender_is_answered_as_usual(demo_world, client, config, phone):
    assert post_signed(client, config.wechat_token, envelope(MsgId="abc")).status_code == 400
    assert "使用帮助" in phone("o_stranger").text("帮助")


def test_well_formed_deliveries_of_every_kind_still_pass(demo_world, phone):
    stranger = phone("o_stranger")
    assert "尚未绑定" in stranger.location(30.8, 121.3)
    assert stranger.send("event", {"Event": "LOCATION", "Latitude": 30.8, "Longitude": 121.3,
                                   "Precision": 65.0}, msgid=None) == ""
    assert stranger.send("event", {"Event": "TEMPLATESENDJOBFINISH", "MsgID": 200163836, "Status": "success"},
                         msgid=None) == ""
    assert stranger.send("event", {"Event": "pic_photo_or_album", "EventKey": "PHOTO", "SendPicsInfo":
                                   "<Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item>"
                                   "<item><PicMd5Sum>b</PicMd5Sum></item></PicList>"}, msgid=None) == ""
    assert "暂不支持" in stranger.send("event", {"Event": "some_future_event"}, msgid=None)
