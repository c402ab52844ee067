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

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from models import Agency, Finding, FindingStatus, Polluter, SamplingTrip, User
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


def findings_of(user: User, *columns):
    """`columns` of the findings `user` may see, joined to their subject's polluter. A finding records its
    subject's day, agency and polluter (models/findings.py), so neither trips nor O&M visits are read."""
    query = select(*columns).select_from(Finding).join(Polluter, Polluter.id == Finding.polluter_id)
    return policy.scoped(user, Finding, query)


def ranked_query(user: User, flt: WorkFilter):
    """The ranked subjects (trips and O&M visits together), one row each, filtered by the user's scope and
    `flt`, grouped by the database from the findings' own columns."""
    kind = case((Finding.trip_id.is_not(None), literal("trip")), else_=literal("om"))
    query = findings_of(
        user, func.coalesce(Finding.trip_id, Finding.om_visit_id).label("id"), Finding.day.label("day"),
        kind.label("kind"), func.sum(_weight()).label("risk"), func.max(_weight()).label("top"),
        func.count().label("findings"), Finding.agency_id.label("agency_id"),
        Finding.polluter_id.label("polluter_id")).where(Finding.status == flt.status)
    if flt.kind:
        query = query.where((Finding.trip_id if flt.kind == "trip" else Finding.om_visit_id).is_not(None))
    if flt.district:
        query = query.where(Polluter.district == flt.district)
    query = supervision.owner_filters(query, flt, Finding.day, Finding) \
        .group_by(Finding.trip_id, Finding.om_visit_id, Finding.day, Finding.agency_id, Finding.polluter_id)
    if flt.code:  # keep the subject's whole risk, only require the code among its findings
        query = query.having(func.sum(case((Finding.code == flt.code, 1), else_=0)) > 0)
    return query.subquery("work")


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
