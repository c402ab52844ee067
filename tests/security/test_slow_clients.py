"""Slow clients must not freeze the service: the deployment as shipped (gunicorn with gunicorn.conf.py, two
workers) keeps answering the login page and WeChat while more stalled clients than it has workers are open."""
from __future__ import annotations

import socket
import time
from contextlib import ExitStack

import pytest
import requests

from handlers.texts import UNBOUND
from tests.conftest import REDIS_URL
from tests.support.deployment import gunicorn, production_env
from tests.support.phone import message_xml, signature

WORKERS = 2
PER_KIND = 2  # of each kind below; together more than the workers: under sync workers each holds a whole worker
PROMPT = 3.0  # seconds; WeChat gives up on a reply after 5 s
# what a phone on a dying link, or an attacker, sends before it stops sending
STALLED_UPLOAD = (b"POST /login HTTP/1.1\r\nHost: emss\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 1000\r\n\r\nusername=a")  # 10 of the 1000 bytes announced
UNFINISHED_HEADERS = b"GET /login HTTP/1.1\r\nHost: emss\r\n"  # the blank line that ends them never comes


@pytest.fixture
def deployment(database_url, tmp_path):
    """The real deployment against this run's database and Redis; yields (base URL, its environment)."""
    env = production_env(database_url, REDIS_URL, tmp_path / "instance")
    with gunicorn(env, WORKERS, tmp_path / "gunicorn.log") as base:
        yield base, env


def stalled(base: str, stack: ExitStack, sent: bytes) -> socket.socket:
    port = int(base.rsplit(":", 1)[1])
    conn = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5))
    conn.sendall(sent)
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
        pytest.fail(f"no answer within {PROMPT:.0f} s while {2 * PER_KIND} stalled clients hold connections")


def test_login_page_and_wechat_answer_promptly_while_stalled_clients_hold_connections(deployment):
    base, env = deployment
    with ExitStack() as stack:
        held = [stalled(base, stack, sent) for sent in (STALLED_UPLOAD, UNFINISHED_HEADERS) for _ in range(PER_KIND)]
        time.sleep(0.3)  # the workers take them up (nothing to wait on: they are meant to hang)

        began = time.monotonic()
        page = promptly(lambda: requests.get(f"{base}/login", timeout=PROMPT))
        reply = promptly(lambda: wechat_text(base, env["WECHAT_TOKEN"], "o_slow_client_test", "你好"))
        elapsed = time.monotonic() - began

        assert page.status_code == 200 and "登录" in page.text
        assert reply.status_code == 200 and UNBOUND in reply.text
        assert elapsed < PROMPT
        assert all(still_waiting(conn) for conn in held), "the stalled clients were dropped, not outlasted"

