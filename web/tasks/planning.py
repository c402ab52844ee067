"""方案编制 and 采样计划 pages of a task: the plan table (the polluter's directory factors, one row each),
a new directory point, and the visits of the schedule."""
from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for

from models import MonitoringTask, TaskStatus, clock
from services.filing import filings
from services.sampling import scheduling
from services.sampling import tasks as task_service
from services.sampling.scheduling import ScheduleRefused, VisitRequest
from services.sampling.tasks import NewPoint, PlanLine, TaskRefused
from services.texts.refusals import say
from states.holding_times import STORAGE_CONDITIONS
from web.access import get_or_404, me, role_required
from web.db import db, uow
from web.tasks import CLERK, bp
from web.tasks import texts as T
from web.tasks.forms import NewPointForm, VisitForm

FACTOR_SEPARATORS = re.compile(r"[、,，;；\s]+")


# --- 方案编制 ---------------------------------------------------------------------------------------

@bp.route("/<int:task_id>/plan", methods=["GET", "POST"])
@role_required(CLERK)
def plan(task_id: int):
    """The plan as a table of the directory's point × factor rows: tick a row, give its method and samples."""
    task = get_or_404(MonitoringTask, task_id)
    if request.method == "GET":
        return _render_plan(task, NewPointForm(prefix="point"), None, 200)
    try:
        task_service.save_plan(uow(), me(), task, _posted_lines(task))
    except TaskRefused as refused:
        flash(say(refused), "error")
        return _render_plan(task, NewPointForm(prefix="point"), request.form, 400)
    flash(T.FLASH["plan_saved"], "success")
    return redirect(url_for("tasks.plan", task_id=task.id))


def _posted_lines(task: MonitoringTask) -> list[PlanLine]:
    form, lines = request.form, []
    for point in task.polluter.points:
        for factor in point.factors:
            key = factor.id
            if not form.get(f"pick-{key}"):
                continue
            samples = form.get(f"samples-{key}", "").strip()
            lines.append(PlanLine(point_id=point.id, factor=factor.name, method=form.get(f"method-{key}", ""),
                                  samples_per_visit=int(samples) if samples.isdigit() else 0,
                                  container=form.get(f"container-{key}"),
                                  preservative=form.get(f"preservative-{key}"),
                                  storage=form.get(f"storage-{key}")))
    return lines


@bp.post("/<int:task_id>/plan/points")
@role_required(CLERK)
def add_point(task_id: int):
    """新增点位 (only for a kind the polluter's directory entry lacks)."""
    task = get_or_404(MonitoringTask, task_id)
    form = NewPointForm(prefix="point")
    if not form.validate_on_submit():
        return _render_plan(task, form, None, 400)
    new = NewPoint(kind=form.kind.data, name=form.name.data, factors=FACTOR_SEPARATORS.split(form.factors.data),
                   latitude=form.latitude.data, longitude=form.longitude.data)
    try:
        point = task_service.add_point(uow(), me(), task, new)
    except TaskRefused as refused:
        flash(say(refused), "error")
        return _render_plan(task, form, None, 400)
    flash(T.FLASH["point_added"].format(code=point.code), "success")
    return redirect(url_for("tasks.plan", task_id=task.id))


def _render_plan(task: MonitoringTask, point_form: NewPointForm, typed, status: int):
    """The plan table: what was typed after a refusal, else the saved plan, else the filed method."""
    items = {(i.point_id, i.factor): i for i in task.plan}
    rows = []
    for point in task.polluter.points:
        for factor in point.factors:
            rows.append(_row(point, factor, items.get((point.id, factor.name)), typed))
    return render_template("tasks/plan.html", task=task, rows=rows, point_form=point_form,
                           methods=_filed_methods(task), editable=task.status == TaskStatus.PLANNING,
                           storage_conditions=STORAGE_CONDITIONS), status


