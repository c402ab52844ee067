"""The sampling trip (采样行程) as a state machine, bound to a `SamplingTrip` row.

The state lives in `SamplingTrip.state`, so a lost chat session resumes exactly where the trip stands.
Guards (`has_arrival_photo`, ...) and callbacks (`next_point`, ...) are named methods of the model.
Diagram: states/trip.mmd.
"""
from __future__ import annotations

from enum import StrEnum

from transitions import Machine, MachineError

from states.machines import as_values, attach, may, state_names


class Step(StrEnum):
    NEW = "new"
    ARRIVAL_LOCATION = "arrival_location"  # 进场签到: location
    ARRIVAL_PHOTO = "arrival_photo"  # 进场签到: photos
    INSTRUMENTS = "instruments"  # 仪器: the sampler confirms the instruments taken to the site (the schedule's list)
    POINT_LOCATION = "point_location"  # 点位布设: where the current point is sampled, before its photos
    POINT_INSTRUMENTS = "point_instruments"  # 仪器: which confirmed instruments sampled the current point
    SAMPLE_PHOTO = "sample_photo"  # 现场采样: photos of the sampling at the current point
    OUTPUT_PHOTO = "output_photo"  # 现场采样: photos of the instruments' printed output
    SAMPLE_TIME = "sample_time"  # 现场采样: sampling time of the point's samples
    CONDITIONS = "conditions"  # 采样工况: the form, one field at a time
    CONDITIONS_CONFIRM = "conditions_confirm"  # 采样工况: summary to confirm
    DEPARTURE_LOCATION = "departure_location"  # 离场签到: location
    DEPARTURE_PHOTO = "departure_photo"  # 离场签到: photos
    TRANSPORT = "transport"  # 运输保存: container, preservative and storage of the samples for the laboratory
    LEFT_SITE = "left_site"  # 运输保存: when the samples left the site
    REVIEW = "review"  # summary of the whole trip before submitting
    AWAITING_CONFIRMATION = "awaiting_confirmation"  # 待排污单位确认
    REJECTED = "rejected"  # 排污单位退回: the agency corrects and resubmits
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# finished for the sampler: what follows happens on the polluter's page and the agency's desk
FINAL = (Step.AWAITING_CONFIRMATION, Step.REJECTED, Step.COMPLETED, Step.CANCELLED)
ACTIVE = tuple(s for s in Step if s not in FINAL)

# the Chinese name of each step, as pages and event logs show it
STATE_NAMES = state_names(Step, {
    Step.NEW: "新建", Step.ARRIVAL_LOCATION: "进场签到（定位）", Step.ARRIVAL_PHOTO: "进场签到（照片）",
    Step.INSTRUMENTS: "采样仪器确认", Step.POINT_LOCATION: "现场采样（点位定位）",
    Step.POINT_INSTRUMENTS: "现场采样（本点位仪器）",
    Step.SAMPLE_PHOTO: "现场采样（照片）", Step.OUTPUT_PHOTO: "现场采样（仪器输出）", Step.SAMPLE_TIME: "现场采样（采样时间）",
    Step.CONDITIONS: "采样工况", Step.CONDITIONS_CONFIRM: "采样工况（核对）", Step.DEPARTURE_LOCATION: "离场签到（定位）",
    Step.DEPARTURE_PHOTO: "离场签到（照片）", Step.TRANSPORT: "运输保存（保存条件）",
    Step.LEFT_SITE: "运输保存（样品离场时间）", Step.REVIEW: "提交前核对", Step.AWAITING_CONFIRMATION: "待排污单位确认",
    Step.REJECTED: "排污单位已退回", Step.COMPLETED: "已完成", Step.CANCELLED: "已取消",
})

# What each step waits for from the sampler: "location", "image", "text" or "confirm".
EXPECTS = {
    Step.ARRIVAL_LOCATION: "location",
    Step.ARRIVAL_PHOTO: "image",
    Step.INSTRUMENTS: "text",
    Step.POINT_LOCATION: "location",
    Step.POINT_INSTRUMENTS: "text",
    Step.SAMPLE_PHOTO: "image",
    Step.OUTPUT_PHOTO: "image",
    Step.SAMPLE_TIME: "text",
    Step.CONDITIONS: "text",
    Step.CONDITIONS_CONFIRM: "confirm",
    Step.DEPARTURE_LOCATION: "location",
    Step.DEPARTURE_PHOTO: "image",
    Step.TRANSPORT: "text",
    Step.LEFT_SITE: "text",
    Step.REVIEW: "confirm",
}

