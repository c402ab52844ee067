"""A field visit's evidence (现场证据), shared by the sampling trip (采样行程, models/trips.py) and the O&M visit
(现场运维, models/om.py): check-ins with their coordinates, photos with their near-duplicate index, and the
single-use links the polluter decides a round of confirmation through. Both kinds of visit point here; nothing
here imports them, so the two models do not import each other."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from models.audit import Chained
from models.base import AppendOnly, Base, utcnow
from models.directory import MonitoringPoint, User

# The rows a check-in, photo or link belongs to (models/trips.py, models/om.py) are named as strings and left
# unannotated: an import of those modules here, even for type checking only, would make the modules import
# each other.


class VisitEvent(AppendOnly, Chained):
    """An entry of a visit's append-only log (a trip's or an O&M visit's): who did what, when, from which WeChat
    message. The concrete log names its visit column in `__chain_subject__`."""

    __chain_fields__ = ("at", "actor_id", "action", "detail", "message_key")
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # the daily root reads a day of events
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    message_key: Mapped[str | None] = mapped_column(String(96))


class CheckInKind(enum.StrEnum):
    ARRIVAL = "arrival"  # 进场签到
    DEPARTURE = "departure"  # 离场签到
    PRESENCE = "presence"  # 到场确认: a crew member other than the leader, from their own WeChat


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


class ConfirmationStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class DecisionRound:
    """A round of the polluter's confirmation (a trip's or an O&M visit's): pending until its one decision,
    who took it, when, and the reason of a rejection (services/field/decisions.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=ConfirmationStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def decided_by(cls) -> Mapped[User | None]:
        return relationship()


class CheckIn(Base):
    """An arrival or departure check-in, or a crew member's presence check-in (到场确认), with the coordinates as
    WeChat sent them (GCJ-02)."""

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

    trip = relationship("SamplingTrip", back_populates="check_ins")
    om_visit = relationship("OmVisit", back_populates="check_ins")
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

    trip = relationship("SamplingTrip", back_populates="photos")
    om_visit = relationship("OmVisit", back_populates="photos")
    point: Mapped[MonitoringPoint | None] = relationship()
    sent_by: Mapped[User] = relationship()


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

    confirmation = relationship("Confirmation", back_populates="links")
    om_confirmation = relationship("OmConfirmation", back_populates="links")
    user: Mapped[User] = relationship()


class PhotoBand(Base):
    """One band of a photo's DCT hash: the near-duplicate index (services/adapters/neardup.py, states/neardup.py).
    The lookup index carries the photo id, so finding the candidates reads the index alone."""

    __tablename__ = "photo_band"
    __table_args__ = (Index("ix_photo_band_lookup", "band", "value", "photo_id"),)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    value: Mapped[int]
