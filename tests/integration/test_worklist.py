"""按风险排序: the inspector's work — trips and O&M visits of the district with open findings — ranked by risk
(high 9, medium 3, low 1, summed), filtered and paged by the database."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Agency, Finding, MonitoringTask, OmVisit, Polluter, Role, User, Visit, clock
from services.desk import worklist
from services.desk.worklist import WorkFilter
from tests.support import records as R

# evidence as the rules record it (states/findings.py), for the sentences the page shows
EVIDENCE = {
    "photo_reused": {"photo": 1, "others": [{"photo": 2, "subject": "trip:999"}]},
    "planned_sheet_missing": {"sheet_title": "日常巡检记录表"},
    "outside_fence": {"kind": "arrival", "distance_m": 2000, "fence_m": 300},
    "confirmation_missing": {},
    "after_departure": {"decided_at": "2026-11-20T12:00", "departure": "2026-11-20T11:00"},
    "overlapping_visits": {"other": "trip:999", "other_site": "远方化工", "overlap_minutes": 40},
    "off_schedule": {"arrival": "2026-11-20T07:00", "window_from": "2026-11-20T09:00",
                     "window_to": "2026-11-20T12:00"},
    "short_visit": {"minutes_on_site": 5, "minimum_minutes": 30},
}


def _finding(s, subject: tuple[str, int], code: str, severity: str, status: str = "open", instance: str = ""):
    kind, ident = subject
    s.add(Finding(trip_id=ident if kind == "trip" else None, om_visit_id=ident if kind == "om" else None,
                  code=code, instance=instance, severity=severity, evidence=EVIDENCE[code], status=status))


def _trip(runtime, task_code: str, days_ago: int = 0) -> tuple[str, int]:
    visit_id = R.add_visit(runtime, task_code, "sampler1" if task_code.startswith("RW") else "zc_sampler")
    with runtime.sessions() as s:
        s.get(Visit, visit_id).day = clock.today() - timedelta(days=days_ago)
        s.commit()
    return ("trip", R.make_trip(runtime, visit_id, "completed", confirmed=True))


@pytest.fixture
def work(demo_world, runtime):
    """In 金山区: the demo O&M visit (high + medium = 12), trip T1 (high = 9), T2 (medium + low = 4), T3 ten days
    ago (low = 1, and a cleared high that no longer counts), T4 with no finding; in 松江区 trip Z (high)."""
    with runtime.sessions() as s:
        s.add(User(username="zc_sampler", display_name="自测采样员", role=Role.SAMPLER, password_hash="x",
                   agency_id=s.scalar(select(Agency.id).where(Agency.code == "ZC"))))
        s.commit()
    made = {"T1": _trip(runtime, "RW-DEMO-0001"), "T2": _trip(runtime, "RW-DEMO-0001"),
            "T3": _trip(runtime, "RW-DEMO-0001", days_ago=10), "T4": _trip(runtime, "RW-DEMO-0001"),
            "Z": _trip(runtime, "ZC-DEMO-0001")}
    with runtime.sessions() as s:
        made["V1"] = ("om", s.scalar(select(OmVisit.id)))
        _finding(s, made["V1"], "photo_reused", "high")
        _finding(s, made["V1"], "planned_sheet_missing", "medium")
        _finding(s, made["T1"], "photo_reused", "high")
        _finding(s, made["T2"], "outside_fence", "medium")
        _finding(s, made["T2"], "confirmation_missing", "low")
        _finding(s, made["T3"], "after_departure", "low")
        _finding(s, made["T3"], "overlapping_visits", "high", status="cleared")
        _finding(s, made["Z"], "photo_reused", "high")
        s.commit()
    return made


def _ranked(runtime, username: str, page: int = 1, per_page: int = 50, **values):
    with runtime.sessions() as s:
        user = s.scalar(select(User).where(User.username == username))
        found = worklist.ranked(s, user, WorkFilter(**values), page, per_page)
        return found, [(item.kind, item.id) for item in found.items]


def _ids(s, model, column, value):
    return s.scalar(select(model.id).where(column == value))


def test_the_riskiest_trips_and_om_visits_come_first(work, runtime):
    found, order = _ranked(runtime, "regulator1")
    assert order == [work["V1"], work["T1"], work["T2"], work["T3"]]
    assert [item.risk for item in found.items] == [12, 9, 4, 1]
    assert found.total == 4 and work["T4"] not in order


def test_an_equal_risk_goes_to_the_worse_finding_then_the_recent_day(work, runtime):
    with runtime.sessions() as s:  # T2 and T4 both 3: T4 by one medium; T2 by three lows
        s.query(Finding).filter(Finding.trip_id == work["T2"][1]).delete()
        for n in range(3):
            _finding(s, work["T2"], "off_schedule", "low", instance=str(n))
        _finding(s, work["T4"], "short_visit", "medium")
        s.commit()
    _, order = _ranked(runtime, "regulator1")
    assert order.index(work["T4"]) < order.index(work["T2"])


def test_a_regulator_ranks_only_its_own_district(work, runtime):
    R.add_user(runtime, "songjiang", Role.REGULATOR, district="松江区")
    assert _ranked(runtime, "songjiang")[1] == [work["Z"]]
    assert work["Z"] not in _ranked(runtime, "regulator1")[1]
    assert _ranked(runtime, "regulator1", district="松江区")[1] == []


def test_a_polluter_moved_to_another_district_in_the_directory_takes_its_findings_along(work, runtime):
    """A finding records its subject's polluter, not the district: the district is read from the directory."""
    with runtime.sessions() as s:
        s.get(Polluter, R.demo_task(s, "ZC-DEMO-0001").polluter_id).district = "金山区"
        s.commit()
    assert work["Z"] in _ranked(runtime, "regulator1")[1]
    R.add_user(runtime, "songjiang", Role.REGULATOR, district="松江区")
    assert _ranked(runtime, "songjiang")[1] == []


