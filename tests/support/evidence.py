"""A trip and an O&M visit with planted evidence, for the evidence page's tests (integration and browser)."""
from __future__ import annotations

import hashlib
from datetime import time, timedelta
from pathlib import Path

from sqlalchemy import select

from models import OmVisit, Photo, clock
from services.adapters.photos import dct_hash_of
from services.core.uow import UnitOfWork
from services.findings import engine
from services.findings.facts import Subject
from tests.e2e import trip_script as script
from tests.integration.test_findings import FakeClock
from tests.support import om as om_support
from tests.support import records
from tests.support.images import camera_exif, jpeg

PEOPLES_SQUARE = (31.2304, 121.4737)  # ~50 km from the demo plant


def plant(app, runtime, phone, monkeypatch, drain) -> dict:
    """The demo O&M visit done this morning (its arrival photo on file), then sampler1's demo trip from 09:00:
    arrival on site with a copy of that very photo, and a sampling photo whose EXIF says yesterday in People's
    Square. Returns the ids the pages show."""
    morning = FakeClock(monkeypatch, clock.at_local(clock.today(), time(9, 0)))
    visit_id = om_support.awaiting_visit(app, drain)
    sampler = phone("o_s1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    sampler.photo(jpeg(0, (160, 120)))  # the bytes of the O&M visit's arrival photo (tests/support/om.py)
    morning.advance(15)
    assert "【点位布设】" in script.confirm_instruments(sampler)
    script.at_point(sampler, 0)
    yesterday = clock.local(morning.moment - timedelta(days=1)).replace(tzinfo=None)
    sampler.photo(jpeg(7, exif=camera_exif(yesterday, PEOPLES_SQUARE)))
    drain()
    trip_id = _trip_id(runtime)
    with UnitOfWork(runtime) as uow:
        om_photo = uow.session.get(OmVisit, visit_id).photos_for("arrival")[0]
        _hash_as_the_pipeline_does(om_photo, runtime.config.media_root)
        for subject in (Subject("trip", trip_id), Subject("om", visit_id)):
            engine.rescan(uow.session, subject)
        uow.commit()
        om_photo = om_photo.id
    with runtime.sessions() as s:
        trip_photos = [p.id for p in s.scalars(select(Photo).where(Photo.trip_id == trip_id).order_by(Photo.id))]
    return {"trip": trip_id, "visit": visit_id, "om_photo": om_photo, "trip_photos": trip_photos}


def _hash_as_the_pipeline_does(photo: Photo, media_root) -> None:
    """tests/support/om.py stores its photos' files without their hashes: hash the original's bytes."""
    data = (Path(media_root) / photo.original_path).read_bytes()
    photo.sha256, photo.dct_hash = hashlib.sha256(data).hexdigest(), dct_hash_of(data)


def _trip_id(runtime) -> int:
    with runtime.sessions() as s:
        return records.trip_of(s).id
