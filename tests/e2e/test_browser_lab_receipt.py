"""In a real browser: the agency records the laboratory's receipt on the trip's record page, and a sample
received past its holding time is flagged there and on the task."""
from __future__ import annotations

from datetime import timedelta

from models import SamplingTrip, clock
from tests.support import records as R
from tests.support.browser import sign_in
from web import formview


def test_the_agency_records_the_lab_receipt_and_sees_the_late_sample_flagged(demo_world, runtime, phone, live,
                                                                           desk):
    trip_id = R.confirmed_trip(runtime, phone)
    R.trip_hours_ago(runtime, trip_id, 30)
    sign_in(desk, live, "agency1")
    desk.goto(f"{live}/records/trips/{trip_id}")
    desk.fill("#received_at", formview.local_input(clock.now() - timedelta(minutes=5)))
    desk.fill("#temperature", "4")
    desk.fill("#received_by", "实验室 陈静")
    desk.click("button:has-text('登记实验室接收')")
    assert "1 个样品超过保存时限" in desk.inner_text(".flash")
    lab = desk.inner_text("#lab")
    assert "接收人：实验室 陈静" in lab and "超过保存时限" in desk.inner_text("#lab tr:has-text('氨氮')")
    assert "符合" in desk.inner_text("#lab tr:has-text('化学需氧量')")
    assert "玻璃瓶 500 mL\t加硫酸至 pH<2\t冷藏(0–4℃)" in desk.inner_text("#lab tr:has-text('化学需氧量')")
    with runtime.sessions() as s:
        left = s.get(SamplingTrip, trip_id).samples_left_at
    assert f"样品离场时间：{clock.fmt(left)}" in lab
    desk.click("a:has-text('RW-DEMO-0001')")
    assert "超过保存时限" in desk.inner_text("#holding-time")
