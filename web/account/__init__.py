"""我的账号: the holder's own account — password change (forced at first sign-in and after a reset), the
WeChat binding with 解除绑定 — and the one-time reset link the administrator hands out."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user

from models import clock
from services.filing.filings import FormInvalid
from services.texts.refusals import say
from services.users import account_log, accounts, password_resets, signin
from web.access import Principal, me
from web.db import db

bp = Blueprint("account", __name__, template_folder="templates")


@bp.get("/account")
@login_required
def home():
    user = me()
    return render_template("account/home.html", user=user, events=account_log.recent(db(), user.id)[:20],
                           actions=account_log.ACTIONS, fmt=clock.fmt)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    user = me()
    if request.method == "GET":
        return render_template("account/password.html", user=user, errors={})
    new, repeated = request.form.get("new", ""), request.form.get("repeated", "")
    wrong, status = _check_current(user, request.form.get("current", ""))
    try:
        if wrong:
            raise FormInvalid({"current": wrong, **accounts.new_password_problems(new, repeated)})
        accounts.change_password(db(), user, new, repeated)
    except FormInvalid as invalid:
        return render_template("account/password.html", user=me(), errors=invalid.errors), status
    login_user(Principal.of(user))  # this session goes on under the new epoch; the others have ended
    flash("密码已修改。其他设备上的登录已退出。", "success")
    return redirect(url_for("account.home"))


def _check_current(user, current: str) -> tuple[str | None, int]:
    """(why the current password is refused, the status) or (None, 400): checked by services/users/signin.py like a
    sign-in, so a stolen session cannot guess the password without running into the account's lock."""
    source = signin.Source("ip", request.remote_addr or "-")
    try:
        signin.sign_in(db(), current_app.extensions["emss"].redis, user.username, current, source)
    except signin.Locked as locked:
        return say(locked), 429
    except signin.WrongPassword as wrong:
        return say(accounts.AccountField("current")) + (say(wrong.lock) if wrong.lock else ""), 400
    return None, 400


@bp.post("/account/unbind")
@login_required
def unbind():
    """解除微信绑定 from the web side (e.g. the phone was lost)."""
    if accounts.unbind_wechat(db(), me(), me()):
        flash("已解除微信绑定。如需再次使用公众号，请在“我的信息 → 账户信息”中重新绑定。", "success")
    else:
        flash("本账号尚未绑定微信。", "error")
    return redirect(url_for("account.home"), code=303)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Set a new password through the one-time link; an expired or used link says so."""
    link = password_resets.usable(db(), token)
    if link is None:
        abort(410, "该重置密码链接已失效（已使用、已过期或已被新的链接取代），请联系系统管理员重新发放。")
    if request.method == "GET":
        return render_template("account/reset.html", user=link.user, errors={})
    try:
        password_resets.redeem(db(), link, request.form.get("new", ""), request.form.get("repeated", ""))
    except FormInvalid as invalid:
        return render_template("account/reset.html", user=link.user, errors=invalid.errors), 400
    flash("新密码已设置，请用新密码登录。", "success")
    return redirect(url_for("auth.login"))
