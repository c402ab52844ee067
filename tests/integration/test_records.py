"""采样管理 on the agency's desk: every planned visit's status, each trip's timeline and photos, submit/close."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from models import Photo, Role, SamplingTrip, TaskEvent, TaskStatus
from services.field.records import COMPLETED, visit_statuses
from tests.conftest import csrf_token
from tests.e2e import trip_script as script
from tests.support import records as R
from tests.support.images import jpeg


def _post(client, url: str, page: str = "/records/trips", **data):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _task_id(runtime, code: str = "RW-DEMO-0001") -> int:
    with runtime.sessions() as s:
        return R.demo_task(s, code).id


def test_agency_sees_each_planned_visit_from_not_started_to_awaiting_confirmation(demo_world, client, login,
                                                                                  runtime, phone):
    login("agency1")
    url = f"/records/tasks/{_task_id(runtime)}"
    assert "未开始" in client.get(url).get_data(as_text=True)
    script.whole_trip(phone("o_s1"))
    page = client.get(url).get_data(as_text=True)
    assert "待排污单位确认" in page and "张伟" in page and "查看记录" in page


def test_a_trip_still_in_progress_shows_its_step(demo_world, client, login, runtime, phone):
    sampler = phone("o_s1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    login("agency1")
    page = client.get(f"/records/tasks/{_task_id(runtime)}").get_data(as_text=True)
    assert "进行中" in page and "进场签到（照片）" in page


def test_submitting_is_refused_naming_the_visit_that_awaits_the_polluter(demo_world, client, login, runtime,
                                                                           phone):
    script.whole_trip(phone("o_s1"))
    login("agency1")
    task_id = _task_id(runtime)
    response = _post(client, f"/records/tasks/{task_id}/submit")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "以下采样计划尚未完成" in page and "张伟：待排污单位确认" in page
    with runtime.sessions() as s:
        assert R.demo_task(s).status == TaskStatus.SAMPLING


def test_a_planned_visit_without_a_trip_also_blocks_submission(demo_world, client, login, runtime, phone):
    R.confirmed_trip(runtime, phone)
    R.add_visit(runtime, "RW-DEMO-0001", "sampler2")
    login("agency1")
    response = _post(client, f"/records/tasks/{_task_id(runtime)}/submit")
    assert response.status_code == 400 and "李娜：未开始" in response.get_data(as_text=True)


def test_once_every_trip_is_confirmed_the_agency_submits_and_it_is_logged(demo_world, client, login, runtime,
                                                                          phone):
    R.confirmed_trip(runtime, phone)
    login("agency1")
    task_id = _task_id(runtime)
    page = client.get(f"/records/tasks/{task_id}").get_data(as_text=True)
    assert "已完成" in page and "已确认" in page
    response = _post(client, f"/records/tasks/{task_id}/submit")
    assert response.status_code == 302
    with runtime.sessions() as s:
        task = R.demo_task(s)
        assert task.status == TaskStatus.REPORTING and task.submitted_at is not None
        event = s.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id)).one()
        assert (event.action, event.actor.username) == ("submit_sampling", "agency1") and event.at
        assert (event.detail["from"], event.detail["to"]) == ("sampling", "reporting")
    assert "生成报告系统编号" in client.get(f"/records/tasks/{task_id}").get_data(as_text=True)


def test_a_self_monitoring_agency_submits_its_own_trip_without_any_confirmation(demo_world, client, login,
                                                                                 runtime, phone):
    R.add_user(runtime, "zcadmin", Role.AGENCY_ADMIN, agency_code="ZC")
    assert "无需排污单位确认" in script.whole_trip(phone("o_self"), "selfmon1")
    login("zcadmin")
    task_id = _task_id(runtime, "ZC-DEMO-0001")
    assert "自行监测，无需确认" in client.get(f"/records/tasks/{task_id}").get_data(as_text=True)
    assert _post(client, f"/records/tasks/{task_id}/submit").status_code == 302
    with runtime.sessions() as s:
        assert R.demo_task(s, "ZC-DEMO-0001").status == TaskStatus.REPORTING


def test_a_task_with_no_analysis_is_closed_at_sampling_management(demo_world, client, login, runtime, phone):
    R.set_task(runtime, analysis_needed=False)
    R.confirmed_trip(runtime, phone)
    login("agency1")
    task_id = _task_id(runtime)
    page = client.get(f"/records/tasks/{task_id}").get_data(as_text=True)
    assert "结束任务（无需分析）" in page and "提交采样管理" not in page
    refused = _post(client, f"/records/tasks/{task_id}/submit")
    assert refused.status_code == 400 and "无需分析" in refused.get_data(as_text=True)
    assert _post(client, f"/records/tasks/{task_id}/close").status_code == 302
    with runtime.sessions() as s:
        task = R.demo_task(s)
        assert task.status == TaskStatus.CLOSED and task.closed_at is not None
        assert [e.action for e in task.events] == ["close"]


def test_closing_a_task_that_needs_analysis_is_refused(demo_world, client, login, runtime, phone):
    R.confirmed_trip(runtime, phone)
    login("agency1")
    response = _post(client, f"/records/tasks/{_task_id(runtime)}/close")
    assert response.status_code == 400 and "需要分析" in response.get_data(as_text=True)


def test_the_trip_page_says_its_status_once(demo_world, client, login, runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    login("agency1")
    page = client.get(f"/records/trips/{trip_id}").get_data(as_text=True)
    line = re.search(r'<div id="trip-status">(.*?)</div>', page).group(1)
    assert re.sub(r"<[^>]+>", "", line) == "状态：已完成"


def test_the_trip_timeline_shows_check_ins_samples_conditions_photos_confirmation_and_log(
        demo_world, client, login, runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    login("agency1")
    page = client.get(f"/records/trips/{trip_id}").get_data(as_text=True)
    with runtime.sessions() as s:
        trip = s.get(SamplingTrip, trip_id)
        codes = [sample.code for sample in trip.samples]
        photo_ids = [p.id for p in trip.photos]
    assert "进场签到" in page and "离场签到" in page and "围栏内" in page and " 米" in page
    assert all(code in page for code in codes)
    assert "生产负荷" in page and "85 %" in page
    assert all(f"/records/photos/{pid}/thumb" in page for pid in photo_ids)
    assert "已确认" in page and "王工（示范化工）" in page
    assert "开始行程" in page and "记录采样时间" in page


def test_the_trip_page_shows_where_each_point_was_sampled_and_how_far_from_its_registered_position(
        demo_world, client, login, runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    login("agency1")
    page = client.get(f"/records/trips/{trip_id}").get_data(as_text=True)
    table = re.search(r'<table id="point-locations">(.*?)</table>', page, re.S).group(1)
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in table.split("<tr>")[2:]]
    lat, lng = script.POINTS[0]
    assert rows[0].startswith("DW001 废水总排口") and f"{lat:.5f}, {lng:.5f}" in rows[0]
    assert "点位登记位置 30.81700, 121.35040" in rows[0] and "3 米 100 米内" in rows[0]
    assert rows[1].startswith("DA001 锅炉废气排放口") and "100 米内" in rows[1]


def test_the_trip_page_shows_the_instruments_confirmed_on_site_and_the_points_each_sampled(
        demo_world, client, login, runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    login("agency1")
    page = client.get(f"/records/trips/{trip_id}").get_data(as_text=True)
    table = re.search(r'<table id="trip-instruments">(.*?)</table>', page, re.S).group(1)
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in table.split("<tr>")[2:]]
    assert rows[0].startswith("自动烟尘烟气测试仪（崂应 3012H） GT-EQ-001 ") and "采样计划" in rows[0]
    assert rows[0].endswith("DA001 锅炉废气排放口")
    assert rows[1].startswith("便携式 pH 计（PHB-4） GT-EQ-002 ") and rows[1].endswith("DW001 废水总排口")


def test_photos_open_as_thumbnail_and_watermarked_copy_and_the_original_only_on_a_logged_request(
        demo_world, client, login, runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    with runtime.sessions() as s:
        arrival = s.scalars(select(Photo).where(Photo.trip_id == trip_id).order_by(Photo.id)).first()
    login("agency1")
    with client.get(f"/records/photos/{arrival.id}/thumb") as thumb:
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    with client.get(f"/records/photos/{arrival.id}/watermarked") as marked:
        assert marked.status_code == 200 and marked.data != jpeg(1)
    with client.get(f"/records/photos/{arrival.id}/original") as opened_by_link:
        assert opened_by_link.status_code == 404  # a plain link never serves the original
    with runtime.sessions() as s:
        assert not s.scalars(select(TaskEvent).where(TaskEvent.action == "original_viewed")).all()
    with _post(client, f"/records/photos/{arrival.id}/original") as original:
        assert original.status_code == 200 and original.data == jpeg(1)
    with runtime.sessions() as s:
        event = s.scalars(select(TaskEvent).where(TaskEvent.action == "original_viewed")).one()
        assert event.detail["photo"] == arrival.id and event.actor.username == "agency1"


def test_the_task_page_shows_a_sampling_management_summary_with_the_way_in(demo_world, client, login, runtime,
                                                                           phone):
    R.confirmed_trip(runtime, phone)
    R.add_visit(runtime, "RW-DEMO-0001", "sampler2")
    task_id = _task_id(runtime)
    login("agency1")
    page = client.get(f"/agency/tasks/{task_id}").get_data(as_text=True)
    assert "采样计划 2 次，已完成 1 次" in page and "未开始 1" in page
    assert f"/records/tasks/{task_id}" in page
    login("regulator1")
    page = client.get(f"/agency/tasks/{task_id}").get_data(as_text=True)
    assert "采样计划 2 次，已完成 1 次" in page and f"/records/tasks/{task_id}" not in page


def test_the_agency_trip_list_filters_by_fence_and_exports_the_filters_it_shows(demo_world, client, login,
                                                                                runtime, phone):
    R.confirmed_trip(runtime, phone)
    login("agency1")
    assert "RW-DEMO-0001" in client.get("/records/trips?fence=inside").get_data(as_text=True)
    assert "没有符合条件的采样行程" in client.get("/records/trips?fence=outside").get_data(as_text=True)
    with client.get("/records/trips?fence=inside&state=completed&export=xlsx") as export:
        assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(export.data)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["采样行程列表"] and values[1] == ["筛选条件"]
    assert ["围栏", "均在围栏内"] in values and ["行程状态", "已完成"] in values and ["开始日期", "全部"] in values
    header = values.index(next(v for v in values if v and v[0] == "行程号"))
    assert values[header + 1][1] == "RW-DEMO-0001" and len(values) == header + 2


def _first_trip_exported(client, login, runtime, phone, column_title: str):
    """A confirmed trip exported by its agency: the trip's cell under `column_title`."""
    R.confirmed_trip(runtime, phone)
    login("agency1")
    with client.get("/records/trips?export=xlsx") as export:
        rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    header = next(n for n, row in enumerate(rows) if row and row[0] == "行程号")
    return rows[header + 1][rows[header].index(column_title)]


