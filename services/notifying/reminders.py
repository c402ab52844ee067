"""Reminders (提醒) on a schedule, by the one clock: each cause told once (services/notifying/notices.py), so running them
every few minutes — several workers at once included — tells nobody twice.

- the polluter, while the crew is still on site, of a trip waiting for its confirmation;
- the O&M polluter, in the evening, of a visit it must sign before 24:00;
- the O&M agency of the visits due tomorrow, and of those overdue (planned, not started), and of the
  comparison/verification reports due within a week or overdue;
- the monitoring agency of delivered samples waiting for their receipt check (送样接收核对), and of reports
  not yet uploaded REPORT_DUE after 采样管理 was submitted.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Agency,
    AgencyKind,
    Confirmation,
    ConfirmationStatus,
    MonitoringTask,
    OmConfirmation,
    OmPlan,
    OmVisit,
    SamplingTrip,
    TaskStatus,
    User,
    clock,
)
from services.core import periodic
from services.core.uow import UnitOfWork
from services.notifying import notices
from services.om import om_reports
from services.sampling import receipts
from states.om_visit import Step as OmStep
from states.trip import Step as TripStep

SENDER = "环境监测社会化服务监管系统"
CONFIRM_AFTER = timedelta(minutes=10)  # the template message came first; remind if nobody reacted
SIGN_FROM = time(20, 0)  # China time: the evening of the visit day, before the 24:00 deadline
OVERDUE_HORIZON = timedelta(days=30)  # older misses are the desk's business, not a reminder's
REPORT_NOTICE = timedelta(days=7)  # a comparison or verification takes arranging: a week's notice
# Neither the notice nor its guide sets when a monitoring report is due; a laboratory's analysis and report usually
# take two to three weeks after the samples arrive (and the contract may say otherwise): the agency is reminded once
# a task has waited this long in 数据报告 without its report, and the regulator's urging remains for the rest.
REPORT_DUE = timedelta(days=20)
OM_KINDS = (AgencyKind.OM, AgencyKind.SELF_MONITORING_OM)
MONITORING_KINDS = (AgencyKind.MONITORING, AgencyKind.SELF_MONITORING, AgencyKind.SELF_MONITORING_OM)
EVERY_SECONDS = 600


def run(runtime) -> int:
    """Every reminder due now; how many notices were sent."""
    with UnitOfWork(runtime) as uow:
        told = sum(rule(uow, clock.now()) for rule in (trip_confirmations, om_signatures, om_due_tomorrow,
                                                        om_overdue, om_reports_due, receipts_waiting,
                                                        monitoring_reports_due))
        uow.commit()
    return told


def trip_confirmations(uow: UnitOfWork, now: datetime) -> int:
    rows = uow.session.execute(
        select(Confirmation, SamplingTrip).join(SamplingTrip, Confirmation.trip_id == SamplingTrip.id)
        .where(Confirmation.status == ConfirmationStatus.PENDING,
               SamplingTrip.state == TripStep.AWAITING_CONFIRMATION,
               SamplingTrip.submitted_at <= now - CONFIRM_AFTER,
               SamplingTrip.submitted_at >= now - timedelta(days=1)))
    told = 0
    for confirmation, trip in rows:
        task = trip.visit.task
        body = f"{task.name}的采样记录已于 {clock.fmt(trip.submitted_at)} 提交，尚未确认。{_confirm_ask(trip)}"
        told += _tell(uow, notices.polluter_confirmers(uow.session, task.polluter_id),
                      f"reminder:trip-confirm:{confirmation.id}",
                      "采样记录待确认", body)
    return told


def _confirm_ask(trip: SamplingTrip) -> str:
    """What is true when the reminder goes out: "before the crew leaves" only while nobody has checked out."""
    departure = trip.latest_check_in("departure")
    if departure is None:
        return "请在采样人员离场前核对确认，有误请退回并说明理由。"
    return f"采样人员已于 {clock.fmt(departure.at)} 离场签到，请尽快核对确认，有误请退回并说明理由。"


def om_signatures(uow: UnitOfWork, now: datetime) -> int:
    if clock.local(now).time() < SIGN_FROM:
        return 0
    rows = uow.session.execute(
        select(OmConfirmation, OmVisit).join(OmVisit, OmConfirmation.visit_id == OmVisit.id)
        .where(OmConfirmation.status == "pending", OmVisit.state == OmStep.AWAITING_CONFIRMATION,
               OmVisit.submitted_at >= _midnight(now)))
    told = 0
    for confirmation, visit in rows:
        body = f"{visit.plan.name}的运维记录尚未签名确认，请于今日 24:00 前签名确认，逾期将记为逾期确认。"
        told += _tell(uow, notices.polluter_confirmers(uow.session, visit.plan.polluter_id),
                      f"reminder:om-sign:{confirmation.id}", "运维记录待签名", body)
    return told


def om_due_tomorrow(uow: UnitOfWork, now: datetime) -> int:
    tomorrow = clock.local(now).date() + timedelta(days=1)
    return _tell_om_agencies(uow, "om-due", "明日现场运维", "计划于明日 {day} 现场运维，请安排运维人员。",
                             OmVisit.due_on == tomorrow)


def om_overdue(uow: UnitOfWork, now: datetime) -> int:
    today = clock.local(now).date()
    return _tell_om_agencies(uow, "om-overdue", "现场运维逾期", "计划于 {day} 的现场运维尚未开展，已逾期。",
                             OmVisit.due_on < today, OmVisit.due_on >= today - OVERDUE_HORIZON)


def _tell_om_agencies(uow: UnitOfWork, cause: str, title: str, says: str, *due) -> int:
    """Each planned, unstarted visit due as `due` says, told to its agency's administrators."""
    told = 0
    for visit in _unstarted(uow.session, *due):
        body = f"{visit.plan.name}（{visit.plan.polluter.name}）" + says.format(day=visit.due_on.isoformat())
        told += _tell(uow, notices.agency_admins(uow.session, visit.plan.agency_id), f"reminder:{cause}:{visit.id}",
                      title, body)
    return told


