"""One machine per declared machine, shared by every row it drives: rows get their own triggers and state,
and the machine keeps no row."""
from __future__ import annotations

from enum import StrEnum

from states.machines import as_values, attach, shared
from states.trip import TRANSITIONS, Step, bind


class Row:
    """A row as the trip machine sees it: a state column and the guards it names."""

    def __init__(self, state=None, photos=False):
        self.state = state
        self.photos = photos
        self.point_index = 0

    def has_arrival_photo(self): return self.photos


def test_every_trip_row_is_driven_by_the_one_trip_machine_and_keeps_its_own_state():
    first, second = Row("arrival_photo", photos=True), Row("arrival_photo", photos=False)
    assert bind(first) is bind(second) is shared(Step, TRANSITIONS)
    assert first.proceed() and first.state != Step.ARRIVAL_PHOTO
    assert not second.may_proceed() and second.state == Step.ARRIVAL_PHOTO  # the other row's guard is its own


def test_the_shared_machine_holds_no_row_after_attaching_many():
    rows = [Row("new") for _ in range(500)]
    for row in rows:
        bind(row)
        row.start()
    assert all(row.state == Step.ARRIVAL_LOCATION for row in rows)
    assert shared(Step, TRANSITIONS).models == []  # rows are not kept alive by a machine living as long as the process


def test_a_row_without_a_stored_state_starts_from_the_initial_step():
    row = Row(None)
    bind(row)
    assert row.state == Step.NEW and row.may_start()


def test_a_machine_declared_anew_is_not_mistaken_for_an_earlier_one():
    class Lamp(StrEnum):
        OFF = "off"
        ON = "on"

    switch = as_values([{"trigger": "press", "source": Lamp.OFF, "dest": Lamp.ON}])
    lamp = Row("off")
    attach(lamp, Lamp, switch, Lamp.OFF)
    lamp.press()
    rewired = as_values([{"trigger": "press", "source": Lamp.OFF, "dest": Lamp.OFF}])
    other = Row("off")
    attach(other, Lamp, rewired, Lamp.OFF)
    other.press()
    assert (lamp.state, other.state) == (Lamp.ON, Lamp.OFF)
