"""The filing review machine as data, on a stand-in row: no database."""
from __future__ import annotations

import pytest
from transitions import MachineError

from states.filing import EDITABLE, ROUND, TRANSITIONS, UNDER_REVIEW, approval, bind, can


class FakeFiling:
    def __init__(self, state="draft"):
        self.state = state


def test_one_reviewers_approval_puts_a_version_in_force_when_the_city_wants_no_second_reviewer():
    filing = FakeFiling()
    bind(filing)
    filing.submit()
    assert filing.state == "submitted" and ROUND[filing.state] == "first"
    getattr(filing, approval(filing, second_reviewer=False))()
    assert filing.state == "approved"


def test_a_version_needs_a_second_reviewer_when_the_city_wants_one():
    filing = FakeFiling("submitted")
    bind(filing)
    getattr(filing, approval(filing, second_reviewer=True))()
    assert filing.state == "first_approved" and ROUND[filing.state] == "second"
    getattr(filing, approval(filing, second_reviewer=True))()
    assert filing.state == "approved"


def test_a_version_awaiting_its_second_reviewer_is_completed_after_the_option_is_switched_off():
    filing = FakeFiling("first_approved")
    bind(filing)
    getattr(filing, approval(filing, second_reviewer=False))()
    assert filing.state == "approved"


@pytest.mark.parametrize("under_review", ["submitted", "first_approved"])
def test_a_version_under_review_can_be_returned_and_resubmitted(under_review):
    filing = FakeFiling(under_review)
    bind(filing)
    filing.send_back()
    assert filing.state == "returned" and filing.state in EDITABLE
    filing.resubmit()
    assert filing.state == "submitted"


def test_an_approved_version_is_superseded_by_a_newer_one_and_stays_as_history():
    filing = FakeFiling("approved")
    bind(filing)
    assert not can(filing, "send_back")
    filing.supersede()
    assert filing.state == "superseded"
    assert not any(can(filing, trigger) for trigger in ("submit", "resubmit", "approve", "pass_first", "send_back",
                                                        "supersede"))


def test_a_draft_cannot_be_approved_or_returned_before_it_is_submitted():
    filing = FakeFiling("draft")
    bind(filing)
    with pytest.raises(MachineError):
        filing.approve()
    assert not can(filing, "send_back") and not can(filing, "resubmit")
    assert filing.state == "draft"


def test_the_machine_starts_from_the_state_stored_in_the_row():
    filing = FakeFiling("first_approved")
    bind(filing)
    assert filing.state == "first_approved" and can(filing, "approve") and not can(filing, "submit")


def test_only_versions_under_review_take_a_decision():
    deciding: set[str] = set()
    for t in TRANSITIONS:
        if t["trigger"] in ("approve", "pass_first", "send_back"):
            deciding.update([t["source"]] if isinstance(t["source"], str) else t["source"])
    assert deciding == set(UNDER_REVIEW) == set(ROUND)
