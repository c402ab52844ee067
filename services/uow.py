"""One commit point per use case (unit of work); jobs are queued only after the commit succeeds."""
from __future__ import annotations

from sqlalchemy.orm import Session


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
        self.session.rollback()
        self.session.close()

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
