"""The O&M visit machine as data, on a stand-in model: no database."""
from __future__ import annotations

import pytest
from transitions import MachineError

from states.om_visit import ACTIVE, EXPECTS, FINAL, TRANSITIONS, Step, bind, can


class FakeVisit:
    """Just the guards the machine names, with switches for the tests."""

    def __init__(self, state="new"):
        self.state = state
        self.photos = set()
        self.instrument_known = True
        self.confirmed = 0

    def has_arrival_photo(self): return "arrival" in self.photos
    def has_sheet_photo(self): return ("sheet", self.confirmed) in self.photos
    def has_departure_photo(self): return "departure" in self.photos
    def sheet_needs_instrument(self): return not self.instrument_known
    def has_confirmed_sheet(self): return self.confirmed > 0


def fill_a_sheet(visit: FakeVisit, instrument_known: bool = True) -> None:
    visit.instrument_known = instrument_known
    visit.pick_sheet()
    if not instrument_known:
        assert visit.state == "choose_instrument"
        visit.pick_instrument()
    visit.finish_form()
    visit.confirm()
    visit.confirmed += 1
    assert visit.state == "sheet_photo"
    visit.photos.add(("sheet", visit.confirmed))
    visit.proceed()


def test_a_visit_checks_in_fills_sheets_checks_out_and_is_submitted():
    visit = FakeVisit()
    bind(visit)
    visit.start()
    visit.check_in()
    visit.photos.add("arrival")
    visit.proceed()
    assert visit.state == "choose_sheet"
    fill_a_sheet(visit)
    fill_a_sheet(visit, instrument_known=False)
    visit.leave()
    visit.check_in()
    assert visit.state == "departure_photo"
    visit.photos.add("departure")
    visit.proceed()
    visit.confirm()
    assert visit.state == "awaiting_confirmation"
    visit.approve()
    assert visit.state == "confirmed"


def test_a_planned_item_opens_its_sheet_at_once_a_kind_asks_for_the_instrument():
    visit = FakeVisit(state="choose_sheet")
    bind(visit)
    visit.pick_sheet()
    assert visit.state == "sheet_form"
    other = FakeVisit(state="choose_sheet")
    other.instrument_known = False
    bind(other)
    other.pick_sheet()
    assert other.state == "choose_instrument"


def test_no_leaving_before_a_sheet_is_confirmed_and_no_next_step_without_photos():
    visit = FakeVisit(state="choose_sheet")
    assert not can(visit, "leave")
    assert visit.leave() is False and visit.state == "choose_sheet"
    for state in ("arrival_photo", "sheet_photo", "departure_photo"):
        visit = FakeVisit(state=state)
        assert not can(visit, "proceed")


def test_back_walks_one_step_at_a_time():
    visit = FakeVisit(state="review")
    bind(visit)
    for expected in ("departure_photo", "departure_location", "choose_sheet", "arrival_photo", "arrival_location"):
        visit.back()
        assert visit.state == expected
    assert not can(visit, "back")
    visit = FakeVisit(state="sheet_photo")
    bind(visit)
    visit.back()
    visit.back()
    visit.back()
    assert visit.state == "choose_sheet"


def test_a_machine_resumes_from_the_stored_state():
    visit = FakeVisit(state="departure_location")
    bind(visit)
    visit.check_in()
    assert visit.state == "departure_photo"


@pytest.mark.parametrize("state", [s.value for s in FINAL])
def test_nothing_the_crew_does_moves_a_finished_visit(state):
    visit = FakeVisit(state=state)
    bind(visit)
    for trigger in ("proceed", "back", "cancel", "check_in", "confirm", "pick_sheet", "leave"):
        with pytest.raises(MachineError):
            getattr(visit, trigger)()


def test_the_polluters_decision_and_the_resubmission():
    visit = FakeVisit(state="awaiting_confirmation")
    bind(visit)
    visit.reject()
    assert visit.state == "rejected"
    visit.resubmit()
    assert visit.state == "awaiting_confirmation"


@pytest.mark.parametrize("state", [s.value for s in ACTIVE])
def test_every_active_step_can_be_cancelled(state):
    assert can(FakeVisit(state=state), "cancel")


def test_every_step_the_crew_acts_in_says_what_it_expects():
    by_others = ("cancel", "start", "back", "approve", "reject", "resubmit")
    acted_in = {t["source"] for t in TRANSITIONS if t["trigger"] not in by_others}
    assert {s for s in acted_in if isinstance(s, str)} <= {s.value for s in EXPECTS}
    assert Step.NEW not in EXPECTS
