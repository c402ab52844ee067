"""采样任务: the sampler's trip through chat. Each handler finds the trip, calls one use case and replies
with the outcome and the next prompt. The flow's session state (handlers/flows.py) holds the task list just shown,
the trip in progress and a pending 取消 question."""
from __future__ import annotations

import re

from handlers import texts as T
from handlers import views
from handlers.turn import Picture, Place, Turn
from models import PointReference, Role, clock
from services.sampling import confirmations, instruments, trips
from services.sampling.trips import TripProblem
from services.texts.refusals import say
from states import forms
from states.findings import rule
from states.trip import EXPECTS, FINAL, STATE_NAMES, Step

NAME = "trip"
PROCEED_WORDS = {"1", "下一步", "完成", "好了", "好", "ok"}
CONFIRM_WORDS = {"1", "确认", "确定", "提交"}
OFF_SCHEDULE_TITLE = rule("off_schedule").title  # what the regulator will see on the trip


def list_tasks(turn: Turn) -> str:
    """采样任务: a sampler's visits due today (and overdue)."""
    visits = trips.visits_due(turn.db, turn.user)
    if not visits:
        turn.flow(NAME).pop("choices", None)
        return T.NO_VISITS
    turn.enter(NAME, choices=[v.id for v in visits]).pop("off_schedule", None)  # a new list: asked afresh
    today = clock.today()
    lines = [T.VISITS_HEAD] + [
        T.VISIT_LINE.format(n=n, day=v.day.strftime("%m-%d"), starts=v.starts.strftime("%H:%M"),
                            ends=v.ends.strftime("%H:%M"), task=v.task.name, polluter=v.task.polluter.name,
                            note=T.OVERDUE if v.day < today else "")
        for n, v in enumerate(visits, 1)
    ]
    return "\n".join(lines)


def awaiting(turn: Turn) -> str:
    """采样任务 for a polluter's confirmer: the trips awaiting its confirmation."""
    pending = trips.awaiting_confirmation(turn.db, turn.user.polluter_id)
    if not pending:
        return T.NONE_AWAITING
    lines = [T.AWAITING_HEAD]
    for n, trip in enumerate(pending, 1):
        departure = trip.latest_check_in("departure")
        # a fresh single-use link for this user, like the one in the template message
        url = confirmations.issue_link(turn.uow, confirmations.pending(trip), turn.user)
        lines.append(T.AWAITING_LINE.format(
            n=n, task=trip.visit.task.name, people="、".join(u.display_name for u in trip.visit.samplers),
            left=clock.fmt(departure.at if departure else None), url=url))
    return "\n".join(lines)


def choose(turn: Turn, text: str) -> str:
    """A number from the list: start the visit's trip, or join/resume it."""
    state = turn.flow(NAME)
    choices = state.pop("choices")
    number = forms.normalise(text)
    if not number.isdigit() or not 1 <= int(number) <= len(choices):
        state["choices"] = choices
        return T.BAD_CHOICE.format(count=len(choices))
    visit_id = choices[int(number) - 1]
    confirmed = state.pop("off_schedule", None) == visit_id
    window = None if confirmed else trips.off_schedule(turn.db, turn.user, visit_id)
    if window is not None:  # asked once; the answer 1 chooses it again from a list of one
        state["choices"], state["off_schedule"] = [visit_id], visit_id
        return T.OFF_SCHEDULE.format(starts=clock.local(window[0]).strftime("%m-%d %H:%M"),
                                     ends=clock.local(window[1]).strftime("%H:%M"),
                                     now=clock.local(clock.now()).strftime("%m-%d %H:%M"),
                                     flag=OFF_SCHEDULE_TITLE)
    try:
        trip, created = trips.open_trip(turn.uow, turn.user, visit_id, turn.key, off_schedule_confirmed=confirmed)
    except TripProblem as problem:
        if problem.code == "trip_closed":
            return T.TRIP_CLOSED.format(state=STATE_NAMES[problem.details["state"]])
        return say(problem)
    state["subject"] = trip.id
    task = trip.visit.task
    if trip.started_by_id != turn.user.id:
        head = T.TRIP_JOINED.format(name=trip.started_by.display_name, task=task.name, polluter=task.polluter.name)
    elif not created:
        head = T.TRIP_RESUMED.format(task=task.name, polluter=task.polluter.name)
    else:
        head = T.TRIP_STARTED.format(task=task.name, polluter=task.polluter.name)
    return head + "\n\n" + views.prompt(trip)


