"""污染源运维: an O&M crew member's site visit through chat. Each handler finds the visit in the database, calls
one use case of services/om/om_visits.py and replies with the outcome and the next prompt.

The flow's session state (handlers/flows.py) only holds hints: the visit list just shown, the visit in progress
(`subject`), a pending 取消 question and the position last shown (so an answer typed for a question meanwhile
answered on the mobile page is not taken for the next one).
"""
from __future__ import annotations

from handlers import om_views as views
from handlers import texts as T
from handlers.turn import Picture, Place, Turn
from models import Role, clock
from services.om import om_visits
from services.om.om_visits import OmProblem
from services.texts.refusals import say
from states import forms
from states.om_sheets import SHEETS
from states.om_visit import EXPECTS, FINAL, STATE_NAMES, Step
from states.qc_limits import SEVERITY_NAMES as qc_names

NAME = "om"
PROCEED_WORDS = {"1", "下一步", "完成", "好了", "好", "ok"}
CONFIRM_WORDS = {"1", "确认", "确定", "提交"}
LEAVE_WORDS = {"0", "离场", "离场签到"}


def list_visits(turn: Turn) -> str:
    """污染源运维: a crew member's visits due today and overdue."""
    visits = om_visits.visits_due(turn.db, turn.user)
    if not visits:
        turn.flow(NAME).pop("choices", None)
        return T.OM_NO_VISITS
    turn.enter(NAME, choices=[v.id for v in visits])
    today = clock.today()
    lines = [T.OM_VISITS_HEAD] + [
        T.OM_VISIT_LINE.format(n=n, day=v.due_on.strftime("%m-%d"), plan=v.plan.name, polluter=v.plan.polluter.name,
                               note=(T.OVERDUE if v.due_on < today else "")
                               + (T.IN_PROGRESS if v.state != Step.NEW else ""))
        for n, v in enumerate(visits, 1)
    ]
    return "\n".join(lines)


def choose(turn: Turn, text: str) -> str:
    """A number from the visit list: start the visit, or join/resume it."""
    state = turn.flow(NAME)
    choices = state.pop("choices")
    number = forms.normalise(text)
    if not number.isdigit() or not 1 <= int(number) <= len(choices):
        state["choices"] = choices
        return T.BAD_CHOICE.format(count=len(choices))
    try:
        visit, how = om_visits.open_visit(turn.uow, turn.user, choices[int(number) - 1], turn.key)
    except OmProblem as problem:
        if problem.code == "visit_closed":
            return T.OM_CLOSED.format(state=STATE_NAMES[problem.details["state"]])
        return say(problem)
    state["subject"] = visit.id
    plan = visit.plan
    if how == "joined":
        head = T.OM_JOINED.format(name=visit.started_by.display_name, plan=plan.name, polluter=plan.polluter.name)
    elif how == "resumed":
        head = T.OM_RESUMED.format(plan=plan.name, polluter=plan.polluter.name)
    else:
        head = T.OM_STARTED.format(plan=plan.name, polluter=plan.polluter.name)
    return _shown(turn, visit, head + "\n\n" + views.prompt(visit, turn.uow.config))


def current(turn: Turn):
    """The crew member's visit in progress, from the database, caught up with the mobile sheet page."""
    if turn.user is None or turn.user.role != Role.OM_CREW:
        return None
    state = turn.flow(NAME)
    visit = om_visits.active_visit(turn.db, turn.user, state.get("subject"))
    if visit is None:
        state.pop("subject", None)
        return None
    state["subject"] = visit.id
    om_visits.catch_up(turn.uow, visit, turn.user, turn.key)
    return visit


def _position(visit) -> list:
    """Where the visit stands, as far as a typed answer is concerned."""
    sheet = visit.current_sheet() if visit.state in (Step.SHEET_FORM, Step.SHEET_CONFIRM) else None
    field = om_visits.current_field(sheet) if sheet is not None and visit.state == Step.SHEET_FORM else None
    return [visit.id, str(visit.state), sheet.id if sheet else None, field.name if field else None]


def _shown(turn: Turn, visit, reply: str) -> str:
    """Remember what the reply asked, and return it."""
    if visit.state in FINAL:
        turn.flow(NAME).pop("shown", None)
    else:
        turn.flow(NAME)["shown"] = _position(visit)
    return reply


def _outcome(turn: Turn, visit, action) -> str:
    """Run one use case; a refusal becomes a hint, success the next prompt."""
    config = turn.uow.config
    try:
        head = action()
    except OmProblem as problem:
        if problem.code == "wrong_step":
            return _shown(turn, visit, views.prompt(visit, config))
        if problem.code == "check_failed":
            sheet = visit.current_sheet()
            return _shown(turn, visit, views.problems(problem.details["problems"], sheet, config))
        reason = say(problem)
        return _shown(turn, visit, reason + "\n" + views.prompt(visit, config))
    except forms.FieldError as error:
        return _shown(turn, visit, str(error))
    if visit.state in FINAL:  # submitted or cancelled: the outcome is the whole answer
        return _shown(turn, visit, head or views.prompt(visit, config))
    return _shown(turn, visit, "\n".join(filter(None, [head, views.prompt(visit, config)])))


