"""The one data model shared by the bot and the web panel. Knows nothing of WeChat or Flask."""
from models.base import Base, utcnow
from models.directory import (
    Agency,
    AgencyKind,
    Equipment,
    FilingStatus,
    MonitoringPoint,
    PointFactor,
    PointKind,
    Polluter,
    Role,
    User,
    WechatBinding,
)
from models.outbound import OutboundMessage, OutboundStatus
from models.tasks import Contract, MonitoringTask, PlanItem, TaskStatus, Visit
from models.trips import (
    CheckIn,
    CheckInKind,
    ConditionRecord,
    Confirmation,
    ConfirmationStatus,
    Photo,
    PhotoPurpose,
    PhotoStatus,
    Sample,
    SamplingTrip,
    TripEvent,
)

__all__ = [
    "Agency", "AgencyKind", "Base", "CheckIn", "CheckInKind", "ConditionRecord", "Confirmation",
    "ConfirmationStatus", "Contract", "Equipment", "FilingStatus", "MonitoringPoint", "MonitoringTask",
    "OutboundMessage", "OutboundStatus", "Photo", "PhotoPurpose", "PhotoStatus", "PlanItem", "PointFactor",
    "PointKind", "Polluter", "Role", "Sample", "SamplingTrip", "TaskStatus", "TripEvent", "User", "Visit",
    "WechatBinding", "utcnow",
]
