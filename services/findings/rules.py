"""The findings rules: small pure functions over the facts of one trip or O&M visit (services/findings/facts.py).

Each returns the hits it finds: (code, instance, evidence). `instance` tells two findings of one code on one
subject apart — one finding per offending check-in, photo, sample, plan item or other trip/visit — so a rescan
finds the same keys again and adds nothing. Cross-visit rules are given what the engine looked up: the other
photos with the same bytes, the same people's other trips and visits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from models import clock
from services.adapters import geo
from services.findings.facts import CONFIRMED, Facts, Subject
from states.findings import rule
from states.neardup import MAX_DISTANCE


@dataclass(frozen=True)
class Hit:
    code: str
    instance: str
    evidence: dict


def when(moment: datetime | None) -> str | None:
    """Times in evidence: China time, to the second."""
    return clock.local(moment).isoformat(timespec="seconds") if moment else None


def minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


# --- one subject ---------------------------------------------------------------------------------------------

def outside_fence(f: Facts) -> list[Hit]:
    return [Hit("outside_fence", f"check_in:{c.id}", {
        "check_in": c.id, "kind": c.kind, "at": when(c.at), "distance_m": round(c.distance_m),
        "fence_m": round(f.fence_m), "person": c.user_id})
        for c in f.check_ins if c.distance_m > f.fence_m]


def point_outside(f: Facts) -> list[Hit]:
    """A point sampled farther from its registered position (or the site) than allowed; the allowance was fixed
    when the location was recorded (services/checkins.py: new_point_location)."""
    return [Hit("point_outside", f"point:{p.point_id}", {
        "point": p.point_id, "point_name": p.point_name, "point_location": p.id, "reference": p.reference,
        "distance_m": round(p.distance_m), "allowed_m": round(p.allowed_m), "latitude": p.lat, "longitude": p.lng,
        "reference_latitude": p.reference_lat, "reference_longitude": p.reference_lng})
        for p in f.point_stops if p.distance_m > p.allowed_m]


def exif_time_mismatch(f: Facts) -> list[Hit]:
    """A photo's capture time outside arrival → departure (or, before departure, → its receipt)."""
    arrival = f.arrival
    if arrival is None:
        return []
    tolerance = timedelta(minutes=rule("exif_time_mismatch").param("tolerance_min"))
    hits = []
    for photo in f.photos:
        if photo.exif_time is None:
            continue  # WeChat strips EXIF: no evidence either way
        end = f.departure.at if f.departure else photo.received_at
        outside = max(arrival.at - photo.exif_time, photo.exif_time - end)
        if outside > tolerance:
            hits.append(Hit("exif_time_mismatch", f"photo:{photo.id}", {
                "photo": photo.id, "exif_time": when(photo.exif_time), "window_from": when(arrival.at),
                "window_to": when(end), "minutes_outside": minutes(outside),
                "tolerance_min": tolerance.total_seconds() / 60}))
    return hits


def exif_place_mismatch(f: Facts) -> list[Hit]:
    allowed = f.fence_m + rule("exif_place_mismatch").param("gps_tolerance_m")
    hits = []
    for photo in f.photos:
        if photo.exif_lat is None or photo.exif_lng is None:
            continue
        distance = exif_distance_m(f, photo.exif_lat, photo.exif_lng)
        if distance > allowed:
            hits.append(Hit("exif_place_mismatch", f"photo:{photo.id}", {
                "photo": photo.id, "exif_lat": photo.exif_lat, "exif_lng": photo.exif_lng,
                "distance_m": round(distance), "allowed_m": round(allowed)}))
    return hits


def exif_distance_m(f: Facts, lat: float, lng: float) -> float:
    """Metres from the site, reading the EXIF position as WGS-84 or as GCJ-02, whichever is nearer."""
    raw = geo.distance_m(f.site_lat, f.site_lng, lat, lng)
    converted = geo.distance_m(f.site_lat, f.site_lng, *geo.wgs84_to_gcj02(lat, lng))
    return min(raw, converted)


def minimum_minutes(f: Facts) -> tuple[float, list[dict]]:
    """The least time the planned points (trip) or the confirmed sheets (O&M) take, and what it counted;
    points sampled at the same time (fugitive emissions) count once."""
    r = rule("short_visit")
    if f.subject.kind == "trip":
        per, concurrent = r.param("trip_minutes_per_point"), r.param("trip_concurrent_kinds")
    else:
        per, concurrent = r.param("om_minutes_per_sheet"), {}
    work = [w for n, w in enumerate(f.work) if w not in concurrent or w not in f.work[:n]]
    counted = [{"what": item, "minutes": per.get(item, 0)} for item in work]
    return sum(c["minutes"] for c in counted), counted


