"""站内通知 for every signed-in user (reading them marks them read; an urging is answered here), and the
regulator's 督促: sending an urging notice and following its reply."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from models import Role, clock
from services.desk import urgings
from services.notifying import notices
from services.texts.refusals import say
from web.access import me, role_required
from web.db import db, uow

bp = Blueprint("notices", __name__, template_folder="templates")
EVERYONE = tuple(Role)



@bp.get("/notices")
@role_required(*EVERYONE)
def inbox():
    items = notices.of_user(db(), me())
    unread = {n.id for n in items if n.read_at is None}
    notices.mark_read(uow(), me())
    return render_template("notices/inbox.html", items=items, unread=unread, when=clock.fmt)


@bp.post("/notices/urgings/<int:urging_id>/reply")
@role_required(*EVERYONE)
def reply(urging_id: int):
    try:
        urgings.reply(uow(), me(), urging_id, request.form.get("reply", ""))
    except urgings.UrgingRefused as refused:
        flash(f"答复未提交：{say(refused)}", "error")
        return redirect(url_for("notices.inbox"), code=303)
    flash("答复已提交，管理部门会收到通知。", "success")
    return redirect(url_for("notices.inbox"))


@bp.route("/regulator/urgings", methods=["GET", "POST"])
@role_required(Role.REGULATOR)
def urging_desk():
    typed = request.form if request.method == "POST" else request.args
    if request.method == "POST":
        form = request.form
        try:
            urging = urgings.urge(uow(), me(), form.get("kind", ""), _int(form.get(f"{form.get('kind')}_id")),
                                  form.get("reason", ""), form.get("text", ""))
        except urgings.UrgingRefused as refused:
            flash(f"未发送：{say(refused)}", "error")
            return _desk(typed), 400
        flash(f"督促通知已发送给{(urging.agency or urging.polluter).name}。", "success")
        return redirect(url_for("notices.urging_desk"))
    return _desk(typed)


def _desk(typed):
    return render_template("notices/urgings.html", sent=urgings.sent(db(), me()), targets=urgings.targets(db(), me()),
                           reasons=urgings.REASONS, typed=typed, when=clock.fmt)


def _int(raw) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None
