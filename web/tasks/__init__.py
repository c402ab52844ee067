"""监测任务: the task list with its Excel export, the application form, the task page with its event log,
and the buttons that move a task along. The plan and schedule forms are in web/tasks/planning.py."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from models import MonitoringTask, Role, TaskStatus, clock
from services.filing import filings
from services.sampling import tasks as task_service
from services.sampling.contracts import linkable
from services.sampling.tasks import Application, TaskFilter, TaskRefused
from services.texts.refusals import SENTENCES, say
from states.task import STATUS_NAMES, TRANSITIONS
from web.access import get_or_404, me, role_required
from web.db import db, uow
from web.files import XLSX, send_generated
from web.tasks import texts as T
from web.tasks.export import workbook
from web.tasks.forms import ApplicationForm

bp = Blueprint("tasks", __name__, url_prefix="/agency/tasks", template_folder="templates")

# who may read task pages (policy.scoped decides which tasks), and who may change them
READERS = (Role.AGENCY_ADMIN, Role.POLLUTER_CONFIRMER, Role.REGULATOR, Role.SYSTEM_ADMIN)
CLERK = Role.AGENCY_ADMIN
# the moves the task page's buttons make; sampling management and the report have their own pages
PAGE_TRIGGERS = tuple(T.SUBMIT_BUTTONS)


@bp.app_template_filter("task_status")
def task_status(status) -> str:
    return T.status_name(status)


# --- the list and its export ---------------------------------------------------------------------------

def _filters() -> tuple[TaskFilter, list[str]]:
    """The list's filters from the query string; a malformed date is left out and said so."""
    args, problems = request.args, []
    dates = {}
    for key in ("start", "end"):
        try:
            dates[key] = date.fromisoformat(args[key]) if args.get(key) else None
        except ValueError:
            dates[key] = None
            problems.append(T.FLASH["bad_dates"])
    status = args.get("status") if args.get("status") in set(TaskStatus) else None
    polluter = args.get("polluter", "")
    return TaskFilter(status=status, polluter_id=int(polluter) if polluter.isdigit() else None,
                      keyword=(args.get("q") or "").strip()[:100] or None, **dates), problems


def _described(wanted: TaskFilter, polluters) -> str:
    """The filters in words, as the export's heading shows them."""
    names = {p.id: p.name for p in polluters}
    parts = []
    if wanted.status:
        parts.append(f"状态：{STATUS_NAMES[TaskStatus(wanted.status)]}")
    if wanted.polluter_id:
        parts.append(f"监测对象：{names.get(wanted.polluter_id, '—')}")
    if wanted.start or wanted.end:
        parts.append(f"申请日期：{wanted.start or '不限'} 至 {wanted.end or '不限'}")
    if wanted.keyword:
        parts.append(f"关键字：{wanted.keyword}")
    return "；".join(parts) or T.NO_FILTERS


@bp.get("/")
@role_required(*READERS)
def index():
    user = me()
    wanted, problems = _filters()
    polluters = task_service.polluters_seen(db(), user)
    rows = task_service.find(db(), user, wanted)
    may_apply = user.role == CLERK and filings.may_run_tasks(db(), user.agency_id)
    return render_template("tasks/index.html", rows=rows, wanted=wanted, problems=problems, polluters=polluters,
                           statuses=STATUS_NAMES, may_apply=may_apply, clerk=user.role == CLERK,
                           described=_described(wanted, polluters), fmt=clock.fmt)


@bp.get("/export.xlsx")
@role_required(*READERS)
def export():
    """导出 Excel: exactly the rows the list shows for the same filters, the filters written on top."""
    user = me()
    wanted, _ = _filters()
    polluters = task_service.polluters_seen(db(), user)
    content = workbook(task_service.find(db(), user, wanted), _described(wanted, polluters))
    return send_generated(content.getvalue(), XLSX, f"监测任务_{clock.today():%Y%m%d}.xlsx")


# --- 委托任务申请 ------------------------------------------------------------------------------------

def _application_form(form: ApplicationForm) -> ApplicationForm:
    user = me()
    polluters = task_service.choosable_polluters(db(), user)
    form.polluter_id.choices = {"": "请选择", **{p.id: f"{p.name}（{p.district}）" for p in polluters}}
    contracts = [] if user.agency.self_monitoring else linkable(db(), user.agency_id)
    form.contract_id.choices = {"": "请选择", **{c.id: f"{c.code}｜{c.polluter.name}" for c in contracts}}
    if user.agency.self_monitoring and polluters and request.method == "GET":
        form.polluter_id.data = polluters[0].id  # its own site, the only choice
    return form


