"""采样管理: every planned visit of a task, each trip's timeline and photos, submit or close the task."""
from __future__ import annotations

from collections import Counter

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from models import MonitoringTask, Photo, Role, SamplingTrip, User, clock
from services.field import presence, records
from services.field.records import RecordsProblem
from services.findings import summary as findings_summary
from services.findings.facts import Subject
from services.sampling import lab_receipts, trips
from services.texts.refusals import say
from states import forms
from states.conditions import WORKING_CONDITIONS
from web import formview
from web.access import get_or_404, me, role_required
from web.db import db, uow
from web.files import send_media
from web.records import texts as T
from web.records.blueprint import bp

AGENCY = (Role.AGENCY_ADMIN,)
# who may open a trip's record and its photos: the agency, the regulator of the district, the administrator
READERS = (Role.AGENCY_ADMIN, Role.REGULATOR, Role.SYSTEM_ADMIN)
VARIANTS = {"thumb": "thumbnail_path", "watermarked": "watermarked_path"}


@bp.app_context_processor
def _summary_helper() -> dict:
    """`sampling_overview(task)` for the task page's sampling-management section (_task_section.html)."""
    return {"sampling_overview": overview}


def overview(task: MonitoringTask) -> dict:
    """A compact view of where the task's field work (or its receipt check) stands."""
    statuses = records.visit_statuses(db(), task) if task.sampling_needed else []
    counts = Counter(s.status for s in statuses)
    role = me().role
    return {"visits": len(statuses), "done": counts[records.COMPLETED],
            "counts": [(T.VISIT_STATUS[code], n) for code, n in counts.items()],
            "receipt_confirmed": bool(task.receipt and task.receipt.confirmed_at),
            "manage": role in AGENCY, "read_report": role in READERS, "fmt": clock.fmt,
            "overdue": _overdue_count(task)}


def _overdue_count(task: MonitoringTask) -> int:
    """Samples (or, for delivered samples, factors) received past their holding time."""
    if task.sampling_needed:
        return len(lab_receipts.overdue_on_task(db(), task))
    return len(lab_receipts.late_delivered(task))


@bp.get("/tasks/<int:task_id>")
@role_required(*AGENCY)
def task(task_id: int):
    return task_page(get_or_404(MonitoringTask, task_id))


def task_page(found: MonitoringTask, status: int = 200):
    """The sampling-management page; after a refusal it is shown again with the reason (400)."""
    statuses = records.visit_statuses(db(), found) if found.sampling_needed else []
    return render_template("records/task.html", task=found, statuses=statuses,
                           missing=[s for s in statuses if not s.done], T=T, fmt=clock.fmt,
                           overdue=lab_receipts.overdue_on_task(db(), found) if found.sampling_needed else [],
                           late=lab_receipts.late_delivered(found),
                           may=lambda trigger: records.may(found, trigger)), status


@bp.post("/tasks/<int:task_id>/submit")
@role_required(*AGENCY)
def submit(task_id: int):
    return _decide(task_id, records.submit, "已提交采样管理，请生成报告系统编号。")


@bp.post("/tasks/<int:task_id>/close")
@role_required(*AGENCY)
def close(task_id: int):
    return _decide(task_id, records.close, "任务已结束（无需分析）。")


def _decide(task_id: int, use_case, done: str):
    found = get_or_404(MonitoringTask, task_id)
    try:
        use_case(uow(), found, me())
    except RecordsProblem as refused:
        flash(say(refused), "error")
        return task_page(found, 400)
    flash(done, "success")
    return redirect(url_for("records.task", task_id=task_id))


@bp.get("/trips/<int:trip_id>")
@role_required(*READERS)
def trip(trip_id: int):
    """One trip's timeline: check-ins, samples, operating conditions, photos, confirmation, event log."""
    return trip_page(get_or_404(SamplingTrip, trip_id))


def trip_page(found: SamplingTrip, status: int = 200, typed=None):
    """The trip's record page; after a refusal it is shown again with the reason and what was typed."""
    tags = trips.visit_tags(found)
    answers = found.conditions.answers if found.conditions else {}
    conditions = [(f.label, forms.display(f, answers.get(f.name))) for f in WORKING_CONDITIONS.applicable(tags)]
    actors = _names({e.actor_id for e in found.events})
    photos = [(T.PHOTO_PURPOSE[purpose], [p for p in found.photos if p.purpose == purpose])
              for purpose in ("arrival", "sampling", "output", "departure")]
    return render_template("records/trip.html", trip=found, task=found.visit.task, conditions=conditions,
                           status=records.trip_status(found), photos=photos, actors=actors, T=T, fmt=clock.fmt,
                           agency_view=me().role == Role.AGENCY_ADMIN, held=lab_receipts.held(found),
                           left_site=lab_receipts.left_site(found), typed=typed or {},
                           local_input=formview.local_input, crew=presence.roster(found),
                           findings=findings_summary.of_subject(db(), Subject("trip", found.id))), status


def _names(user_ids: set) -> dict[int, str]:
    ids = [i for i in user_ids if i]
    users = db().scalars(select(User).where(User.id.in_(ids))) if ids else []
    return {u.id: u.display_name for u in users}


# --- photos -------------------------------------------------------------------------------------------

@bp.get("/photos/<int:photo_id>/<variant>")
@role_required(*READERS)
def photo(photo_id: int, variant: str):
    """A thumbnail or the watermarked copy; the original has its own, logged, request."""
    found = get_or_404(Photo, photo_id)
    if variant not in VARIANTS:
        abort(404)
    return send_media(getattr(found, VARIANTS[variant]), evidence=True)


@bp.post("/photos/<int:photo_id>/original")
@role_required(*READERS)
def original(photo_id: int):
    """查看原图: the unmodified original, on an explicit request that goes into the task's event log."""
    found = get_or_404(Photo, photo_id)
    if not found.original_path:
        abort(404)
    records.original_viewed(uow(), found, me())
    return send_media(found.original_path, evidence=True)
