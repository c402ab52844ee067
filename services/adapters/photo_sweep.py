"""The photo sweeper: a photo is durable in the database before its job is queued, so a photo whose job was
lost — Redis flushed or failed over, the worker killed mid-job — is found still `pending` and queued again.

`emss worker` sweeps at start and every `photo_sweep_every` seconds; so does `emss serve` on the embedded
default, where jobs run inline and a process that died mid-job left its photo pending. Processing a photo twice
is harmless: `services.wechat.jobs.fetch_photo` row-locks the photo and skips one that is no longer pending.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Photo, PhotoStatus, clock
from services.core import periodic
from services.core.uow import UnitOfWork

log = logging.getLogger(__name__)


def stale(db: Session, older_than: datetime) -> list[int]:
    """Ids of the photos still pending that were received before `older_than`, oldest first."""
    query = select(Photo.id).where(Photo.status == PhotoStatus.PENDING, Photo.received_at < older_than)
    return list(db.scalars(query.order_by(Photo.id)))


def sweep(runtime, now: datetime | None = None) -> int:
    """Queue again every photo pending for longer than the threshold; how many were queued."""
    older_than = (now or clock.now()) - timedelta(seconds=runtime.config.photo_sweep_after)
    with UnitOfWork(runtime) as uow:
        ids = stale(uow.session, older_than)
    for photo_id in ids:
        runtime.jobs.enqueue("services.wechat.jobs.fetch_photo", photo_id)
    if ids:
        log.warning("queued %d pending photos again: %s", len(ids), ids[:20])
    return len(ids)


def start(app) -> threading.Event:
    """Sweep now and then every `photo_sweep_every` seconds in a background thread; set the event to stop."""
    return periodic.start(app, "photo-sweeper", app.extensions["emss"].config.photo_sweep_every, sweep)
