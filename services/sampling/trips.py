"""Use cases of a field sampling trip (采样行程), called by the WeChat handlers (and later the web panel).

Each function loads what it needs, fires one trigger of the trip machine, appends to the trip's event log
and leaves the commit to the caller's unit of work.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from models import (
    CheckIn,
    CheckInKind,
    ConditionRecord,
    MonitoringPoint,
    MonitoringTask,
    Photo,
    PhotoPurpose,
    PlanItem,
    PointInstrument,
    PointLocation,
    Sample,
    SamplingTrip,
    TaskStatus,
    TripInstrument,
    User,
    Visit,
    audit,
    clock,
)
from models.tasks import visit_sampler
from services.core.refusal import TripProblem
from services.field import checkins, fieldwork, presence
from services.polluters import point_positions
from services.sampling import confirmations, instruments
from services.texts.names import TRANSPORT_FIELDS
from states import forms
from states.conditions import WORKING_CONDITIONS
from states.findings import rule
from states.holding_times import STORAGE_CONDITIONS, storage_condition
from states.trip import ACTIVE, Step

CORE = fieldwork.TRIP

PHOTO_PURPOSE = {
    Step.ARRIVAL_PHOTO: PhotoPurpose.ARRIVAL,
    Step.SAMPLE_PHOTO: PhotoPurpose.SAMPLING,
    Step.OUTPUT_PHOTO: PhotoPurpose.OUTPUT,
    Step.DEPARTURE_PHOTO: PhotoPurpose.DEPARTURE,
}
NOW_WORDS = {"现在", "1", "now", "当前", "当前时间"}
# 运输保存: what a change names before its value (“2 容器 棕色玻璃瓶”); without one it is the storage condition
CHANGED_FIELDS = {**{name: field for field, name in TRANSPORT_FIELDS.items()}, "条件": "storage"}
TRANSPORT_CHANGE = re.compile(r"(\d+(?:-\d+)*)\s*(.*)")  # a group number or a sample code, then the change
NONE_WORDS = {"无", "不加", "—", "-"}
FIELD_MAX = {"container": 64, "preservative": 64}


# --- finding work ------------------------------------------------------------------------------------

def visits_due(db: Session, user: User, today: date | None = None) -> list[Visit]:
    """The sampler's visits for today and the overdue ones whose trip is not yet submitted."""
    today = today or clock.today()
    finished = exists().where(SamplingTrip.visit_id == Visit.id, SamplingTrip.state.not_in(ACTIVE))
    query = (
        select(Visit)
        .join(visit_sampler, visit_sampler.c.visit_id == Visit.id)
        .join(MonitoringTask, MonitoringTask.id == Visit.task_id)
        # a schedule still being drafted on the desk is not work for the field yet
        .where(visit_sampler.c.user_id == user.id, Visit.day <= today, ~finished,
               MonitoringTask.status == TaskStatus.SAMPLING)
        .order_by(Visit.day, Visit.starts, Visit.id)
    )
    return list(db.scalars(query))


# what every step of a trip reads, loaded with the trip instead of one lazy query at a time
TRIP_GRAPH = (
    joinedload(SamplingTrip.visit).joinedload(Visit.task).joinedload(MonitoringTask.polluter),
    joinedload(SamplingTrip.visit).joinedload(Visit.task).joinedload(MonitoringTask.agency),
    joinedload(SamplingTrip.visit).joinedload(Visit.task).selectinload(MonitoringTask.plan)
    .joinedload(PlanItem.point),
    joinedload(SamplingTrip.conditions),
    selectinload(SamplingTrip.point_locations),
    selectinload(SamplingTrip.instruments).joinedload(TripInstrument.equipment),
    selectinload(SamplingTrip.point_instruments).joinedload(PointInstrument.equipment),
)


