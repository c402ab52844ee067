"""Every state of every machine has its Chinese label once, beside the machine; a state added without one
fails at import, not on a page that shows the raw value."""
from __future__ import annotations

from enum import StrEnum

import pytest

from models.filing import FilingState
from models.tasks import TaskStatus
from states import filing, om_visit, task, trip
from states.machines import state_names


@pytest.mark.parametrize(("steps", "names"), [(trip.Step, trip.STATE_NAMES), (om_visit.Step, om_visit.STATE_NAMES),
                                              (TaskStatus, task.STATUS_NAMES), (FilingState, filing.STATE_LABELS)])
def test_every_state_of_every_machine_reads_in_chinese(steps, names):
    assert set(names) == {str(s) for s in steps}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in names.values())


def test_a_state_without_a_label_is_refused_when_the_machine_is_declared():
    class Step(StrEnum):
        NEW = "new"
        DONE = "done"

    with pytest.raises(ValueError, match="done"):
        state_names(Step, {Step.NEW: "新建"})


def test_the_om_visit_reads_the_same_in_chat_on_the_phone_and_on_the_desk():
    from web.om.plans import visit_state

    assert visit_state("awaiting_confirmation") == om_visit.STATE_NAMES["awaiting_confirmation"] == "待排污单位签名确认"
    assert visit_state("new") == "未开始" and visit_state("sheet_form") == "现场运维中"
