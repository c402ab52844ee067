"""A field sampling trip (采样行程) and everything recorded on it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, utcnow
from models.directory import Equipment, MonitoringPoint, User
from models.fieldwork import (
    CheckIn,
    CheckInKind,
    ConfirmationLink,
    DecisionRound,
    Photo,
    PhotoPurpose,
    PhotoStatus,
    VisitEvent,
)
from models.tasks import Visit

# the plan's container (容器) of a factor measured on site: its samples never travel to the laboratory
ON_SITE = "现场测定"


class SamplingTrip(Base, Timestamped):
    """A sampler's trip for one scheduled visit; `state` is the trip machine's state (states/trip.py)."""

    __tablename__ = "sampling_trip"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), unique=True)
    state: Mapped[str] = mapped_column(String(32), default="new")
    # index into the visit's planned points while sampling (现场采样)
    point_index: Mapped[int] = mapped_column(default=0)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None]
    # 运输保存: when the samples left the site for the laboratory, as the sampler recorded it
    samples_left_at: Mapped[datetime | None]

    visit: Mapped[Visit] = relationship()
    started_by: Mapped[User] = relationship()
    check_ins: Mapped[list[CheckIn]] = relationship(back_populates="trip", order_by="CheckIn.id")
    photos: Mapped[list[Photo]] = relationship(back_populates="trip", order_by="Photo.id")
    samples: Mapped[list[Sample]] = relationship(back_populates="trip", order_by="Sample.id")
    conditions: Mapped[ConditionRecord | None] = relationship(back_populates="trip")
    confirmations: Mapped[list[Confirmation]] = relationship(back_populates="trip", order_by="Confirmation.id")
    events: Mapped[list[TripEvent]] = relationship(back_populates="trip", order_by="TripEvent.id")
    lab_receipt: Mapped[LabReceipt | None] = relationship(back_populates="trip")
    point_locations: Mapped[list[PointLocation]] = relationship(back_populates="trip", order_by="PointLocation.id")
    instruments: Mapped[list[TripInstrument]] = relationship(back_populates="trip", order_by="TripInstrument.id",
                                                             cascade="all, delete-orphan")
    point_instruments: Mapped[list[PointInstrument]] = relationship(
        back_populates="trip", order_by="PointInstrument.id", cascade="all, delete-orphan")

    # --- guards and callbacks of the trip machine (states/trip.py) ---

    @property
    def points(self) -> list[MonitoringPoint]:
        return self.visit.task.planned_points

    @property
    def current_point(self) -> MonitoringPoint | None:
        points = self.points
        return points[self.point_index] if self.point_index < len(points) else None

    def has_arrival_photo(self) -> bool:
        return bool(self.photos_for(PhotoPurpose.ARRIVAL))

    def has_sample_photo(self) -> bool:
        return bool(self.photos_for(PhotoPurpose.SAMPLING, self.current_point.id))

    def has_output_photo(self) -> bool:
        return bool(self.photos_for(PhotoPurpose.OUTPUT, self.current_point.id))

    def has_departure_photo(self) -> bool:
        return bool(self.photos_for(PhotoPurpose.DEPARTURE))

    def has_lab_samples(self) -> bool:
        return any(s.travels for s in self.samples)

    def has_more_points(self) -> bool:
        return self.point_index + 1 < len(self.points)

    def is_first_point(self) -> bool:
        return self.point_index == 0

    def has_several_instruments(self) -> bool:
        """Each point asks which instruments sampled it only when there is a choice (one is recorded at once)."""
        return len(self.instruments) > 1

    def is_self_monitoring(self) -> bool:
        return self.visit.task.agency.self_monitoring

    def next_point(self) -> None:
        self.point_index += 1

    def previous_point(self) -> None:
        self.point_index = max(0, self.point_index - 1)

    def latest_check_in(self, kind: CheckInKind) -> CheckIn | None:
        matching = [c for c in self.check_ins if c.kind == kind]
        return matching[-1] if matching else None

    def point_location(self, point_id: int) -> PointLocation | None:
        """Where the point was sampled on this trip: the latest location sent for it (a resend supersedes)."""
        matching = [p for p in self.point_locations if p.point_id == point_id]
        return matching[-1] if matching else None

    def instruments_at(self, point_id: int) -> list[Equipment]:
        """The confirmed instruments recorded as having sampled the point on this trip."""
        return [p.equipment for p in self.point_instruments if p.point_id == point_id]

    def points_sampled_with(self, equipment_id: int) -> list[MonitoringPoint]:
        """The planned points the instrument was recorded at, in the plan's order."""
        used = {p.point_id for p in self.point_instruments if p.equipment_id == equipment_id}
        return [p for p in self.points if p.id in used]

    def photos_for(self, purpose: PhotoPurpose, point_id: int | None = None) -> list[Photo]:
        return [
            p for p in self.photos
            if p.purpose == purpose and (point_id is None or p.point_id == point_id)
            and p.status != PhotoStatus.REJECTED
        ]


class PointReference(enum.StrEnum):
    """What a point's sampling location was measured against."""

    POINT = "point"  # the point's registered position (点位登记位置)
    SITE = "site"  # the polluter's position: the point has none registered yet


