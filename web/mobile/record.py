"""The trip as the polluter sees it, and its decision form: shared by the mobile confirmation page (opened
from the template message) and the polluter's desktop pages, so both show the same record and decide
through the same use case."""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, request

from models import Confirmation, ConfirmationLink, ConfirmationStatus, Photo, PhotoStatus, SamplingTrip, User, clock
from services import confirmations, media, trips
from services.confirmations import ConfirmationProblem
from services.texts import names
from states import forms
from states.conditions import WORKING_CONDITIONS
from web.db import uow
from web.files import send_media

STATUS_NAMES = {
    ConfirmationStatus.PENDING: "待确认",
    ConfirmationStatus.CONFIRMED: "已确认",
    ConfirmationStatus.REJECTED: "已退回",
}
DECISION_PROBLEMS = {
    "reason_needed": "退回时请填写退回理由。",
    "reason_too_long": f"退回理由请不超过 {confirmations.REASON_MAX} 个字。",
    "bad_verdict": "请选择“确认”或“退回”。",
}
DECIDED = {"confirm": "您已确认该采样行程，谢谢。", "reject": "已退回该采样行程，监测机构将更正后重新提交。"}
ALREADY_DECIDED = "该采样行程已由{name}于 {at} 处理（{status}），本次操作未生效。"
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
    }


def decide(confirmation: Confirmation, user: User, link: ConfirmationLink | None = None) -> str | None:
    """Apply the posted decision (verdict = confirm | reject, reason) and commit; returns the problem to show
    with the form again (400), or None once the round is decided — by this request or an earlier one."""
    verdict = request.form.get("verdict", "")
    try:
        if verdict == "confirm":
            made = confirmations.confirm(uow(), confirmation, user, link)
        elif verdict == "reject":
            made = confirmations.reject(uow(), confirmation, user, request.form.get("reason", ""), link)
        else:
            raise ConfirmationProblem("bad_verdict")
    except ConfirmationProblem as problem:
        if problem.code == "not_yours":
            abort(404)
        return DECISION_PROBLEMS[problem.code]
    announce(made, verdict, confirmation, DECIDED, ALREADY_DECIDED)
    return None


def announce(made: bool, verdict: str, confirmation, decided: dict, already: str) -> None:
    """Commit the decision and say how it went: decided now, or already decided by someone first."""
    uow().commit()
    if made:
        flash(decided[verdict], "success")
    else:
        flash(already.format(name=confirmation.decided_by.display_name, at=clock.fmt(confirmation.decided_at),
                             status=STATUS_NAMES[confirmation.status]), "error")


def send_photo(trip: SamplingTrip, photo_id: int, variant: str):
    """A photo of the trip: its thumbnail or the watermarked copy (the original stays with the agency)."""
    photo = trips.photo_of(uow().session, trip.id, photo_id)
    path = getattr(photo, PHOTO_VARIANTS[variant]) if photo is not None and variant in PHOTO_VARIANTS else None
    return send_media(path, evidence=True)
