"""运输保存, the laboratory's side: the receipt of a trip's samples (time, temperature on arrival, receiver),
and each sample's time from sampling to receipt checked against the holding time of its factor
(states/holding_times.py). A sample received past its holding time is flagged on the trip, on the task and in
this receipt (for delivered samples, in the receipt check: its 采样至接收时间 against the plan's factors), in the
trip lists and their export (services/desk/supervision.py) and on the evidence page. `Held.overdue` is its one
definition: the flag is derived from the recorded times, never stored, so a corrected time corrects it (a finding
would be a second, stored copy of the same comparison).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from models import CheckInKind, LabReceipt, MonitoringTask, Sample, SamplingTrip, User, clock
from services.core.uow import UnitOfWork, transaction
from services.field import records
from services.field.records import RecordsProblem
from services.sampling import tasks
from states.holding_times import HoldingTime, holding_time
from states.trip import ACTIVE

TEMPERATURE_RANGE = (-40.0, 50.0)
RECEIVER_MAX = 64


@dataclass(frozen=True)
class Held:
    """One sample taken to the laboratory: how long it took to be received, against its holding time."""

    sample: Sample
    limit: HoldingTime | None  # None: no holding time known for the factor, not checked
    hours: float | None  # sampling to receipt; None until both times are known

    @property
    def overdue(self) -> bool:
        return self.limit is not None and self.hours is not None and self.hours > self.limit.hours


@transaction
def record(uow: UnitOfWork, trip: SamplingTrip, user: User, received_at: datetime, temperature: float,
           received_by: str) -> LabReceipt:
    """接收样品: once the crew has left the site; the receipt time cannot precede the departure or be ahead of
    now. Recorded again, it is corrected (and logged again)."""
    if trip.state in ACTIVE:
        raise RecordsProblem("lab_trip_active")
    departed = left_site(trip)
    if received_at > clock.now() or (departed is not None and received_at < departed):
        raise RecordsProblem("lab_time_impossible")
    if not TEMPERATURE_RANGE[0] <= temperature <= TEMPERATURE_RANGE[1]:
        raise RecordsProblem("lab_temperature", low=TEMPERATURE_RANGE[0], high=TEMPERATURE_RANGE[1])
    if not received_by or len(received_by) > RECEIVER_MAX:
        raise RecordsProblem("lab_receiver", limit=RECEIVER_MAX)
    receipt = trip.lab_receipt or LabReceipt(trip=trip)
    receipt.received_at, receipt.temperature, receipt.received_by = received_at, temperature, received_by
    receipt.recorded_by_id, receipt.recorded_at = user.id, clock.now()
    uow.session.add(receipt)
    late = [h.sample.code for h in held(trip) if h.overdue]
    tasks.log(trip.visit.task, user, "lab_received", trip=trip.id, received_at=clock.fmt(received_at),
              temperature=temperature, received_by=received_by, overdue=late)
    return receipt


def left_site(trip: SamplingTrip) -> datetime | None:
    """The time the samples left the site, as the sampler recorded it (运输保存); trips recorded before that step
    existed fall back to the departure check-in."""
    if trip.samples_left_at is not None:
        return trip.samples_left_at
    return next((c.at for c in trip.check_ins if c.kind == CheckInKind.DEPARTURE), None)


def held(trip: SamplingTrip) -> list[Held]:
    """Every sample of the trip that travels to the laboratory, with its time to receipt."""
    received = trip.lab_receipt.received_at if trip.lab_receipt else None
    return [Held(s, holding_time(s.factor), _hours(s.sampled_at, received))
            for s in trip.samples if s.travels]


def overdue_on_task(db: Session, task: MonitoringTask) -> list[Held]:
    """The task's samples received past their holding time, over all its trips."""
    return [h for trip in records.trips_by_visit(db, task).values() for h in held(trip) if h.overdue]


def late_delivered(task: MonitoringTask) -> list[tuple[str, HoldingTime]]:
    """Delivered samples (送样): the plan's factors whose holding time is shorter than the time from sampling
    to receipt recorded in the receipt check (采样至接收时间)."""
    transit = (task.receipt.answers if task.receipt else {}).get("transit_hours")
    if transit is None:
        return []
    factors = dict.fromkeys(item.factor for item in task.plan)
    limits = [(factor, holding_time(factor)) for factor in factors]
    return [(factor, limit) for factor, limit in limits if limit is not None and transit > limit.hours]


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() / 3600 if start and end else None