def short_visit(f: Facts) -> list[Hit]:
    if f.on_site is None:
        return []
    arrived, left = f.on_site
    needed, counted = minimum_minutes(f)
    on_site = minutes(left - arrived)
    if on_site >= needed:
        return []
    return [Hit("short_visit", "", {"minutes_on_site": on_site, "minimum_minutes": needed, "counted": counted,
                                    "arrival": when(arrived), "departure": when(left)})]


def _to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def sample_time_outside_visit(f: Facts) -> list[Hit]:
    """Typed sampling times carry minutes only, so the check-ins are compared to the minute."""
    arrival, departure = f.arrival, f.departure
    if arrival is None:
        return []
    start = _to_minute(arrival.at)
    end = _to_minute(departure.at) if departure else None
    hits = []
    for sample in f.samples:
        if sample.sampled_at is None:
            continue
        at = _to_minute(sample.sampled_at)
        if at < start or (end is not None and at > end):
            hits.append(Hit("sample_time_outside_visit", f"sample:{sample.id}", {
                "sample": sample.id, "code": sample.code, "sampled_at": when(sample.sampled_at),
                "arrival": when(arrival.at), "departure": when(departure.at) if departure else None}))
    return hits


def off_schedule(f: Facts) -> list[Hit]:
    arrival = f.arrival
    if arrival is None or f.scheduled is None:
        return []
    start, end = f.scheduled
    tolerance = timedelta(minutes=rule("off_schedule").param("tolerance_min"))
    outside = max(start - arrival.at, arrival.at - end)
    if outside <= tolerance:
        return []
    return [Hit("off_schedule", "", {"arrival": when(arrival.at), "window_from": when(start), "window_to": when(end),
                                     "minutes_outside": minutes(outside)})]


def confirmation_missing(f: Facts) -> list[Hit]:
    if not f.submitted or not f.needs_confirmation:
        return []
    status = f.confirmation.status if f.confirmation else None
    if status == CONFIRMED:
        return []
    return [Hit("confirmation_missing", "", {"confirmation_status": status,
                                             "confirmation": f.confirmation.id if f.confirmation else None})]


def after_departure(f: Facts) -> list[Hit]:
    c = f.confirmation
    if f.subject.kind != "trip" or c is None or c.status != CONFIRMED or not c.after_departure:
        return []
    departure = f.departure
    return [Hit("after_departure", f"confirmation:{c.id}", {
        "confirmation": c.id, "decided_at": when(c.decided_at), "departure": when(departure.at) if departure else None,
        "minutes_after": minutes(c.decided_at - departure.at) if departure and c.decided_at else None})]


def planned_sheet_missing(f: Facts) -> list[Hit]:
    """A plan item due on the visit with no confirmed sheet of its form for its instrument (or point)."""
    if f.subject.kind != "om" or not f.submitted:
        return []
    from states.om_sheets import SHEETS

    def done(item) -> bool:
        return any(s.form == item.form and (s.instrument_id == item.instrument_id if item.instrument_id
                                            else s.point_id == item.point_id) for s in f.done_sheets)
    return [Hit("planned_sheet_missing", f"plan_item:{item.item_id}", {
        "plan_item": item.item_id, "sheet": item.form, "sheet_title": SHEETS[item.form].title,
        "instrument": item.instrument_id, "point": item.point_id})
        for item in f.planned_sheets if not done(item)]


def crew_absent(f: Facts) -> list[Hit]:
    """A person named on the work who neither checked in its arrival or departure nor confirmed presence near the
    site while the crew was on site. Where an arrival or departure was far, outside_fence says so: the same check-in
    is not reported twice. Judged once the departure closes the time on site: until then a colleague may still
    confirm."""
    if f.on_site is None:
        return []
    r = rule("crew_absent")
    tolerance = timedelta(minutes=r.param("window_tolerance_min"))
    allowed = f.fence_m + r.param("gps_tolerance_m")
    start, end = f.on_site
    checked_in = {c.user_id for c in f.check_ins}
    hits = []
    for person, name in sorted(f.named.items()):
        own = [c for c in f.check_ins + f.presence if c.user_id == person]
        if person in checked_in or any(c.distance_m <= allowed and start - tolerance <= c.at <= end + tolerance
                                       for c in own):
            continue
        nearest = min(own, key=lambda c: (c.distance_m, c.at), default=None)
        hits.append(Hit("crew_absent", f"person:{person}", {
            "person": person, "name": name, "window_from": when(start), "window_to": when(end),
            "allowed_m": round(allowed), "tolerance_min": tolerance.total_seconds() / 60,
            "nearest": nearest and {"check_in": nearest.id, "kind": nearest.kind, "at": when(nearest.at),
                                    "distance_m": round(nearest.distance_m),
                                    "minutes_outside": minutes(max(start - nearest.at, nearest.at - end,
                                                                   timedelta(0)))}}))
    return hits


