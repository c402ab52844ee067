"""Filings (备案): the agency's working copy, the versions it submits, their review, and which is in force.

The agency edits its people, equipment and capabilities in place (the working copy) and its basic
information in the working draft (the latest version while it is a draft or returned). Submitting freezes
basic information and a snapshot of the working copy into that version. Regulators approve it twice (初审,
二审 by someone else) or return it with a reason; the latest approved version is in force, and an update is
reviewed while the previous version stays in force. Nothing here depends on the agency kind beyond the form
tags and the sections each kind files, so O&M agencies (运维机构) file their vehicles and spare parts through
the same versions and review (the lease rule for vehicles is in services/om/vehicles.py).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Agency,
    Capability,
    Equipment,
    Filing,
    FilingReview,
    FilingState,
    FilingStatus,
    SparePart,
    Staff,
    User,
    Vehicle,
    clock,
)
from services.adapters import uploads
from services.core.uow import UnitOfWork, transaction
from services.filing import certificates
from states import filing as machine
from states.filing_forms import (
    AGENCY_COLUMNS,
    BASIC,
    OWNERSHIP,
    SECTION_BY_KEY,
    SECTIONS,
    Section,
    sections_of,
    tags_of,
)
from states.forms import display, normalise

# the working-copy table behind each section of a version
MODELS = {"staff": Staff, "equipment": Equipment, "capabilities": Capability, "vehicles": Vehicle,
          "spare_parts": SparePart}
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
MAX_REASON = 500

TEXTS = {
    "under_review": "第 {version} 版备案正在审核中，审核结束后才能提交新的版本。",
    "incomplete": "备案内容不完整：尚未填写{missing}，不能提交审核。",
    "basic_missing": "基本信息不完整：请先填写{missing}。",
    "unchanged": "备案内容与现行有效的第 {version} 版相同，无需重新提交。",
    "not_reviewable": "该版本当前不在审核中（可能已被其他审核人员处理），请刷新页面查看。",
    "four_eyes": "二审须由初审以外的审核人员完成。",
    "reason_missing": "退回时请填写退回原因。",
    "reason_long": "退回原因请不超过 500 个字。",
    "id_number": "身份证号应为 18 位，最后一位可以是数字或 X。",
    "id_taken": "该身份证号的人员已在本机构人员名单中。",
    "asset_taken": "该资产编号已被本机构的其他设备使用。",
    "capability_taken": "该监测能力（监测项目与方法标准）已填写。",
    "certificate_missing": "请上传{what}（PDF、JPEG 或 PNG，不超过 10 MB）。",
}


class FilingRefused(Exception):
    """A filing action that cannot be done now; the message says why, in Chinese."""


class FormInvalid(Exception):
    """Typed values that do not fit: a Chinese reason per field name."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


# --- versions -----------------------------------------------------------------------------------------

def in_force(db: Session, agency_id: int | None) -> Filing | None:
    """The latest approved version: it stays in force while a newer version is under review."""
    if agency_id is None:
        return None
    return db.scalar(select(Filing).where(Filing.agency_id == agency_id, Filing.state == FilingState.APPROVED)
                     .order_by(Filing.version.desc()).limit(1))


def versions(db: Session, agency_id: int) -> list[Filing]:
    """Every version of the agency's filing, newest first: the history (备案历史)."""
    return list(db.scalars(select(Filing).where(Filing.agency_id == agency_id).order_by(Filing.version.desc())))


def latest(db: Session, agency_id: int) -> Filing | None:
    """The newest version, whatever its state."""
    return db.scalar(select(Filing).where(Filing.agency_id == agency_id).order_by(Filing.version.desc()).limit(1))


def under_review(db: Session, agency_id: int) -> Filing | None:
    """The version a regulator is reviewing (待初审 / 待二审), if any."""
    return db.scalar(select(Filing).where(Filing.agency_id == agency_id, Filing.state.in_(machine.UNDER_REVIEW)))


