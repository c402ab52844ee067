"""A phone-like page for talking to the official account through the local stand-in (EMSS_DEV only).

Each action is turned into the XML a real WeChat server would post, signed with our token and posted to
`/wechat` in-process; the user's own messages and the account's replies go into the fake WeChat's inbox,
next to the template and customer-service messages the fake API delivered, so the chat can be redrawn.
"""
from __future__ import annotations

import math
import re
import secrets
import time

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for
from werobot.parser import parse_xml

from bot.endpoint import sign
from bot.menu import MENU
from bot.standin.store import PREFIX, FakeWeChat
from models import clock
from states.templates import TEMPLATES

bp = Blueprint("simulator", __name__, template_folder="templates")

ACCOUNT = "gh_emss_demo"  # the official account's own id (ToUserName)
ACCOUNT_NAME = "上海市环境监测社会化服务监管"
MAX_PHOTO = 25 * 1024 * 1024
MAX_TEXT = 2000
CLOCK_TTL = 24 * 3600
OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # also keeps the OpenID safe to put into XML and Redis keys
DEMO_USERS = [
    ("采样人员 sampler1", "o_demo_sampler1"),
    ("采样人员 sampler2", "o_demo_sampler2"),
    ("自测企业 selfmon1", "o_demo_selfmon1"),
    ("运维人员 omcrew1", "o_demo_omcrew1"),
    ("排污单位 polluter1", "o_demo_polluter"),
]
SITE = {"name": "上海示范化工有限公司", "latitude": 30.8167, "longitude": 121.3500, "radius_m": 300, "span": 0.03}
PRESETS = [("厂区内", 30.8168, 121.3502), ("厂区外约2公里", 30.8350, 121.3500)]
# the clock buttons a trainer uses to demo a late confirmation: (label, seconds forward)
CLOCK_STEPS = [("+10 分钟", 600), ("+1 小时", 3600), ("下一天", 24 * 3600)]


class BadInput(Exception):
    """Raised with the Chinese reason shown to whoever drives the simulator."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason, self.status = reason, status


@bp.errorhandler(BadInput)
def _bad_input(error: BadInput):
    return jsonify(error=error.reason), error.status


@bp.errorhandler(413)
def _too_large(_error):
    """The app-wide upload cap, met before our own check."""
    return jsonify(error="照片超过 25 MB，无法发送"), 413


def fake() -> FakeWeChat:
    return FakeWeChat(current_app.extensions["emss"].redis)


# --- the page -------------------------------------------------------------------------------------------

@bp.get("/simulator")
def page():
    config = current_app.extensions["emss"].config
    # what the page's script needs; the menu itself is drawn here, from MENU, not duplicated in the script
    # the fake account's template library: WeChat shows each template's own title and labels, not the sender's
    templates = {getattr(config, t.key): {"title": t.title, "labels": t.labels} for t in TEMPLATES}
    settings = {"site": SITE, "presets": PRESETS, "templates": templates,
                "maxPhoto": MAX_PHOTO, "demoUsers": [openid for _, openid in DEMO_USERS]}
    return render_template("simulator.html", account_name=ACCOUNT_NAME, menu=MENU["button"], users=DEMO_USERS,
                           settings=settings, clock_steps=CLOCK_STEPS, app_time=clock.fmt(clock.now()),
                           clock_set=clock.dev_clock().is_set())


@bp.get("/simulator/api/inbox/<openid>")
def inbox(openid: str):
    _check_openid(openid)
    # the fake API's template entries predate `direction`: everything it delivers was received by the user
    return jsonify([{"direction": "in", **entry} for entry in fake().inbox(openid)])


@bp.get("/simulator/media/<media_id>")
def media(media_id: str):
    """The photo behind a MediaId, without an access token: the PicUrl of the simulator's image messages."""
    found = fake().get_media(media_id)
    if found is None:
        abort(404)
    data, content_type = found
    return Response(data, mimetype=content_type)


# --- sending ---------------------------------------------------------------------------------------------

