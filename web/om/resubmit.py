"""重新提交: the O&M agency admin sends a visit the polluter rejected back for its signature (new round, new
template messages), and the visits list marks a round still unsigned after 24:00 of the visit day."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select

from models import OmPlan, OmVisit
from services.core import policy
from services.field.decisions import ConfirmationProblem
from services.om import om_confirmations
from services.texts.refusals import say
from web.access import me
from web.db import db, uow
from web.om import bp
from web.om.plans import om_admin

RESUBMITTED = "已重新提交排污单位签名确认，排污单位已绑定微信的账号将收到新的模板消息。"


@bp.post("/visits/<int:visit_id>/resubmit")
@om_admin
def resubmit(visit_id: int):
    plan_ids = policy.scoped(me(), OmPlan).with_only_columns(OmPlan.id)
    visit = db().scalar(select(OmVisit).where(OmVisit.id == visit_id, OmVisit.plan_id.in_(plan_ids)))
    if visit is None:
        abort(404)
    try:
        om_confirmations.resubmit(uow(), visit, me(), request.form.get("note", ""))
    except ConfirmationProblem as problem:
        if problem.code == "not_yours":
            abort(404)
        flash(say(problem), "error")
    else:
        flash(RESUBMITTED, "success")
    return redirect(url_for(".tasks", show=request.args.get("show", "all")), code=303)


@bp.context_processor
def _unsigned():
    """`unsigned_overdue(visit)`: its polluter's round is still pending after 24:00 of the visit day."""
    def unsigned_overdue(visit: OmVisit) -> bool:
        pending = om_confirmations.pending(visit)
        return pending is not None and om_confirmations.overdue(db(), pending)
    return {"unsigned_overdue": unsigned_overdue}
