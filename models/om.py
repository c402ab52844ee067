"""Pollution-source O&M (污染源运维): the polluter's instrument register, the O&M agency's vehicles, spare parts
and credit records, O&M plans, visits with their record sheets, QC findings, confirmations and reports."""
from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, select
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from models.base import Base, Timestamped, utcnow
from models.directory import Agency, Equipment, MonitoringPoint, Polluter, User
from models.fieldwork import (
    CheckIn,
    CheckInKind,
    ConfirmationLink,
    DecisionRound,
    Photo,
    PhotoPurpose,
    PhotoStatus,
    VisitEvent,
)
from models.tasks import Contract


class InstrumentKind(enum.StrEnum):
    ANALYSER = "analyser"  # 分析仪器
    AUTO_SAMPLER = "auto_sampler"  # 自动采样器 (wastewater points only)


class Instrument(Base, Timestamped):
    """An automatic monitoring instrument registered by the polluter on a point (仪器备案, 附件1).
    These are what O&M visits maintain; `full_scale` is the range the drifts are a percentage of."""

    __tablename__ = "instrument"
    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"), index=True)
    kind: Mapped[InstrumentKind] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(64))
    manufacturer: Mapped[str] = mapped_column(String(100))
    serial_no: Mapped[str] = mapped_column(String(64))
    factors: Mapped[str | None] = mapped_column(String(200))  # 测量因子, 、-separated
    range_low: Mapped[float | None]  # 量程
    range_high: Mapped[float | None]
    unit: Mapped[str | None] = mapped_column(String(16))
    principle: Mapped[str | None] = mapped_column(String(100))  # 测量原理
    installed_on: Mapped[date | None]
    accepted_on: Mapped[date | None]  # 验收日期
    dau: Mapped[str | None] = mapped_column(String(100))  # 数采仪 (data acquisition unit)
    # QC: which limits and intervals apply (states/qc_limits.py): e.g. "gas", "particulate", "flow", "codcr"
    analyte_class: Mapped[str | None] = mapped_column(String(32))
    auto_calibration: Mapped[bool] = mapped_column(default=False)  # 具备自动校准功能
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # 停用: kept for the history the sheets refer to, no longer offered for new O&M work
    deactivated_at: Mapped[datetime | None]
    deactivation_reason: Mapped[str | None] = mapped_column(String(200))

    point: Mapped[MonitoringPoint] = relationship()

    @property
    def full_scale(self) -> float | None:
        if self.range_high is None:
            return None
        return self.range_high - (self.range_low or 0)


class Vehicle(Base, Timestamped):
    """An O&M vehicle (运维车辆): owned with its licence, or leased under a lease in the agency's name."""

    __tablename__ = "om_vehicle"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    plate: Mapped[str] = mapped_column(String(16))
    ownership: Mapped[str] = mapped_column(String(8))  # owned | leased
    licence_path: Mapped[str | None] = mapped_column(String(255))  # 行驶证
    # leased: the contract whose period the lease must cover, the lessee named on the lease, its period
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    lessee: Mapped[str | None] = mapped_column(String(200))
    lease_start: Mapped[date | None]
    lease_end: Mapped[date | None]
    lease_path: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship()
    contract: Mapped[Contract | None] = relationship()


class SparePart(Base, Timestamped):
    """A spare part or special equipment kept for O&M (运维备品备件)."""

    __tablename__ = "om_spare_part"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    value_yuan: Mapped[float]  # 金额
    location: Mapped[str] = mapped_column(String(200))  # 放置位置
    quantity: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship()


class CreditDocument(Base, Timestamped):
    """An uploaded credit-evaluation document (运维信用评价信息), kept in versions: daily ones per site
    (operating instructions, maintenance requirements) or agency-wide (management rules), and the annual
    training plan. A new upload of the same category and site (and year) is the next version."""

    __tablename__ = "om_credit_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    polluter_id: Mapped[int | None] = mapped_column(ForeignKey("polluter.id"))
    year: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    agency: Mapped[Agency] = relationship()
    polluter: Mapped[Polluter | None] = relationship()


class TrainingRecord(Base, Timestamped):
    """Education, training or supervision of the agency's people (人员教育、培训及监督实施情况)."""

    __tablename__ = "om_training_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # education | training | supervision
    held_on: Mapped[date]
    contents: Mapped[str] = mapped_column(Text)
    attendees: Mapped[str] = mapped_column(Text)
    evidence_path: Mapped[str | None] = mapped_column(String(255))  # certificate or supervision record

    agency: Mapped[Agency] = relationship()