def editable(db: Session, agency_id: int) -> Filing | None:
    """The working draft, when there is one: the latest version while it is a draft or returned."""
    row = latest(db, agency_id)
    return row if row is not None and row.state in machine.EDITABLE else None


def working_draft(db: Session, agency: Agency) -> Filing:
    """The version the agency's next submission will be: the editable one, or a new draft after the latest."""
    row = editable(db, agency.id)
    if row is not None:
        return row
    previous = latest(db, agency.id)
    row = Filing(agency_id=agency.id, version=(previous.version + 1) if previous else 1, state=FilingState.DRAFT,
                 basic=dict(previous.basic) if previous else basic_of(agency), snapshot={})
    db.add(row)
    db.flush()
    return row


def working_basic(db: Session, agency: Agency) -> dict:
    """The basic information as the agency last wrote it (draft, then latest version, then registration)."""
    row = latest(db, agency.id)
    return dict(row.basic) if row is not None else basic_of(agency)


def basic_of(agency: Agency) -> dict:
    return {"name": agency.name, "credit_code": agency.credit_code, "district": agency.district,
            "address": agency.address, "legal_representative": agency.legal_representative,
            "contact_name": agency.contact_name, "contact_phone": agency.contact_phone}


def working_copy(db: Session, agency_id: int) -> dict[str, list]:
    """The agency's active people, equipment, capabilities, vehicles and spare parts, as it edits them."""
    return {key: list(db.scalars(select(model).where(model.agency_id == agency_id, model.active).order_by(model.id)))
            for key, model in MODELS.items()}


def snapshot(db: Session, agency_id: int) -> dict:
    """The sections the agency's kind files (staff, equipment and capabilities or vehicles and spare parts), as
    they are now, to be frozen into a filing version."""
    copy = working_copy(db, agency_id)
    return {section.key: [_entry(row, section) for row in copy[section.key]]
            for section in sections_of(db.get(Agency, agency_id).kind)}


def _entry(row, section: Section) -> dict:
    entry = {"id": row.id, **{f.name: _plain(getattr(row, f.name)) for f in section.form.fields}}
    for file, _label in section.files:
        entry[f"{file}_path"] = getattr(row, f"{file}_path")
    if section.key == "staff":
        entry["user_id"] = row.user_id  # the sampler account this person uses in WeChat
    if section.key == "vehicles":
        entry.update(_vehicle(row))
    return entry


def _vehicle(row: Vehicle) -> dict:
    """A vehicle's ownership as the form shows it, and the contract its lease was checked against."""
    contract = row.contract if row.ownership == "leased" else None
    return {"ownership": OWNERSHIP.get(row.ownership, row.ownership),
            "contract_id": contract.id if contract else None, "contract": contract_label(contract)}


def contract_label(contract) -> str | None:
    """A contract as the vehicle section names it: its code and period."""
    if contract is None:
        return None
    return f"{contract.code}（{_plain(contract.period_start) or '?'} 至 {_plain(contract.period_end) or '?'}）"


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def filed_entry(filing: Filing, section: str, item_id: int) -> dict:
    """One person's, instrument's or vehicle's entry as this version froze it (empty when the version has none)."""
    return next((e for e in filing.snapshot.get(section, []) if e.get("id") == item_id), {})


# --- the working copy ------------------------------------------------------------------------------------

@transaction
def update_basic(db: Session, agency: Agency, values: Mapping) -> Filing:
    """Save the basic information (基本信息, parsed by the BASIC form) into the working draft; the Agency row
    changes only when a version is approved."""
    _lock(db, agency)
    draft = working_draft(db, agency)
    draft.basic = {**draft.basic, **values, "name": agency.name, "credit_code": agency.credit_code}
    return draft


