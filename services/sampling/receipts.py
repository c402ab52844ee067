"""送样接收检查: the receipt check of samples a polluter delivers (analysis-only tasks, sampling_needed False).

Filled in on the web (all fields at once) or in chat (one field at a time) from the one form definition in
states/receipt.py, with photos; confirmed once complete, and from then on it is evidence and stays as it is.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import MonitoringTask, Photo, PhotoPurpose, PhotoStatus, ReceiptCheck, TaskStatus, User, clock
from services.adapters import media, uploads
from services.adapters.photos import PhotoRejected
from services.core.uow import UnitOfWork, transaction
from services.field import records
from services.sampling import tasks
from services.texts.refusals import say
from states import forms
from states.receipt import RECEIPT_CHECK, TAGS
from states.task import STATUS_NAMES

# the receipt check is filled in before the task reaches its report (delivered tasks wait at 采样管理)
OPEN = tuple(s for s in TaskStatus if s not in (TaskStatus.REPORTING, TaskStatus.CLOSED))


def awaiting(db: Session, agency_id: int) -> list[MonitoringTask]:
    """The agency's delivered-sample tasks whose receipt check is not confirmed yet (待送样接收检查)."""
    query = (
        select(MonitoringTask)
        .outerjoin(ReceiptCheck, ReceiptCheck.task_id == MonitoringTask.id)
        .where(MonitoringTask.agency_id == agency_id, MonitoringTask.sampling_needed.is_(False),
               MonitoringTask.status.in_(OPEN), ReceiptCheck.confirmed_at.is_(None))
        .order_by(MonitoringTask.id)
    )
    return list(db.scalars(query))


def agency_task(db: Session, agency_id: int | None, task_id: int) -> MonitoringTask | None:
    """The task, only while it is still this agency's (a list shown earlier may outlive a reassignment)."""
    task = db.get(MonitoringTask, task_id)
    return task if task is not None and task.agency_id == agency_id else None


def check_of(task: MonitoringTask) -> ReceiptCheck:
    """The task's receipt check, started empty on first use; refused unless it may still be filled in."""
    if task.sampling_needed:
        raise records.RecordsProblem("not_delivered")
    if task.receipt is not None and task.receipt.confirmed_at is not None:
        raise records.RecordsProblem("receipt_confirmed")
    if task.status not in OPEN:
        raise records.RecordsProblem("wrong_status", status=STATUS_NAMES[TaskStatus(task.status)])
    if task.receipt is None:
        task.receipt = ReceiptCheck(answers={})
    return task.receipt


def photos(db: Session, task: MonitoringTask) -> list[Photo]:
    query = select(Photo).where(Photo.task_id == task.id, Photo.purpose == PhotoPurpose.RECEIPT,
                                Photo.status != PhotoStatus.REJECTED).order_by(Photo.id)
    return list(db.scalars(query))


# --- the answers ---------------------------------------------------------------------------------------

@transaction
def save(uow: UnitOfWork, task: MonitoringTask, user: User, answers: dict) -> ReceiptCheck:
    """The web form, all fields at once (already parsed by the form engine)."""
    check = check_of(task)
    check.answers = dict(answers)
    check.recorded_by_id = user.id
    tasks.log(task, user, "receipt_saved", answers=check.answers)
    return check


def current_field(task: MonitoringTask) -> forms.Field | None:
    """The chat cursor: the first field without an answer (None when all are answered)."""
    answers = task.receipt.answers if task.receipt else {}
    return forms.current_field(RECEIPT_CHECK, answers, TAGS)


def answer(uow: UnitOfWork, task: MonitoringTask, user: User, text: str) -> forms.Field:
    """One chat answer for the current field; FieldError tells what the field expects."""
    check = check_of(task)
    asked = forms.current_field(RECEIPT_CHECK, check.answers, TAGS)
    if asked is None:
        raise records.RecordsProblem("receipt_complete")
    check.answers = forms.answer(RECEIPT_CHECK, dict(check.answers), TAGS, text)
    check.recorded_by_id = user.id
    tasks.log(task, user, "receipt_answer", field=asked.name, value=check.answers[asked.name])
    return asked


def back(uow: UnitOfWork, task: MonitoringTask, user: User) -> None:
    """上一步: the last answer is removed and asked again."""
    check = check_of(task)
    answers = forms.back(RECEIPT_CHECK, dict(check.answers), TAGS)
    if answers is None:
        raise records.RecordsProblem("nothing_to_go_back")
    check.answers = answers
    tasks.log(task, user, "receipt_back")


@transaction
def confirm(uow: UnitOfWork, task: MonitoringTask, user: User) -> ReceiptCheck:
    """确认: every required field answered and at least one photo of the samples; then it is final."""
    check = check_of(task)
    if forms.current_field(RECEIPT_CHECK, check.answers, TAGS) is not None:
        raise records.RecordsProblem("receipt_incomplete")
    if not photos(uow.session, task):
        raise records.RecordsProblem("receipt_photo_needed")
    check.confirmed_at = clock.now()
    check.recorded_by_id = user.id
    tasks.log(task, user, "receipt_confirmed")
    return check


def summary(task: MonitoringTask) -> str:
    return forms.summary(RECEIPT_CHECK, task.receipt.answers if task.receipt else {}, TAGS)


# --- photos -------------------------------------------------------------------------------------------

def _new_photo(uow: UnitOfWork, task: MonitoringTask, user: User, media_id: str, **extra) -> Photo:
    check_of(task)
    photo = Photo(task_id=task.id, purpose=PhotoPurpose.RECEIPT, sent_by=user, received_at=clock.now(),
                  media_id=media_id, **extra)
    uow.session.add(photo)
    uow.session.flush()
    return photo


def add_chat_photo(uow: UnitOfWork, task: MonitoringTask, user: User, media_id: str, pic_url: str | None = None,
                   live: bool = False) -> Photo:
    """A photo sent in chat: recorded now, its media fetched and processed by a job after the commit."""
    photo = _new_photo(uow, task, user, media_id, pic_url=pic_url, live=live)
    tasks.log(task, user, "receipt_photo", photo=photo.id)
    uow.after_commit("services.wechat.jobs.fetch_photo", photo.id)
    return photo


@transaction
def add_upload(uow: UnitOfWork, task: MonitoringTask, user: User, data: bytes) -> Photo:
    """A photo uploaded on the web: checked under the upload policy (UploadRefused), processed at once; an
    unusable picture is refused and not kept."""
    uploads.check(data, uploads.PHOTO)
    photo = _new_photo(uow, task, user, "web-upload")
    try:
        media.store(uow, photo, data)
    except PhotoRejected as rejected:
        uow.session.delete(photo)
        uow.session.flush()
        raise records.RecordsProblem("photo_rejected", reason=say(rejected)) from rejected
    tasks.log(task, user, "receipt_photo", photo=photo.id)
    return photo
