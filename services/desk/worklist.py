"""The regulator's work ranked by risk (按风险排序的待核查工作): the sampling trips and O&M visits of the user's
scope that carry findings, the riskiest first, filtered, counted and paged in SQL.

Risk of a subject = the sum of its findings' severity weights (high 9, medium 3, low 1), over the findings of
the chosen status (open by default: what nobody has looked at yet). One high finding (bytes reused, two places
at once) outweighs any two medium ones, and a pile of procedural gaps (low) climbs slowly. Ties go to the
subject whose worst finding is worse, then to the more recent day, then to the newer subject.

Only subjects with findings are ranked: the rest of the scope carries no risk and is listed, newest first,
by the trip and O&M lists. Nothing is sorted in Python: a page reads `per_page` rows, whatever the scope.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from models import Agency, Finding, FindingStatus, MonitoringTask, OmPlan, OmVisit, Polluter, SamplingTrip, User, Visit
from services.core import policy
from services.desk import supervision
from services.findings import summary
from states.findings import BY_CODE, HIGH, LOW, MEDIUM

WEIGHTS = {HIGH: 9, MEDIUM: 3, LOW: 1}
PER_PAGE = 50
KIND_NAMES = {"trip": "采样行程", "om": "现场运维"}
STATUSES = tuple(s.value for s in FindingStatus)


@dataclass
class WorkFilter:
    """What the inspector narrows the ranked list to; empty values do not filter."""

    district: str = ""
    agency_id: int | None = None
    polluter_id: int | None = None
    code: str = ""  # subjects with at least one finding of this code
    date_from: date | None = None  # the trip's visit day or the O&M visit's due day
    date_to: date | None = None
    status: str = FindingStatus.OPEN.value  # the findings counted
    kind: str = ""  # "" | "trip" | "om"


@dataclass
class WorkItem:
    kind: str
    id: int
    day: date
    risk: int
    top: int
    findings: int
    district: str
    polluter: str
    agency: str
    shown: list  # services.findings.summary.Shown of the counted findings

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]


@dataclass
class WorkPage:
    items: list[WorkItem]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _weight():
    return case(*((Finding.severity == s, w) for s, w in WEIGHTS.items()), else_=1)


@dataclass(frozen=True)
class Joined:
    """Findings of one kind of subject joined to their subject, its owner (task or plan) and its polluter."""

    query: object  # a Select over Finding, scoped to the user
    subject: type
    day: object  # the subject's day column
    link: object  # the finding's column naming the subject
    owner: type


def joined(user: User, kind: str, *columns) -> Joined:
    """`columns` of the findings on trips ("trip") or O&M visits ("om") the user may see."""
    if kind == "trip":
        found = Joined(select(*columns).select_from(Finding).join(SamplingTrip, SamplingTrip.id == Finding.trip_id)
                       .join(Visit, Visit.id == SamplingTrip.visit_id)
                       .join(MonitoringTask, MonitoringTask.id == Visit.task_id),
                       SamplingTrip, Visit.day, Finding.trip_id, MonitoringTask)
    else:
        found = Joined(select(*columns).select_from(Finding).join(OmVisit, OmVisit.id == Finding.om_visit_id)
                       .join(OmPlan, OmPlan.id == OmVisit.plan_id),
                       OmVisit, OmVisit.due_on, Finding.om_visit_id, OmPlan)
    # the subject's scope is its task's or plan's (services/core/policy.py): applied to the joined owner, it filters
    # the few rows with findings instead of building the scope's set of trips
    query = policy.scoped(user, found.owner, found.query.join(Polluter, Polluter.id == found.owner.polluter_id))
    return Joined(query, found.subject, found.day, found.link, found.owner)


def _part(user: User, flt: WorkFilter, kind: str):
    """One SELECT of ranked subjects of one kind: trips through their task, O&M visits through their plan."""
    j = joined(user, kind)
    subject, day, link, owner = j.subject, j.day, j.link, j.owner
    query = j.query.add_columns(
        subject.id.label("id"), day.label("day"), literal(kind).label("kind"), func.sum(_weight()).label("risk"),
        func.max(_weight()).label("top"), func.count().label("findings"), owner.agency_id.label("agency_id"),
        owner.polluter_id.label("polluter_id")).where(Finding.status == flt.status)
    if flt.district:
        query = query.where(Polluter.district == flt.district)
    query = supervision.owner_filters(query, flt, day, owner) \
        .group_by(link, subject.id, day, owner.agency_id, owner.polluter_id)
    if flt.code:  # keep the subject's whole risk, only require the code among its findings
        query = query.having(func.sum(case((Finding.code == flt.code, 1), else_=0)) > 0)
    return query


def ranked_query(user: User, flt: WorkFilter):
    kinds = [flt.kind] if flt.kind else ["trip", "om"]
    return union_all(*(_part(user, flt, kind) for kind in kinds)).subquery("work")


def ranked(db: Session, user: User, flt: WorkFilter, page: int = 1, per_page: int = PER_PAGE) -> WorkPage:
    """One page of the ranked work, with the total of the filter (bounded by the subjects with findings)."""
    work = ranked_query(user, flt)
    # the total comes with the page (a window count): the ranking is computed once, not once more to count it
    rows = db.execute(
        select(work, Polluter.name, Polluter.district, Agency.name.label("agency"), func.count().over().label("total"))
        .join(Polluter, Polluter.id == work.c.polluter_id).join(Agency, Agency.id == work.c.agency_id)
        .order_by(work.c.risk.desc(), work.c.top.desc(), work.c.day.desc(), work.c.kind.desc(), work.c.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    total = rows[0].total if rows else db.scalar(select(func.count()).select_from(work))  # past the last page
    shown = _findings(db, rows, flt.status)
    items = [WorkItem(r.kind, r.id, r.day, r.risk, r.top, r.findings, r.district, r.name, r.agency,
                      shown.get((r.kind, r.id), [])) for r in rows]
    return WorkPage(items, total, max(page, 1), per_page)


def _findings(db: Session, rows, status: str) -> dict[tuple[str, int], list]:
    """The counted findings of the page's subjects, the most severe first, as sentences."""
    trips = [r.id for r in rows if r.kind == "trip"]
    visits = [r.id for r in rows if r.kind == "om"]
    found: dict[tuple[str, int], list] = {}
    if not rows:
        return found
    query = select(Finding).where(Finding.status == status,
                                  Finding.trip_id.in_(trips) | Finding.om_visit_id.in_(visits))
    for finding in db.scalars(query.order_by(Finding.id)):
        key = ("trip", finding.trip_id) if finding.trip_id else ("om", finding.om_visit_id)
        found.setdefault(key, []).append(summary.shown(finding))
    for shown in found.values():
        shown.sort(key=lambda s: -WEIGHTS[BY_CODE[s.finding.code].severity])
    return found


def unranked_trips(db: Session, user: User, limit: int) -> list:
    """The most recent trips of the scope without an open finding (the desk shows them below the ranking)."""
    flagged = select(Finding.id).where(Finding.trip_id == SamplingTrip.id, Finding.status == FindingStatus.OPEN)
    query = supervision.trip_query(user, supervision.TripFilter()).where(~flagged.exists()) \
        .options(*supervision.TRIP_ROW_LOADS)
    return supervision.rows(db, list(db.scalars(query.limit(limit))))


def districts(db: Session, user: User) -> list[str]:
    """The districts the user may filter by: a regulator's own, every district of the directory for an admin."""
    return list(db.scalars(policy.scoped(user, Polluter, select(Polluter.district).distinct())
                           .order_by(Polluter.district)))