@transaction
def save_staff(uow: UnitOfWork, agency: Agency, values: Mapping, certificate: bytes | None,
               staff: Staff | None = None) -> Staff:
    """Add a person (人员) or correct one, with their certificate; the next version will carry the change.
    `values` are the STAFF form's answers."""
    db = uow.session
    values, errors = dict(values), _certificate_problem(SECTION_BY_KEY["staff"], certificate, staff)
    number = (values.get("id_number") or "").upper()
    if number and not ID_NUMBER.match(number):
        errors["id_number"] = TEXTS["id_number"]
    elif number and db.scalar(select(Staff.id).where(Staff.agency_id == agency.id, Staff.active,
                                                     Staff.id_number == number, Staff.id != _id(staff))):
        errors["id_number"] = TEXTS["id_taken"]
    if errors:
        raise FormInvalid(errors)
    values["id_number"] = number
    return _store(uow, agency, staff or Staff(agency_id=agency.id), values, certificate, "staff")


@transaction
def save_equipment(uow: UnitOfWork, agency: Agency, values: Mapping, certificate: bytes | None,
                   equipment: Equipment | None = None) -> Equipment:
    """Add an instrument (设备) or correct one, with its calibration certificate (检定/校准证书).
    `values` are the EQUIPMENT form's answers."""
    db = uow.session
    errors = _certificate_problem(SECTION_BY_KEY["equipment"], certificate, equipment)
    if values.get("asset_no") and db.scalar(select(Equipment.id).where(
            Equipment.agency_id == agency.id, Equipment.active, Equipment.asset_no == values["asset_no"],
            Equipment.id != _id(equipment))):
        errors["asset_no"] = TEXTS["asset_taken"]
    if errors:
        raise FormInvalid(errors)
    return _store(uow, agency, equipment or Equipment(agency_id=agency.id), values, certificate, "equipment")


def _id(row) -> int:
    return row.id if row is not None else -1


def _certificate_problem(section: Section, certificate: bytes | None, row) -> dict[str, str]:
    """The certificate upload's problem, if any: a new entry needs one, and it must be a usable file."""
    if certificate:
        try:
            uploads.check(certificate, uploads.CERTIFICATE.named(section.certificate))
        except uploads.UploadRefused as refused:
            return {"certificate": str(refused)}
    elif row is None or not row.certificate_path:
        return {"certificate": TEXTS["certificate_missing"].format(what=section.certificate)}
    return {}


def _store(uow: UnitOfWork, agency: Agency, row, values: dict, certificate: bytes | None, section: str):
    for name, value in values.items():
        setattr(row, name, date.fromisoformat(value) if name.endswith("_valid_until") and value else value)
    if certificate:
        row.certificate_path = certificates.store(uow.config.media_root, agency.id, section, certificate)
    uow.session.add(row)
    uow.session.flush()
    return row


@transaction
def deactivate(row: Staff | Equipment | Capability | Vehicle | SparePart) -> None:
    """Take a person, instrument, capability, vehicle or spare part off the working copy (停用); filed versions
    keep it."""
    row.active = False


@transaction
def save_spare_part(db: Session, agency: Agency, values: Mapping, part: SparePart | None = None) -> SparePart:
    """Add a spare part (运维备品备件: name, quantity, value, where it is kept) or correct one; the SPARE_PART
    form's answers."""
    row = part or SparePart(agency_id=agency.id)
    for name, value in values.items():
        setattr(row, name, value)
    db.add(row)
    db.flush()
    return row


@transaction
def add_capability(db: Session, agency: Agency, values: Mapping) -> Capability:
    """Add a monitoring capability (监测能力): factor × method standard (the CAPABILITY form's answers)."""
    row = db.scalar(select(Capability).where(Capability.agency_id == agency.id,
                                             Capability.factor == values["factor"],
                                             Capability.method == values["method"]))
    if row is not None and row.active:
        raise FormInvalid({"factor": TEXTS["capability_taken"]})
    if row is None:  # a capability removed earlier comes back as the same row (one row per factor × method)
        row = Capability(agency_id=agency.id, factor=values["factor"], method=values["method"])
        db.add(row)
    row.active = True
    db.flush()
    return row


# --- submission and review --------------------------------------------------------------------------------

