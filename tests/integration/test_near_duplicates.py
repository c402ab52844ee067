"""Near-duplicate photos found through the band index (services/adapters/neardup.py): a copy of another trip's photo is
found with its trip and visit, the same print-out shown for two points of one trip is found, an unrelated photo
and a resend of the same step are not; and the findings (photo_near_duplicate) the engine makes of them."""
from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from models import Finding, MonitoringTask, Photo, PhotoBand, PhotoPurpose, SamplingTrip, User, Visit, clock
from services.adapters import media, neardup
from services.adapters.field_pictures import COPIES, bottle, chimney, encode, printout
from services.core.uow import UnitOfWork
from services.findings import engine
from services.findings.facts import Subject
from states.neardup import BANDS, MAX_DISTANCE


@pytest.fixture
def uow(runtime, demo_world):
    with UnitOfWork(runtime) as uow:
        yield uow


@pytest.fixture
def trips(uow):
    """Two trips of the demo task's sampler, on two days."""
    session = uow.session
    task = session.scalars(select(MonitoringTask).where(MonitoringTask.visits.any())).first()
    sampler = task.visits[0].samplers[0]
    task.visits.append(Visit(day=clock.today() + timedelta(days=7), starts=time(8), ends=time(18),
                             samplers=[sampler]))
    found = [SamplingTrip(visit=visit, started_by=sampler) for visit in task.visits[:2]]
    session.add_all(found)
    session.flush()
    return found


def stored(uow, trip: SamplingTrip, data: bytes, purpose=PhotoPurpose.SAMPLING, point_index: int = 0) -> Photo:
    """A photo of the trip through the real processing (files, hashes, index), as the photo job does."""
    sender = uow.session.get(User, trip.started_by_id)
    point = trip.points[point_index] if purpose in (PhotoPurpose.SAMPLING, PhotoPurpose.OUTPUT) else None
    photo = Photo(trip=trip, purpose=purpose, point=point, sent_by=sender, media_id=f"m{len(data)}")
    uow.session.add(photo)
    uow.session.flush()
    media.store(uow, photo, data)
    uow.session.flush()
    return photo


def test_a_resized_re_encoded_copy_of_another_trips_photo_is_found_with_that_trip(uow, trips):
    first, second = trips
    scene = chimney(3)
    original = stored(uow, first, encode(scene))
    copy = stored(uow, second, COPIES["resize-50%+brighter-10%+q60"](scene))
    unrelated = stored(uow, second, encode(bottle(3)), PhotoPurpose.ARRIVAL)

    [found] = neardup.similar_photos(uow.session, copy)
    assert (found.photo_id, found.trip_id, found.visit_id) == (original.id, first.id, first.visit_id)
    assert 0 < found.distance <= MAX_DISTANCE
    assert [other.photo_id for other in neardup.similar_photos(uow.session, original)] == [copy.id]
    assert neardup.similar_photos(uow.session, unrelated) == []


def test_one_print_out_shown_for_two_points_of_the_same_trip_is_found_but_a_resend_of_one_step_is_not(uow, trips):
    trip = trips[0]
    print_out = printout(5)
    first_point = stored(uow, trip, encode(print_out), PhotoPurpose.OUTPUT, point_index=0)
    resent = stored(uow, trip, COPIES["jpeg-q75"](print_out), PhotoPurpose.OUTPUT, point_index=0)
    second_point = stored(uow, trip, COPIES["resize-75%"](print_out), PhotoPurpose.OUTPUT, point_index=1)
    other_reading = stored(uow, trip, encode(printout(6)), PhotoPurpose.OUTPUT, point_index=1)

    found = neardup.similar_photos(uow.session, second_point)
    assert {other.photo_id for other in found} == {first_point.id, resent.id}
    assert {other.point_id for other in found} == {trip.points[0].id}
    assert [other.photo_id for other in neardup.similar_photos(uow.session, first_point)] == [second_point.id]
    assert other_reading.id not in {other.photo_id for other in found}


