"""The record of an O&M visit as people read it: each sheet's fields through its form definition, the visit's
check-ins and photos, and the crew's web edits of a sheet (the mobile page), which keep what chat recorded.

Shared by the record pages, the printed sheet (services/adapters/om_pdf.py), the mobile sheet page and the exports.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    CheckIn,
    OmConfirmation,
    OmSheet,
    OmVisit,
    OmVisitEvent,
    Photo,
    PhotoStatus,
    Role,
    User,
    WechatBinding,
    clock,
)
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from services.field import checkins
from services.notifying import notify
from services.om import om_visits, qc
from states import forms
from states.om_sheets import SHEETS, cross_check, prefilled, sheet_tags
from states.om_visit import FINAL

# the chat's own message after a sheet was filled on the mobile page (customer-service message)
CHAT_MOVED_ON = "《{sheet}》已在网页上填写，现场运维已进入下一步。回复“状态”查看接下来要做的事。"

SHEET_SAVED_ON_WEB = "sheet_saved_web"
SHEET_CORRECTED = "sheet_corrected"


class SheetLocked(Refusal):
    """The sheet cannot be changed: its visit went to the polluter or was cancelled (submitted | cancelled),
    or, for a desk correction, the polluter did not reject it (not_rejected)."""

    domain = "om_record"


@dataclass(frozen=True)
class Line:
    """One field of a sheet as printed: label (with unit), value in words."""

    label: str
    value: str


def form_of(sheet: OmSheet) -> forms.Form:
    return SHEETS[sheet.form]


def answers(sheet: OmSheet) -> dict:
    """What the sheet holds: the answers entered (in chat or on the web) over what the register pre-fills."""
    known = {name: _as_answer(value) for name, value in prefilled(form_of(sheet), sheet.instrument).items()}
    return {**known, **(sheet.answers or {})}


def _as_answer(value):
    """A register value as the form engine would have stored it (500.0 → 500)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def lines(sheet: OmSheet) -> list[Line]:
    """Every applicable field of the sheet with its value, in form order; unanswered ones as （未填）."""
    held = answers(sheet)
    return [Line(f.label + (f"（{f.unit}）" if f.unit else ""), _value(f, held.get(f.name)))
            for f in form_of(sheet).applicable(sheet_tags(sheet))]


def _value(f: forms.Field, value) -> str:
    return "（未填）" if value is None else str(value)


def remarks(sheet: OmSheet) -> str:
    return (sheet.answers or {}).get("remarks") or ""


def point_of(sheet: OmSheet):
    return sheet.point or (sheet.instrument.point if sheet.instrument else None)


# --- what else the visit recorded ---------------------------------------------------------------------

def check_ins(db: Session, visit: OmVisit) -> list[CheckIn]:
    return list(db.scalars(select(CheckIn).where(CheckIn.om_visit_id == visit.id).order_by(CheckIn.at, CheckIn.id)))


def photos(db: Session, visit: OmVisit, sheet: OmSheet | None = None) -> list[Photo]:
    """The visit's stored photos (check-in/out and sheets), or only those of one sheet."""
    query = select(Photo).where(Photo.om_visit_id == visit.id, Photo.status == PhotoStatus.READY)
    if sheet is not None:
        query = query.where(Photo.om_sheet_id == sheet.id)
    return list(db.scalars(query.order_by(Photo.received_at, Photo.id)))


def unfinished_photos(db: Session, visit: OmVisit) -> list[Photo]:
    """The visit's photos not stored (yet): still being received, or lost on the way from WeChat."""
    query = select(Photo).where(Photo.om_visit_id == visit.id,
                                Photo.status.in_((PhotoStatus.PENDING, PhotoStatus.FAILED)))
    return list(db.scalars(query.order_by(Photo.received_at, Photo.id)))


def photo_of(db: Session, visit: OmVisit, photo_id: int) -> Photo | None:
    return db.scalar(select(Photo).where(Photo.id == photo_id, Photo.om_visit_id == visit.id))


def confirmation(visit: OmVisit) -> OmConfirmation | None:
    """The latest confirmation round of the visit (the signed one once decided)."""
    return visit.confirmations[-1] if visit.confirmations else None


def times(db: Session, visit: OmVisit) -> tuple:
    """(arrival, departure) times of the visit's check-ins; None where missing."""
    arrival = departure = None
    for c in check_ins(db, visit):
        if c.kind == "arrival" and arrival is None:
            arrival = c.at
        elif c.kind == "departure":
            departure = c.at
    return arrival, departure


