"""仪器: the instruments a trip took to the site and which of them sampled each point.

The schedule's list is copied when the trip starts; at arrival the sampler adds instruments of the agency's
filing by asset number, removes any, and confirms the list. An instrument whose calibration (as filed) has run
out, or that another trip confirmed for a time on site overlapping this one's, is refused: it cannot be used
here. The same two conditions are findings (states/findings.py) when a record gets them another way.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CheckInKind, Equipment, PointInstrument, SamplingTrip, TripInstrument, User, Visit, clock
from services.core.refusal import TripProblem
from services.field import fieldwork
from services.filing import filings
from services.findings.facts import time_on_site
from states.trip import Step

CORE = fieldwork.TRIP


def seed(trip: SamplingTrip) -> None:
    """A new trip starts with the schedule's instruments, still to be confirmed on site."""
    trip.instruments = [TripInstrument(equipment=e) for e in trip.visit.equipment]


def listed(trip: SamplingTrip) -> list[Equipment]:
    """The trip's instruments, in the order the sampler sees them numbered."""
    return [i.equipment for i in trip.instruments]


def add(uow, trip: SamplingTrip, user: User, asset_no: str, key: str | None = None) -> Equipment:
    """+资产编号: an instrument of the agency's filing joins the list, once it is found usable here."""
    CORE.expect(trip, {Step.INSTRUMENTS: True})
    item = _filed(uow.session, trip, asset_no)
    if item in listed(trip):
        raise TripProblem("instrument_listed", name=item.name, asset_no=item.asset_no)
    check_usable(uow.session, trip, [item])
    trip.instruments.append(TripInstrument(equipment=item, added_by=user))
    CORE.log(trip, user, "instrument_add", key, equipment=item.id, name=item.name, asset_no=item.asset_no)
    return item


def remove(uow, trip: SamplingTrip, user: User, which: str, key: str | None = None) -> Equipment:
    """-序号 or -资产编号: the instrument was not taken to the site; what a point recorded of it goes too (the
    event log keeps both)."""
    CORE.expect(trip, {Step.INSTRUMENTS: True})
    row = _listed_row(trip, which)
    trip.point_instruments = [p for p in trip.point_instruments if p.equipment_id != row.equipment_id]
    trip.instruments.remove(row)
    item = row.equipment
    CORE.log(trip, user, "instrument_remove", key, equipment=item.id, name=item.name, asset_no=item.asset_no)
    return item


def confirm(uow, trip: SamplingTrip, user: User, key: str | None = None) -> list[Equipment]:
    """确认: the list as it stands is what was taken to the site; each instrument is checked again (a colleague's
    trip may have confirmed one meanwhile)."""
    CORE.expect(trip, {Step.INSTRUMENTS: True})
    items = listed(trip)
    if not items:
        raise TripProblem("instruments_needed")
    check_usable(uow.session, trip, items)
    now = clock.now()
    for row in trip.instruments:
        row.confirmed_at = row.confirmed_at or now
    CORE.fire(trip, "confirm_instruments")
    CORE.log(trip, user, "instruments_confirm", key, instruments=[e.asset_no for e in items])
    return items


def choose(uow, trip: SamplingTrip, user: User, numbers: list[int], key: str | None = None) -> list[Equipment]:
    """The numbers of the instruments that sampled the current point (asked when there is more than one)."""
    CORE.expect(trip, {Step.POINT_INSTRUMENTS: True})
    items = listed(trip)
    if not numbers or any(not 1 <= n <= len(items) for n in numbers):
        raise TripProblem("instrument_choice", count=len(items))
    chosen = [items[n - 1] for n in dict.fromkeys(numbers)]
    _record(trip, chosen)
    CORE.fire(trip, "choose_instruments")
    CORE.log(trip, user, "point_instruments", key, point=trip.current_point.name,
             instruments=[e.asset_no for e in chosen])
    return chosen


def record_the_only_one(trip: SamplingTrip, user: User, key: str | None = None) -> None:
    """A trip with one instrument records it at each point without asking."""
    items = listed(trip)
    if len(items) != 1 or trip.instruments_at(trip.current_point.id) == items:
        return
    _record(trip, items)
    CORE.log(trip, user, "point_instruments", key, point=trip.current_point.name,
             instruments=[items[0].asset_no], only=True)


