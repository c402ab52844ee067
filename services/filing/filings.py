"""Filings (备案): the agency's working copy, the versions it submits, their review, and which is in force.

An agency files in two stages (seed 001 §2), each with its own versions and review: 备案基本信息 (the basic
information: contacts, registered capital, contract amounts and counts) and 二审基本信息 (personnel, equipment,
capabilities, vehicles, spare parts). The agency writes the basic information into the stage's working draft
and edits its people, equipment and the rest in place (the working copy); submitting a stage freezes its content
into a version. 二审 information is submitted once the basic information is in force. Regulators approve a
version (by one reviewer, or a first and a different second one where the city sets FILING_SECOND_REVIEWER) or
return it with a reason; per stage, the latest approved version is in force, and an update is reviewed while the
previous version stays in force. Tasks and O&M plans need both stages in force. Nothing here depends on the
agency kind beyond the form tags and the sections each kind files, so O&M agencies (运维机构) file their vehicles
and spare parts through the same versions and review (the lease rule for vehicles is in services/om/vehicles.py).
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
    FilingStage,
    FilingState,
    FilingStatus,
    SparePart,
    Staff,
    User,
    Vehicle,
    clock,
)
from services.adapters import uploads
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from services.filing import certificates
from services.texts.refusals import say
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


class FilingRefused(Refusal):
    """A filing action that cannot be done now (submitting a stage, reviewing a version)."""

    domain = "filing"


class FormInvalid(Refusal):
    """Typed values that do not fit: per field name, why — a refusal of the form's section of the catalogue
    (services/texts/refusals.py), or the sentence of the form definition itself (states/forms.py: a FieldError
    words what its field expects)."""

    domain = "form"

    def __init__(self, problems: Mapping[str, Refusal | str]):
        super().__init__("fields")
        self.problems = dict(problems)

    @property
    def errors(self) -> dict[str, str]:
        """Each field's problem in words, for the page that shows it beside the field."""
        return {name: say(p) if isinstance(p, Refusal) else p for name, p in self.problems.items()}


class FilingField(Refusal):
    """Why a value typed in the filing's forms does not fit."""

    domain = "filing_form"


# --- versions -----------------------------------------------------------------------------------------

def in_force(db: Session, agency_id: int | None, stage: FilingStage) -> Filing | None:
    """The stage's latest approved version: it stays in force while a newer version is under review."""
    if agency_id is None:
        return None
    return db.scalar(_of(agency_id, stage).where(Filing.state == FilingState.APPROVED)
                     .order_by(Filing.version.desc()).limit(1))


def stages_in_force(db: Session, agency_id: int | None) -> dict[str, Filing | None]:
    """Each stage's version in force (None where none is yet), keyed by the stage's value."""
    return {str(stage): in_force(db, agency_id, stage) for stage in machine.STAGES}


def _of(agency_id: int, stage: FilingStage):
    return select(Filing).where(Filing.agency_id == agency_id, Filing.stage == stage)


def versions(db: Session, agency_id: int, stage: FilingStage) -> list[Filing]:
    """Every version of the stage, newest first: its history (备案历史)."""
    return list(db.scalars(_of(agency_id, stage).order_by(Filing.version.desc())))


def latest(db: Session, agency_id: int, stage: FilingStage) -> Filing | None:
    """The stage's newest version, whatever its state."""
    return db.scalar(_of(agency_id, stage).order_by(Filing.version.desc()).limit(1))


def under_review(db: Session, agency_id: int, stage: FilingStage) -> Filing | None:
    """The version of the stage a regulator is reviewing, if any."""
    return db.scalar(_of(agency_id, stage).where(Filing.state.in_(machine.UNDER_REVIEW)))


def editable(db: Session, agency_id: int, stage: FilingStage) -> Filing | None:
    """The stage's working draft, when there is one: the latest version while it is a draft or returned."""
    row = latest(db, agency_id, stage)
    return row if row is not None and row.state in machine.EDITABLE else None


def working_draft(db: Session, agency: Agency, stage: FilingStage) -> Filing:
    """The version the stage's next submission will be: the editable one, or a new draft after the latest."""
    row = editable(db, agency.id, stage)
    if row is not None:
        return row
    previous = latest(db, agency.id, stage)
    basic = (dict(previous.basic) if previous else basic_of(agency)) if stage == FilingStage.BASIC else {}
    row = Filing(agency_id=agency.id, stage=stage, version=(previous.version + 1) if previous else 1,
                 state=FilingState.DRAFT, basic=basic, snapshot={})
    db.add(row)
    db.flush()
    return row


def working_basic(db: Session, agency: Agency) -> dict:
    """The basic information as the agency last wrote it (draft, then latest version, then registration)."""
    row = latest(db, agency.id, FilingStage.BASIC)
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
    """Save the basic information (备案基本信息, parsed by the BASIC form) into the stage's working draft; the
    Agency row changes only when a version is approved."""
    _lock(db, agency)
    draft = working_draft(db, agency, FilingStage.BASIC)
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
        errors["id_number"] = FilingField("id_number")
    elif number and db.scalar(select(Staff.id).where(Staff.agency_id == agency.id, Staff.active,
                                                     Staff.id_number == number, Staff.id != _id(staff))):
        errors["id_number"] = FilingField("id_taken")
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
        errors["asset_no"] = FilingField("asset_taken")
    if errors:
        raise FormInvalid(errors)
    return _store(uow, agency, equipment or Equipment(agency_id=agency.id), values, certificate, "equipment")


