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
from models.findings import Finding, FindingStatus
from models.filing import Capability, Filing, FilingReview, FilingState, Staff
from models.om import (
    CreditDocument,
    Instrument,
    InstrumentKind,
    OmConfirmation,
    OmPlan,
    OmPlanItem,
    OmReport,
    OmSheet,
    OmVisit,
    OmVisitEvent,
    QcFinding,
    SparePart,
    TrainingRecord,
    Vehicle,
)
from models.outbound import OutboundMessage, OutboundStatus
from models.tasks import Contract, MonitoringTask, PlanItem, ReceiptCheck, ReportCounter, TaskEvent, TaskStatus, Visit
from models.trips import (
    CheckIn,
    CheckInKind,
    ConditionRecord,
    Confirmation,
    ConfirmationLink,
    ConfirmationStatus,
    Photo,
    PhotoPurpose,
    PhotoStatus,
    Sample,
    SamplingTrip,
    TripEvent,
)

__all__ = [
    "Agency", "AgencyKind", "Base", "Capability", "CheckIn", "CheckInKind", "ConditionRecord", "Confirmation",
    "ConfirmationLink", "ConfirmationStatus", "Contract", "Equipment", "Filing", "FilingReview", "FilingState",
    "FilingStatus", "Finding", "FindingStatus", "MonitoringPoint", "MonitoringTask", "OutboundMessage", "OutboundStatus", "Photo",
    "PhotoPurpose", "PhotoStatus", "PlanItem", "PointFactor", "PointKind", "Polluter", "ReceiptCheck",
    "ReportCounter", "Role", "Sample", "SamplingTrip", "Staff", "TaskEvent", "TaskStatus", "TripEvent", "User",
    "Visit", "WechatBinding", "utcnow",
    "CreditDocument", "Instrument", "InstrumentKind", "OmConfirmation", "OmPlan", "OmPlanItem", "OmReport",
    "OmSheet", "OmVisit", "OmVisitEvent", "QcFinding", "SparePart", "TrainingRecord", "Vehicle",
]
