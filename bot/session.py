"""The chat session (聊天上下文) in Redis, with a TTL: only what can be lost (the trip is in the database).

Inside a WeChat delivery the endpoint reads the session together with the delivery's claim and lock and
writes it back with the reply (bot/deliveries.py); this storage then only hands WeRoBot that copy and
collects its update. Outside a delivery (tools, tests) it talks to Redis directly.
"""
from __future__ import annotations

import json

from flask import g, has_request_context
from werobot.session import SessionStorage
from werobot.utils import to_text


class RedisSessionStorage(SessionStorage):
    """WeRoBot session storage with readable keys (`emss:session:<openid>`) that expire."""

    def __init__(self, redis, ttl: int):
        self.redis = redis
        self.ttl = ttl

    def key(self, openid) -> str:
        return f"emss:session:{to_text(openid)}"

    @staticmethod
    def _delivery() -> dict | None:
        return g.get("chat_sessions") if has_request_context() else None

    def get(self, id) -> dict:
        delivery = self._delivery()
        raw = delivery["read"].get(self.key(id)) if delivery is not None else self.redis.get(self.key(id))
        return json.loads(raw) if raw else {}

    def set(self, id, value) -> None:
        encoded = json.dumps(value, ensure_ascii=False).encode() if value else None
        delivery = self._delivery()
        if delivery is not None:
            delivery["write"][self.key(id)] = (encoded, self.ttl)
        elif encoded is None:
            self.redis.delete(self.key(id))
        else:
            self.redis.set(self.key(id), encoded, ex=self.ttl)

    def delete(self, id) -> None:
        self.set(id, {})