def _id(row) -> int:
    return row.id if row is not None else -1


def _certificate_problem(section: Section, certificate: bytes | None, row) -> dict[str, Refusal]:
    """The certificate upload's problem, if any: a new entry needs one, and it must be a usable file."""
    if certificate:
        try:
            uploads.check(certificate, uploads.CERTIFICATE.named(section.certificate))
        except uploads.UploadRefused as refused:
            return {"certificate": refused}
    elif row is None or not row.certificate_path:
        return {"certificate": FilingField("certificate_missing", what=section.certificate)}
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
        raise FormInvalid({"factor": FilingField("capability_taken")})
    if row is None:  # a capability removed earlier comes back as the same row (one row per factor × method)
        row = Capability(agency_id=agency.id, factor=values["factor"], method=values["method"])
        db.add(row)
    row.active = True
    db.flush()
    return row


# --- submission and review --------------------------------------------------------------------------------

@transaction
def submit(db: Session, agency: Agency, stage: FilingStage) -> Filing:
    """提交审核: freeze the stage's content (the basic information, or the working copy for 二审) into its working
    draft and send it for review."""
    _lock(db, agency)
    label = machine.STAGE_LABELS[stage]
    pending = under_review(db, agency.id, stage)
    if pending is not None:
        raise FilingRefused("under_review", version=pending.version, stage=label)
    if stage == FilingStage.RESOURCES:
        if in_force(db, agency.id, FilingStage.BASIC) is None:
            raise FilingRefused("basic_first")
        content = snapshot(db, agency.id)
        empty = [section.form.title for section in sections_of(agency.kind) if not content[section.key]]
        if empty:
            raise FilingRefused("incomplete", missing="、".join(empty))
    draft = working_draft(db, agency, stage)
    if stage == FilingStage.BASIC:
        missing = [f.label for f in BASIC.applicable(tags_of(agency.kind))
                   if f.required and draft.basic.get(f.name) in (None, "")]
        if missing:
            raise FilingRefused("basic_missing", missing="、".join(missing))
    else:
        draft.snapshot = content
    current = in_force(db, agency.id, stage)
    if current is not None and compare(draft.basic, draft.snapshot, current.basic, current.snapshot).empty:
        raise FilingRefused("unchanged", stage=label, version=current.version)
    machine.bind(draft)
    getattr(draft, "resubmit" if draft.state == FilingState.RETURNED else "submit")()
    draft.submitted_at, draft.decided_at = clock.now(), None
    db.flush()
    _settle_status(db, agency)
    return draft


@transaction
def approve(uow: UnitOfWork, filing: Filing, reviewer: User) -> FilingReview:
    """审核通过. Where the city wants a second reviewer, the first approval waits for another reviewer's; the
    approval that ends the review puts the version in force for its stage."""
    db = uow.session
    agency = _lock(db, filing.agency)
    round_ = _round(db, filing)
    if round_ == "second" and first_approver(filing) == reviewer.id:
        raise FilingRefused("four_eyes")
    previous = in_force(db, agency.id, filing.stage)
    machine.bind(filing)
    getattr(filing, machine.approval(filing, uow.config.filing_second_reviewer))()
    if filing.state == FilingState.APPROVED:
        if previous is not None:
            machine.bind(previous)
            previous.supersede()
        filing.decided_at = clock.now()
        for name in AGENCY_COLUMNS if filing.stage == FilingStage.BASIC else ():
            if filing.basic.get(name):
                setattr(agency, name, filing.basic[name])
    review = _record(db, filing, reviewer, round_, "approve", None)
    _settle_status(db, agency)
    return review


@transaction
def send_back(db: Session, filing: Filing, reviewer: User, reason: str) -> FilingReview:
    """退回: the version goes back to the agency with a reason; the stage's version in force, if any, stays."""
    reason = normalise(reason)
    if not reason:
        raise FilingRefused("reason_missing")
    if len(reason) > MAX_REASON:
        raise FilingRefused("reason_long", most=MAX_REASON)
    agency = _lock(db, filing.agency)
    round_ = _round(db, filing)
    machine.bind(filing)
    filing.send_back()
    filing.decided_at = clock.now()
    review = _record(db, filing, reviewer, round_, "return", reason)
    _settle_status(db, agency)
    return review


def _round(db: Session, filing: Filing) -> str:
    db.refresh(filing)  # the state as committed: another reviewer may have decided meanwhile
    round_ = machine.ROUND.get(filing.state)
    if round_ is None:
        raise FilingRefused("not_reviewable")
    return round_


