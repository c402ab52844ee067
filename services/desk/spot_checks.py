"""双随机、一公开: drawing a spot-check list from a filtered population, so that the draw can be shown fair.

The draw is public arithmetic, not a hidden random generator: every member `i` of the population gets
u = (first 64 bits of SHA-256("{seed}:{i}") + 0.5) / 2^64 and the key u^(1/w), w its weight (1 unweighted; with
risk weighting 1 + the points of its open findings); the N largest keys are drawn (Efraimidis–Spirakis weighted
sampling without replacement, ties by id). The draw stores the seed, the filters and the population with its
weights as they were, so anyone can run it again (`replay`) and get the same list.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import (
    Agency,
    DrawKind,
    Finding,
    FindingStatus,
    MonitoringTask,
    OmPlan,
    OmVisit,
    Polluter,
    SamplingTrip,
    SpotCheckDraw,
    User,
    Visit,
    clock,
)
from services.core import policy
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork
from states.findings import HIGH, LOW, MEDIUM

POINTS = {HIGH: 5, MEDIUM: 3, LOW: 1}  # risk weighting: an open high finding weighs five low ones
MAX_SIZE = 200
KIND_NAMES = {DrawKind.AGENCY: "机构", DrawKind.TRIP: "采样行程", DrawKind.OM_VISIT: "现场运维"}


class DrawRefused(Refusal):
    """The draw cannot be made as asked: bad_size | bad_period | nobody."""

    domain = "draw"


@dataclass(frozen=True)
class Filters:
    """What the population is drawn from (the regulator's scope always applies)."""

    date_from: date | None = None
    date_to: date | None = None
    agency_id: int | None = None
    code: str | None = None  # only subjects with an open finding of this code

    def as_json(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items() if v}


def population(db: Session, user: User, kind: DrawKind, filters: Filters, weighted: bool) -> list[list[int]]:
    """[[id, weight], …] by id: the members of `kind` the user may see that the filters keep."""
    subject, day, agency = _columns(kind)
    query = policy.scoped(user, subject, _base(kind))
    if filters.date_from and day is not None:
        query = query.where(day >= filters.date_from)
    if filters.date_to and day is not None:
        query = query.where(day <= filters.date_to)
    if filters.agency_id:
        query = query.where(agency == filters.agency_id)
    if filters.code:
        query = query.where(subject.id.in_(_with_open(kind, filters.code)))
    ids = sorted(db.scalars(query.with_only_columns(subject.id).distinct()))
    weights = _weights(db, kind, ids) if weighted else {}
    return [[i, 1 + weights.get(i, 0)] for i in ids]


def draw(uow: UnitOfWork, user: User, kind: DrawKind, filters: Filters, size: int, weighted: bool) -> SpotCheckDraw:
    if not 1 <= size <= MAX_SIZE:
        raise DrawRefused("bad_size", most=MAX_SIZE)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise DrawRefused("bad_period")
    members = population(uow.session, user, kind, filters, weighted)
    if not members:
        raise DrawRefused("nobody")
    seed = secrets.token_hex(16)
    row = SpotCheckDraw(kind=kind, filters=filters.as_json(), size=size, weighted=weighted, seed=seed,
                        population=members, picks=pick(seed, members, size), drawn_by_id=user.id)
    uow.session.add(row)
    uow.commit()
    return row


def pick(seed: str, members: list[list[int]], size: int) -> list[int]:
    keyed = sorted(((_key(seed, member, weight), member) for member, weight in members),
                   key=lambda pair: (-pair[0], pair[1]))
    return [member for _key_, member in keyed[:size]]


def replay(row: SpotCheckDraw) -> bool:
    """Whether the stored seed and population give the stored list again."""
    return pick(row.seed, row.population, row.size) == row.picks


def population_unchanged(db: Session, user: User, row: SpotCheckDraw) -> bool:
    """Whether the same filters select the same population today (new trips in the period change it)."""
    filters = Filters(**{k: (date.fromisoformat(v) if k.startswith("date") else v) for k, v in row.filters.items()})
    return population(db, user, DrawKind(row.kind), filters, row.weighted) == row.population


def publish(uow: UnitOfWork, row: SpotCheckDraw) -> None:
    row.published_at = row.published_at or clock.now()
    uow.commit()


def drawn(db: Session, row: SpotCheckDraw) -> list:
    """The drawn rows themselves, in the order drawn."""
    model = {DrawKind.AGENCY: Agency, DrawKind.TRIP: SamplingTrip, DrawKind.OM_VISIT: OmVisit}[DrawKind(row.kind)]
    found = {r.id: r for r in db.scalars(select(model).where(model.id.in_(row.picks)))}
    return [found[i] for i in row.picks if i in found]


def _key(seed: str, member: int, weight: float) -> float:
    digest = hashlib.sha256(f"{seed}:{member}".encode()).digest()
    u = (int.from_bytes(digest[:8], "big") + 0.5) / 2 ** 64
    return u ** (1 / weight)


def _columns(kind: DrawKind):
    """The subject, its day and its agency column."""
    if kind == DrawKind.TRIP:
        return SamplingTrip, Visit.day, MonitoringTask.agency_id
    if kind == DrawKind.OM_VISIT:
        return OmVisit, OmVisit.due_on, OmPlan.agency_id
    return Agency, None, Agency.id


def _base(kind: DrawKind):
    if kind == DrawKind.TRIP:
        return select(SamplingTrip).join(Visit, SamplingTrip.visit_id == Visit.id).join(MonitoringTask)
    if kind == DrawKind.OM_VISIT:  # visits carried out, not the plan's future ones
        return select(OmVisit).join(OmPlan).join(Polluter).where(OmVisit.started_at.is_not(None))
    return select(Agency)


def _with_open(kind: DrawKind, code: str):
    """The members with an open finding of `code` (an agency through the agency each finding records)."""
    column = {DrawKind.TRIP: Finding.trip_id, DrawKind.OM_VISIT: Finding.om_visit_id}.get(kind, Finding.agency_id)
    return select(column).where(Finding.code == code, Finding.status == FindingStatus.OPEN)


def _weights(db: Session, kind: DrawKind, ids: list[int]) -> dict[int, int]:
    """The points of the open findings of each member."""
    points = func.sum(_points())
    open_ = Finding.status == FindingStatus.OPEN
    if kind == DrawKind.TRIP:
        query = select(Finding.trip_id, points).where(open_, Finding.trip_id.in_(ids)).group_by(Finding.trip_id)
    elif kind == DrawKind.OM_VISIT:
        query = select(Finding.om_visit_id, points).where(open_, Finding.om_visit_id.in_(ids)) \
            .group_by(Finding.om_visit_id)
    else:
        query = select(Finding.agency_id, points).where(open_, Finding.agency_id.in_(ids)).group_by(Finding.agency_id)
    return {member: int(total or 0) for member, total in db.execute(query)}


def _points():
    return case(*[(Finding.severity == severity, value) for severity, value in POINTS.items()], else_=0)
