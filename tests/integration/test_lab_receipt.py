"""运输保存, the laboratory's side: the receipt of a trip's samples (time, temperature, receiver) and each
sample's time from sampling to receipt against its factor's holding time (HJ 493-2009, states/holding_times.py);
a sample received late is flagged on the trip, on the task and in the receipt."""
from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from models import ReceiptCheck, SamplingTrip, TaskStatus, clock
from states.holding_times import HOLDING_TIMES
from tests.conftest import csrf_token
from tests.support import records as R
from web import formview


def _receive(client, trip_id: int, received_at, temperature="3.5", received_by="实验室 陈静"):
    page = f"/records/trips/{trip_id}"
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(f"{page}/lab-receipt", data={
        "csrf_token": token, "received_at": formview.local_input(received_at) if received_at else "明天",
        "temperature": temperature, "received_by": received_by})


def test_samples_received_in_time_are_marked_as_meeting_their_holding_times(demo_world, client, login, runtime,
                                                                         phone):
    trip_id = R.confirmed_trip(runtime, phone)
    R.trip_hours_ago(runtime, trip_id, 3)
    login("agency1")
    assert "实验室尚未登记接收" in client.get(f"/records/trips/{trip_id}").get_data(as_text=True)
    assert _receive(client, trip_id, clock.now() - timedelta(minutes=5)).status_code == 302
    page = client.get(f"/records/trips/{trip_id}").get_data(as_text=True)
    assert "接收人：实验室 陈静" in page and "到达温度：3.5 °C" in page and "超过保存时限" not in page
    assert page.count(">符合<") == 2  # COD and NH3-N; pH, SO2, NOx are measured on site, particulates unlisted
    assert "HJ 493-2009" in page and "数值待核实" in page
    with runtime.sessions() as s:
        task = R.demo_task(s)
        assert task.events[-1].action == "lab_received" and task.events[-1].detail["overdue"] == []


