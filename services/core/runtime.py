"""What a running process holds: the engine, the session factory, Redis and the job queue.

Built from a `Config` in `create_app`; nothing connects at import time.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import fakeredis
import redis
import requests
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from models import clock
from services.core.config import Config
from services.core.jobs import Jobs
from services.findings import hooks as findings_hooks
from services.users import accounts

POOL_RECYCLE = 1800  # seconds


@dataclass
class Runtime:
    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    redis: redis.Redis
    jobs: Jobs
    # outbound calls to the city's systems (法人一证通, the pollution-source system): one pool per process
    http: requests.Session = field(default_factory=requests.Session)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # pre-ping replaces a connection the server closed while it sat in the pool; recycling bounds how long a
    # connection lives, so one a proxy or failover silently dropped is not found by a request first
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, pool_recycle=POOL_RECYCLE)


def _sqlite_pragmas(connection, _record) -> None:
    # pysqlite's own transaction handling lets a SAVEPOINT commit on release; we begin transactions ourselves
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # IMMEDIATE takes the write lock up front: concurrent threads wait (busy timeout) instead of failing
    # when a reader later tries to write
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_redis(config: Config) -> redis.Redis:
    if config.embedded_redis:
        # one in-process server shared by every thread of this process: the embedded default
        return fakeredis.FakeRedis(server=fakeredis.FakeServer())
    return redis.Redis.from_url(config.redis_url)


def build_runtime(config: Config) -> Runtime:
    engine = make_engine(config.database_url)
    client = make_redis(config)
    # every process of the app builds its runtime here: web workers, RQ workers and the CLI share the dev clock
    clock.use(clock.DevClock(client) if config.dev else None)
    accounts.use_hash_method(config.password_hash_method)
    sessions = sessionmaker(engine, expire_on_commit=False)
    findings_hooks.install(sessions)
    runtime = Runtime(
        config=config,
        engine=engine,
        sessions=sessions,
        redis=client,
        jobs=Jobs(client, inline=bool(config.jobs_inline), retry_intervals=config.job_retry_intervals),
    )
    runtime.jobs.runtime = runtime
    return runtime
