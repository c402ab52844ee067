"""In a real browser on a phone-sized screen: the polluter opens the template message in WeChat, passes the
OAuth and confirms or rejects the trip; after a rejection the agency corrects and resubmits at its desk."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.standin.store import FakeWeChat
from models import SamplingTrip
from services.dev import demo
from tests.e2e import trip_script as script


@pytest.fixture
def submitted(demo_world, live, config, phone, handset):
    """The demo trip submitted by sampler1, and the polluter's phone as WeChat user o_demo_polluter."""
    config.wechat_open_base = f"{live}/fake-wechat/open/"
    assert "已提交" in script.whole_trip(phone("o_sampler1"))
    handset.context.add_cookies([{"name": "emss_sim_openid", "value": demo.POLLUTER_OPENID, "url": live}])
    return live


def latest_message_url(runtime) -> str:
    return [m for m in FakeWeChat(runtime.redis).inbox(demo.POLLUTER_OPENID) if m["kind"] == "template"][-1]["url"]


def trip_state(runtime) -> str:
    with runtime.sessions() as s:
        return s.scalars(select(SamplingTrip.state)).one()


def test_the_polluter_confirms_the_trip_from_the_template_message(submitted, runtime, handset):
    url = latest_message_url(runtime)
    assert url.startswith(f"{submitted}/m/confirm/")
    handset.goto(url)  # WeChat's silent OAuth, then back to the page
    assert handset.url.startswith(url)  # (the stand-in's #wechat_redirect may stay on the URL)
    record = handset.inner_text("main")
    for expected in ("采样行程确认", "上海示范化工有限公司", "张伟", "自动烟尘烟气测试仪", "围栏内", "生产负荷：85 %"):
        assert expected in record, expected
    thumbs = handset.locator(".photos img")
    assert thumbs.count() == 6
    assert handset.evaluate("[...document.querySelectorAll('.photos img')].every(i => i.naturalWidth > 0)")

    handset.get_by_role("button", name="确认", exact=True).click()
    handset.wait_for_url(f"{url}/done")
    outcome = handset.inner_text("main")
    assert "您已确认该采样行程" in outcome and "已确认：王工（示范化工）" in outcome
    assert trip_state(runtime) == "completed"
    assert handset.goto(url).status == 410  # the link was used


def test_the_polluter_rejects_and_confirms_the_corrected_trip(submitted, runtime, handset, desk, drain):
    first = latest_message_url(runtime)
    handset.goto(first)
    handset.get_by_role("button", name="退回", exact=True).click()  # no reason yet: refused
    assert "请填写退回理由" in handset.inner_text("main")
    handset.fill("#reason", "生产负荷应为 60%")
    handset.get_by_role("button", name="退回", exact=True).click()
    handset.wait_for_url(f"{first}/done")
    assert "已退回" in handset.inner_text("main") and trip_state(runtime) == "rejected"

    desk.goto(f"{submitted}/login")
    desk.fill("input[name=username]", "agency1")
    desk.fill("input[name=password]", demo.PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_url(f"{submitted}/agency/")
    with runtime.sessions() as s:
        trip_id = s.scalars(select(SamplingTrip.id)).one()
    desk.goto(f"{submitted}/agency/trips/{trip_id}/correct")
    assert "生产负荷应为 60%" in desk.inner_text("main")
    desk.fill("#f_production_load", "60")
    desk.fill("#note", "按排污单位意见更正生产负荷")
    desk.get_by_role("button", name="保存更正").click()
    assert "已更正 1 项" in desk.inner_text("main") and "由 85 % 更正为 60 %" in desk.inner_text("main")
    desk.get_by_role("button", name="重新提交排污单位确认").click()
    assert "已重新提交" in desk.inner_text("main")
    drain()  # the new template message goes out

    second = latest_message_url(runtime)
    assert second != first
    handset.goto(second)
    assert "生产负荷：60 %" in handset.inner_text("main")
    handset.get_by_role("button", name="确认", exact=True).click()
    handset.wait_for_url(f"{second}/done")
    assert "已确认" in handset.inner_text("main") and trip_state(runtime) == "completed"
    assert handset.goto(first).status == 410  # the rejected round's link no longer works
