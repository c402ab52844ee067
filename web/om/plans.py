"""运维任务管理: the O&M agency admin's plans (crew, equipment, items with the standards' frequencies), the visits
they generate (due, overdue, state) and the comparison/verification reports per point. Monitoring agencies do
not have this area (404). A visit's record page is /om/visits/<id> (another area); this one lists visits only."""
from __future__ import annotations

from datetime import date
from functools import wraps
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for

from models import Contract, Instrument, MonitoringPoint, OmPlan, OmReport, Role, clock
from services.adapters import uploads
from services.core import policy
from services.om import om_plans, om_reports
from services.om.om_plans import ItemDraft, PlanDraft, PlanRefused
from services.om.om_reports import ReportDraft, ReportRefused
from services.texts.refusals import say
from states.om_frequencies import REPORT_KINDS
from states.om_sheets import SHEETS
from states.om_visit import ACTIVE, STATE_NAMES, Step
from web.access import get_or_404, me, role_required
from web.db import db, uow
from web.files import read_upload, send_media
from web.ids import record_id
from web.om import bp
from web.records.listing import day_after, day_cursor

SHOWS = {"open": "待完成", "overdue": "逾期未完成", "all": "全部"}
IN_PROGRESS = "现场运维中"


def visit_state(state: str) -> str:
    """The agency's list says where a visit stands; the steps of one under way are the crew's business."""
    return STATE_NAMES[state] if state == Step.NEW or state not in ACTIVE else IN_PROGRESS


def om_admin(view):
    """The admin of an O&M agency; anyone else is told the area does not exist (404)."""
    @wraps(view)
    @role_required(Role.AGENCY_ADMIN)
    def wrapped(*args, **kwargs):
        agency = me().agency
        if agency is None or agency.kind not in om_plans.OM_AGENCIES:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


# ---- plans -------------------------------------------------------------------------------------------------

@bp.get("/plans")
@om_admin
def plans():
    rows = db().scalars(policy.scoped(me(), OmPlan).order_by(OmPlan.id.desc())).all()
    today = clock.today()
    late = {p.id: sum(om_plans.is_overdue(v, today) for v in p.visits) for p in rows}
    upcoming = {p.id: next((v.due_on for v in p.visits if v.due_on >= today and v.state == "new"), None)
                for p in rows}
    return render_template("om/plans.html", rows=rows, late=late, upcoming=upcoming)


@bp.route("/plans/new", methods=["GET", "POST"])
@om_admin
def new_plan():
    contract_id = request.values.get("contract_id", type=record_id)
    if contract_id is None:
        return render_template("om/contract_pick.html",
                               contracts=om_plans.contracts_for_plans(db(), me().agency_id))
    contract = get_or_404(Contract, contract_id)
    return _plan_form(contract, None)


@bp.get("/plans/<int:plan_id>")
@om_admin
def plan(plan_id: int):
    row = get_or_404(OmPlan, plan_id)
    items = {i.id: i for i in row.items}
    clauses = {i.id: i.clause or om_plans.standard(i.point, i.instrument, i.sheet).clause for i in row.items}
    return render_template("om/plan.html", plan=row, items=items, clauses=clauses, today=clock.today(),
                           sheets=SHEETS, state_name=visit_state, is_overdue=om_plans.is_overdue)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@om_admin
def edit_plan(plan_id: int):
    row = get_or_404(OmPlan, plan_id)
    return _plan_form(row.contract, row)


@bp.post("/plans/<int:plan_id>/generate")
@om_admin
def generate(plan_id: int):
    row = get_or_404(OmPlan, plan_id)
    created = om_plans.generate(db(), row)
    flash(f"已生成 {len(created)} 个现场运维任务（未来 {om_plans.HORIZON_DAYS} 天）。" if created
          else "未来的现场运维任务均已生成，没有新增。", "success")
    return redirect(url_for("om.plan", plan_id=row.id))


def _plan_form(contract: Contract, plan: OmPlan | None):
    if contract is None or contract.status != om_plans.SUBMITTED:
        abort(404)
    site = om_plans.site_instruments(db(), contract.polluter)
    rows = [(point, instrument) for point, instruments in site for instrument in (instruments or [None])]
    posted = request.method == "POST"
    if posted:
        try:
            draft = _draft(contract, plan, rows)
            saved = om_plans.save_plan(uow(), me(), draft, plan)
        except PlanRefused as refused:
            flash(say(refused), "error")
            return _render_plan_form(contract, plan, rows, 400)
        flash(f"运维计划“{saved.name}”已保存，现场运维任务已生成到 {om_plans.HORIZON_DAYS} 天后。", "success")
        return redirect(url_for("om.plan", plan_id=saved.id))
    return _render_plan_form(contract, plan, rows, 200)


def _key(point: MonitoringPoint, instrument: Instrument | None) -> str:
    return f"i{instrument.id}" if instrument is not None else f"p{point.id}"


