"""The settable clock of development (EMSS_DEV): a trainer sets or advances the app's time, everything recorded
follows it, and production never mounts it nor reads it."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from sqlalchemy import select

from models import CheckIn, clock
from tests.e2e import trip_script as script
from tests.integration.test_confirmation import wechat_open  # noqa: F401
from tests.integration.test_om_confirmation import opened, outcome, sign, submitted, visit_row  # noqa: F401
from tests.support.deployment import production_config
from web import create_app

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def close_to(moment: datetime, expected: datetime, seconds: float = 5) -> bool:
    return abs((moment - expected).total_seconds()) < seconds


def shown_time(response) -> datetime:
    assert response.status_code == 200, response.get_data(as_text=True)
    return datetime.fromisoformat(response.get_json()["now"])


def set_clock(client, moment: datetime):
    return client.put("/fake-wechat/clock", json={"now": moment.isoformat()})


def test_a_trainer_sets_advances_reads_and_resets_the_clock(client):
    set_at = datetime.fromisoformat("2026-11-20T09:00:00+08:00")
    answer = set_clock(client, set_at)
    assert close_to(shown_time(answer), set_at) and answer.get_json()["set"] is True
    assert answer.get_json()["shown"] == "2026-11-20 09:00"
    assert close_to(clock.now(), set_at) and clock.today().isoformat() == "2026-11-20"

    assert close_to(shown_time(client.put("/fake-wechat/clock", json={"advance_s": 1800})),
                    set_at + timedelta(minutes=30))
    assert close_to(shown_time(client.get("/fake-wechat/clock")), set_at + timedelta(minutes=30))

    back = client.delete("/fake-wechat/clock")
    assert close_to(shown_time(back), clock.real_now()) and back.get_json()["set"] is False
    assert close_to(clock.now(), clock.real_now())


def test_a_time_without_a_zone_is_china_time(client):
    assert close_to(shown_time(client.put("/fake-wechat/clock", json={"now": "2026-11-20T09:00"})),
                    clock.at_local(datetime(2026, 11, 20).date(), time(9, 0)))


def test_another_process_sees_the_clock_set_through_redis(client, runtime):
    set_at = datetime.fromisoformat("2027-01-05T10:00:00+08:00")
    other_process = clock.DevClock(runtime.redis)  # an RQ worker's or another gunicorn worker's clock
    assert other_process.offset() == 0
    set_clock(client, set_at)
    assert other_process.offset() == 0  # read at most once a second
    fresh = clock.DevClock(runtime.redis)
    assert close_to(clock.real_now() + timedelta(seconds=fresh.offset()), set_at)


def test_bad_clock_requests_get_a_chinese_reason_and_change_nothing(client):
    for body in ({}, {"now": "明天", }, {"now": 5}, {"advance_s": "半小时"}, {"advance_s": True},
                 {"advance_s": -60}, {"advance_s": 10 ** 9}, {"now": "2026-11-20T09:00:00+08:00", "advance_s": 60}):
        response = client.put("/fake-wechat/clock", json=body)
        assert response.status_code == 400 and CHINESE.search(response.get_json()["error"]), body
    assert client.put("/fake-wechat/clock", data="x").status_code == 400
    assert client.get("/fake-wechat/clock").get_json()["set"] is False


def test_production_neither_mounts_the_clock_nor_reads_it(config):
    production = create_app(production_config(config))
    production.extensions["emss"].redis.set(clock.OFFSET_KEY, 10 * 24 * 3600)  # as a dev process would leave it
    assert clock.dev_clock() is None and close_to(clock.now(), clock.real_now())
    web = production.test_client()
    for method in ("get", "put", "delete"):
        assert getattr(web, method)("/fake-wechat/clock", json={"advance_s": 60}).status_code == 404
    assert web.post("/fake-wechat/scenario", json={}).status_code == 404
    assert web.get("/simulator").status_code == 404


def test_check_ins_photos_and_sample_times_are_recorded_at_the_set_time(demo_world, client, phone, runtime):
    morning = clock.at_local(clock.today(), time(9, 0))
    set_clock(client, morning)
    sampler = phone("o_s1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    script.sample_all_points(sampler)  # each sampling time answered “1”: 现在
    with runtime.sessions() as s:
        arrival = s.scalars(select(CheckIn)).one()
        trip = arrival.trip
        assert close_to(arrival.at, morning, 30)
        assert all(close_to(photo.received_at, morning, 30) for photo in trip.photos)
        assert trip.samples and all(close_to(sample.sampled_at, morning, 30) for sample in trip.samples)
        assert all(close_to(event.at, morning, 30) for event in trip.events)


def test_advancing_past_midnight_makes_the_signature_late(submitted, client, runtime):  # noqa: F811
    url, html = opened(client, runtime)
    next_morning = clock.at_local(clock.today() + timedelta(days=1), time(0, 30))
    set_clock(client, next_morning)
    shown = outcome(client, sign(client, url, html))
    confirmation = visit_row(runtime).confirmations[0]
    assert confirmation.late is True and close_to(confirmation.decided_at, next_morning)
    assert "逾期确认" in shown


def test_the_simulator_shows_the_clock_with_its_buttons(client):
    set_clock(client, datetime.fromisoformat("2026-11-20T09:00:00+08:00"))
    page = client.get("/simulator").get_data(as_text=True)
    assert "系统时间" in page and "2026-11-20 09:00" in page and "（已设定）" in page
    for label, seconds in (("+10 分钟", 600), ("+1 小时", 3600), ("下一天", 86400)):
        assert f'data-advance="{seconds}">{label}</button>' in page
    assert "恢复真实时间" in page
    client.delete("/fake-wechat/clock")
    assert "（真实时间）" in client.get("/simulator").get_data(as_text=True)
