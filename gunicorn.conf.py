"""gunicorn settings of the deployment, in one place: the Procfile, the benchmark and the slow-client test use it
(`gunicorn -c gunicorn.conf.py 'web:create_app()'`); command-line options given after it win.

Why gevent workers: gunicorn's sync worker serves one connection at a time and reads the request body inside
the app, so a client that announces a body and sends it slowly (or never) holds a whole worker until the
`timeout` kills it; two such connections froze both workers, and WeChat gives up on a reply after 5 s. A gevent
worker serves each connection in its own greenlet: a stalled client costs one greenlet, not a worker, and the
worker goes on serving the others. The app is already thread-safe (`emss serve` runs threaded) and its I/O is
gevent-aware once gunicorn has monkey-patched the worker: psycopg 3 (>= 3.1.14) detects gevent by itself,
redis-py and requests use the patched sockets. Each worker reads a request's whole body before the app sees it
and runs the app for at most APP_SLOTS requests at once (web/buffering.py), as a buffering proxy in front of
sync workers would. The README's Deploying section has the measured comparison.

Nothing here imports the app: gunicorn reads this file in the master, before the workers patch the standard
library.
"""
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gevent"
# connections a worker holds at once (slow ones included): what a slow-client attack has to exhaust, per worker
worker_connections = 1000

# a worker whose loop has not run for this long (a request stuck on the CPU) is killed and replaced; under
# gevent it no longer bounds a request's wait on the network, which yields to the other greenlets
timeout = 30
# on a restart or deploy, in-flight requests get this long to finish; below the 30 s most platforms leave
# between SIGTERM and SIGKILL, so gunicorn closes its workers itself
graceful_timeout = 25
# 0: every connection closes after its response, as under sync workers, so each request is accepted anew by
# whichever worker takes it; a kept-alive connection ties its client to one worker's queue, and under load the
# slowest replies took up to twice as long (README, Deploying). The cost is a TCP handshake per request. With it off
# gunicorn does not time the reading of headers: a client that never finishes them holds a greenlet, as a stalled
# body does.
keepalive = 0

# the request line and headers: our longest URLs are signed WeChat callbacks and paged lists (well under 4 KiB);
# browsers send about 20 headers
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# request bodies are capped by the app (web.MAX_UPLOAD, 25 MiB; /wechat 1 MiB)

# requests whose app code one worker runs at once; the others wait, their bodies already read (web/buffering.py).
# It bounds the database connections a worker holds, as sync workers did. Two, not one: a request waiting on a
# user's lock or an outbound call leaves the worker to another.
APP_SLOTS = int(os.environ.get("EMSS_APP_SLOTS", "2"))


def post_worker_init(worker):
    """Wraps the worker's app (loaded, and gevent's patches applied, by now) in the request buffering."""
    from web import MAX_UPLOAD
    from web.buffering import BufferedRequests

    worker.wsgi = BufferedRequests(worker.wsgi, APP_SLOTS, MAX_UPLOAD)
