"""运维信用评价信息 (附件2 §3): the O&M agency's credit-evaluation records and what is missing from them.

Daily information (§3.1): per site the instrument operating instructions and the maintenance requirements,
and the agency's O&M management rules — PDF uploads kept in versions: a new upload of the same category and
site (and year) is the next version, and every earlier version stays downloadable.
Annual information (§3.2): education, training and supervision records (date, contents, attendees, the
certificate or supervision record) and the annual training plan, one per year, also in versions.

The sites of an O&M agency are the polluters of its submitted contracts and its active O&M plans.
`gaps(db, agency, today)` lists what is missing or out of date by the rules of `RULES`, each with its Chinese
explanation, for the agency's own page and the regulator's.

Use cases check, change rows and leave the commit to the caller's unit of work; a refusal raises
`CreditRefused` with the reason in Chinese, ready to show.
"""
from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Agency, AgencyKind, Contract, CreditDocument, OmPlan, Polluter, TrainingRecord, User, clock
from services.adapters import uploads
from services.core import policy
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction

OM_KINDS = (AgencyKind.OM, AgencyKind.SELF_MONITORING_OM)
SUBMITTED = "submitted"  # services/sampling/contracts.py

# Thresholds. No standard sets them: they are this system's choice and can be changed here.
STALE_AFTER_MONTHS = 12  # a daily document not updated for more than 12 months is out of date
EARLIEST_YEAR = 2000  # annual information is accepted for years from here to next year


@dataclass(frozen=True)
class Category:
    """A kind of credit document: `scope` says what it is kept per — a site, the agency, or a year."""

    name: str
    scope: str  # site | agency | year
    section: str  # daily | annual


OPERATING_INSTRUCTIONS, MAINTENANCE_REQUIREMENTS = "operating_instructions", "maintenance_requirements"
MANAGEMENT_RULES, TRAINING_PLAN = "management_rules", "training_plan"
CATEGORIES = {
    OPERATING_INSTRUCTIONS: Category("仪器操作说明", "site", "daily"),
    MAINTENANCE_REQUIREMENTS: Category("维护技术要求", "site", "daily"),
    MANAGEMENT_RULES: Category("运维操作管理制度", "agency", "daily"),
    TRAINING_PLAN: Category("年度人员培训计划", "year", "annual"),
}
SITE_CATEGORIES = [key for key, c in CATEGORIES.items() if c.scope == "site"]

EDUCATION, TRAINING, SUPERVISION = "education", "training", "supervision"
TRAINING_KINDS = {EDUCATION: "教育", TRAINING: "培训", SUPERVISION: "监督"}


@dataclass(frozen=True)
class Rule:
    """A rule of `gaps`: its title, and the Chinese explanation the agency and the regulator read."""

    title: str
    explanation: str


RULES = {
    "site_instructions_missing": Rule(
        "站点缺少仪器操作说明",
        "附件2 §3.1：运维机构应填报不同站点的仪器操作说明。每个运维站点（已提交的运维合同或运维计划中的"
        "排污单位）都应上传本站点的仪器操作说明。"),
    "site_maintenance_missing": Rule(
        "站点缺少维护技术要求",
        "附件2 §3.1：运维机构应填报不同站点的维护技术要求。每个运维站点都应上传本站点的维护技术要求。"),
    "management_rules_missing": Rule(
        "缺少运维操作管理制度",
        "附件2 §3.1：运维机构应填报运维操作管理制度。"),
    "training_plan_missing": Rule(
        "缺少本年度人员培训计划",
        "附件2 §3.2：运维机构应上传年度人员培训计划。本系统要求当年的培训计划自 1 月 1 日起即已上传。"),
    "training_missing": Rule(
        "本年度尚无培训记录",
        "附件2 §3.2：运维机构应填报人员教育、培训及监督实施情况。本系统要求每个自然年至少有一条培训记录，"
        "自 1 月 1 日起在本年第一条培训记录登记前列为缺项。"),
    "evidence_missing": Rule(
        "记录未上传证书或监督记录",
        "附件2 §3.2：应上传教育、培训证书及监督记录。本年度的教育、培训或监督记录未附证书或记录文件。"),
    "document_out_of_date": Rule(
        "资料超过 12 个月未更新",
        f"仪器操作说明、维护技术要求和运维操作管理制度的最新版本上传已超过 {STALE_AFTER_MONTHS} 个月。"
        "该期限为本系统设定，现行标准未规定更新周期。"),
}


class CreditRefused(Refusal):
    """A use case refused; services/texts/refusals.py words the code."""

    domain = "credit"


# --- sites ------------------------------------------------------------------------------------------------

def is_om_agency(agency: Agency | None) -> bool:
    return agency is not None and agency.kind in OM_KINDS