def _record(trip: SamplingTrip, chosen: list[Equipment]) -> None:
    """The point's instruments become `chosen` (a second answer for the point supersedes the first). A row chosen
    again is kept: removing and adding it in one flush would insert the new row before deleting the old one."""
    point, wanted = trip.current_point, {e.id for e in chosen}
    kept = [p for p in trip.point_instruments if p.point_id != point.id or p.equipment_id in wanted]
    recorded = {p.equipment_id for p in kept if p.point_id == point.id}
    trip.point_instruments = kept + [PointInstrument(point_id=point.id, equipment=e) for e in chosen
                                     if e.id not in recorded]


# --- the checks -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Booking:
    """Another trip that confirmed the instrument for an overlapping time on site."""

    equipment: Equipment
    trip: SamplingTrip
    window: tuple[datetime, datetime]


def check_usable(db: Session, trip: SamplingTrip, items: list[Equipment]) -> None:
    """Refuse an instrument out of the agency's filing, out of calibration today, or at another site now."""
    validity = filings.equipment_validity(db, trip.visit.task.agency_id)
    today = clock.today()
    for item in items:
        if item not in validity:
            raise TripProblem("instrument_not_filed", name=item.name, asset_no=item.asset_no)
        until = validity[item]
        if until is None or until < today:
            raise TripProblem("instrument_expired", name=item.name, asset_no=item.asset_no,
                              until=until or "（未登记）")
    # an instrument's confirmations are checked one after the other: two trips confirming it at the same moment
    # would each find the other's not yet recorded
    db.execute(select(Equipment.id).where(Equipment.id.in_([e.id for e in items])).order_by(Equipment.id)
               .with_for_update())
    clash = booked_elsewhere(db, trip, items)
    if clash is not None:
        other = clash.trip
        raise TripProblem("instrument_double_booked", name=clash.equipment.name, asset_no=clash.equipment.asset_no,
                          trip=other.id, task=other.visit.task.code, polluter=other.visit.task.polluter.name,
                          window=f"{clock.fmt(clash.window[0])}–{clock.local(clash.window[1]):%H:%M}")


def booked_elsewhere(db: Session, trip: SamplingTrip, items: list[Equipment]) -> Booking | None:
    """The first other trip (not cancelled) that confirmed one of `items` for a time on site overlapping this
    trip's: from arrival to departure, or to the end of the day while not yet left (facts.time_on_site)."""
    mine = _present(trip)
    if mine is None or not items:
        return None
    day = clock.local(mine[0]).date()
    rows = db.execute(
        select(TripInstrument.equipment_id, SamplingTrip)
        .join(SamplingTrip, SamplingTrip.id == TripInstrument.trip_id)
        .join(Visit, Visit.id == SamplingTrip.visit_id)
        .where(TripInstrument.equipment_id.in_([e.id for e in items]), TripInstrument.trip_id != trip.id,
               TripInstrument.confirmed_at.is_not(None), SamplingTrip.state != Step.CANCELLED,
               Visit.day >= day - timedelta(days=1), Visit.day <= day + timedelta(days=1))
        .order_by(SamplingTrip.id))
    by_id = {e.id: e for e in items}
    for equipment_id, other in rows:
        theirs = _present(other)
        if theirs is not None and theirs[0] < mine[1] and mine[0] < theirs[1]:
            return Booking(by_id[equipment_id], other, theirs)
    return None


def _present(trip: SamplingTrip) -> tuple[datetime, datetime] | None:
    arrival = trip.latest_check_in(CheckInKind.ARRIVAL)
    if arrival is None:
        return None
    departure = trip.latest_check_in(CheckInKind.DEPARTURE)
    return time_on_site(arrival.at, departure.at if departure else None)


def _filed(db: Session, trip: SamplingTrip, asset_no: str) -> Equipment:
    """The agency's instrument with this asset number, as filed."""
    asset_no = asset_no.strip()
    agency_id = trip.visit.task.agency_id
    found = list(db.scalars(select(Equipment).where(Equipment.asset_no == asset_no, Equipment.active)
                            .order_by(Equipment.id)))
    ours = [e for e in found if e.agency_id == agency_id]
    if not ours:
        raise TripProblem("instrument_not_ours" if found else "instrument_unknown", asset_no=asset_no)
    return ours[0]


def _listed_row(trip: SamplingTrip, which: str) -> TripInstrument:
    which = which.strip()
    rows = trip.instruments
    if which.isdigit() and 1 <= int(which) <= len(rows):
        return rows[int(which) - 1]
    for row in rows:
        if row.equipment.asset_no == which:
            return row
    raise TripProblem("instrument_not_listed", which=which, count=len(rows))
