"""The tamper-evident record: every evidence log row is chained to the previous row of the same subject, and a
daily root hash over the chains is sealed so it can be published.

A table joins the record by mixing in `Chained` and naming its subject column and meaningful fields; the hook
below then links every row it inserts, `services.core.audit` verifies and seals it, with nothing else to register.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, ClassVar, Mapping

from sqlalchemy import Date, String, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, object_session

from models.base import Base, utcnow

GENESIS = "0" * 64  # the "previous hash" of a subject's first entry
TIPS = "audit_chain_tips"  # session.info key: the last hash of each chain touched by the flush under way
HELD = "audit_held_subjects"  # session.info key: (table, id) of the subject rows this transaction has locked
CHAINED: list[type["Chained"]] = []  # every chained table, for verify and seal


class Chained:
    """Mixin of an append-only evidence log whose rows are hash-chained per subject (a trip, a visit)."""

    __chain_subject__: ClassVar[str]  # the foreign-key column naming the subject, e.g. "trip_id"
    __chain_fields__: ClassVar[tuple[str, ...]]  # the meaningful columns, hashed as canonical JSON
    __chain_label__: ClassVar[str]  # the subject in Chinese, for verify's report

    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__tablename__" in cls.__dict__:  # a table, not a mixin of tables (models/fieldwork.VisitEvent)
            CHAINED.append(cls)

    @declared_attr.directive
    def __table_args__(cls):
        # two rows can never follow the same entry: a fork is refused by the database itself
        return (UniqueConstraint(cls.__chain_subject__, "prev_hash", name=f"uq_{cls.__tablename__}_chain"),)

    @classmethod
    def subject_column(cls):
        return cls.__table__.c[cls.__chain_subject__]


def plain(value: Any) -> Any:
    """A value as canonical JSON holds it: UTC ISO times, enum values, string keys. Floats stay JSON numbers,
    written by Python's shortest round-trip repr, so one float has one spelling."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def canonical(value: Any) -> bytes:
    return json.dumps(plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode()


def entry_hash(table: str, subject_id: int, fields: Mapping[str, Any], prev_hash: str) -> str:
    content = canonical({"table": table, "subject": subject_id, **fields})
    return hashlib.sha256(prev_hash.encode() + b"\n" + content).hexdigest()


def row_hash(row: Chained, prev_hash: str) -> str:
    fields = {name: getattr(row, name) for name in row.__chain_fields__}
    return entry_hash(row.__tablename__, getattr(row, row.__chain_subject__), fields, prev_hash)


class AuditRoot(Base):
    """A China-time day's root hash over the chains that grew that day; sealed once, never changed."""

    __tablename__ = "audit_root"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    root: Mapped[str] = mapped_column(String(64))
    chains: Mapped[int]  # how many chains grew that day
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(Session, "before_flush")
def _new_flush(session: Session, _context, _instances) -> None:
    session.info[TIPS] = {}


@event.listens_for(Chained, "before_insert", propagate=True)
def _link(mapper, connection, row: Chained) -> None:
    """Link a row as it is inserted: the one point every writer passes, the subject's key already known."""
    _apply_defaults(mapper, row)
    session = object_session(row)
    tips = session.info.setdefault(TIPS, {})
    cls, subject_id = type(row), getattr(row, row.__chain_subject__)
    key = (cls.__tablename__, subject_id)
    if key not in tips:
        tips[key] = _stored_tip(connection, cls, subject_id, session.info.get(HELD, ()))
    row.prev_hash = tips[key]
    row.entry_hash = tips[key] = row_hash(row, row.prev_hash)


def _apply_defaults(mapper, row: Chained) -> None:
    # column defaults are filled after this hook; the hashed fields need their final values now
    for name in row.__chain_fields__:
        default = mapper.columns[name].default
        if getattr(row, name) is None and default is not None and default.is_callable:
            setattr(row, name, default.arg(None))


def _stored_tip(connection, cls: type[Chained], subject_id: int, held: set) -> str:
    """The subject's last stored hash, its row locked first on PostgreSQL so a concurrent writer waits for
    this transaction instead of linking to the same entry (SQLite's BEGIN IMMEDIATE already serialises). Two
    statements, not one: a read in the locking statement would see the snapshot from before the wait. A row this
    transaction already holds (`hold`) is not locked again."""
    subject = next(iter(cls.subject_column().foreign_keys)).column
    if connection.dialect.name == "postgresql" and (subject.table.name, subject_id) not in held:
        connection.execute(select(subject).where(subject == subject_id).with_for_update())
    last = connection.execute(select(cls.__table__.c.entry_hash).where(cls.subject_column() == subject_id)
                              .order_by(cls.__table__.c.id.desc()).limit(1)).scalar()
    return last or GENESIS


def hold(session: Session, subject) -> None:
    """Note that this transaction has locked `subject`'s row (SELECT … FOR UPDATE) itself, so linking its
    log's rows does not lock it a second time. Forgotten when the transaction ends."""
    session.info.setdefault(HELD, set()).add((subject.__table__.name, subject.id))


@event.listens_for(Session, "after_transaction_end")
def _released(session: Session, transaction) -> None:
    if transaction.parent is None:  # the database transaction, not a savepoint within it
        session.info.pop(HELD, None)
