"""运维任务管理 on the web: the O&M agency admin makes a plan from the site's instruments, sees the visits it
generates (overdue flagged) and uploads comparison/verification reports; other agencies see none of it."""
from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from urllib.parse import unquote

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Contract, Instrument, MonitoringPoint, OmPlan, OmReport, OmVisit, clock
from services.core.uow import UnitOfWork
from services.om import om_plans
from tests.conftest import csrf_token
from tests.support import desk, files
from tests.support.om_world import other_om_agency

PDF = files.pdf("O&M report")
RAW = files.xlsx(("零点漂移", 0.4), ("量程漂移", 1.1))


def one(runtime, model, *where):
    with runtime.sessions() as s:
        row = s.scalars(select(model).where(*where)).first()
        if row is not None:
            s.expunge(row)
        return row


@pytest.fixture
def ids(runtime, demo_world):
    contract = one(runtime, Contract, Contract.code == "YW-2026-001")
    gas_point = one(runtime, MonitoringPoint, MonitoringPoint.code == "DA001")
    return {"contract": contract.id, "gas_point": gas_point.id,
            "gas": one(runtime, Instrument, Instrument.point_id == gas_point.id).id,
            "plan": one(runtime, OmPlan, OmPlan.name == "示范化工自动监控设施运维").id}


def plan_form(ids, **overrides) -> dict:
    today = clock.today()
    values = {"name": "示范化工烟气 CEMS 运维", "starts_on": today.isoformat(),
              "ends_on": min(today + timedelta(days=60), today.replace(month=12, day=31)).isoformat(),
              "crew": [], f"pick-i{ids['gas']}-daily_inspection": "1", f"freq-i{ids['gas']}-daily_inspection": "7",
              f"pick-i{ids['gas']}-calibration": "1", f"freq-i{ids['gas']}-calibration": "7"}
    return {**values, **overrides}


def crew_id(runtime) -> str:
    from models import User

    return str(one(runtime, User, User.username == "omcrew1").id)


def post_files(client, url: str, data: dict, files: dict):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    values = {**data, "csrf_token": token,
              **{name: FileStorage(BytesIO(content), filename=filename) for name, (content, filename) in files.items()}}
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_om_agency_admins_have_the_om_menu_and_monitoring_agencies_do_not(app, demo_world):
    om1 = desk.sign_in(app, "om1")
    home = om1.get("/om/plans").get_data(as_text=True)
    assert "运维计划" in home and "现场运维" in home and "比对校验报告" in home and "示范化工自动监控设施运维" in home
    agency1 = desk.sign_in(app, "agency1")
    assert "比对校验报告" not in agency1.get("/agency/contracts/").get_data(as_text=True)
    for url in ("/om/plans", "/om/plans/new", "/om/tasks", "/om/reports"):
        assert agency1.get(url).status_code == 404


def test_the_admin_makes_a_plan_from_the_sites_instruments(app, runtime, ids):
    om1 = desk.sign_in(app, "om1")
    pick = om1.get("/om/plans/new").get_data(as_text=True)
    assert "YW-2026-001" in pick and "按此合同制定计划" in pick
    form = om1.get(f"/om/plans/new?contract_id={ids['contract']}").get_data(as_text=True)
    assert "烟气连续监测系统 SO2 分析仪" in form and "化学需氧量在线分析仪" in form and "刘洋" in form
    assert "HJ 75-2017 12.2 d)" in form and "标准：≤7 天" in form
    saved = desk.post(om1, f"/om/plans/new?contract_id={ids['contract']}",
                      plan_form(ids, crew=[crew_id(runtime)]))
    assert saved.status_code == 302
    plan = one(runtime, OmPlan, OmPlan.name == "示范化工烟气 CEMS 运维")
    assert saved.headers["Location"].endswith(f"/om/plans/{plan.id}")
    page = om1.get(f"/om/plans/{plan.id}").get_data(as_text=True)
    assert "日常巡检记录单" in page and "校准记录单" in page and "每 7 天" in page and "刘洋" in page
    first = one(runtime, OmVisit, OmVisit.plan_id == plan.id, OmVisit.due_on == clock.today())
    assert f'href="/om/visits/{first.id}"' in page and "未开始" in page  # the state's one label (states/om_visit.py)


