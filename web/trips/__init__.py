"""更正并重新提交: the agency's answer to a trip the polluter rejected — correct the operating conditions, the
samples' times and the instruments taken to the site (each change logged old → new, with a note), then ask the
polluter again."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for

from models import ConfirmationStatus, Role, SamplingTrip, clock
from services.field import corrections, event_text
from services.field.corrections import CorrectionProblem
from services.sampling import confirmations, trips
from services.texts import names
from services.texts.refusals import say
from states.conditions import WORKING_CONDITIONS
from states.trip import STATE_NAMES, Step
from web import formview
from web.access import get_or_404, me, role_required
from web.db import db, uow

bp = Blueprint("trips", __name__, url_prefix="/agency/trips", template_folder="templates")

SAMPLE_PREFIX = "s_"
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">
BAD_TIME = "请按“年-月-日 时:分”填写采样时间。"


@bp.route("/<int:trip_id>/correct", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def correct(trip_id: int):
    trip = get_or_404(SamplingTrip, trip_id)
    if request.method == "GET":
        return _page(trip)
    tags = trips.visit_tags(trip)
    answers, errors = formview.parse_posted(WORKING_CONDITIONS, tags, request.form)
    times, time_errors = _sample_times(trip)
    if errors or time_errors:
        flash("请修正标出的内容。", "error")
        return _page(trip, errors=errors, time_errors=time_errors, status=400)
    try:
        changes = corrections.correct(uow(), trip, me(), answers, times, request.form.get("note", ""),
                                      _instruments())
    except CorrectionProblem as problem:
        flash(say(problem), "error")
        return _page(trip, status=409 if problem.code == "not_rejected" else 400)
    flash(f"已更正 {len(changes)} 项，更正记录已写入行程日志。核对无误后请重新提交排污单位确认。", "success")
    return redirect(url_for(".correct", trip_id=trip.id), code=303)


@bp.post("/<int:trip_id>/resubmit")
@role_required(Role.AGENCY_ADMIN)
def resubmit(trip_id: int):
    """重新提交: a new round of confirmation, with new template messages; the old links stop working."""
    trip = get_or_404(SamplingTrip, trip_id)
    try:
        messages = corrections.resubmit(uow(), trip, me())
    except CorrectionProblem as problem:
        flash(say(problem), "error")
        return redirect(url_for(".correct", trip_id=trip.id), code=303)
    if messages:
        flash(f"已重新提交，已向排污单位 {len(messages)} 位已绑定微信的用户发送确认消息。", "success")
    else:
        flash("已重新提交。排污单位没有已绑定微信的账号，消息未发送，请通知其登录网页端确认。", "error")
    return redirect(url_for(".correct", trip_id=trip.id), code=303)


def _instruments() -> list[int] | None:
    """The instruments ticked, when the form showed them (a form without the section changes none)."""
    if not request.form.get("instruments_shown"):
        return None
    return [int(v) for v in request.form.getlist("instrument") if v.isdigit()]


def _sample_times(trip: SamplingTrip) -> tuple[dict[int, datetime], dict[int, str]]:
    """The posted sampling time of each sample (local time), and the ones that could not be read."""
    times, errors = {}, {}
    for sample in trip.samples:
        raw = request.form.get(f"{SAMPLE_PREFIX}{sample.id}", "").strip()
        if not raw:
            continue  # left empty: unchanged
        try:
            times[sample.id] = datetime.strptime(raw, LOCAL_INPUT).replace(tzinfo=clock.LOCAL)
        except ValueError:
            errors[sample.id] = BAD_TIME
    return times, errors


def _page(trip: SamplingTrip, errors: dict | None = None, time_errors: dict | None = None, status: int = 200):
    posted = request.form if request.method == "POST" else None
    answers = trip.conditions.answers if trip.conditions else {}
    fields = formview.widgets(WORKING_CONDITIONS, trips.visit_tags(trip), answers, typed=posted, errors=errors)
    samples = [(s, posted.get(f"{SAMPLE_PREFIX}{s.id}", "") if posted else _local_input(s.sampled_at),
                (time_errors or {}).get(s.id)) for s in trip.samples]
    rejected = [c for c in trip.confirmations if c.status == ConfirmationStatus.REJECTED]
    return render_template(
        "trips/correct.html", trip=trip, task=trip.visit.task, fields=fields, samples=samples,
        instruments=_instrument_boxes(trip, posted),
        rejection=rejected[-1] if rejected else None, correctable=trip.state == Step.REJECTED,
        current=confirmations.latest(trip), corrections=[e for e in trip.events if e.action == "correct"],
        note=posted.get("note", "") if posted else "", fmt=clock.fmt, names=names, state_names=STATE_NAMES,
        what=event_text.what,
    ), status


def _instrument_boxes(trip: SamplingTrip, posted) -> list[tuple]:
    """The agency's instruments with their boxes ticked as recorded, or as posted when the page comes back."""
    choices = corrections.instrument_choices(db(), trip)
    if posted is None or not posted.get("instruments_shown"):
        return choices
    ticked = set(posted.getlist("instrument"))
    return [(e, str(e.id) in ticked) for e, _ in choices]


def _local_input(moment: datetime | None) -> str:
    return clock.local(moment).strftime(LOCAL_INPUT) if moment else ""