def test_every_hash_within_the_threshold_is_found_however_its_differing_bits_are_spread(uow, trips):
    # the worst case for the bands: the differing bits spread evenly, two in as many bands as possible
    photo = stored(uow, trips[0], encode(chimney(8)))
    base = int(photo.dct_hash, 16)
    edges = [band * 256 // BANDS for band in range(BANDS)]
    spread = [255 - (edge + offset) for edge in edges for offset in (0, 1)]
    assert len(spread) == MAX_DISTANCE + 1  # all of it: two bits in every band, one more than the threshold
    for flipped, expected in ((spread[:MAX_DISTANCE], True), (spread, False)):
        probe = Photo(trip=trips[1], purpose=PhotoPurpose.ARRIVAL, sent_by=trips[1].started_by, media_id="x",
                      dct_hash=f"{base ^ sum(1 << bit for bit in flipped):064x}")
        uow.session.add(probe)
        uow.session.flush()
        found = [(other.photo_id, other.distance) for other in neardup.similar_photos(uow.session, probe)]
        assert found == ([(photo.id, len(flipped))] if expected else [])


def test_a_photo_reprocessed_keeps_one_set_of_bands(uow, trips):
    data = encode(bottle(9))
    photo = stored(uow, trips[0], data)
    media.store(uow, photo, data)
    uow.session.flush()
    assert len(uow.session.scalars(select(PhotoBand).where(PhotoBand.photo_id == photo.id)).all()) == BANDS


def test_rehash_gives_photos_stored_before_the_dct_hash_their_hash_and_bands(uow, trips, config):
    photo = stored(uow, trips[0], encode(chimney(11)))
    expected = photo.dct_hash
    photo.dct_hash = None
    neardup.index_photo(uow.session, photo)
    copy = stored(uow, trips[1], COPIES["jpeg-q60"](chimney(11)))
    assert neardup.similar_photos(uow.session, copy) == []

    assert neardup.rehash(uow.session, config.media_root) == (1, photo.id)  # the copy already had its hash
    assert photo.dct_hash == expected
    assert [other.photo_id for other in neardup.similar_photos(uow.session, copy)] == [photo.id]
    assert neardup.rehash(uow.session, config.media_root, after_id=photo.id) == (0, None)


# --- as findings (rule photo_near_duplicate) ------------------------------------------------------------------

def near_findings(uow, trip: SamplingTrip) -> dict[int, dict]:
    """The trip rescanned: its photo_near_duplicate findings' evidence, by photo."""
    engine.rescan(uow.session, Subject("trip", trip.id))
    rows = uow.session.scalars(select(Finding).where(Finding.trip_id == trip.id,
                                                     Finding.code == "photo_near_duplicate"))
    return {row.evidence["photo"]: row.evidence for row in rows}


@pytest.mark.parametrize("copy", ["resize-50%+brighter-10%+q60", "crop-1%-edges", "darker-10%", "jpeg-q60"])
def test_another_trips_photo_sent_again_re_encoded_or_resized_is_a_finding_on_both_trips(uow, trips, copy):
    first, second = trips
    original = stored(uow, first, encode(chimney(3)))
    copied = stored(uow, second, COPIES[copy](chimney(3)))

    found = near_findings(uow, second)
    assert list(found) == [copied.id]
    [other] = found[copied.id]["others"]
    assert (other["photo"], other["subject"]) == (original.id, f"trip:{first.id}")
    assert 0 < other["distance"] == found[copied.id]["hash_distance"] <= MAX_DISTANCE
    assert [e["others"][0]["photo"] for e in near_findings(uow, first).values()] == [copied.id]


def test_two_chimneys_or_two_sample_bottles_of_two_trips_are_no_finding(uow, trips):
    first, second = trips
    for scene in (chimney, bottle, printout):
        stored(uow, first, encode(scene(1)))
        stored(uow, second, encode(scene(2)))
    assert near_findings(uow, first) == {} and near_findings(uow, second) == {}


def test_one_print_out_shown_for_two_points_is_one_finding_and_a_resend_is_none(uow, trips):
    trip = trips[0]
    print_out = printout(5)
    first_point = stored(uow, trip, encode(print_out), PhotoPurpose.OUTPUT, point_index=0)
    stored(uow, trip, COPIES["jpeg-q75"](print_out), PhotoPurpose.OUTPUT, point_index=0)  # the step resent
    assert near_findings(uow, trip) == {}

    second_point = stored(uow, trip, COPIES["resize-75%"](print_out), PhotoPurpose.OUTPUT, point_index=1)
    found = near_findings(uow, trip)
    assert list(found) == [second_point.id]  # the pair once, on the photo that repeats the other
    assert found[second_point.id]["point"] == trip.points[1].id
    assert {o["photo"] for o in found[second_point.id]["others"]} >= {first_point.id}
    assert {o["point"] for o in found[second_point.id]["others"]} == {trip.points[0].id}


def test_the_same_bytes_on_another_trip_are_photo_reused_not_also_a_near_duplicate(uow, trips):
    first, second = trips
    data = encode(bottle(4))
    stored(uow, first, data)
    stored(uow, second, data)
    engine.rescan(uow.session, Subject("trip", second.id))
    codes = uow.session.scalars(select(Finding.code).where(Finding.trip_id == second.id)).all()
    assert "photo_reused" in codes and "photo_near_duplicate" not in codes