def instrument_expired(f: Facts) -> list[Hit]:
    """An instrument confirmed on the trip whose calibration, as filed, had run out on the day of the arrival."""
    if f.arrival is None:
        return []
    day = clock.local(f.arrival.at).date()
    return [Hit("instrument_expired", f"equipment:{i.equipment_id}", {
        "equipment": i.equipment_id, "name": i.name, "asset_no": i.asset_no,
        "valid_until": i.valid_until.isoformat() if i.valid_until else None, "day": day.isoformat()})
        for i in f.instruments if i.valid_until is None or i.valid_until < day]


SINGLE = (outside_fence, point_outside, instrument_expired, exif_time_mismatch, exif_place_mismatch, short_visit,
          sample_time_outside_visit, off_schedule, crew_absent, confirmation_missing, after_departure,
          planned_sheet_missing)


# --- across trips and visits ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class NearPhoto:
    """Another trip's or visit's photo (or one of another point or purpose of this subject) perceptually the same."""

    photo: int
    subject: Subject
    distance: int  # Hamming distance of the DCT hashes (states/neardup.py)
    point: int | None
    purpose: str
    sha256: str | None


@dataclass(frozen=True)
class CopiedSheet:
    """A confirmed sheet of this O&M visit and the other visits' sheets with the same readings."""

    sheet: int
    form: str
    readings: dict[str, float]
    others: list[tuple[int, Subject]]


@dataclass(frozen=True)
class SimilarSignature:
    """An earlier signature on another O&M visit of the same polluter within the threshold."""

    confirmation: int
    subject: Subject
    decided_at: datetime
    distance: int


@dataclass(frozen=True)
class Across:
    """What the engine looked up beyond the subject for the cross-visit rules."""

    others: list[Facts] = field(default_factory=list)  # the same people's trips and visits around this one
    copies: dict[int, list[tuple[int, Subject]]] = field(default_factory=dict)  # same bytes, by photo id
    near: dict[int, list[NearPhoto]] = field(default_factory=dict)  # perceptually the same, by photo id
    readings: list[CopiedSheet] = field(default_factory=list)  # O&M sheets whose readings other visits repeat
    signatures: list[SimilarSignature] = field(default_factory=list)  # earlier signatures this one repeats
    sharing: list[Facts] = field(default_factory=list)  # other trips that confirmed one of this trip's instruments

    def subjects(self) -> set[Subject]:
        """The other trips and visits named: their findings may change with this one's."""
        found = {o.subject for o in self.others} | {s for copies in self.copies.values() for _, s in copies}
        found |= {s for copied in self.readings for _, s in copied.others} | {s.subject for s in self.signatures}
        found |= {o.subject for o in self.sharing}
        return found | {n.subject for near in self.near.values() for n in near}


def photo_reused(f: Facts, same_bytes: dict[int, list[tuple[int, Subject]]]) -> list[Hit]:
    """`same_bytes`: this subject's photo id → the (photo id, subject) of other trips' or visits' copies."""
    sha = {p.id: p.sha256 for p in f.photos}
    return [Hit("photo_reused", f"photo:{photo_id}", {
        "photo": photo_id, "sha256": sha.get(photo_id),
        "others": [{"photo": other, "subject": subject.key} for other, subject in sorted(copies, key=str)]})
        for photo_id, copies in sorted(same_bytes.items()) if copies and photo_id in sha]


def photo_near_duplicate(f: Facts, near: dict[int, list[NearPhoto]]) -> list[Hit]:
    """`near`: this subject's photo id → the photos the near-duplicate index found for it (engine.py)."""
    own = {p.id: p for p in f.photos}
    hits = []
    for photo_id, found in sorted(near.items()):
        if not found or photo_id not in own:
            continue
        others = sorted(found, key=lambda n: (n.distance, n.photo))
        hits.append(Hit("photo_near_duplicate", f"photo:{photo_id}", {
            "photo": photo_id, "point": own[photo_id].point_id, "purpose": own[photo_id].purpose,
            "hash_distance": others[0].distance, "max_distance": MAX_DISTANCE,
            "others": [{"photo": n.photo, "subject": n.subject.key, "distance": n.distance, "point": n.point,
                        "purpose": n.purpose} for n in others]}))
    return hits


