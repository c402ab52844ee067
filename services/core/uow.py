"""One commit point per use case (unit of work); jobs are queued only after the commit succeeds.

A use case that changes state is marked `@transaction`: it commits when it returns, so a view or a job calls it
and commits nothing itself. A use case called by another (or by a chat turn, one use case as a whole) commits with
the outermost one; a refusal (any exception) commits nothing and the unit of work rolls back when it closes.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, object_session

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


class UnitOfWork:
    def __init__(self, runtime):
        self.runtime = runtime
        self.session: Session | None = None
        self._jobs: list[tuple[str, tuple]] = []

    def __enter__(self) -> "UnitOfWork":
        self.session = self.runtime.sessions()
        self.session.info["uow"] = self  # a use case handed the session alone still commits through us
        self._jobs = []
        return self

    def __exit__(self, *exc) -> None:
        # whatever was committed stays committed: a connection that died since (a failover, a DBA's
        # pg_terminate_backend) has nothing left to roll back, so its error is logged, never raised over the
        # answer the work already earned; the pool invalidates the connection and pre-pings the next one
        try:
            self.session.rollback()
            self.session.close()
        except (OperationalError, InterfaceError) as error:
            log.warning("database connection lost while closing a unit of work: %s", error)
            self.session.invalidate()

    @property
    def redis(self):
        return self.runtime.redis

    @property
    def config(self):
        return self.runtime.config

    def after_commit(self, job_path: str, *args) -> None:
        self._jobs.append((job_path, args))

    def commit(self) -> None:
        self.session.commit()
        # jobs asked for by flush listeners (services/findings/hooks.py) as well as by the use case
        jobs, self._jobs = self._jobs + self.session.info.pop("after_commit", []), []
        for path, args in jobs:
            self.runtime.jobs.enqueue(path, *args)


@contextmanager
def use_case(session: Session):
    """One use case on `session`: commits (through its unit of work, so queued jobs follow) when the outermost
    use case ends without an exception; when it ends with one (a refusal), its half-made changes are rolled back
    there and then, so the view that shows the refusal reads what is recorded and commits nothing itself."""
    session.info["use_cases"] = session.info.get("use_cases", 0) + 1
    try:
        yield
    except BaseException:
        if session.info["use_cases"] == 1:
            session.rollback()
        raise
    finally:
        session.info["use_cases"] -= 1
    if session.info["use_cases"] == 0:
        unit = session.info.get("uow")
        if unit is not None:
            unit.commit()
        else:
            session.commit()


def transaction(func: Callable[P, R]) -> Callable[P, R]:
    """Mark a use case that changes state: its first argument is the unit of work, its session, or a row of it."""
    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with use_case(_session_of(args[0])):
            return func(*args, **kwargs)
    return run


def _session_of(first) -> Session:
    if isinstance(first, UnitOfWork):
        return first.session
    return first if isinstance(first, Session) else object_session(first)
