"""Crew presence (到场确认): every person named on a sampling trip or an O&M visit shows, from their own WeChat, that
they were on site. The leader — who started the work — shows it by the arrival check-in; every other named person
records a presence check-in (a `CheckIn` of kind PRESENCE, measured to the site like any check-in), asked to by a
customer-service message at the leader's arrival. Records signed by someone who was not there (代签名) are found
by the `crew_absent` rule (states/findings.py) from these check-ins.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CheckIn, CheckInKind, OmVisit, SamplingTrip, User
from models.om import om_plan_crew
from models.tasks import visit_sampler
from services.core.refusal import PresenceProblem
from services.field import checkins, fieldwork
from services.notifying import notify
from states import om_visit as om_states
from states import trip as trip_states

TRIP_IN_PROGRESS = tuple(s for s in trip_states.ACTIVE if s != trip_states.Step.NEW)
OM_IN_PROGRESS = tuple(s for s in om_states.ACTIVE if s != om_states.Step.NEW)


@dataclass(frozen=True)
class Work:
    """A trip or O&M visit in progress seen by its crew: the row, its field-work core, who is named on it, and the
    site a check-in is measured to."""

    row: SamplingTrip | OmVisit
    core: fieldwork.Core
    named: list[User]
    points: list
    polluter: object
    title: str  # 采样行程 / 现场运维, for the messages

    @property
    def leader(self) -> User | None:
        """Who leads the work: who checked in its arrival, or, before that, who started it. Their arrival check-in
        is their presence."""
        arrivals = [c for c in self.row.check_ins if c.kind == CheckInKind.ARRIVAL]
        return arrivals[-1].user if arrivals else self.row.started_by

    @property
    def name(self) -> str:
        """What the crew knows the work by: the task's or the plan's name."""
        return self.row.visit.task.name if isinstance(self.row, SamplingTrip) else self.row.plan.name


@dataclass(frozen=True)
class Attendance:
    """One person named on the work, as the record pages show them: whether they lead it, and their own check-ins
    on it (arrival, departure, presence) — none means they never showed presence from their own WeChat."""

    person: User
    leads: bool
    check_ins: list[CheckIn]


def roster(row: SamplingTrip | OmVisit) -> list[Attendance]:
    """Everyone named on the trip or O&M visit with their own check-ins on it, for its record page."""
    work = of_trip(row) if isinstance(row, SamplingTrip) else of_om_visit(row)
    leader = work.leader
    return [Attendance(p, leader is not None and p.id == leader.id,
                       [c for c in work.row.check_ins if c.user_id == p.id]) for p in work.named]


def of_trip(trip: SamplingTrip) -> Work:
    return Work(trip, fieldwork.TRIP, list(trip.visit.samplers), trip.points, trip.visit.task.polluter, "采样行程")


def of_om_visit(visit: OmVisit) -> Work:
    """An O&M visit names no crew of its own: its plan's crew is who is sent to the site."""
    return Work(visit, fieldwork.OM_VISIT, list(visit.plan.crew), visit.points(), visit.plan.polluter, "现场运维")


def in_progress(db: Session, user: User) -> list[Work]:
    """The trips and O&M visits in progress that name `user` and that another crew member leads."""
    trips = db.scalars(select(SamplingTrip).join(visit_sampler, visit_sampler.c.visit_id == SamplingTrip.visit_id)
                       .where(visit_sampler.c.user_id == user.id, SamplingTrip.state.in_(TRIP_IN_PROGRESS))
                       .order_by(SamplingTrip.id))
    visits = db.scalars(select(OmVisit).join(om_plan_crew, om_plan_crew.c.plan_id == OmVisit.plan_id)
                        .where(om_plan_crew.c.user_id == user.id, OmVisit.state.in_(OM_IN_PROGRESS))
                        .order_by(OmVisit.id))
    return [of_trip(t) for t in trips] + [of_om_visit(v) for v in visits]


def to_confirm(db: Session, user: User) -> list[Work]:
    """What `user` may confirm presence on; refused with why when nothing: they lead it, or nothing is going on."""
    work = in_progress(db, user)
    others = [w for w in work if w.leader is not None and w.leader.id != user.id]
    if others:
        return others
    if work:
        raise PresenceProblem("leader", title=work[0].title)
    raise PresenceProblem("nothing")


def confirm(uow, user: User, latitude: float, longitude: float, precision: float | None = None,
            label: str | None = None, key: str | None = None) -> tuple[Work, CheckIn]:
    """到场确认: a presence check-in for the work in progress nearest to where `user` is (one, almost always).
    Far from the site is recorded, not refused: the regulator is to see it."""
    candidates = to_confirm(uow.session, user)
    measured = [(w, checkins.new_check_in(CheckInKind.PRESENCE, user, latitude, longitude, w.points, w.polluter,
                                          precision, label)) for w in candidates]
    work, record = min(measured, key=lambda pair: pair[1].distance_m)
    work.row.check_ins.append(record)
    work.core.log(work.row, user, "presence", key, distance_m=record.distance_m, inside_fence=record.inside_fence)
    return work, record


def ask_crew(uow, work: Work, arrival: CheckIn) -> None:
    """At the first arrival check-in: a message to every other named crew member bound to WeChat, asking them to
    confirm presence from their own phone. The leader and whoever checked in are not asked."""
    if sum(1 for c in work.row.check_ins if c.kind == CheckInKind.ARRIVAL) > 1:
        return  # an arrival checked in again (上一步): they were asked the first time
    skip = {arrival.user_id, work.row.started_by_id}
    for person in work.named:
        if person.id not in skip and person.binding is not None:
            notify.ask_presence(uow, person.binding.openid, arrival.user.display_name, work.title, work.name,
                                work.polluter.name, work.row.id if isinstance(work.row, SamplingTrip) else None)
