"""The callback URL as WeChat's servers use it, and as an attacker might."""
from __future__ import annotations

import time

from sqlalchemy import func, select

from models import CheckIn, Photo, TripEvent, WechatBinding
from tests.e2e import trip_script as script
from tests.support.phone import message_xml, signature


def _query(config, timestamp=None, nonce="abc"):
    timestamp = timestamp or str(int(time.time()))
    return {"timestamp": timestamp, "nonce": nonce, "signature": signature(config.wechat_token, timestamp, nonce)}


def test_server_verification_echoes_echostr(client, config):
    response = client.get("/wechat", query_string={**_query(config), "echostr": "8817"})
    assert response.status_code == 200 and response.get_data(as_text=True) == "8817"


def test_wrong_or_missing_signature_is_refused(client, config):
    assert client.get("/wechat", query_string={"echostr": "1"}).status_code == 403
    bad = {**_query(config), "signature": "0" * 40}
    assert client.post("/wechat", query_string=bad, data=b"<xml/>").status_code == 403


def test_a_replayed_old_request_is_refused(client, config):
    old = _query(config, timestamp=str(int(time.time()) - 3600))
    assert client.get("/wechat", query_string={**old, "echostr": "1"}).status_code == 403


def test_malformed_xml_is_a_400(client, config):
    response = client.post("/wechat", query_string=_query(config), data=b"<xml><MsgType>text</xml")
    assert response.status_code == 400


def test_xml_without_message_fields_is_a_400(client, config):
    assert client.post("/wechat", query_string=_query(config), data=b"<xml><a>1</a></xml>").status_code == 400


def test_xxe_and_billion_laughs_are_refused_unexpanded(client, config):
    xxe = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>"
           b"<MsgType>text</MsgType><Content>&e;</Content><MsgId>1</MsgId></xml>")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              b"<xml><Content>&lol2;</Content></xml>")
    for body in (xxe, laughs):
        response = client.post("/wechat", query_string=_query(config), data=body)
        assert response.status_code == 400
        assert b"root:" not in response.data


def test_a_body_over_one_megabyte_is_a_413(client, config):
    body = b"<xml><Content>" + b"a" * (1024 * 1024 + 10) + b"</Content></xml>"
    assert client.post("/wechat", query_string=_query(config), data=body).status_code == 413


def test_replies_are_xml_and_empty_answers_are_success(demo_world, phone):
    sampler = phone("o_sampler1")
    sampler.text("帮助")
    assert sampler.last_response.mimetype == "application/xml"
    sampler.send("event", {"Event": "VIEW", "EventKey": "http://x"}, msgid=None)
    assert sampler.last_response.get_data() == b"success"


def test_an_unbound_user_is_told_how_to_bind(demo_world, phone):
    stranger = phone("o_stranger")
    for reply in (stranger.text("采样任务"), stranger.location(30.8, 121.3), stranger.tap("STATUS")):
        assert "尚未绑定" in reply


def test_unknown_message_types_get_a_polite_reply_and_nothing_is_stored(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    assert "暂不支持" in sampler.send("voice", {"MediaId": "m1", "Format": "amr"})
    assert "暂不支持" in sampler.send("strange_new_type", {"Foo": "bar"})
    assert "暂不支持" in sampler.send("event", {"Event": "some_future_event"}, msgid=None)
    with runtime.sessions() as s:
        assert [e.action for e in s.scalars(select(TripEvent))] == ["start"]


def test_safe_mode_walks_a_whole_trip_encrypted(demo_world, phone, runtime):
    sampler = phone("o_sampler1", safe_mode=True)
    assert "已提交" in script.whole_trip(sampler)
    assert b"<Encrypt>" in sampler.last_response.data
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Photo)) == 6


def test_plain_requests_still_get_plain_replies_after_an_encrypted_one(demo_world, phone):
    phone("o_sampler1", safe_mode=True).text("帮助")
    plain = phone("o_sampler2")
    assert "使用帮助" in plain.text("帮助")
    assert b"<Encrypt>" not in plain.last_response.data


def test_messages_encrypted_with_the_previous_key_are_accepted_during_rotation(demo_world, app, client, config):
    from tests.support.phone import Phone

    old_key = config.wechat_encoding_aes_key
    config.wechat_previous_aes_key = old_key
    config.wechat_encoding_aes_key = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
    sender = Phone(client, config, "o_sampler1", safe_mode=True)
    sender.crypto.__init__(config.wechat_token, old_key, config.wechat_app_id)
    assert "使用帮助" in sender.text("帮助")


def test_a_message_encrypted_with_an_unknown_key_is_refused(demo_world, client, config):
    from tests.support.phone import Phone

    sender = Phone(client, config, "o_sampler1", safe_mode=True)
    sender.crypto.__init__(config.wechat_token, "Q" * 43, config.wechat_app_id)
    xml = message_xml("o_sampler1", "text", {"Content": "帮助"}, 42, int(time.time()))
    timestamp, nonce = str(int(time.time())), "n1"
    body = sender.crypto.encrypt_message(xml, nonce, timestamp)
    import xmltodict
    envelope = xmltodict.parse(body)["xml"]
    query = {**_query(config, timestamp, nonce), "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
    assert client.post("/wechat", query_string=query, data=body).status_code == 403


def test_a_reply_echoing_cdata_terminators_stays_well_formed(demo_world, phone):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    script.sample_all_points(sampler)
    reply = script.fill_conditions(sampler, script.CONDITIONS[:-1] + ["阀门]]><evil/>已修"])
    assert "备注：阀门]]><evil/>已修" in reply


def test_nothing_recorded_is_lost_by_bad_requests_between_good_ones(demo_world, phone, client, config, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    client.post("/wechat", query_string=_query(config), data=b"<xml><broken")
    client.post("/wechat", query_string={**_query(config), "signature": "f" * 40}, data=b"<xml/>")
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CheckIn)) == 1
        assert s.scalar(select(func.count()).select_from(WechatBinding)) == 2
    assert "进场照片" in sampler.tap("STATUS")
