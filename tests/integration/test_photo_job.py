"""The photo job's reads: what the watermark shows comes with the photo, not one query per relationship."""
from __future__ import annotations

from sqlalchemy import event, select

from bot import jobs
from models import Photo, PhotoStatus
from tests.e2e import trip_script as script


def test_a_trip_photo_job_reads_the_photo_and_everything_its_watermark_shows_in_two_selects(
        demo_world, phone, runtime, app):
    script.whole_trip(phone("o_sampler1"))
    with runtime.sessions() as session:
        photo = session.scalars(select(Photo).order_by(Photo.id)).first()
        photo.status, photo_id = PhotoStatus.PENDING, photo.id  # as if its media had just arrived
        session.commit()
    selects = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        with app.app_context():
            jobs.fetch_photo(runtime, photo_id)
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
    with runtime.sessions() as session:
        assert session.get(Photo, photo_id).status == PhotoStatus.READY
    assert len(selects) == 2  # the photo joined with its trip, visit, task, polluter and sender; the check-ins