def sites(db: Session, agency_id: int, on: date | None = None) -> list[Polluter]:
    """The agency's O&M sites: the polluters of its submitted contracts and active O&M plans (a self-monitoring
    O&M polluter: its own site too). With `on`, only those in service that day (contract or plan not ended)."""
    contracts = select(Contract.polluter_id).where(Contract.agency_id == agency_id, Contract.status == SUBMITTED)
    plans = select(OmPlan.polluter_id).where(OmPlan.agency_id == agency_id, OmPlan.active.is_(True))
    if on is not None:
        contracts = contracts.where((Contract.period_end.is_(None)) | (Contract.period_end >= on))
        plans = plans.where(OmPlan.ends_on >= on)
    found = select(Polluter).where(Polluter.id.in_(contracts.union(plans)) | (Polluter.own_agency_id == agency_id))
    return list(db.scalars(found.order_by(Polluter.name, Polluter.id)))


def site(db: Session, agency_id: int, polluter_id: int) -> Polluter | None:
    """One of the agency's sites, or None."""
    return next((p for p in sites(db, agency_id) if p.id == polluter_id), None)


# --- documents --------------------------------------------------------------------------------------------

def _slot(agency_id: int, category: str, polluter_id: int | None, year: int | None) -> tuple:
    """The conditions picking the versions of one document: category, site and year."""
    return (CreditDocument.agency_id == agency_id, CreditDocument.category == category,
            CreditDocument.polluter_id.is_(None) if polluter_id is None else CreditDocument.polluter_id == polluter_id,
            CreditDocument.year.is_(None) if year is None else CreditDocument.year == year)


def history(db: Session, agency_id: int, category: str, polluter_id: int | None = None,
            year: int | None = None) -> list[CreditDocument]:
    """Every version of one document, the newest first."""
    return list(db.scalars(select(CreditDocument).where(*_slot(agency_id, category, polluter_id, year))
                           .order_by(CreditDocument.version.desc())))


def current(db: Session, agency_id: int, category: str, polluter_id: int | None = None,
            year: int | None = None) -> CreditDocument | None:
    """The newest version of one document, or None when it was never uploaded."""
    versions = history(db, agency_id, category, polluter_id, year)
    return versions[0] if versions else None


@transaction
def upload(uow: UnitOfWork, user: User, category: str, data: bytes | None, filename: str = "", title: str = "",
           polluter_id: int | None = None, year: int | None = None) -> CreditDocument:
    """上传: a PDF as the next version of `category` for the site (`polluter_id`) or the `year` the category is
    kept per. Earlier versions are kept; the file is stored under a name of our own."""
    db = uow.session
    agency_id = user.agency_id
    kind = CATEGORIES.get(category)
    if kind is None:
        raise CreditRefused("unknown_category")
    polluter_id = polluter_id if kind.scope == "site" else None
    year = year if kind.scope == "year" else None
    if kind.scope == "site":
        if polluter_id is None:
            raise CreditRefused("site_required")
        if site(db, agency_id, polluter_id) is None:
            raise CreditRefused("not_our_site")
    if kind.scope == "year":
        check_year(year)
    title = (title or "").strip() or _stem(filename) or kind.name
    if len(title) > 200:
        raise CreditRefused("title_too_long")
    path = _store(uow, agency_id, "credit", data)
    # one upload at a time per agency, so two versions never share a number (SQLite serialises writes anyway)
    db.execute(select(Agency.id).where(Agency.id == agency_id).with_for_update())
    latest = db.scalar(select(func.max(CreditDocument.version)).where(*_slot(agency_id, category, polluter_id, year)))
    document = CreditDocument(agency_id=agency_id, category=category, polluter_id=polluter_id, year=year,
                              version=(latest or 0) + 1, title=title, path=path, uploaded_by_id=user.id)
    db.add(document)
    db.flush()
    return document


def check_year(year: int | None) -> int:
    low, high = EARLIEST_YEAR, clock.today().year + 1
    if year is None or not low <= year <= high:
        raise CreditRefused("bad_year", low=low, high=high)
    return year


def download_name(document: CreditDocument) -> str:
    return f"{document.title}（第 {document.version} 版）.pdf"


def _stem(filename: str) -> str:
    name = Path((filename or "").replace("\\", "/")).name
    return (name[:-4] if name.lower().endswith(".pdf") else name).strip()[:200]


def _store(uow: UnitOfWork, agency_id: int, folder: str, data: bytes | None) -> str:
    if data is None:
        raise CreditRefused("file_required")
    uploads.check(data, uploads.CREDIT)
    relative = Path(folder) / str(agency_id) / f"{uuid.uuid4().hex}.pdf"
    return uploads.write(uow.config.media_root, relative, data)


# --- training, education and supervision -----------------------------------------------------------------

def parse_day(text: str | None) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise CreditRefused("bad_date", today=clock.today().isoformat()) from None


