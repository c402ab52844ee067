"""Lists of trips and tasks as a user may see them (services/core/policy.py), with filters, and the marks of
irregular field work a regulator looks at first (异常行程): a check-in outside the fence, the polluter's
confirmation missing or given after the crew left, a photo also used on another trip.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, select, tuple_
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from models import (
    CheckIn,
    CheckInKind,
    Confirmation,
    ConfirmationStatus,
    MonitoringTask,
    Photo,
    PointLocation,
    SamplingTrip,
    TripInstrument,
    User,
    Visit,
    clock,
)
from services.core import policy
from services.core.refusal import Refusal
from services.field.records import latest_confirmation
from services.sampling import lab_receipts
from states.trip import Step

# marks of irregular field work (a trip lists them most serious first)
OUTSIDE_FENCE = "outside_fence"
PHOTO_REUSED = "photo_reused"
CONFIRMATION_MISSING = "confirmation_missing"
AFTER_DEPARTURE = "after_departure"
HOLDING_TIME = "holding_time_exceeded"  # a sample received past its holding time (services/sampling/lab_receipts.py)
SUBMITTED = (Step.AWAITING_CONFIRMATION, Step.REJECTED, Step.COMPLETED)
PER_PAGE = 50  # rows of a list page
CHUNK = 1000  # rows an export reads at a time


class FilterError(Refusal):
    """A filter value that cannot be used; the detail `field` names it (the form marks it, the API returns it)."""

    domain = "filter"

    @property
    def field(self) -> str:
        return self.details["field"]


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
        raise FilterError("bad_date", field=name) from None


def parse_id(value: str, name: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise FilterError("not_offered", field=name)
    return int(value)


def check_range(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise FilterError("range_order", field="date_to")


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


def owner_filters(query, flt, day, owner):
    """The filters the lists share: a range of the work's `day`, and the polluter and agency of its `owner`
    (the task of a trip, the plan of an O&M visit)."""
    if flt.date_from:
        query = query.where(day >= flt.date_from)
    if flt.date_to:
        query = query.where(day <= flt.date_to)
    if flt.polluter_id:
        query = query.where(owner.polluter_id == flt.polluter_id)
    if flt.agency_id:
        query = query.where(owner.agency_id == flt.agency_id)
    return query


def trip_query(user: User, flt: TripFilter):
    query = select(SamplingTrip).join(Visit, Visit.id == SamplingTrip.visit_id) \
        .join(MonitoringTask, MonitoringTask.id == Visit.task_id)
    query = policy.scoped(user, MonitoringTask, query)  # a trip's scope is its task's (services/core/policy.py)
    query = owner_filters(query, flt, Visit.day, MonitoringTask)
    if flt.state:
        query = query.where(SamplingTrip.state == flt.state)
    outside = exists().where(CheckIn.trip_id == SamplingTrip.id, CheckIn.inside_fence.is_(False))
    if flt.fence == "outside":
        query = query.where(outside)
    elif flt.fence == "inside":
        query = query.where(exists().where(CheckIn.trip_id == SamplingTrip.id), ~outside)
    return query.order_by(Visit.day.desc(), SamplingTrip.id.desc())


# what a trip's row shows, loaded with the page's trips rather than one query per row
TRIP_ROW_LOADS = (
    joinedload(SamplingTrip.visit).joinedload(Visit.task).joinedload(MonitoringTask.polluter),
    joinedload(SamplingTrip.visit).joinedload(Visit.task).joinedload(MonitoringTask.agency),
    joinedload(SamplingTrip.visit).selectinload(Visit.samplers),
    selectinload(SamplingTrip.check_ins), selectinload(SamplingTrip.confirmations),
    selectinload(SamplingTrip.point_locations).joinedload(PointLocation.point),
    selectinload(SamplingTrip.samples), joinedload(SamplingTrip.lab_receipt),
    selectinload(SamplingTrip.instruments).joinedload(TripInstrument.equipment),
    selectinload(SamplingTrip.point_instruments),
)


def trips(db: Session, user: User, flt: TripFilter, after: tuple[date, int] | None = None,
          per_page: int = PER_PAGE) -> list[TripRow]:
    """One page of the filtered trips, the most recent first, after the cursor `after` (the previous page's
    last (day, trip id)): a page deep in the history reads no more rows than the first (keyset paging)."""
    query = _trips_after(trip_query(user, flt).options(*TRIP_ROW_LOADS), after).limit(per_page)
    return rows(db, list(db.scalars(query)))


def all_trips(db: Session, user: User, flt: TripFilter, chunk: int = CHUNK) -> Iterator[TripRow]:
    """Every filtered trip, read `chunk` at a time and let go of after use: an export of any length holds one
    chunk in memory."""
    query = trip_query(user, flt).options(*TRIP_ROW_LOADS).limit(chunk)
    after = None
    while found := list(db.scalars(_trips_after(query, after))):
        after = trip_cursor(found[-1])
        yield from rows(db, found)
        db.expunge_all()


def trip_cursor(trip: SamplingTrip) -> tuple[date, int]:
    return trip.visit.day, trip.id


def _trips_after(query, after: tuple[date, int] | None):
    if after is None:
        return query
    day, ident = after  # the bound on the day alone lets the database start from the visit-day index
    return query.where(Visit.day <= day, tuple_(Visit.day, SamplingTrip.id) < (day, ident))


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
    if any(h.overdue for h in lab_receipts.held(trip)):
        flags.append(HOLDING_TIME)
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


TASK_ROW_LOADS = (joinedload(MonitoringTask.polluter), joinedload(MonitoringTask.agency),
                  selectinload(MonitoringTask.visits))


def tasks(db: Session, user: User, flt: TaskFilter, after: int | None = None,
          per_page: int = PER_PAGE) -> list[MonitoringTask]:
    """One page of the filtered tasks, the newest first, after the task id `after` (keyset paging)."""
    return list(db.scalars(_tasks_after(task_query(user, flt).options(*TASK_ROW_LOADS), after).limit(per_page)))


def all_tasks(db: Session, user: User, flt: TaskFilter, chunk: int = CHUNK) -> Iterator[MonitoringTask]:
    """Every filtered task, `chunk` at a time, for exports."""
    query = task_query(user, flt).options(*TASK_ROW_LOADS).limit(chunk)
    after = None
    while found := list(db.scalars(_tasks_after(query, after))):
        after = found[-1].id
        yield from found
        db.expunge_all()


def _tasks_after(query, after: int | None):
    return query if after is None else query.where(MonitoringTask.id < after)


def _start_of(day: date, next_day: bool = False) -> datetime:
    return clock.at_local(day + timedelta(days=1) if next_day else day, time(0, 0))


# --- the regulator's desk ----------------------------------------------------------------------------

COUNT_CAP = 10_000  # the desk counts a district's trips up to this, then says "10000+"
DONE = (Step.COMPLETED, Step.CANCELLED)  # the bulk of the history, not counted per state


@dataclass
class TripCounts:
    total: int  # up to COUNT_CAP + 1
    capped: bool
    states: Counter  # the trips not done yet, per state (exact: few, found through the state index)


def counts(db: Session, user: User) -> dict:
    """How many tasks per status and trips the user may see: the trips in progress per state exactly, the
    whole history bounded (counting a city's million trips on every view would cost more than the page)."""
    task_rows = db.execute(policy.scoped(user, MonitoringTask, select(MonitoringTask.status, func.count())
                                         .group_by(MonitoringTask.status)))
    scoped = policy.scoped(user, MonitoringTask, select(SamplingTrip.id)
                           .join(Visit, Visit.id == SamplingTrip.visit_id)
                           .join(MonitoringTask, MonitoringTask.id == Visit.task_id))
    total = db.scalar(select(func.count()).select_from(scoped.limit(COUNT_CAP + 1).subquery()))
    open_states = [state.value for state in Step if state not in DONE]
    states = db.execute(scoped.with_only_columns(SamplingTrip.state, func.count())
                        .where(SamplingTrip.state.in_(open_states)).group_by(SamplingTrip.state))
    return {"tasks": Counter(dict(task_rows.all())),
            "trips": TripCounts(min(total, COUNT_CAP), total > COUNT_CAP, Counter(dict(states.all())))}
