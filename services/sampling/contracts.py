"""Contracts (合同): an agency's service contract with a polluter, with the terms the notice requires.

A contract is saved as a draft as often as needed, then submitted; from then on it is read-only and may be
linked to tasks. Each use case checks, changes the row and leaves the commit to the caller's unit of work;
a refusal raises `ContractRefused` with the reason in Chinese, ready to show.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Contract, Polluter, User, clock
from services.adapters import uploads
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction

DRAFT, SUBMITTED = "draft", "submitted"
SAMPLE_SOURCES = {"sampling": "现场采样", "delivered": "送样"}

# the terms a submitted contract must state (subcontracting may be left empty: none)
REQUIRED_TERMS = {
    "parameters": "参数项目", "period_start": "周期开始日期", "period_end": "周期结束日期", "frequency": "频次",
    "sample_source": "样品获取方式", "basis": "监测依据", "report_form": "报告形式",
    "rights_obligations": "权利义务", "billing": "计费方式", "liability": "违约责任",
}


class ContractRefused(Refusal):
    """A use case refused; services/texts/refusals.py words the code."""

    domain = "contract"


@dataclass
class Terms:
    """What the clerk typed into the contract form (合同条款)."""

    code: str = ""
    polluter_id: int | None = None
    parameters: str | None = None  # 参数项目
    period_start: date | None = None  # 周期
    period_end: date | None = None
    frequency: str | None = None  # 频次
    sample_source: str | None = None  # 样品获取方式
    basis: str | None = None  # 监测依据
    report_form: str | None = None  # 报告形式
    subcontracting: str | None = None  # 分包信息
    rights_obligations: str | None = None  # 权利义务
    billing: str | None = None  # 计费方式
    liability: str | None = None  # 违约责任

    @classmethod
    def of(cls, contract: Contract) -> Terms:
        return cls(**{f.name: getattr(contract, f.name) for f in fields(cls)})


def directory(db: Session) -> list[Polluter]:
    """The polluter directory (排污单位名录库) a contract's client is chosen from."""
    return list(db.scalars(select(Polluter).order_by(Polluter.name)))


@transaction
def save_draft(uow: UnitOfWork, user: User, terms: Terms, contract: Contract | None = None,
               attachment: bytes | None = None, filename: str = "") -> Contract:
    """保存草稿: a new contract, or changes to a draft (with its attachment, if one was uploaded: both or
    neither are saved); a submitted contract is read-only."""
    db = uow.session
    if contract is not None and contract.status != DRAFT:
        raise ContractRefused("locked", code=contract.code)
    _check_draft(db, user.agency_id, terms, contract)
    if contract is None:
        contract = Contract(agency_id=user.agency_id, status=DRAFT)
        db.add(contract)
    for f in fields(Terms):
        value = getattr(terms, f.name)
        setattr(contract, f.name, (value.strip() or None) if isinstance(value, str) else value)
    db.flush()
    if attachment is not None:
        attach(uow, contract, attachment, filename)
    return contract


def _check_draft(db: Session, agency_id: int, terms: Terms, contract: Contract | None) -> None:
    code = (terms.code or "").strip()
    if not code:
        raise ContractRefused("code_required")
    taken = select(Contract.id).where(Contract.agency_id == agency_id, Contract.code == code)
    if contract is not None:
        taken = taken.where(Contract.id != contract.id)
    if db.scalar(taken) is not None:
        raise ContractRefused("code_taken", code=code)
    if terms.polluter_id is None or db.get(Polluter, terms.polluter_id) is None:
        raise ContractRefused("polluter_required")
    if terms.period_start and terms.period_end and terms.period_end < terms.period_start:
        raise ContractRefused("period_order")
    if terms.sample_source and terms.sample_source not in SAMPLE_SOURCES:
        raise ContractRefused("bad_source")


@transaction
def submit(uow: UnitOfWork, user: User, contract: Contract) -> None:
    """提交: every term of the notice stated; from now on the contract can be linked to tasks."""
    if contract.status != DRAFT:
        raise ContractRefused("locked", code=contract.code)
    missing = [name for attr, name in REQUIRED_TERMS.items() if not getattr(contract, attr)]
    if missing:
        raise ContractRefused("missing_terms", names="、".join(missing))
    contract.status = SUBMITTED
    contract.submitted_at = clock.now()


@transaction
def attach(uow: UnitOfWork, contract: Contract, data: bytes, filename: str) -> None:
    """合同附件: a PDF (checked by its content) of at most 20 MB, stored under a name of our own.
    A replaced attachment's file stays on disk: nothing uploaded is thrown away."""
    if contract.status != DRAFT:
        raise ContractRefused("locked", code=contract.code)
    uploads.check(data, uploads.CONTRACT)
    relative = Path("contracts") / str(contract.agency_id) / f"{contract.id}-{uuid.uuid4().hex[:12]}.pdf"
    contract.attachment_path = uploads.write(uow.config.media_root, relative, data)
    contract.attachment_name = _display_name(filename, contract.code)


def _display_name(filename: str, code: str) -> str:
    """The name offered on download: the uploader's file name without any folder part, as a .pdf."""
    stem = Path((filename or "").replace("\\", "/")).name.removesuffix(".pdf").removesuffix(".PDF").strip()
    return f"{(stem or code)[:200]}.pdf"


def linkable(db: Session, agency_id: int) -> list[Contract]:
    """The agency's submitted contracts: only these can be linked to a task."""
    return list(db.scalars(select(Contract).where(Contract.agency_id == agency_id, Contract.status == SUBMITTED)
                           .order_by(Contract.id.desc())))
