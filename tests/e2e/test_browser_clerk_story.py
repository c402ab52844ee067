"""The agency clerk's whole story in a real browser: from login to a report system number, with the field
work done through WeChat and the polluter confirming on its phone in between."""
from __future__ import annotations

import re

from bot.standin.store import FakeWeChat
from models import clock
from services.dev import demo
from tests.e2e import trip_script as script
from tests.e2e.test_browser_task import file_contract, take_task_to_the_field
from tests.support.browser import sign_in
from tests.support.images import jpeg

WATER_ONLY_CONDITIONS = ["85", "1", "1", "跳过"]


def sample_in_the_field(phone) -> None:
    sampler = phone("o_sampler1")
    script.bind(sampler)
    listing = sampler.tap("SAMPLING_TASKS")
    assert "2. " in listing and "年度委托监测" in listing.split("2. ")[1]
    script.choose(sampler, "2")
    script.arrive(sampler)
    script.sample_all_points(sampler, points=1)
    assert "请核对" in script.fill_conditions(sampler, WATER_ONLY_CONDITIONS)
    sampler.text("1")
    sampler.location(*script.SITE)
    sampler.photo(jpeg(60))
    assert "提交前核对" in script.ship(sampler, sampler.text("1"))
    assert "已提交" in sampler.text("1")


def polluter_confirms(handset, runtime, live) -> None:
    handset.context.add_cookies([{"name": "emss_sim_openid", "value": demo.POLLUTER_OPENID, "url": live}])
    url = [m for m in FakeWeChat(runtime.redis).inbox(demo.POLLUTER_OPENID) if m["kind"] == "template"][-1]["url"]
    handset.goto(url)
    assert "年度委托监测" in handset.inner_text("main")
    handset.get_by_role("button", name="确认", exact=True).click()
    handset.wait_for_url(f"{url}/done")


def test_agency_clerk_from_login_to_report_number(demo_world, live, config, desk, handset, phone, runtime,
                                                  tmp_path):
    config.wechat_open_base = f"{live}/fake-wechat/open/"
    sign_in(desk, live, "agency1")
    file_contract(desk, tmp_path)
    take_task_to_the_field(desk)
    task_url = desk.url

    sample_in_the_field(phone)
    polluter_confirms(handset, runtime, live)

    desk.goto(task_url)
    desk.click("a:has-text('进入采样管理与数据报告')")
    assert "已确认" in desk.inner_text("main") or "已完成" in desk.inner_text("main")
    desk.click("button:has-text('提交采样管理')")
    desk.click("button:has-text('生成报告系统编号')")
    main = desk.inner_text("main")
    assert re.search(rf"LC-{clock.today().year}-\d{{5}}", main), main
