"""De-duplication of WeChat deliveries and the per-user lock, on the in-process redis stand-in."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import fakeredis
import pytest

from bot.deliveries import Busy, Deliveries, delivery_key


@pytest.fixture
def deliveries():
    return Deliveries(fakeredis.FakeRedis(), wait_seconds=0.3)


def test_messages_are_keyed_by_msgid_and_events_by_sender_and_time():
    assert delivery_key(SimpleNamespace(message_id=42, source="o1", time=5)) == "msg:42"
    assert delivery_key(SimpleNamespace(message_id=0, source="o1", time=5)) == "evt:o1:5"


def test_the_first_delivery_claims_and_a_retry_gets_its_reply(deliveries):
    assert deliveries.claim("msg:1") and not deliveries.claim("msg:1")
    deliveries.remember("msg:1", b"<xml>reply</xml>")
    assert deliveries.reply_of("msg:1") == b"<xml>reply</xml>"


def test_a_retry_waits_for_the_first_delivery_still_being_handled(deliveries):
    deliveries.claim("msg:2")
    threading.Timer(0.1, deliveries.remember, ("msg:2", b"late")).start()
    assert deliveries.reply_of("msg:2") == b"late"


def test_a_retry_gives_up_waiting_inside_wechats_five_seconds(deliveries):
    deliveries.claim("msg:3")
    assert deliveries.reply_of("msg:3") is None


def test_one_message_at_a_time_per_user(deliveries):
    with deliveries.user_lock("o1"):
        with pytest.raises(Busy):
            with deliveries.user_lock("o1"):
                pass
        with deliveries.user_lock("o2"):
            pass
    with deliveries.user_lock("o1"):
        pass