def first_approver(filing: Filing) -> int | None:
    """Who approved the current round's first review (a resubmitted version is reviewed afresh)."""
    firsts = [r for r in filing.reviews if r.round == "first" and r.decision == "approve"]
    return firsts[-1].reviewer_id if firsts else None


def _settle_status(db: Session, agency: Agency) -> None:
    """The agency's overall filing status, as lists show it: approved once both stages are in force; otherwise
    returned, under review or draft after the stages' latest submitted versions."""
    db.flush()
    if may_run_tasks(db, agency.id):
        agency.filing_status = FilingStatus.APPROVED
        return
    states = {row.state for row in (latest_submitted(db, agency.id, stage) for stage in machine.STAGES) if row}
    if FilingState.RETURNED in states:
        agency.filing_status = FilingStatus.RETURNED
    elif states & set(machine.UNDER_REVIEW):
        agency.filing_status = FilingStatus.SUBMITTED
    else:
        agency.filing_status = FilingStatus.DRAFT


@dataclass(frozen=True)
class StageStatus:
    """Where one stage of an agency's filing stands, as its filing page reports it."""

    stage: FilingStage
    in_force: Filing | None
    pending: Filing | None  # the version under review
    returned: Filing | None  # the latest submitted version, while it is returned
    reason: str | None  # why it was returned


def statuses(db: Session, agency_id: int) -> list[StageStatus]:
    """Both stages, in the order they are filed."""
    result = []
    for stage in machine.STAGES:
        last = latest_submitted(db, agency_id, stage)
        returned = last if last is not None and last.state == FilingState.RETURNED else None
        reason = next((r.reason for r in reversed(returned.reviews) if r.decision == "return"), None) \
            if returned else None
        result.append(StageStatus(stage, in_force(db, agency_id, stage), under_review(db, agency_id, stage),
                                  returned, reason))
    return result


def latest_submitted(db: Session, agency_id: int, stage: FilingStage) -> Filing | None:
    """The stage's newest version the agency has submitted (its drafts aside): what its page reports on."""
    return db.scalar(_of(agency_id, stage).where(Filing.state != FilingState.DRAFT)
                     .order_by(Filing.version.desc()).limit(1))


def _record(db: Session, filing: Filing, reviewer: User, round_: str, decision: str, reason: str | None):
    review = FilingReview(filing=filing, reviewer_id=reviewer.id, round=round_, decision=decision, reason=reason,
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
    """The version of the stage in force when `filing` was made: the latest approved (or since superseded) one
    before it."""
    return db.scalar(_of(filing.agency_id, filing.stage).where(
        Filing.version < filing.version,
        Filing.state.in_((FilingState.APPROVED, FilingState.SUPERSEDED))).order_by(Filing.version.desc()).limit(1))


def diff(db: Session, filing: Filing) -> Diff:
    """What `filing` adds, removes and changes against the version of its stage in force before it (each stage
    carries only its own content, so the other stage's part compares empty with empty)."""
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

def may_run_tasks(db: Session, agency_id: int | None) -> bool:
    """Only an agency with both stages in force (备案和二审通过) may create tasks and O&M plans."""
    return all(stages_in_force(db, agency_id).values())


def filed_resources(db: Session, agency_id: int | None) -> Filing | None:
    """The 二审 version in force: the people, equipment and capabilities the agency may work with."""
    return in_force(db, agency_id, FilingStage.RESOURCES)


def schedulable_staff(db: Session, agency_id: int, day) -> list[Staff]:
    """People in the filing in force whose certificate is valid on `day` (and still active).

    Validity counts as filed: a renewal typed into the working copy counts once its version is approved,
    while a shortened or expired date counts at once."""
    return _schedulable(db, Staff, filed_resources(db, agency_id), "staff", "certificate_valid_until", day)


def schedulable_equipment(db: Session, agency_id: int, day) -> list[Equipment]:
    """Equipment in the filing in force whose calibration is valid on `day` (filed and current date alike)."""
    return _schedulable(db, Equipment, filed_resources(db, agency_id), "equipment", "calibration_valid_until", day)


def equipment_validity(db: Session, agency_id: int | None) -> dict[Equipment, date | None]:
    """The agency's equipment in the filing in force, each with the calibration validity that counts (None when
    the filing or the record has none): what a trip's instruments are checked against (仪器)."""
    return _validity(db, Equipment, filed_resources(db, agency_id), "equipment", "calibration_valid_until")


def _schedulable(db: Session, model, filing: Filing | None, section: str, valid_until: str, day) -> list:
    return [row for row, until in _validity(db, model, filing, section, valid_until).items()
            if until is not None and until >= day]


def _validity(db: Session, model, filing: Filing | None, section: str, valid_until: str) -> dict:
    """Active rows of the filing's section → the earlier of the filed and the current validity date."""
    if filing is None:
        return {}
    filed = {entry["id"]: entry.get(valid_until) for entry in filing.snapshot.get(section, [])}
    rows = db.scalars(select(model).where(model.id.in_(filed), model.active).order_by(model.id))
    return {row: min(date.fromisoformat(filed[row.id]), getattr(row, valid_until))
            if filed[row.id] and getattr(row, valid_until) is not None else None for row in rows}
