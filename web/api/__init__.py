"""开放接口 /api/v1/: the regulator's desk for the city platform, read-only, JSON.

A bearer token of a regulator (`emss api-token create USERNAME`) opens the regulator's scope; no session, no
cookie, no CSRF. Tokens are read from the Authorization header only (never from the URL, which servers and
proxies log) and are never logged. Each token has a request budget in Redis (429 with Retry-After).
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from services.core import ratelimit
from services.desk import api_items, open_api
from services.desk.supervision import FilterError
from services.texts.refusals import say
from services.users import api_tokens
from web.api.spec import SPEC
from web.db import db
from web.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
REALM = 'Bearer realm="emss-api"'
SERIALISE = {"findings": api_items.findings, "trips": api_items.trips, "om-visits": api_items.om_visits}
QUERY = {"findings": open_api.findings, "trips": open_api.trips, "om-visits": open_api.om_visits}


def problem(status: int, error: str, message: str, field: str | None = None, headers: dict | None = None):
    """An error as JSON: a stable code for programs and a Chinese sentence for people."""
    body = {"error": error, "message": message, **({"field": field} if field else {})}
    return jsonify(body), status, headers or {}


@bp.before_request
def authenticate():
    if request.endpoint in ("api.openapi", "api.elsewhere"):
        return None  # the description of the API (which paths exist) is public; the data is not
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    found = api_tokens.holder(db(), token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if found is None:
        return problem(401, "unauthorized", "需要有效的开放接口令牌：请在请求头 Authorization 中提供 Bearer 令牌。",
                       headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"' if token else REALM})
    row, g.api_user = found
    config = current_app.extensions["emss"].config
    wait = ratelimit.spend(current_app.extensions["emss"].redis, f"api-token:{row.id}", config.api_rate_limit,
                           config.api_rate_window)
    if wait is not None:
        return problem(429, "rate_limited", f"请求过于频繁：每 {config.api_rate_window} 秒最多"
                       f" {config.api_rate_limit} 次，请 {wait} 秒后再试。", headers={"Retry-After": str(wait)})
    return None


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)


@bp.get("/<any(findings, trips, 'om-visits'):name>")
def listing(name: str):
    try:
        flt = open_api.parse_filter(request.args)
        limit = open_api.parse_limit(request.args.get("limit", ""))
        after = open_api.decode_cursor(name, request.args.get("cursor", ""))
    except FilterError as bad:
        return problem(400, "bad_request", say(bad), bad.field)
    rows = QUERY[name](db(), g.api_user, flt, after, limit)
    more = len(rows) > limit
    rows = rows[:limit]
    return jsonify({"items": SERIALISE[name](db(), rows), "limit": limit,
                    "next_cursor": open_api.encode_cursor(name, rows[-1].id) if more else None})


@bp.get("/<any(findings, trips, 'om-visits'):name>/<int:ident>")
def item(name: str, ident: int):
    row = open_api.one(db(), g.api_user, name, ident)
    if row is None:
        return problem(404, "not_found", "没有这条记录，或它不在您的管辖范围内。")
    return jsonify(SERIALISE[name](db(), [row])[0])


@bp.get("/<path:unknown>")
def elsewhere(unknown: str):
    """A path the API does not have: JSON like every other answer here, not the web pages' HTML."""
    return problem(404, "not_found", "没有这个接口：可用的接口见 /api/v1/openapi.json。")