def current(turn: Turn):
    """The sampler's trip in progress, from the database; the chat session only says which one."""
    if turn.user is None or turn.user.role != Role.SAMPLER:
        return None
    state = turn.flow(NAME)
    trip = trips.active_trip(turn.db, turn.user, state.get("subject"))
    if trip is not None:
        state["subject"] = trip.id
    return trip


def _outcome(turn: Turn, trip, action) -> str:
    """Run one use case; a refusal becomes a hint, success the next prompt."""
    try:
        head = action()
    except TripProblem as problem:
        if problem.code == "wrong_step":
            return views.prompt(trip)
        return say(problem) + "\n" + views.prompt(trip)
    except forms.FieldError as error:
        return str(error)
    if trip.state in FINAL:  # submitted or cancelled: the outcome is the whole answer
        return head or views.prompt(trip)
    return "\n".join(filter(None, [head, views.prompt(trip)]))


def on_text(turn: Turn, trip, text: str) -> str:
    word = forms.normalise(text).lower()
    expects = EXPECTS.get(trip.state)
    if expects == "image" and word in PROCEED_WORDS:
        return _outcome(turn, trip, lambda: trips.proceed(turn.uow, trip, turn.user, turn.key))
    if expects == "confirm" and word in CONFIRM_WORDS:
        return _outcome(turn, trip, lambda: _confirm(turn, trip))
    if trip.state == Step.INSTRUMENTS:
        return _outcome(turn, trip, lambda: _instruments(turn, trip, text))
    if trip.state == Step.POINT_INSTRUMENTS:
        return _outcome(turn, trip, lambda: _point_instruments(turn, trip, text))
    if trip.state == Step.SAMPLE_TIME:
        return _outcome(turn, trip, lambda: _sample_time(turn, trip, text))
    if trip.state == Step.TRANSPORT:
        if word in CONFIRM_WORDS:
            return _outcome(turn, trip, lambda: _confirm(turn, trip))
        return _outcome(turn, trip, lambda: _change_transport(turn, trip, text))
    if trip.state == Step.LEFT_SITE:
        return _outcome(turn, trip, lambda: T.LEFT_SITE_SET.format(
            time=clock.fmt(trips.record_left_site(turn.uow, trip, turn.user, text, turn.key))))
    if trip.state == Step.CONDITIONS:
        return _outcome(turn, trip, lambda: trips.answer_condition(turn.uow, trip, turn.user, text, turn.key))
    return wrong_kind(trip)


def _confirm(turn: Turn, trip) -> str | None:
    was_review = trip.state == Step.REVIEW
    trips.confirm(turn.uow, trip, turn.user, turn.key)
    if not was_review:
        return None
    turn.flow(NAME).pop("subject", None)
    return T.SUBMITTED_SELF if trip.state == Step.COMPLETED else T.SUBMITTED_TO_POLLUTER


def _instruments(turn: Turn, trip, text: str) -> str:
    """仪器 at arrival: 确认 the list, “+资产编号” adds one, “-序号” or “-资产编号” removes one; the list is shown
    again after each change (the prompt that follows)."""
    reply = forms.normalise(text)
    if reply.lower() in CONFIRM_WORDS:
        items = instruments.confirm(turn.uow, trip, turn.user, turn.key)
        return T.INSTRUMENTS_CONFIRMED.format(count=len(items), names=views.instrument_names(items))
    if reply.startswith("+"):
        item = instruments.add(turn.uow, trip, turn.user, reply[1:], turn.key)
        return T.INSTRUMENT_ADDED.format(name=item.name, asset_no=item.asset_no)
    if reply.startswith("-"):
        item = instruments.remove(turn.uow, trip, turn.user, reply[1:], turn.key)
        return T.INSTRUMENT_REMOVED.format(name=item.name, asset_no=item.asset_no)
    raise TripProblem("instrument_reply")


def _point_instruments(turn: Turn, trip, text: str) -> str:
    """The numbers of the instruments used at this point, e.g. “1 2” (commas and 、 also separate them)."""
    words = [w for w in re.split(r"[\s,，、]+", forms.normalise(text)) if w]
    if not words or not all(w.isdigit() for w in words):
        raise TripProblem("instrument_choice", count=len(trip.instruments))
    chosen = instruments.choose(turn.uow, trip, turn.user, [int(w) for w in words], turn.key)
    return T.POINT_INSTRUMENTS_SET.format(names=views.instrument_names(chosen))


def _sample_time(turn: Turn, trip, text: str) -> str:
    samples = trips.record_sample_time(turn.uow, trip, turn.user, text, turn.key)
    when = next((clock.fmt(s.sampled_at) for s in samples), "")
    return T.SAMPLE_TIME_SET.format(time=when, codes="、".join(s.code for s in samples) or "—")