# --- the crew's own page ------------------------------------------------------------------------------

def editable(visit: OmVisit) -> bool:
    """Sheets can be changed until the visit is submitted to the polluter."""
    return visit.submitted_at is None and visit.state not in FINAL


def why_locked(visit: OmVisit) -> str:
    """Why the sheets of a visit no longer editable are read-only: the refusal's code."""
    return "cancelled" if visit.state == "cancelled" else "submitted"


def crew_member(db: Session, visit: OmVisit, openid: str | None) -> User | None:
    """The active O&M crew user bound to `openid` (verified through WeChat OAuth) if they are on the visit's plan."""
    if not openid:
        return None
    user = db.scalar(select(User).join(WechatBinding).where(WechatBinding.openid == openid))
    if user is None or not user.active or user.role != Role.OM_CREW:
        return None
    return user if any(member.id == user.id for member in visit.plan.crew) else None


@transaction
def save(uow: UnitOfWork, sheet: OmSheet, user: User, valid: Mapping) -> list[str]:
    """Store the valid answers posted on the mobile page over what the sheet holds (chat answers and fields
    not posted stay); returns the names of the fields that changed. Saving does not confirm the sheet."""
    if not editable(sheet.visit):
        raise SheetLocked(why_locked(sheet.visit))
    held = dict(sheet.answers or {})
    # an optional field left empty that chat has not reached yet stays unanswered, so chat still asks it
    changed = [name for name, value in valid.items()
               if (name in held and held[name] != value) or (name not in held and value is not None)]
    if not changed:
        return []
    sheet.answers = {**held, **{name: valid[name] for name in changed}}
    sheet.filled_by_id = user.id
    sheet.updated_at = clock.now()
    uow.session.add(OmVisitEvent(visit_id=sheet.visit_id, actor_id=user.id, action=SHEET_SAVED_ON_WEB,
                                 detail={"sheet": sheet.id, "fields": changed}))
    _tell_chat(uow, sheet, user)
    return changed


def _tell_chat(uow: UnitOfWork, sheet: OmSheet, user: User) -> None:
    """The chat moves on with what the page filled in, and says so by itself: the crew member, back in WeChat,
    is not left looking at a question already answered."""
    if om_visits.catch_up(uow, sheet.visit, user) and user.binding is not None:
        notify.tell(uow, user.binding.openid, CHAT_MOVED_ON.format(sheet=SHEETS[sheet.form].title))


# --- the agency's correction after the polluter's rejection -------------------------------------------------

class CorrectionRefused(Refusal):
    """The corrected sheet is not consistent: the form's own Chinese reasons (states/om_sheets.py cross_check),
    nothing stored."""

    domain = "om_record"

    def __init__(self, problems: list[str]):
        super().__init__("inconsistent", problems="；".join(problems))


def correctable(visit: OmVisit) -> bool:
    """Only a visit the polluter rejected is corrected on the desk, then resubmitted for a new signature."""
    return visit.state == "rejected"


@transaction
def correct(uow: UnitOfWork, sheet: OmSheet, user: User, corrected: Mapping) -> list[str]:
    """更正 a sheet of a rejected visit: its answers replaced by the agency's (every field of the form checked by
    the caller, the cross-field checks here). What it said before stays in the visit's log, and the QC reviews
    the sheet again. Returns the names of the fields that changed."""
    visit = sheet.visit
    if not correctable(visit):
        raise SheetLocked("not_rejected")
    problems = cross_check(form_of(sheet), dict(corrected), checkins.om_visit_day(uow.session, visit))
    if problems:
        raise CorrectionRefused(problems)
    held = answers(sheet)  # what the sheet shows, the register's pre-fills included
    changed = [name for name, value in corrected.items() if not _same(held.get(name), value)]
    if not changed:
        return []
    sheet.answers = {**(sheet.answers or {}), **corrected}
    sheet.updated_at = clock.now()
    uow.session.add(OmVisitEvent(visit_id=visit.id, actor_id=user.id, action=SHEET_CORRECTED, detail={
        "sheet": sheet.id, "before": {n: held.get(n) for n in changed}, "after": {n: corrected[n] for n in changed}}))
    qc.review_sheet(uow.session, sheet)
    return changed


def _same(held, posted) -> bool:
    """Whether a posted value says what the sheet held; text comes back folded by the form engine (³ → 3)."""
    if isinstance(held, str) and isinstance(posted, str):
        return forms.normalise(held) == posted
    return held == posted
