"""监管工作台: the regulator sees its district's tasks and trips, the ones with the riskiest findings first,
and exports lists with the filters it chose."""
from __future__ import annotations

import html
import io
import re
from datetime import time

import pytest
from openpyxl import load_workbook

from models import Role
from services.desk import supervision
from services.desk.supervision import TaskFilter, TripFilter
from services.findings import engine
from tests.support import records as R


@pytest.fixture
def district(demo_world, runtime):
    """Three trips of the demo task in 金山区 and one of the self-monitoring plant in 松江区:
    A regular; B outside the fence and unconfirmed; C confirmed after departure with a photo also on B."""
    second = R.add_visit(runtime, "RW-DEMO-0001", "sampler2")
    third = R.add_visit(runtime, "RW-DEMO-0001", "sampler2", starts=time(15, 0))
    trips = {
        "A": R.make_trip(runtime, R.visit_of(runtime, "RW-DEMO-0001"), "completed", photo_hashes=("a1",),
                         confirmed=True),
        "B": R.make_trip(runtime, second, "awaiting_confirmation", outside=True, photo_hashes=("b1",),
                         confirmed=False),
        "C": R.make_trip(runtime, third, "completed", photo_hashes=("b1", "c1"), confirmed=True,
                         after_departure=True),
        "Z": R.make_trip(runtime, R.visit_of(runtime, "ZC-DEMO-0001"), "completed", outside=True,
                         photo_hashes=("z1",)),
    }
    with runtime.sessions() as s:  # what the findings jobs do after each recorded event
        engine.rescan_since(s)
        s.commit()
    return trips


def _trip_order(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'/records/trips/(\d+)">#', page)]


def test_the_desk_counts_the_district_and_lists_the_irregular_trips_first(district, client, login):
    login("regulator1")
    page = client.get("/regulator/").get_data(as_text=True)
    assert "监测任务 1" in page and "采样行程 3" in page and "现场采样 1" in page
    irregular, others = page.split("其他近期行程")
    assert _trip_order(irregular) == [district["B"], district["C"]]
    assert _trip_order(others) == [district["A"]]
    for finding in ("签到位置在电子围栏外", "照片与其他行程/运维重复（字节相同）", "排污单位未确认",
                    "排污单位在采样人员离场后确认"):
        assert finding in irregular
    assert f"与采样行程 #{district['C']} 照片" in irregular


def test_a_regulator_sees_only_its_own_district(district, runtime, client, login):
    R.add_user(runtime, "songjiang", Role.REGULATOR, district="松江区")
    login("songjiang")
    page = client.get("/regulator/").get_data(as_text=True)
    assert _trip_order(page) == [district["Z"]] and "RW-DEMO-0001" not in page
    tasks = client.get("/regulator/tasks").get_data(as_text=True)
    assert "ZC-DEMO-0001" in tasks and "RW-DEMO-0001" not in tasks
    trips = client.get("/regulator/trips").get_data(as_text=True)
    assert _trip_order(trips) == [district["Z"]]


def test_the_regulator_opens_a_flagged_trip_with_its_photos(district, client, login):
    login("regulator1")
    page = client.get(f"/records/trips/{district['B']}").get_data(as_text=True)
    assert "围栏外" in page and "2000 米" in page and "待确认" in page


def test_the_trip_list_filters_by_fence_and_agency_and_exports_what_is_shown(district, client, login):
    login("regulator1")
    outside = client.get("/regulator/trips?fence=outside").get_data(as_text=True)
    assert _trip_order(outside) == [district["B"]]
    page = client.get("/regulator/trips").get_data(as_text=True)
    agency_id = re.search(r'<option value="(\d+)">上海绿测环境检测有限公司</option>', page).group(1)
    with client.get(f"/regulator/trips?fence=outside&agency_id={agency_id}&export=xlsx") as export:
        assert export.status_code == 200
        rows = [[c for c in row if c is not None] for row in load_workbook(io.BytesIO(export.data)).active
                .iter_rows(values_only=True)]
    assert rows[:2] == [["采样行程列表"], ["筛选条件"]]
    assert ["监测机构", "上海绿测环境检测有限公司"] in rows and ["围栏", "有围栏外签到"] in rows
    header = next(i for i, row in enumerate(rows) if row and row[0] == "行程号")
    assert [row[0] for row in rows[header + 1:]] == [district["B"]]
    assert "签到在围栏外" in rows[header + 1][-1]


