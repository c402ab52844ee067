"""Use cases of an O&M site visit (现场运维), called by the WeChat handlers (and the mobile sheet page).

Like services/sampling/trips.py: each function loads what it needs, fires one trigger of the O&M visit machine
(states/om_visit.py), appends to the visit's event log with the WeChat message key, and leaves the commit to
the caller's unit of work. The record sheets are forms (states/om_sheets.py) whose cursor is the answers dict,
so a sheet filled on the mobile page carries on in chat from its first unanswered field.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, object_session

from models import (
    CheckIn,
    CheckInKind,
    Instrument,
    OmPlanItem,
    OmSheet,
    OmVisit,
    OmVisitEvent,
    Photo,
    PhotoPurpose,
    User,
    audit,
    clock,
)
from models.om import om_plan_crew
from services.core import links
from services.core.refusal import OmProblem
from services.field import checkins, fieldwork, presence
from services.om import om_confirmations, om_plans, qc
from states import forms
from states.om_sheets import SHEETS, cross_check, prefilled, sheet_tags
from states.om_visit import ACTIVE, Step

PHOTO_PURPOSE = {
    Step.ARRIVAL_PHOTO: PhotoPurpose.ARRIVAL,
    Step.SHEET_PHOTO: PhotoPurpose.SHEET,
    Step.DEPARTURE_PHOTO: PhotoPurpose.DEPARTURE,
}

CORE = fieldwork.OM_VISIT


@dataclass(frozen=True)
class SheetChoice:
    """One line of the sheet menu: a planned item (sheet × instrument), or a sheet kind for any instrument."""

    form: str
    instrument: Instrument | None = None
    item: OmPlanItem | None = None


# --- finding work ------------------------------------------------------------------------------------

def visits_due(db: Session, user: User, today: date | None = None) -> list[OmVisit]:
    """The crew member's visits due today and the overdue ones: of active plans they are crew of, not yet
    submitted or cancelled. A read: the visits were generated when the plan was saved and by the daily job
    (`emss om-visits`)."""
    today = today or clock.today()
    return om_plans.open_visits(db, user.agency_id, today, crew=user)


def active_visit(db: Session, user: User, preferred_id: int | None = None) -> OmVisit | None:
    """The visit the crew member is in the middle of (started or joined by them, not finished), found in the
    database — the chat session only hints which one. Locked, so two crew members take turns on it."""
    joined = _took_part(OmVisit.id, user)
    query = (
        select(OmVisit)
        .join(om_plan_crew, om_plan_crew.c.plan_id == OmVisit.plan_id)
        .where(om_plan_crew.c.user_id == user.id, OmVisit.state.in_(ACTIVE), OmVisit.state != Step.NEW, joined)
        .order_by((OmVisit.id == (preferred_id or 0)).desc(), OmVisit.id.desc())
        .limit(1)
        .with_for_update(of=OmVisit)
    )
    visit = db.scalars(query).first()
    if visit is not None:
        audit.hold(db, visit)  # its event log is appended without locking it again
    return visit


def _took_part(visit_id, user: User):
    """Whether the user started, joined or recorded something on the visit. A presence check-in (到场确认) is no
    part taken in the work: the crew member's chat stays free of the visit until they pick it from the list."""
    return exists().where(OmVisitEvent.visit_id == visit_id, OmVisitEvent.actor_id == user.id,
                          OmVisitEvent.action != "presence")


def open_visit(uow, user: User, visit_id: int, key: str | None = None) -> tuple[OmVisit, str]:
    """Start the visit, or join it where another crew member of the plan already started it, or resume it.
    Returns the visit and "started", "joined" or "resumed"."""
    db = uow.session
    visit = db.get(OmVisit, visit_id, with_for_update=True)
    if visit is None or user not in visit.plan.crew:
        raise OmProblem("not_assigned")
    if visit.state not in ACTIVE:
        raise OmProblem("visit_closed", state=visit.state)
    if visit.state == Step.NEW:
        CORE.fire(visit, "start")
        visit.started_by, visit.started_at = user, clock.now()
        how = "started"
    elif db.scalar(select(_took_part(visit.id, user))):
        how = "resumed"
    else:
        how = "joined"
    CORE.log(visit, user, {"started": "start", "joined": "join", "resumed": "resume"}[how], key)
    return visit, how


