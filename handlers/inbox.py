"""Entry points registered on the robot, one per WeChat message kind. Each opens a unit of work, routes
the message to a command or to the trip's current step, and commits once."""
from __future__ import annotations

import logging
import time

from flask import current_app, g

from handlers import account, om, receipt, sampling
from handlers import texts as T
from handlers.turn import Turn
from services import notify
from services.uow import UnitOfWork, use_case
from states import forms

log = logging.getLogger(__name__)

# typed words and menu keys (EventKey) naming the same command
COMMANDS = {
    "帮助": "help", "help": "help", "?": "help", "HELP": "help",
    "账户信息": "account", "绑定": "account", "我的信息": "account", "ACCOUNT_INFO": "account",
    "解绑": "unbind",
    "采样任务": "tasks", "SAMPLING_TASKS": "tasks",
    "污染源运维": "om", "OM_TASKS": "om",
    "状态": "status", "当前状态": "status", "STATUS": "status",
    "上一步": "back", "返回": "back",
    "取消": "cancel",
    "送样接收": "receipt",
}
LIVE_PHOTO_WINDOW = 120  # seconds after a camera-only menu tap in which its photos arrive


def handles(func):
    """Run `func(turn)` in one unit of work; any unexpected failure is rolled back and apologised for.

    Not functools.wraps: WeRoBot counts the handler's parameters through `__wrapped__`."""
    def handler(message, session):
        with UnitOfWork(current_app.extensions["emss"]) as uow:
            turn = Turn(uow=uow, message=message, session=session, openid=message.source,
                        key=getattr(g, "message_key", None))
            try:
                with use_case(uow.session):  # the turn is one use case: the services it calls commit once, at its end
                    reply = func(turn)
            except Exception:
                log.exception("handling %s failed", getattr(message, "type", "?"))
                return T.SORRY
        return fit(reply) if reply else None
    handler.__name__, handler.__doc__ = func.__name__, func.__doc__
    return handler


MAX_REPLY_BYTES = 2000  # WeChat drops passive text replies over 2048 bytes


def fit(reply: str) -> str:
    """The reply, shortened to what WeChat delivers, and safe inside the reply's CDATA section
    (it may echo what the user typed)."""
    if len(reply.encode()) > MAX_REPLY_BYTES:
        budget = MAX_REPLY_BYTES - len(T.TRUNCATED.encode())
        reply = reply.encode()[:budget].decode(errors="ignore") + T.TRUNCATED
    return reply.replace("]]>", "]]]]><![CDATA[>")


def command(turn: Turn, name: str) -> str:
    if name == "help":
        return T.HELP
    if name == "account":
        return account.account_info(turn)
    if turn.user is None:
        return T.UNBOUND
    if name == "unbind":
        return account.ask_unbind(turn)
    if name == "om":
        return om.list_visits(turn)
    if om.is_crew(turn) and name in ("status", "back", "cancel"):
        return {"status": om.status, "back": om.back, "cancel": om.ask_cancel}[name](turn)
    return {"tasks": sampling.list_tasks, "status": sampling.status, "back": sampling.back,
            "cancel": sampling.ask_cancel, "receipt": receipt.list_tasks}[name](turn)


@handles
def on_text(turn: Turn) -> str:
    """Text: a pending question's answer, a command, a list choice, or the trip step's input."""
    text = turn.message.content or ""
    word = forms.normalise(text)
    if "bind" in turn.session:
        if COMMANDS.get(word) == "cancel":
            del turn.session["bind"]
            return T.BIND_CANCELLED
        return account.binding_answer(turn, text)
    if "unbind" in turn.session:
        return account.unbind_answer(turn, text)
    if "cancel" in turn.session:
        reply = sampling.cancel_answer(turn, text)
        if reply:
            return reply
        if COMMANDS.get(word) is None and not word.isdigit():
            return T.CANCEL_KEPT + "\n" + _step_or_idle(turn)
    if om.CANCEL in turn.session:
        reply = om.cancel_answer(turn, text)
        if reply:
            return reply
        if COMMANDS.get(word) is None and not word.isdigit():
            return T.OM_CANCEL_KEPT + "\n" + om.step_or_idle(turn)
    if receipt.KEY in turn.session and COMMANDS.get(word) in (None, "back", "cancel"):
        return receipt.on_text(turn, text, COMMANDS.get(word))
    if word in COMMANDS:
        turn.session.pop("choices", None)
        turn.session.pop(om.CHOICES, None)
        turn.session.pop(receipt.KEY, None)  # another command leaves the receipt check; its answers are kept
        return command(turn, COMMANDS[word])
    if turn.user is None:
        return T.UNBOUND
    if "choices" in turn.session and word.isdigit():
        return sampling.choose(turn, word)
    turn.session.pop("choices", None)
    if om.is_crew(turn):  # an O&M crew member has no sampling trips
        if om.CHOICES in turn.session and word.isdigit():
            return om.choose(turn, word)
        turn.session.pop(om.CHOICES, None)
        visit = om.current_visit(turn)
        return om.on_text(turn, visit, text) if visit else T.OM_IDLE
    trip = sampling.current_trip(turn)
    return sampling.on_text(turn, trip, text) if trip else T.IDLE


