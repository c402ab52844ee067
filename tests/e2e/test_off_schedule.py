"""A trip started far outside its scheduled window (the demo visit: today 08:00–18:00): the sampler is asked to
confirm first and told the regulator will see it; within the finding's tolerance, or resuming, nothing is asked."""
from __future__ import annotations

from datetime import time

from sqlalchemy import func, select

from models import SamplingTrip, TripEvent, clock
from services.field import event_text
from tests.e2e import trip_script as script


def _at(client, hour: int, minute: int = 0) -> None:
    now = clock.at_local(clock.today(), time(hour, minute))
    assert client.put("/fake-wechat/clock", json={"now": now.isoformat()}).status_code == 200


def _trips(runtime) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(SamplingTrip))


def test_a_start_far_outside_the_window_asks_first_and_says_the_regulator_will_see_it(demo_world, phone, runtime,
                                                                                      client):
    _at(client, 20, 0)
    sampler = phone("o_sampler1")
    script.bind(sampler)
    sampler.tap("SAMPLING_TASKS")
    day = clock.today().strftime("%m-%d")
    asked = sampler.text("1")
    assert f"计划时段为 {day} 08:00–18:00，现在是 {day} 20:00，不在计划时段内" in asked
    assert "回复 1 确认开始" in asked and "“进场时间不在计划时段内”，管理部门可以看到" in asked
    assert _trips(runtime) == 0

    assert "已开始采样行程" in sampler.text("1")
    with runtime.sessions() as s:
        start = s.scalars(select(TripEvent).where(TripEvent.action == "start")).one()
        assert start.detail == {"off_schedule": True}
        assert event_text.what(start.action, start.detail) == "开始行程（采样人员确认在计划时段外开始）"

    sampler.tap("SAMPLING_TASKS")
    assert "继续采样行程" in sampler.text("1")  # resuming starts nothing: not asked again


def test_choosing_again_instead_of_confirming_starts_nothing(demo_world, phone, runtime, client):
    _at(client, 6, 0)
    sampler = phone("o_sampler1")
    script.bind(sampler)
    sampler.tap("SAMPLING_TASKS")
    assert "不在计划时段内" in sampler.text("1")
    assert "1. " in sampler.tap("SAMPLING_TASKS")
    assert "不在计划时段内" in sampler.text("1")  # asked again for the list shown again
    assert _trips(runtime) == 0


def test_a_start_within_the_findings_tolerance_is_not_questioned(demo_world, phone, runtime, client):
    _at(client, 18, 20)  # 20 minutes after the window, within off_schedule's 30
    sampler = phone("o_sampler1")
    script.bind(sampler)
    sampler.tap("SAMPLING_TASKS")
    assert "已开始采样行程" in sampler.text("1")
    with runtime.sessions() as s:
        assert s.scalars(select(TripEvent).where(TripEvent.action == "start")).one().detail == {}
