from pathlib import Path

from services.config import Config


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
