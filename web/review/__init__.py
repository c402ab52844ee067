"""备案审核: regulators of the agency's district, and system administrators, review submitted filing versions —
初审, then 二审 by another reviewer — approving them or returning them with a reason."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import case

from models import Filing, FilingState, Role
from services.core import policy
from services.filing import filings
from services.filing.filings import FilingRefused
from states import filing as machine
from web.access import get_or_404, me, role_required
from web.db import db
from web.filing import FILE, FILED, labels, send_filed_certificate

bp = Blueprint("review", __name__, url_prefix="/regulator/filings", template_folder="templates")
bp.context_processor(labels)
REVIEWERS = (Role.REGULATOR, Role.SYSTEM_ADMIN)
DONE = {"first": "第 {version} 版备案初审通过，等待二审。", "second": "二审通过，第 {version} 版备案已生效。"}


@bp.get("/")
@role_required(*REVIEWERS)
def index():
    """Filings of the reviewer's district, those awaiting a decision first."""
    waiting = case((Filing.state.in_(machine.UNDER_REVIEW), 0), else_=1)
    query = policy.scoped(me(), Filing).where(Filing.state.in_(machine.SUBMITTED_ONCE)) \
        .order_by(waiting, Filing.submitted_at.desc(), Filing.id.desc())
    return render_template("review/index.html", filings=db().scalars(query).all(),
                           under_review=machine.UNDER_REVIEW)


@bp.get("/<int:filing_id>")
@role_required(*REVIEWERS)
def show(filing_id: int):
    return _page(_submitted(filing_id))


def _page(filing: Filing, status: int = 200, reason: str = ""):
    stage = machine.STAGE.get(filing.state)
    first = filings.first_approver(filing) if stage == "second" else None
    return render_template("review/show.html", filing=filing, diff=filings.diff(db(), filing), stage=stage,
                           may_approve=stage is not None and first != me().id, reason=reason,
                           file_endpoint="review.certificate"), status


@bp.post("/<int:filing_id>/approve")
@role_required(*REVIEWERS)
def approve(filing_id: int):
    filing = _submitted(filing_id)
    try:
        review = filings.approve(db(), filing, me())
    except FilingRefused as refused:
        return _refused(filing, refused)
    flash(DONE[review.stage].format(version=filing.version), "success")
    return redirect(url_for("review.show", filing_id=filing.id))


@bp.post("/<int:filing_id>/return")
@role_required(*REVIEWERS)
def send_back(filing_id: int):
    filing = _submitted(filing_id)
    reason = request.form.get("reason", "")
    try:
        filings.send_back(db(), filing, me(), reason)
    except FilingRefused as refused:
        return _refused(filing, refused, reason)
    flash(f"第 {filing.version} 版备案已退回，机构修改后可重新提交。", "success")
    return redirect(url_for("review.show", filing_id=filing.id))


def _refused(filing: Filing, refused: FilingRefused, reason: str = ""):
    db().rollback()
    flash(str(refused), "error")
    return _page(filing, 400, reason)


@bp.get(f"/<int:filing_id>/files/{FILED}/<int:item_id>", defaults={"file": "certificate"})
@bp.get(f"/<int:filing_id>/files/{FILED}/<int:item_id>/{FILE}")
@role_required(*REVIEWERS)
def certificate(filing_id: int, section: str, item_id: int, file: str):
    return send_filed_certificate(_submitted(filing_id), section, item_id, file)


def _submitted(filing_id: int) -> Filing:
    """A version of the reviewer's district that has been submitted (an agency's draft is its own business)."""
    filing = get_or_404(Filing, filing_id)
    if filing.state == FilingState.DRAFT:
        abort(404)
    return filing
