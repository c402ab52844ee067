"""The one schema of what WeChat posts: for each MsgType (and Event) the fields our code relies on, with their
type and range, checked before WeRoBot sees the message (WeRoBot reads its fields lazily, long after the
endpoint's parse guard, so a bad MsgId used to surface as a 500 in the middle of the delivery).

Two kinds of field:
- protocol fields (MsgType, MsgId, CreateTime, FromUserName, ...): WeChat's servers always send them well
  formed, so a bad one makes the whole delivery `Malformed`; the endpoint answers 400 naming the field.
- user fields (a location's coordinates, a photo's MediaId): the message is delivered, marked with a problem
  code, and the handler tells the user in chat what to send again. Nothing is recorded from them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # WeChat OpenIDs are 28 such characters; 64 is our column
MEDIA_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")  # the photo's media_id column holds 128
DIGITS = re.compile(r"[0-9]{1,20}")
DECIMAL = re.compile(r"[+-]?[0-9]{1,6}(\.[0-9]{1,15})?")  # a coordinate or a precision in metres, as WeChat writes it
MAX_ID = 2 ** 63 - 1  # MsgId and MsgID fit a signed 64-bit integer
MAX_TIME = 2 ** 32 - 1
MAX_PICS = 9  # WeChat's picture pickers send at most nine


class Malformed(ValueError):
    """A delivery WeChat's servers would not have sent; the message says which field and why."""


@dataclass
class Checked:
    """The message's fields our handlers use, converted; `problem` is the first user field that was unusable."""

    values: dict = field(default_factory=dict)
    problem: str | None = None

    def get(self, name: str, default=None):
        return self.values.get(name, default)


# --- field checks: text in, value out, ValueError with the reason when unusable ---

def _text(value: str, limit: int = 4096) -> str:
    if len(value) > limit:
        raise ValueError(f"长度超过 {limit}")
    return value


def _matching(pattern: re.Pattern, what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"不是有效的{what}")
        return value
    return check


def _integer(low: int, high: int) -> Callable[[str], int]:
    def check(value: str) -> int:
        if not DIGITS.fullmatch(value.strip()) or not low <= int(value) <= high:
            raise ValueError(f"应为 {low} 到 {high} 之间的整数")
        return int(value)
    return check


def _decimal(low: float, high: float) -> Callable[[str], float]:
    def check(value: str) -> float:
        text = value.strip()
        number = float(text) if DECIMAL.fullmatch(text) else math.nan
        if not low <= number <= high:  # NaN fails here too
            raise ValueError(f"应为 {low:g} 到 {high:g} 之间的数")
        return number
    return check


def _pictures(value) -> int:
    """SendPicsInfo of the picture pickers: a Count and exactly that many PicList items, each with a PicMd5Sum."""
    if not isinstance(value, dict):
        raise ValueError("缺少 Count 和 PicList")
    count = _integer(1, MAX_PICS)(_scalar(value.get("Count")))
    pic_list = value.get("PicList")
    items = pic_list.get("item") if isinstance(pic_list, dict) else None
    items = items if isinstance(items, list) else [] if items is None else [items]  # one item parses as a dict
    if len(items) != count or not all(isinstance(i, dict) and "PicMd5Sum" in i for i in items):
        raise ValueError("PicList 的 item 与 Count 不符")
    return count


def _scalar(value) -> str:
    """Element text: an empty element, a nested one or a repeated one is not a value."""
    if value is None:
        raise ValueError("为空")
    if not isinstance(value, str):
        raise ValueError("不是单个文本值")
    return value


@dataclass(frozen=True)
class Field:
    name: str
    check: Callable = _text
    required: bool = True
    problem: str | None = None  # None: a protocol field (400); else the code the handler explains in chat
    structured: bool = False  # the check takes the parsed element itself (nested XML), not its text


def _optional(name: str, check: Callable = _text) -> Field:
    return Field(name, check, required=False)


MSG_ID = Field("MsgId", _integer(1, MAX_ID), required=False)
ENVELOPE = (Field("ToUserName", _matching(OPENID, "公众号 ID")), Field("FromUserName", _matching(OPENID, "OpenID")),
            Field("CreateTime", _integer(0, MAX_TIME)), Field("MsgType", _matching(re.compile(r"\w{1,32}"), "类型")))
LATITUDE, LONGITUDE, PRECISION = _decimal(-90, 90), _decimal(-180, 180), _decimal(0, 100_000)
PICTURES = (Field("SendPicsInfo", _pictures, structured=True), _optional("EventKey"))
# by MsgType, or "event:" + the Event in lower case; kinds not listed are checked for the envelope only
KINDS: dict[str, tuple[Field, ...]] = {
    "text": (MSG_ID, _optional("Content", str)),  # any length: the body's size bounds it
    "image": (MSG_ID, Field("MediaId", _matching(MEDIA_ID, "MediaId"), problem="media_id"),
              Field("PicUrl", lambda v: _text(v, 512), required=False, problem="pic_url")),
    "location": (MSG_ID, Field("Location_X", LATITUDE, problem="latitude"),
                 Field("Location_Y", LONGITUDE, problem="longitude"),
                 Field("Precision", PRECISION, required=False, problem="precision"),
                 Field("Label", lambda v: _text(v, 255), required=False, problem="label")),
    "event": (Field("Event", _matching(re.compile(r"\w{1,64}"), "事件")), _optional("EventKey"),
              Field("MsgID", _integer(1, MAX_ID), required=False)),
    "event:click": (_optional("EventKey", lambda v: _text(v, 128)),),
    "event:templatesendjobfinish": (Field("MsgID", _integer(1, MAX_ID)), _optional("Status", lambda v: _text(v, 64))),
    "event:pic_sysphoto": PICTURES, "event:pic_photo_or_album": PICTURES, "event:pic_weixin": PICTURES,
    "event:location": (Field("Latitude", LATITUDE), Field("Longitude", LONGITUDE), _optional("Precision", PRECISION)),
}


def check(fields: dict) -> Checked:
    """The converted fields of one parsed delivery; `Malformed` when a protocol field is missing or wrong."""
    if not isinstance(fields, dict):
        raise Malformed("不是有效的微信消息")
    checked = Checked()
    _apply(fields, ENVELOPE, checked)
    kind = checked.values["MsgType"].lower()
    # an unlisted MsgType (answered "not supported") still has its MsgId checked: the de-duplication key reads it
    _apply(fields, KINDS.get(kind, (MSG_ID,)), checked)
    if kind == "event":
        _apply(fields, KINDS.get("event:" + checked.values["Event"].lower(), ()), checked)
    return checked


def _apply(fields: dict, schema: tuple[Field, ...], checked: Checked) -> None:
    for spec in schema:
        raw = fields.get(spec.name)
        if raw is None and not spec.required:
            continue
        try:
            if raw is None:
                raise ValueError("缺失或为空")
            checked.values[spec.name] = spec.check(raw if spec.structured else _scalar(raw))
        except ValueError as error:
            if spec.problem is None:
                raise Malformed(f"{spec.name} {error}") from error
            checked.problem = checked.problem or spec.problem