# Built once, with the user and the preferred trip as parameters: SQLAlchemy memoises a statement's cache key on
# the statement, and generating it for these loader options cost about a third of running the query (per message).
ACTIVE_TRIP = (
    select(SamplingTrip)
    .options(*TRIP_GRAPH)
    .join(visit_sampler, visit_sampler.c.visit_id == SamplingTrip.visit_id)
    .where(visit_sampler.c.user_id == bindparam("user_id"), SamplingTrip.state.in_(ACTIVE))
    .order_by((SamplingTrip.id == bindparam("preferred_id")).desc(), SamplingTrip.id.desc())
    .limit(1)
    .with_for_update(of=SamplingTrip)
)


def active_trip(db: Session, user: User, preferred_id: int | None = None) -> SamplingTrip | None:
    """The trip the sampler is in the middle of, found in the database (the chat session only hints
    which one). The row is locked, so two samplers on one visit take turns on it."""
    trip = db.scalars(ACTIVE_TRIP, {"user_id": user.id, "preferred_id": preferred_id or 0}).first()
    if trip is not None:
        audit.hold(db, trip)  # its event log is appended without locking it again
    return trip


def photo_of(db: Session, trip_id: int, photo_id: int) -> Photo | None:
    photo = db.get(Photo, photo_id)
    return photo if photo is not None and photo.trip_id == trip_id else None


def awaiting_confirmation(db: Session, polluter_id: int) -> list[SamplingTrip]:
    """Trips of the polluter's sites submitted and waiting for its confirmation (待确认)."""
    query = (
        select(SamplingTrip)
        .join(Visit, Visit.id == SamplingTrip.visit_id)
        .join(MonitoringTask, MonitoringTask.id == Visit.task_id)
        .where(MonitoringTask.polluter_id == polluter_id, SamplingTrip.state == Step.AWAITING_CONFIRMATION)
        .order_by(SamplingTrip.submitted_at)
    )
    return list(db.scalars(query))


def off_schedule(db: Session, user: User, visit_id: int) -> tuple[datetime, datetime] | None:
    """The visit's scheduled window when starting its trip now would be further outside it than the off_schedule
    finding tolerates (states/findings.py): the sampler confirms before starting. None within it, and for a trip
    already started (joining or resuming it starts nothing)."""
    visit = db.get(Visit, visit_id)
    if visit is None or user not in visit.samplers:
        return None
    if db.scalar(select(SamplingTrip.id).where(SamplingTrip.visit_id == visit_id)) is not None:
        return None
    start, end = clock.at_local(visit.day, visit.starts), clock.at_local(visit.day, visit.ends)
    tolerance = timedelta(minutes=rule("off_schedule").param("tolerance_min"))
    now = clock.now()
    return (start, end) if now < start - tolerance or now > end + tolerance else None


def open_trip(uow, user: User, visit_id: int, key: str | None = None,
              off_schedule_confirmed: bool = False) -> tuple[SamplingTrip, bool]:
    """Start the visit's trip, or join it where a colleague on the same visit already started it; a start the
    sampler confirmed outside the scheduled window says so in the log. Returns the trip and whether this call
    created it."""
    db = uow.session
    visit = db.get(Visit, visit_id)
    if visit is None or user not in visit.samplers:
        raise TripProblem("not_assigned")
    trip = db.scalar(select(SamplingTrip).where(SamplingTrip.visit_id == visit_id))
    created = trip is None
    if created:
        trip = _create_trip(db, visit, user, key, off_schedule_confirmed)
    if trip.state not in ACTIVE:
        raise TripProblem("trip_closed", state=trip.state)
    return trip, created


def _create_trip(db: Session, visit: Visit, user: User, key: str | None, off_schedule_confirmed: bool) -> SamplingTrip:
    trip = SamplingTrip(visit=visit, started_by=user, state=Step.NEW.value)
    try:
        with db.begin_nested():
            db.add(trip)
            db.flush()
    except IntegrityError:
        # a colleague created it at the same moment: join theirs
        return db.scalar(select(SamplingTrip).where(SamplingTrip.visit_id == visit.id))
    instruments.seed(trip)
    CORE.fire(trip, "start")
    CORE.log(trip, user, "start", key, **({"off_schedule": True} if off_schedule_confirmed else {}))
    return trip


# --- the steps ------------------------------------------------------------------------------------------

