"""法人一证通 played locally: the authorize page where the entity "logs in" (credit code and name, checked as the
real provider's certificate would guarantee), the token endpoint and userinfo, over the protocol that
services/users/identity.py speaks to the real one."""
from __future__ import annotations

import json
import secrets
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request

from services.texts.refusals import say
from services.users import identity

bp = Blueprint("fake_identity", __name__, url_prefix="/fake-identity", template_folder="templates")
PREFIX = "fake-identity:"
LIFETIME = 300  # seconds a code or an access token lives


def _runtime():
    return current_app.extensions["emss"]


def _client_ids() -> set[str]:
    config = _runtime().config
    return {identity.DEV_CLIENT_ID, config.identity_client_id} - {""}


def _redirect_uri() -> str:
    """Only back to this app: even a stand-in must not be an open redirector."""
    uri = request.values.get("redirect_uri", "")
    if not uri.startswith(_runtime().config.public_base_url.rstrip("/") + "/"):
        abort(400, "redirect_uri 不属于本系统")
    return uri


@bp.get("/authorize")
def authorize():
    if request.args.get("client_id") not in _client_ids():
        abort(400, "client_id 无效")
    return render_template("standins/identity.html", redirect_uri=_redirect_uri(),
                           state=request.args.get("state", ""), typed={}, problem=None)


@bp.post("/authorize")
def authorized():
    back, state = _redirect_uri(), request.form.get("state", "")
    if request.form.get("action") == "cancel":
        return redirect(f"{back}?{urlencode({'error': 'access_denied', 'state': state})}")
    try:
        entity = identity.entity_from(request.form.get("credit_code", ""), request.form.get("name", ""))
    except identity.IdentityRejected as rejected:
        return render_template("standins/identity.html", redirect_uri=back, state=state, typed=request.form,
                               problem=say(rejected)), 400
    code = secrets.token_urlsafe(16)
    held = {"credit_code": entity.credit_code, "name": entity.name, "redirect_uri": back}
    _runtime().redis.set(PREFIX + "code:" + code, json.dumps(held), ex=LIFETIME)
    return redirect(f"{back}?{urlencode({'code': code, 'state': state})}")


@bp.post("/token")
def token():
    form = request.form
    client_ok = form.get("client_id") in _client_ids() and form.get("client_secret") in {
        identity.DEV_CLIENT_SECRET, _runtime().config.identity_client_secret} - {""}
    if not client_ok:
        return jsonify(error="invalid_client"), 401
    held = _runtime().redis.getdel(PREFIX + "code:" + form.get("code", ""))  # a code is good once
    if held is None or json.loads(held)["redirect_uri"] != form.get("redirect_uri"):
        return jsonify(error="invalid_grant"), 400
    access = secrets.token_urlsafe(24)
    _runtime().redis.set(PREFIX + "token:" + access, held, ex=LIFETIME)
    return jsonify(access_token=access, token_type="Bearer", expires_in=LIFETIME)


@bp.get("/userinfo")
def userinfo():
    access = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    held = _runtime().redis.get(PREFIX + "token:" + access) if access else None
    if held is None:
        return jsonify(error="invalid_token"), 401
    entity = json.loads(held)
    return jsonify(credit_code=entity["credit_code"], name=entity["name"])