def test_the_city_admin_filters_by_district(work, runtime):
    assert len(_ranked(runtime, "admin1")[1]) == 5
    assert _ranked(runtime, "admin1", district="松江区")[1] == [work["Z"]]


def test_the_ranking_filters_by_agency_polluter_code_kind_and_dates(work, runtime):
    with runtime.sessions() as s:
        green = _ids(s, Agency, Agency.code, "LC")
        om_agency = _ids(s, Agency, Agency.code, "HY")
        polluter = R.demo_task(s, "RW-DEMO-0001").polluter_id
        other = s.get(MonitoringTask, R.demo_task(s, "ZC-DEMO-0001").id).polluter_id
    assert _ranked(runtime, "regulator1", agency_id=green)[1] == [work["T1"], work["T2"], work["T3"]]
    assert _ranked(runtime, "regulator1", agency_id=om_agency)[1] == [work["V1"]]
    assert _ranked(runtime, "admin1", polluter_id=other)[1] == [work["Z"]]
    assert work["T1"] in _ranked(runtime, "regulator1", polluter_id=polluter)[1]
    by_code = _ranked(runtime, "regulator1", code="outside_fence")
    assert by_code[1] == [work["T2"]] and by_code[0].items[0].risk == 4  # the subject's whole risk is kept
    assert _ranked(runtime, "regulator1", kind="om")[1] == [work["V1"]]
    week = clock.today() - timedelta(days=7)
    assert _ranked(runtime, "regulator1", date_to=week)[1] == [work["T3"]]
    assert work["T3"] not in _ranked(runtime, "regulator1", date_from=week)[1]


def test_cleared_findings_leave_the_ranking_and_can_be_listed(work, runtime):
    found, order = _ranked(runtime, "regulator1", status="cleared")
    assert order == [work["T3"]] and found.items[0].risk == 9
    assert [s.title for s in found.items[0].shown] == ["同一人员同时在两处现场"]


def test_the_ranking_is_paged_by_the_database(work, runtime):
    first, order = _ranked(runtime, "regulator1", page=1, per_page=3)
    second, rest = _ranked(runtime, "regulator1", page=2, per_page=3)
    assert order == [work["V1"], work["T1"], work["T2"]] and rest == [work["T3"]]
    assert (first.total, first.pages, second.page) == (4, 2, 2)
    assert _ranked(runtime, "regulator1", page=3, per_page=3)[1] == []


def test_the_inspector_filters_the_ranked_page_and_turns_pages(work, client, login):
    login("regulator1")
    page = client.get("/regulator/work?code=outside_fence").get_data(as_text=True)
    assert re.findall(r'/records/trips/(\d+)">#', page) == [str(work["T2"][1])]
    assert "签到位置在电子围栏外" in page and "共 1 项" in page
    home = client.get("/regulator/").get_data(as_text=True)
    assert re.search(r"现场运维 <a href=\"/om/visits/\d+\">#", home) and "待核查工作（4）" in home


def test_an_unusable_filter_is_refused_with_a_reason(work, client, login):
    login("regulator1")
    response = client.get("/regulator/work?code=nonsense&date_from=2026-13-01")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "请从列表中选择" in text and "日期格式应为" in text
    assert client.get("/regulator/work?district=松江区").status_code == 400


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", page, re.S)


def test_the_charts_draw_the_districts_findings_as_svg_with_chinese_labels(work, client, login):
    login("regulator1")
    weekly, districts, agencies = _svgs(client.get("/regulator/charts").get_data(as_text=True))
    # this week: every finding of the district, the cleared one too (first seen this week); 松江区's not
    assert "照片与其他行程/运维重复（字节相同）（2 条）" in weekly and "同一人员同时在两处现场（1 条）" in weekly
    assert weekly.count("<title>") == 6 and ">7<" in weekly
    assert "金山区" in districts and "6 条" in districts and "松江区" not in districts
    assert re.search(r"上海绿测环境检测有限公司</text><rect [^>]*/><text [^>]*>4 条", agencies)
    assert re.search(r"上海恒运环保设施运维有限公司</text><rect [^>]*/><text [^>]*>2 条", agencies)


def test_the_city_admin_sees_every_district_on_the_chart(work, client, login):
    login("admin1")
    districts = _svgs(client.get("/regulator/charts").get_data(as_text=True))[1]
    assert "金山区" in districts and "松江区" in districts and "1 条" in districts
