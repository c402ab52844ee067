"""双随机、一公开 on the regulator's desk: spot-check draws (re-runnable, exportable, publishable without personal
data), inspection records whose outcome confirms or clears findings, and each rule's confirmation rate."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from models import Agency, DrawKind, Inspection, InspectionFile, OmVisit, Role, SamplingTrip, SpotCheckDraw, clock
from services.adapters import exports
from services.core import policy
from services.desk import inspections, spot_checks
from services.texts.refusals import say
from states.findings import RULES
from web.access import me, role_required
from web.db import db, uow
from web.files import XLSX, media_root, read_uploads, send_generated, send_media

bp = Blueprint("inspections", __name__, template_folder="templates")
DESK = (Role.REGULATOR, Role.SYSTEM_ADMIN)
CODES = {r.code: r.title for r in RULES if r.active}


@bp.get("/regulator/spot-checks")
@role_required(*DESK)
def draws():
    rows = db().query(SpotCheckDraw).order_by(SpotCheckDraw.drawn_at.desc()).limit(50).all()
    return render_template("inspections/draws.html", draws=[r for r in rows if _may_see(r)], kinds=_kinds(),
                           codes=CODES, typed={}, when=clock.fmt)


@bp.post("/regulator/spot-checks")
@role_required(*DESK)
def draw():
    form = request.form
    try:
        row = spot_checks.draw(uow(), me(), DrawKind(form.get("kind", "trip")), _filters(form),
                               _int(form.get("size")) or 0, bool(form.get("weighted")))
    except (spot_checks.DrawRefused, ValueError) as refused:
        flash(f"未抽取：{say(refused)}" if isinstance(refused, spot_checks.DrawRefused) else "未抽取：条件填写有误。",
              "error")
        return render_template("inspections/draws.html", draws=[], kinds=_kinds(), codes=CODES, typed=form,
                               when=clock.fmt), 400
    return redirect(url_for("inspections.draw_page", draw_id=row.id))


@bp.get("/regulator/spot-checks/<int:draw_id>")
@role_required(*DESK)
def draw_page(draw_id: int):
    row = _draw_or_404(draw_id)
    picks = [_describe(p) for p in spot_checks.drawn(db(), row)]
    return render_template("inspections/draw.html", d=row, picks=picks, replayed=spot_checks.replay(row),
                           unchanged=spot_checks.population_unchanged(db(), me(), row),
                           kind_name=spot_checks.KIND_NAMES[DrawKind(row.kind)], filters=_filter_lines(row),
                           when=clock.fmt)


@bp.get("/regulator/spot-checks/<int:draw_id>.xlsx")
@role_required(*DESK)
def draw_export(draw_id: int):
    row = _draw_or_404(draw_id)
    rows = [(n, p["label"], p["day"], p["polluter"], p["agency"]) for n, p in enumerate(
        (_describe(x) for x in spot_checks.drawn(db(), row)), 1)]
    body = exports.workbook(f"抽查名单 #{row.id}", _filter_lines(row) + [("随机种子", row.seed)],
                            ("序号", "抽查对象", "日期", "排污单位", "机构"), rows)
    return send_generated(body, XLSX, f"抽查名单-{row.id}.xlsx")


@bp.post("/regulator/spot-checks/<int:draw_id>/publish")
@role_required(*DESK)
def publish(draw_id: int):
    spot_checks.publish(uow(), _draw_or_404(draw_id))
    flash("抽查名单已公开（不含个人信息）。", "success")
    return redirect(url_for("inspections.draw_page", draw_id=draw_id))


@bp.get("/public/spot-checks/<int:draw_id>")
def public_draw(draw_id: int):
    """一公开: the published list, readable without an account — no names of people, no contact details."""
    row = db().get(SpotCheckDraw, draw_id)
    if row is None or row.published_at is None:
        abort(404)
    picks = [_describe(p) for p in spot_checks.drawn(db(), row)]
    return render_template("inspections/public.html", d=row, picks=picks, filters=_filter_lines(row),
                           kind_name=spot_checks.KIND_NAMES[DrawKind(row.kind)], when=clock.fmt)


@bp.route("/regulator/inspections/new", methods=["GET", "POST"])
@role_required(*DESK)
def new_inspection():
    args = request.values
    kind, ident = args.get("kind", ""), _int(args.get("id"))
    target = inspections.subject(db(), me(), kind, ident)
    if target is None:
        abort(404)
    if request.method == "GET":
        return _inspection_form(kind, target, {})
    try:
        record = inspections.record(uow(), me(), _record(kind, ident), media_root())
    except (inspections.InspectionRefused, inspections.uploads.UploadRefused) as refused:
        flash(f"未保存：{say(refused)}", "error")
        return _inspection_form(kind, target, request.form), 400
    flash("检查记录已保存，相关异常线索已按核查结果处理。", "success")
    return redirect(url_for("inspections.inspection", inspection_id=record.id))


@bp.get("/regulator/inspections")
@role_required(*DESK)
def inspection_list():
    return render_template("inspections/list.html", items=inspections.recent(db(), me()),
                           outcomes=inspections.OUTCOME_NAMES, subjects=inspections.SUBJECT_NAMES, when=clock.fmt)


@bp.get("/regulator/inspections/<int:inspection_id>")
@role_required(*DESK)
def inspection(inspection_id: int):
    row = _inspection_or_404(inspection_id)
    return render_template("inspections/inspection.html", i=row, subject=_describe(_subject_of(row)),
                           outcomes=inspections.OUTCOME_NAMES, subjects=inspections.SUBJECT_NAMES, codes=CODES,
                           when=clock.fmt)


@bp.get("/regulator/inspections/<int:inspection_id>/files/<int:file_id>")
@role_required(*DESK)
def inspection_file(inspection_id: int, file_id: int):
    row = _inspection_or_404(inspection_id)
    found = db().get(InspectionFile, file_id)
    if found is None or found.inspection_id != row.id:
        abort(404)
    return send_media(found.path, found.name, evidence=True)


@bp.get("/regulator/rule-rates")
@role_required(*DESK)
def rule_rates():
    return render_template("inspections/rule_rates.html", rates=inspections.rule_rates(db()))


# --- helpers ----------------------------------------------------------------------------------------------

def _may_see(row: SpotCheckDraw) -> bool:
    """The drawer, the regulators of the same scope, and the system administrator."""
    return me().role == Role.SYSTEM_ADMIN or policy.same_scope(me(), row.drawn_by)


def _draw_or_404(draw_id: int) -> SpotCheckDraw:
    row = db().get(SpotCheckDraw, draw_id)
    if row is None or not _may_see(row):
        abort(404)
    return row


def _inspection_or_404(inspection_id: int) -> Inspection:
    row = db().get(Inspection, inspection_id)
    if row is None or _subject_of(row) is None:
        abort(404)
    return row


def _subject_of(row: Inspection):
    ident = getattr(row, f"{row.subject_kind}_id")
    return inspections.subject(db(), me(), row.subject_kind, ident)


def _inspection_form(kind: str, target, typed):
    return render_template("inspections/new.html", kind=kind, target=_describe(target), typed=typed,
                           findings=inspections.open_findings(db(), kind, target.id),
                           outcomes=inspections.OUTCOME_NAMES, codes=CODES, today=clock.today().isoformat(),
                           draw_id=request.values.get("draw", ""))


def _record(kind: str, ident: int) -> inspections.Record:
    form = request.form
    verdicts = {int(k.removeprefix("finding-")): v for k, v in form.items()
                if k.startswith("finding-") and k.removeprefix("finding-").isdigit() and v}
    files = [(f.filename or "", data) for f, data in zip(
        [f for f in request.files.getlist("files") if f.filename],
        read_uploads("files", inspections.ATTACHMENT, inspections.MAX_FILES), strict=False)]
    return inspections.Record(inspected_on=_day(form.get("inspected_on")), inspectors=form.get("inspectors", ""),
                              subject_kind=kind, subject_id=ident, outcome=form.get("outcome", ""),
                              notes=form.get("notes", "")[:4000], verdicts=verdicts, files=files,
                              draw_id=_int(form.get("draw")))


def _describe(row) -> dict:
    """How a drawn or inspected subject reads in lists: no person's name, so the same text can be published."""
    if isinstance(row, SamplingTrip):
        visit = row.visit
        return {"label": f"采样行程 {visit.ref or row.id}", "day": visit.day.isoformat(),
                "polluter": visit.task.polluter.name, "agency": visit.task.agency.name,
                "link": url_for("records.trip", trip_id=row.id), "kind": "trip", "id": row.id}
    if isinstance(row, OmVisit):
        return {"label": f"现场运维 {row.ref or row.id}", "day": row.due_on.isoformat(),
                "polluter": row.plan.polluter.name, "agency": row.plan.agency.name,
                "link": url_for("om.visit", visit_id=row.id), "kind": "om_visit", "id": row.id}
    kind = "agency" if isinstance(row, Agency) else "polluter"
    return {"label": row.name, "day": "", "polluter": row.name if kind == "polluter" else "",
            "agency": row.name if kind == "agency" else "", "link": "", "kind": kind, "id": row.id}


def _filters(form) -> spot_checks.Filters:
    return spot_checks.Filters(date_from=_day(form.get("date_from")), date_to=_day(form.get("date_to")),
                               agency_id=_int(form.get("agency_id")), code=form.get("code") or None)


def _filter_lines(row: SpotCheckDraw) -> list[tuple[str, str]]:
    f = row.filters
    lines = [("抽查对象", spot_checks.KIND_NAMES[DrawKind(row.kind)]), ("抽取数量", str(row.size)),
             ("按风险加权", "是" if row.weighted else "否"), ("对象总数", str(len(row.population)))]
    if f.get("date_from") or f.get("date_to"):
        lines.append(("日期", f"{f.get('date_from', '')} 至 {f.get('date_to', '')}"))
    if f.get("code"):
        lines.append(("异常线索", CODES.get(f["code"], f["code"])))
    return lines


def _kinds():
    return [(k.value, name) for k, name in spot_checks.KIND_NAMES.items()]


def _int(raw) -> int | None:
    return int(raw) if raw and str(raw).isdigit() and len(str(raw)) < 10 else None


def _day(raw) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


