"""登录 / 退出: the same accounts the bot binds to."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from services.texts.refusals import say
from services.users import pollution_source, signin
from web.access import Principal
from web.db import db

bp = Blueprint("auth", __name__, template_folder="templates")

HOME = {
    "agency_admin": "agency.home",
    "sampler": "agency.home",
    "om_crew": "agency.home",
    "technical_lead": "agency.home",
    "quality_lead": "agency.home",
    "quality_supervisor": "agency.home",
    "polluter_confirmer": "polluter.home",
    "regulator": "regulator.home",
    "system_admin": "admin.home",
}


class LoginForm(FlaskForm):
    username = StringField("账号", validators=[DataRequired("请输入账号"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200
    source = signin.Source("ip", request.remote_addr or "-")
    runtime = current_app.extensions["emss"]
    try:
        user = signin.sign_in(db(), runtime.redis, form.username.data, form.password.data, source,
                              pollution_source.system(runtime.config, runtime.http))
    except signin.Locked as locked:
        return _refused(form, say(locked), 429)
    except pollution_source.Unreachable as unreachable:
        return _refused(form, say(unreachable), 503)
    except signin.NotInDirectory as outside:
        return _refused(form, say(outside), 403)
    except signin.WrongPassword as wrong:
        return _refused(form, "账号或密码错误。" + (say(wrong.lock) if wrong.lock else ""), 401)
    login_user(Principal.of(user))
    if user.must_change_password:  # someone else chose this password: the holder picks their own first
        flash("首次登录（或密码被重置）后须先修改密码。", "error")
        return redirect(url_for("account.password"))
    return redirect(url_for(HOME[user.role]))


def _refused(form: LoginForm, reason: str, status: int):
    flash(reason, "error")
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("auth.login"))
