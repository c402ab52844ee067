"""Automatic QC (自动质控) of O&M visits: the numbers the crew entered checked against states/qc_limits.py.

The rules are plain functions of the entered values (tested without a database); `review_sheet` and
`review_visit` run them for a sheet or a visit and store the results as `QcFinding` rows, replacing what an
earlier review of the same sheet or visit found (sheets can be edited and confirmed again).

The chat flow calls `review_sheet(db, sheet)` when the crew confirms a sheet and `review_visit(db, visit)` when
the visit is submitted; neither commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CheckIn, Equipment, Instrument, OmSheet, OmVisit, PointKind, QcFinding, Staff, User
from services.field import checkins
from states import qc_limits as L
from states.qc_limits import AnalyteClass, DriftLimit


@dataclass(frozen=True)
class Finding:
    """One rule broken, before it is stored."""

    rule: str
    severity: str
    clause: str
    message: str
    detail: dict = field(default_factory=dict)


def drift(before: float, last_after: float, full_scale: float) -> float:
    """Zero or span drift in %F.S.: (reading before this calibration − reading after the last) / full scale."""
    return (before - last_after) / full_scale * 100


def number(value: float) -> str:
    """A percentage or reading as people write it: 3.1, 2.54, 5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _num(answers: dict, name: str) -> float | None:
    value = answers.get(name)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _date(answers: dict, name: str) -> date | None:
    value = answers.get(name)
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def full_scale(answers: dict, instrument: Instrument | None) -> float | None:
    """The range the sheet was calibrated on (量程), else the registered one."""
    high = _num(answers, "range_high")
    if high is not None:
        scale = high - (_num(answers, "range_low") or 0)
    else:
        scale = instrument.full_scale if instrument is not None else None
    return scale if scale is not None and scale > 0 else None


# --- sheet rules -------------------------------------------------------------------------------------------

def check_drift(kind: str, limit: DriftLimit, value: float, what: str, standard: str) -> Finding | None:
    """`kind` "zero" or "span": beyond ±limit is a warning, beyond ±out_of_control is 失控. The drift is
    judged as shown, to two decimals."""
    shown = round(value, 2)
    label = "零点漂移" if kind == "zero" else "量程漂移"
    detail = {"drift": shown, "limit": limit.limit, "out_of_control": limit.out_of_control}
    if limit.out_of_control is not None and abs(shown) > limit.out_of_control:
        return Finding(f"{kind}_drift", L.OUT_OF_CONTROL, limit.clause,
                       f"{what}{label} {number(shown)}%F.S.，超过失控限 ±{number(limit.out_of_control)}%F.S.，"
                       f"数据失控，须校准后方可恢复（{standard}）", detail)
    if abs(shown) > limit.limit:
        return Finding(f"{kind}_drift", L.WARNING, limit.clause,
                       f"{what}{label} {number(shown)}%F.S.，超过 ±{number(limit.limit)}%F.S.（{standard}）", detail)
    return None


def drift_findings(answers: dict, klass: AnalyteClass, scale: float | None) -> list[Finding]:
    """Zero and span drift of a calibration sheet against the limits of the instrument's class."""
    if scale is None:
        return []
    what = f"{answers['analyte']} " if answers.get("analyte") else ""
    found = []
    for kind, limit in (("zero", klass.zero), ("span", klass.span)):
        before, last_after = _num(answers, f"{kind}_before"), _num(answers, f"{kind}_last_after")
        if limit is None or before is None or last_after is None:
            continue
        finding = check_drift(kind, limit, drift(before, last_after, scale), what, klass.standard)
        if finding:
            found.append(finding)
    return found


def standard_check_findings(answers: dict) -> list[Finding]:
    """标准溶液核查: the measured result within ±10 % of the standard's concentration."""
    standard, measured = _num(answers, "check_standard"), _num(answers, "check_measured")
    if standard is None or measured is None or standard <= 0:
        return []
    error = round((measured - standard) / standard * 100, 2)
    if abs(error) <= L.STANDARD_CHECK_LIMIT:
        return []
    rule = L.SHEET_RULES["standard_check"]
    return [Finding("standard_check", rule.severity, L.STANDARD_CHECK_CLAUSE,
                    f"标准溶液核查相对误差 {number(error)}%（标准浓度 {number(standard)}，测定 {number(measured)}），"
                    f"超过 ±{number(L.STANDARD_CHECK_LIMIT)}%（{L.HJ355}）",
                    {"error": error, "limit": L.STANDARD_CHECK_LIMIT})]


def expired(valid_until: date | None, on: date) -> bool:
    """Valid through its last day: expired from the day after."""
    return valid_until is not None and valid_until < on


