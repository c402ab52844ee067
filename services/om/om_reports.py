"""比对/校验报告 (comparison and verification reports) of the O&M agency, per monitoring point: report number,
date performed, the report PDF (checked by content) and the raw records; and, per instrument, when the next one
is due under the standards (states/om_frequencies.py REPORT_RULES), flagged when overdue.

The points an agency reports on are those of the polluters it has O&M plans for. The next report of a kind is
due `months` after the last one covering that instrument (a report naming no instrument covers the whole point);
before the first report, counted from the instrument's acceptance (验收) or installation date; with neither, it
is due now.
"""
from __future__ import annotations

import calendar
import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Instrument, InstrumentKind, MonitoringPoint, OmPlan, OmReport, User, clock
from services.adapters import uploads
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from states.om_frequencies import REPORT_KINDS, ReportRule, medium_of, report_rule


class ReportRefused(Refusal):
    """A use case refused; services/texts/refusals.py words the code."""

    domain = "om_report"


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def points_of(db: Session, agency_id: int) -> list[MonitoringPoint]:
    """The flue-gas and wastewater points of the polluters the agency has O&M plans for."""
    polluters = select(OmPlan.polluter_id).where(OmPlan.agency_id == agency_id)
    return list(db.scalars(select(MonitoringPoint).where(MonitoringPoint.polluter_id.in_(polluters),
                                                         MonitoringPoint.kind.in_(("flue_gas", "wastewater")))
                           .order_by(MonitoringPoint.polluter_id, MonitoringPoint.code)))


def point_of(db: Session, agency_id: int, point_id: int) -> MonitoringPoint | None:
    """One of the agency's points, or None (another tenant's point is not found)."""
    return next((p for p in points_of(db, agency_id) if p.id == point_id), None)


def instruments_of(db: Session, point: MonitoringPoint) -> list[Instrument]:
    return list(db.scalars(select(Instrument).where(Instrument.point_id == point.id, Instrument.active.is_(True),
                                                    Instrument.kind == InstrumentKind.ANALYSER)
                           .order_by(Instrument.id)))


def reports_of(db: Session, agency_id: int, point: MonitoringPoint) -> list[OmReport]:
    return list(db.scalars(select(OmReport).where(OmReport.agency_id == agency_id, OmReport.point_id == point.id)
                           .order_by(OmReport.performed_on.desc(), OmReport.id.desc())))


@dataclass
class Due:
    """When the next report of `kind` on an instrument is due (`due_on` None: due now, nothing to count from)."""

    point: MonitoringPoint
    instrument: Instrument
    kind: str
    rule: ReportRule
    last: OmReport | None
    due_on: date | None
    overdue: bool

    @property
    def kind_name(self) -> str:
        return REPORT_KINDS[self.kind]


def dues(db: Session, agency_id: int, point: MonitoringPoint, today: date | None = None) -> list[Due]:
    """Per analyser of the point and per report kind its standard requires: the last report and the next due."""
    today = today or clock.today()
    reports = reports_of(db, agency_id, point)
    rows = []
    for instrument in instruments_of(db, point):
        medium = medium_of(point.kind, instrument.analyte_class)
        for kind in REPORT_KINDS:
            rule = report_rule(kind, medium, instrument.analyte_class, instrument.auto_calibration)
            if rule is None:
                continue
            last = next((r for r in reports if r.kind == kind and r.instrument_id in (None, instrument.id)), None)
            start = last.performed_on if last else (instrument.accepted_on or instrument.installed_on)
            due_on = add_months(start, rule.months) if start else None
            rows.append(Due(point, instrument, kind, rule, last, due_on, due_on is None or due_on < today))
    return rows


def overview(db: Session, agency_id: int, today: date | None = None) -> list[tuple[MonitoringPoint, list[Due]]]:
    """Every point of the agency with its dues: the reports page."""
    return [(point, dues(db, agency_id, point, today)) for point in points_of(db, agency_id)]


def overdue(db: Session, agency_id: int, today: date | None = None) -> list[Due]:
    return [due for _, rows in overview(db, agency_id, today) for due in rows if due.overdue]


@dataclass
class ReportDraft:
    kind: str = ""
    report_no: str = ""
    performed_on: date | None = None
    passed: bool | None = None
    instrument_id: int | None = None


@transaction
def upload(uow: UnitOfWork, user: User, point: MonitoringPoint, draft: ReportDraft, pdf: bytes | None,
           raw: bytes | None) -> OmReport:
    """上传报告: the report PDF and the raw records of a comparison or verification done on the point; both
    judged by content under the upload policy (UploadRefused), the raw records stored with the extension of
    what they turned out to be."""
    db = uow.session
    if point_of(db, user.agency_id, point.id) is None:
        raise ReportRefused("not_our_point")
    if draft.kind not in REPORT_KINDS:
        raise ReportRefused("bad_kind")
    number = (draft.report_no or "").strip()
    if not number:
        raise ReportRefused("number_required")
    if db.scalar(select(OmReport.id).where(OmReport.agency_id == user.agency_id, OmReport.report_no == number)):
        raise ReportRefused("number_taken", number=number)
    if draft.performed_on is None:
        raise ReportRefused("date_required")
    if draft.performed_on > clock.today():
        raise ReportRefused("date_future")
    instrument = db.get(Instrument, draft.instrument_id) if draft.instrument_id else None
    if draft.instrument_id and (instrument is None or instrument.point_id != point.id):
        raise ReportRefused("not_instrument")
    if pdf is None:
        raise ReportRefused("file_required")
    uploads.check(pdf, uploads.REPORT)
    if raw is None:
        raise ReportRefused("raw_required")
    suffix = "." + uploads.check(raw, uploads.RAW_RECORD)
    folder = Path("om_reports") / str(user.agency_id) / str(point.id)
    stem = f"{re.sub(r'[^0-9A-Za-z_-]+', '_', number)[:40]}-{uuid.uuid4().hex[:8]}"
    report = OmReport(agency_id=user.agency_id, point_id=point.id, instrument_id=instrument.id if instrument else None,
                      kind=draft.kind, report_no=number, performed_on=draft.performed_on, passed=draft.passed,
                      uploaded_by_id=user.id,
                      file_path=uploads.write(uow.config.media_root, folder / f"{stem}.pdf", pdf),
                      raw_path=uploads.write(uow.config.media_root, folder / f"{stem}-raw{suffix}", raw))
    db.add(report)
    db.flush()
    return report