def test_a_plan_too_rare_for_the_standard_is_refused_and_the_form_keeps_what_was_typed(app, runtime, ids):
    om1 = desk.sign_in(app, "om1")
    refused = desk.post(om1, f"/om/plans/new?contract_id={ids['contract']}",
                        plan_form(ids, crew=[crew_id(runtime)], **{f"freq-i{ids['gas']}-calibration": "30"}))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "校准记录单的频次为每 30 天一次，超过标准要求的最长间隔 7 天（HJ 75-2017 12.2 d)" in text
    assert "示范化工烟气 CEMS 运维" in text and 'value="30"' in text
    assert one(runtime, OmPlan, OmPlan.name == "示范化工烟气 CEMS 运维") is None
    no_crew = desk.post(om1, f"/om/plans/new?contract_id={ids['contract']}", plan_form(ids))
    assert no_crew.status_code == 400 and "请至少选择一名本机构的运维人员。" in no_crew.get_data(as_text=True)


def test_the_admin_edits_the_demo_plan(app, runtime, ids):
    om1 = desk.sign_in(app, "om1")
    page = om1.get(f"/om/plans/{ids['plan']}").get_data(as_text=True)  # items saved without a clause show the rule's
    assert "HJ 75-2017 11.2 日常巡检" in page and "HJ 355-2019 日常巡检" in page
    form = om1.get(f"/om/plans/{ids['plan']}/edit").get_data(as_text=True)
    assert "示范化工自动监控设施运维" in form and "checked" in form
    data = plan_form(ids, name="示范化工自动监控设施运维（调整）", crew=[crew_id(runtime)],
                     starts_on=f"{clock.today().year}-01-01", ends_on=f"{clock.today().year}-12-31")
    assert desk.post(om1, f"/om/plans/{ids['plan']}/edit", data).status_code == 302
    with runtime.sessions() as s:
        plan = s.get(OmPlan, ids["plan"])
        assert plan.name == "示范化工自动监控设施运维（调整）"
        assert sorted(i.sheet for i in plan.items) == ["calibration", "daily_inspection"]


def test_the_visits_list_flags_the_overdue(app, runtime, ids):
    with UnitOfWork(runtime) as uow:
        visit = uow.session.scalars(select(OmVisit).where(OmVisit.plan_id == ids["plan"])).one()
        visit.due_on = clock.today() - timedelta(days=2)
        uow.commit()
    om1 = desk.sign_in(app, "om1")
    page = om1.get("/om/tasks?show=overdue").get_data(as_text=True)
    assert "逾期 2 天" in page and f'href="/om/visits/{visit.id}"' in page and "上海示范化工有限公司" in page
    assert len(re.findall(r'href="/om/visits/\d+"', page)) == 1
    everything = om1.get("/om/tasks").get_data(as_text=True)
    assert len(re.findall(r'href="/om/visits/\d+"', everything)) == 1  # a list is a read: it generates nothing
    assert desk.post(om1, f"/om/plans/{ids['plan']}/generate").status_code == 302  # 生成 (or the daily job)
    everything = om1.get("/om/tasks").get_data(as_text=True)
    assert len(re.findall(r'href="/om/visits/\d+"', everything)) > 1  # the horizon's visits were generated


