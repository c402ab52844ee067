"""业务管理 → 污染源运维 for the polluter on the desktop: the O&M visits of its site awaiting its signature (the
overdue ones marked), the latest decisions, and each visit's record with the same signature pad and decision
as the phone page."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from models import Role, clock
from services.om import om_confirmations
from web.access import me, role_required
from web.db import db
from web.mobile import decision, om_record
from web.polluter import bp


@bp.get("/om/")
@role_required(Role.POLLUTER_CONFIRMER)
def om_visits():
    user = me()
    waiting = [(v, om_confirmations.pending(v)) for v in om_confirmations.awaiting(db(), user.polluter_id)]
    rows = [{"visit": v, "day": om_confirmations.visit_day(db(), v),
             "overdue": c is not None and om_confirmations.overdue(db(), c)} for v, c in waiting if c is not None]
    return render_template("polluter/om_visits.html", polluter=user.polluter, waiting=rows,
                           decided=om_confirmations.recently_decided(db(), user.polluter_id),
                           statuses=om_record.STATUS_NAMES, late_name=om_record.LATE,
                           overdue_name=om_record.OVERDUE, fmt=clock.fmt)


@bp.get("/om/<int:visit_id>")
@role_required(Role.POLLUTER_CONFIRMER)
def om_visit(visit_id: int):
    return _page(_visit(visit_id))


@bp.post("/om/<int:visit_id>")
@role_required(Role.POLLUTER_CONFIRMER)
def om_decide(visit_id: int):
    """The same decision as on the phone, by the signed-in polluter user."""
    visit = _visit(visit_id)
    error = decision.decide_on_desk(decision.OM, om_confirmations.pending(visit), me())
    if error:
        return _page(visit, reason=request.form.get("reason", ""), error=error, status=400)
    return redirect(url_for(".om_visit", visit_id=visit_id), code=303)


@bp.get("/om/<int:visit_id>/photos/<int:photo_id>/<variant>")
@role_required(Role.POLLUTER_CONFIRMER)
def om_photo(visit_id: int, photo_id: int, variant: str):
    return om_record.send_photo(db(), _visit(visit_id), photo_id, variant)


@bp.get("/om/<int:visit_id>/signatures/<int:confirmation_id>")
@role_required(Role.POLLUTER_CONFIRMER)
def om_signature(visit_id: int, confirmation_id: int):
    return om_record.send_signature(_visit(visit_id), confirmation_id)


def _visit(visit_id: int):
    visit = om_confirmations.polluter_visit(db(), me().polluter_id, visit_id)
    if visit is None:
        abort(404)
    return visit


def _page(visit, reason: str = "", error: str | None = None, status: int = 200):
    waiting = om_confirmations.pending(visit) is not None
    context = om_record.context(
        db(), visit,
        photo_url=lambda p, variant: url_for(".om_photo", visit_id=visit.id, photo_id=p.id, variant=variant),
        signature_url=lambda c: url_for(".om_signature", visit_id=visit.id, confirmation_id=c.id),
        decide_url=url_for(".om_decide", visit_id=visit.id) if waiting else None, reason=reason, error=error)
    return render_template("polluter/om_visit.html", **context), status