def _change_transport(turn: Turn, trip, text: str) -> str:
    samples, field = trips.change_transport(turn.uow, trip, turn.user, text, turn.key)
    value = getattr(samples[0], field) or T.NO_PRESERVATIVE
    return T.TRANSPORT_CHANGED.format(codes="、".join(s.code for s in samples), field=T.TRANSPORT_FIELDS[field],
                                      value=value)


def on_location(turn: Turn, trip, place: Place) -> str:
    """进场/离场签到, or a point's location (点位布设), with the location WeChat sent (GCJ-02); outside the fence
    or far from the point is flagged, not refused; an impossible location is explained and not recorded."""
    if EXPECTS.get(trip.state) != "location":
        return wrong_kind(trip)
    if place.problem:
        return T.INPUT_PROBLEMS[place.problem]
    if trip.state == Step.POINT_LOCATION:
        return _outcome(turn, trip, lambda: _locate_point(turn, trip, place))

    def check_in() -> str:
        record = trips.check_in(turn.uow, trip, turn.user, place.latitude, place.longitude, place.precision,
                                place.label, turn.key)
        template = T.CHECKED_IN if record.inside_fence else T.OUTSIDE_FENCE
        return template.format(kind=T.CHECK_IN_NAMES[record.kind], distance=f"{record.distance_m:.0f}",
                               radius=trip.visit.task.polluter.fence_radius_m)
    return _outcome(turn, trip, check_in)


def _locate_point(turn: Turn, trip, place: Place) -> str:
    record = trips.locate_point(turn.uow, trip, turn.user, place.latitude, place.longitude, place.precision,
                                place.label, turn.key)
    template = T.POINT_FAR if record.far else T.POINT_LOCATED
    head = template.format(point=record.point.name, reference=T.POINT_REFERENCE_NAMES[record.reference],
                           distance=f"{record.distance_m:.0f}", allowed=f"{record.allowed_m:.0f}")
    if record.reference == PointReference.SITE:
        head += "\n" + T.POINT_PROPOSED
    return head


def on_image(turn: Turn, trip, picture: Picture, live: bool) -> str:
    """A photo for the current step; stored now, downloaded and processed by a job."""
    if EXPECTS.get(trip.state) != "image":
        return wrong_kind(trip)
    if picture.problem:
        return T.INPUT_PROBLEMS[picture.problem]
    photo = trips.add_photo(turn.uow, trip, turn.user, picture.media_id, picture.pic_url, live, turn.key)
    count = len(trip.photos_for(photo.purpose, photo.point_id))
    return T.PHOTO_RECEIVED.format(count=count, what=T.PHOTO_WHAT[photo.purpose])


def wrong_kind(trip) -> str:
    """A message of the wrong kind for this step: say what is expected."""
    expects = EXPECTS.get(trip.state)
    if trip.state == Step.POINT_LOCATION:
        return T.EXPECT_POINT_LOCATION
    if expects == "location":
        return T.EXPECT_LOCATION
    if expects == "image":
        return T.EXPECT_PHOTO
    if expects == "confirm":
        return T.EXPECT_CONFIRM
    if expects == "text":
        return T.EXPECT_TEXT + "\n" + views.prompt(trip)
    return views.prompt(trip)


def step_or_idle(turn: Turn) -> str:
    trip = current(turn)
    return views.prompt(trip) if trip else T.IDLE


def status(turn: Turn) -> str:
    trip = current(turn)
    return views.status(trip) if trip else T.NO_TRIP


def back(turn: Turn) -> str:
    trip = current(turn)
    if trip is None:
        return T.NOTHING_TO_GO_BACK
    return _outcome(turn, trip, lambda: trips.go_back(turn.uow, trip, turn.user, turn.key) or T.WENT_BACK)


def ask_cancel(turn: Turn) -> str:
    trip = current(turn)
    if trip is None:
        return T.NOTHING_TO_CANCEL
    turn.enter(NAME, cancel=trip.id)
    return T.ASK_CANCEL


def cancel_answer(turn: Turn, text: str) -> str | None:
    """The answer to 确定取消吗: 1 cancels; anything else continues the trip (and is handled as usual)."""
    trip_id = turn.flow(NAME).pop("cancel")
    trip = current(turn)
    if forms.normalise(text) != "1" or trip is None or trip.id != trip_id:
        return None
    trips.cancel(turn.uow, trip, turn.user, turn.key)
    turn.flow(NAME).pop("subject", None)
    return T.PROMPTS["cancelled"]
