"""The O&M site visit (现场运维) as a state machine, bound to an `OmVisit` row (state in `OmVisit.state`).

Check-in (location + photos) → choose a record sheet (and its instrument) → fill it one field at a time →
confirm its summary → photos of the work → another sheet, or check-out (location + photos) → summary →
submit to the polluter, who signs the same day. Guards are named methods of the model (models/om.py).
Diagram: states/om_visit.mmd.
"""
from __future__ import annotations

from enum import StrEnum

from transitions import Machine, MachineError

from states.machines import as_values, attach, may, state_names


class Step(StrEnum):
    NEW = "new"
    ARRIVAL_LOCATION = "arrival_location"  # 进场签到: location
    ARRIVAL_PHOTO = "arrival_photo"  # 进场签到: station photos (inside and outside)
    CHOOSE_SHEET = "choose_sheet"  # 选择记录单
    CHOOSE_INSTRUMENT = "choose_instrument"  # the sheet's instrument, when the site has several
    SHEET_FORM = "sheet_form"  # the record sheet, one field at a time
    SHEET_CONFIRM = "sheet_confirm"  # the sheet's summary to confirm
    SHEET_PHOTO = "sheet_photo"  # photos of the work the sheet records
    DEPARTURE_LOCATION = "departure_location"  # 离场签到: location
    DEPARTURE_PHOTO = "departure_photo"  # 离场签到: photos
    REVIEW = "review"  # summary of the visit before submitting
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # 待排污单位签名确认
    CONFIRMED = "confirmed"
    REJECTED = "rejected"  # 排污单位退回
    CANCELLED = "cancelled"


FINAL = (Step.AWAITING_CONFIRMATION, Step.CONFIRMED, Step.REJECTED, Step.CANCELLED)
ACTIVE = tuple(s for s in Step if s not in FINAL)

# the Chinese name of each step, as pages and event logs show it
STATE_NAMES = state_names(Step, {
    Step.NEW: "未开始", Step.ARRIVAL_LOCATION: "进场签到（定位）", Step.ARRIVAL_PHOTO: "进场签到（照片）",
    Step.CHOOSE_SHEET: "选择记录单", Step.CHOOSE_INSTRUMENT: "选择仪器", Step.SHEET_FORM: "填写记录单",
    Step.SHEET_CONFIRM: "核对记录单", Step.SHEET_PHOTO: "记录单照片", Step.DEPARTURE_LOCATION: "离场签到（定位）",
    Step.DEPARTURE_PHOTO: "离场签到（照片）", Step.REVIEW: "提交前核对", Step.AWAITING_CONFIRMATION: "待排污单位签名确认",
    Step.CONFIRMED: "排污单位已确认", Step.REJECTED: "排污单位已退回", Step.CANCELLED: "已取消",
})

# What each step waits for from the crew: "location", "image", "text", "choice" or "confirm".
EXPECTS = {
    Step.ARRIVAL_LOCATION: "location",
    Step.ARRIVAL_PHOTO: "image",
    Step.CHOOSE_SHEET: "choice",
    Step.CHOOSE_INSTRUMENT: "choice",
    Step.SHEET_FORM: "text",
    Step.SHEET_CONFIRM: "confirm",
    Step.SHEET_PHOTO: "image",
    Step.DEPARTURE_LOCATION: "location",
    Step.DEPARTURE_PHOTO: "image",
    Step.REVIEW: "confirm",
}

S = Step
TRANSITIONS = as_values([
    {"trigger": "start", "source": S.NEW, "dest": S.ARRIVAL_LOCATION},
    {"trigger": "check_in", "source": S.ARRIVAL_LOCATION, "dest": S.ARRIVAL_PHOTO},
    {"trigger": "check_in", "source": S.DEPARTURE_LOCATION, "dest": S.DEPARTURE_PHOTO},
    {"trigger": "proceed", "source": S.ARRIVAL_PHOTO, "dest": S.CHOOSE_SHEET, "conditions": "has_arrival_photo"},
    {"trigger": "proceed", "source": S.SHEET_PHOTO, "dest": S.CHOOSE_SHEET, "conditions": "has_sheet_photo"},
    {"trigger": "proceed", "source": S.DEPARTURE_PHOTO, "dest": S.REVIEW, "conditions": "has_departure_photo"},
    {"trigger": "pick_sheet", "source": S.CHOOSE_SHEET, "dest": S.CHOOSE_INSTRUMENT,
     "conditions": "sheet_needs_instrument"},
    {"trigger": "pick_sheet", "source": S.CHOOSE_SHEET, "dest": S.SHEET_FORM},
    {"trigger": "pick_instrument", "source": S.CHOOSE_INSTRUMENT, "dest": S.SHEET_FORM},
    {"trigger": "finish_form", "source": S.SHEET_FORM, "dest": S.SHEET_CONFIRM},
    {"trigger": "confirm", "source": S.SHEET_CONFIRM, "dest": S.SHEET_PHOTO},
    {"trigger": "confirm", "source": S.REVIEW, "dest": S.AWAITING_CONFIRMATION},
    # 离场: only once at least one sheet is filled in and confirmed
    {"trigger": "leave", "source": S.CHOOSE_SHEET, "dest": S.DEPARTURE_LOCATION, "conditions": "has_confirmed_sheet"},
    # 上一步: one step back; nothing recorded is deleted
    {"trigger": "back", "source": S.ARRIVAL_PHOTO, "dest": S.ARRIVAL_LOCATION},
    {"trigger": "back", "source": S.CHOOSE_SHEET, "dest": S.ARRIVAL_PHOTO},
    {"trigger": "back", "source": S.CHOOSE_INSTRUMENT, "dest": S.CHOOSE_SHEET},
    {"trigger": "back", "source": S.SHEET_FORM, "dest": S.CHOOSE_SHEET},
    {"trigger": "back", "source": S.SHEET_CONFIRM, "dest": S.SHEET_FORM},
    {"trigger": "back", "source": S.SHEET_PHOTO, "dest": S.SHEET_CONFIRM},
    {"trigger": "back", "source": S.DEPARTURE_LOCATION, "dest": S.CHOOSE_SHEET},
    {"trigger": "back", "source": S.DEPARTURE_PHOTO, "dest": S.DEPARTURE_LOCATION},
    {"trigger": "back", "source": S.REVIEW, "dest": S.DEPARTURE_PHOTO},
    {"trigger": "cancel", "source": list(ACTIVE), "dest": S.CANCELLED},
    # the polluter's signed decision, and the agency's resubmission after a rejection
    {"trigger": "approve", "source": S.AWAITING_CONFIRMATION, "dest": S.CONFIRMED},
    {"trigger": "reject", "source": S.AWAITING_CONFIRMATION, "dest": S.REJECTED},
    {"trigger": "resubmit", "source": S.REJECTED, "dest": S.AWAITING_CONFIRMATION},
])
TRIGGERS = sorted({t["trigger"] for t in TRANSITIONS})


def bind(visit) -> Machine:
    """Attach the O&M visit machine to a visit row (once per loaded row), from the state stored in it."""
    return attach(visit, Step, TRANSITIONS, Step.NEW)


def can(visit, trigger: str) -> bool:
    """Whether `trigger` is allowed from the visit's state and its guards pass."""
    bind(visit)
    return may(visit, trigger)


__all__ = ["ACTIVE", "EXPECTS", "FINAL", "MachineError", "Step", "TRANSITIONS", "TRIGGERS", "bind", "can"]
