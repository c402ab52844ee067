"""WeChat web authorization (snsapi_base) for the pages opened inside WeChat: the polluter's confirmation pages
and the crew's sheet page. Who holds the page is learned from WeChat, never from the link alone."""
from __future__ import annotations

import secrets
from urllib.parse import urlencode

from flask import abort, current_app, redirect, request, session, url_for

from services.wechat.client import WeChatError
from services.wechat.jobs import client

OAUTH_PENDING = "wechat_oauth"
OAUTH_EXPIRED = "微信授权已失效，请从微信消息重新打开链接。"
OAUTH_FAILED = "微信授权未成功，请稍后从微信消息重新打开链接。"


def authorize(callback_endpoint: str, **remember):
    """To WeChat's authorize page (silent for snsapi_base), remembering what to return to."""
    config = current_app.extensions["emss"].config
    state = secrets.token_urlsafe(16)
    session[OAUTH_PENDING] = {"state": state, **remember}
    query = urlencode({  # WeChat wants the parameters in this order
        "appid": config.wechat_app_id,
        "redirect_uri": config.public_base_url.rstrip("/") + url_for(callback_endpoint),
        "response_type": "code",
        "scope": "snsapi_base",
        "state": state,
    })
    return redirect(f"{config.wechat_open_base}connect/oauth2/authorize?{query}#wechat_redirect")


def returned(expired: str = OAUTH_EXPIRED, failed: str = OAUTH_FAILED) -> tuple[dict, str]:
    """WeChat's redirect back: what `authorize` remembered and the OpenID the code names (400 otherwise)."""
    started = session.pop(OAUTH_PENDING, None)
    code, state = request.args.get("code", ""), request.args.get("state", "")
    if not started or not code or not secrets.compare_digest(state, started["state"]):
        abort(400, expired)
    try:
        return started, client(current_app.extensions["emss"]).oauth_openid(code)
    except WeChatError:
        abort(400, failed)
