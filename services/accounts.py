"""Accounts and WeChat binding (账户绑定); passwords are checked by `services.signin` only."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models import User, WechatBinding


class AlreadyBound(Exception):
    """The account is bound to another WeChat user."""


_hash_method = "scrypt"  # werkzeug's strong default, until `build_runtime` sets the configured method


def use_hash_method(method: str) -> None:
    """How this process hashes new passwords (`Config.password_hash_method`, set by `build_runtime`); a stored
    hash names its own method, so checking needs no setting."""
    global _hash_method
    _hash_method = method


def hash_password(password: str, method: str | None = None) -> str:
    return generate_password_hash(password, method=method or _hash_method)


def hash_method() -> str:
    return _hash_method


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
