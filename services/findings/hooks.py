"""When to rescan: every flush is watched for the events that can change a finding, and the subjects they
touch are queued for a rescan after the commit (services/core/uow.py runs `session.info["after_commit"]`).

Watching the flush, rather than calling the engine from each use case, catches every path that records
these events — chat, web pages, corrections, jobs — including ones added later.
"""
from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from models import OmVisitEvent, Photo, PhotoStatus, TripEvent

JOB = "services.findings.engine.rescan_job"
# event-log actions after which a rule's answer may differ (check-in, a crew member's presence, a point's location,
# the instruments confirmed, sample time, submission, the polluter's decision or signature, corrections and
# resubmissions, sheets confirmed or corrected, cancellation)
TRIP_ACTIONS = frozenset({"check_in_arrival", "check_in_departure", "presence", "point_location",
                          "instruments_confirm", "sample_time", "confirm", "approve", "reject", "correct", "resubmit",
                          "cancel"})
OM_ACTIONS = frozenset({"check_in_arrival", "check_in_departure", "presence", "confirm_sheet", "submit", "approve",
                        "reject", "resubmit", "cancel", "catch_up", "sheet_saved_web", "sheet_corrected"})


def install(sessions: sessionmaker) -> None:
    event.listen(sessions, "before_flush", _collect)


def _collect(session: Session, _context, _instances) -> None:
    keys = {key for obj in (*session.new, *session.dirty) if (key := _subject_of(obj))}
    if keys:
        queued = session.info.setdefault("after_commit", [])
        queued.extend((JOB, (key,)) for key in sorted(keys) if (JOB, (key,)) not in queued)


def _subject_of(obj) -> str | None:
    if isinstance(obj, TripEvent) and obj.action in TRIP_ACTIONS:
        return f"trip:{obj.trip_id or obj.trip.id}"
    if isinstance(obj, OmVisitEvent) and obj.action in OM_ACTIONS:
        return f"om:{obj.visit_id or obj.visit.id}"
    if isinstance(obj, Photo) and obj.status == PhotoStatus.READY and inspect(obj).attrs.status.history.added:
        return f"trip:{obj.trip_id}" if obj.trip_id else f"om:{obj.om_visit_id}" if obj.om_visit_id else None
    return None
