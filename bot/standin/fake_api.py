"""A fake WeChat API under /fake-wechat/ with the real endpoints' shapes (WECHAT_API_BASE points here in
the demo and the tests), plus the OAuth authorize page under /fake-wechat/open/."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, request

from bot.standin.store import FakeWeChat

bp = Blueprint("fake_wechat", __name__, url_prefix="/fake-wechat")


def fake() -> FakeWeChat:
    return FakeWeChat(current_app.extensions["emss"].redis)


def _error(code: int, message: str):
    return jsonify(errcode=code, errmsg=message)


@bp.before_request
def injected_failure():
    """A failure planned through /_control/fail answers instead of the endpoint."""
    endpoint = request.path.removeprefix(bp.url_prefix + "/")
    plan = fake().take_failure(endpoint)
    if plan is None:
        return None
    if plan.get("http"):
        return Response("fake failure", status=int(plan["http"]))
    return _error(int(plan.get("errcode", -1)), plan.get("errmsg", "system error"))


def _authorised() -> bool:
    return fake().token_valid(request.args.get("access_token", ""))


@bp.get("/cgi-bin/token")
def token():
    config = current_app.extensions["emss"].config
    if request.args.get("grant_type") != "client_credential":
        return _error(40002, "invalid grant_type")
    if request.args.get("appid") != config.wechat_app_id or request.args.get("secret") != config.wechat_app_secret:
        return _error(40125, "invalid appsecret")
    return jsonify(access_token=fake().issue_token(), expires_in=7200)


@bp.post("/cgi-bin/media/upload")
def media_upload():
    if not _authorised():
        return _error(40001, "invalid credential")
    upload = request.files.get("media")
    if upload is None:
        return _error(41005, "media data missing")
    media_id = fake().put_media(upload.read(), upload.mimetype or "image/jpeg")
    return jsonify(type=request.args.get("type", "image"), media_id=media_id, created_at=0)


@bp.get("/cgi-bin/media/get")
def media_get():
    if not _authorised():
        return _error(40001, "invalid credential")
    found = fake().get_media(request.args.get("media_id", ""))
    if found is None:
        return _error(40007, "invalid media_id")
    data, content_type = found
    return Response(data, mimetype=content_type)


def _json_body() -> dict:
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        abort(Response('{"errcode":47001,"errmsg":"data format error"}', mimetype="application/json"))
    return body


@bp.post("/cgi-bin/message/template/send")
def template_send():
    if not _authorised():
        return _error(40001, "invalid credential")
    body = _json_body()
    if not body.get("touser") or not body.get("template_id"):
        return _error(40003, "invalid openid or template_id")
    msgid = fake().next_msgid()
    fake().deliver(body["touser"], {"kind": "template", "msgid": msgid, "template_id": body["template_id"],
                                    "url": body.get("url", ""), "data": body.get("data", {})})
    return jsonify(errcode=0, errmsg="ok", msgid=msgid)


@bp.post("/cgi-bin/message/custom/send")
def custom_send():
    if not _authorised():
        return _error(40001, "invalid credential")
    body = _json_body()
    if body.get("msgtype") != "text" or not body.get("touser"):
        return _error(40008, "invalid message type")
    fake().deliver(body["touser"], {"kind": "text", "direction": "in", "content": body["text"]["content"],
                                    "via": "custom"})
    return jsonify(errcode=0, errmsg="ok")


@bp.post("/cgi-bin/menu/create")
def menu_create():
    if not _authorised():
        return _error(40001, "invalid credential")
    body = _json_body()
    buttons = body.get("button") or []
    if not 1 <= len(buttons) <= 3 or any(len(b.get("sub_button", [])) > 5 for b in buttons):
        return _error(40017, "invalid button size")
    fake().set_menu(body)
    return jsonify(errcode=0, errmsg="ok")


@bp.get("/cgi-bin/menu/get")
def menu_get():
    menu = fake().menu()
    return jsonify(menu=menu) if menu else _error(46003, "menu no exist")


@bp.get("/sns/oauth2/access_token")
def oauth_access_token():
    config = current_app.extensions["emss"].config
    if request.args.get("appid") != config.wechat_app_id or request.args.get("secret") != config.wechat_app_secret:
        return _error(40125, "invalid appsecret")
    openid = fake().redeem_code(request.args.get("code", ""))
    if openid is None:
        return _error(40029, "invalid code")
    return jsonify(access_token="FAKE_WEB_TOKEN", expires_in=7200, openid=openid, scope="snsapi_base")


@bp.get("/open/connect/oauth2/authorize")
def oauth_authorize():
    """WeChat's authorize step, silent for snsapi_base: back to redirect_uri with a code for the OpenID the
    simulator opened the link as (`as` parameter; WeChat itself knows who is holding the phone)."""
    openid = request.args.get("as") or request.cookies.get("emss_sim_openid")
    redirect_uri = request.args.get("redirect_uri", "")
    if not openid or not redirect_uri:
        abort(400)
    glue = "&" if "?" in redirect_uri else "?"
    state = request.args.get("state", "")
    return redirect(f"{redirect_uri}{glue}code={fake().issue_code(openid)}&state={state}")


@bp.post("/_control/fail")
def control_fail():
    """Make the next `times` calls of `endpoint` fail, with an HTTP status or a WeChat errcode."""
    body = _json_body()
    fake().fail_next(body["endpoint"], int(body.get("times", 1)),
                     {k: body[k] for k in ("http", "errcode", "errmsg") if k in body})
    return jsonify(ok=True)
