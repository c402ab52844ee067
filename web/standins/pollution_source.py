"""污染源综合管理信息系统 played locally: a page to open accounts in it (as the city would have done long
before EMSS) and the verify endpoint services/users/pollution_source.py calls."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from services.users import pollution_source
from states.forms import normalise

bp = Blueprint("fake_pollution_source", __name__, url_prefix="/fake-pollution-source", template_folder="templates")
ACCOUNTS = "fake-pollution-source:accounts"


def _redis():
    return current_app.extensions["emss"].redis


def _accounts() -> dict[str, dict]:
    return {name.decode(): json.loads(raw) for name, raw in _redis().hgetall(ACCOUNTS).items()}


@bp.get("/")
def accounts():
    return render_template("standins/pollution_source.html", accounts=_accounts())


@bp.post("/")
def open_account():
    form = request.form
    username, password = form.get("username", "").strip(), form.get("password", "")
    code, name = normalise(form.get("credit_code", "")).upper(), normalise(form.get("name", ""))
    if not username or len(password) < 6 or not code or not name:
        flash("请填写账号、至少 6 位的密码、统一社会信用代码和单位名称。", "error")
        return render_template("standins/pollution_source.html", accounts=_accounts()), 400
    _redis().hset(ACCOUNTS, username, json.dumps({"password": generate_password_hash(password),
                                                  "credit_code": code, "name": name}))
    flash(f"已在污染源系统（模拟）中开设账号 {username}。", "success")
    return redirect(url_for("fake_pollution_source.accounts"))


@bp.post("/verify")
def verify():
    config = current_app.extensions["emss"].config
    keys = {pollution_source.DEV_KEY, config.polluter_directory_key} - {""}
    if request.headers.get("Authorization", "").removeprefix("Bearer ").strip() not in keys:
        return jsonify(error="invalid_client"), 403
    asked = request.get_json(silent=True) or {}
    raw = _redis().hget(ACCOUNTS, str(asked.get("username", "")))
    account = json.loads(raw) if raw else None
    if account is None or not check_password_hash(account["password"], str(asked.get("password", ""))):
        return jsonify(error="invalid_credentials"), 401
    return jsonify(username=asked["username"], credit_code=account["credit_code"], name=account["name"])