def _step_or_idle(turn: Turn) -> str:
    if om.is_crew(turn):
        return om.step_or_idle(turn)
    trip = sampling.current_trip(turn)
    return sampling.views.prompt(trip) if trip else T.IDLE


@handles
def on_image(turn: Turn) -> str:
    """A photo: stored for the trip's photo step; its media is fetched by a job after the reply."""
    if turn.user is None:
        return T.UNBOUND
    if receipt.KEY in turn.session:
        return receipt.on_image(turn, turn.picture, _live(turn))
    if om.is_crew(turn):
        turn.session.pop(om.CHOICES, None)
        visit = om.current_visit(turn)
        if visit is None:
            return T.OM_NO_VISIT
        return om.on_image(turn, visit, turn.picture, _live(turn))
    trip = sampling.current_trip(turn)
    if trip is None:
        return T.NO_TRIP
    return sampling.on_image(turn, trip, turn.picture, _live(turn))


def _live(turn: Turn) -> bool:
    """Whether this photo is one announced by a camera-only (pic_sysphoto) menu tap moments ago."""
    live = turn.session.get("live")
    if not live or live["until"] < time.time() or live["count"] <= 0:
        turn.session.pop("live", None)
        return False
    live["count"] -= 1
    return True


@handles
def on_location(turn: Turn) -> str:
    """A location from the map picker: the check-in of the trip's location step."""
    if turn.user is None:
        return T.UNBOUND
    if om.is_crew(turn):
        turn.session.pop(om.CHOICES, None)
        visit = om.current_visit(turn)
        if visit is None:
            return T.OM_NO_VISIT
        return om.on_location(turn, visit, turn.place)
    trip = sampling.current_trip(turn)
    if trip is None:
        return T.NO_TRIP
    return sampling.on_location(turn, trip, turn.place)


@handles
def on_click(turn: Turn) -> str:
    """A menu button (CLICK): the same commands as typed words."""
    name = COMMANDS.get(turn.message.key or "")
    return command(turn, name) if name else T.UNSUPPORTED


@handles
def on_subscribe(turn: Turn) -> str:
    if turn.user is None:
        return T.WELCOME + "\n" + T.UNBOUND
    return T.WELCOME + "\n" + (T.OM_IDLE if om.is_crew(turn) else T.IDLE)


@handles
def on_pic_sysphoto(turn: Turn) -> None:
    """The camera-only button: the image messages that follow were taken live."""
    count = turn.message.checked.get("SendPicsInfo")
    turn.session["live"] = {"count": count, "until": time.time() + LIVE_PHOTO_WINDOW}


@handles
def on_template_finished(turn: Turn) -> None:
    """TEMPLATESENDJOBFINISH: WeChat's final word on a template message."""
    checked = turn.message.checked
    notify.record_template_outcome(turn.db, str(checked.get("MsgID")), checked.get("Status", ""))


def on_unsupported(message, session) -> str:
    """Voice, video, links, unknown events: a polite reply and nothing stored."""
    return T.UNSUPPORTED


def silent(message, session) -> None:
    """Events that need no answer (menu pickers announcing the message that follows, VIEW, reports)."""
    return None


def register(robot) -> None:
    routes = {
        "text": on_text, "image": on_image, "location": on_location, "click_event": on_click,
        "subscribe_event": on_subscribe, "pic_sysphoto_event": on_pic_sysphoto,
        "templatesendjobfinish_event": on_template_finished,
        "voice": on_unsupported, "video": on_unsupported, "shortvideo": on_unsupported, "link": on_unsupported,
        "unknown": on_unsupported, "unknown_event": on_unsupported,
        "location_select_event": silent, "pic_photo_or_album_event": silent, "pic_weixin_event": silent,
        "view_event": silent, "location_event": silent, "unsubscribe_event": silent, "scan_event": silent,
    }
    for kind in robot.message_types:
        robot.add_handler(routes.get(kind, on_unsupported), type=kind)