@transaction
def record_training(uow: UnitOfWork, user: User, kind: str, held_on: date, contents: str, attendees: str,
                    evidence: bytes | None = None) -> TrainingRecord:
    """登记教育、培训或监督: when, what, who attended, and (optionally) the certificate or supervision record."""
    if kind not in TRAINING_KINDS:
        raise CreditRefused("bad_kind")
    if held_on > clock.today():
        raise CreditRefused("future_date")
    contents, attendees = (contents or "").strip(), (attendees or "").strip()
    if not contents:
        raise CreditRefused("contents_required")
    if not attendees:
        raise CreditRefused("attendees_required")
    path = _store(uow, user.agency_id, "training", evidence) if evidence is not None else None
    record = TrainingRecord(agency_id=user.agency_id, kind=kind, held_on=held_on, contents=contents,
                            attendees=attendees, evidence_path=path)
    uow.session.add(record)
    uow.session.flush()
    return record


@transaction
def attach_evidence(uow: UnitOfWork, record: TrainingRecord, data: bytes | None) -> None:
    """补传证书或监督记录: a record's evidence added later; a replaced file stays on disk."""
    record.evidence_path = _store(uow, record.agency_id, "training", data)


def training_records(db: Session, agency_id: int, year: int) -> list[TrainingRecord]:
    return list(db.scalars(select(TrainingRecord).where(
        TrainingRecord.agency_id == agency_id, TrainingRecord.held_on >= date(year, 1, 1),
        TrainingRecord.held_on <= date(year, 12, 31)).order_by(TrainingRecord.held_on.desc(), TrainingRecord.id)))


# --- gaps -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gap:
    """One thing missing or out of date: the rule, what it concerns and the detail of this case."""

    code: str
    subject: str  # the site's name, 本机构, or the year
    detail: str
    category: str | None = None  # the document category to upload, when an upload closes the gap
    polluter_id: int | None = None

    @property
    def rule(self) -> Rule:
        return RULES[self.code]


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (29 Feb → 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def uploaded_on(document: CreditDocument) -> date:
    return clock.local(document.created_at).date()


def out_of_date(document: CreditDocument, today: date) -> bool:
    """More than STALE_AFTER_MONTHS since the upload: on the same day 12 months later it is still current."""
    return today > add_months(uploaded_on(document), STALE_AFTER_MONTHS)


def gaps(db: Session, agency: Agency, today: date) -> list[Gap]:
    """What the agency's credit information lacks on `today`, in the order of `RULES`."""
    found: list[Gap] = []
    for polluter in sites(db, agency.id, on=today):
        for category, missing in ((OPERATING_INSTRUCTIONS, "site_instructions_missing"),
                                  (MAINTENANCE_REQUIREMENTS, "site_maintenance_missing")):
            found += _document_gaps(db, agency, today, category, missing, polluter)
    found += _document_gaps(db, agency, today, MANAGEMENT_RULES, "management_rules_missing", None)
    year = today.year
    if current(db, agency.id, TRAINING_PLAN, year=year) is None:
        found.append(Gap("training_plan_missing", f"{year} 年", f"尚未上传 {year} 年度人员培训计划。",
                         category=TRAINING_PLAN))
    records = [r for r in training_records(db, agency.id, year) if r.held_on <= today]
    if not any(r.kind == TRAINING for r in records):
        found.append(Gap("training_missing", f"{year} 年", f"{year} 年尚未登记培训记录。"))
    for record in records:
        if not record.evidence_path:
            found.append(Gap("evidence_missing", f"{record.held_on} {TRAINING_KINDS[record.kind]}",
                             f"{record.held_on} 的{TRAINING_KINDS[record.kind]}记录（{record.contents[:30]}）"
                             "未上传证书或记录文件。"))
    order = list(RULES)
    return sorted(found, key=lambda gap: order.index(gap.code))


def _document_gaps(db: Session, agency: Agency, today: date, category: str, missing: str,
                   polluter: Polluter | None) -> list[Gap]:
    name = CATEGORIES[category].name
    subject = polluter.name if polluter is not None else "本机构"
    polluter_id = polluter.id if polluter is not None else None
    latest = current(db, agency.id, category, polluter_id)
    if latest is None:
        return [Gap(missing, subject, f"尚未上传{name}。", category, polluter_id)]
    if out_of_date(latest, today):
        due = add_months(uploaded_on(latest), STALE_AFTER_MONTHS)
        return [Gap("document_out_of_date", subject,
                    f"{name}（第 {latest.version} 版）上传于 {uploaded_on(latest)}，应于 {due} 前更新。",
                    category, polluter_id)]
    return []


@dataclass
class SiteDocuments:
    """A site with the newest version of each of its documents (None: never uploaded)."""

    polluter: Polluter
    current: dict[str, CreditDocument | None]
    in_service: bool


def daily(db: Session, agency_id: int, today: date) -> list[SiteDocuments]:
    """日常信息 per site: every site the agency has (in service today or not), with its current documents."""
    serving = {p.id for p in sites(db, agency_id, on=today)}
    return [SiteDocuments(p, {c: current(db, agency_id, c, p.id) for c in SITE_CATEGORIES}, p.id in serving)
            for p in sites(db, agency_id)]


def om_agencies(db: Session, user: User) -> list[Agency]:
    """The O&M agencies `user` may see (a regulator: those of its district)."""
    return list(db.scalars(policy.scoped(user, Agency).where(Agency.kind.in_(OM_KINDS)).order_by(Agency.name)))
