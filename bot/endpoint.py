"""Our own Flask view for WeChat's callback URL (`/wechat`), in place of `werobot.contrib.flask.make_view`.

It checks the signature in constant time and the timestamp's age, answers bad input with a 4xx instead of a
500, de-duplicates retried deliveries and sends replies as XML, encrypted when the request was.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from xml.parsers.expat import ExpatError

from flask import Blueprint, Response, abort, current_app, g, request
from werobot.crypto import MessageCrypt
from werobot.messages.events import UnknownEvent
from werobot.messages.messages import UnknownMessage
from werobot.parser import parse_xml, process_message
from werobot.replies import TextReply

from bot import schema
from bot.deliveries import Busy, delivery_key
from handlers import texts

log = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)
MAX_BODY = 1024 * 1024
# a DTD is how entity expansion (XXE, billion laughs) gets in; WeChat never sends one
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _signed(token: str) -> bool:
    args = request.args
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    expected = sign(token, timestamp, nonce)
    return bool(timestamp) and hmac.compare_digest(expected, args.get("signature", ""))


def _fresh(max_skew: int) -> bool:
    try:
        return abs(time.time() - int(request.args["timestamp"])) <= max_skew
    except (KeyError, ValueError):
        return False


@bp.route("/wechat", methods=["GET", "POST"])
def callback():
    config = current_app.extensions["emss"].config
    if not _signed(config.wechat_token) or not _fresh(config.wechat_max_clock_skew):
        abort(403, "签名校验失败")
    if request.method == "GET":
        return Response(request.args.get("echostr", ""), mimetype="text/plain")
    if (request.content_length or 0) > MAX_BODY:
        abort(413, "消息体过大")
    body = request.stream.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        abort(413, "消息体过大")
    if _DTD.search(body):
        abort(400, "不接受含 DTD 或实体声明的 XML")
    crypt, message = _parse(body, config)
    reply = _reply(message)
    if crypt is not None and reply != b"success":
        reply = crypt.encrypt_message(reply.decode()).encode()
    return Response(reply, mimetype="text/plain" if reply == b"success" else "application/xml")


def _cryptors(config) -> list[MessageCrypt]:
    keys = [k for k in (config.wechat_encoding_aes_key, config.wechat_previous_aes_key) if k]
    return [MessageCrypt(config.wechat_token, key, config.wechat_app_id) for key in keys]


def _parse(body: bytes, config):
    """(the cryptor that opened it or None, the WeRoBot message); 400 for anything unreadable."""
    try:
        fields = parse_xml(body)
        crypt = None
        if request.args.get("encrypt_type") == "aes":
            crypt, plain = _decrypt(fields, config)
            fields = parse_xml(plain)
        checked = schema.check(fields)  # before WeRoBot, whose fields are read later, outside this guard
        message = _known_type(process_message(fields))
        message.checked = checked
        return crypt, message
    except schema.Malformed as exc:
        log.info("malformed WeChat message: %s", exc)
        abort(400, f"消息字段无效：{exc}")
    except (ExpatError, ValueError, TypeError, KeyError, UnicodeError) as exc:
        log.info("unreadable WeChat body: %s", exc)
        abort(400, "无法解析的 XML")


def _known_type(message):
    """WeRoBot keeps an unknown MsgType or Event as the type, which no handler is registered for:
    route those to the `unknown` handlers, which answer politely and store nothing."""
    if isinstance(message, UnknownMessage):
        message.type = "unknown"
    elif isinstance(message, UnknownEvent):
        message.type = "unknown_event"
    return message


def _decrypt(fields: dict, config) -> tuple[MessageCrypt, bytes]:
    args = request.args
    if "Encrypt" not in fields:
        abort(400, "安全模式消息缺少 Encrypt")
    for crypt in _cryptors(config):  # the current key first, then the one before a rotation
        try:
            return crypt, crypt.decrypt_message(args.get("timestamp"), args.get("nonce"),
                                                args.get("msg_signature", ""), fields["Encrypt"])
        except Exception as exc:  # noqa: BLE001 - any failure means "not this key"
            log.info("decrypt failed with one key: %s", exc)
    abort(403, "消息解密或签名校验失败")


def _reply(message) -> bytes:
    """The rendered reply, made once per delivery and repeated for WeChat's retries."""
    deliveries, robot = current_app.extensions["emss.deliveries"], current_app.extensions["emss.robot"]
    sessions = robot.session_storage
    key, openid = delivery_key(message), message.source
    session_key = sessions.key(openid)
    try:
        opening = deliveries.begin(key, openid, session_key)
        if not opening.first:
            earlier = deliveries.reply_of(key)
            if earlier is not None:
                return earlier
            # the first delivery's worker died with no effect: this retry handles the message itself
            opening = deliveries.begin(key, openid, session_key)
            if not opening.first:
                return deliveries.reply_of(key) or b"success"
    except Busy:
        # never `success` for a message that had no effect: WeChat would not retry, the message would be lost
        return TextReply(message=message, content=texts.RESEND_WHILE_BUSY).render().encode()
    g.message_key = key
    g.chat_sessions = {"read": {session_key: opening.session}, "write": {}}
    try:
        with deliveries.holding(key, openid, opening.token):
            reply = robot.get_reply(message)
            rendered = reply.render().encode() if reply else b"success"
    except BaseException:
        deliveries.abandon(key, openid, opening.token)
        raise
    finally:
        # g lives as long as the app context, which an in-process caller (the simulator) may share
        writes = g.pop("chat_sessions")["write"]
    deliveries.finish(key, openid, opening.token, rendered, writes)
    return rendered
