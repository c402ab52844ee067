"""The polluter's instrument register (仪器备案, seed 001 附件1): per monitoring point, the analysers and (on
wastewater points) the automatic samplers the O&M visits maintain.

A polluter's confirmer manages the register of its own points only; the O&M agency whose plan covers the
polluter, the district's regulator and the system admin may read it. Each use case checks, changes the rows
and leaves the commit to the caller's unit of work; a refusal raises `InstrumentRefused` with the reason in
Chinese, ready to show. A register entry is never deleted: 停用 keeps it for the sheets that refer to it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Instrument, InstrumentKind, MonitoringPoint, OmPlan, PointKind, Polluter, Role, User, clock
from services.core import policy
from services.core.refusal import Refusal
from services.core.uow import transaction
from states.instrument_form import ANALYTE_CLASSES, INSTRUMENT, YES, tags

# the points that carry automatic monitoring equipment (企业排口)
EQUIPPED = (PointKind.WASTEWATER, PointKind.FLUE_GAS)
# what each kind of point carries, in the order the site page shows them
KINDS_ON = {PointKind.WASTEWATER: (InstrumentKind.ANALYSER, InstrumentKind.AUTO_SAMPLER),
            PointKind.FLUE_GAS: (InstrumentKind.ANALYSER,)}
READERS = (Role.AGENCY_ADMIN, Role.OM_CREW, Role.REGULATOR, Role.SYSTEM_ADMIN)


class InstrumentRefused(Refusal):
    """A use case refused; services/texts/refusals.py words the code."""

    domain = "instrument"


@dataclass
class Particulars:
    """What the polluter states about an instrument (新增仪器备案); the kind is fixed once registered."""

    kind: str
    name: str = ""  # 仪器名称
    model: str = ""  # 规格型号
    manufacturer: str = ""  # 生产厂家
    serial_no: str = ""  # 出厂编号
    factors: str | None = None  # 测量因子
    range_low: float | None = None  # 量程
    range_high: float | None = None
    unit: str | None = None
    principle: str | None = None  # 测量原理
    analyte_class: str | None = None  # a key of ANALYTE_CLASSES
    auto_calibration: bool = False  # 具备自动校准功能
    installed_on: date | None = None  # 安装日期
    accepted_on: date | None = None  # 验收日期
    dau: str | None = None  # 数采仪

    @classmethod
    def of(cls, instrument: Instrument) -> Particulars:
        return cls(**{f.name: getattr(instrument, f.name) for f in fields(cls)})

    @classmethod
    def from_answers(cls, kind: str, answers: Mapping) -> Particulars:
        """From the answers of the form (states/instrument_form.py): labels become codes, ISO dates dates."""
        values = {f.name: answers.get(f.name) for f in fields(cls) if f.name != "kind" and f.name in answers}
        labels = {label: key for key, label in ANALYTE_CLASSES.items()}
        if "analyte_class" in values:
            values["analyte_class"] = labels.get(values["analyte_class"], values["analyte_class"])
        if "auto_calibration" in values:
            values["auto_calibration"] = values["auto_calibration"] == YES
        for name in ("installed_on", "accepted_on"):
            if isinstance(values.get(name), str):
                values[name] = date.fromisoformat(values[name])
        return cls(kind=kind, **values)

    def answers(self) -> dict:
        """The form's answers showing these particulars (for editing)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "kind"}
        values["analyte_class"] = ANALYTE_CLASSES.get(self.analyte_class or "")
        values["auto_calibration"] = YES if self.auto_calibration else "否"
        for name in ("installed_on", "accepted_on"):
            values[name] = values[name].isoformat() if values[name] else None
        for name in ("range_low", "range_high"):
            number = values[name]
            values[name] = int(number) if number is not None and float(number).is_integer() else number
        return values


# --- who sees which register ---------------------------------------------------------------------------

def manages(user: User, polluter_id: int) -> bool:
    """Only the polluter's own confirmers register, edit and take out of service."""
    return user.role == Role.POLLUTER_CONFIRMER and user.polluter_id == polluter_id


def viewable_polluter(db: Session, user: User, polluter_id: int) -> Polluter | None:
    """The polluter whose register `user` may read, or None (404): its own confirmers; an agency whose O&M
    plan covers it (or the self-monitoring polluter's own agency); the district's regulator; the admin."""
    polluter = policy.get(db, user, Polluter, polluter_id)
    if polluter is None:
        return None
    if user.role in (Role.POLLUTER_CONFIRMER, Role.REGULATOR, Role.SYSTEM_ADMIN):
        return polluter
    if user.agency_id is None:
        return None
    if polluter.own_agency_id == user.agency_id:
        return polluter
    covered = db.scalar(select(OmPlan.id).where(OmPlan.agency_id == user.agency_id,
                                                OmPlan.polluter_id == polluter_id).limit(1))
    return polluter if covered is not None else None


