"""A user's messages are handled one at a time under `emss:lock:user:<openid>`. When that lock is held — its
holder died mid-message, or is still working — the next message is never answered `success` with no effect:
WeChat does not retry after `success`, so the sampler's location or photo would simply be gone."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from handlers import texts
from models import CheckIn
from tests.e2e import trip_script as script
from tests.support.phone import Phone, message_xml

OPENID = "o_sampler1"


@pytest.fixture
def deliveries(app):
    """The endpoint's lock, with its lifetime and waiting budget shortened so the test takes a second, not five."""
    deliveries = app.extensions["emss.deliveries"]
    deliveries.lock_ttl, deliveries.wait_seconds = 1.5, 3.0
    return deliveries


@pytest.fixture
def sampler(demo_world, phone):
    sampler = phone(OPENID)
    script.bind(sampler)
    script.start(sampler)
    return sampler


def check_ins(runtime) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count()).select_from(CheckIn))


def location_xml(msgid: int) -> str:
    return message_xml(OPENID, "location", {"Location_X": script.SITE[0], "Location_Y": script.SITE[1],
                                            "Scale": 16, "Label": "现场"}, msgid, 1764000000 + msgid)


def test_a_message_after_a_worker_died_holding_the_lock_is_checked_in_once_the_lock_dies(
        sampler, deliveries, runtime):
    robot = sampler.client.application.extensions["emss.robot"]
    deliveries.begin("msg:died-mid-message", OPENID, robot.session_storage.key(OPENID))  # and never finishes
    reply = sampler.deliver(location_xml(990001))
    assert "进场签到已记录" in reply
    assert check_ins(runtime) == 1


def test_a_message_behind_a_slow_one_is_asked_for_again_in_chinese_and_counts_when_resent(
        sampler, deliveries, app, runtime):
    robot = app.extensions["emss.robot"]
    working, finish = threading.Event(), threading.Event()
    handle = robot.get_reply

    def slow_get_reply(message):
        if message.type == "text":  # the first message: its handler takes longer than the lock's lifetime
            working.set()
            finish.wait(10)
        return handle(message)

    robot.get_reply = slow_get_reply
    first = threading.Thread(target=lambda: Phone(app.test_client(), sampler.config, OPENID).text("状态"))
    first.start()
    assert working.wait(10)
    try:
        busy = sampler.deliver(location_xml(990002))
    finally:
        finish.set()
        first.join()
    assert busy == texts.RESEND_WHILE_BUSY
    assert check_ins(runtime) == 0
    resent = sampler.deliver(location_xml(990002))  # WeChat's retry or the user's resend is handled afresh
    assert "进场签到已记录" in resent
    assert check_ins(runtime) == 1


def test_a_retry_of_a_message_whose_worker_died_is_handled_not_answered_success(sampler, deliveries, runtime):
    robot = sampler.client.application.extensions["emss.robot"]
    deliveries.begin("msg:990003", OPENID, robot.session_storage.key(OPENID))  # the first delivery's worker died
    reply = sampler.deliver(location_xml(990003))  # WeChat retries the same MsgId 5 s later
    assert "进场签到已记录" in reply
    assert check_ins(runtime) == 1
