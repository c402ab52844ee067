"""采样管理 (sampling management): where every planned visit of a task stands, and the agency's decision once
the field work is done — submit it for the report, or close a task that needs no analysis.

Each use case checks what the task machine (states/task.py) cannot see — every planned visit's trip completed
and confirmed, or the receipt check of delivered samples — then fires the machine's trigger, which is logged in
the task's event log (services/sampling/tasks.py: who, what, when); the commit is left to the caller's unit of work.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Confirmation, ConfirmationStatus, MonitoringTask, Photo, SamplingTrip, TaskStatus, User, Visit, clock
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from services.sampling import tasks
from states.task import STATUS_NAMES, can
from states.trip import ACTIVE, Step


class RecordsProblem(Refusal):
    """A use case of a task's records (采样管理, reports, receipts) refused."""

    domain = "records"


# where a planned visit stands (采样计划的执行情况)
NO_TRIP = "no_trip"
IN_PROGRESS = "in_progress"
AWAITING = "awaiting_confirmation"
REJECTED = "rejected"
COMPLETED = "completed"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class VisitStatus:
    visit: Visit
    trip: SamplingTrip | None
    status: str
    confirmation: Confirmation | None  # the latest decision asked of the polluter, if any

    @property
    def done(self) -> bool:
        return self.status == COMPLETED

    @property
    def step(self) -> str | None:
        """The trip machine's step while the crew is still on it."""
        return self.trip.state if self.status == IN_PROGRESS else None


def trips_by_visit(db: Session, task: MonitoringTask) -> dict[int, SamplingTrip]:
    visit_ids = [v.id for v in task.visits]
    trips = db.scalars(select(SamplingTrip).where(SamplingTrip.visit_id.in_(visit_ids))) if visit_ids else []
    return {trip.visit_id: trip for trip in trips}


def latest_confirmation(trip: SamplingTrip) -> Confirmation | None:
    return trip.confirmations[-1] if trip.confirmations else None


def trip_status(trip: SamplingTrip | None) -> str:
    """A trip counts as completed once the polluter confirmed it, or straight away for self-monitoring."""
    if trip is None:
        return NO_TRIP
    if trip.state in ACTIVE:
        return IN_PROGRESS
    if trip.state == Step.COMPLETED:
        confirmation = latest_confirmation(trip)
        confirmed = confirmation is not None and confirmation.status == ConfirmationStatus.CONFIRMED
        return COMPLETED if confirmed or trip.is_self_monitoring() else AWAITING
    return {Step.AWAITING_CONFIRMATION: AWAITING, Step.REJECTED: REJECTED, Step.CANCELLED: CANCELLED}[trip.state]


def visit_statuses(db: Session, task: MonitoringTask) -> list[VisitStatus]:
    """Every planned visit of the task with its trip and where it stands, in schedule order."""
    trips = trips_by_visit(db, task)
    visits = sorted(task.visits, key=lambda v: (v.day, v.starts, v.id))
    return [VisitStatus(v, trips.get(v.id), trip_status(trips.get(v.id)),
                        latest_confirmation(trips[v.id]) if v.id in trips else None) for v in visits]


def missing(db: Session, task: MonitoringTask) -> list[VisitStatus]:
    """The planned visits still without a completed trip: what stands between the task and its submission."""
    return [s for s in visit_statuses(db, task) if not s.done]


def field_work_done(db: Session, task: MonitoringTask) -> None:
    """Refuse, saying what is missing, unless the field work (or the receipt check of delivered samples) is done."""
    if not task.sampling_needed:
        if task.receipt is None or task.receipt.confirmed_at is None:
            raise RecordsProblem("receipt_needed")
        return
    if not task.visits:
        raise RecordsProblem("no_visits")
    pending = missing(db, task)
    if pending:
        raise RecordsProblem("visits_missing", visits=pending)


# --- the agency's decisions --------------------------------------------------------------------------------

@transaction
def submit(uow: UnitOfWork, task: MonitoringTask, user: User) -> None:
    """提交采样管理: every planned visit completed (or the receipt confirmed); the task goes to its report."""
    if not task.analysis_needed:
        raise RecordsProblem("no_analysis")
    field_work_done(uow.session, task)
    task.submitted_at = clock.now()
    fire(task, user, "submit_sampling", visits=len(task.visits))


@transaction
def close(uow: UnitOfWork, task: MonitoringTask, user: User) -> None:
    """结束任务: a task with no analysis ends at sampling management, once the field work is done."""
    if task.analysis_needed:
        raise RecordsProblem("analysis_needed")
    field_work_done(uow.session, task)
    task.closed_at = clock.now()
    fire(task, user, "close", visits=len(task.visits))


@transaction
def original_viewed(uow: UnitOfWork, photo: Photo, user: User) -> None:
    """Opening an unwatermarked original is on the record (查看原图)."""
    task_id = photo.task_id if photo.trip is None else photo.trip.visit.task_id
    task = uow.session.get(MonitoringTask, task_id)
    log_event(task, user, "original_viewed", photo=photo.id, trip=photo.trip_id)


# the task's event log (who, what, when), kept by services/sampling/tasks.py; trip use cases record on the task with it
log_event = tasks.log


# --- the task's status ---------------------------------------------------------------------------------

def may(task: MonitoringTask, trigger: str) -> bool:
    """Whether the task machine (states/task.py) lets `trigger` fire now."""
    return can(task, trigger)


def fire(task: MonitoringTask, user: User, trigger: str, **detail) -> None:
    """Move the task with its machine; the move is logged (services/sampling/tasks.py). Refused: "wrong_status"."""
    if not can(task, trigger):
        raise RecordsProblem("wrong_status", status=STATUS_NAMES[TaskStatus(task.status)])
    tasks.advance(task, user, trigger, **detail)
