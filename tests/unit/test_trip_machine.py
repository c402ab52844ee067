"""The trip machine as data, on a stand-in model: no database."""
from __future__ import annotations

import pytest
from transitions import MachineError

from states.trip import ACTIVE, EXPECTS, FINAL, TRANSITIONS, Step, bind, can


class FakeTrip:
    """Just the guards and callbacks the machine names, with switches for the tests."""

    def __init__(self, state="new", points=2, self_monitoring=False, lab_samples=False, instruments=2):
        self.state = state
        self.lab_samples = lab_samples
        self.instruments = instruments
        self.point_index = 0
        self.points = points
        self.photos = set()
        self.self_monitoring = self_monitoring

    def has_arrival_photo(self): return "arrival" in self.photos
    def has_sample_photo(self): return ("sampling", self.point_index) in self.photos
    def has_output_photo(self): return ("output", self.point_index) in self.photos
    def has_departure_photo(self): return "departure" in self.photos
    def has_more_points(self): return self.point_index + 1 < self.points
    def has_lab_samples(self): return self.lab_samples
    def is_first_point(self): return self.point_index == 0
    def is_self_monitoring(self): return self.self_monitoring
    def has_several_instruments(self): return self.instruments > 1
    def next_point(self): self.point_index += 1
    def previous_point(self): self.point_index -= 1


def walk_to_review(trip: FakeTrip) -> None:
    bind(trip)
    trip.start()
    trip.check_in()
    trip.photos.add("arrival")
    trip.proceed()
    trip.confirm_instruments()
    for point in range(trip.points):
        trip.locate_point()
        if trip.state == "point_instruments":
            trip.choose_instruments()
        trip.photos |= {("sampling", point), ("output", point)}
        trip.proceed()
        trip.proceed()
        trip.record_time()
    trip.finish_form()
    trip.confirm()
    trip.check_in()
    trip.photos.add("departure")
    trip.proceed()


def test_a_trip_walks_every_point_then_conditions_then_departure():
    trip = FakeTrip(points=3)
    walk_to_review(trip)
    assert trip.state == "review" and trip.point_index == 2
    trip.confirm()
    assert trip.state == "awaiting_confirmation"


def test_samples_for_the_laboratory_add_transport_after_the_departure_photos():
    trip = FakeTrip(lab_samples=True)
    walk_to_review(trip)
    assert trip.state == "transport"
    trip.confirm()
    assert trip.state == "left_site"
    trip.leave_site()
    assert trip.state == "review"
    trip.back()
    assert trip.state == "left_site"
    trip.back()
    trip.back()
    assert trip.state == "departure_photo"


def test_a_trip_measured_wholly_on_site_goes_from_the_departure_photos_to_the_review():
    trip = FakeTrip(lab_samples=False)
    walk_to_review(trip)
    assert trip.state == "review"
    trip.back()
    assert trip.state == "departure_photo"


def test_a_self_monitoring_trip_completes_on_submit():
    trip = FakeTrip(self_monitoring=True)
    walk_to_review(trip)
    trip.confirm()
    assert trip.state == "completed"


def test_no_photo_no_next_step():
    trip = FakeTrip(state="arrival_photo")
    assert not can(trip, "proceed")
    assert trip.proceed() is False and trip.state == "arrival_photo"


def test_back_from_the_second_point_returns_to_the_first_points_time():
    trip = FakeTrip(state="sample_photo")
    trip.point_index = 1
    bind(trip)
    trip.back()
    assert trip.state == "point_instruments" and trip.point_index == 1
    trip.back()
    assert trip.state == "point_location" and trip.point_index == 1
    trip.back()
    assert trip.state == "sample_time" and trip.point_index == 0
    trip.back()
    trip.back()
    trip.back()
    assert trip.state == "point_instruments"
    trip.back()
    assert trip.state == "point_location"
    trip.back()
    assert trip.state == "instruments"
    trip.back()
    assert trip.state == "arrival_photo"


def test_each_point_is_located_before_its_photos():
    trip = FakeTrip(state="arrival_photo", points=2)
    trip.photos.add("arrival")
    bind(trip)
    trip.proceed()
    trip.confirm_instruments()
    assert trip.state == "point_location" and not can(trip, "proceed")
    trip.locate_point()
    trip.choose_instruments()
    trip.photos |= {("sampling", 0), ("output", 0)}
    trip.proceed()
    trip.proceed()
    trip.record_time()
    assert trip.state == "point_location" and trip.point_index == 1


def test_the_instruments_are_confirmed_after_the_arrival_photos_and_before_the_first_point():
    trip = FakeTrip(state="arrival_photo")
    trip.photos.add("arrival")
    bind(trip)
    trip.proceed()
    assert trip.state == "instruments" and not can(trip, "locate_point")
    trip.confirm_instruments()
    assert trip.state == "point_location"


def test_a_trip_with_one_instrument_is_not_asked_which_one_sampled_a_point():
    trip = FakeTrip(state="point_location", instruments=1)
    bind(trip)
    trip.locate_point()
    assert trip.state == "sample_photo"
    trip.back()
    assert trip.state == "point_location"


def test_a_trip_with_several_instruments_is_asked_at_each_point_and_goes_back_to_that_question():
    trip = FakeTrip(state="point_location", instruments=2)
    bind(trip)
    trip.locate_point()
    assert trip.state == "point_instruments"
    trip.choose_instruments()
    assert trip.state == "sample_photo"
    trip.back()
    assert trip.state == "point_instruments"


def test_a_machine_resumes_from_the_stored_state():
    trip = FakeTrip(state="departure_location")
    bind(trip)
    trip.check_in()
    assert trip.state == "departure_photo"


@pytest.mark.parametrize("state", [s.value for s in FINAL])
def test_nothing_moves_a_finished_trip(state):
    trip = FakeTrip(state=state)
    bind(trip)
    for trigger in ("proceed", "back", "cancel", "check_in", "confirm"):
        with pytest.raises(MachineError):
            getattr(trip, trigger)()


@pytest.mark.parametrize("state", [s.value for s in ACTIVE])
def test_every_active_step_can_be_cancelled(state):
    trip = FakeTrip(state=state)
    assert can(trip, "cancel")


def test_every_step_a_sampler_acts_in_says_what_it_expects():
    by_others = ("cancel", "start", "back", "approve", "reject", "resubmit")
    acted_in = {t["source"] for t in TRANSITIONS if t["trigger"] not in by_others}
    assert {s for s in acted_in if isinstance(s, str)} <= {s.value for s in EXPECTS}
    assert Step.NEW not in EXPECTS
