"""账号管理 for the system administrator: every account with its WeChat binding, regulator accounts with
their scope, industrial parks, a polluter's first account, one-time reset links, deactivation, the log."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from models import Park, Polluter, Role, User, clock
from services.core.policy import SCOPES, scope_label
from services.filing.filings import FormInvalid
from services.texts.names import ROLE_NAMES
from services.texts.refusals import say
from services.users import account_log, accounts, password_resets, polluter_accounts, regulator_accounts
from states.filing_forms import DISTRICTS
from web.access import me, role_required
from web.admin import bp
from web.db import db

ADMIN = Role.SYSTEM_ADMIN
NO_STORE = {"Cache-Control": "no-store"}  # the one-time link is shown once: no copy in a cache


@bp.get("/accounts")
@role_required(ADMIN)
def accounts_page():
    users = db().scalars(select(User).order_by(User.role, User.id)).all()
    return render_template("admin/accounts.html", users=users, role_names=ROLE_NAMES, scope_label=scope_label)


def _regulator_form(user: User | None, typed, errors, status: int = 200):
    return render_template("admin/regulator.html", user=user, typed=typed, errors=errors, scopes=SCOPES,
                           districts=DISTRICTS, parks=regulator_accounts.parks(db())), status


@bp.route("/accounts/regulators/new", methods=["GET", "POST"])
@role_required(ADMIN)
def new_regulator():
    if request.method == "GET":
        return _regulator_form(None, {}, {})
    try:
        user = regulator_accounts.open_regulator(db(), me(), request.form)
    except FormInvalid as invalid:
        return _regulator_form(None, request.form, invalid.errors, 400)
    flash(f"已开通管理部门账号 {user.username}（监管范围：{scope_label(user)}），首次登录须修改初始密码。", "success")
    return redirect(url_for("admin.accounts_page"), code=303)


@bp.route("/accounts/<int:user_id>/scope", methods=["GET", "POST"])
@role_required(ADMIN)
def regulator_scope(user_id: int):
    user = _account(user_id)
    if user.role != Role.REGULATOR:
        abort(404)
    if request.method == "GET":
        return _regulator_form(user, {"scope": user.scope, "district": user.district,
                                      "park_id": str(user.park_id or "")}, {})
    try:
        regulator_accounts.change_scope(db(), me(), user, request.form)
    except FormInvalid as invalid:
        return _regulator_form(_account(user_id), request.form, invalid.errors, 400)
    flash(f"{user.display_name} 的监管范围已改为：{scope_label(user)}。", "success")
    return redirect(url_for("admin.accounts_page"), code=303)


@bp.post("/accounts/<int:user_id>/reset")
@role_required(ADMIN)
def reset_password(user_id: int):
    """A one-time link, shown on this page only: the administrator hands it to the holder."""
    user = _account(user_id)
    token = password_resets.issue(db(), me(), user)
    page = render_template("admin/reset_link.html", user=user, hours=password_resets.LINK_HOURS,
                           link=url_for("account.reset", token=token, _external=True))
    return page, 200, NO_STORE


@bp.post("/accounts/<int:user_id>/<any(deactivate, reactivate, unbind):change>")
@role_required(ADMIN)
def change_account(user_id: int, change: str):
    user = _account(user_id)
    if user.id == me().id and change == "deactivate":
        flash("不能停用自己的账号。", "error")
        return redirect(url_for("admin.accounts_page"), code=303)
    {"deactivate": accounts.deactivate, "reactivate": accounts.reactivate,
     "unbind": accounts.unbind_wechat}[change](db(), me(), user)
    flash({"deactivate": "已停用账号 {u}：微信绑定已解除，已登录的会话已退出。", "reactivate": "已重新启用账号 {u}。",
           "unbind": "已处理账号 {u} 的微信绑定（如有）。"}[change].format(u=user.username), "success")
    return redirect(url_for("admin.accounts_page"), code=303)


@bp.get("/accounts/log")
@role_required(ADMIN)
def account_log_page():
    typed = request.args.get("user_id", "")
    events = account_log.recent(db(), int(typed) if typed.isdigit() else None)
    return render_template("admin/account_log.html", events=events, actions=account_log.ACTIONS, fmt=clock.fmt,
                           describe=account_log.describe)


def _account(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None:
        abort(404)
    return user


# --- industrial parks (园区) ------------------------------------------------------------------------------

@bp.get("/parks")
@role_required(ADMIN)
def parks():
    return render_template("admin/parks.html", parks=regulator_accounts.parks(db()))


@bp.route("/parks/new", methods=["GET", "POST"], defaults={"park_id": None})
@bp.route("/parks/<int:park_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def park(park_id: int | None):
    row = db().get(Park, park_id) if park_id else None
    if park_id and row is None:
        abort(404)
    if request.method == "GET":
        codes = "\n".join(p.credit_code for p in row.polluters) if row else ""
        return render_template("admin/park.html", park=row, typed={"name": row.name if row else "",
                                                                    "credit_codes": codes}, errors={})
    try:
        saved = regulator_accounts.save_park(db(), row, request.form.get("name", ""),
                                             request.form.get("credit_codes", ""))
    except FormInvalid as invalid:
        return render_template("admin/park.html", park=row, typed=request.form, errors=invalid.errors), 400
    flash(f"园区“{saved.name}”已保存，共 {len(saved.polluters)} 家排污单位。", "success")
    return redirect(url_for("admin.parks"), code=303)


# --- a polluter's first account ----------------------------------------------------------------------------

@bp.route("/polluters/<int:polluter_id>/account", methods=["GET", "POST"])
@role_required(ADMIN)
def polluter_account(polluter_id: int):
    polluter = db().get(Polluter, polluter_id)
    if polluter is None:
        abort(404)
    if request.method == "GET":
        return render_template("admin/polluter_account.html", polluter=polluter, typed={"post": "环保负责人"},
                               errors={})
    try:
        user = polluter_accounts.open_first(db(), me(), polluter, request.form)
    except polluter_accounts.AccountProblem as exists:
        flash(say(exists), "error")
        return render_template("admin/polluter_account.html", polluter=polluter, typed=request.form,
                               errors={}), 400
    except FormInvalid as invalid:
        return render_template("admin/polluter_account.html", polluter=polluter, typed=request.form,
                               errors=invalid.errors), 400
    flash(f"已为“{polluter.name}”开通账号 {user.username}，首次登录须修改初始密码；"
          "其同事的账号由其自行开通。", "success")
    return redirect(url_for("admin.accounts_page"), code=303)
