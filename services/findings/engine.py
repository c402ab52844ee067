"""Scanning trips and O&M visits for findings, and storing them idempotently.

A scan applies the catalogue's active rules to one subject and reconciles the stored rows with the hits:
a new (code, instance) is added; a known one keeps its first-seen time and decision (an open one takes the
latest evidence); an open one whose condition no longer holds — a correction, a confirmation that came — is
deleted, since nobody has looked at it yet and the subject's event log keeps what changed. Confirmed and
cleared findings stay as decided, whatever a rescan finds.

A finding raised or withdrawn is written to the subject's findings log (services/findings/log.py), so it joins
the hash-chained record (models/audit.py). Linking an entry locks the subject's row on PostgreSQL: a rescan
that writes to several subjects writes them in one order (by key), so two rescans never wait crosswise.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import (
    CheckIn,
    Finding,
    FindingStatus,
    OmConfirmation,
    OmPlan,
    OmSheet,
    OmVisit,
    Photo,
    SamplingTrip,
    TripInstrument,
    Visit,
    clock,
)
from models.tasks import visit_sampler
from services.adapters import neardup
from services.core.uow import transaction
from services.findings import log, readings, rules
from services.findings.facts import Facts, Subject, load
from states.findings import ACTIVE, BY_CODE

ACTIVE_CODES = {r.code for r in ACTIVE}
NEIGHBOUR_DAYS = timedelta(days=1)  # how far around a visit the same crew's other work is looked at


@dataclass
class Judgement:
    """What the rules find on a subject now, beside what is stored, and the others its findings name."""

    subject: Subject
    hits: list[rules.Hit]
    existing: dict[tuple[str, str], Finding]
    related: set[Subject]


def judge(db: Session, subject: Subject, known: dict[Subject, Facts | None]) -> Judgement:
    """The subject's hits, read only. `known`: the facts already read in this pass (findings are all a pass
    writes, so the facts of the trips and visits compared stay true through it: a day's rescan reads each
    neighbour once, not once per trip)."""
    existing = {(f.code, f.instance): f for f in db.scalars(subject.findings())}
    related = {subject for f in existing.values() for subject in _named(f.evidence)}
    facts = _facts(db, subject, known)
    hits: list[rules.Hit] = []
    if facts is not None:
        across = rules.Across(others=neighbours(db, facts, known), copies=same_bytes(db, facts),
                              near=near_duplicates(db, facts), readings=same_readings(db, facts),
                              signatures=earlier_signatures(db, facts),
                              sharing=sharing_instruments(db, facts, known))
        related |= across.subjects()
        hits = evaluate(facts, across)
    return Judgement(subject, hits, existing, related - {subject})


def scan(db: Session, subject: Subject, known: dict[Subject, Facts | None] | None = None) -> set[Subject]:
    """Bring the subject's findings up to date; returns the other subjects whose findings may change with it."""
    judged = judge(db, subject, {} if known is None else known)
    _store(db, judged)
    return judged.related


def _facts(db: Session, subject: Subject, known: dict[Subject, Facts | None]) -> Facts | None:
    if subject not in known:
        known[subject] = load(db, subject)
    return known[subject]


def _named(evidence: dict) -> list[Subject]:
    """The other trips or visits a finding's evidence names (their findings name this one back)."""
    keys = [evidence["other"]] if "other" in evidence else [o["subject"] for o in evidence.get("others", [])]
    return [Subject.parse(key) for key in keys]


def evaluate(facts: Facts, across: rules.Across) -> list[rules.Hit]:
    """Every active rule that applies to the subject's kind."""
    hits = [hit for rule in rules.SINGLE for hit in rule(facts)]
    hits += rules.photo_reused(facts, across.copies) + rules.photo_near_duplicate(facts, across.near)
    hits += rules.copied_readings(facts, across.readings) + rules.signature_reused(facts, across.signatures)
    hits += rules.overlapping_visits(facts, across.others) + rules.impossible_travel(facts, across.others)
    hits += rules.instrument_double_booked(facts, across.sharing)
    return [h for h in hits if h.code in ACTIVE_CODES and facts.subject.kind in BY_CODE[h.code].subjects]


def rescan(db: Session, subject: Subject) -> None:
    """The subject and, once, the trips and visits it is compared with (their findings name it too): all judged
    first, then stored in key order."""
    known: dict[Subject, Facts | None] = {}
    first = judge(db, subject, known)
    judged = [first] + [judge(db, other, known) for other in first.related]
    for one in sorted(judged, key=lambda j: j.subject.key):
        _store(db, one)


