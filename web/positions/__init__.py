"""点位位置建议: the positions proposed for points that have none registered (where they were first sampled),
accepted or rejected by the polluter or by the agency whose trip proposed them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from models import clock
from services.polluters import point_positions
from services.polluters.point_positions import DECIDERS, PositionRefused
from services.texts.refusals import say
from web.access import me, role_required
from web.db import db

bp = Blueprint("positions", __name__, url_prefix="/positions", template_folder="templates")

STATUS = {"pending": "待处理", "accepted": "已采纳", "rejected": "未采纳", "superseded": "已采纳其他建议"}


@bp.get("/")
@role_required(*DECIDERS)
def index():
    pending, decided = point_positions.listed(db(), me())
    return render_template("positions/index.html", pending=pending, decided=decided, statuses=STATUS,
                           fmt=clock.fmt)


@bp.post("/<int:proposal_id>/<any(accept, reject):verdict>")
@role_required(*DECIDERS)
def decide(proposal_id: int, verdict: str):
    proposal = point_positions.visible(db(), me(), proposal_id)
    if proposal is None:
        abort(404)
    try:
        point_positions.decide(db(), me(), proposal, verdict == "accept")
    except PositionRefused as refusal:
        flash(say(refusal), "error")
    else:
        point = proposal.point
        flash(f"已采纳点位 {point.name} 的建议位置，已作为点位登记位置。" if verdict == "accept"
              else f"未采纳点位 {point.name} 的建议位置。", "success")
    return redirect(url_for(".index"), code=303)
