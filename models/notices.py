"""What a user is told on the desk (站内通知), and the regulator's urging notices (督促) with their replies."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.directory import Agency, Polluter, User


class Notice(Base):
    """One notice to one user, once per cause (a retried reminder or a second click sends nothing new)."""

    __tablename__ = "notice"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    cause: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    urging_id: Mapped[int | None] = mapped_column(ForeignKey("urging.id"))

    user: Mapped[User] = relationship()
    urging: Mapped[Urging | None] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "cause", name="uq_notice_user_cause"),)


class Urging(Base):
    """督促: a regulator urges an agency or a polluter to act (unconfirmed trips, overdue reports or O&M visits,
    missing signatures); the reply or the action that followed is recorded with it."""

    __tablename__ = "urging"
    id: Mapped[int] = mapped_column(primary_key=True)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    polluter_id: Mapped[int | None] = mapped_column(ForeignKey("polluter.id"))
    reason: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    subjects: Mapped[list] = mapped_column(JSON, default=list)  # what it is about, as shown: ["RW-…", …]
    reply: Mapped[str | None] = mapped_column(Text)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    replied_at: Mapped[datetime | None]

    sent_by: Mapped[User] = relationship(foreign_keys=[sent_by_id])
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])
    agency: Mapped[Agency | None] = relationship()
    polluter: Mapped[Polluter | None] = relationship()
