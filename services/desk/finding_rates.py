"""Findings per 100 visits, per agency and per person, over the last 12 months (issue 12 §1): who stands
furthest above the city's rate. A visit is a trip on its day or an O&M visit carried out; findings cleared as
false flags do not count, open and confirmed ones do."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from models import (
    Agency,
    CreditDocument,
    Finding,
    FindingStatus,
    MonitoringTask,
    OmPlan,
    OmVisit,
    SamplingTrip,
    User,
    Visit,
    clock,
)
from services.core import policy

WINDOW = timedelta(days=365)


@dataclass
class Rate:
    """One agency's or person's record: visits, counted findings by code, open ones."""

    name: str
    agency: str = ""
    visits: int = 0
    by_code: Counter = field(default_factory=Counter)
    open: int = 0
    filing: str = ""
    credit_records: int = 0

    @property
    def per_100(self) -> float:
        return 100 * sum(self.by_code.values()) / self.visits if self.visits else 0.0

    def code_rates(self) -> list[tuple[str, float]]:
        return [(code, 100 * n / self.visits) for code, n in self.by_code.most_common()] if self.visits else []


@dataclass(frozen=True)
class Rates:
    city_per_100: float
    agencies: list[Rate]
    people: list[Rate]


def rates(db: Session, user: User) -> Rates:
    """The agencies and people of the user's scope, furthest above the city's rate first."""
    subjects = _subjects(clock.today() - WINDOW).subquery()
    visits = dict(db.execute(select(subjects.c.agency, func.count()).group_by(subjects.c.agency)).all())
    counted = db.execute(_findings(subjects, Finding.status != FindingStatus.CLEARED,
                                   subjects.c.agency, subjects.c.person, Finding.code)).all()
    opened = db.execute(_findings(subjects, Finding.status == FindingStatus.OPEN, subjects.c.agency)).all()
    person_visits = db.execute(select(subjects.c.agency, subjects.c.person, func.count())
                               .group_by(subjects.c.agency, subjects.c.person)).all()
    total_visits, total_found = sum(visits.values()), sum(n for *_k, n in counted)
    city = 100 * total_found / total_visits if total_visits else 0.0
    agencies = _agencies(db, user, visits, counted, dict(opened))
    people = _people(db, set(agencies), person_visits, counted)
    return Rates(city, sorted(agencies.values(), key=_furthest_above), sorted(people, key=_furthest_above))


def _furthest_above(rate: Rate) -> tuple:
    """Highest rate first (the city's rate is one number: the order above it is the order of the rates)."""
    return -rate.per_100, -rate.visits


def _subjects(since):
    trips = select(MonitoringTask.agency_id.label("agency"), SamplingTrip.started_by_id.label("person"),
                   literal("trip").label("kind"), SamplingTrip.id.label("sid")) \
        .select_from(SamplingTrip).join(Visit, SamplingTrip.visit_id == Visit.id).join(MonitoringTask) \
        .where(Visit.day >= since)
    om = select(OmPlan.agency_id.label("agency"), OmVisit.started_by_id.label("person"),
                literal("om").label("kind"), OmVisit.id.label("sid")) \
        .select_from(OmVisit).join(OmPlan).where(OmVisit.started_at.is_not(None), OmVisit.due_on >= since)
    return union_all(trips, om)


def _findings(subjects, status, *by):
    of_subject = or_(and_(subjects.c.kind == "trip", Finding.trip_id == subjects.c.sid),
                     and_(subjects.c.kind == "om", Finding.om_visit_id == subjects.c.sid))
    return select(*by, func.count()).select_from(subjects).join(Finding, of_subject).where(status).group_by(*by)


def _agencies(db: Session, user: User, visits: dict, counted, opened: dict) -> dict[int, Rate]:
    credit = dict(db.execute(select(CreditDocument.agency_id, func.count()).group_by(CreditDocument.agency_id)).all())
    found = {}
    for agency in db.scalars(policy.scoped(user, Agency).order_by(Agency.id)):
        if agency.id in visits:
            found[agency.id] = Rate(agency.name, visits=visits[agency.id], open=opened.get(agency.id, 0),
                                    filing=FILING_NAMES.get(agency.filing_status, agency.filing_status),
                                    credit_records=credit.get(agency.id, 0))
    for agency_id, _person, code, n in counted:
        if agency_id in found:
            found[agency_id].by_code[code] += n
    return found


def _people(db: Session, agencies: set[int], person_visits, counted) -> list[Rate]:
    by_person = defaultdict(Counter)
    for agency_id, person, code, n in counted:
        by_person[(agency_id, person)][code] += n
    ids = {person for agency_id, person, _n in person_visits if agency_id in agencies}
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(ids)))}
    return [Rate(users[person].display_name, agency=users[person].agency.name if users[person].agency else "",
                 visits=n, by_code=by_person[(agency_id, person)])
            for agency_id, person, n in person_visits if agency_id in agencies and person in users]


FILING_NAMES = {"draft": "未提交", "submitted": "审核中", "approved": "已通过", "returned": "已退回"}
