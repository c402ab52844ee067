"""账户信息: binding WeChat to an account of this system."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.menu import MENU
from bot.standin.simulator import DEMO_USERS
from handlers import texts as T
from models import WechatBinding
from tests.e2e import trip_script as script


def _bound(runtime) -> dict[str, str]:
    with runtime.sessions() as s:
        return {b.openid: b.user.username for b in s.scalars(select(WechatBinding))}


def test_a_sampler_binds_with_account_and_password(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    assert "请输入您的账号" in sampler.tap("ACCOUNT_INFO")
    assert "请输入密码" in sampler.text("sampler1")
    reply = sampler.text("demo1234")
    assert "绑定成功" in reply and "张伟" in reply and "上海绿测环境检测有限公司" in reply
    assert _bound(runtime)["o_sampler1"] == "sampler1"


def test_a_bound_user_sees_who_they_are_and_can_unbind(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    info = sampler.tap("ACCOUNT_INFO")
    assert "sampler1" in info and "采样人员" in info and "解绑" in info
    assert "确定要解除" in sampler.text("解绑")
    assert "已保留绑定" in sampler.text("算了")
    assert "o_sampler1" in _bound(runtime)
    sampler.text("解绑")
    assert "已解除绑定" in sampler.text("1")
    assert "o_sampler1" not in _bound(runtime)
    assert "尚未绑定" in sampler.tap("SAMPLING_TASKS")


def test_the_polluter_binds_with_an_account_made_here(demo_world, phone, runtime):
    with runtime.sessions() as s:
        s.delete(s.scalars(select(WechatBinding)).one())
        s.commit()
    officer = phone("o_officer")
    script.bind(officer, "polluter1")
    assert "没有待您确认" in officer.tap("SAMPLING_TASKS")


def test_the_polluter_lists_trips_awaiting_its_confirmation(demo_world, phone):
    script.whole_trip(phone("o_sampler1"))
    listing = phone("o_demo_polluter").tap("SAMPLING_TASKS")
    assert "待您确认" in listing and "张伟" in listing and "/m/confirm/" in listing


def test_five_wrong_passwords_lock_binding_for_fifteen_minutes(demo_world, phone, runtime):
    stranger = phone("o_guess")
    stranger.tap("ACCOUNT_INFO")
    replies = []
    for _ in range(5):
        stranger.text("sampler1")
        replies.append(stranger.text("123456"))
    assert "还可尝试 4 次" in replies[0] and "锁定" in replies[-1] and "15 分钟" in replies[-1]
    assert "锁定" in stranger.tap("ACCOUNT_INFO")
    assert "o_guess" not in _bound(runtime)
    assert "请输入您的账号" in phone("o_other").tap("ACCOUNT_INFO")  # only that OpenID is locked


def test_an_account_bound_elsewhere_cannot_be_taken_over(demo_world, phone, runtime):
    script.bind(phone("o_sampler1"))
    thief = phone("o_thief")
    thief.tap("ACCOUNT_INFO")
    thief.text("sampler1")
    assert "已绑定其他微信号" in thief.text("demo1234")
    assert _bound(runtime)["o_sampler1"] == "sampler1" and "o_thief" not in _bound(runtime)


def test_binding_can_be_abandoned_with_cancel(demo_world, phone):
    sampler = phone("o_sampler1")
    sampler.tap("ACCOUNT_INFO")
    assert "已取消绑定" in sampler.text("取消")
    assert "尚未绑定" in sampler.text("采样任务")


def test_the_om_menu_tells_a_sampler_it_is_for_om_crews(demo_world, phone):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    assert "仅对运维人员开放" in sampler.tap("OM_TASKS")


def test_subscribing_welcomes_and_explains_binding(demo_world, phone):
    reply = phone("o_new").send("event", {"Event": "subscribe"}, msgid=None)
    assert "欢迎关注" in reply and "绑定" in reply


def test_a_visit_on_a_task_not_yet_in_sampling_is_not_listed(demo_world, phone, runtime):
    from models import MonitoringTask, TaskStatus

    with runtime.sessions() as s:
        task = s.scalars(select(MonitoringTask).where(MonitoringTask.code == "RW-DEMO-0001")).one()
        task.status = TaskStatus.SCHEDULING
        s.commit()
    sampler = phone("o_sampler1")
    script.bind(sampler)
    assert "没有分配" in sampler.tap("SAMPLING_TASKS")


def test_an_account_name_typed_before_finding_the_menu_starts_the_binding(demo_world, phone):
    sampler = phone("o_sampler1")
    assert sampler.text("sampler1") == T.ASK_PASSWORD_FOR.format(username="sampler1")
    assert "绑定成功" in sampler.text("demo1234")


def test_a_greeting_from_an_unbound_user_is_told_how_to_bind(demo_world, phone):
    stranger = phone("o_stranger")
    assert stranger.text("你好") == T.UNBOUND
    assert stranger.text("sampler1") == T.ASK_PASSWORD_FOR.format(username="sampler1")
    assert stranger.text("取消") == T.BIND_CANCELLED  # not their account after all


README_STEP = re.compile(r"选择“(?P<persona>[^”]+)”，点“(?P<bind>[^”]+)”，"
                         r"输入账号 `(?P<account>\w+)`、密码 `(?P<password>\w+)` 完成绑定，再点“(?P<work>[^”]+)”")


def _menu_key(path: str) -> str:
    top, item = path.split(" → ")
    return next(b["key"] for group in MENU["button"] if group["name"] == top
                for b in group["sub_button"] if b["name"] == item)


@pytest.mark.parametrize("username", ["sampler1", "omcrew1"])
def test_the_readme_tells_how_to_bind_each_crew_account_in_the_simulator(demo_world, phone, runtime, username):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    step = next(m for m in README_STEP.finditer(readme) if m["account"] == username)
    openid = dict(DEMO_USERS)[step["persona"]]  # the persona the simulator offers under that name
    crew = phone(openid)
    assert "请输入您的账号" in crew.tap(_menu_key(step["bind"]))
    assert "请输入密码" in crew.text(step["account"])
    assert "绑定成功" in crew.text(step["password"])
    assert _bound(runtime)[openid] == username
    assert T.UNBOUND not in crew.tap(_menu_key(step["work"]))  # the work menu the README names answers them
