"""Accounts over their life: industrial parks a regulator may oversee (园区), the account log (账户变更记录),
and one-time password reset links (重置密码链接)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AppendOnly, Base, Timestamped, utcnow
from models.directory import Polluter, User

park_member = Table(
    "park_member", Base.metadata,
    Column("park_id", ForeignKey("park.id"), primary_key=True),
    Column("polluter_id", ForeignKey("polluter.id"), primary_key=True),
)


class Park(Base, Timestamped):
    """An industrial park (园区) whose management committee (园区管委会) oversees a named set of polluters."""

    __tablename__ = "park"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    polluters: Mapped[list[Polluter]] = relationship(secondary=park_member, order_by="Polluter.name")


class AccountEvent(Base, AppendOnly):
    """One change to an account: who (`actor`, None for the command line), when, to whom, what (`action`,
    with the changed values in `detail`; never a password or a token)."""

    __tablename__ = "account_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PasswordReset(Base, Timestamped):
    """A one-time link to set a new password, stored as the SHA-256 of its token only (the link is shown once)."""

    __tablename__ = "password_reset"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
