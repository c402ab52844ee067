"""Fixtures: an app per test on a clean database and Redis.

Backends come from the environment, so the same suite runs on the embedded default (SQLite + the in-process
redis stand-in, jobs inline) and on PostgreSQL + Redis with RQ (`TEST_DATABASE_URL`, `TEST_REDIS_URL`, as
`.ci/run` sets them). Under pytest-xdist (`pytest -n 2`) every worker has its own database and Redis DB.
"""
from __future__ import annotations

import os

import pytest
import redis as redis_lib
from rq import SimpleWorker

from migrations import upgrade
from services.core.config import Config
from services.core.jobs import QUEUE
from services.core.uow import UnitOfWork
from services.dev import demo
from services.wechat.jobs import client as wechat_client
from tests.support.database import CleanDatabase, create_database, drop_database, worker_database_url, worker_redis_url
from tests.support.phone import Phone
from tests.support.wsgi_transport import WSGIAdapter
from web import create_app

# under pytest-xdist each worker process (gw0, gw1, ...) has its own database and Redis DB
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL", ""), WORKER)
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
BASE = "http://emss.test"
# the suite creates and signs in accounts thousands of times: one PBKDF2 round instead of production's scrypt
CHEAP_HASH = "pbkdf2:sha256:1"


def pytest_collection_modifyitems(items) -> None:
    """Tests that drive Chromium are marked `browser`: a page reads the same on either backend, so the
    backend suites (`make test-backends`, .ci/run's second pass) leave them out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    own = bool(WORKER and DATABASE_URL)  # a pytest-xdist worker's own PostgreSQL database, for this run only
    url = DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = worker_database_url(Config(database_url=url).database_url, WORKER)
    if own:
        create_database(url)
    upgrade(url)  # the migrations build the schema the tests run on
    yield url
    if own:
        drop_database(url)


@pytest.fixture(scope="session")
def database(database_url):
    clean = CleanDatabase(database_url)
    yield clean
    clean.dispose()


@pytest.fixture
def config(database, database_url, tmp_path) -> Config:
    database.wipe()
    if REDIS_URL:
        redis_lib.Redis.from_url(REDIS_URL).flushdb()
    return Config(
        instance_path=tmp_path, database_url=database_url, redis_url=REDIS_URL, media_root=tmp_path / "media",
        public_base_url=BASE, dev=True, wechat_api_base=f"{BASE}/fake-wechat/",
        wechat_encoding_aes_key=AES_KEY, job_retry_intervals=(0, 0, 0), secret_key="test-secret",
        password_hash_method=CHEAP_HASH,
    )


@pytest.fixture
def app(config):
    app = create_app(config)
    app.testing = True
    # the outbound client reaches the fake WeChat API in-process
    wechat_client(app.extensions["emss"]).http.mount(BASE + "/", WSGIAdapter(app))
    app.extensions["emss"].http.mount(BASE + "/", WSGIAdapter(app))  # 法人一证通 and other city systems' stand-ins
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
        # a worker blocked on an empty queue does nothing; starting one per message only cost time
        if runtime.jobs.inline or not runtime.jobs.queue.count:
            return
        with app.app_context():
            SimpleWorker([QUEUE], connection=runtime.redis).work(burst=True)
    return run


@pytest.fixture
def demo_world(database, runtime):
    database.load_demo(runtime)


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
