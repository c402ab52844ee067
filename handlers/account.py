"""账户信息: binding an OpenID to an account of this system, and unbinding it. The flow's session state holds
the question asked: `step` is "username", "password" (with the `username` given) or "unbind"."""
from __future__ import annotations

from handlers import texts as T
from handlers.turn import Turn
from services.core import policy
from services.texts.refusals import say
from services.users import accounts, pollution_source, signin

NAME = "account"


def account_info(turn: Turn) -> str:
    """Bound: who they are, with 解绑 offered. Unbound: ask for the account name."""
    user = turn.user
    if user is not None:
        return T.BOUND_INFO.format(name=user.display_name, username=user.username, org=organisation(user),
                                   role=T.ROLE_NAMES.get(user.role, user.role))
    try:
        signin.check(turn.uow.redis, None, _source(turn))
    except signin.Locked as locked:
        return say(locked)
    turn.enter(NAME, step="username")
    return T.ASK_USERNAME


def unbound_text(turn: Turn, text: str) -> str:
    """A text from an OpenID bound to no account: one that looks like an account name starts the binding with it
    (people type their account before they find the menu); anything else is told how to bind."""
    name = text.strip()
    if not accounts.USERNAME.match(name):
        return T.UNBOUND
    try:
        signin.check(turn.uow.redis, name, _source(turn))
    except signin.Locked as locked:
        return say(locked)
    turn.enter(NAME, step="password", username=name)
    return T.ASK_PASSWORD_FOR.format(username=name)


def answer(turn: Turn, text: str, command: str | None) -> str:
    """Every text answers the open question while it is asked; 取消 abandons binding."""
    if turn.flow(NAME)["step"] == "unbind":
        return unbind_answer(turn, text)
    if command == "cancel":
        turn.leave()
        return T.BIND_CANCELLED
    return binding_answer(turn, text)


def binding_answer(turn: Turn, text: str) -> str:
    """The account name, then the password. Wrong passwords count against the account (whichever way they
    came) and this OpenID; a locked one is told until when, and not asked for a password in vain."""
    state = turn.leave()
    try:
        if state["step"] == "username":
            signin.check(turn.uow.redis, text, _source(turn))
            turn.enter(NAME, step="password", username=text.strip())
            return T.ASK_PASSWORD
        runtime = turn.uow.runtime  # polluters may bind with their pollution-source system account
        user = signin.sign_in(turn.db, turn.uow.redis, state.get("username", ""), text, _source(turn),
                              pollution_source.system(runtime.config, runtime.http))
    except (signin.Locked, signin.NotInDirectory) as refused:
        return say(refused)
    except pollution_source.Unreachable as unreachable:
        turn.enter(NAME, step="username")  # nothing was wrong with what they typed: try again later
        return say(unreachable)
    except signin.WrongPassword as wrong:
        if wrong.lock is not None:
            return say(wrong.lock)
        turn.enter(NAME, step="username")
        return T.BIND_WRONG.format(left=wrong.attempts_left)
    return _bind(turn, user)


def _bind(turn: Turn, user) -> str:
    try:
        accounts.bind(turn.db, turn.openid, user)
    except accounts.AlreadyBound as taken:
        return say(taken)
    turn.user = user
    greeting = T.BIND_OK.format(name=user.display_name, role=T.ROLE_NAMES.get(user.role, user.role),
                                org=organisation(user))
    return "\n".join(filter(None, [greeting, T.NEXT_FOR_ROLE.get(user.role)]))


def _source(turn: Turn) -> signin.Source:
    return signin.Source("openid", turn.openid)


def ask_unbind(turn: Turn) -> str:
    turn.enter(NAME, step="unbind")
    return T.ASK_UNBIND.format(username=turn.user.username)


def unbind_answer(turn: Turn, text: str) -> str:
    turn.leave()
    if text.strip() != "1":
        return T.UNBIND_KEPT
    accounts.unbind(turn.db, turn.openid)
    turn.session.clear()
    return T.UNBOUND_OK


def help_text(turn: Turn) -> str:
    """帮助, with the help centre's web page the administrator keeps current, for what a chat reply cannot hold."""
    return T.HELP + T.HELP_CENTRE.format(url=turn.uow.config.public_base_url.rstrip("/") + "/help")


def organisation(user) -> str:
    if user.polluter is not None:
        return user.polluter.name
    if user.agency is not None:
        return user.agency.name
    return policy.scope_label(user) if user.role == "regulator" else "—"
