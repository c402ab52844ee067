"""Messages we push to WeChat users (template and customer-service messages), so none is lost silently."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped


class OutboundStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # every retry failed: shown to staff, never dropped


class OutboundMessage(Base, Timestamped):
    """A template (模板消息) or customer-service (客服消息) message and its delivery outcome."""

    __tablename__ = "outbound_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "template" | "text"
    openid: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("sampling_trip.id"))
    status: Mapped[OutboundStatus] = mapped_column(String(16), default=OutboundStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    wechat_msgid: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None]
