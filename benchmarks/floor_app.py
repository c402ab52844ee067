"""The floor for `bot_load.py --floor`: the bare WeRoBot echo of echo_app.py plus the least durable work any
implementation of issue 2 must do per message — claim the delivery in Redis (de-duplication, SET NX with a TTL)
and append one row to PostgreSQL in its own committed transaction (the event log). No ORM, no session, no
state machine, no lookups: what EMSS does per message is a superset of this.

`FLOOR_READS=N` adds N indexed single-row SELECTs per message inside that transaction (reading the sender's
latest row), the least an implementation that looks up who is writing and where their work stands adds.

Its throughput bounds what EMSS can reach on the same machine under the same gunicorn settings: if the floor
is under 0.4 x echo, so is every implementation that records each message durably.

    DATABASE_URL=... REDIS_URL=... gunicorn -w 4 -b 127.0.0.1:8092 'benchmarks.floor_app:create_app()'
"""
from __future__ import annotations

import os
import threading

import psycopg
import redis as redis_lib
from flask import Flask
from werobot import WeRoBot
from werobot.contrib.flask import make_view

from benchmarks.echo_app import DEFAULT_TOKEN

TABLE = "bench_floor_event"
_local = threading.local()


def _connection(url: str) -> psycopg.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None or connection.closed:
        connection = _local.connection = psycopg.connect(url)
    return connection


def create_app() -> Flask:
    url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    redis = redis_lib.Redis.from_url(os.environ["REDIS_URL"])
    reads = int(os.environ.get("FLOOR_READS") or 0)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, openid text, "
                           "msgid bigint, content text, at timestamptz DEFAULT now())")
        connection.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_openid ON {TABLE} (openid, id)")
    robot = WeRoBot(token=os.environ.get("WECHAT_TOKEN") or DEFAULT_TOKEN, SESSION_STORAGE=False)

    @robot.text
    def record(message):
        if not redis.set(f"floor:{message.message_id}", 1, nx=True, ex=600):
            return message.content  # a retried delivery: no second effect
        connection = _connection(url)
        with connection.transaction():
            for _ in range(reads):
                connection.execute(f"SELECT id FROM {TABLE} WHERE openid = %s ORDER BY id DESC LIMIT 1",
                                   (message.source,)).fetchone()
            connection.execute(f"INSERT INTO {TABLE} (openid, msgid, content) VALUES (%s, %s, %s)",
                               (message.source, message.message_id, message.content))
        return message.content

    app = Flask(__name__)
    app.add_url_rule("/wechat", endpoint="werobot", view_func=make_view(robot), methods=["GET", "POST"])
    return app
