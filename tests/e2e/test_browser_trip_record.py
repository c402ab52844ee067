"""In a real browser: the trip's record page shows where each point was sampled (点位布设) — the position sent, what
it was measured against and how far — and how the samples travelled (运输保存), to the agency and the regulator."""
from __future__ import annotations

from tests.e2e import trip_script as script
from tests.support import records as R
from tests.support.browser import sign_in


def test_the_record_page_shows_each_points_sampled_position_and_the_samples_transport(demo_world, runtime, phone,
                                                                                      live, browser):
    trip_id = R.confirmed_trip(runtime, phone)
    lat, lng = script.POINTS[0]
    for username in ("agency1", "regulator1"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        desk = context.new_page()
        sign_in(desk, live, username)
        desk.goto(f"{live}/records/trips/{trip_id}")
        water = desk.inner_text("#point-locations tr:has-text('DW001')")
        assert f"{lat:.5f}, {lng:.5f}" in water and "点位登记位置" in water and "米内" in water, username
        assert "未发送点位位置" not in desk.inner_text("#point-locations"), username
        lab = desk.inner_text("#lab")
        assert "样品离场时间：" in lab and "实验室尚未登记接收" in lab and "化学需氧量" in lab, username
        context.close()
