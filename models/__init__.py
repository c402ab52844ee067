"""The one data model shared by the bot and the web panel. Knows nothing of WeChat or Flask."""
from models.accounts import AccountEvent, Park, PasswordReset, park_member
from models.audit import AuditRoot
from models.base import Base, utcnow
from models.directory import (
    Agency,
    AgencyKind,
    ApiToken,
    DirectoryChange,
    Equipment,
    FilingStatus,
    MonitoringPoint,
    Period,
    PointFactor,
    PointKind,
    Polluter,
    Role,
    SchemeItem,
    User,
    WechatBinding,
)
from models.fieldwork import (
    CheckIn,
    CheckInKind,
    ConfirmationLink,
    ConfirmationStatus,
    Photo,
    PhotoBand,
    PhotoPurpose,
    PhotoStatus,
)
from models.filing import Capability, Filing, FilingReview, FilingStage, FilingState, Staff
from models.findings import Finding, FindingStatus, OmFindingLog, TripFindingLog
from models.help import Feedback, HelpCentre
from models.inspections import DrawKind, Inspection, InspectionFile, InspectionVerdict, Outcome, SpotCheckDraw
from models.notices import Notice, Urging
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
from models.tasks import (
    ClientSampling,
    ClientSamplingFile,
    Contract,
    MonitoringTask,
    PlanItem,
    ReceiptCheck,
    ReportCounter,
    TaskEvent,
    TaskStatus,
    Visit,
)
from models.trips import (
    ConditionRecord,
    Confirmation,
    LabReceipt,
    PointInstrument,
    PointLocation,
    PointReference,
    PositionProposal,
    ProposalStatus,
    Sample,
    SamplingTrip,
    TripEvent,
    TripInstrument,
)

__all__ = [
    "AccountEvent", "Park", "PasswordReset", "park_member",
    "Agency", "AgencyKind", "ApiToken", "AuditRoot", "Base", "Capability", "CheckIn", "CheckInKind",
    "ClientSampling", "ClientSamplingFile", "ConditionRecord", "LabReceipt",
    "PointInstrument", "PointLocation", "PointReference", "TripInstrument", "PositionProposal", "ProposalStatus",
    "Confirmation",
    "ConfirmationLink", "ConfirmationStatus", "Contract", "DirectoryChange", "Equipment", "Filing", "FilingReview",
    "FilingStage", "FilingState", "HelpCentre", "DrawKind", "Inspection", "InspectionFile", "InspectionVerdict",
    "Outcome",
    "SpotCheckDraw", "Notice", "Urging",
    "FilingStatus", "Feedback", "Finding", "FindingStatus", "OmFindingLog", "TripFindingLog", "MonitoringPoint",
    "MonitoringTask", "OutboundMessage",
    "OutboundStatus", "Photo",
    "Period", "PhotoBand", "PhotoPurpose", "PhotoStatus", "PlanItem", "PointFactor", "PointKind", "Polluter",
    "ReceiptCheck", "ReportCounter", "Role", "Sample", "SamplingTrip", "SchemeItem", "Staff", "TaskEvent",
    "TaskStatus", "TripEvent", "User",
    "Visit", "WechatBinding", "utcnow",
    "CreditDocument", "Instrument", "InstrumentKind", "OmConfirmation", "OmPlan", "OmPlanItem", "OmReport",
    "OmSheet", "OmVisit", "OmVisitEvent", "QcFinding", "SparePart", "TrainingRecord", "Vehicle",
]