def check_in(uow, trip: SamplingTrip, user: User, latitude: float, longitude: float,
             precision: float | None = None, label: str | None = None, key: str | None = None) -> CheckIn:
    """进场/离场签到: record where the sampler is; outside the fence is accepted but flagged. At the arrival, the
    rest of the crew is asked to confirm presence from their own WeChat."""
    site = (trip.points, trip.visit.task.polluter)
    record = CORE.check_in(trip, user, site, latitude, longitude, precision, label, key)
    if record.kind == CheckInKind.ARRIVAL:
        presence.ask_crew(uow, presence.of_trip(trip), record)
    return record


def locate_point(uow, trip: SamplingTrip, user: User, latitude: float, longitude: float,
                 precision: float | None = None, label: str | None = None, key: str | None = None) -> PointLocation:
    """点位布设: where the current point is sampled, before its photos; far from its registered position (or the
    site, while it has none) is accepted but flagged. A point with no position gets this one proposed."""
    CORE.expect(trip, {Step.POINT_LOCATION: True})
    point = trip.current_point
    record = checkins.new_point_location(user, point, latitude, longitude, precision, label)
    trip.point_locations.append(record)
    CORE.fire(trip, "locate_point")
    _after_move(trip)
    proposal = point_positions.propose(uow.session, trip, record)
    uow.session.flush()
    CORE.log(trip, user, "point_location", key, point=point.name, distance_m=record.distance_m,
             reference=record.reference, far=record.far, proposal=proposal.id if proposal else None)
    if trip.state == Step.SAMPLE_PHOTO:
        instruments.record_the_only_one(trip, user, key)
    return record


def add_photo(uow, trip: SamplingTrip, user: User, media_id: str, pic_url: str | None = None,
              live: bool = False, key: str | None = None) -> Photo:
    """Record a photo for the current step; its media is fetched by a job after the commit."""
    purpose = CORE.expect(trip, PHOTO_PURPOSE)
    point = trip.current_point if purpose in (PhotoPurpose.SAMPLING, PhotoPurpose.OUTPUT) else None
    photo = fieldwork.add_photo(uow, user, media_id, pic_url, live, trip_id=trip.id, purpose=purpose,
                                point_id=point.id if point else None)
    CORE.log(trip, user, "photo", key, photo=photo.id, purpose=purpose, live=live)
    return photo


def proceed(uow, trip: SamplingTrip, user: User, key: str | None = None) -> None:
    """下一步 after photos: refused until the step has at least one photo."""
    CORE.expect(trip, PHOTO_PURPOSE)
    CORE.fire(trip, "proceed", "photo_needed")
    _after_move(trip)
    CORE.log(trip, user, "proceed", key, to=trip.state)


def record_sample_time(uow, trip: SamplingTrip, user: User, text: str, key: str | None = None) -> list:
    """The sampling time of the current point's samples: “现在” or a time of day such as 10:35."""
    CORE.expect(trip, {Step.SAMPLE_TIME: True})
    moment = _parse_moment(text)
    _not_before_arrival(trip, moment)
    samples = [s for s in trip.samples if s.point_id == trip.current_point.id]
    for sample in samples:
        sample.sampled_at = moment
    CORE.fire(trip, "record_time")
    _after_move(trip)
    CORE.log(trip, user, "sample_time", key, at=moment.isoformat(), samples=[s.code for s in samples])
    return samples


def change_transport(uow, trip: SamplingTrip, user: User, text: str, key: str | None = None) -> tuple[list, str]:
    """运输保存: change the container, preservative or storage condition of one group (its number) or one sample
    (its code) from what the plan proposed: “2 冷藏”, “2 3”, “2 容器 棕色玻璃瓶”, “2 保存剂 无”.
    Returns the samples changed and the field."""
    CORE.expect(trip, {Step.TRANSPORT: True})
    found = TRANSPORT_CHANGE.match(forms.normalise(text))
    target, rest = found.groups() if found else ("", "")
    samples = _transport_target(trip, target)
    word, _, value = rest.strip().partition(" ")
    field = CHANGED_FIELDS.get(word)
    value = value.strip() if field else rest.strip()
    field = field or "storage"
    if field == "storage":
        value = storage_condition(value)
        if value is None:
            raise TripProblem("bad_storage", choices=storage_choices())
    elif value in NONE_WORDS and field == "preservative":
        value = None
    elif not value or len(value) > FIELD_MAX[field]:
        raise TripProblem("bad_transport_value", most=FIELD_MAX[field])
    for sample in samples:
        setattr(sample, field, value)
    CORE.log(trip, user, "transport", key, samples=[s.code for s in samples], field=field, value=value)
    return samples, field


