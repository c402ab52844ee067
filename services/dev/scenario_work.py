"""What happened on a scenario's visit, written as rows (services/dev/scenario_work_file.py reads it): the trip or the
O&M visit's start, check-ins, photos (processed and indexed as a received photo is), samples, confirmed sheets
and the polluter's decision with its signature. Recorded once: a visit whose work exists is left as it is, so
loading a scenario again changes nothing. The caller rescans the findings of what was built.
"""
from __future__ import annotations

import hashlib
import math
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from models import (
    CheckInKind,
    Confirmation,
    ConfirmationStatus,
    Equipment,
    Instrument,
    MonitoringPoint,
    OmConfirmation,
    OmSheet,
    OmVisit,
    Photo,
    PointInstrument,
    Polluter,
    Sample,
    SamplingTrip,
    TripInstrument,
    User,
    Visit,
    clock,
)
from services.adapters import media, signatures
from services.adapters.field_pictures import COPIES, SCENES, camera_exif, encode, scaled_signature, signature
from services.dev.scenario_work_file import DecisionSpec, InstrumentSpec, PhotoSpec, StopSpec
from services.field import checkins
from services.filing import filings
from services.findings.facts import Subject
from services.om import om_confirmations
from services.sampling import confirmations
from states import forms
from states import om_visit as om_states
from states import trip as trip_states
from states.om_sheets import SHEETS, prefilled

METRES_PER_DEGREE = 111_320.0


def _stops(work) -> list[tuple[CheckInKind, StopSpec]]:
    """The work's arrival and departure check-ins that happened, then the other crew members' presence check-ins."""
    done = [(CheckInKind.ARRIVAL, work.arrival), (CheckInKind.DEPARTURE, work.departure)]
    return [(kind, stop) for kind, stop in done if stop is not None] + [(CheckInKind.PRESENCE, stop)
                                                                         for stop in work.presence]


def at(day: date, moment: time) -> datetime:
    return clock.at_local(day, moment)


def place(stop: StopSpec, origin: tuple[float, float]) -> tuple[float, float]:
    """The stop's own coordinates, or its offset (metres north, east) from `origin`."""
    if stop.lat is not None and stop.lng is not None:
        return stop.lat, stop.lng
    (north, east), (lat, lng) = stop.offset_m, origin
    return lat + north / METRES_PER_DEGREE, lng + east / (METRES_PER_DEGREE * math.cos(math.radians(lat)))


