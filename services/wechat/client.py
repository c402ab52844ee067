"""Outbound WeChat API client: WeRoBot's `Client` with a configurable base URL, timeouts, and the access
token cached in Redis for every worker (refreshed by one process at a time)."""
from __future__ import annotations

import json
import time
from urllib.parse import urljoin

import requests
from werobot.client import Client, ClientException

from services.core.config import WECHAT_API

TOKEN_KEY = "emss:wechat:access_token"
TOKEN_LOCK = "emss:wechat:access_token:lock"
# refresh well before WeChat's 7200 s expiry; the old token keeps working a few minutes after a refresh
TOKEN_MARGIN = 300
TOKEN_ERRORS = {40001, 40014, 42001}


class WeChatError(Exception):
    """WeChat answered with an error (errcode) or could not be reached."""

    def __init__(self, message: str, errcode: int | None = None):
        super().__init__(message)
        self.errcode = errcode


class WeChatClient(Client):
    def __init__(self, config, redis, http: requests.Session | None = None):
        super().__init__({"APP_ID": config.wechat_app_id, "APP_SECRET": config.wechat_app_secret})
        self.base = config.wechat_api_base.rstrip("/") + "/"
        self.timeout = config.wechat_timeout
        self.redis = redis
        self.http = http or requests.Session()

    def url(self, url: str) -> str:
        """WeRoBot's hard-coded URLs, moved onto the configured base."""
        return urljoin(self.base, url.removeprefix(WECHAT_API)) if url.startswith(WECHAT_API) else url

    def _send(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            response = self.http.request(method, self.url(url), timeout=self.timeout, **kwargs)
            response.raise_for_status()
        except requests.RequestException as exc:
            raise WeChatError(f"{method} {url}: {exc}") from exc
        return response

    def request(self, method, url, **kwargs):
        if isinstance(kwargs.get("data"), dict):
            kwargs["data"] = json.dumps(kwargs["data"], ensure_ascii=False).encode("utf-8")
        with_token = "params" not in kwargs
        for attempt in (1, 2):
            if with_token:
                kwargs["params"] = {"access_token": self.token}
            body = _json(self._send(method, url, **kwargs))
            code = body.get("errcode", 0)
            if code in TOKEN_ERRORS and with_token and attempt == 1:
                self.redis.delete(TOKEN_KEY)  # revoked or expired early: fetch a new one once
                continue
            if code:
                raise WeChatError(f"{url}: {code} {body.get('errmsg', '')}", code)
            return body
        raise AssertionError("unreachable")

    # --- access token shared through Redis ---------------------------------------------------------

    def get_access_token(self) -> str:
        cached = self.redis.get(TOKEN_KEY)
        if cached:
            return cached.decode() if isinstance(cached, bytes) else cached
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.redis.set(TOKEN_LOCK, "1", nx=True, ex=int(self.timeout) + 5):
                try:
                    return self._refresh_token()
                finally:
                    self.redis.delete(TOKEN_LOCK)
            time.sleep(0.05)  # another worker is refreshing: wait for its token
            cached = self.redis.get(TOKEN_KEY)
            if cached:
                return cached.decode() if isinstance(cached, bytes) else cached
        raise WeChatError("timed out waiting for the access token refresh")

    def _refresh_token(self) -> str:
        body = self.grant_token()
        token = body["access_token"]
        ttl = max(60, int(body.get("expires_in", 7200)) - TOKEN_MARGIN)
        self.redis.set(TOKEN_KEY, token, ex=ttl)
        return token

    # --- the calls this project makes ---------------------------------------------------------------

    def download_media(self, media_id: str) -> bytes:
        """The bytes of a temporary media file; WeChat reports errors as HTTP 200 with a JSON body."""
        response = self._send("GET", WECHAT_API + "cgi-bin/media/get",
                              params={"access_token": self.token, "media_id": media_id})
        content_type = response.headers.get("Content-Type", "")
        if "json" in content_type or "text/plain" in content_type:
            body = _json(response)
            raise WeChatError(f"media/get {media_id}: {body.get('errcode')} {body.get('errmsg', '')}",
                              body.get("errcode"))
        return response.content

    def send_text(self, openid: str, content: str) -> dict:
        """A customer-service text message (客服消息), allowed within 48 h of the user's last message."""
        return self.post(WECHAT_API + "cgi-bin/message/custom/send",
                         data={"touser": openid, "msgtype": "text", "text": {"content": content}})

    def oauth_openid(self, code: str) -> str:
        body = self.get(WECHAT_API + "sns/oauth2/access_token", params={
            "appid": self.appid, "secret": self.appsecret, "code": code, "grant_type": "authorization_code"})
        return body["openid"]


def _json(response: requests.Response) -> dict:
    try:
        return response.json()
    except ValueError as exc:
        raise WeChatError(f"not JSON from {response.url}") from exc


__all__ = ["ClientException", "WeChatClient", "WeChatError"]
