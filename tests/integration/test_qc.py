"""Automatic QC on the demo O&M visit: findings stored on the sheet and the visit, replaced when a sheet is
edited and confirmed again, judged on the day of the arrival check-in, and listed for the O&M agency and the
district's regulator only."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models import (
    CheckIn,
    CheckInKind,
    Equipment,
    Instrument,
    OmPlan,
    OmSheet,
    OmVisit,
    QcFinding,
    Role,
    Staff,
    User,
    clock,
)
from services.field import checkins
from services.om import qc
from tests.support import records as R

PLAN = "示范化工自动监控设施运维"


def demo_visit(s) -> OmVisit:
    plan = s.scalar(select(OmPlan).where(OmPlan.name == PLAN))
    return next(v for v in plan.visits if v.due_on == clock.today())


def gas_analyser(s) -> Instrument:
    return s.scalar(select(Instrument).where(Instrument.analyte_class == "gas"))


def calibration(span_before: float, expiry: str = "2099-12-31", certificate: str = "GBW(E)080042") -> dict:
    """A calibration of the demo SO2 analyser (0–500 mg/m³): zero steady, span read `span_before` against 400
    after the last calibration."""
    return {"analyte": "SO2", "range_low": 0, "range_high": 500, "unit": "mg/m³", "standard_name": "SO2 标准气体",
            "standard_certificate": certificate, "standard_concentration": 400, "standard_expiry": expiry,
            "zero_gas": 0, "zero_last_after": 0.5, "zero_before": 1.0, "zero_calibrated": "是", "zero_after": 0.2,
            "span_gas": 400, "span_last_after": 400, "span_before": span_before, "span_calibrated": "是",
            "span_after": 400}


def add_sheet(s, visit: OmVisit, answers: dict, confirmed: bool = True) -> OmSheet:
    instrument = gas_analyser(s)
    sheet = OmSheet(visit=visit, form="calibration", point_id=instrument.point_id, instrument=instrument,
                    answers=answers, filled_by=crew(s), confirmed_at=clock.now() if confirmed else None)
    s.add(sheet)
    s.flush()
    return sheet


def crew(s) -> User:
    return s.scalar(select(User).where(User.username == "omcrew1"))


def arrive(s, visit: OmVisit, at: datetime) -> None:
    s.add(CheckIn(om_visit_id=visit.id, kind=CheckInKind.ARRIVAL, user_id=crew(s).id, at=at, latitude=30.7,
                  longitude=121.3, distance_m=20, inside_fence=True))
    s.flush()


def test_a_sheet_edited_and_confirmed_again_keeps_only_its_latest_findings(demo_world, runtime):
    with runtime.sessions() as s:
        visit = demo_visit(s)
        sheet = add_sheet(s, visit, calibration(span_before=415.5))  # (415.5 − 400) / 500 = 3.1 %F.S.
        [found] = qc.review_sheet(s, sheet)
        assert (found.rule, found.severity, found.agency_id) == ("span_drift", "warning", visit.plan.agency_id)
        assert found.message == "SO2 量程漂移 3.1%F.S.，超过 ±2.5%F.S.（HJ 75-2017）"
        assert [f.message for f in sheet.findings] == [f.message for f in visit.findings] == [found.message]

        sheet.answers = calibration(span_before=360.0, certificate="无")  # −8 %F.S., and an uncertified gas
        qc.review_sheet(s, sheet)
        assert sorted(f.rule for f in sheet.findings) == ["span_drift", "standard_uncertified"]
        assert len(visit.findings) == 2

        sheet.answers = calibration(span_before=405.0)  # 1 %F.S.: all put right
        assert qc.review_sheet(s, sheet) == []
        s.commit()
    with runtime.sessions() as s:
        assert s.scalars(select(QcFinding)).all() == []


def test_expiry_is_judged_on_the_local_day_of_the_arrival_check_in_else_the_due_day(demo_world, runtime):
    with runtime.sessions() as s:
        visit = demo_visit(s)
        sheet = add_sheet(s, visit, calibration(span_before=400, expiry=visit.due_on.isoformat()))
        assert qc.review_sheet(s, sheet) == []  # no check-in yet: the due day, the standard's last valid day
        # arrived at 00:30 Beijing time the next day (16:30 UTC the due day)
        next_day = visit.due_on + timedelta(days=1)
        arrive(s, visit, datetime.combine(visit.due_on, datetime.min.time(), timezone.utc) + timedelta(hours=16.5))
        assert checkins.om_visit_day(s, visit) == next_day
        [found] = qc.review_sheet(s, sheet)
        assert found.rule == "standard_expired"
        assert found.message == (f"标准物质有效期至 {visit.due_on.isoformat()}，运维日 {next_day.isoformat()} 已过期"
                                 "（HJ 75-2017）")


def test_submitting_a_visit_checks_people_equipment_and_the_interval_since_the_last_calibration(demo_world, runtime):
    with runtime.sessions() as s:
        visit = demo_visit(s)
        day = visit.due_on
        arrive(s, visit, clock.at_local(day, datetime.min.time().replace(hour=9)))
        earlier = OmVisit(plan=visit.plan, due_on=day - timedelta(days=8), planned=[])
        s.add(earlier)
        s.flush()
        add_sheet(s, earlier, calibration(span_before=400))
        sheet = add_sheet(s, visit, calibration(span_before=415.5))
        add_sheet(s, visit, calibration(span_before=480), confirmed=False)  # still being filled: not reviewed
        s.scalar(select(Staff).where(Staff.user_id == crew(s).id)).certificate_valid_until = day - timedelta(days=1)
        s.scalar(select(Equipment).where(Equipment.asset_no == "HY-EQ-001")).calibration_valid_until = day

        found = qc.review_visit(s, visit)
        assert sorted((f.rule, f.sheet_id) for f in found) == [
            ("calibration_interval", sheet.id), ("span_drift", sheet.id), ("staff_certificate", None)]
        interval = next(f for f in found if f.rule == "calibration_interval")
        assert "8 天，超过最长间隔 7 天" in interval.message and "7 d" in interval.clause
        staff = next(f for f in found if f.rule == "staff_certificate")
        assert "刘洋" in staff.message and f"运维日 {day.isoformat()} 已过期" in staff.message

        # a calibration 7 days earlier is on time; submitting again does not pile findings up
        earlier.due_on = day - timedelta(days=7)
        again = qc.review_visit(s, visit)
        assert sorted(f.rule for f in again) == ["span_drift", "staff_certificate"]
        s.commit()
    with runtime.sessions() as s:
        assert len(s.scalars(select(QcFinding)).all()) == 2


@pytest.fixture
def findings(demo_world, runtime):
    """The demo visit with a 失控 span drift and an expired crew certificate; a 松江区 regulator account."""
    with runtime.sessions() as s:
        visit = demo_visit(s)
        add_sheet(s, visit, calibration(span_before=452.0))  # 10.4 %F.S.
        s.scalar(select(Staff).where(Staff.user_id == crew(s).id)).certificate_valid_until = \
            visit.due_on - timedelta(days=1)
        ids = [f.id for f in qc.review_visit(s, visit)]
        s.commit()
    R.add_user(runtime, "songjiang", Role.REGULATOR, district="松江区")
    return ids


DRIFT = "SO2 量程漂移 10.4%F.S.，超过失控限 ±10%F.S.，数据失控，须校准后方可恢复（HJ 75-2017）"


def test_the_om_agency_lists_its_findings_with_their_clauses_and_filters_by_severity(findings, login):
    client = login("om1")
    home = client.get("/om/findings/").get_data(as_text=True)
    assert 'href="/om/findings/"' in home and "质控发现" in home  # in the menu
    assert DRIFT in home and "运维人员刘洋的证书有效期至" in home
    assert "HJ 75-2017 定期校准技术指标及数据失控判别" in home and "失控" in home
    only = client.get("/om/findings/?severity=out_of_control").get_data(as_text=True)
    assert DRIFT in only and "运维人员刘洋" not in only
    page = client.get(f"/om/findings/{findings[0]}")
    assert page.status_code == 200 and "依据" in page.get_data(as_text=True)


def test_the_districts_regulator_sees_the_findings_too(findings, login):
    page = login("regulator1").get("/om/findings/").get_data(as_text=True)
    assert DRIFT in page and "运维质控" in page


@pytest.mark.parametrize("username", ["agency1", "songjiang"])
def test_other_tenants_neither_list_nor_open_the_findings(findings, login, username):
    client = login(username)
    page = client.get("/om/findings/").get_data(as_text=True)
    assert "暂无质控发现" in page and DRIFT not in page
    for ident in findings:
        assert client.get(f"/om/findings/{ident}").status_code == 404


def test_a_monitoring_agency_has_no_findings_menu_and_a_polluter_no_findings_page(findings, login):
    desk = login("agency1").get("/agency/").get_data(as_text=True)
    assert "监测任务" in desk and "/om/findings/" not in desk
    assert login("polluter1").get("/om/findings/").status_code == 404


def test_the_visit_and_sheet_pages_can_show_findings_with_the_shared_partial(findings, app, runtime):
    from flask import render_template

    with runtime.sessions() as s, app.test_request_context():
        visit = demo_visit(s)
        shown = render_template("om/_findings.html", findings=visit.findings)
        assert DRIFT in shown and "依据：HJ 75-2017" in shown and 'class="badge bad">失控' in shown
        assert "警告" in shown  # the expired certificate
        assert "未发现质控问题" in render_template("om/_findings.html", findings=[])
