"""Impossible coordinates and unusable photos in chat: each gets its own Chinese explanation, nothing is
recorded, and the trip (or O&M visit) waits at the same step for the real location or photo."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import CheckIn, Photo, TaskStatus
from tests.e2e import om_script, trip_script
from tests.support import records as R

IMPOSSIBLE = {
    "far beyond the poles": (("999", "-1000"), "纬度"),
    "just past the pole": (("91", "121.3"), "纬度"),
    "just past the date line": (("30.8", "181"), "经度"),
    "1e308": (("1e308", "121.3"), "纬度"),
    "NaN": (("NaN", "121.3"), "纬度"),
    "nan longitude": (("30.8", "nan"), "经度"),
    "inf": (("inf", "121.3"), "纬度"),
    "minus infinity": (("30.8", "-Infinity"), "经度"),
    "words": (("北纬三十度", "121.3"), "纬度"),
    "empty": (("", "121.3"), "纬度"),
    "two numbers": (("30.8 31.2", "121.3"), "纬度"),
    "a thousand digits": (("3" * 1000, "121.3"), "纬度"),
}


def _check_ins(runtime) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(CheckIn))


def _photos(runtime) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(Photo))


def _send_location(phone, latitude: str, longitude: str) -> str:
    return phone.send("location", {"Location_X": latitude, "Location_Y": longitude, "Label": "现场"})


@pytest.fixture
def sampler_at_arrival(demo_world, phone):
    sampler = phone("o_sampler1")
    trip_script.bind(sampler)
    trip_script.start(sampler)
    return sampler


@pytest.fixture
def crew_at_arrival(demo_world, phone):
    crew = phone(om_script.CREW)
    om_script.bind(crew)
    om_script.start(crew)
    return crew


@pytest.mark.parametrize("where, named", IMPOSSIBLE.values(), ids=list(IMPOSSIBLE))
def test_a_sampler_sending_an_impossible_location_is_asked_to_send_it_again(sampler_at_arrival, runtime,
                                                                           where, named):
    reply = _send_location(sampler_at_arrival, *where)
    assert named in reply and "重新发送位置" in reply and "系统繁忙" not in reply
    assert _check_ins(runtime) == 0
    assert "进场签到已记录" in sampler_at_arrival.location(*trip_script.SITE)


@pytest.mark.parametrize("where", [("999", "-1000"), ("NaN", "121.3"), ("30.8", "inf")])
def test_an_om_crew_sending_an_impossible_location_is_asked_to_send_it_again(crew_at_arrival, runtime, where):
    reply = _send_location(crew_at_arrival, *where)
    assert "重新发送位置" in reply and "系统繁忙" not in reply
    assert _check_ins(runtime) == 0
    assert "进场签到已记录" in crew_at_arrival.location(*om_script.SITE)


def test_the_precision_wechat_sends_is_kept_with_the_check_in(sampler_at_arrival, runtime):
    sampler_at_arrival.send("location", {"Location_X": "30.8168", "Location_Y": "121.3502", "Precision": "25.5",
                                         "Label": "现场"})
    with runtime.sessions() as s:
        assert s.scalars(select(CheckIn.precision_m)).one() == 25.5


@pytest.mark.parametrize("media_id", ["", "x" * 129, "../../etc/passwd", "媒体"],
                         ids=["empty", "over-long", "path", "unicode"])
def test_a_photo_without_a_usable_media_id_is_explained_and_not_recorded(sampler_at_arrival, runtime, media_id):
    sampler_at_arrival.location(*trip_script.SITE)
    reply = sampler_at_arrival.send("image", {"PicUrl": "http://mmbiz.example/p", "MediaId": media_id})
    assert "照片" in reply and "重新" in reply and "系统繁忙" not in reply
    assert _photos(runtime) == 0


def test_an_om_photo_without_a_media_id_is_explained_and_not_recorded(crew_at_arrival, runtime):
    crew_at_arrival.location(*om_script.SITE)
    reply = crew_at_arrival.send("image", {"PicUrl": "http://mmbiz.example/p", "MediaId": ""})
    assert "照片" in reply and "重新" in reply and "系统繁忙" not in reply
    assert _photos(runtime) == 0


def test_a_receipt_photo_without_a_media_id_is_explained_and_not_recorded(demo_world, runtime, phone):
    R.new_task(runtime, "T-SY", status=TaskStatus.REVIEW, sampling_needed=False)
    clerk = phone("o_agency1")
    trip_script.bind(clerk, "agency1")
    clerk.text("送样接收")
    clerk.text("1")
    reply = clerk.send("image", {"PicUrl": "http://mmbiz.example/p", "MediaId": "x" * 200})
    assert "照片" in reply and "重新" in reply and "系统繁忙" not in reply
    assert _photos(runtime) == 0
