"""更正并重新提交: after the polluter rejected a trip, the agency corrects the record and asks again.

Nothing is overwritten silently: every corrected value goes into the trip's event log as old → new, with the
agency's note, and the resubmission opens a new round of confirmation (new links, new template messages);
the links of the rejected round stop working.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ConditionRecord, Equipment, OutboundMessage, SamplingTrip, TripInstrument, User, clock
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from services.notifying import rejections
from services.sampling import confirmations
from states.conditions import WORKING_CONDITIONS
from states.trip import bind, can

NOTE_MAX = 500


class CorrectionProblem(Refusal):
    """A correction or resubmission refused; `code` says why: not_rejected | note_needed | note_too_long |
    nothing_changed | future_time | unknown_instrument."""

    domain = "trip_correction"


@transaction
def correct(uow: UnitOfWork, trip: SamplingTrip, user: User, answers: dict, sample_times: dict[int, datetime],
            note: str, instruments: list[int] | None = None) -> list[dict]:
    """Change the operating conditions, the samples' times and (when given: equipment ids) the instruments taken to
    the site as given; returns the changes logged."""
    _must_be_rejected(trip)
    note = (note or "").strip()
    if not note:
        raise CorrectionProblem("note_needed")
    if len(note) > NOTE_MAX:
        raise CorrectionProblem("note_too_long", most=NOTE_MAX)
    if any(moment > clock.now() for moment in sample_times.values()):
        raise CorrectionProblem("future_time")
    changes = _correct_conditions(trip, answers) + _correct_sample_times(trip, sample_times)
    changes += _correct_instruments(uow.session, trip, user, instruments)
    if not changes:
        raise CorrectionProblem("nothing_changed")
    confirmations.log(trip, user, "correct", "trip_corrected", note=note, changes=changes)
    return changes


def _correct_conditions(trip: SamplingTrip, answers: dict) -> list[dict]:
    record = trip.conditions
    if record is None:
        record = trip.conditions = ConditionRecord(form=WORKING_CONDITIONS.name, answers={},
                                                   confirmed_at=clock.now())
    old = dict(record.answers)
    changes = [{"field": name, "label": WORKING_CONDITIONS.get(name).label, "old": old.get(name), "new": value}
               for name, value in answers.items() if old.get(name) != value]
    if changes:
        record.answers = {**old, **answers}
    return changes


def _correct_sample_times(trip: SamplingTrip, sample_times: dict[int, datetime]) -> list[dict]:
    changes = []
    for sample in trip.samples:
        moment = sample_times.get(sample.id)
        # the form shows minutes: an untouched time is not a change, even if seconds were recorded
        if moment is not None and _iso(moment) != _iso(sample.sampled_at):
            changes.append({"sample": sample.code, "old": _iso(sample.sampled_at), "new": _iso(moment)})
            sample.sampled_at = moment
    return changes


def instrument_choices(db: Session, trip: SamplingTrip) -> list[tuple[Equipment, bool]]:
    """The agency's instruments, each with whether the record names it as taken to the site."""
    confirmed = {i.equipment_id for i in trip.instruments if i.confirmed_at}
    rows = db.scalars(select(Equipment).where(Equipment.agency_id == trip.visit.task.agency_id, Equipment.active)
                      .order_by(Equipment.id))
    return [(e, e.id in confirmed) for e in rows]


def _correct_instruments(db: Session, trip: SamplingTrip, user: User, ids: list[int] | None) -> list[dict]:
    """The instruments the record names: any of the agency's. Unlike in chat, an instrument out of calibration or
    on another trip at the time is not refused here: the record then carries it as a finding (instrument_expired,
    instrument_double_booked) for the regulator to see."""
    if ids is None:
        return []
    wanted = set(ids)
    chosen = [e for e, _ in instrument_choices(db, trip) if e.id in wanted]
    if len(chosen) != len(wanted):
        raise CorrectionProblem("unknown_instrument")
    old = [i.equipment for i in trip.instruments if i.confirmed_at]
    if {e.id for e in old} == wanted:
        return []
    now = clock.now()
    trip.point_instruments = [p for p in trip.point_instruments if p.equipment_id in wanted]
    trip.instruments = [i for i in trip.instruments if i.equipment_id in wanted]
    kept = {i.equipment_id for i in trip.instruments}
    for row in trip.instruments:
        row.confirmed_at = row.confirmed_at or now
    trip.instruments += [TripInstrument(equipment=e, added_by=user, added_at=now, confirmed_at=now)
                         for e in chosen if e.id not in kept]
    return [{"field": "instruments", "label": "采样仪器", "old": [e.asset_no for e in old],
             "new": [e.asset_no for e in chosen]}]


def _iso(moment: datetime | None) -> str | None:
    return clock.local(moment).isoformat(timespec="minutes") if moment else None


@transaction
def resubmit(uow: UnitOfWork, trip: SamplingTrip, user: User) -> list[OutboundMessage]:
    """重新提交: the trip waits for the polluter again; returns the template messages queued (none when no
    polluter user is bound to WeChat — the polluter can still decide on its desktop page)."""
    _must_be_rejected(trip)
    bind(trip)
    trip.resubmit()
    confirmations.log(trip, user, "resubmit", "trip_resubmitted")
    messages = confirmations.request(uow, trip, resubmitted=True)
    rejections.trip_resubmitted(uow, trip, trip.confirmations[-1].id)
    return messages


def _must_be_rejected(trip: SamplingTrip) -> None:
    if not can(trip, "resubmit"):
        raise CorrectionProblem("not_rejected")
