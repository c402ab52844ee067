"""运维内容确认 on the phone: the O&M visit a template message links to, reached through the same WeChat OAuth
as the trip's page; the polluter signs on a canvas to confirm, or rejects with a reason."""
from __future__ import annotations

from flask import abort, render_template, request, url_for

from models import ConfirmationLink, OmConfirmation, clock
from services import om_confirmations
from web.db import db
from web.mobile import (
    LINK_PROBLEMS,
    PAGES,
    LinkPage,
    _authorize,
    _held,
    _link,
    _usable,
    alive,
    bp,
    om_record,
    outcome_link,
    to_outcome,
)

OM_PROBLEMS = {
    **LINK_PROBLEMS,
    "superseded": (410, "此链接已失效：运维机构已更正并重新提交了该运维记录，请打开最新收到的模板消息。"),
    "expired": (410, "此确认链接已过期。请在公众号菜单点击“污染源运维”获取新的确认链接，或联系运维机构。"),
}
NOT_BOUND = "您的微信未绑定此链接对应的排污单位账号，无法查看或确认该运维记录。"
PAGE = PAGES["om"] = LinkPage(OmConfirmation, ".om_confirm_link", OM_PROBLEMS, NOT_BOUND)


@bp.get("/om/confirm/<token>")
def om_confirm_link(token: str):
    """The link from the template message: the visit, its sheets and the signature pad, once WeChat said who
    is holding the phone."""
    link = _usable(_link(token, PAGE), PAGE)
    if not _held(link):
        return _authorize(token, "om")
    return _page(link, token)


@bp.post("/om/confirm/<token>")
def om_decide(token: str):
    """确认签名 or 退回. A round already decided (double tap, replayed form, a colleague first) changes nothing
    and shows the outcome."""
    link = _link(token, PAGE)
    if not _held(link):
        abort(404, NOT_BOUND)
    if link.om_confirmation.status == om_confirmations.PENDING:
        _usable(link, PAGE)
        error = om_record.decide(link.om_confirmation, link.user, link)
        if error:
            return _page(link, token, reason=request.form.get("reason", ""), error=error, status=400)
    return to_outcome(link, ".om_done", token)


@bp.get("/om/confirm/<token>/done")
def om_done(token: str):
    """The outcome of the decision taken through this link (or by a colleague first), with the signature
    inline: once the link is dead its signature URL answers 410 like every other."""
    confirmation = outcome_link(token, PAGE).om_confirmation
    return render_template("mobile/done.html", title="运维记录签名确认", decision="mobile/_om_decision.html",
                           confirmation=confirmation, signature_url=om_record.signature_inline,
                           overdue=om_confirmations.overdue(db(), confirmation), fmt=clock.fmt,
                           late_name=om_record.LATE, overdue_name=om_record.OVERDUE)


@bp.get("/om/confirm/<token>/photos/<int:photo_id>/<variant>")
def om_photo(token: str, photo_id: int, variant: str):
    return om_record.send_photo(db(), alive(token, PAGE).om_confirmation.visit, photo_id, variant)


@bp.get("/om/confirm/<token>/signatures/<int:confirmation_id>")
def om_signature(token: str, confirmation_id: int):
    return om_record.send_signature(alive(token, PAGE).om_confirmation.visit, confirmation_id)


def _page(link: ConfirmationLink, token: str, reason: str = "", error: str | None = None, status: int = 200):
    visit = link.om_confirmation.visit
    waiting = om_confirmations.pending(visit) is link.om_confirmation
    context = om_record.context(
        db(), visit,
        photo_url=lambda p, variant: url_for(".om_photo", token=token, photo_id=p.id, variant=variant),
        signature_url=lambda c: url_for(".om_signature", token=token, confirmation_id=c.id),
        decide_url=url_for(".om_decide", token=token) if waiting else None, reason=reason, error=error)
    return render_template("mobile/om_confirm.html", **context), status
