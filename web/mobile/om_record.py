"""The O&M visit as the polluter sees it before signing (运维内容确认), and its decision form: the visit, its
check-ins, every record sheet as its form definition lays it out, the photos, and the signature pad.
Used by the mobile page a template message opens (and by any desktop page of the polluter's)."""
from __future__ import annotations

import base64
from collections.abc import Callable

from models import OmConfirmation, OmSheet, OmVisit, Photo, clock
from services.om import om_confirmations, om_records
from services.texts import names
from states import forms
from states.om_sheets import SHEETS, sheet_tags
from states.om_visit import STATE_NAMES
from web.files import media_root, send_media
from web.mobile.decision import STATUS_NAMES
from web.mobile.record import PHOTO_VARIANTS

PHOTO_NAMES = {"arrival": "进场", "departure": "离场", "sheet": "运维作业"}
LATE = "逾期确认"
OVERDUE = "逾期未确认"


def sheet_rows(sheet: OmSheet) -> list[tuple[str, str]]:
    """(label, value) of every field of the sheet's form that applies to its instrument."""
    form = SHEETS[sheet.form]
    return [(f.label, forms.display(f, sheet.answers.get(f.name))) for f in form.applicable(sheet_tags(sheet))]


def context(db, visit: OmVisit, photo_url: Callable[[Photo, str], str], signature_url: Callable[[OmConfirmation], str],
            decide_url: str | None = None, reason: str = "", error: str | None = None) -> dict:
    """What mobile/_om_visit.html and mobile/_decision.html need."""
    photos = om_records.photos(db, visit)
    confirmation = om_confirmations.latest(visit)
    items = [i for i in visit.plan.items if i.id in (visit.planned or [])]
    points = {i.point_id: i.point for i in items} | {s.point.id: s.point for s in visit.sheets if s.point}
    instruments = {s.instrument.id: s.instrument for s in visit.sheets if s.instrument} | \
        {i.instrument.id: i.instrument for i in items if i.instrument}
    crew = {u.id: u for u in visit.plan.crew} | {s.filled_by.id: s.filled_by for s in visit.sheets if s.filled_by}
    return {
        "visit": visit,
        "plan": visit.plan,
        "points": sorted(points.values(), key=lambda p: p.code),
        "instruments": list(instruments.values()),
        "crew": list(crew.values()),
        "check_ins": om_records.check_ins(db, visit),
        "sheets": [{"sheet": s, "title": SHEETS[s.form].title, "rows": sheet_rows(s),
                    "photos": [p for p in photos if p.om_sheet_id == s.id]}
                   for s in visit.sheets if s.confirmed_at is not None],
        "site_photos": [p for p in photos if p.om_sheet_id is None],
        "photo_url": photo_url,
        "signature_url": signature_url,
        "confirmation": confirmation,
        "decided": [c for c in visit.confirmations if c.status != om_confirmations.PENDING],
        "overdue": confirmation is not None and om_confirmations.overdue(db, confirmation),
        "visit_day": om_confirmations.visit_day(db, visit),
        "decide_url": decide_url,
        "reason": reason,
        "error": error,
        "fmt": clock.fmt,
        "names": names,
        "visit_states": STATE_NAMES,
        "photo_names": PHOTO_NAMES,
        "statuses": STATUS_NAMES,
        "late_name": LATE,
        "overdue_name": OVERDUE,
        "signed": True,
        "subject_name": visit.plan.name,
        "record_template": "mobile/_om_visit.html",
    }


def send_photo(db, visit: OmVisit, photo_id: int, variant: str):
    """A photo of the visit: its thumbnail or the watermarked copy (the original stays with the agency)."""
    photo = om_records.photo_of(db, visit, photo_id)
    path = getattr(photo, PHOTO_VARIANTS[variant]) if photo is not None and variant in PHOTO_VARIANTS else None
    return send_media(path, evidence=True)


def send_signature(visit: OmVisit, confirmation_id: int):
    """The signature of one of the visit's confirmed rounds."""
    found = next((c for c in visit.confirmations if c.id == confirmation_id), None)
    return send_media(found.signature_path if found is not None else None, evidence=True)


def signature_inline(confirmation: OmConfirmation) -> str:
    """The signature as a data: URL, for the outcome page of a link that no longer serves files."""
    data = (media_root() / confirmation.signature_path).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode()