def standard_material_findings(answers: dict, standard: str, on: date, certificate: str,
                               expiry: str, what: str = "标准物质") -> list[Finding]:
    """A standard gas or solution not certified (“无”) or past its expiry on the visit day."""
    clause = L.STANDARD_MATERIAL_CLAUSE.get(standard, L.STANDARD_MATERIAL_CLAUSE[L.HJ75])
    found = []
    number_given = str(answers.get(certificate) or "").strip()
    if certificate in answers and (not number_given or number_given in L.NOT_CERTIFIED):
        found.append(Finding("standard_uncertified", L.SHEET_RULES["standard_uncertified"].severity, clause,
                             f"{what}无证书编号（非有证标准物质），不得用于校准（{standard}）", {}))
    until = _date(answers, expiry)
    if expired(until, on):
        found.append(Finding("standard_expired", L.SHEET_RULES["standard_expired"].severity, clause,
                             f"{what}有效期至 {until.isoformat()}，运维日 {on.isoformat()} 已过期（{standard}）",
                             {"valid_until": until.isoformat(), "on": on.isoformat()}))
    return found


def inspection_findings(answers: dict, on: date) -> list[Finding]:
    """Daily inspection: the standard gas cylinder and the reagents within their expiry on the visit day."""
    found = []
    for name, rule, clause, what in (("cylinder_expiry", "cylinder_expired", L.CYLINDER_CLAUSE, "标准气体"),
                                     ("reagent_expiry", "reagent_expired", L.REAGENT_CLAUSE, "试剂")):
        until = _date(answers, name)
        if expired(until, on):
            found.append(Finding(rule, L.SHEET_RULES[rule].severity, clause,
                                 f"{what}有效期至 {until.isoformat()}，运维日 {on.isoformat()} 已过期",
                                 {"valid_until": until.isoformat(), "on": on.isoformat()}))
    return found


def standard_of(instrument: Instrument | None, point_kind: str | None, answers: dict) -> str:
    """Which standard governs the sheet: the instrument's class, else the point, else the material named."""
    klass = L.CLASSES.get(instrument.analyte_class or "") if instrument is not None else None
    if klass is not None:
        return klass.standard
    if point_kind == PointKind.WASTEWATER or answers.get("material") == "标准溶液":
        return L.HJ355
    return L.HJ75


def sheet_findings(form: str, answers: dict, instrument: Instrument | None, point_kind: str | None,
                   on: date) -> list[Finding]:
    """Everything one sheet breaks, judged on the visit day `on`."""
    standard = standard_of(instrument, point_kind, answers)
    if form == "calibration":
        klass = L.CLASSES.get(instrument.analyte_class or "") if instrument is not None else None
        found = drift_findings(answers, klass, full_scale(answers, instrument)) if klass else []
        found += standard_check_findings(answers)
        return found + standard_material_findings(answers, standard, on, "standard_certificate", "standard_expiry")
    if form == "standard_materials":
        return standard_material_findings(answers, standard, on, "certificate_no", "expires_on", "新装标准物质")
    if form == "daily_inspection":
        return inspection_findings(answers, on)
    return []


# --- visit rules -------------------------------------------------------------------------------------------

def max_interval(klass: AnalyteClass, instrument: Instrument) -> int | None:
    """The longest allowed gap between calibrations of `instrument`, in days (None: not checked)."""
    if instrument.auto_calibration:
        return klass.auto_interval_days
    if klass.direct_interval_days and "直接" in (instrument.principle or ""):
        return klass.direct_interval_days
    return klass.manual_interval_days


def interval_finding(klass: AnalyteClass, instrument: Instrument, previous: date, on: date) -> Finding | None:
    """Days since the last recorded calibration beyond the class's maximum."""
    limit = max_interval(klass, instrument)
    days = (on - previous).days
    if limit is None or days <= limit:
        return None
    return Finding("calibration_interval", L.VISIT_RULES["calibration_interval"].severity, klass.interval_clause,
                   f"{instrument.name}距上次校准（{previous.isoformat()}）{days} 天，超过最长间隔 {limit} 天"
                   f"（{klass.standard}）", {"days": days, "limit": limit, "previous": previous.isoformat()})


def staff_findings(name: str, staff: Staff | None, on: date) -> list[Finding]:
    """An O&M person without a certificate valid on the visit day."""
    rule = L.VISIT_RULES["staff_certificate"]
    if staff is None:
        return [Finding("staff_certificate", rule.severity, L.STAFF_CLAUSE,
                        f"运维人员{name}未备案人员信息，无运维能力评定证书", {"person": name})]
    if staff.certificate_valid_until is None:
        return [Finding("staff_certificate", rule.severity, L.STAFF_CLAUSE,
                        f"运维人员{staff.name}未填报运维能力评定证书有效期", {"person": staff.name})]
    if expired(staff.certificate_valid_until, on):
        until = staff.certificate_valid_until.isoformat()
        return [Finding("staff_certificate", rule.severity, L.STAFF_CLAUSE,
                        f"运维人员{staff.name}的证书有效期至 {until}，运维日 {on.isoformat()} 已过期",
                        {"person": staff.name, "valid_until": until, "on": on.isoformat()})]
    return []


