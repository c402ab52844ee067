"""Near-duplicate photos at city scale: a photo that is perceptually the same as another one (re-encoded,
resized, brightened) is found through a band index of its DCT hash, never by comparing pairwise over the
photo table.

`index_photo` files a processed photo's bands; `similar_photos` answers the findings engine (rule
`photo_near_duplicate`) with the other photos within the threshold and what each belongs to. The hash, bands
and threshold are data in states/neardup.py, with the measurements behind them.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from models import Photo, PhotoBand, PhotoStatus, SamplingTrip
from services.adapters.photos import PhotoRejected, dct_hash_of
from services.core.uow import transaction
from states.neardup import BANDS, HASH_BITS, MAX_DISTANCE, PROBE_RADIUS

# band i covers bits [_EDGES[i], _EDGES[i + 1]) counted from the most significant one
_EDGES = [band * HASH_BITS // BANDS for band in range(BANDS + 1)]


@dataclass(frozen=True)
class SimilarPhoto:
    """Another photo within the threshold, with what the caller needs to judge it: the subject it belongs to
    (a sampling trip and its visit, an O&M visit, or a task's receipt check), its point and its purpose."""

    photo_id: int
    distance: int  # Hamming distance of the DCT hashes, 0..states.neardup.MAX_DISTANCE
    trip_id: int | None
    visit_id: int | None  # the sampling visit of the trip
    om_visit_id: int | None
    om_sheet_id: int | None
    task_id: int | None
    point_id: int | None
    purpose: str


def bands(dct_hash: str) -> list[int]:
    """The hash's BANDS values, most significant band first."""
    value = int(dct_hash, 16)
    return [(value >> (HASH_BITS - end)) & ((1 << (end - start)) - 1) for start, end in zip(_EDGES, _EDGES[1:])]


def distance(a: str, b: str) -> int:
    """Hamming distance between two DCT hashes (64 hex chars each)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def index_photo(session: Session, photo: Photo) -> None:
    """File (or re-file) a processed photo's bands; a photo without a DCT hash has none."""
    session.execute(delete(PhotoBand).where(PhotoBand.photo_id == photo.id))
    if photo.dct_hash:
        session.add_all(PhotoBand(photo_id=photo.id, band=band, value=value)
                        for band, value in enumerate(bands(photo.dct_hash)))


@transaction
def rehash(session: Session, media_root: Path, after_id: int = 0, limit: int = 1000) -> tuple[int, int | None]:
    """Give up to `limit` photos (ids above after_id) stored before the DCT hash existed their hash and bands,
    from the original file. Returns (how many were done, the last id looked at - None when none was left);
    an original that is gone or unreadable is passed over, not retried forever."""
    pending = session.scalars(select(Photo).where(
        Photo.id > after_id, Photo.status == PhotoStatus.READY, Photo.dct_hash.is_(None),
        Photo.original_path.is_not(None)).order_by(Photo.id).limit(limit)).all()
    done = 0
    for photo in pending:
        try:
            photo.dct_hash = dct_hash_of((media_root / photo.original_path).read_bytes())
        except (OSError, PhotoRejected):
            continue
        index_photo(session, photo)
        done += 1
    return done, pending[-1].id if pending else None


def similar_photos(session: Session, photo: Photo, max_distance: int = MAX_DISTANCE) -> list[SimilarPhoto]:
    """Other photos within max_distance of this one, nearest first.

    Leaves out the photo itself and its resends (another photo of the same subject, point and purpose: the
    sampler sending a step's photo twice); keeps photos of other trips and visits and of the same trip at
    another point or for another purpose (one print-out shown for two points)."""
    if max_distance > MAX_DISTANCE:
        raise ValueError(f"the band probes find distances up to {MAX_DISTANCE}, not {max_distance}")
    if not photo.dct_hash:
        return []
    near = {other_id: d for other_id, d in _within(session, photo.dct_hash, max_distance).items()
            if other_id != photo.id}
    if not near:
        return []
    rows = session.execute(select(Photo, SamplingTrip.visit_id).outerjoin(SamplingTrip, Photo.trip)
                           .where(Photo.id.in_(near)))
    found = [_describe(other, visit_id, near[other.id]) for other, visit_id in rows if not _resend(photo, other)]
    return sorted(found, key=lambda similar: (similar.distance, similar.photo_id))


def _within(session: Session, dct_hash: str, max_distance: int) -> dict[int, int]:
    """photo id -> distance for every indexed photo within max_distance: each band probed at its value and its
    neighbours (enough for MAX_DISTANCE, states/neardup.py), then the exact distance."""
    probes = [and_(PhotoBand.band == band, PhotoBand.value.in_(_neighbours(value, width)))
              for band, (value, width) in enumerate(zip(bands(dct_hash), _widths()))]
    candidates = select(PhotoBand.photo_id).where(or_(*probes)).distinct().scalar_subquery()
    rows = session.execute(select(Photo.id, Photo.dct_hash).where(Photo.id.in_(candidates)))
    distances = {photo_id: distance(dct_hash, other) for photo_id, other in rows}
    return {photo_id: d for photo_id, d in distances.items() if d <= max_distance}


def _widths() -> list[int]:
    return [end - start for start, end in zip(_EDGES, _EDGES[1:])]


def _neighbours(value: int, width: int) -> list[int]:
    """The band value and every value within PROBE_RADIUS bits of it."""
    return [value ^ sum(1 << bit for bit in bits)
            for radius in range(PROBE_RADIUS + 1) for bits in combinations(range(width), radius)]


def _resend(photo: Photo, other: Photo) -> bool:
    def step(p: Photo) -> tuple:
        return p.trip_id, p.om_visit_id, p.task_id, p.om_sheet_id, p.point_id, p.purpose

    return step(photo) == step(other)


def _describe(other: Photo, visit_id: int | None, d: int) -> SimilarPhoto:
    return SimilarPhoto(
        photo_id=other.id, distance=d, trip_id=other.trip_id, visit_id=visit_id, om_visit_id=other.om_visit_id,
        om_sheet_id=other.om_sheet_id, task_id=other.task_id, point_id=other.point_id, purpose=str(other.purpose),
    )
