"""Exactly one effect per WeChat delivery, and one message at a time per user.

WeChat retries a delivery it got no answer to within 5 s, up to three times. The first delivery claims
its key with SET NX; a retry waits for the first one's reply and gets the same reply. A per-OpenID lock
serialises a user's messages, because WeRoBot saves the session after the handler with no lock.
"""
from __future__ import annotations

import time
import uuid
from contextlib import contextmanager

PENDING = b"\x00pending"
REPLY_TTL = 600  # longer than WeChat's retry window
WAIT_SECONDS = 4.0  # answer inside WeChat's 5 s even when waiting
LOCK_TTL = 30


def delivery_key(message) -> str:
    """MsgId for messages; FromUserName + CreateTime for events (which carry no MsgId)."""
    if message.message_id:
        return f"msg:{message.message_id}"
    return f"evt:{message.source}:{message.time}"


class Busy(Exception):
    """The user's previous message is still being handled, past our waiting budget."""


class Deliveries:
    def __init__(self, redis, wait_seconds: float = WAIT_SECONDS):
        self.redis = redis
        self.wait_seconds = wait_seconds

    def _key(self, key: str) -> str:
        return f"emss:delivery:{key}"

    def claim(self, key: str) -> bool:
        """True for the first delivery of `key`; False for a retry."""
        return bool(self.redis.set(self._key(key), PENDING, nx=True, ex=REPLY_TTL))

    def remember(self, key: str, reply: bytes) -> None:
        self.redis.set(self._key(key), reply, ex=REPLY_TTL)

    def forget(self, key: str) -> None:
        """The first delivery failed before it had any effect: let a retry do the work."""
        self.redis.delete(self._key(key))

    def reply_of(self, key: str) -> bytes | None:
        """The first delivery's reply, waiting for it while it is being made; None if it never comes."""
        deadline = time.monotonic() + self.wait_seconds
        while True:
            value = self.redis.get(self._key(key))
            if value is None or value != PENDING:
                return value
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)

    @contextmanager
    def user_lock(self, openid: str):
        name, token = f"emss:lock:user:{openid}", uuid.uuid4().hex
        deadline = time.monotonic() + self.wait_seconds
        while not self.redis.set(name, token, nx=True, ex=LOCK_TTL):
            if time.monotonic() >= deadline:
                raise Busy(openid)
            time.sleep(0.01)
        try:
            yield
        finally:
            if self.redis.get(name) == token.encode():
                self.redis.delete(name)
