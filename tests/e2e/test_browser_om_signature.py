"""In a real browser on a phone-sized screen: the polluter opens the O&M template message in WeChat, passes
the OAuth, checks the record sheets and signs with a finger (or the mouse) on the signature pad."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from bot.standin.store import FakeWeChat
from models import OmConfirmation, OmVisit
from services.dev import demo
from tests.support.om import awaiting_visit


@pytest.fixture
def submitted(demo_world, app, live, config, drain, handset):
    """The demo O&M visit submitted by omcrew1, and the polluter's phone as WeChat user o_demo_polluter."""
    config.wechat_open_base = f"{live}/fake-wechat/open/"
    awaiting_visit(app, drain)
    handset.context.add_cookies([{"name": "emss_sim_openid", "value": demo.POLLUTER_OPENID, "url": live}])
    return live


def message_url(runtime) -> str:
    return [m for m in FakeWeChat(runtime.redis).inbox(demo.POLLUTER_OPENID) if m["kind"] == "template"][-1]["url"]


def scribble(page, box, via_touch: bool = False) -> None:
    """A name written across the pad: strokes by mouse, or by finger (touch events through CDP)."""
    strokes = [[(0.1, 0.6), (0.2, 0.3), (0.3, 0.7), (0.4, 0.35)], [(0.5, 0.4), (0.65, 0.7), (0.8, 0.3), (0.9, 0.6)]]
    points = [[(box["x"] + box["width"] * x, box["y"] + box["height"] * y) for x, y in stroke] for stroke in strokes]
    if via_touch:
        cdp = page.context.new_cdp_session(page)
        for stroke in points:
            cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": stroke[0][0],
                                                                                        "y": stroke[0][1]}]})
            for x, y in stroke[1:]:
                cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        return
    for stroke in points:
        page.mouse.move(*stroke[0])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(x, y, steps=8)
        page.mouse.up()


def ink_of(page) -> int:
    """How many pixels of the canvas are drawn on."""
    return page.evaluate("""() => {
        const c = document.querySelector('canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")


@pytest.mark.parametrize("via_touch", [False, True], ids=["mouse", "finger"])
def test_the_polluter_checks_the_sheets_and_signs_on_the_phone(submitted, runtime, config, handset, via_touch):
    url = message_url(runtime)
    assert url.startswith(f"{submitted}/m/om/confirm/")
    handset.goto(url)  # WeChat's silent OAuth, then back to the page
    assert handset.url.startswith(url)
    record = handset.inner_text("main")
    for expected in ("运维记录签名确认", "示范化工自动监控设施运维", "刘洋", "日常巡检记录单", "校准记录单",
                     "伴热管线温度", "125 °C", "GBW(E)080047", "围栏外"):
        assert expected in record, expected
    assert handset.evaluate("[...document.querySelectorAll('.photos img')].every(i => i.naturalWidth > 0)")
    assert handset.locator(".photos img").count() == 5
    assert handset.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone's width

    confirm = handset.get_by_role("button", name="确认签名")
    assert confirm.is_disabled()  # nothing drawn yet
    pad = handset.locator("canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box["width"] > 300 and box["height"] >= 150

    scribble(handset, box, via_touch)
    assert ink_of(handset) > 200 and confirm.is_enabled()
    handset.get_by_role("button", name="清除").click()
    assert ink_of(handset) == 0 and confirm.is_disabled()
    scribble(handset, box, via_touch)
    confirm.click()

    handset.wait_for_url(f"{url}/done")
    outcome = handset.inner_text("main")
    assert "您已签名确认该运维记录" in outcome and "已签名确认：王工（示范化工）" in outcome
    signature = handset.locator("img.signature")
    assert signature.is_visible() and handset.evaluate("document.querySelector('img.signature').naturalWidth") > 300

    with runtime.sessions() as s:
        assert s.scalars(select(OmVisit.state).where(OmVisit.state != "new")).one() == "confirmed"
        stored = Path(config.media_root) / s.scalars(select(OmConfirmation.signature_path)).one()
    with Image.open(io.BytesIO(stored.read_bytes())) as drawn:
        assert drawn.format == "PNG" and drawn.getbbox() is not None  # the strokes drawn on the phone
    assert handset.goto(url).status == 410  # the link was used


def test_a_rejection_needs_a_reason_on_the_phone(submitted, runtime, handset):
    url = message_url(runtime)
    handset.goto(url)
    handset.get_by_role("button", name="退回", exact=True).click()
    assert "请填写退回理由" in handset.inner_text("main")
    handset.fill("#reason", "校准记录单量程读数有误")
    handset.get_by_role("button", name="退回", exact=True).click()
    handset.wait_for_url(f"{url}/done")
    assert "退回理由：校准记录单量程读数有误" in handset.inner_text("main")
    with runtime.sessions() as s:
        assert s.scalars(select(OmVisit.state).where(OmVisit.state != "new")).one() == "rejected"


def test_the_pad_comes_after_the_qc_warnings_and_the_button_looks_disabled_until_signed(submitted, runtime,
                                                                                          handset):
    from models import QcFinding

    warning = "SO2 零点漂移 3.1%，超过 ±2.5% 的限值"
    with runtime.sessions() as s:
        visit = s.scalars(select(OmVisit).where(OmVisit.state != "new")).one()
        s.add(QcFinding(visit_id=visit.id, agency_id=visit.plan.agency_id, rule="zero_drift", severity="warning",
                        clause="HJ 75-2017 表 1", message=warning))
        s.commit()
    handset.goto(message_url(runtime))
    shown = handset.get_by_text(warning)
    assert shown.is_visible() and "请核实后再签名" in handset.inner_text("main")
    assert shown.bounding_box()["y"] < handset.locator("canvas").bounding_box()["y"]  # read before signing

    confirm = handset.get_by_role("button", name="确认签名")
    look = "b => [getComputedStyle(b).opacity, getComputedStyle(b).cursor]"
    disabled = confirm.evaluate(look)
    pad = handset.locator("canvas")
    pad.scroll_into_view_if_needed()
    scribble(handset, pad.bounding_box())
    enabled = confirm.evaluate(look)
    assert confirm.is_enabled() and float(disabled[0]) < 0.6 <= float(enabled[0])
    assert disabled[1] == "not-allowed" != enabled[1]
