"""信用评价信息: the O&M agency's credit-evaluation records (附件2 §3) — 日常信息 per site and for the agency,
年度信息 per year — with uploads in versions and the list of what is still missing or out of date. The files
are downloadable by the agency and by the regulators of its district (web/regulator/credit.py)."""
from __future__ import annotations

from datetime import date
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from models import CreditDocument, Polluter, Role, TrainingRecord, clock
from services.adapters import uploads
from services.filing import credit
from services.filing.credit import CATEGORIES, TRAINING_KINDS, CreditRefused
from services.texts.refusals import say
from web.access import get_or_404, me, role_required
from web.db import db, uow
from web.files import read_upload, send_media
from web.ids import record_id

bp = Blueprint("credit", __name__, url_prefix="/agency/credit", template_folder="templates")
READERS = (Role.AGENCY_ADMIN, Role.REGULATOR, Role.SYSTEM_ADMIN)


@bp.context_processor
def labels() -> dict:
    return {"categories": CATEGORIES, "training_kinds": TRAINING_KINDS, "fmt": clock.fmt,
            "uploaded_on": credit.uploaded_on, "stale": lambda d: credit.out_of_date(d, clock.today()),
            "rules": credit.RULES, "stale_months": credit.STALE_AFTER_MONTHS}


def om_clerk(view):
    """The administrator of an O&M agency; anyone else finds no such area (404)."""
    @wraps(view)
    @role_required(Role.AGENCY_ADMIN)
    def wrapped(*args, **kwargs):
        if not credit.is_om_agency(me().agency):
            abort(404)
        return view(*args, **kwargs)
    return wrapped


# --- pages ------------------------------------------------------------------------------------------------

@bp.get("/")
@om_clerk
def index():
    return _index(200)


def _index(status: int):
    agency, today = me().agency, clock.today()
    return render_template("credit/index.html", agency=agency, gaps=credit.gaps(db(), agency, today),
                           sites=credit.daily(db(), agency.id, today),
                           rules_history=credit.history(db(), agency.id, credit.MANAGEMENT_RULES),
                           year=today.year), status


@bp.get("/sites/<int:polluter_id>")
@om_clerk
def site(polluter_id: int):
    return _site(_our_site(polluter_id), 200)


def _our_site(polluter_id: int) -> Polluter:
    found = credit.site(db(), me().agency_id, polluter_id)
    if found is None:
        abort(404)
    return found


def _site(polluter: Polluter, status: int):
    agency_id = me().agency_id
    histories = {c: credit.history(db(), agency_id, c, polluter.id) for c in credit.SITE_CATEGORIES}
    return render_template("credit/site.html", polluter=polluter, histories=histories), status


@bp.get("/annual")
@om_clerk
def annual():
    try:
        year = credit.check_year(request.args.get("year", clock.today().year, type=int))
    except CreditRefused:
        abort(404)
    return _annual(year, 200)


def _annual(year: int, status: int, typed: dict | None = None):
    agency_id = me().agency_id
    return render_template("credit/annual.html", year=year, this_year=clock.today().year,
                           plan_history=credit.history(db(), agency_id, credit.TRAINING_PLAN, year=year),
                           records=credit.training_records(db(), agency_id, year), typed=typed or {},
                           today=clock.today().isoformat()), status


# --- uploads and records ----------------------------------------------------------------------------------

@bp.post("/upload")
@om_clerk
def upload():
    category = request.form.get("category", "")
    polluter_id = request.form.get("polluter_id", type=record_id)
    year = request.form.get("year", type=int)
    try:
        document = credit.upload(uow(), me(), category, _file("file"), _filename("file"),
                                 request.form.get("title", ""), polluter_id=polluter_id, year=year)
    except (CreditRefused, uploads.UploadRefused) as refused:
        flash(say(refused), "error")
        return _back(category, polluter_id, year, 400)
    flash(f"已上传{CATEGORIES[category].name}（第 {document.version} 版）。", "success")
    return redirect(_page_of(document.category, document.polluter_id, document.year))


def _back(category: str, polluter_id: int | None, year: int | None, status: int):
    scope = CATEGORIES[category].scope if category in CATEGORIES else "agency"
    if scope == "site" and polluter_id is not None and credit.site(db(), me().agency_id, polluter_id) is not None:
        return _site(credit.site(db(), me().agency_id, polluter_id), status)
    if scope == "year":
        return _annual(year if year is not None and _valid_year(year) else clock.today().year, status)
    return _index(status)


def _valid_year(year: int) -> bool:
    try:
        credit.check_year(year)
    except CreditRefused:
        return False
    return True


def _page_of(category: str, polluter_id: int | None, year: int | None) -> str:
    if polluter_id is not None:
        return url_for("credit.site", polluter_id=polluter_id)
    if year is not None:
        return url_for("credit.annual", year=year)
    return url_for("credit.index")


@bp.post("/training")
@om_clerk
def record_training():
    form = request.form
    held_on = form.get("held_on", "")
    try:
        record = credit.record_training(uow(), me(), form.get("kind", ""), credit.parse_day(held_on),
                                        form.get("contents", ""), form.get("attendees", ""),
                                        _file("evidence"))
    except (CreditRefused, uploads.UploadRefused) as refused:
        flash(say(refused), "error")
        year = _year_of(held_on)
        return _annual(year, 400, typed=form.to_dict())
    flash(f"已登记 {record.held_on} 的{TRAINING_KINDS[record.kind]}记录。", "success")
    return redirect(url_for("credit.annual", year=record.held_on.year))


def _year_of(text: str) -> int:
    try:
        year = date.fromisoformat(text.strip()).year
    except ValueError:
        return clock.today().year
    return year if _valid_year(year) else clock.today().year


@bp.post("/training/<int:record_id>/evidence")
@om_clerk
def attach_evidence(record_id: int):
    record = get_or_404(TrainingRecord, record_id)
    try:
        credit.attach_evidence(uow(), record, _file("evidence"))
    except (CreditRefused, uploads.UploadRefused) as refused:
        flash(say(refused), "error")
        return _annual(record.held_on.year, 400)
    flash(f"已上传 {record.held_on} {TRAINING_KINDS[record.kind]}记录的证书或记录文件。", "success")
    return redirect(url_for("credit.annual", year=record.held_on.year))


def _file(field: str) -> bytes | None:
    return read_upload(field, uploads.CREDIT)


def _filename(field: str) -> str:
    upload = request.files.get(field)
    return upload.filename if upload is not None else ""


# --- downloads (the agency, and the regulators of its district) ------------------------------------------

@bp.get("/documents/<int:document_id>")
@role_required(*READERS)
def document(document_id: int):
    found = get_or_404(CreditDocument, document_id)
    return _send(found.path, credit.download_name(found))


@bp.get("/training/<int:record_id>/evidence")
@role_required(*READERS)
def evidence(record_id: int):
    record = get_or_404(TrainingRecord, record_id)
    if not record.evidence_path:
        abort(404)
    return _send(record.evidence_path, f"{record.held_on} {TRAINING_KINDS.get(record.kind, '')}记录.pdf")


def _send(path: str, name: str):
    return send_media(path, name)
