"""委托方采样记录 on the web: the client's sampling information and record sheets of an analysis-only task,
uploaded by the agency before the report number (services/sampling/client_sampling.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from models import MonitoringTask, Role, clock
from services.adapters import uploads
from services.field.records import RecordsProblem
from services.sampling import client_sampling
from services.texts.refusals import say
from web import formview
from web.access import get_or_404, me, role_required
from web.db import uow
from web.files import read_uploads, send_media
from web.records import texts as T
from web.records.blueprint import bp
from web.records.sampling import READERS

BAD_TIME = "请按“年-月-日 时:分”填写采样时间。"


def _page(task: MonitoringTask, status: int = 200, typed=None):
    return render_template("records/client_sampling.html", task=task, record=task.client_sampling,
                           typed=typed or {}, T=T, fmt=clock.fmt, local_input=formview.local_input,
                           editable=me().role == Role.AGENCY_ADMIN and not task.report_number), status


@bp.get("/tasks/<int:task_id>/client-sampling")
@role_required(*READERS)
def client_sampling_page(task_id: int):
    task = get_or_404(MonitoringTask, task_id)
    if task.sampling_needed:
        flash(say(RecordsProblem("client_sampling_not_delivered")), "error")
        return redirect(url_for("tasks.view", task_id=task_id))
    return _page(task)


@bp.post("/tasks/<int:task_id>/client-sampling")
@role_required(Role.AGENCY_ADMIN)
def save_client_sampling(task_id: int):
    task = get_or_404(MonitoringTask, task_id)
    form = request.form
    try:
        sampled_at = formview.local_datetime(form.get("sampled_at", ""))
    except ValueError:
        flash(BAD_TIME, "error")
        return _page(task, 400, typed=form)
    info = client_sampling.Info(form.get("sampled_by", "").strip(), sampled_at, form.get("place", "").strip(),
                                form.get("note", "").strip())
    files = read_uploads("files", client_sampling.POLICY, client_sampling.MAX_FILES)
    try:
        client_sampling.save(uow(), task, me(), info, files)
    except RecordsProblem as refused:
        flash(say(refused), "error")
        return _page(task, 400, typed=form)
    except uploads.UploadRefused as refused:
        flash(f"{say(refused)}（本次提交未保存，请更换文件后重新提交）", "error")
        return _page(task, 400, typed=form)
    flash(f"委托方采样记录已保存（本次上传 {len(files)} 个文件）。", "success")
    return redirect(url_for("records.client_sampling_page", task_id=task_id))


@bp.get("/tasks/<int:task_id>/client-sampling/files/<int:file_id>")
@role_required(*READERS)
def client_sampling_file(task_id: int, file_id: int):
    """One record sheet, found through the task the user may see (another tenant's task is a 404)."""
    task = get_or_404(MonitoringTask, task_id)
    record = task.client_sampling
    found = next((f for f in record.files if f.id == file_id), None) if record else None
    if found is None:
        abort(404)
    name = f"{task.code}-采样记录-{file_id}.{found.kind}" if found.kind == "pdf" else None
    return send_media(found.path, name, evidence=True)
