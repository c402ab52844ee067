"""Photos on disk: the original untouched, a thumbnail and a watermarked copy beside it.

A photo belongs to a trip (the sampler's evidence), to an O&M visit (the crew's check-ins and the work of its
record sheets) or, with neither, to a task (the receipt check of delivered samples, 送样接收检查).
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from models import CheckInKind, MonitoringTask, OmSheet, OmVisit, Photo, PhotoStatus, clock
from services.adapters import neardup
from services.adapters.photos import PhotoRejected, Watermark, process_photo
from services.core.uow import UnitOfWork
from services.notifying import notify
from services.texts.refusals import say
from states.om_sheets import SHEETS

TEXTS = {
    PhotoStatus.REJECTED: "您发送的照片未能保存：{reason}（{step}）",
    PhotoStatus.FAILED: "您发送的一张照片暂时无法从微信下载，请重新发送。（{step}）",
}
STEP_NAMES = {"arrival": "进场签到", "sampling": "现场采样", "output": "仪器输出", "departure": "离场签到",
              "receipt": "送样接收检查", "sheet": "运维记录单"}


def save(uow: UnitOfWork, photo: Photo, data: bytes) -> None:
    """Process the downloaded bytes into the photo's files; an unusable picture is refused, not stored."""
    try:
        store(uow, photo, data)
    except PhotoRejected as exc:
        give_up(uow, photo, PhotoStatus.REJECTED, say(exc))


def store(uow: UnitOfWork, photo: Photo, data: bytes) -> None:
    """Write the original, thumbnail and watermarked copy; PhotoRejected (nothing written) when unusable."""
    processed = process_photo(data, watermark_for(photo))
    folder = _folder(photo)
    stem = folder / f"{photo.id}"
    original = stem.with_suffix("." + _extension(processed.format))
    thumbnail = folder / f"{photo.id}_thumb.jpg"
    watermarked = folder / f"{photo.id}_wm.jpg"
    root = Path(uow.config.media_root)
    (root / folder).mkdir(parents=True, exist_ok=True)
    for path, content in ((original, data), (thumbnail, processed.thumbnail), (watermarked, processed.watermarked)):
        (root / path).write_bytes(content)
    photo.status = PhotoStatus.READY
    photo.sha256, photo.phash, photo.size = processed.sha256, processed.phash, processed.size
    photo.dct_hash = processed.dct_hash
    photo.width, photo.height = processed.width, processed.height
    photo.exif_time = processed.exif_time.replace(tzinfo=clock.LOCAL) if processed.exif_time else None
    photo.exif_latitude, photo.exif_longitude = processed.exif_lat, processed.exif_lng
    photo.original_path, photo.thumbnail_path, photo.watermarked_path = map(str, (original, thumbnail, watermarked))
    neardup.index_photo(object_session(photo), photo)


def _folder(photo: Photo) -> Path:
    if photo.trip_id:
        return Path("trips") / str(photo.trip_id)
    if photo.om_visit_id:
        return Path("om") / str(photo.om_visit_id)
    return Path("tasks") / str(photo.task_id)


def give_up(uow: UnitOfWork, photo: Photo, status: PhotoStatus, reason: str) -> None:
    """Mark the photo unusable and tell the sender, who can simply send another one."""
    photo.status = status
    photo.error = reason[:255]
    if photo.sent_by.binding is not None:
        text = TEXTS[status].format(reason=reason, step=STEP_NAMES.get(photo.purpose, ""))
        notify.tell(uow, photo.sent_by.binding.openid, text, photo.trip_id)


def unfinished(db: Session, *, trip_id: int | None = None, om_visit_id: int | None = None) -> dict[PhotoStatus, int]:
    """How many of a trip's or a visit's photos are still being received (pending) or could not be (failed)."""
    owner = Photo.trip_id == trip_id if trip_id is not None else Photo.om_visit_id == om_visit_id
    query = select(Photo.status, func.count()).where(
        owner, Photo.status.in_((PhotoStatus.PENDING, PhotoStatus.FAILED))).group_by(Photo.status)
    return {PhotoStatus(status): count for status, count in db.execute(query)}


def watermark_for(photo: Photo) -> Watermark:
    if photo.om_visit_id:
        return _om_watermark(photo)
    if photo.trip is None:
        return _task_watermark(photo)
    trip = photo.trip
    task = trip.visit.task
    # the crew's own arrival or departure: a colleague's presence check-in (到场确认) is not where this photo was taken
    own = [c for c in trip.check_ins if c.kind != CheckInKind.PRESENCE]
    check_in = own[-1] if own else None
    where = (photo.exif_latitude, photo.exif_longitude) if photo.exif_latitude else \
        ((check_in.latitude, check_in.longitude) if check_in else (task.polluter.latitude, task.polluter.longitude))
    return Watermark(
        taken_at=clock.local(photo.received_at).replace(tzinfo=None),
        place=f"{task.polluter.name} {where[0]:.5f},{where[1]:.5f}",
        task=f"{task.code} {task.name}",
        sampler=photo.sent_by.display_name,
    )


def _om_watermark(photo: Photo) -> Watermark:
    """An O&M photo: time, the site with where it was taken, the plan, the crew member who took it."""
    visit = object_session(photo).get(OmVisit, photo.om_visit_id)
    polluter = visit.plan.polluter
    check_in = visit.latest_check_in(CheckInKind.DEPARTURE if photo.purpose == "departure" else CheckInKind.ARRIVAL)
    where = (photo.exif_latitude, photo.exif_longitude) if photo.exif_latitude else \
        ((check_in.latitude, check_in.longitude) if check_in else (polluter.latitude, polluter.longitude))
    sheet = object_session(photo).get(OmSheet, photo.om_sheet_id) if photo.om_sheet_id else None
    step = SHEETS[sheet.form].title if sheet else STEP_NAMES.get(photo.purpose, "")
    return Watermark(
        taken_at=clock.local(photo.received_at).replace(tzinfo=None),
        place=f"{polluter.name} {where[0]:.5f},{where[1]:.5f}",
        task=f"运维：{visit.plan.name}（{step}）",
        sampler=f"运维人员：{photo.sent_by.display_name}",
    )


def _task_watermark(photo: Photo) -> Watermark:
    """A task's photo is taken where the agency receives the samples, not on the polluter's site."""
    task = object_session(photo).get(MonitoringTask, photo.task_id)
    return Watermark(
        taken_at=clock.local(photo.received_at).replace(tzinfo=None),
        place=f"{task.agency.name}（{STEP_NAMES.get(photo.purpose, '')}）",
        task=f"{task.code} {task.name}",
        sampler=photo.sent_by.display_name,
    )


def _extension(image_format: str) -> str:
    return {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}.get(image_format.upper(), "bin")
