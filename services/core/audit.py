"""Walk the hash chains of the evidence logs, and seal each China-time day's root hash over them."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import clock
from models.audit import CHAINED, GENESIS, AuditRoot, Chained, entry_hash
from services.core.refusal import Refusal
from services.core.uow import transaction

BATCH = 1000  # rows streamed at a time while walking the chains


@dataclass(frozen=True)
class Break:
    """The first place the record does not hold together, in words for the operator."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}：{self.reason}"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = clock.at_local(day, time(0))
    return start, start + timedelta(days=1)


def verify(session: Session, since: date | None = None) -> Break | None:
    """None when every chain links and every sealed day's root still holds; else the first break found."""
    for cls in CHAINED:
        broken = _walk(session, cls, since)
        if broken:
            return broken
    return _check_roots(session, since)


def _walk(session: Session, cls: type[Chained], since: date | None) -> Break | None:
    table, subject = cls.__table__, cls.subject_column()
    query = select(table).order_by(subject, table.c.id)
    if since:  # the whole chain of every subject that grew since the day, so each link is checked from its start
        query = query.where(subject.in_(select(subject).where(table.c.at >= day_bounds(since)[0])))
    result = session.execute(query.execution_options(yield_per=BATCH))
    try:  # a server-side cursor on PostgreSQL: closed even when the walk stops at a break
        return _first_break(cls, result.mappings())
    finally:
        result.close()


def _first_break(cls: type[Chained], rows) -> Break | None:
    tips: dict[int, str] = {}
    for row in rows:
        subject_id = row[cls.__chain_subject__]
        where = f"{cls.__chain_label__} #{subject_id} 的第 {row['id']} 号记录（{cls.__tablename__}）"
        expected_prev = tips.get(subject_id, GENESIS)
        if row["prev_hash"] != expected_prev:
            return Break(where, "与前一条记录接不上（前面的记录被删除、改动或有记录被插入）")
        fields = {name: row[name] for name in cls.__chain_fields__}
        if entry_hash(cls.__tablename__, subject_id, fields, expected_prev) != row["entry_hash"]:
            return Break(where, "内容与其哈希不符（记录在写入后被改动或被伪造）")
        tips[subject_id] = row["entry_hash"]
    return None


def _check_roots(session: Session, since: date | None) -> Break | None:
    query = select(AuditRoot).order_by(AuditRoot.day)
    if since:
        query = query.where(AuditRoot.day >= since)
    for sealed in session.scalars(query):
        if root_of(session, sealed.day)[0] != sealed.root:
            return Break(f"{sealed.day.isoformat()} 的记录根哈希",
                         "按现有记录重算的结果与封存的不同（当天的记录在封存后被删除、改动或增加）")
    return None


def root_of(session: Session, day: date) -> tuple[str, int]:
    """The day's root: SHA-256 over the sorted lines "table:subject:last hash of that day" of every chain that
    grew that day, and how many chains those are."""
    start, end = day_bounds(day)
    lines = []
    for cls in CHAINED:
        table, subject = cls.__table__, cls.subject_column()
        last = select(func.max(table.c.id)).where(table.c.at >= start, table.c.at < end).group_by(subject)
        for subject_id, tip in session.execute(select(subject, table.c.entry_hash).where(table.c.id.in_(last))):
            lines.append(f"{cls.__tablename__}:{subject_id}:{tip}")
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest(), len(lines)


class NotOver(Refusal):
    """A day can be sealed only once it is over: later entries of it would change its root."""

    domain = "audit"


@transaction
def seal(session: Session, day: date) -> tuple[AuditRoot, bool]:
    """Store the day's root (idempotent: a sealed day keeps its first root); (root, newly sealed)."""
    if day >= clock.today():
        raise NotOver("not_over", day=day.isoformat())
    sealed = session.get(AuditRoot, day)
    if sealed:
        return sealed, False
    root, chains = root_of(session, day)
    sealed = AuditRoot(day=day, root=root, chains=chains)
    session.add(sealed)
    session.flush()
    return sealed, True


def recent(session: Session, limit: int = 7) -> list[AuditRoot]:
    return list(session.scalars(select(AuditRoot).order_by(AuditRoot.day.desc()).limit(limit)))
