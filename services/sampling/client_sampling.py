"""委托方采样记录: an analysis-only task (the client sampled and delivered the samples, 送样) needs the client's
sampling information — who sampled, when, where — and its sampling record sheets (PDF or photos) before the
report number can be generated (seed 000, 3.2.6). The receipt check of the delivered samples is separate
(services/sampling/receipts.py) and stays as it is.

Every file is checked under the one upload policy (services/adapters/uploads.py) before anything is stored; once the
report number is issued the record is evidence and is not changed any more.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from models import ClientSampling, ClientSamplingFile, MonitoringTask, User, clock
from services.adapters import uploads
from services.core.uow import UnitOfWork, transaction
from services.field.records import RecordsProblem
from services.sampling import tasks

POLICY = uploads.Policy("采样记录", uploads.CERTIFICATE_TYPES, 20 * uploads.MB)
MAX_FILES = 10  # per upload: the sheets of one sampling, not an archive
NOTE_MAX = 500


@dataclass(frozen=True)
class Info:
    """The client's sampling information as the agency typed it (already read from the form)."""

    sampled_by: str
    sampled_at: datetime
    place: str
    note: str = ""


def ready(task: MonitoringTask) -> bool:
    """The record exists with at least one sampling record sheet: the report number may be generated."""
    return task.client_sampling is not None and bool(task.client_sampling.files)


@transaction
def save(uow: UnitOfWork, task: MonitoringTask, user: User, info: Info, files: list[bytes]) -> ClientSampling:
    """Record (or correct) the information and add the uploaded sheets; every file is checked first, so a bad
    one refuses the whole upload and nothing of it is stored."""
    _check_open(task)
    _check_info(info)
    if len(files) > MAX_FILES:
        raise RecordsProblem("client_sampling_too_many", limit=MAX_FILES)
    kinds = [uploads.check(data, POLICY) for data in files]
    if not files and not (task.client_sampling and task.client_sampling.files):
        raise RecordsProblem("client_sampling_file_needed")
    record = task.client_sampling or ClientSampling(task=task)
    record.sampled_by, record.sampled_at, record.place = info.sampled_by, info.sampled_at, info.place
    record.note = info.note or None
    record.recorded_by_id, record.recorded_at = user.id, clock.now()
    for data, kind in zip(files, kinds, strict=True):
        record.files.append(_store(uow, task, data, kind))
    uow.session.add(record)
    uow.session.flush()
    tasks.log(task, user, "client_sampling_saved", sampled_by=info.sampled_by, place=info.place,
              sampled_at=clock.fmt(info.sampled_at), files=len(files))
    return record


def _check_open(task: MonitoringTask) -> None:
    if task.sampling_needed:
        raise RecordsProblem("client_sampling_not_delivered")
    if task.report_number:
        raise RecordsProblem("client_sampling_locked")


def _check_info(info: Info) -> None:
    if not info.sampled_by or not info.place:
        raise RecordsProblem("client_sampling_incomplete")
    if len(info.sampled_by) > 100 or len(info.place) > 255 or len(info.note) > NOTE_MAX:
        raise RecordsProblem("client_sampling_too_long", limit=NOTE_MAX)
    if info.sampled_at > clock.now():
        raise RecordsProblem("client_sampling_future")


def _store(uow: UnitOfWork, task: MonitoringTask, data: bytes, kind: str) -> ClientSamplingFile:
    relative = Path("client-sampling") / str(task.id) / f"{uuid.uuid4().hex}.{kind}"
    path = uploads.write(uow.config.media_root, relative, data)
    return ClientSamplingFile(path=path, kind=kind, size=len(data), uploaded_at=clock.now())
