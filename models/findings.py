"""Findings (异常线索): irregularities the rules of states/findings.py found on a sampling trip or an O&M visit,
with their evidence and the reviewer's decision."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.directory import User


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

    decided_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("(trip_id IS NULL) <> (om_visit_id IS NULL)", name="one_subject"),
        # one row per (subject, code, instance): a rescan finds the same keys and adds nothing
        Index("uq_finding_trip", "trip_id", "code", "instance", unique=True,
              postgresql_where="trip_id IS NOT NULL", sqlite_where="trip_id IS NOT NULL"),
        Index("uq_finding_om_visit", "om_visit_id", "code", "instance", unique=True,
              postgresql_where="om_visit_id IS NOT NULL", sqlite_where="om_visit_id IS NOT NULL"),
    )

    @property
    def subject_key(self) -> str:
        return f"trip:{self.trip_id}" if self.trip_id else f"om:{self.om_visit_id}"