def test_the_task_list_filters_by_status_and_exports_with_its_filters(district, client, login):
    login("regulator1")
    assert "RW-DEMO-0001" in client.get("/regulator/tasks?status=sampling").get_data(as_text=True)
    assert "没有符合条件的监测任务" in client.get("/regulator/tasks?status=closed").get_data(as_text=True)
    with client.get("/regulator/tasks?status=sampling&export=xlsx") as export:
        rows = [[c for c in row if c is not None] for row in load_workbook(io.BytesIO(export.data)).active
                .iter_rows(values_only=True)]
    assert rows[0] == ["监测任务列表"] and ["任务状态", "现场采样"] in rows and ["排污单位", "全部"] in rows
    header = next(i for i, row in enumerate(rows) if row and row[0] == "任务编号")
    assert [row[0] for row in rows[header + 1:]] == ["RW-DEMO-0001"]


def test_a_polluter_or_agency_of_another_district_cannot_be_used_as_a_filter(district, runtime, client, login):
    login("regulator1")
    with runtime.sessions() as s:
        own_site = R.demo_task(s, "ZC-DEMO-0001").polluter_id
    response = client.get(f"/regulator/trips?polluter_id={own_site}")
    assert response.status_code == 400 and "请从列表中选择排污单位" in response.get_data(as_text=True)
    bad_range = client.get("/regulator/tasks?date_from=2026-05-02&date_to=2026-05-01")
    assert bad_range.status_code == 400 and "结束日期不能早于开始日期" in bad_range.get_data(as_text=True)


def test_the_desk_is_not_there_for_other_roles(demo_world, client, login):
    login("agency1")
    assert client.get("/regulator/").status_code == 404
    assert client.get("/regulator/tasks").status_code == 404


def test_the_trip_and_task_lists_are_paged_by_the_database(district, client, login, monkeypatch):
    monkeypatch.setattr(supervision, "PER_PAGE", 2)
    login("regulator1")
    first = client.get("/regulator/trips").get_data(as_text=True)
    following = html.unescape(re.search(r'href="([^"]+)">下一页', first).group(1))
    second = client.get(following).get_data(as_text=True)
    assert _trip_order(first) + _trip_order(second) == [district["C"], district["B"], district["A"]]
    assert "第一页" in second and "下一页" not in second
    assert _trip_order(client.get("/regulator/trips?after=nonsense").get_data(as_text=True)) == _trip_order(first)
    tasks = client.get("/regulator/tasks").get_data(as_text=True)
    assert "RW-DEMO-0001" in tasks and "下一页" not in tasks


def test_an_export_reads_the_list_in_chunks_and_keeps_every_row(district, runtime):
    with runtime.sessions() as s:
        regulator = R.user(s, "regulator1")
        paged = [row.trip.id for row in supervision.trips(s, regulator, TripFilter())]
        chunked = [row.trip.id for row in supervision.all_trips(s, regulator, TripFilter(), chunk=1)]
        tasks = [t.code for t in supervision.all_tasks(s, R.user(s, "regulator1"), TaskFilter(), chunk=1)]
    assert chunked == paged == [district["C"], district["B"], district["A"]]
    assert tasks == ["RW-DEMO-0001"]


def test_the_desk_counts_a_long_history_up_to_a_bound(district, client, login, monkeypatch):
    monkeypatch.setattr(supervision, "COUNT_CAP", 2)
    login("regulator1")
    page = client.get("/regulator/").get_data(as_text=True)
    # the history is bounded; trip B, awaiting the polluter, is in progress and counted exactly
    assert "采样行程 2+" in page and "待排污单位确认 1" in page
