"""Production refuses to start with the development secrets (issue 8, security 1).

The development values are public (they are in this repository): a session cookie signed with the development
`SECRET_KEY` would sign anyone in as any user, and the development WeChat token and app secret would let anyone
forge WeChat's callbacks or call its API as the official account.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from models import User
from services.core.config import Config, ConfigError
from tests.support.deployment import STRONG_SECRETS, production_config
from web import cli, create_app

STRONG_ENV = STRONG_SECRETS
DEVELOPMENT = {"SECRET_KEY": Config.secret_key, "WECHAT_TOKEN": Config.wechat_token,
               "WECHAT_APP_SECRET": Config.wechat_app_secret}
SECRET_VARIABLES = ("SECRET_KEY", "WECHAT_TOKEN", "WECHAT_APP_SECRET", "WECHAT_ENCODING_AES_KEY", "EMSS_DEV")


def _forged_session(secret_key: str, user_id: int) -> str:
    """What an attacker builds offline: Flask-Login's session for `user_id`, signed with `secret_key`."""
    forger = Flask("forger")
    forger.secret_key = secret_key
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps({"_user_id": str(user_id),
                                                                                "_fresh": True})


def _admin1_id(runtime) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(User.id).where(User.username == "admin1"))


def test_production_without_secret_key_does_not_start_so_a_cookie_forged_with_the_dev_key_is_useless(
        config, runtime, demo_world):
    cookie = _forged_session(Config.secret_key, _admin1_id(runtime))
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        started = create_app(production_config(config, secret_key=Config.secret_key))
        intruder = started.test_client()
        intruder.set_cookie("session", cookie)
        assert intruder.get("/admin/").status_code != 200, "a cookie forged with the public key signed in as admin1"


def test_with_its_own_secret_key_production_starts_and_turns_the_forged_cookie_away(config, runtime, demo_world):
    started = create_app(production_config(config))
    try:
        intruder = started.test_client()
        intruder.set_cookie("session", _forged_session(Config.secret_key, _admin1_id(runtime)))
        assert intruder.get("/admin/").status_code == 302  # to the login page
    finally:
        started.extensions["emss"].engine.dispose()


@pytest.mark.parametrize("variable, value", [
    ("SECRET_KEY", None), ("SECRET_KEY", "x" * 31), ("SECRET_KEY", DEVELOPMENT["SECRET_KEY"]),
    ("WECHAT_TOKEN", None), ("WECHAT_TOKEN", DEVELOPMENT["WECHAT_TOKEN"]),
    ("WECHAT_APP_SECRET", None), ("WECHAT_APP_SECRET", DEVELOPMENT["WECHAT_APP_SECRET"]),
])
def test_production_refuses_a_missing_short_or_development_secret_and_names_the_variable(tmp_path, variable, value):
    env = {**STRONG_ENV, "EMSS_INSTANCE": str(tmp_path)}
    env.pop(variable)
    if value is not None:
        env[variable] = value
    with pytest.raises(ConfigError, match=variable) as refused:
        create_app(Config.from_env(env))
    others = set(DEVELOPMENT) - {variable}
    assert not any(other in str(refused.value) for other in others)  # only what is wrong is named


def test_a_secret_key_of_32_bytes_is_enough(tmp_path):
    app = create_app(Config.from_env({**STRONG_ENV, "SECRET_KEY": "k" * 32, "EMSS_INSTANCE": str(tmp_path)}))
    assert app.secret_key == "k" * 32  # accepted, and the one that signs cookies
    app.extensions["emss"].engine.dispose()


def test_development_mode_runs_on_the_development_values(tmp_path):
    app = create_app(Config.from_env({"EMSS_DEV": "1", "EMSS_INSTANCE": str(tmp_path)}))
    assert app.secret_key == Config.secret_key
    app.extensions["emss"].engine.dispose()


@pytest.fixture
def bare_env(tmp_path, monkeypatch) -> dict[str, str]:
    """A fresh clone's environment: no secrets, development off, its own instance folder."""
    for name in (*SECRET_VARIABLES, "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EMSS_INSTANCE", str(tmp_path))
    return dict(os.environ)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", [["serve", "--port", str(_free_port())], ["worker"]])
def test_emss_started_without_secret_key_outside_development_exits_with_the_reason(bare_env, command):
    emss = Path(sys.executable).parent / "emss"
    env = {**bare_env, "REDIS_URL": "redis://127.0.0.1:1/0"}  # the worker needs one; nothing listens there
    done = subprocess.run([str(emss), *command], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr and "32" in done.stderr
    assert "Traceback" not in done.stderr  # a sentence for the operator, not a stack


def test_the_release_step_migrates_without_the_secrets(bare_env, capsys):
    assert cli.main(["db", "upgrade"]) == 0  # `release: emss db upgrade` needs only DATABASE_URL


def test_pushing_the_menu_needs_the_real_app_secret(bare_env, monkeypatch, capsys):
    monkeypatch.setenv("WECHAT_API_BASE", "http://127.0.0.1:1/")  # never reach WeChat from a test
    assert cli.main(["menu", "push"]) == 2
    err = capsys.readouterr().err
    assert "WECHAT_APP_SECRET" in err and "SECRET_KEY" not in err.replace("WECHAT_APP_SECRET", "")