# --- check-in and photos --------------------------------------------------------------------------------

def check_in(uow, visit: OmVisit, user: User, latitude: float, longitude: float, precision: float | None = None,
             label: str | None = None, key: str | None = None) -> CheckIn:
    """进场/离场签到: outside the polluter's fence is accepted but flagged, as for sampling trips; at the arrival, the
    rest of the plan's crew is asked to confirm presence."""
    record = CORE.check_in(visit, user, (visit.points(), visit.plan.polluter), latitude, longitude, precision,
                           label, key)
    if record.kind == CheckInKind.ARRIVAL:
        presence.ask_crew(uow, presence.of_om_visit(visit), record)
    return record


def add_photo(uow, visit: OmVisit, user: User, media_id: str, pic_url: str | None = None, live: bool = False,
              key: str | None = None) -> Photo:
    """A photo of the current step (arrival, the current sheet's work, departure); fetched by a job after commit."""
    purpose = CORE.expect(visit, PHOTO_PURPOSE)
    sheet = visit.current_sheet() if purpose == PhotoPurpose.SHEET else None
    photo = fieldwork.add_photo(uow, user, media_id, pic_url, live, om_visit_id=visit.id, purpose=purpose,
                                om_sheet_id=sheet.id if sheet else None, point_id=sheet.point_id if sheet else None)
    CORE.log(visit, user, "photo", key, photo=photo.id, purpose=purpose, sheet=photo.om_sheet_id, live=live)
    return photo


def proceed(uow, visit: OmVisit, user: User, key: str | None = None) -> None:
    """下一步 after photos: refused until the step has at least one photo."""
    CORE.expect(visit, PHOTO_PURPOSE)
    CORE.fire(visit, "proceed", "photo_needed")
    CORE.log(visit, user, "proceed", key, to=visit.state)


# --- record sheets ---------------------------------------------------------------------------------------

def sheet_choices(visit: OmVisit) -> list[SheetChoice]:
    """The planned items first (sheet × instrument), then the five sheet kinds for any instrument of the site."""
    planned = [SheetChoice(item.sheet, item.instrument, item) for item in visit.planned_items()]
    return planned + [SheetChoice(name) for name in SHEETS]


def pick_sheet(uow, visit: OmVisit, user: User, number: int, key: str | None = None) -> OmSheet:
    """选择记录单 by its number in the menu. A planned item's sheet (or one of a site with a single instrument)
    opens at once; a kind asks for the instrument next. An unconfirmed sheet of the same kind and instrument
    is resumed where it stands."""
    CORE.expect(visit, {Step.CHOOSE_SHEET: True})
    choices = sheet_choices(visit)
    if not 1 <= number <= len(choices):
        raise OmProblem("bad_choice", count=len(choices))
    choice = choices[number - 1]
    instrument = choice.instrument
    if instrument is None:
        site = visit.instruments()
        if not site:
            raise OmProblem("no_instrument")
        instrument = site[0] if len(site) == 1 else None
    sheet = _draft(visit, choice.form, instrument, user)
    CORE.fire(visit, "pick_sheet")
    CORE.log(visit, user, "pick_sheet", key, sheet=sheet.id, form=sheet.form, instrument=sheet.instrument_id,
         item=choice.item.id if choice.item else None)
    _finish_if_complete(visit, user, key)
    return sheet


