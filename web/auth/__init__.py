"""登录 / 退出: the same accounts the bot binds to."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from services import accounts
from web.access import LoginThrottle, Principal
from web.db import db

bp = Blueprint("auth", __name__, template_folder="templates")

HOME = {
    "agency_admin": "agency.home",
    "sampler": "agency.home",
    "om_crew": "agency.home",
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
    throttle, ip = LoginThrottle(), request.remote_addr or "-"
    username = form.username.data.strip()
    if throttle.blocked(username, ip):
        flash("登录失败次数过多，请 15 分钟后再试。", "error")
        return render_template("auth/login.html", form=form), 429
    user = accounts.authenticate(db(), username, form.password.data)
    if user is None:
        throttle.failed(username, ip)
        flash("账号或密码错误。", "error")
        return render_template("auth/login.html", form=form), 401
    throttle.succeeded(username, ip)
    login_user(Principal(user.id))
    return redirect(url_for(HOME[user.role]))


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("auth.login"))
