"""更正并重新提交: after the polluter rejected a trip, the agency corrects the record and asks again.

Nothing is overwritten silently: every corrected value goes into the trip's event log as old → new, with the
agency's note, and the resubmission opens a new round of confirmation (new links, new template messages);
the links of the rejected round stop working.
"""
from __future__ import annotations

from datetime import datetime

from models import ConditionRecord, OutboundMessage, SamplingTrip, User, clock
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from services.notifying import rejections
from services.sampling import confirmations
from states.conditions import WORKING_CONDITIONS
from states.trip import bind, can

NOTE_MAX = 500


class CorrectionProblem(Refusal):
    """A correction or resubmission refused; `code` says why: not_rejected | note_needed | note_too_long |
    nothing_changed | future_time."""

    domain = "trip_correction"


@transaction
def correct(uow: UnitOfWork, trip: SamplingTrip, user: User, answers: dict, sample_times: dict[int, datetime],
            note: str) -> list[dict]:
    """Change the operating conditions and the samples' times as given; returns the changes logged."""
    _must_be_rejected(trip)
    note = (note or "").strip()
    if not note:
        raise CorrectionProblem("note_needed")
    if len(note) > NOTE_MAX:
        raise CorrectionProblem("note_too_long", most=NOTE_MAX)
    if any(moment > clock.now() for moment in sample_times.values()):
        raise CorrectionProblem("future_time")
    changes = _correct_conditions(trip, answers) + _correct_sample_times(trip, sample_times)
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