om_plan_crew = Table(
    "om_plan_crew",
    Base.metadata,
    Column("plan_id", ForeignKey("om_plan.id"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id"), primary_key=True),
)

om_plan_equipment = Table(
    "om_plan_equipment",
    Base.metadata,
    Column("plan_id", ForeignKey("om_plan.id"), primary_key=True),
    Column("equipment_id", ForeignKey("equipment.id"), primary_key=True),
)


class OmPlan(Base, Timestamped):
    """An O&M plan (运维计划) of an agency for one polluter's site under a contract: its crew, equipment and
    items (what is done on which instrument, how often)."""

    __tablename__ = "om_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    polluter_id: Mapped[int] = mapped_column(ForeignKey("polluter.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship()
    polluter: Mapped[Polluter] = relationship()
    contract: Mapped[Contract | None] = relationship()
    crew: Mapped[list[User]] = relationship(secondary=om_plan_crew, order_by="User.id")
    equipment: Mapped[list[Equipment]] = relationship(secondary=om_plan_equipment, order_by="Equipment.id")
    items: Mapped[list[OmPlanItem]] = relationship(back_populates="plan", order_by="OmPlanItem.id")
    visits: Mapped[list[OmVisit]] = relationship(back_populates="plan", order_by="OmVisit.due_on")


class OmPlanItem(Base):
    """One line of a plan: a record sheet on a point's instrument every `frequency_days` days; the default
    frequency and its clause come from states/om_frequencies.py."""

    __tablename__ = "om_plan_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("om_plan.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"))
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instrument.id"))
    sheet: Mapped[str] = mapped_column(String(32))  # a form name of states/om_sheets.py
    frequency_days: Mapped[int]
    clause: Mapped[str | None] = mapped_column(String(200))

    plan: Mapped[OmPlan] = relationship(back_populates="items")
    point: Mapped[MonitoringPoint] = relationship()
    instrument: Mapped[Instrument | None] = relationship()


class OmVisit(Base, Timestamped):
    """An O&M site visit (现场运维) generated by a plan for a due date; `state` is the O&M visit machine's
    state (states/om_visit.py). `planned` lists the plan items due on this visit."""

    __tablename__ = "om_visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("om_plan.id"), index=True)
    due_on: Mapped[date]
    planned: Mapped[list] = mapped_column(JSON, default=list)  # OmPlanItem ids
    state: Mapped[str] = mapped_column(String(32), default="new")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    # the scheduled window of the day, when one was set (a scenario's visit); plans generate whole days
    starts: Mapped[time | None]
    ends: Mapped[time | None]
    # external reference (a scenario's key), shown on pages and given to other systems
    ref: Mapped[str | None] = mapped_column(String(64), unique=True)

    plan: Mapped[OmPlan] = relationship(back_populates="visits")
    started_by: Mapped[User | None] = relationship()
    sheets: Mapped[list[OmSheet]] = relationship(back_populates="visit", order_by="OmSheet.id")
    findings: Mapped[list[QcFinding]] = relationship(back_populates="visit", order_by="QcFinding.id")
    confirmations: Mapped[list[OmConfirmation]] = relationship(back_populates="visit",
                                                               order_by="OmConfirmation.id")
    events: Mapped[list[OmVisitEvent]] = relationship(back_populates="visit", order_by="OmVisitEvent.id")
    check_ins: Mapped[list[CheckIn]] = relationship(back_populates="om_visit", order_by="CheckIn.id")
    photos: Mapped[list[Photo]] = relationship(back_populates="om_visit", order_by="Photo.id")

    # --- guards of the O&M visit machine (states/om_visit.py): pure, they read what is loaded on the row ---

    def has_arrival_photo(self) -> bool:
        return bool(self.photos_for(PhotoPurpose.ARRIVAL))

    def has_sheet_photo(self) -> bool:
        sheet = self.current_sheet()
        return sheet is not None and bool(self.photos_for(PhotoPurpose.SHEET, sheet.id))

    def has_departure_photo(self) -> bool:
        return bool(self.photos_for(PhotoPurpose.DEPARTURE))

    def sheet_needs_instrument(self) -> bool:
        """The sheet just picked is a kind, not a planned item: the crew says which instrument."""
        sheet = self.open_sheet()
        return sheet is not None and sheet.instrument_id is None

    def has_confirmed_sheet(self) -> bool:
        return any(s.confirmed_at is not None for s in self.sheets)

    # --- what the steps read ---

    def open_sheet(self) -> OmSheet | None:
        """The sheet being filled in: the last touched of the unconfirmed ones."""
        drafts = [s for s in self.sheets if s.confirmed_at is None]
        return max(drafts, key=lambda s: (s.updated_at, s.id)) if drafts else None

    def current_sheet(self) -> OmSheet | None:
        """The sheet of the current step: the one being filled in, or, while its photos are taken, the one
        confirmed last."""
        if self.state == "sheet_photo":
            done = [s for s in self.sheets if s.confirmed_at is not None]
            return max(done, key=lambda s: (s.confirmed_at, s.id)) if done else None
        return self.open_sheet()

    def confirmed_sheets(self) -> list[OmSheet]:
        return [s for s in self.sheets if s.confirmed_at is not None]

    def planned_items(self) -> list[OmPlanItem]:
        """The plan items due on this visit, in plan order."""
        wanted = set(self.planned or [])
        return [item for item in self.plan.items if item.id in wanted]

    def instruments(self) -> list[Instrument]:
        """The site's active registered instruments (any sheet may be filled for any of them)."""
        query = (select(Instrument).join(MonitoringPoint, MonitoringPoint.id == Instrument.point_id)
                 .where(MonitoringPoint.polluter_id == self.plan.polluter_id, Instrument.active)
                 .order_by(Instrument.point_id, Instrument.id))
        return list(object_session(self).scalars(query))

    def points(self) -> list[MonitoringPoint]:
        """The points the visit works on: those of its planned items, else those of the site's instruments."""
        points = {item.point_id: item.point for item in self.planned_items()}
        points = points or {i.point_id: i.point for i in self.instruments()}
        return list(points.values())

    def latest_check_in(self, kind: CheckInKind) -> CheckIn | None:
        matching = [c for c in self.check_ins if c.kind == kind]
        return matching[-1] if matching else None

    def photos_for(self, purpose: PhotoPurpose, sheet_id: int | None = None) -> list[Photo]:
        """The visit's usable photos of one purpose (and sheet)."""
        return [p for p in self.photos if p.purpose == purpose and p.status != PhotoStatus.REJECTED
                and (sheet_id is None or p.om_sheet_id == sheet_id)]


class OmSheet(Base, Timestamped):
    """One filled record sheet (运维记录单) of a visit: the answers of a form of states/om_sheets.py for one
    instrument. Filled in chat or on the mobile page; `confirmed_at` is set when the crew confirms it — the
    visit's unconfirmed sheet is the one being filled."""

    __tablename__ = "om_sheet"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("om_visit.id"), index=True)
    form: Mapped[str] = mapped_column(String(32))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_point.id"))
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instrument.id"))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    filled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # the fingerprint of its readings (services/findings/readings.py), kept by the findings engine: equal keys on
    # two visits are one set of readings written twice (rule copied_readings)
    readings_key: Mapped[str | None] = mapped_column(String(64), index=True)

    visit: Mapped[OmVisit] = relationship(back_populates="sheets")
    point: Mapped[MonitoringPoint | None] = relationship()
    instrument: Mapped[Instrument | None] = relationship()
    filled_by: Mapped[User | None] = relationship()
    findings: Mapped[list[QcFinding]] = relationship(back_populates="sheet", order_by="QcFinding.id")


class QcFinding(Base, Timestamped):
    """A finding of the automatic QC (质控) on a visit or one of its sheets, with the clause it comes from."""

    __tablename__ = "om_qc_finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("om_visit.id"), index=True)
    sheet_id: Mapped[int | None] = mapped_column(ForeignKey("om_sheet.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    rule: Mapped[str] = mapped_column(String(48))  # a rule code of states/qc_limits.py
    severity: Mapped[str] = mapped_column(String(16))  # warning | out_of_control
    clause: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    visit: Mapped[OmVisit] = relationship(back_populates="findings")
    sheet: Mapped[OmSheet | None] = relationship(back_populates="findings")


class OmConfirmation(Base, Timestamped, DecisionRound):
    """The polluter's same-day confirmation of an O&M visit, with the handwritten signature (PNG).
    Decided after 24:00 of the visit day, or never, it is late (逾期确认)."""

    __tablename__ = "om_confirmation"
    visit_id: Mapped[int] = mapped_column(ForeignKey("om_visit.id"), index=True)
    signature_path: Mapped[str | None] = mapped_column(String(255))
    # the strokes' perceptual hash (services/signature_hash.py): a drawing that repeats an earlier one is no
    # new signature (rule signature_reused)
    signature_hash: Mapped[str | None] = mapped_column(String(64))
    late: Mapped[bool] = mapped_column(default=False)

    visit: Mapped[OmVisit] = relationship(back_populates="confirmations")
    links: Mapped[list[ConfirmationLink]] = relationship(back_populates="om_confirmation")


class OmReport(Base, Timestamped):
    """A comparison (比对) or verification (校验) report of a point's CEMS or water analysers."""

    __tablename__ = "om_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"), index=True)
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instrument.id"))
    kind: Mapped[str] = mapped_column(String(16))  # comparison | verification
    report_no: Mapped[str] = mapped_column(String(64))
    performed_on: Mapped[date]
    passed: Mapped[bool | None]
    file_path: Mapped[str] = mapped_column(String(255))
    raw_path: Mapped[str | None] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    agency: Mapped[Agency] = relationship()
    point: Mapped[MonitoringPoint] = relationship()
    instrument: Mapped[Instrument | None] = relationship()


class OmVisitEvent(Base, VisitEvent):
    """Append-only log of an O&M visit: who did what, when, from which WeChat message."""

    __tablename__ = "om_visit_event"
    __chain_subject__ = "visit_id"
    __chain_label__ = "运维任务"
    visit_id: Mapped[int] = mapped_column(ForeignKey("om_visit.id"), index=True)

    visit: Mapped[OmVisit] = relationship(back_populates="events")
