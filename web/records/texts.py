"""What the sampling-management, report and supervision pages say, in one place."""
from __future__ import annotations

from services.field import event_text
from services.texts.names import CHECK_IN_NAMES, POINT_REFERENCE_NAMES, VISIT_STATUS_NAMES
from states.task import STATUS_NAMES
from states.trip import STATE_NAMES

TASK_STATUS = STATUS_NAMES
TRIP_STATE = STATE_NAMES  # beside the trip machine (states/trip.py)
VISIT_STATUS = VISIT_STATUS_NAMES
CONFIRMATION = {"pending": "待确认", "confirmed": "已确认", "rejected": "已退回"}
FLAGS = {
    "outside_fence": "签到在围栏外", "photo_reused": "照片与其他行程重复",
    "confirmation_missing": "缺少排污单位确认", "after_departure": "离场后才确认",
    "holding_time_exceeded": "样品超过保存时限",
}
FENCE = {"": "全部", "outside": "有围栏外签到", "inside": "均在围栏内"}
PHOTO_PURPOSE = {"arrival": "进场照片", "sampling": "采样照片", "output": "仪器输出", "departure": "离场照片",
                 "receipt": "送样接收照片"}
CHECK_IN = CHECK_IN_NAMES
POINT_REFERENCE = POINT_REFERENCE_NAMES
PHOTO_PENDING = "接收中"
PHOTO_FAILED = "未能从微信接收（已通知采样人员重新拍摄）"
ALL = "全部"



def event_line(event) -> str:
    """What a trip event says, in words (services/field/event_text.py is the one place for them)."""
    return event_text.what(event.action, event.detail or {})
