"""The filing review (备案审核) as a state machine, bound to a `Filing` row.

An agency files in two stages (seed 001 §2): 备案基本信息 (basic information) and then 二审基本信息 (personnel,
equipment, capabilities, vehicles, spare parts). Each stage has its own versions, and each version goes through
this machine: drafted by the agency, submitted, approved — by one reviewer, or where the city wants it
(FILING_SECOND_REVIEWER) by a first reviewer and then another (`pass_first`, then `approve`) — or returned
(退回) with a reason; a returned version is corrected and resubmitted. When a newer version of a stage is
approved, the one in force until then becomes `superseded` and stays as history.
What a version contains is the business of states/filing_forms.py, not of this machine.
Diagram: states/filing.mmd.
"""
from __future__ import annotations

from transitions import Machine, MachineError

from models.filing import FilingStage, FilingState
from states.machines import as_values, attach, may, state_names

S = FilingState
TRANSITIONS = as_values([
    {"trigger": "submit", "source": S.DRAFT, "dest": S.SUBMITTED},
    {"trigger": "resubmit", "source": S.RETURNED, "dest": S.SUBMITTED},
    {"trigger": "approve", "source": S.SUBMITTED, "dest": S.APPROVED},  # the one reviewer: in force
    {"trigger": "pass_first", "source": S.SUBMITTED, "dest": S.FIRST_APPROVED},  # a second reviewer follows
    {"trigger": "approve", "source": S.FIRST_APPROVED, "dest": S.APPROVED},  # the second reviewer: in force
    {"trigger": "send_back", "source": [S.SUBMITTED, S.FIRST_APPROVED], "dest": S.RETURNED},  # 退回
    {"trigger": "supersede", "source": S.APPROVED, "dest": S.SUPERSEDED},
])

TRIGGERS = sorted({t["trigger"] for t in TRANSITIONS})
# the review round (FilingReview.round) a decision taken in each state belongs to
ROUND = {S.SUBMITTED: "first", S.FIRST_APPROVED: "second"}
UNDER_REVIEW = (S.SUBMITTED, S.FIRST_APPROVED)
# the agency may still change these versions; the others are frozen
EDITABLE = (S.DRAFT, S.RETURNED)
# versions a regulator sees: everything once submitted
SUBMITTED_ONCE = tuple(s for s in S if s != S.DRAFT)
# the stages in the order an agency files them: 二审 information only once the basic information is in force
STAGES = (FilingStage.BASIC, FilingStage.RESOURCES)

STATE_LABELS = state_names(S, {
    S.DRAFT: "草稿",
    S.SUBMITTED: "待审核",
    S.FIRST_APPROVED: "初审通过，待复核",
    S.APPROVED: "审核通过",
    S.RETURNED: "已退回",
    S.SUPERSEDED: "已被新版本替代",
})
STAGE_LABELS = state_names(FilingStage, {
    FilingStage.BASIC: "备案基本信息",
    FilingStage.RESOURCES: "二审基本信息",
})
ROUND_LABELS = {"first": "审核", "second": "复核"}
DECISION_LABELS = {"approve": "通过", "return": "退回"}


def approval(filing, second_reviewer: bool) -> str:
    """The trigger an approval fires: a first approval waits for another reviewer where the city wants one."""
    return "pass_first" if second_reviewer and ROUND.get(filing.state) == "first" else "approve"


def bind(filing) -> Machine:
    """Attach the review machine to a filing row (once per loaded row), starting from the state stored in it."""
    return attach(filing, S, TRANSITIONS, S.DRAFT)


def can(filing, trigger: str) -> bool:
    """Whether `trigger` is allowed from the filing's state."""
    bind(filing)
    return may(filing, trigger)


__all__ = ["DECISION_LABELS", "EDITABLE", "MachineError", "ROUND", "ROUND_LABELS", "STAGES", "STAGE_LABELS",
           "STATE_LABELS", "SUBMITTED_ONCE", "TRANSITIONS", "TRIGGERS", "UNDER_REVIEW", "approval", "bind", "can"]
