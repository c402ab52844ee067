"""The filing review (备案审核) as a state machine, bound to a `Filing` row.

A version is drafted by the agency, submitted, approved first (初审) and then a second time (二审) by another
reviewer, or returned (退回) with a reason at either review; a returned version is corrected and resubmitted.
When a newer version is approved, the one in force until then becomes `superseded` and stays as history.
The same table serves every agency kind (monitoring agencies now, O&M agencies later): what a version
contains is the business of states/filing_forms.py, not of this machine.
Diagram: states/filing.mmd.
"""
from __future__ import annotations

from transitions import Machine, MachineError

from models.filing import FilingState
from states.machines import as_values, attach, may, state_names

S = FilingState
TRANSITIONS = as_values([
    {"trigger": "submit", "source": S.DRAFT, "dest": S.SUBMITTED},
    {"trigger": "resubmit", "source": S.RETURNED, "dest": S.SUBMITTED},
    {"trigger": "approve", "source": S.SUBMITTED, "dest": S.FIRST_APPROVED},  # 初审通过
    {"trigger": "approve", "source": S.FIRST_APPROVED, "dest": S.APPROVED},  # 二审通过: in force
    {"trigger": "send_back", "source": [S.SUBMITTED, S.FIRST_APPROVED], "dest": S.RETURNED},  # 退回
    {"trigger": "supersede", "source": S.APPROVED, "dest": S.SUPERSEDED},
])

TRIGGERS = sorted({t["trigger"] for t in TRANSITIONS})
# the review stage (FilingReview.stage) a decision taken in each state belongs to
STAGE = {S.SUBMITTED: "first", S.FIRST_APPROVED: "second"}
UNDER_REVIEW = (S.SUBMITTED, S.FIRST_APPROVED)
# the agency may still change these versions; the others are frozen
EDITABLE = (S.DRAFT, S.RETURNED)
# versions a regulator sees: everything once submitted
SUBMITTED_ONCE = tuple(s for s in S if s != S.DRAFT)

STATE_LABELS = state_names(S, {
    S.DRAFT: "草稿",
    S.SUBMITTED: "待初审",
    S.FIRST_APPROVED: "初审通过，待二审",
    S.APPROVED: "审核通过",
    S.RETURNED: "已退回",
    S.SUPERSEDED: "已被新版本替代",
})
STAGE_LABELS = {"first": "初审", "second": "二审"}
DECISION_LABELS = {"approve": "通过", "return": "退回"}


def bind(filing) -> Machine:
    """Attach the review machine to a filing row (once per loaded row), starting from the state stored in it."""
    return attach(filing, S, TRANSITIONS, S.DRAFT)


def can(filing, trigger: str) -> bool:
    """Whether `trigger` is allowed from the filing's state."""
    bind(filing)
    return may(filing, trigger)


__all__ = ["DECISION_LABELS", "EDITABLE", "MachineError", "STAGE", "STAGE_LABELS", "STATE_LABELS",
           "SUBMITTED_ONCE", "TRANSITIONS", "TRIGGERS", "UNDER_REVIEW", "bind", "can"]