def site_points(polluter: Polluter) -> list[MonitoringPoint]:
    """The polluter's outlets that carry automatic monitoring: wastewater and flue-gas points (企业排口)."""
    return [p for p in polluter.points if p.kind in EQUIPPED]


def managed_point(db: Session, user: User, point_id: int) -> MonitoringPoint | None:
    point = db.get(MonitoringPoint, point_id)
    return point if point is not None and manages(user, point.polluter_id) else None


def managed_instrument(db: Session, user: User, instrument_id: int) -> Instrument | None:
    instrument = db.get(Instrument, instrument_id)
    return instrument if instrument is not None and manages(user, instrument.point.polluter_id) else None


def on_point(db: Session, point: MonitoringPoint, in_service_only: bool = True) -> list[Instrument]:
    """The instruments registered on `point` (in service only, by default: what O&M plans and sheets offer),
    in registration order."""
    query = select(Instrument).where(Instrument.point_id == point.id)
    if in_service_only:
        query = query.where(Instrument.active.is_(True))
    return list(db.scalars(query.order_by(Instrument.id)))


# --- use cases -----------------------------------------------------------------------------------------

@transaction
def register(db: Session, user: User, point: MonitoringPoint, particulars: Particulars) -> Instrument:
    """新增仪器备案 on one of the user's own points (see `managed_point`)."""
    cleaned = _checked(db, point, particulars, None)
    instrument = Instrument(point_id=point.id, registered_by_id=user.id, active=True,
                            **{f.name: getattr(cleaned, f.name) for f in fields(cleaned)})
    db.add(instrument)
    db.flush()
    return instrument


@transaction
def edit(db: Session, instrument: Instrument, particulars: Particulars) -> Instrument:
    """Correct a registered instrument's particulars; its kind stays, a deactivated one is history."""
    if not instrument.active:
        raise InstrumentRefused("inactive", name=instrument.name)
    particulars.kind = instrument.kind
    cleaned = _checked(db, instrument.point, particulars, instrument)
    for f in fields(cleaned):
        setattr(instrument, f.name, getattr(cleaned, f.name))
    db.flush()
    return instrument


@transaction
def deactivate(db: Session, instrument: Instrument, reason: str | None = None) -> Instrument:
    """停用: out of service from now; the row stays for the sheets, plans and reports that refer to it."""
    if not instrument.active:
        raise InstrumentRefused("inactive", name=instrument.name)
    instrument.active = False
    instrument.deactivated_at = clock.now()
    instrument.deactivation_reason = (reason or "").strip()[:200] or None
    db.flush()
    return instrument


def _checked(db: Session, point: MonitoringPoint, given: Particulars, editing: Instrument | None) -> Particulars:
    """The particulars trimmed and complete for their kind, or InstrumentRefused with the first problem."""
    if point.kind not in EQUIPPED:
        raise InstrumentRefused("not_equipped", point=_point_name(point))
    if given.kind not in (InstrumentKind.ANALYSER, InstrumentKind.AUTO_SAMPLER):
        raise InstrumentRefused("bad_kind")
    kind = InstrumentKind(given.kind)
    if kind not in KINDS_ON[PointKind(point.kind)]:
        raise InstrumentRefused("sampler_on_gas", point=_point_name(point))
    applicable = INSTRUMENT.applicable(tags(kind))
    names = {f.name for f in applicable}
    values = {}
    for f in fields(given):
        value = getattr(given, f.name)
        if isinstance(value, str):
            value = value.strip() or None
        values[f.name] = value if f.name in names or f.name == "kind" else None
    values["kind"] = kind
    values["auto_calibration"] = bool(given.auto_calibration) if "auto_calibration" in names else False
    missing = [f.label for f in applicable if f.required and values.get(f.name) is None]
    if missing:
        raise InstrumentRefused("missing", names="、".join(missing))
    for f in applicable:
        if isinstance(values[f.name], str) and len(values[f.name]) > f.max_length:
            raise InstrumentRefused("too_long", label=f.label, limit=f.max_length)
    if kind == InstrumentKind.ANALYSER:
        if values["analyte_class"] not in ANALYTE_CLASSES:
            raise InstrumentRefused("bad_class")
        if values["range_high"] <= values["range_low"]:
            raise InstrumentRefused("range_order")
    today = clock.today()
    for name in ("installed_on", "accepted_on"):
        if values[name] is not None and values[name] > today:
            raise InstrumentRefused("future_date", label=INSTRUMENT.get(name).label, today=today.isoformat())
    if values["accepted_on"] is not None and values["accepted_on"] < values["installed_on"]:
        raise InstrumentRefused("accepted_before_installed")
    serial = values["serial_no"].casefold()
    twin = next((i for i in on_point(db, point) if i.serial_no.strip().casefold() == serial and i is not editing),
                None)
    if twin is not None:
        raise InstrumentRefused("serial_taken", point=_point_name(point), serial=values["serial_no"], name=twin.name)
    return Particulars(**values)


def _point_name(point: MonitoringPoint) -> str:
    return f"{point.code} {point.name}"
