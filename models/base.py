"""Declarative base shared by every table."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData, TypeDecorator, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from models import clock  # a leaf module (standard library only): the one source of time

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Column defaults read the app's clock, so a row written under a set dev clock carries the set time."""
    return clock.now()


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC datetimes only")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime()}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppendOnly:
    """Event logs are evidence: rows are added, never changed or removed."""


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AppendOnly) and (obj in session.deleted or session.is_modified(obj)):
            raise ValueError(f"{type(obj).__name__} rows are append-only")