def pick_instrument(uow, visit: OmVisit, user: User, number: int, key: str | None = None) -> OmSheet:
    """The instrument of a sheet picked by kind, by its number in the site's list."""
    CORE.expect(visit, {Step.CHOOSE_INSTRUMENT: True})
    site = visit.instruments()
    if not 1 <= number <= len(site):
        raise OmProblem("bad_choice", count=len(site))
    instrument = site[number - 1]
    sheet = visit.open_sheet()
    sheet.instrument, sheet.instrument_id, sheet.point_id = instrument, instrument.id, instrument.point_id
    sheet.answers = {**prefilled(SHEETS[sheet.form], instrument), **sheet.answers}
    _touch(sheet, user)
    CORE.fire(visit, "pick_instrument")
    CORE.log(visit, user, "pick_instrument", key, sheet=sheet.id, instrument=instrument.id)
    _finish_if_complete(visit, user, key)
    return sheet


def _draft(visit: OmVisit, form: str, instrument: Instrument | None, user: User) -> OmSheet:
    instrument_id = instrument.id if instrument else None
    _drop_empty_drafts(visit, keep=(form, instrument_id))
    sheet = next((s for s in visit.sheets if s.confirmed_at is None and s.form == form
                  and s.instrument_id == instrument_id), None)
    if sheet is None:
        sheet = OmSheet(form=form, instrument=instrument, instrument_id=instrument_id,
                        point_id=instrument.point_id if instrument else None,
                        answers=prefilled(SHEETS[form], instrument))
        visit.sheets.append(sheet)
    _touch(sheet, user)
    object_session(visit).flush()
    return sheet


def _drop_empty_drafts(visit: OmVisit, keep: tuple[str, int | None]) -> None:
    """Sheets picked and left before anything was typed (or photographed) hold no record: they go."""
    db = object_session(visit)
    for sheet in [s for s in visit.sheets if s.confirmed_at is None and (s.form, s.instrument_id) != keep]:
        untouched = sheet.answers == prefilled(SHEETS[sheet.form], sheet.instrument)
        if untouched and not db.scalar(select(exists().where(Photo.om_sheet_id == sheet.id))):
            visit.sheets.remove(sheet)
            db.delete(sheet)


def answer(uow, visit: OmVisit, user: User, text: str, key: str | None = None) -> None:
    """One answer of the open sheet; FieldError tells what the field expects."""
    CORE.expect(visit, {Step.SHEET_FORM: True})
    sheet = visit.open_sheet()
    form, tags = SHEETS[sheet.form], sheet_tags(sheet)
    asked = forms.current_field(form, sheet.answers, tags)
    if asked is None:
        _finish_if_complete(visit, user, key)
        return
    sheet.answers = forms.answer(form, dict(sheet.answers), tags, text)
    _touch(sheet, user)
    CORE.log(visit, user, "answer", key, sheet=sheet.id, field=asked.name, value=sheet.answers[asked.name])
    _finish_if_complete(visit, user, key)


def _finish_if_complete(visit: OmVisit, user: User, key: str | None) -> None:
    sheet = visit.open_sheet()
    if visit.state == Step.SHEET_FORM and sheet is not None and current_field(sheet) is None:
        CORE.fire(visit, "finish_form")


def problems(visit: OmVisit, sheet: OmSheet) -> list[str]:
    """The sheet's cross-field problems (states/om_sheets.py), on the visit day."""
    return cross_check(SHEETS[sheet.form], sheet.answers, checkins.om_visit_day(object_session(visit), visit))


def confirm(uow, visit: OmVisit, user: User, key: str | None = None) -> None:
    """确认: the open sheet's summary (refused while a cross-field check fails; the answers are kept), or the
    whole visit — submitted to the polluter, who signs the same day."""
    if visit.state == Step.SHEET_CONFIRM:
        sheet = visit.open_sheet()
        found = problems(visit, sheet)
        if found:
            CORE.log(visit, user, "sheet_refused", key, sheet=sheet.id, problems=found)
            raise OmProblem("check_failed", problems=found)
        sheet.confirmed_at = clock.now()
        _touch(sheet, user)
        CORE.fire(visit, "confirm")
        CORE.log(visit, user, "confirm_sheet", key, sheet=sheet.id, form=sheet.form)
        qc.review_sheet(uow.session, sheet)
    elif visit.state == Step.REVIEW:
        visit.submitted_at = clock.now()
        CORE.fire(visit, "confirm")
        CORE.log(visit, user, "submit", key, to=visit.state)
        qc.review_visit(uow.session, visit)
        om_confirmations.request(uow, visit)
    else:
        raise OmProblem("wrong_step")