def equipment_findings(equipment: Equipment, on: date) -> list[Finding]:
    """Equipment of the plan not calibrated (检定/校准) for the visit day."""
    rule = L.VISIT_RULES["equipment_calibration"]
    what = f"设备{equipment.name}（{equipment.asset_no}）"
    if equipment.calibration_valid_until is None:
        return [Finding("equipment_calibration", rule.severity, L.EQUIPMENT_CLAUSE,
                        f"{what}未填报检定/校准有效期", {"equipment": equipment.asset_no})]
    if expired(equipment.calibration_valid_until, on):
        until = equipment.calibration_valid_until.isoformat()
        return [Finding("equipment_calibration", rule.severity, L.EQUIPMENT_CLAUSE,
                        f"{what}检定/校准有效期至 {until}，运维日 {on.isoformat()} 已过期",
                        {"equipment": equipment.asset_no, "valid_until": until, "on": on.isoformat()})]
    return []


# --- storing -----------------------------------------------------------------------------------------------

def _replace(db: Session, visit: OmVisit, sheet: OmSheet | None, old: list[QcFinding],
             found: list[tuple[Finding, OmSheet | None]]) -> list[QcFinding]:
    for row in old:
        db.delete(row)
    db.flush()
    rows = [QcFinding(visit_id=visit.id, sheet_id=on_sheet.id if on_sheet else None, agency_id=visit.plan.agency_id,
                      rule=f.rule, severity=f.severity, clause=f.clause, message=f.message, detail=f.detail)
            for f, on_sheet in found]
    db.add_all(rows)
    db.flush()
    db.expire(visit, ["findings"])
    for each in {id(s): s for s in [sheet, *(s for _, s in found)] if s is not None}.values():
        db.expire(each, ["findings"])
    return rows


def review_sheet(db: Session, sheet: OmSheet) -> list[QcFinding]:
    """Check one sheet and store what it breaks, replacing the findings of its earlier review."""
    visit = sheet.visit
    point_kind = sheet.point.kind if sheet.point is not None else None
    on = checkins.om_visit_day(db, visit)
    found = sheet_findings(sheet.form, sheet.answers or {}, sheet.instrument, point_kind, on)
    old = list(db.scalars(select(QcFinding).where(QcFinding.sheet_id == sheet.id,
                                                  QcFinding.rule.in_(list(L.SHEET_RULES)))))
    return _replace(db, visit, sheet, old, [(f, sheet) for f in found])


def _previous_calibration(db: Session, visit: OmVisit, instrument_id: int, on: date) -> date | None:
    """The day of the latest confirmed calibration of the instrument in an earlier visit."""
    earlier = set(db.scalars(select(OmSheet.visit_id).where(
        OmSheet.instrument_id == instrument_id, OmSheet.form == "calibration", OmSheet.confirmed_at.is_not(None),
        OmSheet.visit_id != visit.id)))
    days = [d for d in (checkins.om_visit_day(db, db.get(OmVisit, i)) for i in earlier) if d < on]
    return max(days, default=None)


def _crew(db: Session, visit: OmVisit) -> list[User]:
    """The people of the visit: the plan's crew and whoever started it, checked in or filled a sheet."""
    ids = {u.id for u in visit.plan.crew} | {s.filled_by_id for s in visit.sheets if s.filled_by_id}
    ids |= set(db.scalars(select(CheckIn.user_id).where(CheckIn.om_visit_id == visit.id)))
    if visit.started_by_id:
        ids.add(visit.started_by_id)
    return list(db.scalars(select(User).where(User.id.in_(ids)).order_by(User.id))) if ids else []


def visit_findings(db: Session, visit: OmVisit, on: date) -> list[tuple[Finding, OmSheet | None]]:
    found: list[tuple[Finding, OmSheet | None]] = []
    for user in _crew(db, visit):
        staff = db.scalar(select(Staff).where(Staff.user_id == user.id))
        found += [(f, None) for f in staff_findings(user.display_name, staff, on)]
    for equipment in visit.plan.equipment:
        found += [(f, None) for f in equipment_findings(equipment, on)]
    checked: set[int] = set()
    for sheet in visit.sheets:
        instrument = sheet.instrument
        if sheet.form != "calibration" or sheet.confirmed_at is None or instrument is None \
                or instrument.id in checked:
            continue
        checked.add(instrument.id)
        klass = L.CLASSES.get(instrument.analyte_class or "")
        previous = _previous_calibration(db, visit, instrument.id, on) if klass else None
        finding = interval_finding(klass, instrument, previous, on) if previous else None
        if finding:
            found.append((finding, sheet))
    return found


def review_visit(db: Session, visit: OmVisit) -> list[QcFinding]:
    """Check the whole visit at submission: every confirmed sheet again (the visit day is now known), then
    the crew's certificates, the equipment's calibration and the calibration intervals. Returns all the
    visit's findings."""
    for sheet in visit.sheets:
        if sheet.confirmed_at is not None:
            review_sheet(db, sheet)
    on = checkins.om_visit_day(db, visit)
    old = list(db.scalars(select(QcFinding).where(QcFinding.visit_id == visit.id,
                                                  QcFinding.rule.in_(list(L.VISIT_RULES)))))
    _replace(db, visit, None, old, visit_findings(db, visit, on))
    return list(visit.findings)
