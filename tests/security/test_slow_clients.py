"""Slow clients must not freeze the service: the deployment as shipped (gunicorn with gunicorn.conf.py, two
workers) keeps answering the login page and WeChat while more stalled uploads than it has workers are open, and
drops a client that never finishes its headers."""
from __future__ import annotations

import runpy
import socket
import time
from contextlib import ExitStack

import pytest
import requests

from handlers.texts import UNBOUND
from tests.conftest import REDIS_URL
from tests.support.deployment import GUNICORN_CONF, gunicorn, production_env
from tests.support.phone import message_xml, signature

WORKERS = 2
STALLED = 4  # more than the workers: under sync workers each one holds a whole worker until its timeout
PROMPT = 3.0  # seconds; WeChat gives up on a reply after 5 s
KEEPALIVE = runpy.run_path(str(GUNICORN_CONF))["keepalive"]


@pytest.fixture(scope="module")
def deployment(database_url, tmp_path_factory):
    """The real deployment against this run's database and Redis, shared by the tests here (none of them
    writes anything it reads back); yields (base URL, its environment)."""
    folder = tmp_path_factory.mktemp("deployment")
    env = production_env(database_url, REDIS_URL, folder / "instance")
    with gunicorn(env, WORKERS, folder / "gunicorn.log") as base:
        yield base, env


def connect(base: str, stack: ExitStack) -> socket.socket:
    port = int(base.rsplit(":", 1)[1])
    return stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=KEEPALIVE + 5))


def stalled_upload(base: str, stack: ExitStack) -> socket.socket:
    """A POST that announces 1000 bytes of form and sends 10, then waits: a phone on a dying link, or an attacker."""
    conn = connect(base, stack)
    conn.sendall(b"POST /login HTTP/1.1\r\nHost: emss\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 1000\r\n\r\nusername=a")
    return conn


def still_waiting(conn: socket.socket) -> bool:
    """The server has neither answered nor closed this connection."""
    conn.setblocking(False)
    try:
        return conn.recv(1) == b"x"  # anything read means it answered (or closed: b"")
    except BlockingIOError:
        return True


def wechat_text(base: str, token: str, openid: str, content: str) -> requests.Response:
    timestamp, nonce = str(int(time.time())), "slow-client-test"
    query = {"timestamp": timestamp, "nonce": nonce, "signature": signature(token, timestamp, nonce),
             "openid": openid}
    xml = message_xml(openid, "text", {"Content": content}, int(time.time() * 1000), int(timestamp))
    return requests.post(f"{base}/wechat", params=query, data=xml.encode(), timeout=PROMPT,
                         headers={"Content-Type": "text/xml"})


def promptly(request) -> requests.Response:
    try:
        return request()
    except requests.Timeout:
        pytest.fail(f"no answer within {PROMPT:.0f} s while {STALLED} stalled uploads hold connections")


def test_login_page_and_wechat_answer_promptly_while_stalled_uploads_are_open(deployment):
    base, env = deployment
    with ExitStack() as stack:
        stalled = [stalled_upload(base, stack) for _ in range(STALLED)]
        time.sleep(0.3)  # the workers take them up (nothing to wait on: they are meant to hang)

        began = time.monotonic()
        page = promptly(lambda: requests.get(f"{base}/login", timeout=PROMPT))
        reply = promptly(lambda: wechat_text(base, env["WECHAT_TOKEN"], "o_slow_client_test", "你好"))
        elapsed = time.monotonic() - began

        assert page.status_code == 200 and "登录" in page.text
        assert reply.status_code == 200 and UNBOUND in reply.text
        assert elapsed < PROMPT
        assert all(still_waiting(conn) for conn in stalled), "the stalled uploads were dropped, not outlasted"


def test_a_client_that_never_finishes_its_headers_is_dropped_after_the_keepalive_seconds(deployment):
    base, _ = deployment
    with ExitStack() as stack:
        conn = connect(base, stack)
        conn.sendall(b"GET /login HTTP/1.1\r\nHost: emss\r\n")  # the blank line that ends the headers never comes
        began = time.monotonic()

        closed = conn.recv(1) == b""  # blocks until the server closes the connection (or our timeout)

        assert closed and time.monotonic() - began < KEEPALIVE + 2
