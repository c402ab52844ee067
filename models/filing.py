"""An agency's filing (备案): its people, equipment and capabilities, submitted as versions for review."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped
from models.directory import Agency, User


class Staff(Base, Timestamped):
    """A person of the agency (人员) with the certificate that allows them to work."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18))
    post: Mapped[str | None] = mapped_column(String(64))  # 岗位
    title: Mapped[str | None] = mapped_column(String(64))  # 职称
    education: Mapped[str | None] = mapped_column(String(32))  # 学历
    # O&M agencies: 运维人员 / 技术负责人 / 质量负责人 / 质量监督员
    technical_role: Mapped[str | None] = mapped_column(String(32))
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    certificate_authority: Mapped[str | None] = mapped_column(String(128))
    certificate_category: Mapped[str | None] = mapped_column(String(64))
    certificate_valid_until: Mapped[date | None]
    certificate_path: Mapped[str | None] = mapped_column(String(255))
    # the sampler account this person uses in WeChat, if any
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship()
    user: Mapped[User | None] = relationship()


class Capability(Base):
    """A monitoring capability (监测能力): factor × method standard."""

    __tablename__ = "capability"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    factor: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship()

    __table_args__ = (UniqueConstraint("agency_id", "factor", "method"),)


class FilingStage(enum.StrEnum):
    """The two parts an agency files, each submitted, reviewed and versioned on its own (seed 001 §2)."""

    BASIC = "basic"  # 备案基本信息: registered capital, contract amounts, counts, contacts
    RESOURCES = "resources"  # 二审基本信息: personnel, equipment, capabilities, vehicles, spare parts


class FilingState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # 待审核
    FIRST_APPROVED = "first_approved"  # passed the first reviewer, awaiting the second (where the city wants one)
    APPROVED = "approved"  # in force
    RETURNED = "returned"  # 退回
    SUPERSEDED = "superseded"  # an earlier approved version, kept as history


class Filing(Base, Timestamped):
    """One version of one stage of an agency's filing: the basic information (`basic`, stage BASIC) or a snapshot
    of staff, equipment, capabilities, vehicles and spare parts (`snapshot`, stage RESOURCES) as submitted.
    Per stage, the latest approved version is in force while a newer one is reviewed."""

    __tablename__ = "filing"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    stage: Mapped[FilingStage] = mapped_column(String(16))
    version: Mapped[int]  # counted per stage
    state: Mapped[FilingState] = mapped_column(String(16), default=FilingState.DRAFT)
    basic: Mapped[dict] = mapped_column(JSON, default=dict)
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship()
    reviews: Mapped[list[FilingReview]] = relationship(back_populates="filing", order_by="FilingReview.id")

    __table_args__ = (UniqueConstraint("agency_id", "stage", "version"),)


class FilingReview(Base):
    """A regulator's decision on a filing version (the first reviewer's, or the second's where the city has one;
    approve or return with a reason)."""

    __tablename__ = "filing_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("filing.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    round: Mapped[str] = mapped_column(String(16))  # "first" | "second" (states/filing.py ROUND)
    decision: Mapped[str] = mapped_column(String(16))  # "approve" | "return"
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]

    filing: Mapped[Filing] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()
