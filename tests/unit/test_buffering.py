"""The request buffering of each gunicorn worker (web/buffering.py): the app gets whole bodies, a body cut short
never reaches it, and no more than `slots` requests run the app at once."""
from __future__ import annotations

import io
import threading
import time

from web.buffering import BufferedRequests, Turns


class Recorder:
    """A WSGI app that keeps what it was given; `gate` (if set) holds it inside the call."""

    def __init__(self, gate: threading.Event | None = None):
        self.bodies, self.inside, self.gate = [], 0, gate
        self.most_inside = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        if self.gate:
            self.gate.wait(5)
        stream = environ["wsgi.input"]
        self.bodies.append((b"".join(iter(lambda: stream.read(1024), b"")), environ.get("CONTENT_LENGTH")))
        with self.lock:
            self.inside -= 1
        start_response("200 OK", [])
        return [b"ok"]


class Trickle(io.RawIOBase):
    """A client's body arriving a few bytes per read, as from a slow link."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, size=-1) -> bytes:
        chunk, self.data = self.data[:3], self.data[3:]
        return chunk


def wait_until(condition, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def call(app, body: bytes, **environ) -> tuple[str, bytes]:
    status = []
    env = {"REQUEST_METHOD": "POST", "wsgi.input": Trickle(body), **environ}
    result = b"".join(app(env, lambda s, headers: status.append(s)))
    return status[0], result


def test_the_app_gets_the_whole_body_read_before_it_runs():
    app = Recorder()
    status, _ = call(BufferedRequests(app, 1, 100), b"username=a&password=b", CONTENT_LENGTH="21")
    assert status == "200 OK" and app.bodies == [(b"username=a&password=b", "21")]


def test_a_chunked_body_arrives_whole_with_its_length():
    app = Recorder()
    call(BufferedRequests(app, 1, 100), b"<xml>hi</xml>", HTTP_TRANSFER_ENCODING="chunked")
    assert app.bodies == [(b"<xml>hi</xml>", "13")]


def test_a_body_cut_short_is_refused_and_never_reaches_the_app():
    app = Recorder()
    status, text = call(BufferedRequests(app, 1, 2000), b"username=a", CONTENT_LENGTH="1000")
    assert status.startswith("400") and "不完整" in text.decode() and app.bodies == []


def test_a_body_over_the_limit_is_left_unread_for_the_app_to_refuse():
    app = Recorder()
    call(BufferedRequests(app, 1, 5), b"0123456789", CONTENT_LENGTH="10")
    assert app.bodies == [(b"0123456789", "10")]  # the app read the original stream itself


def test_no_more_requests_than_the_slots_run_the_app_at_once():
    gate = threading.Event()
    app = Recorder(gate)
    buffered = BufferedRequests(app, 2, 100)
    threads = [threading.Thread(target=call, args=(buffered, b"")) for _ in range(5)]
    for t in threads:
        t.start()
    wait_until(lambda: app.inside == 2)  # the first two are in
    gate.set()
    for t in threads:
        t.join(5)
    assert len(app.bodies) == 5 and app.most_inside == 2


def test_a_freed_slot_goes_to_the_request_already_waiting_not_to_a_newcomer():
    turns, order = Turns(1), []
    turns.__enter__()  # the slot is taken

    def waiting() -> None:
        with turns:
            order.append("waiting")

    thread = threading.Thread(target=waiting)
    thread.start()
    wait_until(lambda: len(turns.waiting) == 1)
    turns.__exit__(None, None, None)
    with turns:  # a newcomer, right after the slot was freed
        order.append("newcomer")
    thread.join(5)
    assert order == ["waiting", "newcomer"] and turns.free == 1
