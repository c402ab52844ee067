"""The scenes of a sampling trip, as a sampler would play them on the demo data."""
from __future__ import annotations

import re

from tests.support.images import jpeg

SITE = (30.8168, 121.3502)  # inside the demo polluter's fence
FAR = (30.8350, 121.3500)  # about 2 km north
# where the demo's two planned points are sampled: a few metres from their registered positions (services/demo.py)
POINTS = [(30.81702, 121.35038), (30.81642, 121.34972)]
SELF_SITE = (31.0321, 121.2271)  # the self-monitoring demo polluter's site, and its two points
SELF_POINTS = [(31.03232, 121.22738), (31.03172, 121.22672)]
# the demo visit's instruments as scheduled: 1. the flue-gas tester (GT-EQ-001), 2. the pH meter (GT-EQ-002);
# the wastewater outlet is sampled with the pH meter, the boiler stack with the flue-gas tester
USED = ["2", "1"]
CONDITIONS = ["85", "1", "1", "1", "12", "101.3", "120", "8.5", "跳过", "跳过", "跳过"]


def bind(sampler, username: str = "sampler1") -> None:
    sampler.tap("ACCOUNT_INFO")
    sampler.text(username)
    assert "绑定成功" in sampler.text("demo1234")


def start(sampler) -> str:
    sampler.tap("SAMPLING_TASKS")
    return choose(sampler, "1")


def choose(sampler, number: str) -> str:
    """A visit chosen from the list; one started outside its scheduled window (tests run at any hour) confirmed."""
    reply = sampler.text(number)
    return sampler.text("1") if "不在计划时段内" in reply else reply


def arrive(sampler, where=SITE, seed: int = 1) -> str:
    reply = sampler.location(*where)
    sampler.photo(jpeg(seed))
    return reply


def confirm_instruments(sampler) -> str:
    """From the arrival photos on: 1, then the schedule's instruments confirmed as taken to the site."""
    assert "【采样仪器】请核对带到现场的仪器" in sampler.text("1")
    return sampler.text("确认")


def sample_all_points(sampler, points: int = 2, seed: int = 10, places=POINTS) -> None:
    """From the arrival photos on: 1, the instruments confirmed, then each point's location, photos and time."""
    assert "发送您当前的位置" in confirm_instruments(sampler)
    sample_points(sampler, points, seed, places)


def at_point(sampler, n: int, places=POINTS) -> str:
    """The point's location, and (a trip with several instruments asks) the instruments used there."""
    reply = sampler.location(*places[n % len(places)])
    if "本点位使用了哪些仪器" in reply:
        reply = sampler.text(USED[n % len(USED)])
    return reply


def sample_points(sampler, points: int = 2, seed: int = 10, places=POINTS) -> None:
    """From the first point's location on."""
    for n in range(points):
        assert "采样过程照片" in at_point(sampler, n, places)
        sampler.photo(jpeg(seed + n))
        assert "仪器" in sampler.text("1")
        sampler.photo(jpeg(seed + 100 + n))
        assert "采样时间" in sampler.text("1")
        sampler.text("1")


def fill_conditions(sampler, answers=CONDITIONS) -> str:
    reply = ""
    for answer in answers:
        reply = sampler.text(answer)
    return reply


def leave(sampler, where=SITE, seed: int = 50) -> str:
    assert "请核对" in fill_conditions(sampler) or True
    sampler.text("1")
    sampler.location(*where)
    sampler.photo(jpeg(seed))
    return ship(sampler, sampler.text("1"))


def ship(sampler, reply: str) -> str:
    """运输保存, when the trip has samples for the laboratory: the plan's packing confirmed (a group the plan left
    without a storage condition kept cold), the samples leave now."""
    if "【运输保存】" not in reply:
        return reply
    answer = sampler.text("确认")
    while missing := re.search(r"请先回复如“(\d+) 冷藏”", answer):
        sampler.text(f"{missing.group(1)} 冷藏")
        answer = sampler.text("确认")
    assert "样品离开现场" in answer, answer
    return sampler.text("现在")


def whole_trip(sampler, username: str = "sampler1") -> str:
    bind(sampler, username)
    start(sampler)
    arrive(sampler)
    sample_all_points(sampler)
    review = leave(sampler)
    assert "提交前核对" in review, review
    return sampler.text("1")
