"""One commit point per use case (unit of work); jobs are queued only after the commit succeeds."""
from __future__ import annotations

import logging

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


class UnitOfWork:
    def __init__(self, runtime):
        self.runtime = runtime
        self.session: Session | None = None
        self._jobs: list[tuple[str, tuple]] = []

    def __enter__(self) -> "UnitOfWork":
        self.session = self.runtime.sessions()
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
