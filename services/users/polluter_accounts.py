"""The polluter's own accounts (排污单位账户): its confirmers and their WeChat bindings.

A polluter user manages only the accounts of its own polluter; another polluter's user is simply not found.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Polluter, Role, User
from services.core.refusal import Refusal
from services.core.uow import transaction
from services.users import account_log, accounts

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
PASSWORD_MIN = 8
NAME_MAX = 64


class AccountProblem(Refusal):
    """An account change refused; `code` says why: bad_username | username_taken | bad_name | weak_password |
    not_manager; and first_taken when the system administrator opens a polluter's first account."""

    domain = "polluter_account"


def colleagues(db: Session, me: User) -> list[User]:
    """The confirmer accounts of `me`'s polluter, oldest first, with their bindings."""
    return list(db.scalars(select(User).where(User.polluter_id == me.polluter_id,
                                              User.role == Role.POLLUTER_CONFIRMER).order_by(User.id)))


def colleague(db: Session, me: User, user_id: int) -> User | None:
    """One account of `me`'s polluter, or None (another polluter's account does not exist for `me`)."""
    return next((u for u in colleagues(db, me) if u.id == user_id), None)


@transaction
def add_confirmer(db: Session, me: User, username: str, display_name: str, password: str,
                  post: str | None = None) -> User:
    """Another confirmer for `me`'s polluter (e.g. 环保负责人 or anyone else who may confirm), opened by its
    account manager; the person binds it in WeChat (账户信息) with these credentials."""
    if not me.manages_accounts:
        raise AccountProblem("not_manager")
    username, display_name = username.strip(), display_name.strip()
    if not USERNAME.match(username):
        raise AccountProblem("bad_username")
    if not display_name or len(display_name) > NAME_MAX:
        raise AccountProblem("bad_name")
    if len(password) < PASSWORD_MIN:
        raise AccountProblem("weak_password", least=PASSWORD_MIN)
    user = User(username=username, display_name=display_name, role=Role.POLLUTER_CONFIRMER,
                polluter_id=me.polluter_id, password_hash=accounts.hash_password(password), post=_post(post),
                must_change_password=True)
    try:
        with db.begin_nested():
            db.add(user)
            db.flush()
    except IntegrityError:
        raise AccountProblem("username_taken") from None
    account_log.record(db, me, user, "created", role=str(user.role), post=user.post)
    return user


@transaction
def deactivate(db: Session, me: User, user: User) -> None:
    """停用 a colleague's account (not one's own): WeChat unbound and web sessions ended at once."""
    if not me.manages_accounts or user.id == me.id:
        raise AccountProblem("not_manager")
    accounts.deactivate(db, me, user)


@transaction
def unbind(db: Session, user: User) -> bool:
    """解绑: the account's WeChat user no longer receives messages nor opens confirmation links."""
    return user.binding is not None and accounts.unbind(db, user.binding.openid)


@transaction
def open_first(db: Session, actor: User, polluter: Polluter, raw) -> User:
    """The polluter's first account, opened by the system administrator from the directory: its holder
    (usually 环保负责人) confirms and manages the polluter's other accounts. Raises AccountProblem
    (first_taken: its holder manages the colleagues' accounts) or FormInvalid."""
    db.execute(select(Polluter.id).where(Polluter.id == polluter.id).with_for_update())  # one first account
    existing = db.scalar(select(User).where(User.polluter_id == polluter.id).order_by(User.id).limit(1))
    if existing is not None:
        raise AccountProblem("first_taken", name=polluter.name, username=existing.username)
    return accounts.create(db, actor, raw.get("username", ""), raw.get("password", ""),
                           display_name=raw.get("display_name", ""), role=Role.POLLUTER_CONFIRMER,
                           polluter_id=polluter.id, post=_post(raw.get("post")), manages_accounts=True)


def _post(post: str | None) -> str | None:
    return (post or "").strip()[:32] or None
