"""De-duplication of WeChat deliveries and the per-user lock, on the in-process redis stand-in."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import fakeredis
import pytest

from bot.deliveries import Busy, Deliveries, delivery_key

SESSION = "emss:session:o1"


@pytest.fixture
def redis():
    return fakeredis.FakeRedis()


@pytest.fixture
def deliveries(redis):
    return Deliveries(redis, wait_seconds=0.3)


def test_messages_are_keyed_by_msgid_and_events_by_sender_and_time():
    assert delivery_key(SimpleNamespace(message_id=42, source="o1", time=5)) == "msg:42"
    assert delivery_key(SimpleNamespace(message_id=0, source="o1", time=5)) == "evt:o1:5"


def test_the_first_delivery_claims_reads_the_session_and_a_retry_gets_its_reply(deliveries, redis):
    redis.set(SESSION, b'{"trip": 7}')
    first = deliveries.begin("msg:1", "o1", SESSION)
    assert first.first and first.session == b'{"trip": 7}'
    deliveries.finish("msg:1", "o1", first.token, b"<xml>reply</xml>", {SESSION: (b'{"trip": 8}', 60)})
    retry = deliveries.begin("msg:1", "o1", SESSION)
    assert not retry.first and deliveries.reply_of("msg:1") == b"<xml>reply</xml>"
    assert redis.get(SESSION) == b'{"trip": 8}' and 0 < redis.ttl(SESSION) <= 60
    assert redis.get("emss:lock:user:o1") is None  # a retry does not keep the user's lock


def test_a_retry_waits_for_the_first_delivery_still_being_handled(deliveries):
    first = deliveries.begin("msg:2", "o1", SESSION)
    threading.Timer(0.1, deliveries.finish, ("msg:2", "o1", first.token, b"late", {})).start()
    assert deliveries.reply_of("msg:2") == b"late"


def test_a_retry_gives_up_waiting_inside_wechats_five_seconds_while_the_first_is_still_working(deliveries):
    first = deliveries.begin("msg:3", "o1", SESSION)
    with deliveries.holding("msg:3", "o1", first.token):
        assert deliveries.reply_of("msg:3") == b"success"  # the first delivery is alive: its effect will land


def test_one_message_at_a_time_per_user(deliveries):
    first = deliveries.begin("msg:4", "o1", SESSION)
    with pytest.raises(Busy):
        deliveries.begin("msg:5", "o1", SESSION)
    deliveries.finish("msg:4", "o1", first.token, b"r", {})
    assert deliveries.begin("msg:5", "o1", SESSION).first  # Busy freed the claim for WeChat's retry
    assert deliveries.begin("msg:6", "o2", "emss:session:o2").first


def test_a_waiting_message_reads_the_session_its_predecessor_wrote(deliveries, redis):
    first = deliveries.begin("msg:7", "o1", SESSION)
    threading.Timer(0.1, deliveries.finish, ("msg:7", "o1", first.token, b"r", {SESSION: (b'{"step": 2}', 60)})).start()
    assert deliveries.begin("msg:8", "o1", SESSION).session == b'{"step": 2}'


def test_an_abandoned_delivery_can_be_retried(deliveries):
    first = deliveries.begin("msg:9", "o1", SESSION)
    deliveries.abandon("msg:9", "o1", first.token)
    assert deliveries.begin("msg:9", "o1", SESSION).first


def test_a_lock_whose_holder_died_frees_itself_within_its_lifetime(redis):
    deliveries = Deliveries(redis, wait_seconds=1.0, lock_ttl=0.3)
    deliveries.begin("msg:10", "o1", SESSION)  # and its worker is killed: no renewal, no release
    assert deliveries.begin("msg:11", "o1", SESSION).first


def test_a_living_holder_keeps_its_lock_past_its_lifetime(redis):
    deliveries = Deliveries(redis, wait_seconds=1.5, lock_ttl=0.6)
    first = deliveries.begin("msg:12", "o1", SESSION)
    with deliveries.holding("msg:12", "o1", first.token), pytest.raises(Busy):
        deliveries.begin("msg:13", "o1", SESSION)


def test_a_holder_that_outlived_its_lock_does_not_release_the_next_holders(redis):
    deliveries = Deliveries(redis, wait_seconds=1.0, lock_ttl=0.2)
    stale = deliveries.begin("msg:14", "o1", SESSION)
    current = deliveries.begin("msg:15", "o1", SESSION)  # waited until the stale lock expired
    deliveries.finish("msg:14", "o1", stale.token, b"late", {})
    assert redis.get("emss:lock:user:o1") == current.token.encode()
