"""运维监管: what the regulator oversees of pollution-source O&M in its scope — the plans, the visits due and
overdue, the visits signed late or sent back, and the comparison/verification reports due or overdue per
analyser. Reads only; the ranking, the evidence page and the exports serve O&M visits as they serve trips."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import MonitoringPoint, OmConfirmation, OmPlan, OmVisit, User, clock
from services.core import policy
from services.om import om_reports
from states.om_visit import Step

SOON = timedelta(days=30)  # reports falling due within a month are listed with the overdue ones
RECENT = timedelta(days=90)  # late or rejected signatures looked back on
LIMIT = 200


@dataclass(frozen=True)
class Oversight:
    plans: list[OmPlan]
    due_soon: list[OmVisit]
    overdue: list[OmVisit]
    late_or_rejected: list[OmConfirmation]
    reports: list[om_reports.Due]


def oversight(db: Session, user: User, today: date | None = None) -> Oversight:
    today = today or clock.today()
    plans = list(db.scalars(policy.scoped(user, OmPlan).order_by(OmPlan.id)))
    return Oversight(plans, _unstarted(db, user, OmVisit.due_on >= today, OmVisit.due_on <= today + timedelta(days=7)),
                     _unstarted(db, user, OmVisit.due_on < today), _late_or_rejected(db, user, today),
                     _reports(db, user, plans, today))


def _unstarted(db: Session, user: User, *due) -> list[OmVisit]:
    query = policy.scoped(user, OmVisit).where(OmVisit.started_at.is_(None), OmVisit.state == Step.NEW, *due)
    return list(db.scalars(query.order_by(OmVisit.due_on, OmVisit.id).limit(LIMIT)))


def _late_or_rejected(db: Session, user: User, today: date) -> list[OmConfirmation]:
    visits = policy.scoped(user, OmVisit, select(OmVisit.id))
    query = select(OmConfirmation).where(OmConfirmation.visit_id.in_(visits),
                                         or_(OmConfirmation.late, OmConfirmation.status == "rejected"),
                                         OmConfirmation.created_at >= clock.at_local(today - RECENT, time(0, 0)))
    return list(db.scalars(query.order_by(OmConfirmation.id.desc()).limit(LIMIT)))


def _reports(db: Session, user: User, plans: list[OmPlan], today: date) -> list[om_reports.Due]:
    """Per analyser of the points in scope, each report its standard requires that is overdue or due soon."""
    visible = set(db.scalars(policy.scoped(user, MonitoringPoint, select(MonitoringPoint.id))))
    dues = []
    for agency_id in sorted({plan.agency_id for plan in plans}):
        for point, rows in om_reports.overview(db, agency_id, today):
            if point.id in visible:
                dues += [d for d in rows if d.overdue or d.due_on <= today + SOON]
    return sorted(dues, key=lambda d: (not d.overdue, d.due_on or today))
