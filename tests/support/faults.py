"""Helpers of the fault tests (tests/security/test_faults_*): a sampler on site, photo statuses, lost jobs."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import select

from models import Photo
from tests.e2e import trip_script as script

SAMPLER = "o_sampler1"
FETCH = "services.wechat.jobs.fetch_photo"


def on_site(phone):
    """sampler1, bound, on the demo trip and checked in on site: the next step is the arrival photo."""
    sampler = phone(SAMPLER)
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    return sampler


def statuses(runtime) -> list[str]:
    with runtime.sessions() as s:
        return [str(status) for status in s.scalars(select(Photo.status).order_by(Photo.id))]


@contextmanager
def photo_jobs_lost(runtime, monkeypatch):
    """Inside, photo rows are committed but their queued jobs vanish, as in a Redis loss."""
    enqueue = runtime.jobs.enqueue
    with monkeypatch.context() as patch:
        patch.setattr(runtime.jobs, "enqueue", lambda path, *args: None if path == FETCH else enqueue(path, *args))
        yield