def _row(point, factor, item, typed) -> dict:
    key = factor.id
    if typed is not None:
        return {"key": key, "point": point, "factor": factor.name, "picked": bool(typed.get(f"pick-{key}")),
                "method": typed.get(f"method-{key}", ""), "samples": typed.get(f"samples-{key}", ""),
                "container": typed.get(f"container-{key}", ""), "preservative": typed.get(f"preservative-{key}", ""),
                "storage": typed.get(f"storage-{key}", "")}
    if item is None:  # the self-monitoring scheme's method standard, where it lists the factor
        scheme = next((s.method_standard for s in point.scheme if s.factor == factor.name), "")
        return {"key": key, "point": point, "factor": factor.name, "picked": False, "method": scheme, "samples": 1,
                "container": "", "preservative": "", "storage": ""}
    return {"key": key, "point": point, "factor": factor.name, "picked": True, "method": item.method,
            "samples": item.samples_per_visit, "container": item.container or "",
            "preservative": item.preservative or "", "storage": item.storage or ""}


def _filed_methods(task: MonitoringTask) -> dict[str, list[str]]:
    """The method standards the agency filed per factor (监测能力), offered as suggestions."""
    filing = filings.filed_resources(db(), task.agency_id)
    methods: dict[str, list[str]] = {}
    for capability in (filing.snapshot.get("capabilities", []) if filing else []):
        methods.setdefault(capability["factor"], []).append(capability["method"])
    return methods


# --- 采样计划 ---------------------------------------------------------------------------------------

@bp.route("/<int:task_id>/schedule", methods=["GET", "POST"])
@role_required(CLERK)
def schedule(task_id: int):
    """The visits of the schedule, and the form adding one."""
    task = get_or_404(MonitoringTask, task_id)
    form = _visit_form(task)
    if not form.validate_on_submit():
        return _render_schedule(task, form, 400 if request.method == "POST" else 200)
    request_ = VisitRequest(day=form.day.data, starts=form.starts.data, ends=form.ends.data,
                            staff_ids=form.samplers.data or [], equipment_ids=form.equipment.data or [])
    try:
        visit = scheduling.schedule(uow(), me(), task, request_)
    except ScheduleRefused as refused:
        flash(say(refused), "error")
        return _render_schedule(task, form, 400)
    flash(T.FLASH["visit_scheduled"].format(day=visit.day, starts=f"{visit.starts:%H:%M}",
                                            ends=f"{visit.ends:%H:%M}"), "success")
    return redirect(url_for("tasks.schedule", task_id=task.id))


def _visit_form(task: MonitoringTask) -> VisitForm:
    form = VisitForm()
    if request.method == "GET":
        form.day.data = clock.today()
    people = scheduling.filed_staff(db(), task.agency_id)
    form.samplers.choices = {s.id: f"{s.name}（证书有效期至 {s.certificate_valid_until or '未登记'}）"
                             for s in people}
    items = scheduling.filed_equipment(db(), task.agency_id)
    form.equipment.choices = {e.id: f"{e.name} {e.model}（{e.asset_no}，检定/校准有效期至 "
                                    f"{e.calibration_valid_until or '未登记'}）" for e in items}
    return form


def _render_schedule(task: MonitoringTask, form: VisitForm, status: int):
    return render_template("tasks/schedule.html", task=task, form=form,
                           editable=task.status in scheduling.OPEN), status


@bp.post("/<int:task_id>/schedule/<int:visit_id>/delete")
@role_required(CLERK)
def unschedule(task_id: int, visit_id: int):
    """删除采样安排 (a visit whose trip has not started)."""
    task = get_or_404(MonitoringTask, task_id)
    try:
        scheduling.unschedule(uow(), me(), task, visit_id)
    except ScheduleRefused as refused:
        if refused.code == "visit_not_found":
            abort(404)
        flash(say(refused), "error")
        return _render_schedule(task, _visit_form(task), 400)
    flash(T.FLASH["visit_removed"], "success")
    return redirect(url_for("tasks.schedule", task_id=task.id))