def copied_readings(f: Facts, copied: list[CopiedSheet]) -> list[Hit]:
    """Every informative reading of a confirmed sheet equal on another visit's sheet (engine.same_readings)."""
    from states.om_sheets import SHEETS

    return [Hit("copied_readings", f"sheet:{c.sheet}", {
        "sheet": c.sheet, "form": c.form, "sheet_title": SHEETS[c.form].title, "readings": c.readings,
        "others": [{"sheet": sheet, "subject": subject.key} for sheet, subject in c.others]})
        for c in copied if c.others and f.subject.kind == "om"]


def signature_reused(f: Facts, earlier: list[SimilarSignature]) -> list[Hit]:
    """The polluter's signature on this visit repeats an earlier one (engine.earlier_signatures): a hand never
    draws the same strokes twice."""
    c = f.confirmation
    if not earlier or c is None or c.status != CONFIRMED:
        return []
    others = sorted(earlier, key=lambda s: (s.distance, s.confirmation))
    return [Hit("signature_reused", f"confirmation:{c.id}", {
        "confirmation": c.id, "decided_at": when(c.decided_at), "hash_distance": others[0].distance,
        "others": [{"confirmation": s.confirmation, "subject": s.subject.key, "decided_at": when(s.decided_at),
                    "distance": s.distance} for s in others]})]


def overlapping_visits(f: Facts, others: list[Facts]) -> list[Hit]:
    """Someone of this crew on site elsewhere at the same time (another polluter's site)."""
    mine = f.on_site
    if mine is None:
        return []
    hits = []
    for other in others:
        theirs, people = other.on_site, sorted(f.crew & other.crew)
        if theirs is None or not people or other.polluter_id == f.polluter_id:
            continue
        overlap = min(mine[1], theirs[1]) - max(mine[0], theirs[0])
        if overlap > timedelta(0):
            hits.append(Hit("overlapping_visits", other.subject.key, {
                "people": people, "other": other.subject.key, "other_site": other.site,
                "this_window": [when(mine[0]), when(mine[1])], "other_window": [when(theirs[0]), when(theirs[1])],
                "overlap_minutes": minutes(overlap)}))
    return hits


def instrument_double_booked(f: Facts, sharing: list[Facts]) -> list[Hit]:
    """One instrument confirmed on two trips whose times on site overlap: it cannot have been at both sites."""
    mine = f.present
    if mine is None:
        return []
    hits = []
    for other in sharing:
        theirs = other.present
        if theirs is None:
            continue
        overlap = min(mine[1], theirs[1]) - max(mine[0], theirs[0])
        shared = {i.equipment_id for i in other.instruments}
        hits += [Hit("instrument_double_booked", f"equipment:{i.equipment_id}:{other.subject.key}", {
            "equipment": i.equipment_id, "name": i.name, "asset_no": i.asset_no, "other": other.subject.key,
            "other_site": other.site, "this_window": [when(mine[0]), when(mine[1])],
            "other_window": [when(theirs[0]), when(theirs[1])], "overlap_minutes": minutes(overlap)})
            for i in f.instruments if i.equipment_id in shared and overlap > timedelta(0)]
    return hits


def impossible_travel(f: Facts, others: list[Facts]) -> list[Hit]:
    """From the previous site's departure to this arrival, and from this departure to the next arrival (the
    crew's nearest trips or visits either side; a longer chain can only be slower than its fastest leg)."""
    if f.on_site is None:
        return []
    shared = [o for o in others if o.on_site is not None and f.crew & o.crew]
    before = [o for o in shared if o.on_site[1] <= f.on_site[0]]
    after = [o for o in shared if o.on_site[0] >= f.on_site[1]]
    legs = []
    if before:
        previous = max(before, key=lambda o: o.on_site[1])
        legs.append((previous, previous.departure, f.arrival))
    if after:
        following = min(after, key=lambda o: o.on_site[0])
        legs.append((following, f.departure, following.arrival))
    hits = [_leg(other, sorted(f.crew & other.crew), start, end) for other, start, end in legs]
    return [hit for hit in hits if hit]


def _leg(other: Facts, people: list[int], start, end) -> Hit | None:
    r = rule("impossible_travel")
    distance = geo.distance_m(start.lat, start.lng, end.lat, end.lng)
    if distance < r.param("min_distance_m"):
        return None
    hours = (end.at - start.at).total_seconds() / 3600
    speed = distance / 1000 / hours if hours > 0 else float("inf")
    if speed <= r.param("max_speed_kmh"):
        return None
    return Hit("impossible_travel", other.subject.key, {
        "people": people, "other": other.subject.key, "other_site": other.site, "from_check_in": start.id,
        "to_check_in": end.id, "left_at": when(start.at), "arrived_at": when(end.at), "distance_m": round(distance),
        "minutes": minutes(end.at - start.at), "speed_kmh": round(speed, 1) if speed != float("inf") else None})
