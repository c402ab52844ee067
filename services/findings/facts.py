"""A plain view of one trip's or O&M visit's facts, what the rules read (no database, no ORM objects).

Sampling trips and O&M visits are read into the same shape, so every rule is written once for both.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CheckIn, CheckInKind, ConfirmationStatus, Finding, OmVisit, Photo, PhotoStatus, SamplingTrip, clock
from services.filing import filings
from states import om_visit as om_states
from states import trip as trip_states
from states.findings import OM, TRIP


@dataclass(frozen=True)
class Subject:
    kind: str  # "trip" | "om"
    id: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, key: str) -> Subject:
        kind, _, ident = key.partition(":")
        return cls(kind, int(ident))

    @classmethod
    def of(cls, trip_id: int | None, om_visit_id: int | None) -> Subject:
        """The subject of a row that names either a trip or an O&M visit (a photo, a check-in, a finding)."""
        return cls("trip", trip_id) if trip_id else cls("om", om_visit_id)

    def findings(self):
        """The query of this subject's findings."""
        column = Finding.trip_id if self.kind == "trip" else Finding.om_visit_id
        return select(Finding).where(column == self.id)


@dataclass(frozen=True)
class Stop:
    """A check-in."""

    id: int
    kind: str  # arrival | departure | presence
    at: datetime
    user_id: int
    lat: float
    lng: float
    distance_m: float


@dataclass(frozen=True)
class PointStop:
    """Where a point was sampled (the latest location sent for it) and how far from its reference."""

    id: int
    point_id: int
    point_name: str
    lat: float
    lng: float
    reference: str  # point | site
    reference_lat: float
    reference_lng: float
    distance_m: float
    allowed_m: float


@dataclass(frozen=True)
class InstrumentFact:
    """An instrument confirmed on a trip (仪器), with the calibration validity the agency's filing gives it
    (None: not in the filing in force, or no date on record)."""

    equipment_id: int
    name: str
    asset_no: str
    valid_until: date | None


@dataclass(frozen=True)
class PhotoFact:
    id: int
    sha256: str | None
    received_at: datetime
    exif_time: datetime | None
    exif_lat: float | None
    exif_lng: float | None
    point_id: int | None = None
    purpose: str = ""


@dataclass(frozen=True)
class SampleFact:
    id: int
    code: str
    sampled_at: datetime | None


@dataclass(frozen=True)
class ConfirmationFact:
    id: int
    status: str
    decided_at: datetime | None
    after_departure: bool
    signature_hash: str | None = None  # O&M: the strokes' hash of the polluter's signature


@dataclass(frozen=True)
class PlannedSheet:
    item_id: int
    form: str
    point_id: int
    instrument_id: int | None


@dataclass(frozen=True)
class DoneSheet:
    form: str
    point_id: int | None
    instrument_id: int | None


@dataclass
class Facts:
    subject: Subject
    polluter_id: int
    site: str  # the polluter's name, for evidence
    site_lat: float
    site_lng: float
    fence_m: float
    scheduled: tuple[datetime, datetime] | None  # the window of the day the work was planned for
    check_ins: list[Stop] = field(default_factory=list)
    photos: list[PhotoFact] = field(default_factory=list)
    samples: list[SampleFact] = field(default_factory=list)
    point_stops: list[PointStop] = field(default_factory=list)
    instruments: list[InstrumentFact] = field(default_factory=list)
    work: list[str] = field(default_factory=list)  # trip: kinds of the planned points; O&M: confirmed sheets
    crew: set[int] = field(default_factory=set)
    named: dict[int, str] = field(default_factory=dict)  # the people named on the work → their names
    presence: list[Stop] = field(default_factory=list)  # the crew's presence check-ins (到场确认)
    submitted: bool = False
    needs_confirmation: bool = True
    confirmation: ConfirmationFact | None = None
    planned_sheets: list[PlannedSheet] = field(default_factory=list)
    done_sheets: list[DoneSheet] = field(default_factory=list)

    def latest(self, kind: str) -> Stop | None:
        matching = [c for c in self.check_ins if c.kind == kind]
        return matching[-1] if matching else None

    @property
    def arrival(self) -> Stop | None:
        return self.latest(CheckInKind.ARRIVAL)

    @property
    def departure(self) -> Stop | None:
        return self.latest(CheckInKind.DEPARTURE)

    @property
    def on_site(self) -> tuple[datetime, datetime] | None:
        """Arrival to departure check-in, once both exist."""
        arrival, departure = self.arrival, self.departure
        return (arrival.at, departure.at) if arrival and departure else None

    @property
    def present(self) -> tuple[datetime, datetime] | None:
        """On site as far as known: from arrival, to departure or, not yet left, the end of that day."""
        arrival, departure = self.arrival, self.departure
        return time_on_site(arrival.at, departure.at if departure else None) if arrival else None


def time_on_site(arrival: datetime, departure: datetime | None) -> tuple[datetime, datetime]:
    """Arrival to departure check-in; a crew that has not left yet counts as there until the end of its arrival's
    day (China time): nobody samples a site overnight, and a trip left unfinished must not hold its people or
    instruments for ever."""
    if departure is None:
        departure = clock.at_local(clock.local(arrival).date() + timedelta(days=1), time(0, 0))
    return arrival, departure