def leave(uow, visit: OmVisit, user: User, key: str | None = None) -> None:
    """离场: from the sheet menu, once at least one sheet is confirmed."""
    CORE.expect(visit, {Step.CHOOSE_SHEET: True})
    CORE.fire(visit, "leave", "sheet_needed")
    CORE.log(visit, user, "leave", key)


def go_back(uow, visit: OmVisit, user: User, key: str | None = None) -> None:
    """上一步: one question or one step back; what was recorded stays in the log (and on the sheet rows)."""
    sheet = visit.current_sheet()
    if visit.state in (Step.SHEET_FORM, Step.SHEET_CONFIRM) and sheet is not None:
        earlier = forms.back(SHEETS[sheet.form], dict(sheet.answers), sheet_tags(sheet), _prefilled(sheet))
        if earlier is not None:
            sheet.answers = earlier
            _touch(sheet, user)
            if visit.state == Step.SHEET_CONFIRM:
                CORE.fire(visit, "back")
        else:
            CORE.fire(visit, "back")  # nothing typed yet: back to the menu
    elif visit.state == Step.SHEET_PHOTO and sheet is not None:
        sheet.confirmed_at = None  # the sheet is open again at its summary; its photos stay with it
        _touch(sheet, user)
        CORE.fire(visit, "back")
    else:
        CORE.fire(visit, "back", "cannot_go_back")
    CORE.log(visit, user, "back", key, to=visit.state)


def cancel(uow, visit: OmVisit, user: User, key: str | None = None) -> None:
    """取消: the visit ends unsubmitted; everything recorded on it is kept."""
    CORE.cancel(visit, user, key)


def catch_up(uow, visit: OmVisit, user: User, key: str | None = None) -> bool:
    """Bring the machine in line with a sheet filled or confirmed on the mobile page meanwhile: a complete sheet
    goes to its summary, a confirmed one to its photos, one emptied again back to its questions. Returns whether
    the visit moved."""
    before = visit.state
    sheet = visit.open_sheet()
    if visit.state in (Step.SHEET_FORM, Step.SHEET_CONFIRM) and sheet is None and visit.confirmed_sheets():
        if visit.state == Step.SHEET_FORM:
            CORE.fire(visit, "finish_form")
        CORE.fire(visit, "confirm")  # confirmed on the page: its photos are next
    elif visit.state == Step.SHEET_FORM:
        _finish_if_complete(visit, user, key)
    elif visit.state == Step.SHEET_CONFIRM and sheet is not None and current_field(sheet) is not None:
        CORE.fire(visit, "back")
    if visit.state == before:
        return False
    CORE.log(visit, user, "catch_up", key, to=visit.state, sheet=sheet.id if sheet else None)
    return True


# --- reading ---------------------------------------------------------------------------------------------

def current_field(sheet: OmSheet) -> forms.Field | None:
    return forms.current_field(SHEETS[sheet.form], sheet.answers, sheet_tags(sheet))


def sheet_url(config, sheet: OmSheet) -> str:
    """The mobile page that fills the sheet from the same form definition (opened through WeChat OAuth)."""
    return links.url(config.public_base_url, "om_sheet", sheet.id)


def crew_on_visit(db: Session, visit: OmVisit) -> list[User]:
    """The crew members who took part (started, joined or recorded something), in order of appearance."""
    query = (select(User).join(OmVisitEvent, OmVisitEvent.actor_id == User.id)
             .where(OmVisitEvent.visit_id == visit.id).group_by(User.id).order_by(func.min(OmVisitEvent.id)))
    return list(db.scalars(query))


def _prefilled(sheet: OmSheet) -> dict:
    return prefilled(SHEETS[sheet.form], sheet.instrument)


def _touch(sheet: OmSheet, user: User) -> None:
    sheet.updated_at = clock.now()
    sheet.filled_by = user
