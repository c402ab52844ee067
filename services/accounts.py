"""Accounts and WeChat binding (账户绑定)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import User, WechatBinding

BIND_ATTEMPTS = 5
BIND_LOCK_SECONDS = 15 * 60


class BindingLocked(Exception):
    """Too many wrong passwords from one OpenID: binding is locked for a while."""

    def __init__(self, seconds_left: int):
        super().__init__(seconds_left)
        self.seconds_left = seconds_left


class AlreadyBound(Exception):
    """The account is bound to another WeChat user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def user_for_openid(db: Session, openid: str) -> User | None:
    """The active user bound to `openid` (one query: it runs for nearly every message)."""
    return db.scalar(select(User).join(WechatBinding, WechatBinding.user_id == User.id)
                     .where(WechatBinding.openid == openid, User.active))


def authenticate(db: Session, username: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


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


class BindingGuard:
    """Counts wrong passwords per OpenID in Redis; five lock binding for 15 minutes."""

    def __init__(self, redis):
        self.redis = redis

    def _key(self, openid: str) -> str:
        return f"emss:bind-failures:{openid}"

    def check(self, openid: str) -> None:
        failures = int(self.redis.get(self._key(openid)) or 0)
        if failures >= BIND_ATTEMPTS:
            raise BindingLocked(max(1, self.redis.ttl(self._key(openid))))

    def failed(self, openid: str) -> int:
        """Record a wrong password; returns the attempts left before the lock."""
        key = self._key(openid)
        failures = self.redis.incr(key)
        self.redis.expire(key, BIND_LOCK_SECONDS)
        return max(0, BIND_ATTEMPTS - failures)

    def succeeded(self, openid: str) -> None:
        self.redis.delete(self._key(openid))
