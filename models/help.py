"""帮助中心: what the administering unit publishes for every user (contacts, operating guide, FAQ) and the
feedback users leave for it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow
from models.directory import User


class HelpCentre(Base):
    """The help centre's one page as the administrator last saved it (no row: the shipped defaults)."""

    __tablename__ = "help_centre"
    id: Mapped[int] = mapped_column(primary_key=True)
    contacts: Mapped[str] = mapped_column(Text)  # 咨询联系方式
    guide: Mapped[str] = mapped_column(Text)  # 操作指南
    faq: Mapped[list] = mapped_column(JSON, default=list)  # 常见问题: [{"q": …, "a": …}]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship()


class Feedback(Base):
    """意见反馈: a question or problem a user reports, and how the administrator answered it."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # none: left without signing in
    name: Mapped[str] = mapped_column(String(64))
    contact: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    reply: Mapped[str | None] = mapped_column(Text)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handled_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
