"""In a real browser: the inspector goes from the desk to a trip's evidence page and sees the site plan and
the reused photo beside the O&M visit's photo it copies."""
from __future__ import annotations

import pytest

from tests.support.browser import sign_in
from tests.support.evidence import plant


@pytest.fixture
def case(app, runtime, phone, monkeypatch, drain) -> dict:
    return plant(app, runtime, phone, monkeypatch, drain)


def loaded(desk, selector: str) -> bool:
    """The image was fetched and decoded (a broken image has no natural width)."""
    return desk.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_the_inspector_opens_the_evidence_of_a_trip_from_the_desk(demo_world, case, live, desk):
    sign_in(desk, live, "regulator1")
    desk.click(f"a.evidence[href='/evidence/trips/{case['trip']}']")
    desk.wait_for_load_state()
    assert f"证据 · 采样行程 #{case['trip']}" in desk.inner_text("h1")
    plan = desk.locator("svg.site-plan")
    assert plan.is_visible() and plan.bounding_box()["width"] > 200
    assert desk.locator("svg.site-plan circle.fence").count() == 1
    assert desk.locator("svg.site-plan g.mark.exif").count() == 1 and "公里" in plan.inner_html()
    pair = desk.locator(".pair").first
    assert "感知哈希距离：0" in pair.inner_text() and f"现场运维 #{case['visit']}" in pair.inner_text()
    assert loaded(desk, ".pair figure.flagged img") and loaded(desk, ".pair figure.matched img")
