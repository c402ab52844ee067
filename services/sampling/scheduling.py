"""采样计划 (schedule): a task's field visits — day, time window, samplers and sampling equipment.

Only people and equipment of the filing in force, valid on the visit's day, can be scheduled (a filed person
is scheduled through the sampler account linked to them, Staff.user_id), and a sampler cannot be in two
visits whose windows overlap on the same day, whatever the task. Each use case logs to the task's event log
and leaves the commit to the caller's unit of work; a refusal raises `ScheduleRefused`, worded in Chinese.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Equipment, MonitoringTask, SamplingTrip, Staff, TaskStatus, User, Visit, clock
from models.tasks import visit_sampler
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from services.filing import filings
from services.sampling.tasks import log

# visits may be added while the schedule is drawn up and while field work is under way (a further visit)
OPEN = (TaskStatus.SCHEDULING, TaskStatus.SAMPLING)


class ScheduleRefused(Refusal):
    """A use case refused; services/texts/refusals.py words the code."""

    domain = "schedule"


@dataclass
class VisitRequest:
    """What the clerk chose on the schedule form: filed people (Staff ids) and equipment ids."""

    day: date
    starts: time
    ends: time
    staff_ids: list[int] = field(default_factory=list)
    equipment_ids: list[int] = field(default_factory=list)


def filed_staff(db: Session, agency_id: int) -> list[Staff]:
    """The people of the filing in force who have a sampler account: the schedule form's choices."""
    return [s for s in _filed(db, agency_id, Staff, "staff") if s.user_id is not None]


def filed_equipment(db: Session, agency_id: int) -> list[Equipment]:
    return _filed(db, agency_id, Equipment, "equipment")


def _filed(db: Session, agency_id: int, model, key: str) -> list:
    filing = filings.filed_resources(db, agency_id)
    ids = [entry["id"] for entry in (filing.snapshot.get(key, []) if filing else [])]
    return list(db.scalars(select(model).where(model.id.in_(ids), model.active).order_by(model.id))) if ids else []


@transaction
def schedule(uow: UnitOfWork, user: User, task: MonitoringTask, request: VisitRequest) -> Visit:
    """安排采样: one visit of the task, after every check on people, equipment and double booking."""
    db = uow.session
    if task.status not in OPEN:
        raise ScheduleRefused("schedule_closed")
    _check_window(request)
    samplers = _samplers(db, task.agency_id, request)
    equipment = _equipment(db, task.agency_id, request)
    _check_free(db, samplers, request)
    visit = Visit(day=request.day, starts=request.starts, ends=request.ends, samplers=samplers, equipment=equipment)
    task.visits.append(visit)
    db.flush()
    log(task, user, "visit_scheduled", visit=visit.id, day=visit.day, starts=visit.starts, ends=visit.ends,
        samplers=[u.display_name for u in samplers], equipment=[f"{e.name}（{e.asset_no}）" for e in equipment])
    return visit


def _check_window(request: VisitRequest) -> None:
    if request.day < clock.today():
        raise ScheduleRefused("day_past", day=request.day)
    if request.ends <= request.starts:
        raise ScheduleRefused("window")
    if not request.staff_ids:
        raise ScheduleRefused("samplers_required")
    if not request.equipment_ids:
        raise ScheduleRefused("equipment_required")


def _samplers(db: Session, agency_id: int, request: VisitRequest) -> list[User]:
    """The sampler accounts of the chosen people, each filed and certified on the day."""
    valid = {s.id for s in filings.schedulable_staff(db, agency_id, request.day)}
    filed = {s.id for s in _filed(db, agency_id, Staff, "staff")}
    users = []
    for staff_id in dict.fromkeys(request.staff_ids):
        person = db.get(Staff, staff_id)
        name = person.name if person is not None and person.agency_id == agency_id else "所选人员"
        if staff_id not in filed:
            raise ScheduleRefused("staff_not_filed", name=name)
        if staff_id not in valid:
            raise ScheduleRefused("certificate_invalid", name=name, day=request.day,
                                  until=person.certificate_valid_until or "（未登记）")
        if person.user is None:
            raise ScheduleRefused("no_sampler_account", name=name)
        users.append(person.user)
    return users


def _equipment(db: Session, agency_id: int, request: VisitRequest) -> list[Equipment]:
    valid = {e.id: e for e in filings.schedulable_equipment(db, agency_id, request.day)}
    filed = {e.id for e in _filed(db, agency_id, Equipment, "equipment")}
    items = []
    for equipment_id in dict.fromkeys(request.equipment_ids):
        item = db.get(Equipment, equipment_id)
        name = f"{item.name}（{item.asset_no}）" if item is not None and item.agency_id == agency_id else "所选设备"
        if equipment_id not in filed:
            raise ScheduleRefused("equipment_not_filed", name=name)
        if equipment_id not in valid:
            raise ScheduleRefused("calibration_invalid", name=name, day=request.day,
                                  until=item.calibration_valid_until or "（未登记）")
        items.append(valid[equipment_id])
    return items


def _check_free(db: Session, samplers: list[User], request: VisitRequest) -> None:
    """Refuse a sampler already booked on an overlapping visit that day. The sampler rows are locked first,
    so two clerks booking the same person at the same moment are checked one after the other."""
    ids = [u.id for u in samplers]
    db.execute(select(User.id).where(User.id.in_(ids)).order_by(User.id).with_for_update())
    clash = db.execute(
        select(Visit, visit_sampler.c.user_id)
        .join(visit_sampler, visit_sampler.c.visit_id == Visit.id)
        .where(visit_sampler.c.user_id.in_(ids), Visit.day == request.day,
               Visit.starts < request.ends, Visit.ends > request.starts)
        .order_by(Visit.starts, Visit.id)
        .limit(1)
    ).first()
    if clash is not None:
        visit, user_id = clash
        name = next(u.display_name for u in samplers if u.id == user_id)
        raise ScheduleRefused("double_booked", name=name, day=visit.day, starts=f"{visit.starts:%H:%M}",
                              ends=f"{visit.ends:%H:%M}", code=visit.task.code, task=visit.task.name)


@transaction
def unschedule(uow: UnitOfWork, user: User, task: MonitoringTask, visit_id: int) -> None:
    """删除采样安排: only a visit whose trip has not started; the removal stays in the event log."""
    db = uow.session
    if task.status not in OPEN:
        raise ScheduleRefused("schedule_closed")
    visit = next((v for v in task.visits if v.id == visit_id), None)
    if visit is None:
        raise ScheduleRefused("visit_not_found")
    if db.scalar(select(SamplingTrip.id).where(SamplingTrip.visit_id == visit.id)) is not None:
        raise ScheduleRefused("visit_started")
    log(task, user, "visit_removed", visit=visit.id, day=visit.day, starts=visit.starts, ends=visit.ends,
        samplers=[u.display_name for u in visit.samplers])
    task.visits.remove(visit)
    db.delete(visit)
