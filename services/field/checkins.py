"""Check-ins (进场/离场签到) shared by sampling trips and O&M visits: where the person is, how far from the site,
and whether inside the polluter's geofence. Outside is accepted but flagged for the regulator."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CheckIn, CheckInKind, MonitoringPoint, OmVisit, PointLocation, PointReference, Polluter, User, clock
from services.adapters import geo
from states.findings import rule


def distance_to_site(latitude: float, longitude: float, points: Iterable[MonitoringPoint], polluter: Polluter) -> float:
    """To the nearest of the points with a location, or to the polluter when no point has one."""
    targets = [(p.latitude, p.longitude) for p in points if p.latitude is not None and p.longitude is not None]
    targets = targets or [(polluter.latitude, polluter.longitude)]
    return min(geo.distance_m(latitude, longitude, lat, lon) for lat, lon in targets)


def new_check_in(kind: CheckInKind, user: User, latitude: float, longitude: float, points: Iterable[MonitoringPoint],
                 polluter: Polluter, precision: float | None = None, label: str | None = None) -> CheckIn:
    """An unattached check-in record, its distance and fence flag computed; the caller adds it to a trip or visit."""
    distance = distance_to_site(latitude, longitude, points, polluter)
    return CheckIn(kind=kind, user=user, at=clock.now(), latitude=latitude, longitude=longitude, precision_m=precision,
                   label=label, distance_m=round(distance, 1), inside_fence=distance <= polluter.fence_radius_m)


def new_point_location(user: User, point: MonitoringPoint, latitude: float, longitude: float,
                       precision: float | None = None, label: str | None = None) -> PointLocation:
    """Where a point is sampled, measured to its registered position — or, while it has none, to the site with
    the fence as allowance; unattached, the caller adds it to a trip."""
    if point.latitude is not None and point.longitude is not None:
        reference, lat, lon = PointReference.POINT, point.latitude, point.longitude
        allowed = rule("point_outside").param("tolerance_m")
    else:
        polluter = point.polluter
        reference, lat, lon = PointReference.SITE, polluter.latitude, polluter.longitude
        allowed = polluter.fence_radius_m
    distance = geo.distance_m(latitude, longitude, lat, lon)
    return PointLocation(point_id=point.id, point=point, user=user, at=clock.now(), latitude=latitude,
                         longitude=longitude, precision_m=precision, label=label, reference=reference,
                         reference_latitude=lat, reference_longitude=lon, distance_m=round(distance, 1),
                         allowed_m=float(allowed))


def om_visit_day(db: Session, visit: OmVisit) -> date:
    """The day an O&M visit happened (China time): that of its first arrival check-in, else the day it was due.
    QC checks validity on this day, and the polluter's same-day signature is due by its 24:00."""
    arrival = db.scalar(select(CheckIn.at).where(CheckIn.om_visit_id == visit.id, CheckIn.kind == CheckInKind.ARRIVAL)
                        .order_by(CheckIn.at).limit(1))
    return clock.local(arrival).date() if arrival is not None else visit.due_on