class Builder:
    """The work of one load: the scenario's visits by key (photos and signatures may repeat another visit's)."""

    def __init__(self, uow, visits: dict, people: dict[str, User]):
        self.uow, self.db, self.visits, self.people = uow, uow.session, visits, people

    # --- sampling trips ---

    def trip(self, spec, visit: Visit) -> Subject | None:
        if self.db.scalar(select(SamplingTrip.id).where(SamplingTrip.visit_id == visit.id)) is not None:
            return None  # recorded by an earlier load
        work, polluter = spec.work, visit.task.polluter
        by = self.people[work.by or spec.crew[0]]
        trip = SamplingTrip(visit=visit, started_by=by, state=trip_states.Step.NEW)
        self.db.add(trip)
        self.db.flush()
        for kind, stop in _stops(work):
            trip.check_ins.append(self._check_in(kind, stop, spec.day, by, trip.points, polluter))
        self._point_locations(spec, trip, by)
        self._instruments(spec, trip)
        self._samples(spec, trip)
        self._photos(spec, by, trip_id=trip.id)
        trip.state = self._trip_state(spec, trip)
        if work.submitted:
            trip.submitted_at = at(spec.day, work.departure.at) if work.departure else None
        return Subject("trip", trip.id)

    def _point_locations(self, spec, trip: SamplingTrip, by: User) -> None:
        points = {p.code: p for p in trip.visit.task.polluter.points}
        for location in spec.work.locations:
            point, stop = points[location.point], location.stop
            registered = point.latitude is not None and point.longitude is not None
            lat, lng = place(stop, (point.latitude, point.longitude) if registered else (point.polluter.latitude,
                                                                                       point.polluter.longitude))
            row = checkins.new_point_location(self.people.get(stop.by) or by, point, lat, lng)
            row.at = at(spec.day, stop.at)
            trip.point_locations.append(row)

    def _instruments(self, spec, trip: SamplingTrip) -> None:
        """The instruments confirmed at arrival, and the points each sampled."""
        confirmed = at(spec.day, spec.work.arrival.at if spec.work.arrival else spec.start)
        points = {p.code: p for p in trip.visit.task.polluter.points}
        for item in spec.work.instruments:
            equipment = self._filed_equipment(trip.visit.task.agency, item)
            trip.instruments.append(TripInstrument(equipment=equipment, added_at=confirmed, confirmed_at=confirmed))
            trip.point_instruments += [PointInstrument(point_id=points[code].id, equipment=equipment,
                                                       recorded_at=confirmed) for code in item.points]

    def _filed_equipment(self, agency, item: InstrumentSpec) -> Equipment:
        """The agency's instrument of the asset number, made on first use and entered into its filing in force
        with the scenario's calibration validity (a scenario's agency is filed when it is made)."""
        row = self.db.scalar(select(Equipment).where(Equipment.agency_id == agency.id,
                                                     Equipment.asset_no == item.asset_no))
        if row is None:
            row = Equipment(agency=agency, name=item.name, model=item.model, asset_no=item.asset_no)
            self.db.add(row)
        row.calibration_valid_until = item.valid_until
        self.db.flush()
        filing = filings.filed_resources(self.db, agency.id)
        entry = {"id": row.id, "name": row.name, "model": row.model, "asset_no": row.asset_no,
                 "calibration_valid_until": item.valid_until.isoformat()}
        others = [e for e in filing.snapshot.get("equipment", []) if e["id"] != row.id]
        filing.snapshot = {**filing.snapshot, "equipment": [*others, entry]}
        return row

    def _samples(self, spec, trip: SamplingTrip) -> None:
        points = {p.code: p for p in trip.visit.task.polluter.points}
        digest = hashlib.sha256(spec.key.encode()).hexdigest()[:12].upper()
        for n, sample in enumerate(spec.work.samples):
            point = points[sample.point]
            for m, factor in enumerate([sample.factor] if sample.factor else [f.name for f in point.factors]):
                trip.samples.append(Sample(code=f"SC{digest}-{n:02d}{m:02d}", point=point, factor=factor,
                                           sampled_at=at(spec.day, sample.at)))

    def _trip_state(self, spec, trip: SamplingTrip) -> str:
        work, Step = spec.work, trip_states.Step
        if not work.submitted:
            return Step.REVIEW if work.departure else Step.SAMPLE_PHOTO if work.arrival else Step.NEW
        if trip.is_self_monitoring():
            return Step.COMPLETED
        decision = work.confirmation
        confirmation = Confirmation(status=ConfirmationStatus.PENDING)
        trip.confirmations.append(confirmation)
        if decision is None:
            return Step.AWAITING_CONFIRMATION
        decided = at(spec.day, decision.at)
        confirmation.status, confirmation.decided_by, confirmation.decided_at = \
            ConfirmationStatus.CONFIRMED, self.people[decision.by], decided
        confirmation.after_departure = confirmations.after_departure(trip, decided)
        return Step.COMPLETED

    # --- O&M visits ---

    def om_visit(self, spec, visit: OmVisit, instrument_of) -> Subject | None:
        if visit.started_at is not None:
            return None  # recorded by an earlier load
        work, polluter = spec.work, visit.plan.polluter
        by = self.people[work.by or spec.crew[0]]
        first = work.arrival.at if work.arrival else min((s.at for s in work.sheets), default=spec.start)
        visit.started_by, visit.started_at = by, at(spec.day, first)
        for kind, stop in _stops(work):
            check_in = self._check_in(kind, stop, spec.day, by, visit.points(), polluter)
            check_in.om_visit_id = visit.id
            self.db.add(check_in)
        points = {p.code: p for p in polluter.points}
        sheets = [self._sheet(sheet, spec.day, visit, by, instrument_of(points[sheet.point]))
                  for sheet in work.sheets]
        self.db.flush()
        self._photos(spec, by, om_visit_id=visit.id, sheets=sheets)
        visit.state = self._om_state(spec, visit)
        return Subject("om", visit.id)

    def _sheet(self, spec, day: date, visit: OmVisit, by: User, instrument: Instrument) -> OmSheet:
        seed = f"{visit.ref}:{spec.form}:{spec.point}:{spec.at}"
        answers = sheet_answers(spec.form, instrument, {**drawn_readings(spec.form, seed), **spec.answers}, day)
        sheet = OmSheet(visit=visit, form=spec.form, point_id=instrument.point_id, instrument=instrument,
                        answers=answers, filled_by=by, updated_at=at(day, spec.at), confirmed_at=at(day, spec.at))
        self.db.add(sheet)
        return sheet

    def _om_state(self, spec, visit: OmVisit) -> str:
        work, Step = spec.work, om_states.Step
        if not work.submitted:
            return Step.REVIEW if work.departure else Step.CHOOSE_SHEET
        visit.submitted_at = at(spec.day, work.departure.at) if work.departure else clock.now()
        confirmation = OmConfirmation(visit=visit, status="pending")
        self.db.add(confirmation)
        if work.confirmation is None:
            return Step.AWAITING_CONFIRMATION
        self._signed(spec, visit, confirmation, work.confirmation)
        return Step.CONFIRMED

    def _signed(self, spec, visit: OmVisit, confirmation: OmConfirmation, decision: DecisionSpec) -> None:
        self.db.flush()
        decided, signer = at(spec.day, decision.at), self.people[decision.by]
        image = self.drawing(spec)
        path = f"om/{visit.id}/signature_{confirmation.id}_{signer.id}_scenario.png"
        confirmation.status, confirmation.decided_by, confirmation.decided_at = "confirmed", signer, decided
        confirmation.signature_path = signatures.store(self.uow.config.media_root, path, image)
        confirmation.signature_hash = signatures.stroke_hash(image)
        confirmation.late = om_confirmations.is_late(self.db, visit, decided)

    def drawing(self, spec):
        """The visit's signature: drawn by its hand, or another visit's drawing again (scaled)."""
        chosen = spec.work.confirmation.signature
        if chosen.same_as is None:
            return signature(self.people[spec.work.confirmation.by].display_name, chosen.hand)
        image = self.drawing(self.visits[chosen.same_as])
        return scaled_signature(image, chosen.scale) if chosen.scale != 1 else image

    # --- shared ---

    def _check_in(self, kind, stop: StopSpec, day: date, by: User, points, polluter: Polluter):
        lat, lng = place(stop, (polluter.latitude, polluter.longitude))
        check_in = checkins.new_check_in(kind, self.people.get(stop.by) or by, lat, lng, points, polluter)
        check_in.at = at(day, stop.at)
        return check_in

    def _photos(self, spec, by: User, trip_id: int | None = None, om_visit_id: int | None = None,
                sheets: list[OmSheet] = ()) -> None:
        points = self._points(spec)
        for n, shot in enumerate(spec.work.photos):
            sheet = sheets[shot.sheet] if shot.sheet is not None else None
            point = points[shot.point].id if shot.point else sheet.point_id if sheet else None
            photo = Photo(trip_id=trip_id, om_visit_id=om_visit_id, om_sheet_id=sheet.id if sheet else None,
                          purpose=shot.purpose, point_id=point, sent_by=by, received_at=at(spec.day, shot.at),
                          media_id=f"scenario-{spec.key}-{n}", live=True)
            self.db.add(photo)
            self.db.flush()
            media.store(self.uow, photo, self.photo_bytes(spec, n))

    def _points(self, spec) -> dict[str, MonitoringPoint]:
        polluter = self.db.scalar(select(Polluter).where(Polluter.ref == spec.polluter))
        return {p.code: p for p in polluter.points}

    def photo_bytes(self, spec, index: int) -> bytes:
        """What the phone sent: a scene drawn from its seed with the camera's EXIF, or another photo again - the
        same bytes, or through a copy's transformation."""
        shot: PhotoSpec = spec.work.photos[index]
        if shot.same_as is not None:
            key, other = shot.same_as
            source = self.visits[key] if key else spec
            if shot.copy is None:
                return self.photo_bytes(source, other)
            return COPIES[shot.copy](self._scene(source, other))
        exif = None
        if shot.exif is not None:
            taken = datetime.combine(shot.exif.day or spec.day, shot.exif.at) if shot.exif.at else None
            where = (shot.exif.lat, shot.exif.lng) if shot.exif.lat is not None else None
            exif = camera_exif(taken, where)
        return encode(self._scene(spec, index), exif=exif)

    @staticmethod
    def _scene(spec, index: int):
        shot = spec.work.photos[index]
        seed = shot.seed if shot.seed is not None else int(hashlib.sha256(f"{spec.key}:{index}".encode())
                                                           .hexdigest()[:8], 16)
        return SCENES[shot.scene](seed)


