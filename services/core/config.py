"""Configuration, read from the environment once, in `create_app`.

With nothing set the app runs on the embedded default: SQLite under `instance/`, an in-process redis
stand-in and jobs run inline. Production sets DATABASE_URL and REDIS_URL, and its own SECRET_KEY, WECHAT_TOKEN
and WECHAT_APP_SECRET: outside development (EMSS_DEV) a process refuses to start on the public development values.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

WECHAT_API = "https://api.weixin.qq.com/"
WECHAT_OPEN = "https://open.weixin.qq.com/"
# the development values are public (they are in this repository): never accepted outside development
DEV_SECRET_KEY = "dev-secret-change-me"
DEV_WECHAT_TOKEN = "emss-dev-token"
DEV_WECHAT_APP_SECRET = "emss-dev-secret"
MIN_SECRET_KEY_BYTES = 32
SECRETS = ("SECRET_KEY", "WECHAT_TOKEN", "WECHAT_APP_SECRET")


class ConfigError(RuntimeError):
    """A setting the process refuses to run with; the message names the variable and what it needs."""


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Config:
    instance_path: Path = Path("instance")
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    media_root: Path = Path("instance/media")
    public_base_url: str = "http://127.0.0.1:8000"
    dev: bool = False
    wechat_token: str = DEV_WECHAT_TOKEN
    wechat_app_id: str = "wx0000000000emss"
    wechat_app_secret: str = DEV_WECHAT_APP_SECRET
    wechat_encoding_aes_key: str = ""
    # the key before the last rotation: WeChat may still encrypt with it for a while
    wechat_previous_aes_key: str = ""
    wechat_api_base: str = WECHAT_API
    wechat_open_base: str = WECHAT_OPEN
    wechat_trip_template_id: str = "TRIP_CONFIRM"
    wechat_om_template_id: str = "OM_CONFIRM"
    wechat_notice_template_id: str = "WORK_NOTICE"
    wechat_timeout: float = 5.0
    # WeChat sends a signed timestamp; older requests are replays
    wechat_max_clock_skew: int = 300
    jobs_inline: bool | None = None
    job_retry_intervals: tuple[int, ...] = (5, 30, 120)
    # a photo still pending after this many seconds lost its job (Redis lost, worker killed): queue it again;
    # the worker's sweeper looks this often
    photo_sweep_after: int = 60
    photo_sweep_every: int = 60
    session_ttl: int = 2 * 24 * 3600
    # the open API's budget per token: requests per window (then 429 with Retry-After)
    api_rate_limit: int = 120
    api_rate_window: int = 60
    # 法人一证通 (services/users/identity.py): unset outside development, registration is refused
    identity_issuer: str = ""
    identity_client_id: str = ""
    identity_client_secret: str = ""
    # 污染源综合管理信息系统 (services/users/pollution_source.py): polluters' own accounts, verified there
    polluter_directory_auth: str = ""
    polluter_directory_key: str = ""
    # 备案审核: each filing stage approved by one reviewer, or where the city wants it by a second, different one
    filing_second_reviewer: bool = False
    # how new passwords are hashed (a werkzeug method): deliberately slow in production; the test suite, which
    # creates and signs in accounts thousands of times, sets a cheap one
    password_hash_method: str = "scrypt"

    def __post_init__(self) -> None:
        self.instance_path = Path(self.instance_path)
        self.media_root = Path(self.media_root)
        if not self.database_url:
            self.database_url = f"sqlite:///{self.instance_path.resolve() / 'emss.sqlite3'}"
        for prefix in ("postgres://", "postgresql://"):
            if self.database_url.startswith(prefix):  # the usual URL form, on the driver we ship
                self.database_url = "postgresql+psycopg://" + self.database_url.removeprefix(prefix)
        if self.jobs_inline is None:
            self.jobs_inline = not self.redis_url

    @property
    def embedded_redis(self) -> bool:
        return not self.redis_url

    def require_secrets(self, *variables: str) -> None:
        """Outside development, refuse to run with a secret of `variables` (all by default) left missing, short
        or at its development value: whoever knows it could sign cookies and links, or pose as WeChat."""
        if self.dev:
            return
        rules = [_SECRET_RULES[name] for name in variables or SECRETS]
        problems = [need for safe, need in rules if not safe(self)]
        if problems:
            raise ConfigError("\n".join(["生产环境配置不安全，拒绝启动（本地开发请设置 EMSS_DEV=1）：", *problems]))

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "Config":
        env = dict(os.environ if env is None else env)
        values: dict = {name: env[key] for key, name in _ENV.items() if env.get(key)}
        for key, name in _FLAGS.items():
            if key in env:
                values[name] = _flag(env[key])
        for name in ("api_rate_limit", "api_rate_window"):
            if name in values:
                values[name] = int(values[name])
        if "wechat_timeout" in values:
            values["wechat_timeout"] = float(values["wechat_timeout"])
        values.update(overrides)
        if "media_root" not in values:
            values["media_root"] = Path(values.get("instance_path", "instance")) / "media"
        return cls(**values)


# environment variable -> Config field (the README's configuration table)
_ENV = {
    "EMSS_INSTANCE": "instance_path",
    "DATABASE_URL": "database_url",
    "REDIS_URL": "redis_url",
    "SECRET_KEY": "secret_key",
    "MEDIA_ROOT": "media_root",
    "PUBLIC_BASE_URL": "public_base_url",
    "WECHAT_TOKEN": "wechat_token",
    "WECHAT_APP_ID": "wechat_app_id",
    "WECHAT_APP_SECRET": "wechat_app_secret",
    "WECHAT_ENCODING_AES_KEY": "wechat_encoding_aes_key",
    "WECHAT_PREVIOUS_AES_KEY": "wechat_previous_aes_key",
    "WECHAT_API_BASE": "wechat_api_base",
    "WECHAT_OPEN_BASE": "wechat_open_base",
    "WECHAT_TRIP_TEMPLATE_ID": "wechat_trip_template_id",
    "WECHAT_OM_TEMPLATE_ID": "wechat_om_template_id",
    "WECHAT_NOTICE_TEMPLATE_ID": "wechat_notice_template_id",
    "WECHAT_TIMEOUT": "wechat_timeout",
    "API_RATE_LIMIT": "api_rate_limit",
    "API_RATE_WINDOW": "api_rate_window",
    "IDENTITY_PROVIDER": "identity_issuer",
    "IDENTITY_CLIENT_ID": "identity_client_id",
    "IDENTITY_CLIENT_SECRET": "identity_client_secret",
    "POLLUTER_DIRECTORY_AUTH": "polluter_directory_auth",
    "POLLUTER_DIRECTORY_KEY": "polluter_directory_key",
}
_FLAGS = {"EMSS_DEV": "dev", "EMSS_JOBS_INLINE": "jobs_inline", "FILING_SECOND_REVIEWER": "filing_second_reviewer"}
# secret -> (is the configured value safe, what the operator must set), in the operator's language
_SECRET_RULES = {
    "SECRET_KEY": (
        lambda c: c.secret_key != DEV_SECRET_KEY and len(c.secret_key.encode()) >= MIN_SECRET_KEY_BYTES,
        f"- SECRET_KEY 须设置为至少 {MIN_SECRET_KEY_BYTES} 字节的随机值（它签署登录 Cookie 和链接），"
        "例如 python3 -c 'import secrets; print(secrets.token_hex(32))' 的输出。"),
    "WECHAT_TOKEN": (
        lambda c: c.wechat_token != DEV_WECHAT_TOKEN,
        "- WECHAT_TOKEN 须设置为微信公众平台“服务器配置”中填写的令牌（Token），不能使用开发值。"),
    "WECHAT_APP_SECRET": (
        lambda c: c.wechat_app_secret != DEV_WECHAT_APP_SECRET,
        "- WECHAT_APP_SECRET 须设置为公众号的 AppSecret，不能使用开发值。"),
}
