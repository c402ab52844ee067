"""The conversations the official account holds (会话流程), declared as data: one table, one entry per flow.

An entry says which commands start the flow (the typed words and menu keys naming them), which role may run each
and how, what a role that may not is told, the question the flow holds open while it is the session's flow, and,
for field work, where a text, location or photo goes and how the open work is found again in the database.
The router (handlers/inbox.py) reads only this table: a new flow is a new entry, not a new branch.

The session keeps one flow at a time in one layout: `session["flow"] = {"name": ..., "subject": id,
"choices": [ids], ...}` (handlers/turn.py). It only hints; the database stays the truth.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from handlers import account, om, om_polluter, presence, receipt, sampling
from handlers import texts as T
from handlers.turn import FLOW
from models import Role

ANYONE = "anyone"  # any bound user
STRANGER = "stranger"  # an OpenID not bound to an account yet


@dataclass(frozen=True)
class Command:
    """One command: the words typed or menu keys (EventKey) naming it, and who may run it, and how."""
    name: str
    words: tuple[str, ...]
    by: Mapping[str, Callable]


@dataclass(frozen=True)
class Work:
    """Field work one role does over many messages. The database keeps it open, so a lost session resumes it."""
    role: Role
    current: Callable  # (turn) -> the open work, or None
    on_text: Callable  # (turn, work, text) -> reply
    on_location: Callable  # (turn, work, place) -> reply
    on_image: Callable  # (turn, work, picture, live) -> reply
    choose: Callable  # (turn, number) -> reply: a number from the list the flow showed
    status: Callable  # (turn) -> reply, for 状态
    back: Callable  # (turn) -> reply, for 上一步
    ask_cancel: Callable  # (turn) -> reply, for 取消: asks first
    cancel_answer: Callable  # (turn, text) -> reply, or None when the work goes on
    step_or_idle: Callable  # (turn) -> the open step's prompt, or `idle`
    idle: str  # a text with no work open
    none: str  # a location or photo with no work open
    kept: str  # 取消 answered with something else

    @classmethod
    def of(cls, steps, role: Role, **texts: str) -> Work:
        """The work whose handlers module `steps` has one function per field above, named alike."""
        names = [f.name for f in fields(cls) if f.name not in ("role", *texts)]
        return cls(role, **{name: getattr(steps, name) for name in names}, **texts)

    def step(self, command: str) -> Callable:
        """The handler of a step command (STEPS)."""
        return {"status": self.status, "back": self.back, "cancel": self.ask_cancel}[command]


@dataclass(frozen=True)
class Flow:
    """One conversation: how it starts, what it asks, and the field work it carries, if any."""
    name: str
    title: str  # what users call it
    commands: tuple[Command, ...]
    refusal: str | None = None  # said to a role that may not start it
    answer: Callable | None = None  # (turn, text, command) -> reply, or None to go on: its open question
    image: Callable | None = None  # (turn, picture, live) -> reply: a photo while it holds the conversation
    location: Callable | None = None  # (turn, place) -> reply: a location while it holds the conversation
    work: Work | None = None
    needs: tuple[str, ...] = ()  # session keys its state cannot be without


# commands of no flow: they act on whatever the user is doing
GENERAL = (
    Command("help", ("帮助", "help", "?", "HELP"), {STRANGER: account.help_text, ANYONE: account.help_text}),
    Command("status", ("状态", "当前状态", "STATUS"), {}),
    Command("back", ("上一步", "返回"), {}),
    Command("cancel", ("取消",), {}),
)
STEPS = ("status", "back", "cancel")  # answered by the user's field work (Work)

FLOWS = {flow.name: flow for flow in (
    Flow(account.NAME, "账户绑定", (
        Command("account", ("账户信息", "绑定", "我的信息", "ACCOUNT_INFO"),
                {STRANGER: account.account_info, ANYONE: account.account_info}),
        Command("unbind", ("解绑",), {ANYONE: account.ask_unbind}),
    ), answer=account.answer, needs=("step",)),
    Flow(sampling.NAME, "采样行程", (
        Command("tasks", ("采样任务", "SAMPLING_TASKS"),
                {Role.SAMPLER: sampling.list_tasks, Role.POLLUTER_CONFIRMER: sampling.awaiting}),
    ), refusal=T.NOT_A_SAMPLER, work=Work.of(sampling, Role.SAMPLER, idle=T.IDLE, none=T.NO_TRIP,
                                              kept=T.CANCEL_KEPT)),
    Flow(om.NAME, "现场运维", (
        Command("om", ("污染源运维", "OM_TASKS"),
                {Role.OM_CREW: om.list_visits, Role.POLLUTER_CONFIRMER: om_polluter.awaiting}),
    ), refusal=T.OM_ONLY_CREW, work=Work.of(om, Role.OM_CREW, idle=T.OM_IDLE, none=T.OM_NO_VISIT,
                                             kept=T.OM_CANCEL_KEPT)),
    Flow(receipt.NAME, "送样接收检查", (
        Command("receipt", ("送样接收",), {Role.AGENCY_ADMIN: receipt.list_tasks}),
    ), refusal=T.RECEIPT_ONLY_AGENCY, answer=receipt.on_text, image=receipt.on_image),
    Flow(presence.NAME, "到场确认", (
        Command("presence", ("到场确认", "PRESENCE"), {Role.SAMPLER: presence.start, Role.OM_CREW: presence.start}),
    ), refusal=T.PRESENCE_ONLY_CREW, location=presence.on_location),
)}
# users with no field work of their own are answered as a sampler with no trip open
DEFAULT_WORK = FLOWS[sampling.NAME].work


def commands() -> dict[str, tuple[Command, Flow | None]]:
    """Each typed word or menu key → its command and the flow it starts (None for a general command)."""
    named = [(command, None) for command in GENERAL]
    named += [(command, flow) for flow in FLOWS.values() for command in flow.commands]
    return {word: (command, flow) for command, flow in named for word in command.words}


def work_of(role: str | None) -> Work:
    """The field work a role does (a sampler's trip, a crew member's visit)."""
    return next((f.work for f in FLOWS.values() if f.work and f.work.role == role), DEFAULT_WORK)


# --- the session ------------------------------------------------------------------------------------------------
# the layout before this table (one set of keys per flow), still in Redis at deploy: translated on first read
OLD_KEYS = {
    sampling.NAME: {"choices": "choices", "trip": "subject", "cancel": "cancel"},
    om.NAME: {"om_choices": "choices", "om_visit": "subject", "om_cancel": "cancel", "om_shown": "shown"},
}


def restore(session: dict) -> None:
    """Bring a session to the one layout and drop a flow state that is not one of ours (a session is only hints:
    treating a strange one as empty loses nothing the database holds)."""
    old = _translated(session)
    if old is not None:
        session[FLOW] = old
    state = session.get(FLOW)
    if state is not None and not _valid(state):
        del session[FLOW]


def _translated(session: dict) -> dict | None:
    bind, receipt_state = session.pop("bind", None), session.pop("receipt", None)
    unbind = session.pop("unbind", None)
    found = {name: {new: session.pop(old) for old, new in keys.items() if old in session}
             for name, keys in OLD_KEYS.items()}
    if isinstance(bind, dict):
        return {**bind, "name": account.NAME}
    if unbind:
        return {"name": account.NAME, "step": "unbind"}
    if isinstance(receipt_state, dict):
        renamed = {"task": "subject", "choices": "choices"}
        return {"name": receipt.NAME, **{renamed[k]: v for k, v in receipt_state.items() if k in renamed}}
    return next(({"name": name, **state} for name, state in found.items() if state), None)


def _valid(state) -> bool:
    if not isinstance(state, dict) or state.get("name") not in FLOWS:
        return False
    choices, shown = state.get("choices", []), state.get("shown", [None] * 4)
    if not isinstance(choices, list) or not isinstance(shown, list) or len(shown) != 4:
        return False
    ids = [state[key] for key in ("subject", "cancel") if key in state] + choices
    return (all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
            and all(key in state for key in FLOWS[state["name"]].needs))