S = Step
TRANSITIONS = [
    {"trigger": "start", "source": S.NEW, "dest": S.ARRIVAL_LOCATION},
    {"trigger": "check_in", "source": S.ARRIVAL_LOCATION, "dest": S.ARRIVAL_PHOTO},
    {"trigger": "check_in", "source": S.DEPARTURE_LOCATION, "dest": S.DEPARTURE_PHOTO},
    {"trigger": "proceed", "source": S.ARRIVAL_PHOTO, "dest": S.INSTRUMENTS, "conditions": "has_arrival_photo"},
    {"trigger": "confirm_instruments", "source": S.INSTRUMENTS, "dest": S.POINT_LOCATION},
    # one confirmed instrument is recorded at each point without asking (services/sampling/instruments.py)
    {"trigger": "locate_point", "source": S.POINT_LOCATION, "dest": S.POINT_INSTRUMENTS,
     "conditions": "has_several_instruments"},
    {"trigger": "locate_point", "source": S.POINT_LOCATION, "dest": S.SAMPLE_PHOTO},
    {"trigger": "choose_instruments", "source": S.POINT_INSTRUMENTS, "dest": S.SAMPLE_PHOTO},
    {"trigger": "proceed", "source": S.SAMPLE_PHOTO, "dest": S.OUTPUT_PHOTO, "conditions": "has_sample_photo"},
    {"trigger": "proceed", "source": S.OUTPUT_PHOTO, "dest": S.SAMPLE_TIME, "conditions": "has_output_photo"},
    # 运输保存 only when some sample travels to the laboratory (not every factor measured on site)
    {"trigger": "proceed", "source": S.DEPARTURE_PHOTO, "dest": S.TRANSPORT,
     "conditions": ["has_departure_photo", "has_lab_samples"]},
    {"trigger": "proceed", "source": S.DEPARTURE_PHOTO, "dest": S.REVIEW, "conditions": "has_departure_photo"},
    {"trigger": "confirm", "source": S.TRANSPORT, "dest": S.LEFT_SITE},
    {"trigger": "leave_site", "source": S.LEFT_SITE, "dest": S.REVIEW},
    {"trigger": "record_time", "source": S.SAMPLE_TIME, "dest": S.POINT_LOCATION, "conditions": "has_more_points",
     "before": "next_point"},
    {"trigger": "record_time", "source": S.SAMPLE_TIME, "dest": S.CONDITIONS},
    {"trigger": "finish_form", "source": S.CONDITIONS, "dest": S.CONDITIONS_CONFIRM},
    {"trigger": "confirm", "source": S.CONDITIONS_CONFIRM, "dest": S.DEPARTURE_LOCATION},
    {"trigger": "confirm", "source": S.REVIEW, "dest": S.COMPLETED, "conditions": "is_self_monitoring"},
    {"trigger": "confirm", "source": S.REVIEW, "dest": S.AWAITING_CONFIRMATION},
    # 上一步: one step back; nothing recorded is deleted, a later record supersedes an earlier one
    {"trigger": "back", "source": S.ARRIVAL_PHOTO, "dest": S.ARRIVAL_LOCATION},
    {"trigger": "back", "source": S.INSTRUMENTS, "dest": S.ARRIVAL_PHOTO},
    {"trigger": "back", "source": S.POINT_LOCATION, "dest": S.INSTRUMENTS, "conditions": "is_first_point"},
    {"trigger": "back", "source": S.POINT_LOCATION, "dest": S.SAMPLE_TIME, "before": "previous_point"},
    {"trigger": "back", "source": S.POINT_INSTRUMENTS, "dest": S.POINT_LOCATION},
    {"trigger": "back", "source": S.SAMPLE_PHOTO, "dest": S.POINT_INSTRUMENTS, "conditions": "has_several_instruments"},
    {"trigger": "back", "source": S.SAMPLE_PHOTO, "dest": S.POINT_LOCATION},
    {"trigger": "back", "source": S.OUTPUT_PHOTO, "dest": S.SAMPLE_PHOTO},
    {"trigger": "back", "source": S.SAMPLE_TIME, "dest": S.OUTPUT_PHOTO},
    {"trigger": "back", "source": S.CONDITIONS, "dest": S.SAMPLE_TIME},
    {"trigger": "back", "source": S.CONDITIONS_CONFIRM, "dest": S.CONDITIONS},
    {"trigger": "back", "source": S.DEPARTURE_LOCATION, "dest": S.CONDITIONS_CONFIRM},
    {"trigger": "back", "source": S.DEPARTURE_PHOTO, "dest": S.DEPARTURE_LOCATION},
    {"trigger": "back", "source": S.TRANSPORT, "dest": S.DEPARTURE_PHOTO},
    {"trigger": "back", "source": S.LEFT_SITE, "dest": S.TRANSPORT},
    {"trigger": "back", "source": S.REVIEW, "dest": S.LEFT_SITE, "conditions": "has_lab_samples"},
    {"trigger": "back", "source": S.REVIEW, "dest": S.DEPARTURE_PHOTO},
    {"trigger": "cancel", "source": list(ACTIVE), "dest": S.CANCELLED},
    # the polluter's decision, and the agency's resubmission after a rejection
    {"trigger": "approve", "source": S.AWAITING_CONFIRMATION, "dest": S.COMPLETED},
    {"trigger": "reject", "source": S.AWAITING_CONFIRMATION, "dest": S.REJECTED},
    {"trigger": "resubmit", "source": S.REJECTED, "dest": S.AWAITING_CONFIRMATION},
]

TRANSITIONS = as_values(TRANSITIONS)
TRIGGERS = sorted({t["trigger"] for t in TRANSITIONS})


def bind(trip) -> Machine:
    """Attach the trip machine to a trip row (once per loaded row), starting from the state stored in it."""
    return attach(trip, Step, TRANSITIONS, Step.NEW)


def can(trip, trigger: str) -> bool:
    """Whether `trigger` is allowed from the trip's state and its guards pass."""
    bind(trip)
    return may(trip, trigger)


__all__ = ["ACTIVE", "EXPECTS", "FINAL", "MachineError", "Step", "TRANSITIONS", "TRIGGERS", "bind", "can"]
