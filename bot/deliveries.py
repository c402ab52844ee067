"""Exactly one effect per WeChat delivery, and one message at a time per user — in two Redis round trips.

WeChat retries a delivery it got no answer to within 5 s, up to three times. The first delivery claims
its key with SET NX; a retry waits for the first one's reply and gets the same reply. A per-OpenID lock
serialises a user's messages, because WeRoBot saves the session after the handler with no lock. The
claim, the lock and the chat session are fetched in one pipeline, and the reply, the session and the
unlock written back in another: on a 2-core server every round trip also costs Redis CPU.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

PENDING = b"\x00pending"
REPLY_TTL = 600  # longer than WeChat's retry window
WAIT_SECONDS = 4.0  # answer inside WeChat's 5 s even when waiting
# far longer than any reply may take (WeChat gives up after 5 s), so the unconditional release at the end
# cannot free a lock that expired and was taken by another message
LOCK_TTL = 30


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


class Deliveries:
    def __init__(self, redis, wait_seconds: float = WAIT_SECONDS):
        self.redis = redis
        self.wait_seconds = wait_seconds

    def _key(self, key: str) -> str:
        return f"emss:delivery:{key}"

    @staticmethod
    def _lock(openid: str) -> str:
        return f"emss:lock:user:{openid}"

    def begin(self, key: str, openid: str, session_key: str) -> Opening:
        """Claim the delivery, take the user's lock and read the chat session, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self._key(key), PENDING, nx=True, ex=REPLY_TTL)
        pipe.set(self._lock(openid), 1, nx=True, ex=LOCK_TTL)
        pipe.get(session_key)
        claimed, locked, session = pipe.execute()
        if not claimed:
            if locked:
                self.redis.delete(self._lock(openid))
            return Opening(first=False, session=None)
        if not locked:  # the user's previous message is still being handled
            try:
                self._wait_for_lock(openid)
            except Busy:
                self.redis.delete(self._key(key))  # let WeChat's retry do the work
                raise
            session = self.redis.get(session_key)
        return Opening(first=True, session=session)

    def _wait_for_lock(self, openid: str) -> None:
        deadline = time.monotonic() + self.wait_seconds
        while not self.redis.set(self._lock(openid), 1, nx=True, ex=LOCK_TTL):
            if time.monotonic() >= deadline:
                raise Busy(openid)
            time.sleep(0.01)

    def finish(self, key: str, openid: str, reply: bytes, session_writes: dict[str, tuple[bytes | None, int]]) -> None:
        """Remember the reply for retries, save the session and release the lock, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self._key(key), reply, ex=REPLY_TTL)
        for session_key, (value, ttl) in session_writes.items():
            if value is None:
                pipe.delete(session_key)
            else:
                pipe.set(session_key, value, ex=ttl)
        pipe.delete(self._lock(openid))
        pipe.execute()

    def abandon(self, key: str, openid: str) -> None:
        """The handling failed before any effect: free the claim and the lock."""
        self.redis.delete(self._key(key), self._lock(openid))

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
