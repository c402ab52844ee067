"""Entry points registered on the robot, one per WeChat message kind. Each opens a unit of work, routes
the message by the flow table (handlers/flows.py) to an open question, a command or the field work's current
step, and commits once."""
from __future__ import annotations

import logging
import time

from handlers import account, flows
from handlers import texts as T
from handlers.flows import ANYONE, STRANGER
from handlers.turn import Turn
from services.core.uow import UnitOfWork, use_case
from services.notifying import notify
from states import forms

log = logging.getLogger(__name__)

LIVE_PHOTO_WINDOW = 120  # seconds after a camera-only menu tap in which its photos arrive


def handles(func, context):
    """Run `func(turn)` in one unit of work; any unexpected failure is rolled back and apologised for.
    `context()` gives the runtime and the delivery key of the message being handled (bot/robot.py).

    Not functools.wraps: WeRoBot counts the handler's parameters through `__wrapped__`."""
    def handler(message, session):
        runtime, key = context()
        flows.restore(session)
        with UnitOfWork(runtime) as uow:
            turn = Turn(uow=uow, message=message, session=session, openid=message.source, key=key)
            try:
                with use_case(uow.session):  # the turn is one use case: the services it calls commit once, at its end
                    reply = func(turn)
            except Exception:
                log.exception("handling %s failed", getattr(message, "type", "?"))
                return T.SORRY
            finally:
                turn.tidy()
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


def command(turn: Turn, word: str) -> str:
    """A command typed or tapped: a flow's start for the roles the table lets start it, or a step of the user's
    field work."""
    named, flow = flows.commands()[word]
    who = STRANGER if turn.user is None else turn.user.role
    start = named.by.get(who) or (named.by.get(ANYONE) if turn.user is not None else None)
    if start is not None:
        return start(turn)
    if turn.user is None:
        return T.UNBOUND
    if flow is not None:
        return flow.refusal
    return flows.work_of(turn.user.role).step(named.name)(turn)


def _leave_list(turn: Turn) -> None:
    """A typed command leaves the list shown and a flow that only the session holds (its answers are kept in
    the database); field work stays open."""
    flow = _active(turn)
    if flow is not None and flow.work is not None:
        turn.flow().pop("choices", None)
    elif flow is not None:
        turn.leave()


def _active(turn: Turn) -> flows.Flow | None:
    """The flow holding the conversation."""
    return flows.FLOWS.get(turn.flow().get("name"))


def on_text(turn: Turn) -> str:
    """Text: the open question's answer, a command, a list choice, or the field work's step input."""
    text = turn.message.content or ""
    word = forms.normalise(text)
    named = flows.commands().get(word)
    reply = _answer(turn, text, named[0].name if named else None)
    if reply is not None:
        return reply
    if named:
        _leave_list(turn)
        return command(turn, word)
    if turn.user is None:
        return account.unbound_text(turn, text)
    flow = _active(turn)
    if flow is not None and flow.work is not None and "choices" in turn.flow() and word.isdigit():
        return flow.work.choose(turn, word)
    turn.flow().pop("choices", None)
    work = flows.work_of(turn.user.role)
    current = work.current(turn)
    return work.on_text(turn, current, text) if current else work.idle


def _answer(turn: Turn, text: str, command_name: str | None) -> str | None:
    """The open question of the flow holding the conversation, asked before commands; None: not an answer."""
    flow = _active(turn)
    if flow is None:
        return None
    if flow.answer is not None:
        return flow.answer(turn, text, command_name)
    if flow.work is None or "cancel" not in turn.flow():
        return None
    reply = flow.work.cancel_answer(turn, text)  # 确定取消吗: 1 cancels, anything else goes on
    if reply:
        return reply
    if command_name is None and not forms.normalise(text).isdigit():
        return flow.work.kept + "\n" + flow.work.step_or_idle(turn)
    return None


def on_image(turn: Turn) -> str:
    """A photo: stored for the flow's photo step; its media is fetched by a job after the reply."""
    if turn.user is None:
        return T.UNBOUND
    flow = _active(turn)
    if flow is not None and flow.image is not None:
        return flow.image(turn, turn.picture, _live(turn))
    work = _work_at_hand(turn)
    current = work.current(turn)
    return work.on_image(turn, current, turn.picture, _live(turn)) if current else work.none


def _work_at_hand(turn: Turn):
    """The user's field work; a location or photo answers its step, so a list shown before is no longer open."""
    turn.flow().pop("choices", None)
    return flows.work_of(turn.user.role)


def _live(turn: Turn) -> bool:
    """Whether this photo is one announced by a camera-only (pic_sysphoto) menu tap moments ago."""
    live = turn.session.get("live")
    if not live or live["until"] < time.time() or live["count"] <= 0:
        turn.session.pop("live", None)
        return False
    live["count"] -= 1
    return True


def on_location(turn: Turn) -> str:
    """A location from the map picker: the answer of a flow that asked for it (到场确认), else the check-in of the
    field work's location step."""
    if turn.user is None:
        return T.UNBOUND
    flow = _active(turn)
    if flow is not None and flow.location is not None:
        return flow.location(turn, turn.place)
    work = _work_at_hand(turn)
    current = work.current(turn)
    return work.on_location(turn, current, turn.place) if current else work.none


def on_click(turn: Turn) -> str:
    """A menu button (CLICK): the same commands as typed words."""
    key = turn.message.key or ""
    return command(turn, key) if key in flows.commands() else T.UNSUPPORTED


def on_subscribe(turn: Turn) -> str:
    if turn.user is None:
        return T.WELCOME + "\n" + T.UNBOUND
    return T.WELCOME + "\n" + flows.work_of(turn.user.role).idle


def on_pic_sysphoto(turn: Turn) -> None:
    """The camera-only button: the image messages that follow were taken live."""
    count = turn.message.checked.get("SendPicsInfo")
    turn.session["live"] = {"count": count, "until": time.time() + LIVE_PHOTO_WINDOW}


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


# message kinds handled in a unit of work; the rest need no database
TURNS = {
    "text": on_text, "image": on_image, "location": on_location, "click_event": on_click,
    "subscribe_event": on_subscribe, "pic_sysphoto_event": on_pic_sysphoto,
    "templatesendjobfinish_event": on_template_finished,
}
PLAIN = {
    "voice": on_unsupported, "video": on_unsupported, "shortvideo": on_unsupported, "link": on_unsupported,
    "unknown": on_unsupported, "unknown_event": on_unsupported,
    "location_select_event": silent, "pic_photo_or_album_event": silent, "pic_weixin_event": silent,
    "view_event": silent, "location_event": silent, "unsubscribe_event": silent, "scan_event": silent,
}


def register(robot, context) -> None:
    """Add our handlers to the robot; `context()` gives the runtime and the message's delivery key."""
    for kind in robot.message_types:
        func = TURNS.get(kind)
        robot.add_handler(handles(func, context) if func else PLAIN.get(kind, on_unsupported), type=kind)