def om_reports_due(uow: UnitOfWork, now: datetime) -> int:
    today = clock.local(now).date()
    told = 0
    for agency in _agencies(uow.session, OM_KINDS):
        for _point, dues in om_reports.overview(uow.session, agency.id, today):
            for due in dues:
                if due.overdue or due.due_on <= today + REPORT_NOTICE:
                    cause = f"reminder:om-report:{due.instrument.id}:{due.kind}:{due.due_on or 'now'}"
                    body = f"{due.point.name} {due.instrument.name}的{due.kind_name}{_when_due(due)}。"
                    told += _tell(uow, notices.agency_admins(uow.session, agency.id), cause,
                                  f"{due.kind_name}报告到期", body)
    return told


def _when_due(due) -> str:
    if due.due_on is None:
        return "尚未开展，应尽快完成"
    return f"已逾期（应于 {due.due_on.isoformat()} 前完成）" if due.overdue else f"应于 {due.due_on.isoformat()} 前完成"


def receipts_waiting(uow: UnitOfWork, now: datetime) -> int:
    told = 0
    for agency in _agencies(uow.session, MONITORING_KINDS):
        for task in receipts.awaiting(uow.session, agency.id):
            body = f"{task.name}（{task.polluter.name}）的送样尚未完成接收核对，完成后方可生成报告编号。"
            told += _tell(uow, notices.agency_admins(uow.session, agency.id), f"reminder:receipt:{task.id}",
                          "送样待接收核对", body)
    return told


def monitoring_reports_due(uow: UnitOfWork, now: datetime) -> int:
    """Tasks in 数据报告 whose field work was submitted REPORT_DUE ago and whose report is not uploaded yet."""
    told = 0
    late = uow.session.scalars(select(MonitoringTask).where(
        MonitoringTask.status == TaskStatus.REPORTING, MonitoringTask.report_uploaded_at.is_(None),
        MonitoringTask.submitted_at <= now - REPORT_DUE).order_by(MonitoringTask.id))
    for task in late:
        body = (f"{task.name}（{task.polluter.name}）于 {clock.fmt(task.submitted_at)} 提交采样管理，"
                f"已超过 {REPORT_DUE.days} 天尚未上传监测报告，请尽快生成报告编号并上传。")
        told += _tell(uow, notices.agency_admins(uow.session, task.agency_id), f"reminder:report:{task.id}",
                      "监测报告待上传", body)
    return told


def _agencies(db: Session, kinds: tuple[str, ...]) -> list[Agency]:
    return list(db.scalars(select(Agency).where(Agency.kind.in_(kinds)).order_by(Agency.id)))


def _unstarted(db: Session, *conditions) -> list[OmVisit]:
    return list(db.scalars(select(OmVisit).join(OmPlan).where(
        OmVisit.started_at.is_(None), OmVisit.state == OmStep.NEW, *conditions).order_by(OmVisit.due_on)))


def _tell(uow: UnitOfWork, users: list[User], cause: str, title: str, body: str) -> int:
    return sum(notices.notify_user(uow, user, cause, title, body, SENDER) is not None for user in users)


def _midnight(now: datetime) -> datetime:
    local = clock.local(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def start(app):
    """Remind now and then every EVERY_SECONDS in a background thread (`emss worker`, `emss serve`)."""
    return periodic.start(app, "reminders", EVERY_SECONDS, run)
