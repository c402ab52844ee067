"""排污单位确认 on the phone: the page a template message links to, reached through WeChat OAuth.

The link's token names one polluter user; WeChat OAuth (snsapi_base) tells us which WeChat user holds the
phone. Only when that OpenID is bound to the link's very user does the page show the trip and take the
decision; the verified OpenID is kept in the session for the page's forms and photos.

A link that expired, was used or was superseded is dead for every URL under its token (page, photos,
signatures, outcome): 410 with the reason, even for its holder. The one exception is the outcome page shown
once, right after this browser's decision through the link.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, make_response, redirect, render_template, request, session, url_for

from models import Confirmation, ConfirmationLink, ConfirmationStatus, clock
from services import confirmations
from services.confirmations import ConfirmationProblem
from web import oauth
from web.db import db
from web.mobile import record

bp = Blueprint("mobile", __name__, url_prefix="/m", template_folder="templates")

VERIFIED_OPENID = "wechat_openid"
LINK_PROBLEMS = {
    "unknown": (404, "此确认链接无效，请从微信模板消息中打开。"),
    "superseded": (410, "此链接已失效：监测机构已更正并重新提交了该采样行程，请打开最新收到的模板消息。"),
    "expired": (410, "此确认链接已过期。请登录网页端“待确认采样行程”进行确认，或联系监测机构。"),
    "used": (410, "此确认链接已使用过，不能重复使用。处理结果已记录。"),
}
NOT_BOUND = "您的微信未绑定此链接对应的排污单位账号，无法查看或确认该采样行程。"
# the link this browser just decided through: its outcome page is shown once more, then the link is dead
RECEIPT = "decided_link"


@bp.get("/confirm/<token>")
def confirm_link(token: str):
    """The link from the template message: the trip and the decision, once WeChat said who is holding it."""
    link = _usable(_link(token))
    if not _held(link):
        return _authorize(token)
    return _page(link, token)


@bp.get("/oauth")
def oauth_callback():
    """WeChat's redirect after snsapi_base: the code names the OpenID, which must be bound to the link's user."""
    started, openid = oauth.returned()
    page = PAGES[started.get("page", "trip")]
    link = _link(started["token"], page)
    if not confirmations.holder_verified(db(), link, openid):
        abort(404, page.not_bound)
    session[VERIFIED_OPENID] = openid
    return redirect(url_for(page.endpoint, token=started["token"]))


@bp.post("/confirm/<token>")
def decide(token: str):
    """确认 or 退回. A round already decided (double tap, replayed form, a colleague first) changes nothing
    and shows the outcome."""
    link = _link(token)
    if not _held(link):
        abort(404, NOT_BOUND)
    if link.confirmation.status == ConfirmationStatus.PENDING:
        _usable(link)
        error = record.decide(link.confirmation, link.user, link)
        if error:
            return _page(link, token, reason=request.form.get("reason", ""), error=error, status=400)
    return to_outcome(link, ".done", token)


@bp.get("/confirm/<token>/done")
def done(token: str):
    """The outcome of the decision taken through this link (or by a colleague first)."""
    link = outcome_link(token)
    return render_template("mobile/done.html", title="采样行程确认", decision="mobile/_decision.html",
                           confirmation=link.confirmation, fmt=clock.fmt)


@bp.get("/confirm/<token>/photos/<int:photo_id>/<variant>")
def photo(token: str, photo_id: int, variant: str):
    return record.send_photo(alive(token).confirmation.trip, photo_id, variant)


@dataclass(frozen=True)
class LinkPage:
    """A kind of confirmation page a template message opens: the round it decides, where OAuth returns to,
    and how its refusals are worded."""

    kind: type
    endpoint: str
    problems: dict
    not_bound: str


PAGES = {"trip": LinkPage(Confirmation, ".confirm_link", LINK_PROBLEMS, NOT_BOUND)}


def _link(token: str, page: LinkPage = PAGES["trip"]) -> ConfirmationLink:
    try:
        return confirmations.find_link(db(), token, page.kind)
    except ConfirmationProblem as problem:
        abort(_refused(problem.code, page))


def _refused(code: str, page: LinkPage = PAGES["trip"]) -> Response:
    """Why the link cannot be used, in Chinese: 404 for a link that never existed, 410 for one that did."""
    status, reason = page.problems[code]
    return make_response(render_template("error.html", code=status, reason=reason), status)


def _usable(link: ConfirmationLink, page: LinkPage = PAGES["trip"]) -> ConfirmationLink:
    """The link, unless it was used or expired: then 410 with the reason, whoever asks."""
    try:
        confirmations.check_usable(link)
    except ConfirmationProblem as problem:
        abort(_refused(problem.code, page))
    return link


def alive(token: str, page: LinkPage = PAGES["trip"]) -> ConfirmationLink:
    """The link behind a URL under its token: current and usable (else 410), and held by its verified
    holder (else 404)."""
    link = _usable(_link(token, page), page)
    if not _held(link):
        abort(404, page.not_bound)
    return link


def to_outcome(link: ConfirmationLink, endpoint: str, token: str):
    """After a decision posted through the link: its outcome page, which this browser may see once."""
    session[RECEIPT] = link.id
    return redirect(url_for(endpoint, token=token), code=303)


def outcome_link(token: str, page: LinkPage = PAGES["trip"]) -> ConfirmationLink:
    """The link of an outcome page: alive, or just decided through in this browser (once)."""
    link = _link(token, page)
    if session.pop(RECEIPT, None) == link.id and _held(link):
        return link
    return alive(token, page)


def _held(link: ConfirmationLink) -> bool:
    return confirmations.holder_verified(db(), link, session.get(VERIFIED_OPENID))


def _authorize(token: str, page: str = "trip"):
    """To WeChat's authorize page, remembering which link to return to."""
    return oauth.authorize(".oauth_callback", token=token, page=page)


def _page(link: ConfirmationLink, token: str, reason: str = "", error: str | None = None, status: int = 200):
    trip = link.confirmation.trip
    waiting = confirmations.pending(trip) is link.confirmation
    context = record.context(
        trip, photo_url=lambda p, variant: url_for(".photo", token=token, photo_id=p.id, variant=variant),
        decide_url=url_for(".decide", token=token) if waiting else None, reason=reason, error=error)
    return render_template("mobile/confirm.html", **context), status


from web.mobile import om  # noqa: E402,F401  (the O&M visit's confirmation page, on this blueprint)
