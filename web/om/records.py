"""运维记录 on the web: an O&M visit's whole record (check-ins, every sheet through its form, photos, QC
findings, the polluter's signed confirmation), each sheet's page and printable PDF, and the Excel exports of
visits and findings.

Readers: the plan's O&M agency, the polluter's users of the site, the regulator of the district, the system
administrator (services/core/policy.py); anyone else gets 404.
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for

from models import OmConfirmation, OmSheet, OmVisit, Photo, Role, clock
from services.adapters import om_pdf
from services.core import policy
from services.field import presence
from services.findings import summary as findings_summary
from services.findings.facts import Subject
from services.om import om_records
from services.texts.refusals import say
from states.om_sheets import sheet_tags
from states.qc_limits import rule_title
from web import formview
from web.om import bp
from web.access import get_or_404, me, role_required
from web.db import db, uow
from web.files import media_root, send_generated, send_media
from web.om import texts as T
from web.records.listing import xlsx


READERS = (Role.AGENCY_ADMIN, Role.POLLUTER_CONFIRMER, Role.REGULATOR, Role.SYSTEM_ADMIN)
EXPORTERS = (Role.AGENCY_ADMIN, Role.REGULATOR, Role.SYSTEM_ADMIN)
VARIANTS = {"thumb": "thumbnail_path", "watermarked": "watermarked_path"}


# --- the list and its exports ---------------------------------------------------------------------------

@bp.get("/visits")
@role_required(*READERS)
def visits():
    period, error = _period()
    rows = _visits(period) if error is None else []
    return render_template("om/visits.html", visits=rows, args=request.args, error=error, T=T,
                           fmt=clock.fmt, may_export=me().role in EXPORTERS), 400 if error else 200


@bp.get("/visits.xlsx")
@role_required(*EXPORTERS)
def visits_xlsx():
    period = _valid_period()
    rows = [_visit_cells(v) for v in _visits(period)]
    return xlsx(T.VISITS_TITLE, "om-visits", _shown(period), T.VISIT_HEADERS, rows)


@bp.get("/findings.xlsx")
@role_required(*EXPORTERS)
def findings_xlsx():
    period = _valid_period()
    rows = [_finding_cells(v, f) for v in _visits(period) for f in v.findings]
    return xlsx(T.FINDINGS_TITLE, "om-findings", _shown(period), T.FINDING_HEADERS, rows, hidden=T.FINDING_CODE_COLUMNS)


def _period() -> tuple[tuple[date | None, date | None], str | None]:
    try:
        return tuple(date.fromisoformat(request.args[k]) if request.args.get(k) else None
                     for k in ("start", "end")), None
    except ValueError:
        return (None, None), T.BAD_DATE


def _valid_period() -> tuple[date | None, date | None]:
    period, error = _period()
    if error:
        abort(400, error)
    return period


def _shown(period) -> list[tuple[str, str]]:
    start, end = period
    return [("计划日期", f"{start.isoformat() if start else '不限'} 至 {end.isoformat() if end else '不限'}")]


def _visits(period) -> list[OmVisit]:
    start, end = period
    query = policy.scoped(me(), OmVisit)
    if start:
        query = query.where(OmVisit.due_on >= start)
    if end:
        query = query.where(OmVisit.due_on <= end)
    return list(db().scalars(query.order_by(OmVisit.due_on.desc(), OmVisit.id.desc())))


def _crew(visit: OmVisit) -> str:
    return "、".join(u.display_name for u in visit.plan.crew)


def _visit_cells(visit: OmVisit) -> list:
    arrival, departure = om_records.times(db(), visit)
    confirmation = om_records.confirmation(visit)
    return [
        visit.id, visit.plan.name, visit.plan.polluter.name, visit.plan.agency.name, visit.due_on.isoformat(),
        T.VISIT_STATE.get(visit.state, visit.state), _crew(visit), clock.fmt(arrival), clock.fmt(departure),
        "、".join(om_records.form_of(s).title for s in visit.sheets) or "—", len(visit.findings),
        T.CONFIRMATION.get(confirmation.status, confirmation.status) if confirmation else T.NO_CONFIRMATION,
        clock.fmt(confirmation.decided_at) if confirmation else "—",
        "是" if confirmation and confirmation.late else "否",
    ]


def _finding_cells(visit: OmVisit, finding) -> list:
    sheet = finding.sheet
    return [visit.id, visit.due_on.isoformat(), visit.plan.polluter.name, visit.plan.agency.name,
            f"{om_records.form_of(sheet).title} #{sheet.id}" if sheet else "（整次运维）", rule_title(finding.rule),
            T.SEVERITY.get(finding.severity, finding.severity), finding.clause, finding.message, finding.rule]


# --- one visit, one sheet ---------------------------------------------------------------------------------

@bp.get("/visits/<int:visit_id>")
@role_required(*READERS)
def visit(visit_id: int):
    found = get_or_404(OmVisit, visit_id)
    photos = om_records.photos(db(), found)
    return render_template("om/visit.html", visit=found, check_ins=om_records.check_ins(db(), found),
                           sheets=[_sheet_view(s, [p for p in photos if p.om_sheet_id == s.id]) for s in found.sheets],
                           visit_photos=[p for p in photos if p.om_sheet_id is None],
                           unfinished_photos=om_records.unfinished_photos(db(), found),
                           visit_findings=[f for f in found.findings if f.sheet_id is None],
                           confirmation=om_records.confirmation(found), T=T, fmt=clock.fmt,
                           crew=presence.roster(found),
                           findings=findings_summary.of_subject(db(), Subject("om", found.id)))


@bp.get("/sheets/<int:sheet_id>")
@role_required(*READERS)
def sheet(sheet_id: int):
    found = get_or_404(OmSheet, sheet_id)
    return render_template("om/sheet.html", visit=found.visit,
                           sheet=_sheet_view(found, om_records.photos(db(), found.visit, found)),
                           confirmation=om_records.confirmation(found.visit), T=T, fmt=clock.fmt)


@bp.route("/sheets/<int:sheet_id>/correct", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def correct(sheet_id: int):
    """更正: the O&M agency corrects a sheet of a visit the polluter rejected, before resubmitting it."""
    found = get_or_404(OmSheet, sheet_id)
    form, tags = om_records.form_of(found), sheet_tags(found)
    if not om_records.correctable(found.visit):
        return _correction(found, form, tags, notice=say(om_records.SheetLocked("not_rejected")), status=409)
    if request.method == "GET":
        return _correction(found, form, tags)
    answers, errors = formview.parse_posted(form, tags, request.form)
    if errors:
        return _correction(found, form, tags, typed=request.form, errors=errors, status=400)
    try:
        changed = om_records.correct(uow(), found, me(), answers)
    except om_records.CorrectionRefused as refused:
        return _correction(found, form, tags, typed=request.form, notice=say(refused), status=400)
    flash(T.CORRECTED.format(n=len(changed)) if changed else T.NOTHING_CORRECTED, "success")
    return redirect(url_for(".visit", visit_id=found.visit_id), code=303)


def _correction(found: OmSheet, form, tags, typed=None, errors=None, notice: str | None = None, status: int = 200):
    fields = formview.widgets(form, tags, om_records.answers(found), typed=typed, errors=errors)
    return render_template("om/correct.html", sheet=found, visit=found.visit, title=form.title,
                           fields=fields, notice=notice,
                           editable=om_records.correctable(found.visit)), status


@bp.get("/sheets/<int:sheet_id>.pdf")
@role_required(*READERS)
def sheet_pdf(sheet_id: int):
    found = get_or_404(OmSheet, sheet_id)
    body = om_pdf.render(db(), found, media_root())
    name = f"om-sheet-{found.visit_id}-{found.id}.pdf"
    return send_generated(body, "application/pdf", name, evidence=True, inline=True)


def _sheet_view(found: OmSheet, photos: list[Photo]) -> dict:
    return {"row": found, "title": om_records.form_of(found).title, "point": om_records.point_of(found),
            "lines": om_records.lines(found), "photos": photos, "findings": found.findings}


# --- pictures: photos and the signature -------------------------------------------------------------------

@bp.get("/photos/<int:photo_id>/<variant>")
@role_required(*READERS)
def photo(photo_id: int, variant: str):
    found = db().get(Photo, photo_id)
    if found is None or found.om_visit_id is None or variant not in VARIANTS:
        abort(404)
    get_or_404(OmVisit, found.om_visit_id)
    return send_media(getattr(found, VARIANTS[variant]), evidence=True)


@bp.get("/confirmations/<int:confirmation_id>/signature")
@role_required(*READERS)
def signature(confirmation_id: int):
    found = db().get(OmConfirmation, confirmation_id)
    if found is None:
        abort(404)
    get_or_404(OmVisit, found.visit_id)
    return send_media(found.signature_path, evidence=True)