def _application(form: ApplicationForm) -> Application:
    return Application(name=form.name.data or "", category=form.category.data, polluter_id=form.polluter_id.data,
                       contract_id=form.contract_id.data, address=form.address.data or "",
                       sampling_needed=form.sampling_needed.data == "1",
                       analysis_needed=bool(form.analysis_needed.data))


@bp.route("/new", methods=["GET", "POST"])
@role_required(CLERK)
def new():
    """新建委托任务: only an agency whose filing is in force."""
    user = me()
    if not filings.may_run_tasks(db(), user.agency_id):
        flash(SENTENCES["task"]["not_filed"], "error")
        return redirect(url_for("tasks.index"))
    form = _application_form(ApplicationForm())
    if not form.validate_on_submit():
        return _render_application(form, None, 400 if request.method == "POST" else 200)
    try:
        task = task_service.apply(uow(), user, _application(form))
    except TaskRefused as refused:
        flash(say(refused), "error")
        return _render_application(form, None, 400)
    flash(T.FLASH["applied"].format(code=task.code), "success")
    return redirect(url_for("tasks.view", task_id=task.id))


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
@role_required(CLERK)
def edit(task_id: int):
    """修改委托申请, until it is submitted."""
    task = get_or_404(MonitoringTask, task_id)
    if task.status != TaskStatus.APPLICATION:
        if request.method == "POST":
            abort(400, SENTENCES["task"]["application_closed"])
        flash(SENTENCES["task"]["application_closed"], "error")
        return redirect(url_for("tasks.view", task_id=task.id))
    form = _application_form(ApplicationForm(obj=task if request.method == "GET" else None))
    if request.method == "GET":
        form.sampling_needed.data = "1" if task.sampling_needed else "0"
    if not form.validate_on_submit():
        return _render_application(form, task, 400 if request.method == "POST" else 200)
    try:
        task_service.revise_application(uow(), me(), task, _application(form))
    except TaskRefused as refused:
        flash(say(refused), "error")
        return _render_application(form, task, 400)
    flash(T.FLASH["application_revised"], "success")
    return redirect(url_for("tasks.view", task_id=task.id))


def _render_application(form: ApplicationForm, task: MonitoringTask | None, status: int):
    return render_template("tasks/application.html", form=form, task=task,
                           self_monitoring=me().agency.self_monitoring), status


# --- the task page -------------------------------------------------------------------------------------

@bp.get("/<int:task_id>")
@role_required(*READERS)
def view(task_id: int):
    return _render_task(get_or_404(MonitoringTask, task_id), 200)


def _render_task(task: MonitoringTask, status: int):
    user = me()
    return render_template("tasks/view.html", task=task, clerk=user.role == CLERK, texts=T, fmt=clock.fmt,
                           buttons=_buttons(task) if user.role == CLERK else [],
                           sampling_needed=T.SAMPLING_NEEDED[task.sampling_needed]), status


def _buttons(task: MonitoringTask) -> list[tuple[str, str]]:
    """The moves offered on the page: those whose source is the task's status (guards are checked on click,
    so a refusal can say what is missing)."""
    sources = {t["trigger"]: t["source"] for t in TRANSITIONS if t["trigger"] in PAGE_TRIGGERS}
    return [(trigger, T.SUBMIT_BUTTONS[trigger]) for trigger in PAGE_TRIGGERS if sources[trigger] == task.status]


@bp.post("/<int:task_id>/advance")
@role_required(CLERK)
def advance(task_id: int):
    """The page's submit buttons: 提交委托申请, 提交监测方案, 退回修改方案, 提交采样计划."""
    task = get_or_404(MonitoringTask, task_id)
    trigger = request.form.get("trigger", "")
    if trigger not in PAGE_TRIGGERS:
        flash(SENTENCES["task"]["wrong_status"].format(status=T.status_name(task.status)), "error")
        return _render_task(task, 400)
    try:
        task_service.advance(task, me(), trigger)
    except TaskRefused as refused:
        flash(say(refused), "error")
        return _render_task(task, 400)
    flash(T.FLASH[trigger], "success")
    return redirect(url_for("tasks.view", task_id=task.id))


from web.tasks import planning  # noqa: E402,F401  (the plan and schedule routes of this blueprint)