def _transport_target(trip: SamplingTrip, target: str) -> list[Sample]:
    groups = transport_groups(trip)
    if target.isdigit() and 1 <= int(target) <= len(groups):
        return groups[int(target) - 1]
    sample = next((s for s in trip.samples if s.travels and s.code == target), None)
    if sample is None:
        raise TripProblem("bad_transport", count=len(groups))
    return [sample]


def transport_groups(trip: SamplingTrip) -> list[list[Sample]]:
    """The samples for the laboratory, grouped as the plan packs them (the same container, preservative and
    storage condition), in the order they were sampled: the numbers the sampler answers with. Grouped by the plan,
    not by what was changed, so a number keeps meaning the same samples."""
    planned = {(i.point_id, i.factor): (i.container, i.preservative, i.storage) for i in trip.visit.task.plan}
    groups: dict[tuple | None, list[Sample]] = {}
    for sample in trip.samples:
        if sample.travels:
            groups.setdefault(planned.get((sample.point_id, sample.factor)), []).append(sample)
    return list(groups.values())


def storage_choices() -> str:
    return " ".join(f"{n} {name}" for n, name in enumerate(STORAGE_CONDITIONS, 1))


def _storage_known(trip: SamplingTrip) -> None:
    """Every sample travels in a known condition: a plan line without one must be answered on site."""
    missing = [n for n, group in enumerate(transport_groups(trip), 1) if any(not s.storage for s in group)]
    if missing:
        raise TripProblem("storage_missing", groups="、".join(map(str, missing)), first=missing[0],
                          choices=storage_choices())


def record_left_site(uow, trip: SamplingTrip, user: User, text: str, key: str | None = None) -> datetime:
    """运输保存: when the samples left the site for the laboratory — “现在” or a time of day, not before the last
    sample was taken; the laboratory's receipt is checked against it."""
    CORE.expect(trip, {Step.LEFT_SITE: True})
    moment = _parse_moment(text, future="left_future")
    sampled = max((s.sampled_at for s in trip.samples if s.travels and s.sampled_at), default=None)
    if sampled is not None and moment < sampled.replace(second=0, microsecond=0):
        raise TripProblem("left_before_sampling", typed=clock.local(moment).strftime("%H:%M"),
                          sampled=clock.local(sampled).strftime("%H:%M"))
    trip.samples_left_at = moment
    CORE.fire(trip, "leave_site")
    CORE.log(trip, user, "left_site", key, at=moment.isoformat())
    return moment


def _not_before_arrival(trip: SamplingTrip, moment: datetime) -> None:
    """A sample is taken on site: a time before the arrival check-in's minute is a typing slip (or worse)."""
    arrival = trip.latest_check_in(CheckInKind.ARRIVAL)
    if arrival is not None and moment < arrival.at.replace(second=0, microsecond=0):
        raise TripProblem("before_arrival", typed=clock.local(moment).strftime("%H:%M"),
                          arrival=clock.local(arrival.at).strftime("%H:%M"))


def _parse_moment(text: str, future: str = "future_time") -> datetime:
    if forms.normalise(text).lower() in NOW_WORDS:
        return clock.now()
    field = forms.Field("sampled_at", "采样时间", forms.Kind.TIME)
    try:
        value = forms.parse(field, text)
    except forms.FieldError as exc:
        raise TripProblem("bad_time") from exc
    moment = clock.at_local(clock.today(), forms.time_of(value))
    if moment > clock.now():
        raise TripProblem(future)
    return moment


