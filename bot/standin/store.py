"""What the fake WeChat holds, in Redis so every worker of the app sees the same: media, issued tokens
and codes, the menu, every user's inbox, and injected failures."""
from __future__ import annotations

import json
import secrets
import time

PREFIX = "emss:fake:"
MEDIA_TTL = 3 * 24 * 3600  # temporary media live three days


class FakeWeChat:
    def __init__(self, redis):
        self.redis = redis

    # --- tokens and OAuth codes ---
    def issue_token(self) -> str:
        token = "FAKE_" + secrets.token_urlsafe(24)
        self.redis.set(PREFIX + "token:" + token, 1, ex=7200)
        return token

    def token_valid(self, token: str) -> bool:
        return bool(token) and bool(self.redis.exists(PREFIX + "token:" + token))

    def issue_code(self, openid: str) -> str:
        code = secrets.token_urlsafe(16)
        self.redis.set(PREFIX + "code:" + code, openid, ex=300)
        return code

    def redeem_code(self, code: str) -> str | None:
        """OAuth codes are single-use and expire in five minutes."""
        openid = self.redis.getdel(PREFIX + "code:" + code)
        return openid.decode() if openid else None

    # --- media ---
    def put_media(self, data: bytes, content_type: str) -> str:
        media_id = "FAKE_MEDIA_" + secrets.token_urlsafe(18)
        self.redis.set(PREFIX + "media:" + media_id, data, ex=MEDIA_TTL)
        self.redis.set(PREFIX + "media-type:" + media_id, content_type, ex=MEDIA_TTL)
        return media_id

    def get_media(self, media_id: str) -> tuple[bytes, str] | None:
        data = self.redis.get(PREFIX + "media:" + media_id)
        if data is None:
            return None
        kind = self.redis.get(PREFIX + "media-type:" + media_id) or b"image/jpeg"
        return data, kind.decode()

    # --- inbox: everything a user saw in the chat, oldest first ---
    def deliver(self, openid: str, entry: dict) -> None:
        entry = {"at": time.time(), **entry}
        self.redis.rpush(PREFIX + "inbox:" + openid, json.dumps(entry, ensure_ascii=False))

    def inbox(self, openid: str) -> list[dict]:
        return [json.loads(raw) for raw in self.redis.lrange(PREFIX + "inbox:" + openid, 0, -1)]

    def next_msgid(self) -> int:
        return int(self.redis.incr(PREFIX + "msgid")) + 1000000

    # --- menu ---
    def set_menu(self, menu: dict) -> None:
        self.redis.set(PREFIX + "menu", json.dumps(menu, ensure_ascii=False))

    def menu(self) -> dict | None:
        raw = self.redis.get(PREFIX + "menu")
        return json.loads(raw) if raw else None

    # --- failure injection, for tests and for trying retries by hand ---
    def fail_next(self, endpoint: str, times: int, how: dict) -> None:
        self.redis.set(PREFIX + "fail:" + endpoint, json.dumps({"times": times, **how}))

    def take_failure(self, endpoint: str) -> dict | None:
        key = PREFIX + "fail:" + endpoint
        raw = self.redis.get(key)
        if not raw:
            return None
        plan = json.loads(raw)
        if plan["times"] <= 1:
            self.redis.delete(key)
        else:
            self.redis.set(key, json.dumps({**plan, "times": plan["times"] - 1}))
        return plan
