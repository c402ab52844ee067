"""The findings log of a trip or an O&M visit (models/findings.py, FindingLog): what the rules raised and
withdrew, and what a reviewer decided, as hash-chained entries (models/audit.py) beside the findings rows."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import OmFindingLog, TripFindingLog, User, clock
from services.findings.facts import Subject

LOGS = {"trip": TripFindingLog, "om": OmFindingLog}


def write(db: Session, subject: Subject, action: str, code: str, instance: str, user: User | None = None,
          **detail) -> None:
    model = LOGS[subject.kind]
    db.add(model(**{model.__chain_subject__: subject.id}, at=clock.now(), actor_id=user.id if user else None,
                 action=action, code=code, instance=instance, detail=detail))


def entries(db: Session, subject: Subject) -> list:
    model = LOGS[subject.kind]
    return list(db.scalars(select(model).where(model.subject_column() == subject.id).order_by(model.id)))

