"""In a real browser: the trip's record page shows the instruments the sampler confirmed on site (仪器), where each
came from and the points each sampled, to the agency and to the regulator."""
from __future__ import annotations

from tests.support import records as R
from tests.support.browser import sign_in


def test_the_record_page_shows_the_instruments_taken_to_the_site_and_the_points_each_sampled(demo_world, runtime,
                                                                                            phone, live, browser):
    trip_id = R.confirmed_trip(runtime, phone)
    for username in ("agency1", "regulator1"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        desk = context.new_page()
        sign_in(desk, live, username)
        desk.goto(f"{live}/records/trips/{trip_id}")
        gas = desk.inner_text("#trip-instruments tr:has-text('GT-EQ-001')")
        assert "自动烟尘烟气测试仪" in gas and "采样计划" in gas and "DA001 锅炉废气排放口" in gas, username
        water = desk.inner_text("#trip-instruments tr:has-text('GT-EQ-002')")
        assert "便携式 pH 计" in water and "DW001 废水总排口" in water and "未确认" not in water, username
        context.close()
