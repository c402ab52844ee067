"""排污单位确认 on the phone: the page a template message links to, reached through WeChat OAuth.

The link's token names one polluter user; WeChat OAuth (snsapi_base) tells us which WeChat user holds the
phone. Only when that OpenID is bound to the link's very user does the page show the trip and take the
decision; the verified OpenID is kept in the session for the page's forms and photos.

A link that expired, was used or was superseded is dead for every URL under its token (page, photos,
signatures, outcome): 410 with the reason, even for its holder. The one exception is the outcome page shown
once, right after this browser's decision through the link.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, make_response, redirect, render_template, request, session, url_for

from models import Confirmation, ConfirmationLink, ConfirmationStatus, OmConfirmation, clock
from services.field.decisions import ConfirmationProblem
from services.om import om_confirmations
from services.sampling import confirmations
from services.texts.refusals import say
from web import oauth
from web.db import db
from web.mobile import decision, om_record, record

bp = Blueprint("mobile", __name__, url_prefix="/m", template_folder="templates")

VERIFIED_OPENID = "wechat_openid"
NOT_BOUND = "您的微信未绑定此链接对应的排污单位账号，无法查看或确认该采样行程。"
OM_NOT_BOUND = "您的微信未绑定此链接对应的排污单位账号，无法查看或确认该运维记录。"
# the link this browser just decided through: its outcome page is shown once more, then the link is dead
RECEIPT = "decided_link"


@dataclass(frozen=True)
class LinkPage:
    """A kind of confirmation page a template message opens — a trip's (/m/confirm/…) or an O&M visit's
    (/m/om/confirm/…): the round it decides, how its refusals are worded, the record it shows and how its
    decision is taken. Every view below serves both."""

    name: str  # "trip" | "om": where OAuth returns to, and the prefix of the page's endpoints
    kind: type
    problems: str  # the catalogue's section (services/texts/refusals.py) wording its dead links
    not_bound: str
    deciding: decision.Round
    subject: Callable  # the round's trip or visit
    pending: Callable  # (subject) -> the round waiting for a decision, if any
    context: Callable  # (subject, photo_url, signature_url, decide_url, reason, error) -> the template's context
    send_photo: Callable  # (subject, photo_id, variant)
    outcome: Callable  # (confirmation) -> what the outcome page shows besides the decision card

    def endpoint(self, view: str) -> str:
        return "." + ("" if self.name == "trip" else "om_") + view


PAGES = {
    "trip": LinkPage(
        "trip", Confirmation, "trip_link", NOT_BOUND, decision.TRIP, subject=lambda c: c.trip,
        pending=confirmations.pending,
        context=lambda trip, photo_url, signature_url, **form: record.context(trip, photo_url, **form),
        send_photo=record.send_photo, outcome=lambda _c: {"signed": False}),
    "om": LinkPage(
        "om", OmConfirmation, "om_link", OM_NOT_BOUND, decision.OM, subject=lambda c: c.visit,
        pending=om_confirmations.pending,
        context=lambda visit, photo_url, signature_url, **form: om_record.context(db(), visit, photo_url,
                                                                                 signature_url, **form),
        send_photo=lambda visit, photo_id, variant: om_record.send_photo(db(), visit, photo_id, variant),
        outcome=lambda c: {"signed": True, "signature_url": om_record.signature_inline,
                           "overdue": om_confirmations.overdue(db(), c), "late_name": om_record.LATE,
                           "overdue_name": om_record.OVERDUE}),
}


def confirm_link(token: str, page: str):
    """The link from the template message: the record and the decision, once WeChat said who is holding it."""
    link_page = PAGES[page]
    link = _usable(_link(token, link_page), link_page)
    if not _held(link):
        return _authorize(token, page)
    return _page(link_page, link, token)


@bp.get("/oauth")
def oauth_callback():
    """WeChat's redirect after snsapi_base: the code names the OpenID, which must be bound to the link's user."""
    started, openid = oauth.returned()
    page = PAGES[started.get("page", "trip")]
    link = _link(started["token"], page)
    if not confirmations.holder_verified(db(), link, openid):
        abort(404, page.not_bound)
    session[VERIFIED_OPENID] = openid
    return redirect(url_for(page.endpoint("confirm_link"), token=started["token"]))


def decide(token: str, page: str):
    """确认 (with the signature, for a visit) or 退回. A round already decided (double tap, replayed form, a
    colleague first) changes nothing and shows the outcome."""
    link_page = PAGES[page]
    link = _link(token, link_page)
    if not _held(link):
        abort(404, link_page.not_bound)
    confirmation = confirmations.round_of(link)
    if confirmation.status == ConfirmationStatus.PENDING:
        _usable(link, link_page)
        error = decision.decide(link_page.deciding, confirmation, link.user, link)
        if error:
            return _page(link_page, link, token, reason=request.form.get("reason", ""), error=error, status=400)
    session[RECEIPT] = link.id  # its outcome page, which this browser may see once
    return redirect(url_for(link_page.endpoint("done"), token=token), code=303)


def done(token: str, page: str):
    """The outcome of the decision taken through this link (or by a colleague first). A visit's signature is
    inline: once the link is dead its signature URL answers 410 like every other."""
    link_page = PAGES[page]
    confirmation = confirmations.round_of(outcome_link(token, link_page))
    return render_template("mobile/done.html", title=link_page.deciding.title, confirmation=confirmation,
                           fmt=clock.fmt, **link_page.outcome(confirmation))


def photo(token: str, photo_id: int, variant: str, page: str):
    link_page = PAGES[page]
    return link_page.send_photo(link_page.subject(confirmations.round_of(alive(token, link_page))), photo_id, variant)


for _prefix, _name in (("/confirm", "trip"), ("/om/confirm", "om")):
    _views = {"confirm_link": (confirm_link, "", "GET"), "decide": (decide, "", "POST"),
              "done": (done, "/done", "GET"), "photo": (photo, "/photos/<int:photo_id>/<variant>", "GET")}
    for _view, (_function, _suffix, _method) in _views.items():
        bp.add_url_rule(f"{_prefix}/<token>{_suffix}", PAGES[_name].endpoint(_view)[1:], _function,
                        methods=[_method], defaults={"page": _name})


def _link(token: str, page: LinkPage) -> ConfirmationLink:
    try:
        return confirmations.find_link(db(), token, page.kind)
    except ConfirmationProblem as problem:
        abort(_refused(problem, page))


def _refused(problem: ConfirmationProblem, page: LinkPage) -> Response:
    """Why the link cannot be used, in Chinese: 404 for a link that never existed, 410 for one that did."""
    status = 404 if problem.code == "unknown" else 410
    return make_response(render_template("error.html", code=status, reason=say(problem, page.problems)), status)


def _usable(link: ConfirmationLink, page: LinkPage) -> ConfirmationLink:
    """The link, unless it was used or expired: then 410 with the reason, whoever asks."""
    try:
        confirmations.check_usable(link)
    except ConfirmationProblem as problem:
        abort(_refused(problem, page))
    return link


def alive(token: str, page: LinkPage) -> ConfirmationLink:
    """The link behind a URL under its token: current and usable (else 410), and held by its verified
    holder (else 404)."""
    link = _usable(_link(token, page), page)
    if not _held(link):
        abort(404, page.not_bound)
    return link


def outcome_link(token: str, page: LinkPage) -> ConfirmationLink:
    """The link of an outcome page: alive, or just decided through in this browser (once)."""
    link = _link(token, page)
    if session.pop(RECEIPT, None) == link.id and _held(link):
        return link
    return alive(token, page)


def _held(link: ConfirmationLink) -> bool:
    return confirmations.holder_verified(db(), link, session.get(VERIFIED_OPENID))


def _authorize(token: str, page: str):
    """To WeChat's authorize page, remembering which link to return to."""
    return oauth.authorize(".oauth_callback", token=token, page=page)


def _page(page: LinkPage, link: ConfirmationLink, token: str, reason: str = "", error: str | None = None,
          status: int = 200):
    confirmation = confirmations.round_of(link)
    subject = page.subject(confirmation)
    waiting = page.pending(subject) is confirmation
    context = page.context(
        subject, photo_url=lambda p, variant: url_for(page.endpoint("photo"), token=token, photo_id=p.id,
                                                      variant=variant),
        signature_url=lambda c: url_for(".om_signature", token=token, confirmation_id=c.id),
        decide_url=url_for(page.endpoint("decide"), token=token) if waiting else None, reason=reason, error=error)
    return render_template("mobile/confirm.html", title=page.deciding.title, **context), status


@bp.get("/om/confirm/<token>/signatures/<int:confirmation_id>")
def om_signature(token: str, confirmation_id: int):
    """A signature of one of the visit's decided rounds, while the link lives."""
    return om_record.send_signature(alive(token, PAGES["om"]).om_confirmation.visit, confirmation_id)
