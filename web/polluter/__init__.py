"""排污单位 on the desktop: its sites' trips awaiting confirmation (decided here as on the phone), and its
accounts with their WeChat bindings."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from models import Confirmation, ConfirmationStatus, Role, SamplingTrip, clock
from services.core import policy
from services.sampling import confirmations
from services.texts.refusals import say
from services.users import polluter_accounts
from services.users.polluter_accounts import AccountProblem
from states.trip import Step
from web.access import get_or_404, me, role_required
from web.db import db
from web.mobile import decision, record

bp = Blueprint("polluter", __name__, url_prefix="/polluter", template_folder="templates")

RECENT = 20


class ConfirmerForm(FlaskForm):
    username = StringField("账号", validators=[DataRequired("请填写账号"), Length(max=64)])
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=64)])
    post = StringField("职务（如环保负责人）", validators=[Length(max=32)])
    password = PasswordField("初始密码", validators=[DataRequired("请填写初始密码"), Length(max=128)])


@bp.get("/")
@role_required(Role.POLLUTER_CONFIRMER)
def home():
    """待确认采样行程, and the latest decisions of the polluter's users."""
    user = me()
    waiting = db().scalars(policy.scoped(user, SamplingTrip).where(SamplingTrip.state == Step.AWAITING_CONFIRMATION)
                           .order_by(SamplingTrip.submitted_at, SamplingTrip.id)).all()
    decided = db().scalars(policy.scoped(user, Confirmation)
                           .where(Confirmation.status != ConfirmationStatus.PENDING)
                           .order_by(Confirmation.decided_at.desc()).limit(RECENT)).all()
    return render_template("polluter/home.html", polluter=user.polluter, waiting=waiting, decided=decided,
                           statuses=record.STATUS_NAMES, fmt=clock.fmt)


@bp.get("/trips/<int:trip_id>")
@role_required(Role.POLLUTER_CONFIRMER)
def trip(trip_id: int):
    return _trip_page(get_or_404(SamplingTrip, trip_id))


@bp.post("/trips/<int:trip_id>")
@role_required(Role.POLLUTER_CONFIRMER)
def decide(trip_id: int):
    """The same decision as on the phone, by the signed-in polluter user."""
    found = get_or_404(SamplingTrip, trip_id)
    error = decision.decide_on_desk(decision.TRIP, confirmations.pending(found), me())
    if error:
        return _trip_page(found, reason=request.form.get("reason", ""), error=error, status=400)
    return redirect(url_for(".trip", trip_id=trip_id), code=303)


@bp.get("/trips/<int:trip_id>/photos/<int:photo_id>/<variant>")
@role_required(Role.POLLUTER_CONFIRMER)
def photo(trip_id: int, photo_id: int, variant: str):
    return record.send_photo(get_or_404(SamplingTrip, trip_id), photo_id, variant)


def _trip_page(found: SamplingTrip, reason: str = "", error: str | None = None, status: int = 200):
    waiting = confirmations.pending(found) is not None
    context = record.context(
        found, photo_url=lambda p, variant: url_for(".photo", trip_id=found.id, photo_id=p.id, variant=variant),
        decide_url=url_for(".decide", trip_id=found.id) if waiting else None, reason=reason, error=error)
    return render_template("polluter/trip.html", **context), status


@bp.get("/account")
@role_required(Role.POLLUTER_CONFIRMER)
def account():
    return _account_page(ConfirmerForm(formdata=None))


@bp.post("/account/users")
@role_required(Role.POLLUTER_CONFIRMER)
def add_user():
    """Another confirmer account for the polluter; its holder binds it in WeChat (账户信息)."""
    form = ConfirmerForm()
    if not form.validate_on_submit():
        return _account_page(form, 400)
    try:
        created = polluter_accounts.add_confirmer(db(), me(), form.username.data, form.display_name.data,
                                                  form.password.data, form.post.data)
    except AccountProblem as problem:
        flash(say(problem), "error")
        return _account_page(form, 400)
    flash(f"已创建账号 {created.username}。请其关注公众号，在“账户信息”中用此账号和密码绑定微信。", "success")
    return redirect(url_for(".account"), code=303)


@bp.post("/account/users/<int:user_id>/unbind")
@role_required(Role.POLLUTER_CONFIRMER)
def unbind(user_id: int):
    """解绑 the WeChat user of one of the polluter's accounts."""
    colleague = polluter_accounts.colleague(db(), me(), user_id)
    if colleague is None:
        abort(404)
    if polluter_accounts.unbind(db(), colleague):
        flash(f"已解除 {colleague.display_name} 的微信绑定。", "success")
    else:
        flash(f"{colleague.display_name} 尚未绑定微信。", "error")
    return redirect(url_for(".account"), code=303)


@bp.post("/account/users/<int:user_id>/deactivate")
@role_required(Role.POLLUTER_CONFIRMER)
def deactivate_user(user_id: int):
    """停用 a colleague's account: their WeChat is unbound and their web sessions end at once."""
    colleague = polluter_accounts.colleague(db(), me(), user_id)
    if colleague is None:
        abort(404)
    try:
        polluter_accounts.deactivate(db(), me(), colleague)
    except AccountProblem as problem:
        flash(say(problem), "error")
        return redirect(url_for(".account"), code=303)
    flash(f"已停用 {colleague.display_name} 的账号，其微信绑定已解除。", "success")
    return redirect(url_for(".account"), code=303)


def _account_page(form: ConfirmerForm, status: int = 200):
    user = me()
    return render_template("polluter/account.html", polluter=user.polluter, me=user,
                           users=polluter_accounts.colleagues(db(), user), form=form, fmt=clock.fmt), status

# routes of 污染源运维 (O&M visits to sign) and of 企业排口 (the instrument register), on this blueprint
from web.polluter import om, site  # noqa: E402,F401,I001
