"""运维记录单 on the phone: a sheet of an O&M visit as a web form, for crews who prefer typing there.

Reached from a link in chat; WeChat OAuth (snsapi_base) tells which WeChat user holds the phone, and only an
O&M crew member of the visit's plan bound to that OpenID may open it. The page shows the same form definition
as the chat Q&A, pre-filled with what was already answered in chat (and what the instrument register knows);
saving stores every valid answer and names the others' problems per field. Saving does not confirm the sheet:
the crew confirms its summary back in chat. Once the visit is submitted to the polluter the page is read-only.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from models import OmSheet, User, clock
from services.om import om_records
from services.om.om_records import SheetLocked
from services.texts.refusals import say
from states.om_sheets import sheet_tags
from web import formview, oauth
from web.db import db, uow
from web.mobile import VERIFIED_OPENID

bp = Blueprint("om_mobile", __name__, url_prefix="/m/om", template_folder="templates")

NOT_FOUND = "此记录单不存在，请从微信对话中的链接打开。"
NOT_CREW = "您的微信未绑定此运维计划的运维人员账号，无法查看或填写该记录单。"
SAVED = "已保存 {n} 项。请回到微信对话，核对记录单汇总后回复确认。"
NOTHING_CHANGED = "内容没有变化。请回到微信对话，核对记录单汇总后回复确认。"
PARTLY_SAVED = "有效内容已保存（{n} 项）；标红的项目未保存，请更正后再次保存。"


@bp.get("/sheets/<int:sheet_id>")
def sheet(sheet_id: int):
    found = _sheet(sheet_id)
    if session.get(VERIFIED_OPENID) is None:
        return _authorize(sheet_id)
    _crew_member(found)
    return _page(found)


@bp.post("/sheets/<int:sheet_id>")
def save(sheet_id: int):
    found = _sheet(sheet_id)
    user = _crew_member(found)
    if not om_records.editable(found.visit):
        return _page(found, status=409)
    form, tags = om_records.form_of(found), sheet_tags(found)
    answers, errors = formview.parse_posted(form, tags, request.form)
    # a required field left empty is still to be answered (here or in chat); only wrong input is refused
    errors = {name: reason for name, reason in errors.items() if formview.PREFIX + name in request.form
              and request.form[formview.PREFIX + name].strip()}
    try:
        changed = om_records.save(uow(), found, user, answers)
    except SheetLocked:
        return _page(found, status=409)
    if errors:
        return _page(found, typed=request.form, errors=errors, notice=PARTLY_SAVED.format(n=len(changed)),
                     status=400)
    flash(SAVED.format(n=len(changed)) if changed else NOTHING_CHANGED, "success")
    return redirect(url_for(".sheet", sheet_id=sheet_id), code=303)


@bp.get("/oauth")
def oauth_callback():
    """WeChat's redirect after snsapi_base: the OpenID must be bound to a crew member of the sheet's plan."""
    started, openid = oauth.returned()
    found = _sheet(started["sheet"])
    if om_records.crew_member(db(), found.visit, openid) is None:
        abort(404, NOT_CREW)
    session[VERIFIED_OPENID] = openid
    return redirect(url_for(".sheet", sheet_id=found.id))


def _sheet(sheet_id: int) -> OmSheet:
    found = db().get(OmSheet, sheet_id)
    if found is None:
        abort(404, NOT_FOUND)
    return found


def _crew_member(found: OmSheet) -> User:
    user = om_records.crew_member(db(), found.visit, session.get(VERIFIED_OPENID))
    if user is None:
        abort(404, NOT_CREW)
    return user


def _authorize(sheet_id: int):
    """To WeChat's authorize page, remembering which sheet to return to."""
    return oauth.authorize(".oauth_callback", sheet=sheet_id)


def _page(found: OmSheet, typed=None, errors=None, notice: str | None = None, status: int = 200):
    editable = om_records.editable(found.visit)
    form, tags = om_records.form_of(found), sheet_tags(found)
    answers = om_records.answers(found)
    fields = formview.widgets(form, tags, answers, typed, errors) if editable else []
    missing = [f.label for f in form.applicable(tags) if f.required and answers.get(f.name) is None]
    return render_template("om_mobile/sheet.html", sheet=found, visit=found.visit, title=form.title,
                           point=om_records.point_of(found), fields=fields, lines=om_records.lines(found),
                           editable=editable, locked=None if editable else _why_locked(found), missing=missing,
                           notice=notice, fmt=clock.fmt), status


def _why_locked(found: OmSheet) -> str:
    return say(SheetLocked(om_records.why_locked(found.visit)))
