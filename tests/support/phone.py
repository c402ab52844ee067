"""A WeChat user's phone for tests: builds the XML WeChat would post, signs it (and encrypts it in safe mode)
with wechatpy — an independent implementation of the protocol — posts it to /wechat and reads the reply."""
from __future__ import annotations

import itertools
import time
from io import BytesIO

from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

_msgids = itertools.count(int(time.time() * 1000))
OFFICIAL_ACCOUNT = "gh_emss_demo"


def signature(token: str, timestamp: str, nonce: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return signer.signature


def cdata(text: str) -> str:
    """A CDATA section cannot hold its own terminator: split it, as WeChat's servers do."""
    return text.replace("]]>", "]]]]><![CDATA[>")


def message_xml(openid: str, msg_type: str, fields: dict, msgid: int | None, create_time: int) -> str:
    parts = [f"<ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>",
             f"<FromUserName><![CDATA[{openid}]]></FromUserName>",
             f"<CreateTime>{create_time}</CreateTime>", f"<MsgType><![CDATA[{msg_type}]]></MsgType>"]
    for name, value in fields.items():
        parts.append(f"<{name}>{value}</{name}>" if isinstance(value, (int, float)) or value.startswith("<")
                     else f"<{name}><![CDATA[{cdata(value)}]]></{name}>")
    if msgid is not None:
        parts.append(f"<MsgId>{msgid}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


def post_signed(client, token: str, body: bytes):
    """Post any body to /wechat signed as WeChat's servers would, fresh; the raw response."""
    timestamp, nonce = str(int(time.time())), "n" + str(next(_msgids))
    query = {"timestamp": timestamp, "nonce": nonce, "signature": signature(token, timestamp, nonce)}
    return client.post("/wechat", query_string=query, data=body, content_type="text/xml")


class Phone:
    """One WeChat user talking to the official account."""

    def __init__(self, client, config, openid: str, safe_mode: bool = False, after_each=None):
        self.client = client
        self.config = config
        self.openid = openid
        self.crypto = WeChatCrypto(config.wechat_token, config.wechat_encoding_aes_key, config.wechat_app_id) \
            if safe_mode else None
        self.after_each = after_each
        self.last_response = None
        self.clock = int(time.time())

    # --- what the user does ---
    def text(self, content: str) -> str:
        return self.send("text", {"Content": content})

    def tap(self, key: str) -> str:
        return self.send("event", {"Event": "CLICK", "EventKey": key}, msgid=None)

    def location(self, latitude: float, longitude: float, label: str = "现场") -> str:
        """The 发送位置 button: WeChat announces the picker (event), then sends the location message."""
        self.send("event", {"Event": "location_select", "EventKey": "LOCATION"}, msgid=None)
        return self.send("location", {"Location_X": latitude, "Location_Y": longitude, "Scale": 16,
                                      "Label": label})

    def photo(self, data: bytes, live: bool = True) -> str:
        """The 拍照 button (camera only): the event, then the image message with a fresh MediaId."""
        media_id = self.upload(data)
        if live:
            self.send("event", {"Event": "pic_sysphoto", "EventKey": "PHOTO",
                                "SendPicsInfo": "<Count>1</Count><PicList><item><PicMd5Sum><![CDATA[x]]>"
                                                "</PicMd5Sum></item></PicList>"}, msgid=None)
        return self.send("image", {"PicUrl": f"http://mmbiz.example/{media_id}", "MediaId": media_id})

    def upload(self, data: bytes) -> str:
        token = self.client.get("/fake-wechat/cgi-bin/token", query_string={
            "grant_type": "client_credential", "appid": self.config.wechat_app_id,
            "secret": self.config.wechat_app_secret}).get_json()["access_token"]
        response = self.client.post("/fake-wechat/cgi-bin/media/upload",
                                    query_string={"access_token": token, "type": "image"},
                                    data={"media": (BytesIO(data), "photo.jpg", "image/jpeg")})
        return response.get_json()["media_id"]

    # --- the protocol ---
    def send(self, msg_type: str, fields: dict, msgid: int | None | bool = True) -> str:
        self.clock += 1  # events are told apart by CreateTime: one per second, as a real user would
        msgid = next(_msgids) if msgid is True else msgid
        xml = message_xml(self.openid, msg_type, fields, msgid, self.clock)
        return self.deliver(xml)

    def deliver(self, xml: str, timestamp: str | None = None) -> str:
        """Post one delivery as WeChat would and return the reply's text ('' when there is none)."""
        timestamp = timestamp or str(int(time.time()))
        nonce = "n" + str(next(_msgids))
        query = {"timestamp": timestamp, "nonce": nonce,
                 "signature": signature(self.config.wechat_token, timestamp, nonce), "openid": self.openid}
        body = xml
        if self.crypto:
            body = self.crypto.encrypt_message(xml, nonce, timestamp)
            envelope = parse_xml_fields(body)
            query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
        response = self.client.post("/wechat", query_string=query, data=body.encode(),
                                    content_type="text/xml")
        self.last_response = response
        if self.after_each:
            self.after_each()
        return self.read(response)

    def read(self, response) -> str:
        assert response.status_code == 200, response.get_data(as_text=True)
        raw = response.get_data(as_text=True)
        if raw in ("", "success"):
            return ""
        if self.crypto:
            envelope = parse_xml_fields(raw)
            raw = self.crypto.decrypt_message(raw, envelope["MsgSignature"], envelope["TimeStamp"],
                                              envelope["Nonce"])
            raw = raw.decode() if isinstance(raw, bytes) else raw
        reply = parse_message(raw)
        assert reply.source == OFFICIAL_ACCOUNT and reply.target == self.openid
        return reply.content


def parse_xml_fields(xml: str) -> dict:
    import xmltodict

    return dict(xmltodict.parse(xml)["xml"])
