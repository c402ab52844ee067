from pathlib import Path

from werkzeug.security import check_password_hash

from services.core.config import Config
from services.core.runtime import build_runtime
from services.users.accounts import hash_password


def test_nothing_configured_means_the_embedded_default(tmp_path):
    config = Config.from_env({"EMSS_INSTANCE": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path.resolve() / 'emss.sqlite3'}"
    assert config.embedded_redis and config.jobs_inline and not config.dev
    assert config.media_root == Path(tmp_path) / "media"
    assert config.wechat_api_base == "https://api.weixin.qq.com/"


def test_production_settings_come_from_the_environment():
    config = Config.from_env({"DATABASE_URL": "postgresql://u@db/emss", "REDIS_URL": "redis://r:6379/0",
                              "WECHAT_API_BASE": "http://fake/", "EMSS_DEV": "1", "WECHAT_TIMEOUT": "2.5"})
    assert config.database_url == "postgresql+psycopg://u@db/emss"
    assert not config.embedded_redis and not config.jobs_inline and config.dev
    assert config.wechat_api_base == "http://fake/" and config.wechat_timeout == 2.5


def test_the_open_apis_rate_limit_is_configured_from_the_environment():
    config = Config.from_env({"API_RATE_LIMIT": "30", "API_RATE_WINDOW": "10"})
    assert (config.api_rate_limit, config.api_rate_window) == (30, 10)
    assert (Config.from_env({}).api_rate_limit, Config.from_env({}).api_rate_window) == (120, 60)


def test_new_passwords_get_the_configured_hash_and_production_keeps_the_slow_one(tmp_path):
    assert Config().password_hash_method == "scrypt"
    build_runtime(Config(instance_path=tmp_path, password_hash_method="pbkdf2:sha256:1"))
    cheap = hash_password("demo1234")
    build_runtime(Config(instance_path=tmp_path))
    strong = hash_password("demo1234")
    assert cheap.startswith("pbkdf2:sha256:1$") and strong.startswith("scrypt:")
    assert check_password_hash(cheap, "demo1234") and check_password_hash(strong, "demo1234")
