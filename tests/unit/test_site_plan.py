"""The site plan is drawn to scale: positions, the fence and the scale bar share one metres-to-units factor."""
from __future__ import annotations

import math

import pytest

from services.adapters import geo, site_plan

SITE = (30.8168, 121.3502)


def test_a_position_is_placed_at_its_true_distance_and_bearing():
    north = (SITE[0] + 0.01, SITE[1])  # ~1.1 km due north
    east_m, north_m = site_plan.offset_m(SITE, *north)
    assert east_m == pytest.approx(0, abs=0.01)
    assert north_m == pytest.approx(geo.distance_m(*SITE, *north), rel=1e-9)


def test_the_fence_the_marks_and_the_scale_bar_use_one_scale():
    mark = site_plan.Mark("arrival", "进场签到", 600.0, -800.0, 1000.0, False)
    plan = site_plan.plan(300, [mark])
    assert plan.half_width_m == pytest.approx(1150)  # the farthest mark, with room round it
    x, y = plan.xy(mark.east_m, mark.north_m)
    centre = site_plan.SIZE / 2
    assert math.hypot(x - centre, y - centre) / plan.fence_r == pytest.approx(1000 / 300, rel=0.01)
    assert y > centre and x > centre  # south-east: down and right, north up
    assert plan.scale_bar_m == 500 and plan.scale_bar_text == "500 米"
    assert plan.scale_bar_units / plan.fence_r == pytest.approx(500 / 300, rel=0.01)


@pytest.mark.parametrize("farthest, bar, text", [(0, 50, "50 米"), (2300, 1000, "1 公里"), (47000, 20000, "20 公里")])
def test_the_scale_bar_is_a_round_length_about_a_quarter_across(farthest, bar, text):
    marks = [site_plan.Mark("exif", "照片", farthest, 0.0, farthest, False)] if farthest else []
    plan = site_plan.plan(30, marks)
    assert (plan.scale_bar_m, plan.scale_bar_text) == (bar, text)
