"""人员账号: the agency administrator's page of its people's accounts — open one with its role, change the
role, deactivate (WeChat unbound and sessions ended at once), re-enable, unbind WeChat."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from models import Role, Staff
from services.core import policy
from services.filing import filings
from services.filing.filings import FormInvalid
from services.texts.names import ROLE_NAMES
from services.texts.refusals import say
from services.users import accounts, staff_accounts
from web.access import get_or_404, me, role_required
from web.agency import bp
from web.db import db

CHANGES = {
    "deactivate": "已停用 {name} 的账号 {username}：微信绑定已解除，已登录的会话已退出。",
    "reactivate": "已重新启用 {name} 的账号 {username}。",
    "unbind": "已解除 {name} 的微信绑定。",
}


@bp.get("/accounts")
@role_required(Role.AGENCY_ADMIN)
def accounts_page():
    staff = db().scalars(policy.scoped(me(), Staff).where(Staff.active).order_by(Staff.id)).all()
    in_force = filings.filed_resources(db(), me().agency_id)
    filed = {e["id"] for e in in_force.snapshot.get("staff", [])} if in_force else set()
    return render_template("agency/accounts.html", staff=staff, filed=filed, role_names=ROLE_NAMES)


def _person(staff_id: int) -> Staff:
    staff = get_or_404(Staff, staff_id)
    if not staff.active:
        abort(404)
    return staff


def _page(staff: Staff, typed: dict, errors: dict, status: int = 200):
    roles = [(r, ROLE_NAMES[r]) for r in staff_accounts.roles_for(staff.agency.kind)]
    return render_template("agency/staff_account.html", staff=staff, typed=typed, errors=errors, roles=roles), status


@bp.route("/accounts/staff/<int:staff_id>/new", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def open_account(staff_id: int):
    """开通账号 for a filed person, with the role they hold."""
    staff = _person(staff_id)
    if request.method == "GET":
        return _page(staff, {"role": staff_accounts.suggested_role(staff)}, {})
    try:
        user = staff_accounts.open_account(db(), me(), staff, request.form)
    except staff_accounts.AccountRefused as refused:
        flash(say(refused), "error")
        return _page(_person(staff_id), request.form, {}, 400)
    except FormInvalid as invalid:
        flash("账号未开通，请按提示修改。", "error")
        return _page(_person(staff_id), request.form, invalid.errors, 400)
    flash(f"已为“{staff.name}”开通{ROLE_NAMES[user.role]}账号 {user.username}，首次登录网页须修改初始密码；"
          "可在微信公众号“账户信息”中绑定。", "success")
    return redirect(url_for("agency.accounts_page"), code=303)


@bp.route("/accounts/staff/<int:staff_id>", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def edit_account(staff_id: int):
    """修改角色 of a person's account."""
    staff = _linked(staff_id)
    if request.method == "GET":
        return _page(staff, {"role": staff.user.role}, {})
    try:
        staff_accounts.change_role(db(), me(), staff, request.form)
    except (staff_accounts.AccountRefused, FormInvalid) as refused:
        flash(say(refused), "error")
        return _page(_linked(staff_id), request.form, getattr(refused, "errors", {}), 400)
    flash(f"{staff.name} 的账号角色为：{ROLE_NAMES[staff.user.role]}。", "success")
    return redirect(url_for("agency.accounts_page"), code=303)


@bp.post("/accounts/staff/<int:staff_id>/<any(deactivate, reactivate, unbind):change>")
@role_required(Role.AGENCY_ADMIN)
def change_account(staff_id: int, change: str):
    staff = _linked(staff_id)
    try:
        if change == "reactivate":
            staff_accounts.reactivate(db(), me(), staff)
        else:
            {"deactivate": accounts.deactivate, "unbind": accounts.unbind_wechat}[change](db(), me(), staff.user)
    except staff_accounts.AccountRefused as refused:
        flash(say(refused), "error")
        return redirect(url_for("agency.accounts_page"), code=303)
    flash(CHANGES[change].format(name=staff.name, username=staff.user.username), "success")
    return redirect(url_for("agency.accounts_page"), code=303)


def _linked(staff_id: int) -> Staff:
    staff = _person(staff_id)
    if staff.user is None:
        abort(404)
    return staff
