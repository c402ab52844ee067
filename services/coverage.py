"""Coverage for regulators: the polluters they oversee with no electronic sampling record (a submitted sampling
trip) on a visit day since a date — by default since the notice (沪环监测〔2024〕59号) applies."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import MonitoringTask, Polluter, SamplingTrip, User, Visit
from services import policy

NOTICE_START = date(2024, 6, 1)


def uncovered(db: Session, user: User, since: date = NOTICE_START) -> list[Polluter]:
    recorded = select(MonitoringTask.polluter_id).join(Visit, Visit.task_id == MonitoringTask.id) \
        .join(SamplingTrip, SamplingTrip.visit_id == Visit.id) \
        .where(SamplingTrip.submitted_at.is_not(None), Visit.day >= since)
    query = policy.scoped(user, Polluter).where(Polluter.id.not_in(recorded))
    return list(db.scalars(query.order_by(Polluter.district, Polluter.name)))
