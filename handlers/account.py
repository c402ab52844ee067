"""账户信息: binding an OpenID to an account of this system, and unbinding it."""
from __future__ import annotations

from handlers import texts as T
from handlers.turn import Turn
from services import accounts


def account_info(turn: Turn) -> str:
    """Bound: who they are, with 解绑 offered. Unbound: ask for the account name."""
    user = turn.user
    if user is not None:
        return T.BOUND_INFO.format(name=user.display_name, username=user.username, org=organisation(user),
                                   role=T.ROLE_NAMES.get(user.role, user.role))
    guard = accounts.BindingGuard(turn.uow.redis)
    try:
        guard.check(turn.openid)
    except accounts.BindingLocked as locked:
        return T.BIND_LOCKED.format(minutes=-(-locked.seconds_left // 60))
    turn.session["bind"] = {"step": "username"}
    return T.ASK_USERNAME


def binding_answer(turn: Turn, text: str) -> str:
    """The account name, then the password; five wrong passwords lock binding for 15 minutes."""
    state = turn.session["bind"]
    if state["step"] == "username":
        turn.session["bind"] = {"step": "password", "username": text.strip()}
        return T.ASK_PASSWORD
    del turn.session["bind"]
    guard = accounts.BindingGuard(turn.uow.redis)
    try:
        guard.check(turn.openid)
    except accounts.BindingLocked as locked:
        return T.BIND_LOCKED.format(minutes=-(-locked.seconds_left // 60))
    user = accounts.authenticate(turn.db, state["username"], text)
    if user is None:
        left = guard.failed(turn.openid)
        if left == 0:
            return T.BIND_LOCKED.format(minutes=accounts.BIND_LOCK_SECONDS // 60)
        turn.session["bind"] = {"step": "username"}
        return T.BIND_WRONG.format(left=left)
    try:
        accounts.bind(turn.db, turn.openid, user)
    except accounts.AlreadyBound:
        return T.BIND_TAKEN
    guard.succeeded(turn.openid)
    turn.user = user
    greeting = T.BIND_OK.format(name=user.display_name, role=T.ROLE_NAMES.get(user.role, user.role),
                                org=organisation(user))
    return "\n".join(filter(None, [greeting, T.NEXT_FOR_ROLE.get(user.role)]))


def ask_unbind(turn: Turn) -> str:
    if turn.user is None:
        return T.UNBOUND
    turn.session["unbind"] = True
    return T.ASK_UNBIND.format(username=turn.user.username)


def unbind_answer(turn: Turn, text: str) -> str:
    del turn.session["unbind"]
    if text.strip() != "1":
        return T.UNBIND_KEPT
    accounts.unbind(turn.db, turn.openid)
    turn.session.clear()
    return T.UNBOUND_OK


def organisation(user) -> str:
    if user.polluter is not None:
        return user.polluter.name
    return user.agency.name if user.agency is not None else (user.district or "—")