@transaction
def rescan_since(db: Session, day: date | None = None) -> int:
    """Every trip and O&M visit of `day` onwards (all when None); returns how many were scanned."""
    trips = select(SamplingTrip.id).join(Visit, Visit.id == SamplingTrip.visit_id)
    visits = select(OmVisit.id).where(OmVisit.started_at.is_not(None))
    if day is not None:
        trips, visits = trips.where(Visit.day >= day), visits.where(OmVisit.due_on >= day)
    subjects = [Subject("trip", i) for i in db.scalars(trips)] + [Subject("om", i) for i in db.scalars(visits)]
    known: dict[Subject, Facts | None] = {}
    for subject in sorted(subjects, key=lambda s: s.key):
        scan(db, subject, known)
    return len(subjects)


def rescan_job(runtime, key: str, last_attempt: bool = True) -> None:
    """Queued after a commit that changed what a rule reads (services/findings/hooks.py)."""
    from services.core.uow import UnitOfWork

    with UnitOfWork(runtime) as uow:
        rescan(uow.session, Subject.parse(key))
        uow.commit()


# --- the lookups across trips and visits ---------------------------------------------------------------------

def neighbours(db: Session, facts: Facts, known: dict[Subject, Facts | None]) -> list[Facts]:
    """The same people's other trips and O&M visits around this one's time on site."""
    if not facts.crew or facts.arrival is None:
        return []
    start = facts.arrival.at - NEIGHBOUR_DAYS
    end = (facts.departure or facts.arrival).at + NEIGHBOUR_DAYS
    found = set()
    for trip_id, visit_id in db.execute(select(CheckIn.trip_id, CheckIn.om_visit_id).where(
            CheckIn.user_id.in_(facts.crew), CheckIn.at >= start, CheckIn.at <= end)):
        found.add(Subject.of(trip_id, visit_id))
    named = (select(SamplingTrip.id).join(Visit, Visit.id == SamplingTrip.visit_id)
             .join(visit_sampler, visit_sampler.c.visit_id == Visit.id)
             .where(visit_sampler.c.user_id.in_(facts.crew), Visit.day >= clock.local(start).date(),
                    Visit.day <= clock.local(end).date()))
    found |= {Subject("trip", i) for i in db.scalars(named)}
    found.discard(facts.subject)
    loaded = (_facts(db, s, known) for s in sorted(found, key=lambda s: s.key))
    return [f for f in loaded if f is not None]


def sharing_instruments(db: Session, facts: Facts, known: dict[Subject, Facts | None]) -> list[Facts]:
    """Other trips around this one's time on site that confirmed one of its instruments."""
    present = facts.present
    if not facts.instruments or present is None:
        return []
    first, last = clock.local(present[0]).date() - NEIGHBOUR_DAYS, clock.local(present[1]).date() + NEIGHBOUR_DAYS
    query = (select(TripInstrument.trip_id).join(SamplingTrip, SamplingTrip.id == TripInstrument.trip_id)
             .join(Visit, Visit.id == SamplingTrip.visit_id)
             .where(TripInstrument.equipment_id.in_([i.equipment_id for i in facts.instruments]),
                    TripInstrument.confirmed_at.is_not(None), TripInstrument.trip_id != facts.subject.id,
                    Visit.day >= first, Visit.day <= last)
             .distinct())
    loaded = (_facts(db, Subject("trip", i), known) for i in sorted(db.scalars(query)))
    return [f for f in loaded if f is not None]


def same_bytes(db: Session, facts: Facts) -> dict[int, list[tuple[int, Subject]]]:
    """This subject's photo id → the photos of other trips or visits with the same SHA-256."""
    hashes = {p.sha256: p.id for p in facts.photos if p.sha256}
    if not hashes:
        return {}
    column = Photo.trip_id if facts.subject.kind == "trip" else Photo.om_visit_id
    query = select(Photo.id, Photo.sha256, Photo.trip_id, Photo.om_visit_id).where(
        Photo.sha256.in_(hashes), or_(Photo.trip_id.is_not(None), Photo.om_visit_id.is_not(None)),
        or_(column.is_(None), column != facts.subject.id))
    found: dict[int, list[tuple[int, Subject]]] = {}
    for photo_id, sha, trip_id, visit_id in db.execute(query):
        other = Subject.of(trip_id, visit_id)
        found.setdefault(hashes[sha], []).append((photo_id, other))
    return found


def near_duplicates(db: Session, facts: Facts) -> dict[int, list[rules.NearPhoto]]:
    """This subject's photo id → the perceptually same photos of field work (services/adapters/neardup.py's index).

    Left out: a task's receipt photos (not field work, as for photo_reused); the same bytes on another trip or
    visit (photo_reused says it already, more strongly); and within this subject, the earlier photo of a pair
    (the pair is reported once, on the photo that repeated the other)."""
    sha = {p.id: p.sha256 for p in facts.photos}
    found: dict[int, list[rules.NearPhoto]] = {}
    for photo in db.scalars(select(Photo).where(Photo.id.in_(sha), Photo.dct_hash.is_not(None))):
        for similar in neardup.similar_photos(db, photo):
            near = _near_photo(db, similar)
            if near is None or (near.subject != facts.subject and near.sha256 == photo.sha256) \
                    or (near.subject == facts.subject and near.photo > photo.id):
                continue
            found.setdefault(photo.id, []).append(near)
    return found


