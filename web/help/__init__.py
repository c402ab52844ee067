"""帮助中心: the page every user (signed in or not, e.g. from the WeChat HELP reply) reads and leaves feedback on;
the system administrator edits the page and answers the feedback."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import Role, clock
from services.notifying import help_centre
from services.texts.refusals import say
from web.access import me, role_required
from web.db import db, uow

bp = Blueprint("help", __name__, template_folder="templates")



@bp.get("/help")
def page():
    mine = help_centre.feedback_of(db(), me()) if current_user.is_authenticated else []
    return render_template("help/page.html", help=help_centre.page(db()), mine=mine, typed={}, when=clock.fmt)


@bp.post("/help/feedback")
def feedback():
    user = me() if current_user.is_authenticated else None
    sender = f"user:{user.id}" if user else f"ip:{request.remote_addr or '-'}"
    form = request.form
    try:
        help_centre.leave_feedback(uow(), user, sender, form.get("name", ""), form.get("contact", ""),
                                   form.get("body", ""))
    except help_centre.FeedbackRefused as refused:
        flash(f"反馈未提交：{say(refused)}", "error")
        mine = help_centre.feedback_of(db(), user) if user else []
        return render_template("help/page.html", help=help_centre.page(db()), mine=mine, typed=form,
                               when=clock.fmt), 400
    flash("感谢您的反馈，我们会尽快处理并通过您留下的联系方式回复。", "success")
    return redirect(url_for("help.page"))


@bp.route("/admin/help", methods=["GET", "POST"])
@role_required(Role.SYSTEM_ADMIN)
def edit():
    current = help_centre.page(db())
    if request.method == "GET":
        return render_template("help/edit.html", help=current, faq=help_centre.faq_text(current.faq),
                               problems=[], when=clock.fmt)
    form = request.form
    problems = help_centre.save(uow(), me(), form.get("contacts", ""), form.get("guide", ""), form.get("faq", ""))
    if problems:
        typed = help_centre.HelpPage(form.get("contacts", ""), form.get("guide", ""))
        return render_template("help/edit.html", help=typed, faq=form.get("faq", ""), problems=problems,
                               when=clock.fmt), 400
    flash("帮助中心已更新。", "success")
    return redirect(url_for("help.edit"))


@bp.get("/admin/feedback")
@role_required(Role.SYSTEM_ADMIN)
def feedback_list():
    waiting = request.args.get("all") != "1"
    return render_template("help/feedback.html", items=help_centre.feedback_list(db(), waiting), waiting=waiting,
                           when=clock.fmt)


@bp.post("/admin/feedback/<int:feedback_id>")
@role_required(Role.SYSTEM_ADMIN)
def answer(feedback_id: int):
    try:
        answered = help_centre.answer(uow(), me(), feedback_id, request.form.get("reply", ""))
    except help_centre.FeedbackRefused as refused:
        flash(f"答复未保存：{say(refused)}", "error")
        return render_template("help/feedback.html", items=help_centre.feedback_list(db(), True), waiting=True,
                               when=clock.fmt), 400
    if answered is None:
        abort(404)
    flash(f"已记录对 {answered.name} 的答复。", "success")
    return redirect(url_for("help.feedback_list"))