@transaction
def submit(db: Session, agency: Agency) -> Filing:
    """提交审核: freeze basic information and the working copy into the working draft and send it for review."""
    _lock(db, agency)
    pending = under_review(db, agency.id)
    if pending is not None:
        raise FilingRefused(TEXTS["under_review"].format(version=pending.version))
    content = snapshot(db, agency.id)
    empty = [section.form.title for section in sections_of(agency.kind) if not content[section.key]]
    if empty:
        raise FilingRefused(TEXTS["incomplete"].format(missing="、".join(empty)))
    draft = working_draft(db, agency)
    missing = [f.label for f in BASIC.applicable(tags_of(agency.kind))
               if f.required and draft.basic.get(f.name) in (None, "")]
    if missing:
        raise FilingRefused(TEXTS["basic_missing"].format(missing="、".join(missing)))
    current = in_force(db, agency.id)
    if current is not None and compare(draft.basic, content, current.basic, current.snapshot).empty:
        raise FilingRefused(TEXTS["unchanged"].format(version=current.version))
    machine.bind(draft)
    getattr(draft, "resubmit" if draft.state == FilingState.RETURNED else "submit")()
    draft.snapshot, draft.submitted_at, draft.decided_at = content, clock.now(), None
    if current is None:
        agency.filing_status = FilingStatus.SUBMITTED
    db.flush()
    return draft


@transaction
def approve(db: Session, filing: Filing, reviewer: User) -> FilingReview:
    """初审 or 二审 通过. The second approval puts the version in force, and must come from another reviewer."""
    agency = _lock(db, filing.agency)
    stage = _stage(db, filing)
    if stage == "second" and first_approver(filing) == reviewer.id:
        raise FilingRefused(TEXTS["four_eyes"])
    previous = in_force(db, agency.id)
    machine.bind(filing)
    filing.approve()
    if filing.state == FilingState.APPROVED:
        if previous is not None:
            machine.bind(previous)
            previous.supersede()
        filing.decided_at = clock.now()
        for name in AGENCY_COLUMNS:
            if filing.basic.get(name):
                setattr(agency, name, filing.basic[name])
        agency.filing_status = FilingStatus.APPROVED
    return _record(db, filing, reviewer, stage, "approve", None)


@transaction
def send_back(db: Session, filing: Filing, reviewer: User, reason: str) -> FilingReview:
    """退回: the version goes back to the agency with a reason; the version in force, if any, stays."""
    reason = normalise(reason)
    if not reason:
        raise FilingRefused(TEXTS["reason_missing"])
    if len(reason) > MAX_REASON:
        raise FilingRefused(TEXTS["reason_long"])
    agency = _lock(db, filing.agency)
    stage = _stage(db, filing)
    machine.bind(filing)
    filing.send_back()
    filing.decided_at = clock.now()
    if in_force(db, agency.id) is None:
        agency.filing_status = FilingStatus.RETURNED
    return _record(db, filing, reviewer, stage, "return", reason)


def _stage(db: Session, filing: Filing) -> str:
    db.refresh(filing)  # the state as committed: another reviewer may have decided meanwhile
    stage = machine.STAGE.get(filing.state)
    if stage is None:
        raise FilingRefused(TEXTS["not_reviewable"])
    return stage


def first_approver(filing: Filing) -> int | None:
    """Who approved the current round's first review (a resubmitted version is reviewed afresh)."""
    firsts = [r for r in filing.reviews if r.stage == "first" and r.decision == "approve"]
    return firsts[-1].reviewer_id if firsts else None


def _record(db: Session, filing: Filing, reviewer: User, stage: str, decision: str, reason: str | None):
    review = FilingReview(filing=filing, reviewer_id=reviewer.id, stage=stage, decision=decision, reason=reason,
                          at=clock.now())
    db.add(review)
    db.flush()
    return review


def _lock(db: Session, agency: Agency) -> Agency:
    """One filing change per agency at a time: submissions and decisions queue on the agency row."""
    db.refresh(agency, with_for_update=True)
    return agency


