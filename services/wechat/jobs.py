"""Jobs that talk to WeChat's API: fetching photo media and sending pushed messages (RQ, or inline)."""
from __future__ import annotations

from sqlalchemy import select

from models import OutboundMessage, OutboundStatus, Photo, PhotoStatus, clock
from services.adapters import media
from services.core.uow import UnitOfWork


def client(runtime):
    """The outbound client of this process (built once, shared with the app)."""
    from services.wechat.client import WeChatClient

    cached = runtime.__dict__.get("wechat")
    if cached is None:
        cached = runtime.__dict__["wechat"] = WeChatClient(runtime.config, runtime.redis)
    return cached


def fetch_photo(runtime, photo_id: int, last_attempt: bool = True) -> None:
    """Download a photo's media from WeChat and process it; a failure is retried, the last one recorded."""
    with UnitOfWork(runtime) as uow:
        photo = _claim(uow, photo_id)
        if photo is None or photo.status != PhotoStatus.PENDING:
            return  # already handled by an earlier delivery of this job, or being handled right now
        try:
            data = client(runtime).download_media(photo.media_id)
        except Exception as exc:
            if not last_attempt:
                raise
            media.give_up(uow, photo, PhotoStatus.FAILED, str(exc))
            uow.commit()
            return
        media.save(uow, photo, data)
        uow.commit()


def _claim(uow: UnitOfWork, photo_id: int) -> Photo | None:
    """The photo, row-locked for this job: the sweeper may queue a photo whose first job is still running, and
    only one of them may process it. The lock is the database's, so it dies with a killed worker's connection."""
    query = select(Photo).where(Photo.id == photo_id).with_for_update(skip_locked=True)
    return uow.session.scalars(query).one_or_none()


def send_outbound(runtime, message_id: int, last_attempt: bool = True) -> None:
    """Send a queued template or text message; every attempt and the final outcome are recorded."""
    with UnitOfWork(runtime) as uow:
        message = uow.session.get(OutboundMessage, message_id)
        if message is None or message.status == OutboundStatus.SENT:
            return
        message.attempts += 1
        try:
            body = _send(client(runtime), message)
        except Exception as exc:
            message.last_error = str(exc)[:2000]
            if last_attempt:
                message.status = OutboundStatus.FAILED
            uow.commit()
            if not last_attempt:
                raise
            return
        message.status = OutboundStatus.SENT
        message.sent_at = clock.now()
        message.wechat_msgid = str(body.get("msgid", "")) or None
        uow.commit()


def _send(wechat, message: OutboundMessage) -> dict:
    payload = message.payload
    if message.kind == "template":
        return wechat.send_template_message(message.openid, payload["template_id"], payload["data"],
                                            url=payload.get("url", ""))
    return wechat.send_text(message.openid, payload["content"])
