"""Background jobs: RQ workers in production, run inline in the embedded default.

A job is named by its dotted path and called as `fn(runtime, *args, last_attempt=bool)`, so it can record
a final failure instead of losing it.
"""
from __future__ import annotations

import importlib
import logging

from rq import Queue, Retry, get_current_job

log = logging.getLogger(__name__)
QUEUE = "emss"


class Jobs:
    def __init__(self, redis, inline: bool, retry_intervals: tuple[int, ...]):
        self.redis = redis
        self.inline = inline
        self.retry_intervals = tuple(retry_intervals)
        # the runtime inline jobs run with (set by build_runtime): a one-shot command has no Flask app to find it in
        self.runtime = None

    @property
    def queue(self) -> Queue:
        return Queue(QUEUE, connection=self.redis)

    def enqueue(self, path: str, *args) -> None:
        if self.inline:
            self._run_inline(path, args)
            return
        retry = Retry(max=len(self.retry_intervals), interval=list(self.retry_intervals)) \
            if self.retry_intervals else None
        self.queue.enqueue(perform, path, *args, retry=retry)

    def _run_inline(self, path: str, args: tuple) -> None:
        attempts = len(self.retry_intervals) + 1
        for attempt in range(1, attempts + 1):
            try:
                _call(path, args, last_attempt=attempt == attempts, runtime=self.runtime)
                return
            except Exception:  # noqa: BLE001 - a job's failure is retried, then recorded by the job itself
                log.exception("job %s failed (attempt %d of %d)", path, attempt, attempts)


def perform(path: str, *args) -> None:
    """The RQ entry point: the worker process has pushed an app context (see `emss worker`)."""
    job = get_current_job()
    last = job is None or not job.retries_left
    _call(path, args, last_attempt=last)


def _call(path: str, args: tuple, last_attempt: bool, runtime=None) -> None:
    if runtime is None:
        from flask import current_app

        runtime = current_app.extensions["emss"]
    module, _, name = path.rpartition(".")
    fn = getattr(importlib.import_module(module), name)
    fn(runtime, *args, last_attempt=last_attempt)
