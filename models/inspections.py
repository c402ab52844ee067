"""双随机、一公开: the regulator's spot-check draws (抽查名单) and the inspections (检查记录) that follow them."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.directory import Agency, Polluter, User
from models.findings import Finding


class DrawKind(enum.StrEnum):
    AGENCY = "agency"  # 监测机构 / 运维机构
    TRIP = "trip"  # 采样行程
    OM_VISIT = "om_visit"  # 现场运维


class SpotCheckDraw(Base):
    """One draw: who drew it, when, from which population (the ids and their weights as they were) with which
    seed, and what came out — enough for anyone to run the draw again and get the same list."""

    __tablename__ = "spot_check_draw"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DrawKind] = mapped_column(String(16))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    size: Mapped[int]
    weighted: Mapped[bool] = mapped_column(default=False)
    seed: Mapped[str] = mapped_column(String(64))
    population: Mapped[list] = mapped_column(JSON, default=list)  # [[id, weight], …] by id
    picks: Mapped[list] = mapped_column(JSON, default=list)  # ids, in the order drawn
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    drawn_by: Mapped[User] = relationship()


class Outcome(enum.StrEnum):
    TRUE = "true"  # 属实
    PARTLY = "partly"  # 部分属实
    FALSE = "false"  # 不属实


ONE_SUBJECT = " + ".join(f"CAST({c} IS NOT NULL AS INTEGER)"
                         for c in ("agency_id", "polluter_id", "trip_id", "om_visit_id")) + " = 1"


class Inspection(Base):
    """检查记录: an inspection of an agency, a polluter, a trip or an O&M visit, its outcome and what it decided
    about the findings it examined."""

    __tablename__ = "inspection"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspected_on: Mapped[date]
    inspectors: Mapped[str] = mapped_column(String(200))
    subject_kind: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    polluter_id: Mapped[int | None] = mapped_column(ForeignKey("polluter.id"))
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("sampling_trip.id"))
    om_visit_id: Mapped[int | None] = mapped_column(ForeignKey("om_visit.id"))
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("spot_check_draw.id"))
    outcome: Mapped[Outcome] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    agency: Mapped[Agency | None] = relationship()
    polluter: Mapped[Polluter | None] = relationship()
    recorded_by: Mapped[User] = relationship()
    verdicts: Mapped[list[InspectionVerdict]] = relationship(back_populates="inspection",
                                                             cascade="all, delete-orphan")
    files: Mapped[list[InspectionFile]] = relationship(back_populates="inspection", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="one_subject"),
    )


class InspectionVerdict(Base):
    """What an inspection found of one finding it examined: confirmed (属实) or cleared (不属实)."""

    __tablename__ = "inspection_verdict"
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), primary_key=True)
    verdict: Mapped[str] = mapped_column(String(16))

    inspection: Mapped[Inspection] = relationship(back_populates="verdicts")
    finding: Mapped[Finding] = relationship()


class InspectionFile(Base):
    """An attachment of an inspection (photos taken on site, the signed record as PDF)."""

    __tablename__ = "inspection_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(128))

    inspection: Mapped[Inspection] = relationship(back_populates="files")
