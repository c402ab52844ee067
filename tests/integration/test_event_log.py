import pytest
from sqlalchemy import select

from models import TripEvent
from tests.e2e import trip_script as script


def test_the_trip_event_log_cannot_be_rewritten(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    with runtime.sessions() as s:
        event = s.scalars(select(TripEvent)).first()
        event.action = "forged"
        with pytest.raises(ValueError, match="append-only"):
            s.flush()
        s.rollback()
        with pytest.raises(ValueError, match="append-only"):
            s.delete(s.scalars(select(TripEvent)).first())
            s.flush()


def test_every_event_names_who_and_from_which_message(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    with runtime.sessions() as s:
        events = list(s.scalars(select(TripEvent).order_by(TripEvent.id)))
    assert [e.action for e in events] == ["start", "check_in_arrival"]
    assert all(e.actor_id and e.message_key.startswith("msg:") and e.at for e in events)