def on_text(turn: Turn, visit, text: str) -> str:
    word = forms.normalise(text).lower()
    state = visit.state
    shown = turn.flow(NAME).get("shown")
    filling = (Step.SHEET_FORM, Step.SHEET_CONFIRM)
    if shown and shown[0] == visit.id and (state in filling or shown[1] in filling) and shown != _position(visit):
        # answered on the mobile page (or by a colleague) since the last question: show where it stands now
        return _shown(turn, visit, T.OM_MOVED_ON + "\n" + views.prompt(visit, turn.uow.config))
    expects = EXPECTS.get(state)
    user, uow, key = turn.user, turn.uow, turn.key
    if expects == "image" and word in PROCEED_WORDS:
        return _outcome(turn, visit, lambda: om_visits.proceed(uow, visit, user, key))
    if expects == "confirm" and word in CONFIRM_WORDS:
        return _outcome(turn, visit, lambda: _confirm(turn, visit))
    if state == Step.CHOOSE_SHEET and word in LEAVE_WORDS:
        return _outcome(turn, visit, lambda: om_visits.leave(uow, visit, user, key))
    if expects == "choice" and word.isdigit():
        return _outcome(turn, visit, lambda: _pick(turn, visit, int(word)))
    if state == Step.SHEET_FORM:
        return _outcome(turn, visit, lambda: om_visits.answer(uow, visit, user, text, key))
    return wrong_kind(turn, visit)


def _pick(turn: Turn, visit, number: int) -> str | None:
    if visit.state == Step.CHOOSE_SHEET:
        sheet = om_visits.pick_sheet(turn.uow, visit, turn.user, number, turn.key)
    else:
        sheet = om_visits.pick_instrument(turn.uow, visit, turn.user, number, turn.key)
    if visit.state == Step.CHOOSE_INSTRUMENT:
        return None
    return views.opened(sheet, turn.uow.config)


def _confirm(turn: Turn, visit) -> str | None:
    if visit.state == Step.SHEET_CONFIRM:
        sheet = visit.current_sheet()
        om_visits.confirm(turn.uow, visit, turn.user, turn.key)
        confirmed = T.OM_SHEET_CONFIRMED.format(sheet=SHEETS[sheet.form].title)
        return "\n".join([confirmed, *(T.OM_FINDING.format(severity=qc_names[f.severity], message=f.message,
                                                             clause=f.clause) for f in sheet.findings)])
    om_visits.confirm(turn.uow, visit, turn.user, turn.key)
    turn.flow(NAME).pop("subject", None)
    return T.OM_SUBMITTED


def on_location(turn: Turn, visit, place: Place) -> str:
    """进场/离场签到; outside the fence is flagged, not refused; an impossible location is explained, not recorded."""
    if EXPECTS.get(visit.state) != "location":
        return wrong_kind(turn, visit)
    if place.problem:
        return T.INPUT_PROBLEMS[place.problem]

    def check_in() -> str:
        record = om_visits.check_in(turn.uow, visit, turn.user, place.latitude, place.longitude, place.precision,
                                    place.label, turn.key)
        template = T.OM_CHECKED_IN if record.inside_fence else T.OM_OUTSIDE_FENCE
        return template.format(kind=T.CHECK_IN_NAMES[record.kind], distance=f"{record.distance_m:.0f}",
                               radius=visit.plan.polluter.fence_radius_m)
    return _outcome(turn, visit, check_in)


def on_image(turn: Turn, visit, picture: Picture, live: bool) -> str:
    """A photo for the current step; stored now, downloaded and watermarked by a job."""
    if EXPECTS.get(visit.state) != "image":
        return wrong_kind(turn, visit)
    if picture.problem:
        return T.INPUT_PROBLEMS[picture.problem]
    photo = om_visits.add_photo(turn.uow, visit, turn.user, picture.media_id, picture.pic_url, live, turn.key)
    count = len(visit.photos_for(photo.purpose, photo.om_sheet_id))
    return T.OM_PHOTO_RECEIVED.format(count=count, what=T.OM_PHOTO_WHAT[photo.purpose])


def wrong_kind(turn: Turn, visit) -> str:
    """A message of the wrong kind for this step: say what is expected."""
    expects = EXPECTS.get(visit.state)
    config = turn.uow.config
    if expects == "location":
        return T.EXPECT_LOCATION
    if expects == "image":
        return T.EXPECT_PHOTO
    if expects == "confirm":
        return T.EXPECT_CONFIRM
    if expects == "choice":
        return _shown(turn, visit, T.OM_EXPECT_CHOICE + "\n" + views.prompt(visit, config))
    if expects == "text":
        return _shown(turn, visit, T.EXPECT_TEXT + "\n" + views.prompt(visit, config))
    return _shown(turn, visit, views.prompt(visit, config))


def step_or_idle(turn: Turn) -> str:
    visit = current(turn)
    return _shown(turn, visit, views.prompt(visit, turn.uow.config)) if visit else T.OM_IDLE


def status(turn: Turn) -> str:
    visit = current(turn)
    return _shown(turn, visit, views.status(visit, turn.uow.config)) if visit else T.OM_NO_VISIT


def back(turn: Turn) -> str:
    visit = current(turn)
    if visit is None:
        return T.NOTHING_TO_GO_BACK
    return _outcome(turn, visit, lambda: om_visits.go_back(turn.uow, visit, turn.user, turn.key) or T.WENT_BACK)


def ask_cancel(turn: Turn) -> str:
    visit = current(turn)
    if visit is None:
        return T.NOTHING_TO_CANCEL
    turn.enter(NAME, cancel=visit.id)
    return T.OM_ASK_CANCEL


def cancel_answer(turn: Turn, text: str) -> str | None:
    """The answer to 确定取消吗: 1 cancels; anything else continues the visit (and is handled as usual)."""
    visit_id = turn.flow(NAME).pop("cancel")
    visit = current(turn)
    if forms.normalise(text) != "1" or visit is None or visit.id != visit_id:
        return None
    om_visits.cancel(turn.uow, visit, turn.user, turn.key)
    turn.flow(NAME).pop("subject", None)
    turn.flow(NAME).pop("shown", None)
    return T.OM_PROMPTS["cancelled"]