# --- what changed --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class EntryChange:
    """One person, instrument, capability, vehicle or spare part added, removed or changed (with the fields that
    changed)."""

    kind: str  # "added" | "removed" | "changed"
    title: str
    changes: tuple[Change, ...] = ()


@dataclass
class Diff:
    """A version against its baseline (the version in force before it): what the reviewer has to look at."""

    baseline: Filing | None = None
    basic: list[Change] = field(default_factory=list)
    sections: dict[str, list[EntryChange]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.basic and not any(self.sections.values())


CHANGE_LABELS = {"added": "新增", "removed": "删除", "changed": "修改"}


def baseline(db: Session, filing: Filing) -> Filing | None:
    """The version in force when `filing` was made: the latest approved (or since superseded) one before it."""
    return db.scalar(select(Filing).where(
        Filing.agency_id == filing.agency_id, Filing.version < filing.version,
        Filing.state.in_((FilingState.APPROVED, FilingState.SUPERSEDED))).order_by(Filing.version.desc()).limit(1))


def diff(db: Session, filing: Filing) -> Diff:
    """What `filing` adds, removes and changes against the version in force before it."""
    base = baseline(db, filing)
    result = compare(filing.basic, filing.snapshot, base.basic if base else {}, base.snapshot if base else {})
    result.baseline = base
    return result


def compare(basic: dict, content: dict, old_basic: dict, old_content: dict) -> Diff:
    result = Diff(basic=_changes(BASIC.fields, basic, old_basic))
    for section in SECTIONS:
        new = {e["id"]: e for e in content.get(section.key, [])}
        old = {e["id"]: e for e in old_content.get(section.key, [])}
        entries = [EntryChange("added", _title(section, new[i])) for i in new if i not in old]
        entries += [EntryChange("removed", _title(section, old[i])) for i in old if i not in new]
        for ident in (i for i in new if i in old):
            changes = _changes(section.form.fields + section.extra, new[ident], old[ident])
            for file, label in section.files:
                before, after = old[ident].get(f"{file}_path"), new[ident].get(f"{file}_path")
                if before != after:
                    changes.append(Change(label, "原文件" if before else "未上传", "已更换" if after else "已删除"))
            if changes:
                entries.append(EntryChange("changed", _title(section, new[ident]), tuple(changes)))
        result.sections[section.key] = entries
    return result


def _changes(fields, new: dict, old: dict) -> list[Change]:
    return [Change(f.label, display(f, old.get(f.name)), display(f, new.get(f.name)))
            for f in fields if (old.get(f.name) or None) != (new.get(f.name) or None)]


def _title(section: Section, entry: dict) -> str:
    return " / ".join(str(entry.get(name) or "") for name in section.title_fields)


# --- what the version in force allows --------------------------------------------------------------------

def may_run_tasks(db: Session, agency_id: int) -> bool:
    """Only an agency with a filing version in force may create tasks."""
    return in_force(db, agency_id) is not None


def schedulable_staff(db: Session, agency_id: int, day) -> list[Staff]:
    """People in the filing in force whose certificate is valid on `day` (and still active).

    Validity counts as filed: a renewal typed into the working copy counts once its version is approved,
    while a shortened or expired date counts at once."""
    return _schedulable(db, Staff, in_force(db, agency_id), "staff", "certificate_valid_until", day)


def schedulable_equipment(db: Session, agency_id: int, day) -> list[Equipment]:
    """Equipment in the filing in force whose calibration is valid on `day` (filed and current date alike)."""
    return _schedulable(db, Equipment, in_force(db, agency_id), "equipment", "calibration_valid_until", day)


def _schedulable(db: Session, model, filing: Filing | None, section: str, valid_until: str, day) -> list:
    if filing is None:
        return []
    filed = {entry["id"]: entry.get(valid_until) for entry in filing.snapshot.get(section, [])}
    rows = db.scalars(select(model).where(model.id.in_(filed), model.active).order_by(model.id))
    return [row for row in rows if filed[row.id] and getattr(row, valid_until) is not None
            and min(date.fromisoformat(filed[row.id]), getattr(row, valid_until)) >= day]
