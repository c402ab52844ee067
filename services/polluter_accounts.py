"""The polluter's own accounts (排污单位账户): its confirmers and their WeChat bindings.

A polluter user manages only the accounts of its own polluter; another polluter's user is simply not found.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Role, User
from services import accounts
from services.uow import transaction

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
PASSWORD_MIN = 8
NAME_MAX = 64


class AccountProblem(Exception):
    """An account change refused; `code` says why: bad_username | username_taken | bad_name | weak_password."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def colleagues(db: Session, me: User) -> list[User]:
    """The confirmer accounts of `me`'s polluter, oldest first, with their bindings."""
    return list(db.scalars(select(User).where(User.polluter_id == me.polluter_id,
                                              User.role == Role.POLLUTER_CONFIRMER).order_by(User.id)))


def colleague(db: Session, me: User, user_id: int) -> User | None:
    """One account of `me`'s polluter, or None (another polluter's account does not exist for `me`)."""
    return next((u for u in colleagues(db, me) if u.id == user_id), None)


@transaction
def add_confirmer(db: Session, me: User, username: str, display_name: str, password: str) -> User:
    """Another confirmer for `me`'s polluter; the person binds it in WeChat (账户信息) with these credentials."""
    username, display_name = username.strip(), display_name.strip()
    if not USERNAME.match(username):
        raise AccountProblem("bad_username")
    if not display_name or len(display_name) > NAME_MAX:
        raise AccountProblem("bad_name")
    if len(password) < PASSWORD_MIN:
        raise AccountProblem("weak_password")
    user = User(username=username, display_name=display_name, role=Role.POLLUTER_CONFIRMER,
                polluter_id=me.polluter_id, password_hash=accounts.hash_password(password))
    try:
        with db.begin_nested():
            db.add(user)
            db.flush()
    except IntegrityError:
        raise AccountProblem("username_taken") from None
    return user


@transaction
def unbind(db: Session, user: User) -> bool:
    """解绑: the account's WeChat user no longer receives messages nor opens confirmation links."""
    return user.binding is not None and accounts.unbind(db, user.binding.openid)
