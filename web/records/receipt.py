"""送样接收检查 on the web: the form rendered from its definition (states/receipt.py), photos, confirmation."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from models import MonitoringTask, Role, clock
from services.adapters import uploads
from services.field.records import RecordsProblem
from services.sampling import lab_receipts, receipts
from services.texts.refusals import say
from states.receipt import RECEIPT_CHECK, TAGS
from web import formview
from web.access import get_or_404, me, role_required
from web.db import db, uow
from web.records import texts as T
from web.records import upload
from web.records.blueprint import bp


def _page(task: MonitoringTask, status: int = 200, typed=None, errors=None):
    answers = task.receipt.answers if task.receipt else {}
    fields = formview.widgets(RECEIPT_CHECK, TAGS, answers, typed, errors)
    return render_template("records/receipt.html", task=task, fields=fields, form=RECEIPT_CHECK,
                           summary=receipts.summary(task), photos=receipts.photos(db(), task), T=T,
                           late=lab_receipts.late_delivered(task),
                           fmt=clock.fmt), status


@bp.get("/tasks/<int:task_id>/receipt")
@role_required(Role.AGENCY_ADMIN)
def receipt(task_id: int):
    task = get_or_404(MonitoringTask, task_id)
    if task.sampling_needed:
        flash(say(RecordsProblem("not_delivered")), "error")
        return redirect(url_for("records.task", task_id=task_id))
    return _page(task)


@bp.post("/tasks/<int:task_id>/receipt")
@role_required(Role.AGENCY_ADMIN)
def save_receipt(task_id: int):
    task = get_or_404(MonitoringTask, task_id)
    answers, errors = formview.parse_posted(RECEIPT_CHECK, TAGS, request.form)
    if errors:
        flash("请按提示修改标红的项目。", "error")
        return _page(task, 400, typed=request.form, errors=errors)
    try:
        receipts.save(uow(), task, me(), answers)
    except RecordsProblem as refused:
        flash(say(refused), "error")
        return _page(task, 400, typed=request.form)
    flash("送样接收检查已保存。上传样品照片后即可确认。", "success")
    return redirect(url_for("records.receipt", task_id=task_id))


@bp.post("/tasks/<int:task_id>/receipt/photos")
@role_required(Role.AGENCY_ADMIN)
def receipt_photo(task_id: int):
    task = get_or_404(MonitoringTask, task_id)
    return upload.handle("photo", uploads.PHOTO, "请选择要上传的照片。",
                         lambda data: receipts.add_upload(uow(), task, me(), data),
                         lambda status: _page(task, status), "照片已上传。",
                         url_for("records.receipt", task_id=task_id))


@bp.post("/tasks/<int:task_id>/receipt/confirm")
@role_required(Role.AGENCY_ADMIN)
def confirm_receipt(task_id: int):
    task = get_or_404(MonitoringTask, task_id)
    try:
        receipts.confirm(uow(), task, me())
    except RecordsProblem as refused:
        flash(say(refused), "error")
        return _page(task, 400)
    flash("送样接收检查已确认。", "success")
    return redirect(url_for("records.task", task_id=task_id))
