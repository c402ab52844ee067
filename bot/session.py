"""The chat session (聊天上下文) in Redis, with a TTL: only what can be lost (the trip is in the database)."""
from __future__ import annotations

import json

from werobot.session import SessionStorage
from werobot.utils import to_text


class RedisSessionStorage(SessionStorage):
    """WeRoBot session storage with readable keys (`emss:session:<openid>`) that expire."""

    def __init__(self, redis, ttl: int):
        self.redis = redis
        self.ttl = ttl

    def key(self, openid) -> str:
        return f"emss:session:{to_text(openid)}"

    def get(self, id) -> dict:
        raw = self.redis.get(self.key(id))
        return json.loads(raw) if raw else {}

    def set(self, id, value) -> None:
        if value:
            self.redis.set(self.key(id), json.dumps(value, ensure_ascii=False), ex=self.ttl)
        else:
            self.redis.delete(self.key(id))

    def delete(self, id) -> None:
        self.redis.delete(self.key(id))
