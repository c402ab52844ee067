"""The trip as the polluter sees it, and its decision form: shared by the mobile confirmation page (opened
from the template message) and the polluter's desktop pages, so both show the same record and decide
through the same use case."""
from __future__ import annotations

from collections.abc import Callable

from models import ConfirmationStatus, Photo, PhotoStatus, SamplingTrip, clock
from services.adapters import media
from services.sampling import confirmations, trips
from services.texts import names
from states import forms
from states.conditions import WORKING_CONDITIONS
from states.trip import STATE_NAMES
from web.db import uow
from web.files import send_media
from web.mobile.decision import STATUS_NAMES

PHOTO_VARIANTS = {"thumb": "thumbnail_path", "watermarked": "watermarked_path"}


def context(trip: SamplingTrip, photo_url: Callable[[Photo, str], str], decide_url: str | None = None,
            reason: str = "", error: str | None = None) -> dict:
    """What the templates mobile/_trip.html and mobile/_decision.html need."""
    answers = trip.conditions.answers if trip.conditions else {}
    return {
        "trip": trip,
        "task": trip.visit.task,
        "conditions": forms.summary(WORKING_CONDITIONS, answers, trips.visit_tags(trip)),
        "photos": [p for p in trip.photos if p.status == PhotoStatus.READY and p.thumbnail_path],
        "photo_url": photo_url,
        "confirmation": confirmations.latest(trip),
        "decided": [c for c in trip.confirmations if c.status != ConfirmationStatus.PENDING],
        "late_now": confirmations.after_departure(trip, clock.now()),
        "decide_url": decide_url,
        "reason": reason,
        "error": error,
        "fmt": clock.fmt,
        "names": names,
        "purposes": media.STEP_NAMES,
        "statuses": STATUS_NAMES,
        "state_names": STATE_NAMES,
        "signed": False,
        "subject_name": trip.visit.task.code,
        "record_template": "mobile/_trip.html",
    }


def send_photo(trip: SamplingTrip, photo_id: int, variant: str):
    """A photo of the trip: its thumbnail or the watermarked copy (the original stays with the agency)."""
    photo = trips.photo_of(uow().session, trip.id, photo_id)
    path = getattr(photo, PHOTO_VARIANTS[variant]) if photo is not None and variant in PHOTO_VARIANTS else None
    return send_media(path, evidence=True)
