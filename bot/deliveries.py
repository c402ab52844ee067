"""Exactly one effect per WeChat delivery, and one message at a time per user — in two Redis round trips.

WeChat retries a delivery it got no answer to within 5 s, up to three times. The first delivery claims
its key with SET NX; a retry waits for the first one's reply and gets the same reply. A per-OpenID lock
serialises a user's messages, because WeRoBot saves the session after the handler with no lock. The
claim, the lock and the chat session are fetched in one pipeline, and the reply, the session and the
unlock written back in another: on a 2-core server every round trip also costs Redis CPU.

The lock and the pending claim die with their holder: they live LOCK_TTL seconds and a living holder renews
them (`holding`), so a worker killed mid-message blocks the user for seconds, not minutes. The lock holds
its owner's token and is released only by that owner, so a holder that outlived its lock never frees the
next holder's.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from redis.exceptions import RedisError

log = logging.getLogger(__name__)
PENDING = b"\x00pending"
REPLY_TTL = 600  # longer than WeChat's retry window
WAIT_SECONDS = 4.0  # answer inside WeChat's 5 s even when waiting
# a dead holder's lock frees itself this soon (seconds); a living one renews it three times per lifetime
LOCK_TTL = 5.0
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
# the lock, and the claim while it is still pending, live on as long as their owner does
_RENEW = """if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('pexpire', KEYS[1], ARGV[2])
if redis.call('get', KEYS[2]) == ARGV[3] then redis.call('pexpire', KEYS[2], ARGV[2]) end
return 1"""


def delivery_key(message) -> str:
    """MsgId for messages; FromUserName + CreateTime for events (which carry no MsgId)."""
    if message.message_id:
        return f"msg:{message.message_id}"
    return f"evt:{message.source}:{message.time}"


class Busy(Exception):
    """The user's previous message is still being handled, past our waiting budget."""


@dataclass
class Opening:
    first: bool  # False: a retry of a delivery already claimed
    session: bytes | None  # the chat session as stored, read under the user's lock
    token: str = ""  # the lock's owner token, for renewing and releasing it


class Deliveries:
    def __init__(self, redis, wait_seconds: float = WAIT_SECONDS, lock_ttl: float = LOCK_TTL):
        self.redis = redis
        self.wait_seconds = wait_seconds
        self.lock_ttl = lock_ttl
        self._release = redis.register_script(_RELEASE)
        self._renew = redis.register_script(_RENEW)

    @property
    def _ttl_ms(self) -> int:
        return int(self.lock_ttl * 1000)

    def _key(self, key: str) -> str:
        return f"emss:delivery:{key}"

    @staticmethod
    def _lock(openid: str) -> str:
        return f"emss:lock:user:{openid}"

    def begin(self, key: str, openid: str, session_key: str) -> Opening:
        """Claim the delivery, take the user's lock and read the chat session, in one round trip."""
        token = secrets.token_hex(8)
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self._key(key), PENDING, nx=True, px=self._ttl_ms)
        pipe.set(self._lock(openid), token, nx=True, px=self._ttl_ms)
        pipe.get(session_key)
        claimed, locked, session = pipe.execute()
        if not claimed:
            if locked:
                self._release(keys=[self._lock(openid)], args=[token])
            return Opening(first=False, session=None)
        if not locked:  # the user's previous message is still being handled
            try:
                self._wait_for_lock(openid, token)
            except Busy:
                self.redis.delete(self._key(key))  # let a retry or a resend do the work
                raise
            session = self.redis.get(session_key)
        return Opening(first=True, session=session, token=token)

    def _wait_for_lock(self, openid: str, token: str) -> None:
        deadline = time.monotonic() + self.wait_seconds
        while not self.redis.set(self._lock(openid), token, nx=True, px=self._ttl_ms):
            if time.monotonic() >= deadline:
                raise Busy(openid)
            time.sleep(0.01)

    @contextmanager
    def holding(self, key: str, openid: str, token: str) -> Iterator[None]:
        """Keep the lock and the pending claim alive while their owner works, however long that takes."""
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew_until, args=(stop, key, openid, token), daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()  # no renewal may shorten the reply's lifetime once it is written

    def _renew_until(self, stop: threading.Event, key: str, openid: str, token: str) -> None:
        while not stop.wait(self.lock_ttl / 3):
            try:
                self._renew(keys=[self._lock(openid), self._key(key)], args=[token, self._ttl_ms, PENDING])
            except RedisError as error:  # the next renewal may get through; the lock expires if none does
                log.warning("could not renew the lock of %s: %s", openid, error)

    def finish(self, key: str, openid: str, token: str, reply: bytes,
               session_writes: dict[str, tuple[bytes | None, int]]) -> None:
        """Remember the reply for retries, save the session and release the lock, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self._key(key), reply, ex=REPLY_TTL)
        for session_key, (value, ttl) in session_writes.items():
            if value is None:
                pipe.delete(session_key)
            else:
                pipe.set(session_key, value, ex=ttl)
        self._release(keys=[self._lock(openid)], args=[token], client=pipe)
        pipe.execute()

    def abandon(self, key: str, openid: str, token: str) -> None:
        """The handling failed before any effect: free the claim and the lock."""
        self.redis.delete(self._key(key))
        self._release(keys=[self._lock(openid)], args=[token])

    def reply_of(self, key: str) -> bytes | None:
        """The first delivery's reply, waiting for it while it is being made. None when the claim is gone (its
        holder died or gave up, with no effect): the caller should handle the delivery itself. `success` when
        the first delivery is still being handled past the waiting budget: its effect will land."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            value = self.redis.get(self._key(key))
            if value != PENDING:
                return value
            if time.monotonic() >= deadline:
                return b"success"
            time.sleep(0.02)
