"""Signing in with a password, by every way in: the web login, WeChat binding, any later API.

One failure counter per account, whichever way the wrong passwords came and from how many places, and one
per source (the IP address of a web login, the OpenID of a binding). A locked account or source is refused
before its password is checked, so during the lock even the right password does not pass. The counters live
in Redis (losing them only forgets recent failures) and the lock ends when the counter's key expires.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from models import User, clock
from services.core.refusal import Refusal
from services.core.uow import transaction
from services.users import pollution_source

LOCK_SECONDS = 15 * 60
ACCOUNT_ATTEMPTS = 5
# an OpenID is one person; an IP address may be an office behind one NAT, so it gets more tries
SOURCE_ATTEMPTS = {"openid": 5, "ip": 20}


@dataclass(frozen=True)
class Source:
    """Where an attempt comes from: kind "ip" (a web login) or "openid" (a WeChat binding), and its value."""

    kind: str
    value: str


class SignInRefused(Refusal):
    """A sign-in (web login, WeChat binding) refused."""

    domain = "signin"


class Locked(SignInRefused):
    """Too many wrong passwords for an account, or from a source (the code: account | openid | ip); the details
    say until when."""

    def __init__(self, kind: str, until: datetime):
        super().__init__(kind, minutes=LOCK_SECONDS // 60, until=clock.fmt(until))
        self.kind = kind
        self.until = until


class WrongPassword(SignInRefused):
    """No such account, or a wrong password; each way in words it itself (how many tries are left, or not).
    `lock` is set when this attempt locked the account or source."""

    def __init__(self, attempts_left: int, lock: Locked | None):
        super().__init__("wrong_password", left=attempts_left)
        self.attempts_left = attempts_left
        self.lock = lock


def account_key(username: str) -> str:
    # by the name typed, known account or not: a lock that only real accounts got would tell which exist
    return f"emss:signin-failures:account:{username.strip().lower()}"


def _counters(username: str | None, source: Source) -> list[tuple[str, str, int]]:
    """(kind, Redis key, attempts allowed) of every counter this attempt is held to."""
    counters = [(source.kind, f"emss:signin-failures:{source.kind}:{source.value}", SOURCE_ATTEMPTS[source.kind])]
    if username is not None:
        counters.insert(0, ("account", account_key(username), ACCOUNT_ATTEMPTS))
    return counters


def check(redis, username: str | None, source: Source) -> None:
    """Raise Locked when the account (once the name is known) or the source is locked."""
    for kind, key, allowed in _counters(username, source):
        if int(redis.get(key) or 0) >= allowed:
            raise Locked(kind, _lock_end(redis, key))


class NotInDirectory(SignInRefused):
    """The pollution-source system vouched for the account, but its polluter is not in our directory."""

    def __init__(self, credit_code: str):
        super().__init__("not_in_directory", credit_code=credit_code)


@transaction
def sign_in(db: Session, redis, username: str, password: str, source: Source,
            elsewhere: pollution_source.PollutionSourceSystem | None = None) -> User:
    """The active user with this name and password: a local account, or (with `elsewhere`) a polluter's account
    of the pollution-source system. Raises Locked (the password unchecked), WrongPassword, and for accounts of
    that system Unreachable or NotInDirectory (neither counted as a wrong password)."""
    check(redis, username, source)  # refused before counting: a locked account's lock is not prolonged
    counters = _counters(username, source)
    left = _reserve(redis, counters)
    if min(left) < 0:  # attempts at the same moment took the last tries
        raise _lock(redis, counters, left)
    user = db.scalar(select(User).where(User.username == username.strip()))
    if user is None or user.auth_source == pollution_source.AUTH_SOURCE:
        user = _vouched_for(db, redis, counters, elsewhere, username.strip(), password, user)
    elif not check_password_hash(user.password_hash, password):
        user = None
    if user is None or not user.active:
        # the attempt that used the last try says so now, not at the next one
        raise WrongPassword(min(left), _lock(redis, counters, left) if min(left) == 0 else None)
    pipe = redis.pipeline()
    pipe.delete(account_key(username))  # the owner got in: earlier slips no longer count against them
    pipe.decr(counters[-1][1])  # and a right password is no failure of its source
    pipe.execute()
    return user


def _vouched_for(db: Session, redis, counters, elsewhere, username: str, password: str,
                 existing: User | None) -> User | None:
    """The local row of an account the pollution-source system vouches for (made at its first sign-in)."""
    if elsewhere is None:
        return None
    try:
        account = elsewhere.verify(username, password)
        if account is None:
            return None
        polluter = pollution_source.polluter_of(db, account)
        if polluter is None:
            raise NotInDirectory(account.credit_code)
    except (pollution_source.Unreachable, NotInDirectory):
        _release(redis, counters)  # nobody typed a wrong password
        raise
    return pollution_source.local_account(db, account, polluter, existing)


def _release(redis, counters: list[tuple[str, str, int]]) -> None:
    pipe = redis.pipeline()
    for _kind, key, _allowed in counters:
        pipe.decr(key)
    pipe.execute()


def _reserve(redis, counters: list[tuple[str, str, int]]) -> list[int]:
    """Count this attempt as a failure before its password is checked, so that attempts made at the same
    moment cannot all pass as the first; each failure keeps its counter another LOCK_SECONDS. The tries left."""
    pipe = redis.pipeline()
    for _kind, key, _allowed in counters:
        pipe.incr(key)
        pipe.expire(key, LOCK_SECONDS)
    counts = pipe.execute()[::2]  # the INCR results (EXPIRE's sit between them)
    return [allowed - count for (_kind, _key, allowed), count in zip(counters, counts, strict=True)]


def _lock(redis, counters: list[tuple[str, str, int]], left: list[int]) -> Locked:
    """The lock of the first counter with no try left."""
    kind, key, _allowed = next(counter for counter, n in zip(counters, left, strict=True) if n <= 0)
    return Locked(kind, _lock_end(redis, key))


def _lock_end(redis, key: str) -> datetime:
    """When the key expires, rounded up to the minute shown to the user (never earlier than the real end)."""
    ends = clock.now() + timedelta(seconds=max(1, redis.ttl(key)))
    rounded = ends.replace(second=0, microsecond=0)
    return rounded if rounded == ends else rounded + timedelta(minutes=1)
