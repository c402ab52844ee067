"""数据报告: the report system number, the report PDF upload and its download."""
from __future__ import annotations

from flask import flash, redirect, url_for

from models import MonitoringTask, Role
from services.adapters import uploads
from services.field.records import RecordsProblem
from services.sampling import reports
from services.texts.refusals import say
from web.access import get_or_404, me, role_required
from web.db import uow
from web.files import send_media
from web.records import upload
from web.records.blueprint import bp
from web.records.sampling import READERS, task_page


@bp.post("/tasks/<int:task_id>/report-number")
@role_required(Role.AGENCY_ADMIN)
def report_number(task_id: int):
    task = get_or_404(MonitoringTask, task_id)
    try:
        number = reports.issue_number(uow(), task, me())
    except RecordsProblem as refused:
        flash(say(refused), "error")
        return task_page(task, 400)
    flash(f"报告系统编号：{number}", "success")
    return redirect(url_for("records.task", task_id=task_id))


@bp.post("/tasks/<int:task_id>/report")
@role_required(Role.AGENCY_ADMIN)
def upload_report(task_id: int):
    task = get_or_404(MonitoringTask, task_id)
    return upload.handle("report", uploads.REPORT, "请选择报告 PDF 文件。",
                         lambda data: reports.upload_report(uow(), task, me(), data),
                         lambda status: task_page(task, status), "报告已上传，任务已结束。",
                         url_for("records.task", task_id=task_id))


@bp.get("/tasks/<int:task_id>/report")
@role_required(*READERS)
def download_report(task_id: int):
    task = get_or_404(MonitoringTask, task_id)
    return send_media(task.report_path, f"{task.report_number}.pdf")