@bp.post("/simulator/api/send")
def send():
    if request.mimetype == "multipart/form-data":
        body = request.form.to_dict()
    else:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadInput("请求体必须是 JSON 对象")
    openid = _check_openid(body.get("openid"))
    kind = body.get("type")
    action = ACTIONS.get(kind) if isinstance(kind, str) else None
    if action is None:
        raise BadInput(f"不支持的消息类型：{kind}")
    return jsonify(reply=action(openid, body))


def _check_openid(openid) -> str:
    if not isinstance(openid, str) or not openid:
        raise BadInput("缺少 OpenID")
    if not OPENID.match(openid):
        raise BadInput("OpenID 只能包含字母、数字、下划线和连字符，且不超过 64 个字符")
    return openid


def send_text(openid: str, body: dict) -> str:
    content = body.get("content")
    if not isinstance(content, str) or not content.strip():
        raise BadInput("消息内容不能为空")
    if len(content) > MAX_TEXT:
        raise BadInput(f"消息过长（最多 {MAX_TEXT} 字）")
    fake().deliver(openid, {"kind": "text", "direction": "out", "content": content})
    return post(openid, "text", {"Content": content}, msgid=True)


def send_click(openid: str, body: dict) -> str:
    key = body.get("key")
    if not isinstance(key, str) or not key:
        raise BadInput("缺少菜单按钮的 key")
    fake().deliver(openid, {"kind": "event", "direction": "out", "event": "CLICK", "key": key,
                            "name": _button_name(key)})
    return post(openid, "event", {"Event": "CLICK", "EventKey": key})


def send_subscribe(openid: str, body: dict) -> str:
    fake().deliver(openid, {"kind": "event", "direction": "out", "event": "subscribe", "key": "", "name": "关注"})
    return post(openid, "event", {"Event": "subscribe", "EventKey": ""})


def send_location(openid: str, body: dict) -> str:
    """Like the 发送位置 button: WeChat announces the picker with an event, then sends the location."""
    latitude = _coordinate(body.get("latitude"), 90, "纬度")
    longitude = _coordinate(body.get("longitude"), 180, "经度")
    label = body.get("label") or ""
    if not isinstance(label, str) or len(label) > 100:
        raise BadInput("位置名称必须是不超过 100 字的文字")
    fake().deliver(openid, {"kind": "location", "direction": "out", "latitude": latitude, "longitude": longitude,
                            "label": label})
    post(openid, "event", {"Event": "location_select", "EventKey": _menu_key("location_select")})
    return post(openid, "location", {"Location_X": latitude, "Location_Y": longitude, "Scale": 16,
                                     "Label": label}, msgid=True)


def _coordinate(value, limit: int, name: str) -> float:
    if isinstance(value, bool):  # bool is an int to Python, never a coordinate
        raise BadInput(f"{name}必须是数字")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadInput(f"{name}必须是数字") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise BadInput(f"{name}超出范围（-{limit}～{limit}）")
    return round(number, 6)


def send_photo(openid: str, body: dict) -> str:
    """Like the camera-only 拍照 button: the photo goes to the media store, then the event, then the image."""
    data, content_type = _read_photo()
    media_id = fake().put_media(data, content_type)
    pic_url = url_for("simulator.media", media_id=media_id, _external=True)
    fake().deliver(openid, {"kind": "image", "direction": "out", "media_id": media_id, "pic_url": pic_url})
    pics = f"<Count>1</Count><PicList><item><PicMd5Sum><![CDATA[{secrets.token_hex(16)}]]></PicMd5Sum></item></PicList>"
    post(openid, "event", {"Event": "pic_sysphoto", "EventKey": _menu_key("pic_sysphoto"), "SendPicsInfo": Raw(pics)})
    return post(openid, "image", {"PicUrl": pic_url, "MediaId": media_id}, msgid=True)


