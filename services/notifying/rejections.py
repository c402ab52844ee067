"""When the polluter sends a trip or an O&M visit back (退回), the people who must act are told with the reason —
the crew member who led it and the agency's administrators, on the desk and in WeChat — and the agency's desk
lists what waits for its correction; after the resubmission the crew member is told again. Once per round."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import MonitoringTask, OmPlan, OmVisit, SamplingTrip, User, Visit, clock
from services.core.uow import UnitOfWork
from services.notifying import notices
from states.om_visit import Step as OmStep
from states.trip import Step as TripStep

SENDER = "环境监测社会化服务监管系统"


@dataclass(frozen=True)
class Waiting:
    """A trip or visit the polluter sent back, as the agency's desk lists it."""

    kind: str  # "trip" | "om_visit"
    id: int
    title: str
    polluter: str
    reason: str
    rejected_at: datetime | None


def trip_rejected(uow: UnitOfWork, trip: SamplingTrip, round_id: int, reason: str) -> None:
    task = trip.visit.task
    body = (f"{task.polluter.name}退回了{task.name}（{trip.visit.day.isoformat()}）的采样记录，理由：{reason}。"
            "请机构核实更正后重新提交。")
    _tell(uow, [trip.started_by, *notices.agency_admins(uow.session, task.agency_id)], f"rejected:trip:{round_id}",
          "采样记录被退回", body)


def visit_rejected(uow: UnitOfWork, visit: OmVisit, round_id: int, reason: str) -> None:
    plan = visit.plan
    body = (f"{plan.polluter.name}退回了{plan.name}（{visit.due_on.isoformat()}）的运维记录，理由：{reason}。"
            "请运维机构核实更正后重新提交。")
    _tell(uow, [visit.started_by, *notices.agency_admins(uow.session, plan.agency_id)], f"rejected:om:{round_id}",
          "运维记录被退回", body)


def trip_resubmitted(uow: UnitOfWork, trip: SamplingTrip, round_id: int) -> None:
    task = trip.visit.task
    _tell(uow, [trip.started_by], f"resubmitted:trip:{round_id}", "采样记录已重新提交",
          f"{task.name}（{trip.visit.day.isoformat()}）的采样记录已由机构更正并重新提交，等待{task.polluter.name}确认。")


def visit_resubmitted(uow: UnitOfWork, visit: OmVisit, round_id: int) -> None:
    plan = visit.plan
    _tell(uow, [visit.started_by], f"resubmitted:om:{round_id}", "运维记录已重新提交",
          f"{plan.name}（{visit.due_on.isoformat()}）的运维记录已由运维机构更正并重新提交，等待{plan.polluter.name}签名确认。")


def awaiting_correction(db: Session, agency_id: int) -> list[Waiting]:
    """The agency's trips and O&M visits the polluter sent back, oldest rejection first."""
    trips = db.scalars(select(SamplingTrip).join(Visit, SamplingTrip.visit_id == Visit.id).join(MonitoringTask)
                       .where(MonitoringTask.agency_id == agency_id, SamplingTrip.state == TripStep.REJECTED))
    visits = db.scalars(select(OmVisit).join(OmPlan).where(OmPlan.agency_id == agency_id,
                                                           OmVisit.state == OmStep.REJECTED))
    waiting = [Waiting("trip", t.id, f"{t.visit.task.name}（{t.visit.day.isoformat()}）", t.visit.task.polluter.name,
                       *_rejection(t.confirmations)) for t in trips]
    waiting += [Waiting("om_visit", v.id, f"{v.plan.name}（{v.due_on.isoformat()}）", v.plan.polluter.name,
                        *_rejection(v.confirmations)) for v in visits]
    return sorted(waiting, key=lambda w: w.rejected_at or clock.now())


def _rejection(rounds) -> tuple[str, datetime | None]:
    last = rounds[-1] if rounds else None
    return (last.reason or "", last.decided_at) if last is not None else ("", None)


def _tell(uow: UnitOfWork, people: list[User | None], cause: str, title: str, body: str) -> None:
    for user in {p.id: p for p in people if p is not None and p.active}.values():
        notices.notify_user(uow, user, cause, title, body, SENDER)
