"""Request buffering in front of the app, as a buffering reverse proxy would do it, inside each gunicorn worker.

gunicorn.conf.py wraps every worker's app in `BufferedRequests`. Under gevent workers each connection has its
own greenlet, so a client that sends its body slowly (or never) only holds that greenlet while the body is read
here; the app itself runs for at most `slots` requests at once per worker. Without the slots a worker would
interleave every request it has accepted, a slice at each database round trip, and under load the slowest
replies stretched towards WeChat's 5 s; with them requests queue and run to completion, as under sync workers.
"""
from __future__ import annotations

import shutil
import tempfile
import threading

CHUNK = 64 * 1024
IN_MEMORY = 1024 * 1024  # larger bodies (uploads) are spooled to a temporary file while they arrive


class BufferedRequests:
    def __init__(self, app, slots: int, max_body: int):
        self.app = app
        # created in the worker after gevent has patched threading: waiting for a slot yields to other greenlets
        self.slots = threading.BoundedSemaphore(slots)
        self.max_body = max_body

    def __call__(self, environ, start_response):
        body = self._buffer(environ)
        try:
            if body is not None and _cut_short(environ, body):
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
        """The whole body, read before the app runs; None when there is none or it is over the limit (the app
        refuses that with 413 from Content-Length alone, without reading it)."""
        length = _content_length(environ)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (length == 0 and not chunked) or length > self.max_body:
            return None
        body = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)
        # at most one byte over the limit, so the app still sees a chunked body that is too large
        shutil.copyfileobj(_Bounded(environ["wsgi.input"], self.max_body + 1), body, CHUNK)
        body.seek(0)
        environ["wsgi.input"] = body
        return body


def _cut_short(environ, body) -> bool:
    """Fewer bytes than Content-Length announced; otherwise Content-Length is set to what arrived (chunked)."""
    size = body.seek(0, 2)
    body.seek(0)
    declared = _content_length(environ)
    environ["CONTENT_LENGTH"] = str(size)
    return "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower() and size < declared


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
