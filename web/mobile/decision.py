"""The polluter's decision posted from a page — the phone's (a template message's link) or the desktop's — for a
trip's round or an O&M visit's: one form handling, one way of saying how it went."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, request

from models import clock
from services.adapters.signatures import SignatureProblem
from services.field.decisions import ConfirmationProblem
from services.om import om_confirmations
from services.sampling import confirmations
from services.texts.refusals import say
from web.db import uow

STATUS_NAMES = {"pending": "待确认", "confirmed": "已确认", "rejected": "已退回"}


@dataclass(frozen=True)
class Round:
    """What differs between deciding a trip's round and an O&M visit's: the confirming use case (the visit's
    takes the signature drawn on the page) and the words."""

    title: str
    confirm: Callable  # (uow, confirmation, user, link) -> bool
    reject: Callable  # (uow, confirmation, user, reason, link) -> bool
    confirm_button: str
    decided: dict
    already: str
    nothing_pending: str


TRIP = Round(
    title="采样行程确认", confirm=confirmations.confirm, reject=confirmations.reject, confirm_button="确认",
    decided={"confirm": "您已确认该采样行程，谢谢。", "reject": "已退回该采样行程，监测机构将更正后重新提交。"},
    already="该采样行程已由{name}于 {at} 处理（{status}），本次操作未生效。",
    nothing_pending="该采样行程当前没有待确认的请求。")
OM = Round(
    title="运维记录签名确认",
    confirm=lambda work, c, user, link: om_confirmations.confirm(work, c, user, request.form.get("signature"), link),
    reject=om_confirmations.reject, confirm_button="确认签名",
    decided={"confirm": "您已签名确认该运维记录，谢谢。", "reject": "已退回该运维记录，运维机构将更正后重新提交。"},
    already="该运维记录已由{name}于 {at} 处理（{status}），本次操作未生效。",
    nothing_pending="该运维记录当前没有待确认的请求。")


def decide_on_desk(kind: Round, confirmation, user) -> str | None:
    """The decision posted on the polluter's desktop page, on the round waiting (None: nothing waits, which
    is said and changes nothing)."""
    if confirmation is None:
        flash(kind.nothing_pending, "error")
        return None
    return decide(kind, confirmation, user)


def decide(kind: Round, confirmation, user, link=None) -> str | None:
    """Apply the posted decision (verdict = confirm | reject, with its reason or signature; the use case
    commits); returns the problem to show with the form again (400), or None once the round is decided — by this
    request or an earlier one."""
    verdict = request.form.get("verdict", "")
    try:
        if verdict == "confirm":
            made = kind.confirm(uow(), confirmation, user, link)
        elif verdict == "reject":
            made = kind.reject(uow(), confirmation, user, request.form.get("reason", ""), link)
        else:
            raise ConfirmationProblem("bad_verdict", button=kind.confirm_button)
    except (SignatureProblem, ConfirmationProblem) as problem:
        if problem.code == "not_yours":
            abort(404)
        return say(problem)
    if made:
        flash(kind.decided[verdict], "success")
    else:
        flash(kind.already.format(name=confirmation.decided_by.display_name, at=clock.fmt(confirmation.decided_at),
                                  status=STATUS_NAMES[confirmation.status]), "error")
    return None
