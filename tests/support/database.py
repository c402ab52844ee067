"""A clean database for every test, and the demo world in it, at a few milliseconds each.

Rows are DELETEd and PostgreSQL's sequences reset, rather than every table TRUNCATEd: TRUNCATE gives each
table new files (and syncs them), which costs 0.1 s on an idle machine and seconds on a busy one, while
deleting the few rows a test left costs milliseconds. The demo world is built by `services.dev.demo.load` once per
session (and day) and its rows kept; a later test gets the same rows inserted back in one transaction, with the
sequences where the load left them, instead of building the world again.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, create_engine, literal, make_url, or_, select, text

import models
from models import clock
from services.core.runtime import make_engine
from services.core.uow import UnitOfWork
from services.dev import demo

TABLES = models.Base.metadata.sorted_tables  # parents first: the order rows can be inserted in


# --- pytest-xdist: every worker process its own PostgreSQL database and Redis DB --------------------------------

def worker_database_url(url: str, worker: str) -> str:
    """`url`'s database with the worker's name appended (emss_ci → emss_ci_gw1); SQLite files are per worker
    already (each worker has its own temporary directory)."""
    if not worker or url.startswith("sqlite"):
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def worker_redis_url(url: str, worker: str) -> str:
    """The Redis DB `worker`'s number above `url`'s: gw0 keeps it, gw1 takes the next one."""
    if not worker or not url:
        return url
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) + int(worker.removeprefix('gw'))}"


def create_database(url: str) -> None:
    """Create `url`'s PostgreSQL database afresh (one a crashed run left is dropped first)."""
    name = make_url(url).database
    _on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    _on_server(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _on_server(url: str, *statements: str) -> None:
    """Run `statements` outside any transaction, from the server's `postgres` database."""
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    server.dispose()


class CleanDatabase:
    """The session's database (one engine for the whole run), emptied before each test."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.postgres = self.engine.dialect.name == "postgresql"
        self._demo: dict[date, tuple[dict, list]] = {}  # day -> (rows per table, sequence values)

    def wipe(self) -> None:
        with self.engine.begin() as connection:
            for table in reversed(TABLES):  # children first: no foreign key is left dangling
                connection.execute(table.delete())
            if self.postgres:  # ids start at 1 again, as on a fresh database
                connection.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))

    def load_demo(self, runtime) -> None:
        """The demo world, as `demo.load` builds it on an empty database today (the app's clock)."""
        day = clock.today()
        with self.engine.begin() as connection:
            empty = self._empty(connection)
            if empty and day in self._demo:
                self._restore(connection, *self._demo[day])
                return
        with UnitOfWork(runtime) as uow:
            demo.load(uow.session)
            uow.commit()
        if empty:  # only a world built on nothing else is the demo world
            with self.engine.connect() as connection:
                self._demo[day] = self._capture(connection)

    def dispose(self) -> None:
        self.engine.dispose()

    @staticmethod
    def _empty(connection: Connection) -> bool:
        return not connection.scalar(select(or_(*(select(literal(1)).select_from(t).exists() for t in TABLES))))

    def _capture(self, connection: Connection) -> tuple[dict, list]:
        rows = {table: [dict(row._mapping) for row in connection.execute(select(table))] for table in TABLES}
        sequences = list(connection.execute(text(
            "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences WHERE last_value IS NOT NULL"
        ))) if self.postgres else []
        return {table: found for table, found in rows.items() if found}, sequences

    @staticmethod
    def _restore(connection: Connection, rows: dict, sequences: list) -> None:
        for table, found in rows.items():
            connection.execute(table.insert(), found)
        for name, value in sequences:
            connection.execute(text("SELECT setval(CAST(:name AS regclass), :value)"), {"name": name, "value": value})
