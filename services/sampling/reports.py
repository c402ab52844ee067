"""数据报告: the report system number (报告系统编号) and the report PDF.

The number is `<agency code>-<year>-<sequence>`, e.g. LC-2026-00001: unique per agency and year, sequential,
never reused. The sequence is the ReportCounter row of (agency, year), incremented by one atomic
`INSERT ... ON CONFLICT DO UPDATE SET last = last + 1 RETURNING last`: on PostgreSQL the row lock it takes
holds a concurrent request until this transaction ends; on SQLite every transaction already holds the write
lock (BEGIN IMMEDIATE, services/core/runtime.py). A rolled-back request rolls its increment back too, so the
numbers have no gaps; a number once committed stays on its task and is never handed out again.

Asking twice for one task returns the same number: the task row is locked (FOR UPDATE) and re-read first.

The report PDF is uploaded after the number. The upload is the last step of the task's workflow: it closes
the task (数据报告 → closed); the file is kept under media_root/reports/<task id>/ and the upload is logged.
"""
from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import MonitoringTask, ReportCounter, User, clock
from services.adapters import uploads
from services.core.uow import UnitOfWork, transaction
from services.field.records import RecordsProblem, fire, may
from services.sampling import client_sampling

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_sequence(db: Session, agency_id: int, year: int) -> int:
    """The next number of the agency's year, taken atomically from its counter row."""
    insert = INSERTS[db.get_bind().dialect.name]
    statement = (
        insert(ReportCounter)
        .values(agency_id=agency_id, year=year, last=1)
        .on_conflict_do_update(index_elements=[ReportCounter.agency_id, ReportCounter.year],
                               set_={"last": ReportCounter.last + 1})
        .returning(ReportCounter.last)
    )
    return db.execute(statement).scalar_one()


def report_number(code: str, year: int, sequence: int) -> str:
    return f"{code}-{year}-{sequence:05d}"


@transaction
def issue_number(uow: UnitOfWork, task: MonitoringTask, user: User) -> str:
    """生成报告系统编号: once per task, at the report step; delivered samples need their receipt check and
    the client's sampling record (3.2.6) first."""
    db = uow.session
    # lock and re-read the task: a second request for the same task waits here, then finds the number
    db.scalars(select(MonitoringTask).where(MonitoringTask.id == task.id).with_for_update()
               .execution_options(populate_existing=True)).one()
    if task.report_number:
        return task.report_number
    if not task.sampling_needed and (task.receipt is None or task.receipt.confirmed_at is None):
        raise RecordsProblem("receipt_needed")
    if not task.sampling_needed and not client_sampling.ready(task):
        raise RecordsProblem("client_sampling_needed")
    if not may(task, "issue_report_number"):
        raise RecordsProblem("wrong_status", status=task.status)
    if not task.agency.code:
        raise RecordsProblem("agency_code_missing")
    year = clock.today().year
    task.report_number = report_number(task.agency.code, year, next_sequence(db, task.agency_id, year))
    fire(task, user, "issue_report_number", number=task.report_number)
    return task.report_number


@transaction
def upload_report(uow: UnitOfWork, task: MonitoringTask, user: User, data: bytes) -> None:
    """上传报告: a PDF (checked by its content) of at most 20 MB, after the number; the task is then closed."""
    if not task.report_number:
        raise RecordsProblem("number_first")
    if not may(task, "upload_report"):
        raise RecordsProblem("wrong_status", status=task.status)
    uploads.check(data, uploads.REPORT)
    relative = Path("reports") / str(task.id) / f"{task.report_number}-{uuid.uuid4().hex[:8]}.pdf"
    task.report_path = uploads.write(uow.config.media_root, relative, data)
    task.report_uploaded_at = task.closed_at = clock.now()
    fire(task, user, "upload_report", number=task.report_number, size=len(data))