def answer_condition(uow, trip: SamplingTrip, user: User, text: str, key: str | None = None) -> None:
    """One answer of the 采样工况 form; FieldError tells what the field expects."""
    CORE.expect(trip, {Step.CONDITIONS: True})
    record = trip.conditions
    tags = visit_tags(trip)
    asked = forms.current_field(WORKING_CONDITIONS, record.answers, tags)
    record.answers = forms.answer(WORKING_CONDITIONS, dict(record.answers), tags, text)
    CORE.log(trip, user, "condition", key, field=asked.name, value=record.answers[asked.name])
    if forms.current_field(WORKING_CONDITIONS, record.answers, tags) is None:
        CORE.fire(trip, "finish_form")


def confirm(uow, trip: SamplingTrip, user: User, key: str | None = None) -> None:
    """确认: the operating conditions, or the whole trip (submitted to the polluter)."""
    if trip.state == Step.CONDITIONS_CONFIRM:
        trip.conditions.confirmed_at = clock.now()
    elif trip.state == Step.TRANSPORT:
        _storage_known(trip)
    elif trip.state == Step.REVIEW:
        trip.submitted_at = clock.now()
    else:
        raise TripProblem("wrong_step")
    CORE.fire(trip, "confirm")
    CORE.log(trip, user, "confirm", key, to=trip.state)
    if trip.state == Step.AWAITING_CONFIRMATION:
        confirmations.request(uow, trip)


def go_back(uow, trip: SamplingTrip, user: User, key: str | None = None) -> None:
    """上一步: one question or one step back; what was recorded stays in the log."""
    record = trip.conditions
    tags = visit_tags(trip)
    if trip.state in (Step.CONDITIONS, Step.CONDITIONS_CONFIRM) and record and record.answers:
        record.answers = forms.back(WORKING_CONDITIONS, dict(record.answers), tags) or {}
        record.confirmed_at = None
        if trip.state == Step.CONDITIONS_CONFIRM:
            CORE.fire(trip, "back")
    else:
        CORE.fire(trip, "back", "cannot_go_back")
    CORE.log(trip, user, "back", key, to=trip.state)


def cancel(uow, trip: SamplingTrip, user: User, key: str | None = None) -> None:
    """取消: the trip ends unsubmitted; everything recorded on it is kept."""
    CORE.cancel(trip, user, key)


# --- helpers --------------------------------------------------------------------------------------------

def visit_tags(trip: SamplingTrip) -> frozenset[str]:
    """Form context: the kinds of the planned points (a flue-gas point adds the flue-gas fields)."""
    return frozenset(str(p.kind) for p in trip.points)


def samples_at(trip: SamplingTrip, point: MonitoringPoint) -> list[Sample]:
    return [s for s in trip.samples if s.point_id == point.id]


def _after_move(trip: SamplingTrip) -> None:
    """Prepare what the new step shows: the point's sample codes, or an empty conditions form."""
    if trip.state in (Step.POINT_LOCATION, Step.POINT_INSTRUMENTS, Step.SAMPLE_PHOTO):
        ensure_samples(trip)
    if trip.state == Step.CONDITIONS and trip.conditions is None:
        trip.conditions = ConditionRecord(form=WORKING_CONDITIONS.name, answers={})


def ensure_samples(trip: SamplingTrip) -> list[Sample]:
    """The current point's samples with their codes (样品编号), generated once per trip and point."""
    point = trip.current_point
    existing = samples_at(trip, point)
    if existing:
        return existing
    for item in (i for i in trip.visit.task.plan if i.point_id == point.id):
        for _ in range(item.samples_per_visit):
            trip.samples.append(Sample(
                code=sample_code(trip, len(trip.samples) + 1), point=point, point_id=point.id, factor=item.factor,
                container=item.container, preservative=item.preservative, storage=item.storage))
    return samples_at(trip, point)


def sample_code(trip: SamplingTrip, sequence: int) -> str:
    """Short, unique and printable on a bottle label: visit day, trip number, sequence."""
    return f"{trip.visit.day:%y%m%d}-{trip.id:05d}-{sequence:02d}"
