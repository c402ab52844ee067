"""Accounts and WeChat binding (账户绑定); passwords are checked by `services.signin` only."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models import User, WechatBinding


class AlreadyBound(Exception):
    """The account is bound to another WeChat user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def user_for_openid(db: Session, openid: str) -> User | None:
    """The active user bound to `openid` (one query: it runs for nearly every message)."""
    return db.scalar(select(User).join(WechatBinding, WechatBinding.user_id == User.id)
                     .where(WechatBinding.openid == openid, User.active))


def bind(db: Session, openid: str, user: User) -> WechatBinding:
    """Bind `openid` to `user`; rebinding the same pair is harmless."""
    existing = db.scalar(select(WechatBinding).where(WechatBinding.user_id == user.id))
    if existing is not None:
        if existing.openid == openid:
            return existing
        raise AlreadyBound(user.username)
    binding = WechatBinding(openid=openid, user=user)
    db.add(binding)
    db.flush()
    return binding


def unbind(db: Session, openid: str) -> bool:
    binding = db.scalar(select(WechatBinding).where(WechatBinding.openid == openid))
    if binding is None:
        return False
    db.delete(binding)
    return True
