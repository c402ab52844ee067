"""Reminders by the one clock: the polluter while the crew is on site, the O&M polluter before 24:00, the O&M
agency of visits due tomorrow and overdue — each cause told once, on the desk and in WeChat."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from models import Notice, OmPlan, OmVisit, OutboundMessage, SamplingTrip, clock
from services.core.uow import UnitOfWork
from services.notifying import reminders
from tests.e2e import trip_script as script
from tests.support.om import awaiting_visit


def at(client, moment: datetime) -> None:
    assert client.put("/fake-wechat/clock", json={"now": moment.isoformat()}).status_code == 200


def told(runtime, prefix: str) -> list[tuple[str, str]]:
    with runtime.sessions() as s:
        return sorted((n.user.username, n.title) for n in s.scalars(select(Notice).where(
            Notice.cause.startswith(prefix))))


def test_the_polluter_is_reminded_once_while_the_crew_is_still_on_site(demo_world, phone, runtime, client):
    script.whole_trip(phone("o_sampler1"))  # submitted now: the template message went out
    reminders.run(runtime)
    assert told(runtime, "reminder:trip-confirm:") == []  # too soon: the polluter has the message
    client.put("/fake-wechat/clock", json={"advance_s": 11 * 60})
    reminders.run(runtime)
    assert told(runtime, "reminder:trip-confirm:") == [("polluter1", "采样记录待确认")]
    assert reminders.run(runtime) == 0  # once per cause, however often the schedule runs
    with runtime.sessions() as s:
        notices = [m for m in s.scalars(select(OutboundMessage)) if m.payload.get("data", {}).get(
            "keyword1", {}).get("value") == "采样记录待确认"]
        assert len(notices) == 1 and notices[0].openid == "o_demo_polluter"


def test_the_trip_reminder_says_the_crew_has_left_once_they_checked_out(demo_world, phone, runtime, client):
    script.whole_trip(phone("o_sampler1"))  # the chat's trip checks out (离场签到) before it is submitted
    client.put("/fake-wechat/clock", json={"advance_s": 11 * 60})
    reminders.run(runtime)
    with runtime.sessions() as s:
        departure = s.scalars(select(SamplingTrip)).one().latest_check_in("departure")
        body = s.scalars(select(Notice.body).where(Notice.cause.startswith("reminder:trip-confirm:"))).first()
    assert f"采样人员已于 {clock.fmt(departure.at)} 离场签到，请尽快核对确认" in body
    assert "离场前" not in body  # no longer true


def test_the_om_polluter_is_reminded_in_the_evening_to_sign_before_midnight(demo_world, app, runtime, client):
    day = clock.today()
    at(client, clock.at_local(day, time(10, 0)))
    awaiting_visit(app, day=day)
    at(client, clock.at_local(day, time(19, 30)))
    reminders.run(runtime)
    assert told(runtime, "reminder:om-sign:") == []  # the day is not over: the template message is enough
    at(client, clock.at_local(day, time(20, 30)))
    reminders.run(runtime)
    assert told(runtime, "reminder:om-sign:") == [("polluter1", "运维记录待签名")]


def test_the_om_agency_hears_of_tomorrows_visits_and_of_overdue_ones(demo_world, runtime):
    today = clock.today()
    with UnitOfWork(runtime) as uow:
        plan = uow.session.scalars(select(OmPlan)).first()
        plan.visits.extend([OmVisit(due_on=today + timedelta(days=1), planned=[]),
                            OmVisit(due_on=today - timedelta(days=2), planned=[]),
                            OmVisit(due_on=today - timedelta(days=90), planned=[])])  # long past: the desk's
        uow.commit()
    reminders.run(runtime)
    assert ("om1", "明日现场运维") in told(runtime, "reminder:om-due:")
    overdue = told(runtime, "reminder:om-overdue:")
    assert overdue.count(("om1", "现场运维逾期")) == _unstarted_within_30_days(runtime, today)
    with runtime.sessions() as s:
        bodies = [n.body for n in s.scalars(select(Notice).where(Notice.cause.startswith("reminder:om-overdue:")))]
    assert any((today - timedelta(days=2)).isoformat() in b for b in bodies)
    assert not any((today - timedelta(days=90)).isoformat() in b for b in bodies)


def _unstarted_within_30_days(runtime, today: date) -> int:
    with runtime.sessions() as s:
        return len(list(s.scalars(select(OmVisit).where(
            OmVisit.started_at.is_(None), OmVisit.state == "new", OmVisit.due_on < today,
            OmVisit.due_on >= today - timedelta(days=30)))))


def test_the_recipient_sees_the_reminder_on_the_desk(demo_world, runtime, app):
    from tests.support.desk import sign_in

    with UnitOfWork(runtime) as uow:
        plan = uow.session.scalars(select(OmPlan)).first()
        plan.visits.append(OmVisit(due_on=clock.today() + timedelta(days=1), planned=[]))
        uow.commit()
    reminders.run(runtime)
    page = sign_in(app, "om1").get("/notices").get_data(as_text=True)
    assert "明日现场运维" in page and "请安排运维人员" in page


def test_the_om_agency_hears_of_comparison_and_verification_reports_due(demo_world, runtime):
    reminders.run(runtime)
    with UnitOfWork(runtime) as uow:
        from services.om import om_reports

        agency = uow.session.scalars(select(OmPlan)).first().agency_id
        expected = [d for _p, dues in om_reports.overview(uow.session, agency) for d in dues
                    if d.overdue or d.due_on <= clock.today() + reminders.REPORT_NOTICE]
    titles = told(runtime, "reminder:om-report:")
    assert expected and len(titles) == len(expected)  # the demo's analysers have never been compared
    assert {title for _user, title in titles} == {f"{d.kind_name}报告到期" for d in expected}
    assert reminders.run(runtime) == 0


def test_the_agency_hears_of_delivered_samples_waiting_for_their_receipt_check(demo_world, runtime):
    from models import Agency, TaskStatus
    from services.sampling import receipts
    from tests.support import records

    records.new_task(runtime, "T-SY", status=TaskStatus.REVIEW, sampling_needed=False)
    with runtime.sessions() as s:
        agency = s.scalars(select(Agency).where(Agency.name == "上海绿测环境检测有限公司")).one().id
        waiting = receipts.awaiting(s, agency)
    reminders.run(runtime)
    assert waiting and len(told(runtime, "reminder:receipt:")) == len(waiting)


def test_the_agency_is_reminded_once_of_a_report_not_uploaded_weeks_after_the_field_work(demo_world, runtime):
    from models import MonitoringTask
    from tests.support import records

    late = records.new_task(runtime, "T-LATE")
    recent = records.new_task(runtime, "T-RECENT")
    uploaded = records.new_task(runtime, "T-DONE")
    with runtime.sessions() as s:
        for task_id, days in ((late, 21), (recent, 19), (uploaded, 30)):
            s.get(MonitoringTask, task_id).submitted_at = clock.now() - timedelta(days=days)
        s.get(MonitoringTask, uploaded).report_uploaded_at = clock.now()
        s.commit()
    reminders.run(runtime)
    reminders.run(runtime)  # once per cause, however often the schedule runs
    assert told(runtime, "reminder:report:") == [("agency1", "监测报告待上传")]
    with runtime.sessions() as s:
        notice = s.scalars(select(Notice).where(Notice.cause.startswith("reminder:report:"))).one()
        assert notice.cause == f"reminder:report:{late}"
        assert "测试任务 T-LATE" in notice.body and "已超过 20 天尚未上传监测报告" in notice.body
