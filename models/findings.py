"""Findings (异常线索): irregularities the rules of states/findings.py found on a sampling trip or an O&M visit,
with their evidence and the reviewer's decision."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.audit import Chained
from models.base import AppendOnly, Base, utcnow
from models.directory import Agency, Polluter, User
from models.om import OmPlan, OmVisit
from models.tasks import MonitoringTask, Visit
from models.trips import SamplingTrip


class FindingStatus(enum.StrEnum):
    OPEN = "open"  # found, not reviewed yet
    CONFIRMED = "confirmed"  # a reviewer confirmed it is irregular
    CLEARED = "cleared"  # a reviewer cleared it, with the reason


class Finding(Base):
    """One finding on one trip or one O&M visit: `code` of the catalogue, `instance` telling apart two
    findings of one code on one subject (the check-in, photo, sample, plan item or other visit concerned)."""

    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    # the subject: exactly one of the two (a foreign key each, so lists join and scope like their subject)
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("sampling_trip.id"))
    om_visit_id: Mapped[int | None] = mapped_column(ForeignKey("om_visit.id"))
    code: Mapped[str] = mapped_column(String(48), index=True)
    instance: Mapped[str] = mapped_column(String(64), default="")
    severity: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[FindingStatus] = mapped_column(String(16), default=FindingStatus.OPEN, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    # where the subject stands — its day (a trip's visit day, an O&M visit's due day), and the agency and
    # polluter of its task or plan — copied onto the row when it is stored (place_new_findings), so the desk
    # scopes, filters and ranks a city's findings by these columns' indexes without joining every trip
    day: Mapped[date]
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    polluter_id: Mapped[int] = mapped_column(ForeignKey("polluter.id"))

    decided_by: Mapped[User | None] = relationship()
    agency: Mapped[Agency] = relationship()
    polluter: Mapped[Polluter] = relationship()  # its district is the finding's (edited in the directory)

    __table_args__ = (
        CheckConstraint("(trip_id IS NULL) <> (om_visit_id IS NULL)", name="one_subject"),
        # one row per (subject, code, instance): a rescan finds the same keys and adds nothing
        Index("uq_finding_trip", "trip_id", "code", "instance", unique=True,
              postgresql_where="trip_id IS NOT NULL", sqlite_where="trip_id IS NOT NULL"),
        Index("uq_finding_om_visit", "om_visit_id", "code", "instance", unique=True,
              postgresql_where="om_visit_id IS NOT NULL", sqlite_where="om_visit_id IS NOT NULL"),
        # the ranked desk: a regulator's or polluter's scope is a set of polluters, an agency's its own id
        Index("ix_finding_status_polluter", "status", "polluter_id", "day"),
        Index("ix_finding_status_agency", "status", "agency_id", "day"),
    )

    @property
    def subject_key(self) -> str:
        return f"trip:{self.trip_id}" if self.trip_id else f"om:{self.om_visit_id}"


def placements(session: Session, trip_ids: set[int], om_visit_ids: set[int]) -> dict[tuple[str, int], tuple]:
    """(kind, id) → (day, agency id, polluter id) of the trips and O&M visits named."""
    found = {}
    if trip_ids:
        rows = session.execute(select(SamplingTrip.id, Visit.day, MonitoringTask.agency_id, MonitoringTask.polluter_id)
                               .join(Visit, Visit.id == SamplingTrip.visit_id)
                               .join(MonitoringTask, MonitoringTask.id == Visit.task_id)
                               .where(SamplingTrip.id.in_(trip_ids)))
        found.update((("trip", ident), tuple(where)) for ident, *where in rows)
    if om_visit_ids:
        rows = session.execute(select(OmVisit.id, OmVisit.due_on, OmPlan.agency_id, OmPlan.polluter_id)
                               .join(OmPlan, OmPlan.id == OmVisit.plan_id).where(OmVisit.id.in_(om_visit_ids)))
        found.update((("om", ident), tuple(where)) for ident, *where in rows)
    return found


@event.listens_for(Session, "before_flush")
def place_new_findings(session: Session, _context, _instances) -> None:
    """Every finding added carries its subject's placement, whoever made it (the findings engine, a test)."""
    new = [f for f in session.new if isinstance(f, Finding) and f.polluter_id is None]
    if not new:
        return
    with session.no_autoflush:
        where = placements(session, {f.trip_id for f in new if f.trip_id},
                           {f.om_visit_id for f in new if f.om_visit_id})
    for finding in new:
        kind, ident = ("trip", finding.trip_id) if finding.trip_id else ("om", finding.om_visit_id)
        if (kind, ident) in where:  # an unknown subject fails on its foreign key, as before
            finding.day, finding.agency_id, finding.polluter_id = where[(kind, ident)]


class FindingLog(AppendOnly, Chained):
    """An entry of a subject's findings log (异常线索记录): a finding raised or withdrawn by the rules (no actor),
    or decided by a reviewer. Hash-chained like the visit's own log, but kept apart from it: what the rules
    suspect is for regulators, not for the agency and the polluter who read the visit's log."""

    __chain_fields__ = ("at", "actor_id", "action", "code", "instance", "detail")
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(16))  # raised | withdrawn | decided
    code: Mapped[str] = mapped_column(String(48))
    instance: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # a decision's status and reason


class TripFindingLog(Base, FindingLog):
    __tablename__ = "trip_finding_log"
    __chain_subject__ = "trip_id"
    __chain_label__ = "采样行程的异常线索记录"
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"), index=True)


class OmFindingLog(Base, FindingLog):
    __tablename__ = "om_finding_log"
    __chain_subject__ = "visit_id"
    __chain_label__ = "现场运维的异常线索记录"
    visit_id: Mapped[int] = mapped_column(ForeignKey("om_visit.id"), index=True)
