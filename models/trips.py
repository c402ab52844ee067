"""A field sampling trip (采样行程) and everything recorded on it."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.audit import Chained
from models.base import AppendOnly, Base, Timestamped, utcnow
from models.directory import MonitoringPoint, User
from models.tasks import Visit

if TYPE_CHECKING:
    from models.om import OmConfirmation


class CheckInKind(enum.StrEnum):
    ARRIVAL = "arrival"  # 进场签到
    DEPARTURE = "departure"  # 离场签到


class PhotoPurpose(enum.StrEnum):
    RECEIPT = "receipt"  # 送样接收检查 (a task's photo, no trip)
    ARRIVAL = "arrival"  # 进场照片
    SAMPLING = "sampling"  # 采样照片
    OUTPUT = "output"  # 仪器打印输出
    DEPARTURE = "departure"  # 离场照片
    SHEET = "sheet"  # 运维记录单照片 (an O&M record sheet's work in progress)


class PhotoStatus(enum.StrEnum):
    PENDING = "pending"  # received, media not fetched yet
    READY = "ready"
    REJECTED = "rejected"  # not an image, too large, a decompression bomb
    FAILED = "failed"  # WeChat's media API never gave it to us


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

    visit: Mapped[Visit] = relationship()
    started_by: Mapped[User] = relationship()
    check_ins: Mapped[list[CheckIn]] = relationship(back_populates="trip", order_by="CheckIn.id")
    photos: Mapped[list[Photo]] = relationship(back_populates="trip", order_by="Photo.id")
    samples: Mapped[list[Sample]] = relationship(back_populates="trip", order_by="Sample.id")
    conditions: Mapped[ConditionRecord | None] = relationship(back_populates="trip")
    confirmations: Mapped[list[Confirmation]] = relationship(back_populates="trip", order_by="Confirmation.id")
    events: Mapped[list[TripEvent]] = relationship(back_populates="trip", order_by="TripEvent.id")
    lab_receipt: Mapped[LabReceipt | None] = relationship(back_populates="trip")

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

    def has_more_points(self) -> bool:
        return self.point_index + 1 < len(self.points)

    def is_first_point(self) -> bool:
        return self.point_index == 0

    def is_self_monitoring(self) -> bool:
        return self.visit.task.agency.self_monitoring

    def next_point(self) -> None:
        self.point_index += 1

    def previous_point(self) -> None:
        self.point_index = max(0, self.point_index - 1)

    def latest_check_in(self, kind: CheckInKind) -> CheckIn | None:
        matching = [c for c in self.check_ins if c.kind == kind]
        return matching[-1] if matching else None

    def photos_for(self, purpose: PhotoPurpose, point_id: int | None = None) -> list[Photo]:
        return [
            p for p in self.photos
            if p.purpose == purpose and (point_id is None or p.point_id == point_id)
            and p.status != PhotoStatus.REJECTED
        ]


class CheckIn(Base):
    """An arrival or departure check-in with the coordinates as WeChat sent them (GCJ-02)."""

    __tablename__ = "check_in"
    id: Mapped[int] = mapped_column(primary_key=True)
    # a check-in belongs to a sampling trip or to an O&M visit (现场运维)
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("sampling_trip.id"))
    om_visit_id: Mapped[int | None] = mapped_column(ForeignKey("om_visit.id"), index=True)
    kind: Mapped[CheckInKind] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    latitude: Mapped[float]
    longitude: Mapped[float]
    datum: Mapped[str] = mapped_column(String(8), default="GCJ-02")
    precision_m: Mapped[float | None]
    label: Mapped[str | None] = mapped_column(String(255))
    distance_m: Mapped[float]
    inside_fence: Mapped[bool]

    trip: Mapped[SamplingTrip] = relationship(back_populates="check_ins")
    user: Mapped[User] = relationship()


class Photo(Base):
    """A photo sent in chat: the original kept unmodified, with a thumbnail and a watermarked copy."""

    __tablename__ = "photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("sampling_trip.id"), index=True)
    # photos that belong to a task rather than a trip (the receipt check of delivered samples)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_task.id"), index=True)
    # photos of an O&M visit (check-in/out) and of its record sheets
    om_visit_id: Mapped[int | None] = mapped_column(ForeignKey("om_visit.id"), index=True)
    om_sheet_id: Mapped[int | None] = mapped_column(ForeignKey("om_sheet.id"), index=True)
    purpose: Mapped[PhotoPurpose] = mapped_column(String(16))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_point.id"))
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    media_id: Mapped[str] = mapped_column(String(128))
    pic_url: Mapped[str | None] = mapped_column(String(512))
    # sent through the camera-only menu button (pic_sysphoto): taken live, not from the album
    live: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PhotoStatus] = mapped_column(String(16), default=PhotoStatus.PENDING)
    error: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    phash: Mapped[str | None] = mapped_column(String(16), index=True)
    # 256-bit DCT hash (64 hex chars) that near-duplicates are found by, through PhotoBand
    dct_hash: Mapped[str | None] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    size: Mapped[int | None]
    exif_time: Mapped[datetime | None]
    exif_latitude: Mapped[float | None]
    exif_longitude: Mapped[float | None]
    original_path: Mapped[str | None] = mapped_column(String(255))
    thumbnail_path: Mapped[str | None] = mapped_column(String(255))
    watermarked_path: Mapped[str | None] = mapped_column(String(255))

    trip: Mapped[SamplingTrip | None] = relationship(back_populates="photos")
    point: Mapped[MonitoringPoint | None] = relationship()
    sent_by: Mapped[User] = relationship()


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

    trip: Mapped[SamplingTrip] = relationship(back_populates="samples")
    point: Mapped[MonitoringPoint] = relationship()


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


class ConfirmationStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Confirmation(Base, Timestamped):
    """The polluter's confirmation of a trip (排污单位确认)."""

    __tablename__ = "confirmation"
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"))
    status: Mapped[ConfirmationStatus] = mapped_column(String(16), default=ConfirmationStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    # confirmed after the crew's departure check-in: allowed, but marked for the regulator
    after_departure: Mapped[bool] = mapped_column(default=False)

    trip: Mapped[SamplingTrip] = relationship(back_populates="confirmations")
    decided_by: Mapped[User | None] = relationship()
    links: Mapped[list[ConfirmationLink]] = relationship(back_populates="confirmation")


class ConfirmationLink(Base):
    """The link in one template message: for one polluter user, single-use, expiring.
    Only the token's hash is stored."""

    __tablename__ = "confirmation_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    # the round it decides: a trip's confirmation, or an O&M visit's (签名确认)
    confirmation_id: Mapped[int | None] = mapped_column(ForeignKey("confirmation.id"), index=True)
    om_confirmation_id: Mapped[int | None] = mapped_column(ForeignKey("om_confirmation.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    confirmation: Mapped[Confirmation | None] = relationship(back_populates="links")
    om_confirmation: Mapped[OmConfirmation | None] = relationship(back_populates="links")
    user: Mapped[User] = relationship()


class TripEvent(Base, AppendOnly, Chained):
    """Append-only log of a trip: who did what, when, from which WeChat message."""

    __tablename__ = "trip_event"
    __chain_subject__ = "trip_id"
    __chain_fields__ = ("at", "actor_id", "action", "detail", "message_key")
    __chain_label__ = "采样行程"
    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[int] = mapped_column(ForeignKey("sampling_trip.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # the daily root reads a day of events
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    message_key: Mapped[str | None] = mapped_column(String(96))

    trip: Mapped[SamplingTrip] = relationship(back_populates="events")


class PhotoBand(Base):
    """One band of a photo's DCT hash: the near-duplicate index (services/neardup.py, states/neardup.py).
    The lookup index carries the photo id, so finding the candidates reads the index alone."""

    __tablename__ = "photo_band"
    __table_args__ = (Index("ix_photo_band_lookup", "band", "value", "photo_id"),)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    value: Mapped[int]