def _render_plan_form(contract: Contract, plan: OmPlan | None, rows, status: int):
    """The plan form: name, period, crew and equipment, and a grid of the site's instruments × the five record
    sheets, each cell a tick and a frequency (the standard's default and clause shown)."""
    session = db()
    posted = request.method == "POST"
    current = {(_key(i.point, i.instrument), i.sheet): i for i in plan.items} if plan else {}
    grid = []
    for point, instrument in rows:
        key = _key(point, instrument)
        cells = []
        for sheet in SHEETS:
            rule = om_plans.standard(point, instrument, sheet)
            item = current.get((key, sheet))
            field = f"{key}-{sheet}"
            if posted:
                picked, days = bool(request.form.get(f"pick-{field}")), request.form.get(f"freq-{field}", "")
            else:
                picked, days = item is not None, item.frequency_days if item else rule.days
            cells.append({"field": field, "sheet": sheet, "picked": picked, "days": days, "rule": rule})
        grid.append({"point": point, "instrument": instrument, "cells": cells})
    values = request.form if posted else {
        "name": plan.name if plan else f"{contract.polluter.name}自动监控设施运维",
        "starts_on": (plan.starts_on if plan else contract.period_start or clock.today()).isoformat(),
        "ends_on": (plan.ends_on if plan else contract.period_end or clock.today()).isoformat(),
    }
    crew_ids = {int(x) for x in request.form.getlist("crew")} if posted else {u.id for u in (plan.crew if plan else [])}
    equipment_ids = ({int(x) for x in request.form.getlist("equipment")} if posted
                     else {e.id for e in (plan.equipment if plan else [])})
    return render_template("om/plan_form.html", contract=contract, plan=plan, grid=grid, values=values,
                           sheets=SHEETS, crew=om_plans.crew_of(session, me().agency_id), crew_ids=crew_ids,
                           equipment=om_plans.equipment_of(session, me().agency_id),
                           equipment_ids=equipment_ids), status


def _draft(contract: Contract, plan: OmPlan | None, rows) -> PlanDraft:
    form = request.form
    current = {(_key(i.point, i.instrument), i.sheet): i.id for i in plan.items} if plan else {}
    items = []
    for point, instrument in rows:
        key = _key(point, instrument)
        for sheet in SHEETS:
            field = f"{key}-{sheet}"
            if not form.get(f"pick-{field}"):
                continue
            raw = (form.get(f"freq-{field}") or "").strip()
            if raw and not raw.isdigit():
                raise PlanRefused("bad_frequency", what=om_plans.describe(point, instrument, sheet))
            items.append(ItemDraft(point_id=point.id, instrument_id=instrument.id if instrument else None,
                                   sheet=sheet, frequency_days=int(raw) if raw else None,
                                   id=current.get((key, sheet))))
    return PlanDraft(name=form.get("name", ""), contract_id=contract.id, starts_on=_date(form.get("starts_on")),
                     ends_on=_date(form.get("ends_on")), crew_ids=_ids(form.getlist("crew")),
                     equipment_ids=_ids(form.getlist("equipment")), items=items)


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def _ids(raw: list[str]) -> list[int]:
    return [int(x) for x in raw if x.strip().isdigit()]


# ---- visits ------------------------------------------------------------------------------------------------

@bp.get("/tasks")
@om_admin
def tasks():
    show = request.args.get("show", "open")
    if show not in SHOWS:
        show = "open"
    # a read: visits are generated by the plan, the daily job or 生成
    rows = om_plans.visit_page(db(), me(), show, day_after(), om_plans.PER_PAGE)
    last = (rows[-1].due_on, rows[-1].id) if len(rows) == om_plans.PER_PAGE else None
    return render_template("om/tasks.html", rows=rows, show=show, shows=SHOWS, today=clock.today(),
                           sheets=SHEETS, state_name=visit_state, is_overdue=om_plans.is_overdue,
                           args=request.args, next_after=day_cursor(last) if last else None)


# ---- reports -----------------------------------------------------------------------------------------------

@bp.get("/reports")
@om_admin
def reports():
    return render_template("om/reports.html", overview=om_reports.overview(db(), me().agency_id),
                           today=clock.today())


@bp.route("/reports/points/<int:point_id>", methods=["GET", "POST"])
@om_admin
def point_reports(point_id: int):
    session = db()
    point = om_reports.point_of(session, me().agency_id, point_id)
    if point is None:
        abort(404)
    status = 200
    if request.method == "POST":
        try:
            om_reports.upload(uow(), me(), point, _report_draft(), read_upload("report", uploads.REPORT),
                              read_upload("raw", uploads.RAW_RECORD))
        except (ReportRefused, uploads.UploadRefused) as refused:
            flash(say(refused), "error")
            status = 400
        else:
            flash("报告已上传。", "success")
            return redirect(url_for("om.point_reports", point_id=point.id))
    return render_template("om/point_reports.html", point=point,
                           dues=om_reports.dues(session, me().agency_id, point),
                           reports=om_reports.reports_of(session, me().agency_id, point),
                           instruments=om_reports.instruments_of(session, point), kinds=REPORT_KINDS,
                           values=request.form if request.method == "POST" else {}), status


def _report_draft() -> ReportDraft:
    form = request.form
    passed = {"1": True, "0": False}.get(form.get("passed", ""))
    return ReportDraft(kind=form.get("kind", ""), report_no=form.get("report_no", ""),
                       performed_on=_date(form.get("performed_on")), passed=passed,
                       instrument_id=form.get("instrument_id", type=record_id))


@bp.get("/reports/<int:report_id>/<any(file, raw):part>")
@om_admin
def report_file(report_id: int, part: str):
    report = get_or_404(OmReport, report_id)
    path = report.file_path if part == "file" else report.raw_path
    name = report.report_no + ("" if part == "file" else "-原始记录") + Path(path or "").suffix
    return send_media(path, name, evidence=part == "raw")
