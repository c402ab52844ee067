"""Fixtures: an app per test on a clean database and Redis.

Backends come from the environment, so the same suite runs on the embedded default (SQLite + the in-process
redis stand-in, jobs inline) and on PostgreSQL + Redis with RQ (`TEST_DATABASE_URL`, `TEST_REDIS_URL`, as
`.ci/run` sets them).
"""
from __future__ import annotations

import os

import pytest
import redis as redis_lib
from rq import SimpleWorker
from sqlalchemy import text

import models
from migrations import upgrade
from services import demo
from services.config import Config
from services.jobs import QUEUE
from services.runtime import make_engine
from services.uow import UnitOfWork
from services.wechat.jobs import client as wechat_client
from tests.support.phone import Phone
from tests.support.wsgi_transport import WSGIAdapter
from web import create_app

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
BASE = "http://emss.test"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = Config(database_url=url).database_url
    upgrade(url)  # the migrations build the schema the tests run on
    return url


def _wipe(url: str) -> None:
    engine = make_engine(url)
    tables = [t.name for t in reversed(models.Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


@pytest.fixture
def config(database_url, tmp_path) -> Config:
    _wipe(database_url)
    if REDIS_URL:
        redis_lib.Redis.from_url(REDIS_URL).flushdb()
    return Config(
        instance_path=tmp_path, database_url=database_url, redis_url=REDIS_URL, media_root=tmp_path / "media",
        public_base_url=BASE, dev=True, wechat_api_base=f"{BASE}/fake-wechat/",
        wechat_encoding_aes_key=AES_KEY, job_retry_intervals=(0, 0, 0), secret_key="test-secret",
    )


@pytest.fixture
def app(config):
    app = create_app(config)
    app.testing = True
    # the outbound client reaches the fake WeChat API in-process
    wechat_client(app.extensions["emss"]).http.mount(BASE + "/", WSGIAdapter(app))
    yield app
    app.extensions["emss"].engine.dispose()


@pytest.fixture
def runtime(app):
    return app.extensions["emss"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def drain(app, runtime):
    """Run queued jobs to the end, as the RQ workers would (nothing to do when jobs run inline)."""
    def run() -> None:
        if runtime.jobs.inline:
            return
        with app.app_context():
            SimpleWorker([QUEUE], connection=runtime.redis).work(burst=True)
    return run


@pytest.fixture
def demo_world(runtime):
    with UnitOfWork(runtime) as uow:
        demo.load(uow.session)
        uow.commit()


@pytest.fixture
def phone(client, config, drain):
    """phone(openid, safe_mode=False) → a Phone whose every message is followed by the queued jobs."""
    def make(openid: str, safe_mode: bool = False) -> Phone:
        return Phone(client, config, openid, safe_mode=safe_mode, after_each=drain)
    return make


@pytest.fixture
def db(runtime):
    with UnitOfWork(runtime) as uow:
        yield uow.session


@pytest.fixture
def login(client):
    """login(username) signs the test client in through the login form (CSRF token included)."""
    def sign_in(username: str, password: str = demo.PASSWORD):
        page = client.get("/login")
        token = csrf_token(page.get_data(as_text=True))
        response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return sign_in


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page, for tests that post forms as a browser would."""
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def live(app, config):
    """The app served on a loopback port; links in messages point at it (public base URL)."""
    from tests.support.browser import live_server

    with live_server(app) as base:
        config.public_base_url = base
        yield base


@pytest.fixture(scope="session")
def browser():
    from tests.support.browser import chromium

    with chromium() as instance:
        yield instance


@pytest.fixture
def desk(browser):
    """A desktop browser page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def handset(browser):
    """A phone-sized page, as WeChat's in-app browser opens links."""
    from tests.support.browser import PHONE

    context = browser.new_context(locale="zh-CN", **PHONE)
    yield context.new_page()
    context.close()
