"""Request buffering in front of the app, as a buffering reverse proxy would do it, inside each gunicorn worker.

gunicorn.conf.py wraps every worker's app in `BufferedRequests`. Under gevent workers each connection has its
own greenlet, so a client that sends its body slowly (or never) only holds that greenlet while the body is read
here; the app itself runs for at most `slots` requests at once per worker. Without the slots a gevent worker
runs every request it has accepted at once, interleaved at each database round trip, each holding a database
connection meanwhile: 50 busy WeChat users took 51 PostgreSQL connections (PostgreSQL's default limit is 100).
With them a worker holds about as many as a sync worker did, and requests wait their turn with their bodies read.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
from collections import deque

CHUNK = 64 * 1024
IN_MEMORY = 1024 * 1024  # larger bodies (uploads) are spooled to a temporary file while they arrive


class BufferedRequests:
    def __init__(self, app, slots: int, max_body: int):
        self.app = app
        # created in the worker after gevent has patched threading: waiting for a slot yields to other greenlets
        self.slots = Turns(slots)
        self.max_body = max_body

    def __call__(self, environ, start_response):
        declared = _content_length(environ)
        body = self._buffer(environ)
        try:
            if body is not None and _content_length(environ) < declared:
                # the client went away mid-body: never let the app take part of a form for the whole
                start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
                return ["请求内容不完整".encode()]
            with self.slots:
                # the view and the request's teardown run inside the call; sending the response does not
                return self.app(environ, start_response)
        finally:
            if body is not None:
                body.close()

    def _buffer(self, environ):
        """The whole body, read before the app runs, its size as Content-Length (a chunked body has none); None
        when there is no body or it is over the limit (the app refuses that with 413 from Content-Length alone,
        without reading it)."""
        length = _content_length(environ)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (length == 0 and not chunked) or length > self.max_body:
            return None
        body = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
        # at most one byte over the limit, so the app still sees a chunked body that is too large
        shutil.copyfileobj(_Bounded(environ["wsgi.input"], self.max_body + 1), body, CHUNK)
        environ["CONTENT_LENGTH"] = str(body.tell())
        body.seek(0)
        environ["wsgi.input"] = body
        return body


class Turns:
    """At most `slots` holders at once, the others served first come, first served: a freed slot goes straight to
    the longest waiter. (A semaphore lets a newcomer take a slot freed before the waiter it woke runs, and under
    load a few requests kept losing their turn: replies past WeChat's 5 s.)"""

    def __init__(self, slots: int):
        self.free = slots
        self.waiting: deque[threading.Event] = deque()
        self.lock = threading.Lock()

    def __enter__(self) -> None:
        with self.lock:
            if self.free and not self.waiting:
                self.free -= 1
                return
            turn = threading.Event()
            self.waiting.append(turn)
        turn.wait()

    def __exit__(self, *_exc) -> None:
        with self.lock:
            if self.waiting:
                self.waiting.popleft().set()
            else:
                self.free += 1


class _Bounded:
    """Reads a stream up to `limit` bytes in all."""

    def __init__(self, stream, limit: int):
        self.stream, self.left = stream, limit

    def read(self, size: int = CHUNK) -> bytes:
        if self.left <= 0:
            return b""
        data = self.stream.read(min(size, self.left))
        self.left -= len(data)
        return data


def _content_length(environ) -> int:
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0