def load(db: Session, subject: Subject) -> Facts | None:
    return (trip_facts if subject.kind == TRIP else om_facts)(db, subject.id)


def trip_facts(db: Session, trip_id: int) -> Facts | None:
    trip = db.get(SamplingTrip, trip_id)
    if trip is None or trip.state == trip_states.Step.CANCELLED:
        return None
    visit, task = trip.visit, trip.visit.task
    facts = _base(Subject(TRIP, trip.id), task.polluter, _window(visit.day, visit.starts, visit.ends))
    facts.check_ins, facts.presence = _stops(db, CheckIn.trip_id == trip.id)
    facts.photos = _photos(db, Photo.trip_id == trip.id)
    facts.samples = [SampleFact(s.id, s.code, s.sampled_at) for s in trip.samples]
    latest = {p.point_id: p for p in trip.point_locations}  # ordered by id: a resend supersedes
    facts.point_stops = [PointStop(p.id, p.point_id, p.point.name, p.latitude, p.longitude, str(p.reference),
                                   p.reference_latitude, p.reference_longitude, p.distance_m, p.allowed_m)
                         for p in latest.values()]
    facts.instruments = _instruments(db, trip)
    facts.work = [str(point.kind) for point in trip.points]
    facts.named = {u.id: u.display_name for u in visit.samplers}
    facts.crew = set(facts.named) | {c.user_id for c in facts.check_ins + facts.presence}
    facts.submitted = trip.state in (trip_states.Step.AWAITING_CONFIRMATION, trip_states.Step.REJECTED,
                                     trip_states.Step.COMPLETED)
    facts.needs_confirmation = not trip.is_self_monitoring()
    if trip.confirmations:
        last = trip.confirmations[-1]
        facts.confirmation = ConfirmationFact(last.id, str(last.status), last.decided_at, last.after_departure)
    return facts


def om_facts(db: Session, visit_id: int) -> Facts | None:
    visit = db.get(OmVisit, visit_id)
    if visit is None or visit.state == om_states.Step.CANCELLED:
        return None
    facts = _base(Subject(OM, visit.id), visit.plan.polluter, _window(visit.due_on, time(0, 0), None))
    facts.check_ins, facts.presence = _stops(db, CheckIn.om_visit_id == visit.id)
    facts.photos = _photos(db, Photo.om_visit_id == visit.id)
    confirmed = visit.confirmed_sheets()
    facts.work = [s.form for s in confirmed]
    facts.done_sheets = [DoneSheet(s.form, s.point_id, s.instrument_id) for s in confirmed]
    facts.planned_sheets = [PlannedSheet(i.id, i.sheet, i.point_id, i.instrument_id) for i in visit.planned_items()]
    facts.named = {u.id: u.display_name for u in visit.plan.crew}  # a visit names no crew of its own
    facts.crew = {c.user_id for c in facts.check_ins + facts.presence} | (
        {visit.started_by_id} if visit.started_by_id else set())
    facts.submitted = visit.state in (om_states.Step.AWAITING_CONFIRMATION, om_states.Step.CONFIRMED,
                                      om_states.Step.REJECTED)
    facts.needs_confirmation = True
    if visit.confirmations:
        last = visit.confirmations[-1]
        facts.confirmation = ConfirmationFact(last.id, last.status, last.decided_at, False, last.signature_hash)
    return facts


def _base(subject: Subject, polluter, scheduled) -> Facts:
    return Facts(subject=subject, polluter_id=polluter.id, site=polluter.name, site_lat=polluter.latitude,
                 site_lng=polluter.longitude, fence_m=float(polluter.fence_radius_m), scheduled=scheduled)


def _window(day: date, starts: time, ends: time | None) -> tuple[datetime, datetime]:
    """Local start and end of the scheduled window; no end: to the end of the day."""
    end = clock.at_local(day, ends) if ends else clock.at_local(date.fromordinal(day.toordinal() + 1), time(0, 0))
    return clock.at_local(day, starts), end


def _instruments(db: Session, trip: SamplingTrip) -> list[InstrumentFact]:
    confirmed = [i.equipment for i in trip.instruments if i.confirmed_at is not None]
    if not confirmed:
        return []
    validity = {e.id: until for e, until in filings.equipment_validity(db, trip.visit.task.agency_id).items()}
    return [InstrumentFact(e.id, e.name, e.asset_no, validity.get(e.id)) for e in confirmed]


def _stops(db: Session, where) -> tuple[list[Stop], list[Stop]]:
    """The arrival and departure check-ins, and apart from them the crew's presence check-ins."""
    rows = db.scalars(select(CheckIn).where(where).order_by(CheckIn.id))
    stops = [Stop(c.id, str(c.kind), c.at, c.user_id, c.latitude, c.longitude, c.distance_m) for c in rows]
    return [s for s in stops if s.kind != CheckInKind.PRESENCE], [s for s in stops if s.kind == CheckInKind.PRESENCE]


def _photos(db: Session, where) -> list[PhotoFact]:
    rows = db.scalars(select(Photo).where(where, Photo.status == PhotoStatus.READY).order_by(Photo.id))
    return [PhotoFact(p.id, p.sha256, p.received_at, p.exif_time, p.exif_latitude, p.exif_longitude, p.point_id,
                      str(p.purpose)) for p in rows]


CONFIRMED = str(ConfirmationStatus.CONFIRMED)
