"""备案审核: regulators of the agency's district, and system administrators, review submitted versions of both
filing stages (备案基本信息, 二审基本信息) — by one reviewer, or a first and another where the city wants a second
(FILING_SECOND_REVIEWER) — approving them or returning them with a reason."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import case

from models import Filing, FilingState, Role
from services.core import policy
from services.filing import filings
from services.filing.filings import FilingRefused
from services.texts.refusals import say
from states import filing as machine
from web.access import get_or_404, me, role_required
from web.db import db, uow
from web.filing import FILE, FILED, labels, send_filed_certificate

bp = Blueprint("review", __name__, url_prefix="/regulator/filings", template_folder="templates")
bp.context_processor(labels)
REVIEWERS = (Role.REGULATOR, Role.SYSTEM_ADMIN)
DONE = {FilingState.FIRST_APPROVED: "{stage}第 {version} 版初审通过，等待其他审核人员复核。",
        FilingState.APPROVED: "{stage}第 {version} 版审核通过，已生效。"}


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
    round_ = machine.ROUND.get(filing.state)
    first = filings.first_approver(filing) if round_ == "second" else None
    return render_template("review/show.html", filing=filing, diff=filings.diff(db(), filing), round=round_,
                           may_approve=round_ is not None and first != me().id, reason=reason,
                           file_endpoint="review.certificate"), status


@bp.post("/<int:filing_id>/approve")
@role_required(*REVIEWERS)
def approve(filing_id: int):
    filing = _submitted(filing_id)
    try:
        filings.approve(uow(), filing, me())
    except FilingRefused as refused:
        return _refused(filing, refused)
    flash(DONE[filing.state].format(stage=machine.STAGE_LABELS[filing.stage], version=filing.version), "success")
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
    flash(f"{machine.STAGE_LABELS[filing.stage]}第 {filing.version} 版已退回，机构修改后可重新提交。", "success")
    return redirect(url_for("review.show", filing_id=filing.id))


def _refused(filing: Filing, refused: FilingRefused, reason: str = ""):
    flash(say(refused), "error")
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
