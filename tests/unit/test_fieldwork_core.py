"""The field-work core both kinds of visit fire their triggers through: a trigger the step does not allow, or
whose guard fails, is the domain's refusal with a code — never transitions' MachineError — and the visit stays
where it was."""
from __future__ import annotations

import pytest

from services.core.refusal import Refusal
from services.field.fieldwork import CHECK_IN_KIND, Core
from states import om_visit, trip


class VisitRefused(Refusal):
    pass


class Visit:
    """What a guard of the O&M machine reads of a visit, and nothing else."""

    def __init__(self, state: str, photos: int = 0):
        self.state = state
        self.photo_count = photos

    def has_arrival_photo(self) -> bool:
        return self.photo_count > 0


CORE = Core(om_visit.bind, VisitRefused, event=object)


def test_a_crew_member_moves_on_once_the_step_has_its_photo():
    visit = Visit("arrival_photo", photos=1)
    CORE.fire(visit, "proceed", "photo_needed")
    assert visit.state == "choose_sheet"


def test_moving_on_without_a_photo_is_refused_with_the_code_given_and_the_visit_stays():
    visit = Visit("arrival_photo")
    with pytest.raises(VisitRefused) as refused:
        CORE.fire(visit, "proceed", "photo_needed")
    assert refused.value.code == "photo_needed" and visit.state == "arrival_photo"


def test_a_trigger_the_step_does_not_know_is_the_wrong_step_not_a_machine_error():
    visit = Visit("new")
    with pytest.raises(VisitRefused) as refused:
        CORE.fire(visit, "leave")
    assert refused.value.code == "wrong_step" and visit.state == "new"


def test_expecting_a_step_refuses_the_others_as_the_wrong_step():
    assert CORE.expect(Visit("departure_location"), CHECK_IN_KIND) == "departure"
    with pytest.raises(VisitRefused) as refused:
        CORE.expect(Visit("review"), CHECK_IN_KIND)
    assert refused.value.code == "wrong_step"


def test_both_machines_name_their_check_in_steps_as_the_core_expects():
    for machine in (trip, om_visit):
        assert {str(s) for s in machine.Step} >= set(CHECK_IN_KIND)
        assert {t["source"] for t in machine.TRANSITIONS if t["trigger"] == "check_in"} == set(CHECK_IN_KIND)