def test_the_visits_list_turns_pages_earliest_due_first(app, runtime, ids, monkeypatch):
    om1 = desk.sign_in(app, "om1")
    assert desk.post(om1, f"/om/plans/{ids['plan']}/generate").status_code == 302  # the horizon's visits
    with runtime.sessions() as s:
        due = [(v.due_on, v.id) for v in s.scalars(select(OmVisit).where(OmVisit.plan_id == ids["plan"]))]
    assert len(due) > 4
    monkeypatch.setattr(om_plans, "PER_PAGE", 2)
    shown, url = [], "/om/tasks?show=all"
    while url:
        page = om1.get(url).get_data(as_text=True)
        links = [int(i) for i in re.findall(r'href="/om/visits/(\d+)"', page)]
        assert len(links) <= 2
        shown += links
        after = re.search(r'href="([^"]*after=[^"]+)">下一页', page)
        url = unquote(after.group(1)).replace("&amp;", "&") if after else None
    assert shown == [ident for _, ident in sorted(due)]


def test_opening_the_visits_list_writes_nothing(app, runtime, ids):
    def visits() -> int:
        with runtime.sessions() as s:
            return len(s.scalars(select(OmVisit.id)).all())
    before = visits()
    om1 = desk.sign_in(app, "om1")
    for show in ("open", "overdue", "all"):
        assert om1.get(f"/om/tasks?show={show}").status_code == 200
    assert visits() == before


def test_reports_per_point_with_upload_and_overdue(app, runtime, ids, config):
    om1 = desk.sign_in(app, "om1")
    overview = om1.get("/om/reports").get_data(as_text=True)
    assert "逾期" in overview and "校验" in overview and "比对" in overview
    url = f"/om/reports/points/{ids['gas_point']}"
    data = {"kind": "verification", "report_no": "JY-2026-018", "performed_on": clock.today().isoformat(),
            "passed": "1", "instrument_id": str(ids["gas"])}
    bad = post_files(om1, url, data, {"report": (b"GIF89a", "报告.pdf"), "raw": (b"raw", "原始记录.xlsx")})
    assert bad.status_code == 400 and "报告文件须为 PDF 文件" in bad.get_data(as_text=True)
    assert "JY-2026-018" in bad.get_data(as_text=True)  # the form keeps what was typed
    good = post_files(om1, url, data, {"report": (PDF, "报告.pdf"), "raw": (RAW, "原始记录.xlsx")})
    assert good.status_code == 302
    page = om1.get(url).get_data(as_text=True)
    assert "JY-2026-018" in page and "合格" in page and "正常" in page
    report = one(runtime, OmReport, OmReport.report_no == "JY-2026-018")
    with om1.get(f"/om/reports/{report.id}/file") as download:
        assert download.data == PDF and "JY-2026-018.pdf" in download.headers["Content-Disposition"]
    with om1.get(f"/om/reports/{report.id}/raw") as download:
        assert download.data == RAW and "JY-2026-018-原始记录.xlsx" in unquote(download.headers["Content-Disposition"])


def test_another_om_agency_gets_404_for_our_plans_points_and_reports(app, runtime, ids):
    om1 = desk.sign_in(app, "om1")
    data = {"kind": "verification", "report_no": "JY-2026-019", "performed_on": clock.today().isoformat()}
    post_files(om1, f"/om/reports/points/{ids['gas_point']}", data, {"report": (PDF, "r.pdf"), "raw": (PDF, "r.pdf")})
    report = one(runtime, OmReport, OmReport.report_no == "JY-2026-019")
    with UnitOfWork(runtime) as uow:
        other_om_agency(uow.session)
        uow.commit()
    om2 = desk.sign_in(app, "om2")
    for url in (f"/om/plans/{ids['plan']}", f"/om/plans/{ids['plan']}/edit", f"/om/reports/points/{ids['gas_point']}",
                f"/om/reports/{report.id}/file", f"/om/reports/{report.id}/raw",
                f"/om/plans/new?contract_id={ids['contract']}"):
        assert om2.get(url).status_code == 404, url
    assert desk.post(om2, f"/om/plans/{ids['plan']}/generate").status_code == 404
    assert "示范化工" not in om2.get("/om/plans").get_data(as_text=True)
    assert "示范化工" not in om2.get("/om/tasks?show=all").get_data(as_text=True)