def _near_photo(db: Session, similar: neardup.SimilarPhoto) -> rules.NearPhoto | None:
    if similar.trip_id is None and similar.om_visit_id is None:
        return None  # a task's receipt photo
    subject = Subject.of(similar.trip_id, similar.om_visit_id)
    return rules.NearPhoto(similar.photo_id, subject, similar.distance, similar.point_id, similar.purpose,
                           db.scalar(select(Photo.sha256).where(Photo.id == similar.photo_id)))


def same_readings(db: Session, facts: Facts) -> list[rules.CopiedSheet]:
    """This O&M visit's confirmed sheets whose readings another visit's confirmed sheet carries too. Keeps each
    sheet's readings fingerprint up to date on the way (sheets confirmed or corrected since the last scan)."""
    if facts.subject.kind != "om":
        return []
    mine = db.scalars(select(OmSheet).where(OmSheet.visit_id == facts.subject.id)).all()
    for sheet in mine:
        key = readings.fingerprint(sheet.form, sheet.answers or {}) if sheet.confirmed_at else None
        if sheet.readings_key != key:
            sheet.readings_key = key
    keyed = {sheet.readings_key: sheet for sheet in mine if sheet.readings_key}
    if not keyed:
        return []
    db.flush()
    query = select(OmSheet.id, OmSheet.readings_key, OmSheet.visit_id).where(
        OmSheet.readings_key.in_(keyed), OmSheet.visit_id != facts.subject.id, OmSheet.confirmed_at.is_not(None))
    others: dict[str, list[tuple[int, Subject]]] = {}
    for sheet_id, key, visit_id in db.execute(query.order_by(OmSheet.id)):
        others.setdefault(key, []).append((sheet_id, Subject("om", visit_id)))
    copied = [(keyed[key], found) for key, found in others.items()]
    return [rules.CopiedSheet(sheet.id, sheet.form, readings.informative(sheet.form, sheet.answers), found)
            for sheet, found in sorted(copied, key=lambda pair: pair[0].id)]


def earlier_signatures(db: Session, facts: Facts) -> list[rules.SimilarSignature]:
    """The signatures of the same polluter's other O&M visits, signed before this visit's, within the threshold."""
    mine = facts.confirmation
    if facts.subject.kind != "om" or mine is None or not mine.signature_hash or mine.decided_at is None:
        return []
    limit = BY_CODE["signature_reused"].param("max_distance")
    query = (select(OmConfirmation.id, OmConfirmation.visit_id, OmConfirmation.decided_at,
                    OmConfirmation.signature_hash)
             .join(OmVisit, OmVisit.id == OmConfirmation.visit_id).join(OmPlan, OmPlan.id == OmVisit.plan_id)
             .where(OmPlan.polluter_id == facts.polluter_id, OmConfirmation.signature_hash.is_not(None),
                    OmConfirmation.visit_id != facts.subject.id, OmConfirmation.decided_at < mine.decided_at))
    found = [rules.SimilarSignature(ident, Subject("om", visit_id), decided_at, neardup.distance(mine.signature_hash,
                                                                                               other))
             for ident, visit_id, decided_at, other in db.execute(query.order_by(OmConfirmation.id))]
    return [s for s in found if s.distance <= limit]


# --- storing --------------------------------------------------------------------------------------------------

def _store(db: Session, judged: Judgement) -> None:
    now, subject, existing = clock.now(), judged.subject, dict(judged.existing)
    for hit in judged.hits:
        row = existing.pop((hit.code, hit.instance), None)
        if row is None:
            db.add(_new(subject, hit, now))
            log.write(db, subject, "raised", hit.code, hit.instance)
            continue
        row.last_seen_at = now
        if row.status == FindingStatus.OPEN and row.evidence != hit.evidence:
            row.evidence = hit.evidence
    for row in existing.values():
        if row.status == FindingStatus.OPEN:
            db.delete(row)  # withdrawn: its condition no longer holds and nobody had decided on it
            log.write(db, subject, "withdrawn", row.code, row.instance)
    db.flush()


def _new(subject: Subject, hit: rules.Hit, now: datetime) -> Finding:
    return Finding(trip_id=subject.id if subject.kind == "trip" else None,
                   om_visit_id=subject.id if subject.kind == "om" else None, code=hit.code, instance=hit.instance,
                   severity=BY_CODE[hit.code].severity, evidence=hit.evidence, first_seen_at=now, last_seen_at=now,
                   status=FindingStatus.OPEN)