def test_the_trip_export_shows_where_each_point_was_sampled_and_how_far(demo_world, client, login, runtime, phone):
    lat, lng = script.POINTS[0]
    cell = _first_trip_exported(client, login, runtime, phone, "点位布设（采样位置、距离）")
    assert cell.startswith(f"废水总排口 {lat:.5f},{lng:.5f} 距点位登记位置 3 米；锅炉废气排放口 "), cell
    assert "超出" not in cell


def test_the_trip_export_shows_the_instruments_used_and_their_points(demo_world, client, login, runtime, phone):
    assert _first_trip_exported(client, login, runtime, phone, "采样仪器（采样点位）") == \
        "自动烟尘烟气测试仪 GT-EQ-001（锅炉废气排放口）；便携式 pH 计 GT-EQ-002（废水总排口）"


def test_an_unreadable_filter_is_answered_with_the_reason(demo_world, client, login):
    login("agency1")
    response = client.get("/records/trips?date_from=yesterday&state=flying")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "日期格式应为" in page and "请从列表中选择" in page
    assert 'value="yesterday"' in page


def test_visit_statuses_count_a_completed_trip_as_done(demo_world, runtime, phone):
    R.confirmed_trip(runtime, phone)
    with runtime.sessions() as s:
        statuses = visit_statuses(s, R.demo_task(s))
    assert [x.status for x in statuses] == [COMPLETED] and statuses[0].done