class PointLocation(Base):
    """点位布设: the location (GCJ-02, as WeChat sent it) a point was sampled at on a trip, its distance to the
    reference it was measured against (kept as it was then: a position accepted later does not rewrite it)
    and the distance allowed from it (states/findings.py, point_outside)."""

    __tablename__ = "point_location"
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime]
    latitude: Mapped[float]
    longitude: Mapped[float]
    precision_m: Mapped[float | None]
    label: Mapped[str | None] = mapped_column(String(255))
    reference: Mapped[PointReference] = mapped_column(String(8))
    reference_latitude: Mapped[float]
    reference_longitude: Mapped[float]
    distance_m: Mapped[float]
    allowed_m: Mapped[float]

    trip: Mapped[SamplingTrip] = relationship(back_populates="point_locations")
    point: Mapped[MonitoringPoint] = relationship()
    user: Mapped[User] = relationship()

    @property
    def far(self) -> bool:
        return self.distance_m > self.allowed_m


class TripInstrument(Base):
    """仪器: an instrument taken to the site on a trip. The schedule's list is copied when the trip starts; the
    sampler adds or removes instruments (by asset number) and confirms the list at arrival (`confirmed_at`).
    `added_by` is None for an instrument from the schedule."""

    __tablename__ = "trip_instrument"
    __table_args__ = (UniqueConstraint("trip_id", "equipment_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"), index=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None]

    trip: Mapped[SamplingTrip] = relationship(back_populates="instruments")
    equipment: Mapped[Equipment] = relationship()
    added_by: Mapped[User | None] = relationship()


class PointInstrument(Base):
    """Which of the trip's confirmed instruments sampled a point."""

    __tablename__ = "point_instrument"
    __table_args__ = (UniqueConstraint("trip_id", "point_id", "equipment_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"))
    equipment_id: Mapped[int] = mapped_column(ForeignKey("equipment.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    trip: Mapped[SamplingTrip] = relationship(back_populates="point_instruments")
    equipment: Mapped[Equipment] = relationship()


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # another proposal for the same point was accepted


class PositionProposal(Base, Timestamped):
    """A position proposed for a point that has none registered: where it was first sampled. The polluter or
    the agency accepts it (the point's registered position becomes it) or rejects it, on the desk."""

    __tablename__ = "position_proposal"
    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"), index=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"))
    latitude: Mapped[float]
    longitude: Mapped[float]
    status: Mapped[ProposalStatus] = mapped_column(String(16), default=ProposalStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]

    point: Mapped[MonitoringPoint] = relationship()
    trip: Mapped[SamplingTrip] = relationship()
    decided_by: Mapped[User | None] = relationship()


class Sample(Base):
    """A sample taken on the trip (样品), with its printable code (样品编号)."""

    __tablename__ = "sample"
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"))
    factor: Mapped[str] = mapped_column(String(64))
    sampled_at: Mapped[datetime | None]
    container: Mapped[str | None] = mapped_column(String(64))
    preservative: Mapped[str | None] = mapped_column(String(64))
    storage: Mapped[str | None] = mapped_column(String(32))  # 保存条件 during transport (states/holding_times.py)

    trip: Mapped[SamplingTrip] = relationship(back_populates="samples")
    point: Mapped[MonitoringPoint] = relationship()

    @property
    def travels(self) -> bool:
        """Taken to the laboratory: everything not measured on site."""
        return self.container != ON_SITE


class LabReceipt(Base):
    """实验室接收: when the trip's samples reached the laboratory, their temperature on arrival and who took
    them in; each sample's time from sampling to this receipt is checked against its holding time."""

    __tablename__ = "lab_receipt"
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"), unique=True)
    received_at: Mapped[datetime]
    temperature: Mapped[float]  # °C on arrival
    received_by: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime]

    trip: Mapped[SamplingTrip] = relationship(back_populates="lab_receipt")


class ConditionRecord(Base):
    """The operating conditions form (采样工况); `confirmed_at` is empty while it is being filled in."""

    __tablename__ = "condition_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"), unique=True)
    form: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    confirmed_at: Mapped[datetime | None]

    trip: Mapped[SamplingTrip] = relationship(back_populates="conditions")


class Confirmation(Base, Timestamped, DecisionRound):
    """The polluter's confirmation of a trip (排污单位确认)."""

    __tablename__ = "confirmation"
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"))
    # confirmed after the crew's departure check-in: allowed, but marked for the regulator
    after_departure: Mapped[bool] = mapped_column(default=False)

    trip: Mapped[SamplingTrip] = relationship(back_populates="confirmations")
    links: Mapped[list[ConfirmationLink]] = relationship(back_populates="confirmation")


class TripEvent(Base, VisitEvent):
    """Append-only log of a trip: who did what, when, from which WeChat message."""

    __tablename__ = "trip_event"
    __chain_subject__ = "trip_id"
    __chain_label__ = "采样行程"
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"), index=True)

    trip: Mapped[SamplingTrip] = relationship(back_populates="events")