def test_a_sample_received_past_its_holding_time_is_flagged_on_the_trip_and_the_task(demo_world, client, login,
                                                                                   runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    R.trip_hours_ago(runtime, trip_id, 30)  # NH3-N keeps 24 h, COD 48 h
    login("agency1")
    response = _receive(client, trip_id, clock.now() - timedelta(minutes=5))
    assert response.status_code == 302
    assert "1 个样品超过保存时限" in client.get(response.headers["Location"]).get_data(as_text=True)
    trip_page = client.get(f"/records/trips/{trip_id}").get_data(as_text=True)
    assert trip_page.count("超过保存时限") == 1 and ">符合<" in trip_page
    with runtime.sessions() as s:
        task = R.demo_task(s)
        late = s.scalar(select(SamplingTrip).where(SamplingTrip.id == trip_id)).samples[1]
        assert late.factor == "氨氮" and task.events[-1].detail["overdue"] == [late.code]
    task_page = client.get(f"/records/tasks/{task.id}").get_data(as_text=True)
    assert "1 个样品超过保存时限" in task_page and f"{late.code} 氨氮" in task_page
    assert "1 个样品超过保存时限" in client.get(f"/agency/tasks/{task.id}").get_data(as_text=True)


def test_impossible_receipts_are_refused_with_the_reason(demo_world, client, login, runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    R.trip_hours_ago(runtime, trip_id, 3)
    login("agency1")
    refusals = {
        "before_departure": (_receive(client, trip_id, clock.now() - timedelta(hours=4)), "不能早于离场时间"),
        "in_the_future": (_receive(client, trip_id, clock.now() + timedelta(hours=1)), "不能晚于现在"),
        "unreadable_time": (_receive(client, trip_id, None), "请按“年-月-日 时:分”填写接收时间"),
        "temperature": (_receive(client, trip_id, clock.now(), temperature="冷"), "请填写到达温度"),
        "too_hot": (_receive(client, trip_id, clock.now(), temperature="80"), "到达温度应在 -40~50 °C 之间"),
        "no_receiver": (_receive(client, trip_id, clock.now(), received_by=""), "请填写接收人"),
    }
    assert {k: (r.status_code, text in r.get_data(as_text=True)) for k, (r, text) in refusals.items()} == \
        {k: (400, True) for k in refusals}
    with runtime.sessions() as s:
        assert s.get(SamplingTrip, trip_id).lab_receipt is None


def test_every_holding_time_names_its_source_and_is_marked_unconfirmed():
    assert all(h.source.startswith("HJ 493-2009") and not h.confirmed and h.hours > 0 for h in HOLDING_TIMES.values())


def test_delivered_samples_past_a_factors_holding_time_are_flagged_in_the_receipt_check(demo_world, client,
                                                                                       login, runtime):
    task_id = R.new_task(runtime, "T-SY", status=TaskStatus.REVIEW, sampling_needed=False)
    with runtime.sessions() as s:
        s.add(ReceiptCheck(task_id=task_id, answers={"transit_hours": 30}))
        s.commit()
    login("agency1")
    receipt = client.get(f"/records/tasks/{task_id}/receipt").get_data(as_text=True)
    assert "送样超过保存时限" in receipt and "氨氮：采样至接收 30 小时，保存时限 24 小时" in receipt
    assert "pH值：采样至接收 30 小时" in receipt and "化学需氧量：采样至接收" not in receipt  # COD keeps 48 h
    assert "送样超过保存时限" in client.get(f"/records/tasks/{task_id}").get_data(as_text=True)
    assert "2 项送样因子超过保存时限" in client.get(f"/agency/tasks/{task_id}").get_data(as_text=True)


def test_the_record_page_shows_how_each_sample_travelled_and_when_it_left_the_site(demo_world, client, login,
                                                                                  runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    R.trip_hours_ago(runtime, trip_id, 3)
    with runtime.sessions() as s:
        left = s.get(SamplingTrip, trip_id).samples_left_at
    login("agency1")
    page = client.get(f"/records/trips/{trip_id}").get_data(as_text=True)
    lab = page[page.index('id="lab"'):]
    assert f"样品离场时间：{clock.fmt(left)}" in lab and "离场签到时间" not in lab
    assert "<th>保存条件</th>" in lab and "<td>冷藏(0–4℃)</td>" in lab and "<td>常温</td>" in lab  # 颗粒物: 滤筒


def test_the_receipt_cannot_precede_the_time_the_samples_left_the_site(demo_world, client, login, runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    R.trip_hours_ago(runtime, trip_id, 3)
    with runtime.sessions() as s:
        s.get(SamplingTrip, trip_id).samples_left_at = clock.now() - timedelta(hours=1)
        s.commit()
    login("agency1")
    refused = _receive(client, trip_id, clock.now() - timedelta(hours=2))  # after the departure, before the samples
    assert refused.status_code == 400 and "不能早于离场时间" in refused.get_data(as_text=True)
    assert _receive(client, trip_id, clock.now() - timedelta(minutes=30)).status_code == 302


def test_the_trip_list_and_its_export_flag_a_sample_received_past_its_holding_time(demo_world, client, login,
                                                                                   runtime, phone):
    trip_id = R.confirmed_trip(runtime, phone)
    R.trip_hours_ago(runtime, trip_id, 30)
    login("agency1")
    _receive(client, trip_id, clock.now() - timedelta(minutes=5))
    assert "样品超过保存时限" in client.get("/records/trips").get_data(as_text=True)
    with client.get("/records/trips?export=xlsx") as export:
        rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    header = next(n for n, row in enumerate(rows) if row and row[0] == "行程号")
    cells = dict(zip(rows[header], rows[header + 1], strict=True))
    with runtime.sessions() as s:
        trip = s.get(SamplingTrip, trip_id)
        cod, ammonia = trip.samples[0], trip.samples[1]
        left = clock.fmt(trip.samples_left_at)
    packing = cells["运输保存（样品：容器｜保存剂｜保存条件）"]
    assert f"{cod.code} 化学需氧量：玻璃瓶 500 mL｜加硫酸至 pH<2｜冷藏(0–4℃)" in packing and "pH值" not in packing
    assert cells["样品离场时间"] == left
    receipt = cells["实验室接收（时间、到达温度、接收人）"]
    assert "3.5 °C，实验室 陈静" in receipt and f"超过保存时限：{ammonia.code} 29.9 小时（时限 24 小时）" in receipt
    assert "样品超过保存时限" in cells["异常标记"]
