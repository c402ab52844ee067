"""点位登记位置: a point with no registered position gets one proposed from where it was first sampled; the
polluter or the agency accepts it (the point's position becomes it, logged as a directory change) or rejects it
on the desk, so the register's positions become known over time."""
from __future__ import annotations

from sqlalchemy import false, select
from sqlalchemy.orm import Session, joinedload

from models import (
    DirectoryChange,
    MonitoringPoint,
    MonitoringTask,
    PointLocation,
    PositionProposal,
    ProposalStatus,
    Role,
    SamplingTrip,
    User,
    Visit,
    clock,
)
from services.core.refusal import Refusal
from services.core.uow import transaction


def propose(db: Session, trip: SamplingTrip, location: PointLocation) -> PositionProposal | None:
    """Propose where a point without a registered position was sampled. A resend on the same trip moves its
    pending proposal (the latest location supersedes); one pending from another trip stays the one to decide."""
    point = location.point
    if point.latitude is not None and point.longitude is not None:
        return None
    pending = db.scalar(select(PositionProposal).where(PositionProposal.point_id == point.id,
                                                       PositionProposal.status == ProposalStatus.PENDING)
                        .order_by(PositionProposal.id).limit(1))
    if pending is None:
        pending = PositionProposal(point=point, trip=trip, latitude=location.latitude, longitude=location.longitude,
                                   status=ProposalStatus.PENDING)
        db.add(pending)
    elif pending.trip_id == trip.id:
        pending.latitude, pending.longitude = location.latitude, location.longitude
    else:
        return None
    return pending


# --- the desk's decision ---------------------------------------------------------------------------------------

class PositionRefused(Refusal):
    """A decision refused; services/texts/refusals.py words the code."""

    domain = "position"


DECIDERS = (Role.POLLUTER_CONFIRMER, Role.AGENCY_ADMIN)
LISTED = 200  # decided proposals shown below the pending ones


def _scoped(user: User):
    """The proposals `user` decides: a polluter's on its own points, an agency's from its own trips."""
    query = select(PositionProposal).join(MonitoringPoint, MonitoringPoint.id == PositionProposal.point_id)
    if user.role == Role.POLLUTER_CONFIRMER:
        return query.where(MonitoringPoint.polluter_id == user.polluter_id)
    if user.role == Role.AGENCY_ADMIN:
        return (query.join(SamplingTrip, SamplingTrip.id == PositionProposal.trip_id)
                .join(Visit, Visit.id == SamplingTrip.visit_id)
                .join(MonitoringTask, MonitoringTask.id == Visit.task_id)
                .where(MonitoringTask.agency_id == user.agency_id))
    return query.where(false())


def listed(db: Session, user: User) -> tuple[list[PositionProposal], list[PositionProposal]]:
    """The pending proposals (oldest first) and the latest decided ones (newest first)."""
    query = _scoped(user).options(joinedload(PositionProposal.point).joinedload(MonitoringPoint.polluter))
    pending = db.scalars(query.where(PositionProposal.status == ProposalStatus.PENDING)
                         .order_by(PositionProposal.id)).all()
    decided = db.scalars(query.where(PositionProposal.status != ProposalStatus.PENDING)
                         .order_by(PositionProposal.decided_at.desc(), PositionProposal.id.desc()).limit(LISTED)).all()
    return list(pending), list(decided)


def visible(db: Session, user: User, proposal_id: int) -> PositionProposal | None:
    return db.scalar(_scoped(user).where(PositionProposal.id == proposal_id))


@transaction
def decide(db: Session, user: User, proposal: PositionProposal, accept: bool) -> PositionProposal:
    """Accept (the point's registered position becomes the proposed one, logged as a directory change; other
    proposals for the point are superseded) or reject. Only a pending proposal, on a point still without one."""
    if proposal.status != ProposalStatus.PENDING:
        raise PositionRefused("decided")
    point = proposal.point
    if accept and point.latitude is not None and point.longitude is not None:
        raise PositionRefused("registered", point=point.name)
    now = clock.now()
    proposal.decided_by_id, proposal.decided_at = user.id, now
    if not accept:
        proposal.status = ProposalStatus.REJECTED
        db.flush()
        return proposal
    proposal.status = ProposalStatus.ACCEPTED
    db.add(DirectoryChange(polluter_id=point.polluter_id, actor_id=user.id, at=now, source="proposal", detail={
        "point": point.code, "proposal": proposal.id, "latitude": [point.latitude, proposal.latitude],
        "longitude": [point.longitude, proposal.longitude]}))
    point.latitude, point.longitude = proposal.latitude, proposal.longitude
    others = db.scalars(select(PositionProposal).where(PositionProposal.point_id == point.id,
                                                       PositionProposal.status == ProposalStatus.PENDING,
                                                       PositionProposal.id != proposal.id))
    for other in others:
        other.status, other.decided_by_id, other.decided_at = ProposalStatus.SUPERSEDED, user.id, now
    db.flush()
    return proposal
