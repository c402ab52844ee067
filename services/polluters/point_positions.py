"""点位登记位置: a point with no registered position gets one proposed from where it was first sampled; the
polluter or the agency accepts it (the point's position becomes it, logged as a directory change) or rejects it
on the desk, so the register's positions become known over time."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import PointLocation, PositionProposal, ProposalStatus, SamplingTrip


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
