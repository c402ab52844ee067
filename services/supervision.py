"""Lists of trips and tasks as a user may see them (services/policy.py), with filters, and the marks of
irregular field work a regulator looks at first (异常行程): a check-in outside the fence, the polluter's
confirmation missing or given after the crew left, a photo also used on another trip.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from models import (
    CheckIn,
    CheckInKind,
    Confirmation,
    ConfirmationStatus,
    MonitoringTask,
    Photo,
    SamplingTrip,
    User,
    Visit,
    clock,
)
from services import policy
from services.records import latest_confirmation
from states.trip import Step

# marks of irregular field work (a trip lists them most serious first)
OUTSIDE_FENCE = "outside_fence"
PHOTO_REUSED = "photo_reused"
CONFIRMATION_MISSING = "confirmation_missing"
AFTER_DEPARTURE = "after_departure"
SUBMITTED = (Step.AWAITING_CONFIRMATION, Step.REJECTED, Step.COMPLETED)


class FilterError(ValueError):
    """A filter value that cannot be used; `field` names it, the message is for the user."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass
class TripFilter:
    """The filters of a trip list (date range of the visit, polluter, agency, trip state, fence flag)."""

    date_from: date | None = None
    date_to: date | None = None
    polluter_id: int | None = None
    agency_id: int | None = None
    state: str = ""
    fence: str = ""  # "" | "outside" | "inside"


@dataclass
class TaskFilter:
    """The filters of a task list (status, agency, polluter, date range of the application)."""

    date_from: date | None = None
    date_to: date | None = None
    polluter_id: int | None = None
    agency_id: int | None = None
    status: str = ""


def parse_date(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(name, "日期格式应为 2026-01-31。") from None


def parse_id(value: str, name: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise FilterError(name, "请从列表中选择。")
    return int(value)


def check_range(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise FilterError("date_to", "结束日期不能早于开始日期。")


# --- trips ------------------------------------------------------------------------------------------

@dataclass
class TripRow:
    trip: SamplingTrip
    arrival: CheckIn | None
    departure: CheckIn | None
    confirmation: Confirmation | None
    flags: tuple[str, ...]
    reused_with: tuple[int, ...] = ()  # the other trips that carry one of this trip's photos

    @property
    def task(self) -> MonitoringTask:
        return self.trip.visit.task


def trip_query(user: User, flt: TripFilter):
    query = select(SamplingTrip).join(Visit, Visit.id == SamplingTrip.visit_id) \
        .join(MonitoringTask, MonitoringTask.id == Visit.task_id)
    query = policy.scoped(user, SamplingTrip, query)
    if flt.date_from:
        query = query.where(Visit.day >= flt.date_from)
    if flt.date_to:
        query = query.where(Visit.day <= flt.date_to)
    if flt.polluter_id:
        query = query.where(MonitoringTask.polluter_id == flt.polluter_id)
    if flt.agency_id:
        query = query.where(MonitoringTask.agency_id == flt.agency_id)
    if flt.state:
        query = query.where(SamplingTrip.state == flt.state)
    outside = exists().where(CheckIn.trip_id == SamplingTrip.id, CheckIn.inside_fence.is_(False))
    if flt.fence == "outside":
        query = query.where(outside)
    elif flt.fence == "inside":
        query = query.where(exists().where(CheckIn.trip_id == SamplingTrip.id), ~outside)
    return query.order_by(Visit.day.desc(), SamplingTrip.id.desc())


def trips(db: Session, user: User, flt: TripFilter, limit: int | None = None) -> list[TripRow]:
    query = trip_query(user, flt)
    return rows(db, list(db.scalars(query.limit(limit) if limit else query)))


def rows(db: Session, found: list[SamplingTrip]) -> list[TripRow]:
    reused = reused_photos(db, [t.id for t in found])
    return [_row(trip, reused.get(trip.id, ())) for trip in found]


def _row(trip: SamplingTrip, reused_with: tuple[int, ...]) -> TripRow:
    confirmation = latest_confirmation(trip)
    flags = []
    if any(not c.inside_fence for c in trip.check_ins):
        flags.append(OUTSIDE_FENCE)
    if reused_with:
        flags.append(PHOTO_REUSED)
    confirmed = confirmation is not None and confirmation.status == ConfirmationStatus.CONFIRMED
    if trip.state in SUBMITTED and not trip.is_self_monitoring() and not confirmed:
        flags.append(CONFIRMATION_MISSING)
    if confirmed and confirmation.after_departure:
        flags.append(AFTER_DEPARTURE)
    return TripRow(trip, trip.latest_check_in(CheckInKind.ARRIVAL), trip.latest_check_in(CheckInKind.DEPARTURE),
                   confirmation, tuple(flags), reused_with)


def reused_photos(db: Session, trip_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """trip → the other trips holding a photo with the same bytes (the same SHA-256) as one of its photos."""
    if not trip_ids:
        return {}
    mine, other = aliased(Photo), aliased(Photo)
    pairs = db.execute(
        select(mine.trip_id, other.trip_id).distinct()
        .join(other, and_(other.sha256 == mine.sha256, other.trip_id != mine.trip_id))
        .where(mine.trip_id.in_(trip_ids), mine.sha256.is_not(None), other.trip_id.is_not(None))
    )
    found: dict[int, set[int]] = {}
    for trip_id, other_id in pairs:
        found.setdefault(trip_id, set()).add(other_id)
    return {trip_id: tuple(sorted(others)) for trip_id, others in found.items()}


def irregular_first(found: list[TripRow]) -> list[TripRow]:
    """The regulator's order: the trips with the most marks first, the most recent first among equals."""
    return sorted(found, key=lambda r: (-len(r.flags), -r.trip.visit.day.toordinal(), -r.trip.id))


# --- tasks ------------------------------------------------------------------------------------------

def task_query(user: User, flt: TaskFilter):
    query = policy.scoped(user, MonitoringTask)
    if flt.date_from:
        query = query.where(MonitoringTask.created_at >= _start_of(flt.date_from))
    if flt.date_to:
        query = query.where(MonitoringTask.created_at < _start_of(flt.date_to, next_day=True))
    if flt.polluter_id:
        query = query.where(MonitoringTask.polluter_id == flt.polluter_id)
    if flt.agency_id:
        query = query.where(MonitoringTask.agency_id == flt.agency_id)
    if flt.status:
        query = query.where(MonitoringTask.status == flt.status)
    return query.order_by(MonitoringTask.id.desc())


def tasks(db: Session, user: User, flt: TaskFilter) -> list[MonitoringTask]:
    return list(db.scalars(task_query(user, flt)))


def _start_of(day: date, next_day: bool = False) -> datetime:
    return clock.at_local(day + timedelta(days=1) if next_day else day, time(0, 0))


# --- the regulator's desk ----------------------------------------------------------------------------

def counts(db: Session, user: User) -> dict[str, Counter]:
    """How many tasks per status and trips per state the user may see."""
    task_rows = db.execute(policy.scoped(user, MonitoringTask, select(MonitoringTask.status, func.count())
                                         .group_by(MonitoringTask.status)))
    trip_rows = db.execute(policy.scoped(user, SamplingTrip, select(SamplingTrip.state, func.count())
                                         .group_by(SamplingTrip.state)))
    return {"tasks": Counter(dict(task_rows.all())), "trips": Counter(dict(trip_rows.all()))}