def _read_photo() -> tuple[bytes, str]:
    if (request.content_length or 0) > MAX_PHOTO + 64 * 1024:  # refuse before parsing the whole form
        raise BadInput("照片超过 25 MB，无法发送", 413)
    upload = request.files.get("photo")
    if upload is None:
        raise BadInput("缺少照片文件（字段 photo）")
    data = upload.read(MAX_PHOTO + 1)
    if len(data) > MAX_PHOTO:
        raise BadInput("照片超过 25 MB，无法发送", 413)
    if not data:
        raise BadInput("照片文件为空")
    content_type = upload.mimetype or "image/jpeg"
    if not content_type.startswith("image/"):
        raise BadInput("只能发送图片文件")
    return data, content_type


ACTIONS = {"text": send_text, "click": send_click, "subscribe": send_subscribe, "location": send_location,
           "photo": send_photo}


def _menu_buttons():
    for button in MENU["button"]:
        yield button
        yield from button.get("sub_button", [])


def _button_name(key: str) -> str:
    return next((b["name"] for b in _menu_buttons() if b.get("key") == key), key)


def _menu_key(kind: str) -> str:
    return next((b["key"] for b in _menu_buttons() if b.get("type") == kind), "")


# --- the protocol ----------------------------------------------------------------------------------------

class Raw(str):
    """A field value that is already XML (SendPicsInfo), put in as is."""


def _field(name: str, value) -> str:
    if isinstance(value, Raw):
        return f"<{name}>{value}</{name}>"
    if isinstance(value, (int, float)):
        return f"<{name}>{value}</{name}>"
    # "]]>" cannot appear inside CDATA: split it across two sections
    return f"<{name}><![CDATA[{str(value).replace(']]>', ']]]]><![CDATA[>')}]]></{name}>"


def message_xml(openid: str, msg_type: str, fields: dict, create_time: int, msgid: int | None) -> str:
    head = {"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": create_time, "MsgType": msg_type}
    tail = {"MsgId": msgid} if msgid is not None else {}
    return "<xml>" + "".join(_field(k, v) for k, v in {**head, **fields, **tail}.items()) + "</xml>"


def create_time(openid: str) -> int:
    """A CreateTime later than this user's previous one: events carry no MsgId and WeChat's retries are
    recognised by FromUserName + CreateTime, so two quick taps in one second must not look like a retry."""
    key = PREFIX + "sim:clock:" + openid

    def step(pipe):
        value = max(int(time.time()), int(pipe.get(key) or 0) + 1)
        pipe.multi()
        pipe.set(key, value, ex=CLOCK_TTL)
        return value

    return current_app.extensions["emss"].redis.transaction(step, key, value_from_callable=True)


def post(openid: str, msg_type: str, fields: dict, msgid: bool = False) -> str:
    """Deliver one message as WeChat would (plain mode, which /wechat accepts even with an AES key set) and
    record the reply in the inbox; the reply's text, '' when the account answered `success`."""
    config = current_app.extensions["emss"].config
    xml = message_xml(openid, msg_type, fields, create_time(openid), fake().next_msgid() if msgid else None)
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    # in-process: the nested request shares this request's app context, which /wechat does not mind
    response = current_app.test_client().post(
        "/wechat", data=xml.encode(), content_type="text/xml",
        query_string={"timestamp": timestamp, "nonce": nonce, "openid": openid,
                      "signature": sign(config.wechat_token, timestamp, nonce)})
    if response.status_code != 200:
        raise BadInput(f"该公众号暂时无法提供服务，请稍后再试（/wechat 返回 HTTP {response.status_code}）", 502)
    reply = _reply_text(response.get_data())
    if reply:
        fake().deliver(openid, {"kind": "text", "direction": "in", "content": reply, "via": "reply"})
    return reply


def _reply_text(raw: bytes) -> str:
    if raw.strip() in (b"", b"success"):
        return ""
    fields = parse_xml(raw)
    if fields.get("MsgType") != "text":
        return f"[模拟器暂不能显示 {fields.get('MsgType')} 类型的回复]"
    return fields.get("Content") or ""