def drawn_readings(form: str, seed: str) -> dict:
    """A calibration's readings when the scenario gives none: what an analyser shows around a 400 standard, drawn
    from the sheet's own seed, so that two sheets never share them by default (rule copied_readings)."""
    if form != "calibration":
        return {}
    rng = random.Random(seed)
    return {"zero_gas": 0, "span_gas": 400, "standard_concentration": 400,
            "zero_last_after": round(rng.uniform(-0.5, 0.5), 1), "zero_before": round(rng.uniform(-3, 3), 1),
            "zero_after": round(rng.uniform(-0.5, 0.5), 1), "span_last_after": round(rng.uniform(397, 403), 1),
            "span_before": round(rng.uniform(390, 410), 1), "span_after": round(rng.uniform(398, 402), 1)}


def sheet_answers(form_name: str, instrument: Instrument, given: dict, day: date | None = None) -> dict:
    """Every applicable field of the sheet answered: the register's values, then `given`, then a plausible
    value of the field's kind (dates half a year after `day`)."""
    form = SHEETS[form_name]
    tags = frozenset({str(instrument.point.kind)})
    answers = {**prefilled(form, instrument), **given}
    for f in form.applicable(tags):
        if f.name in answers:
            continue
        if f.kind == forms.Kind.CHOICE:
            answers[f.name] = f.choices[0]
        elif f.kind == forms.Kind.NUMBER:
            answers[f.name] = max(f.min or 0, min(f.max if f.max is not None else 10, 10))
        elif f.kind == forms.Kind.DATE:
            answers[f.name] = ((day or clock.today()) + timedelta(days=180)).isoformat()
        elif f.kind == forms.Kind.TIME:
            answers[f.name] = "09:30"
        else:
            answers[f.name] = "正常" if f.required else None
    return answers
