"""The scenes of a sampling trip, as a sampler would play them on the demo data."""
from __future__ import annotations

from tests.support.images import jpeg

SITE = (30.8168, 121.3502)  # inside the demo polluter's fence
FAR = (30.8350, 121.3500)  # about 2 km north
CONDITIONS = ["85", "1", "1", "1", "12", "101.3", "120", "8.5", "跳过", "跳过", "跳过"]


def bind(sampler, username: str = "sampler1") -> None:
    sampler.tap("ACCOUNT_INFO")
    sampler.text(username)
    assert "绑定成功" in sampler.text("demo1234")


def start(sampler) -> str:
    sampler.tap("SAMPLING_TASKS")
    return sampler.text("1")


def arrive(sampler, where=SITE, seed: int = 1) -> str:
    reply = sampler.location(*where)
    sampler.photo(jpeg(seed))
    return reply


def sample_all_points(sampler, points: int = 2, seed: int = 10) -> None:
    assert "采样过程照片" in sampler.text("1")
    for n in range(points):
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
    return sampler.text("1")


def whole_trip(sampler, username: str = "sampler1") -> str:
    bind(sampler, username)
    start(sampler)
    arrive(sampler)
    sample_all_points(sampler)
    review = leave(sampler)
    assert "提交前核对" in review, review
    return sampler.text("1")
