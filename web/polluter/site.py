"""企业排口 (污染源基本信息): the polluter's outlets on the left, the selected point's instruments on the right —
a wastewater point's analysers and automatic samplers, a flue-gas point's analysers — with 新增仪器备案,
修改 and 停用. The O&M agency whose plan covers the site, the district's regulator and the admin read the same
page without the forms (/polluter/sites/<id>)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from models import Instrument, InstrumentKind, MonitoringPoint, Polluter, Role, clock
from services.om import instruments
from services.om.instruments import InstrumentRefused, Particulars
from services.texts.refusals import say
from states.instrument_form import ANALYTE_CLASSES, INSTRUMENT, KIND_NAMES, tags
from web import formview
from web.access import me, role_required
from web.db import db
from web.ids import record_id
from web.polluter import bp

POINT_KINDS = {"wastewater": "废水", "flue_gas": "废气"}


@bp.get("/site")
@role_required(Role.POLLUTER_CONFIRMER)
def site():
    """The signed-in polluter's own outlets and register, with the forms."""
    polluter = me().polluter
    point = _selected(polluter, request.args.get("point", type=record_id))
    editing = None
    if point is not None and (edit_id := request.args.get("edit", type=record_id)):
        editing = instruments.managed_instrument(db(), me(), edit_id)
        if editing is None or editing.point_id != point.id or not editing.active:
            abort(404)
    kind = _kind(point, request.args.get("kind"))
    return _page(polluter, point, manage=True, kind=kind, editing=editing)


@bp.get("/sites/<int:polluter_id>")
@role_required(Role.POLLUTER_CONFIRMER, *instruments.READERS)
def site_of(polluter_id: int):
    """A site's register, read-only, for those who may read it (services/om/instruments.py)."""
    polluter = instruments.viewable_polluter(db(), me(), polluter_id)
    if polluter is None:
        abort(404)
    if instruments.manages(me(), polluter.id):
        return redirect(url_for(".site", **request.args))
    return _page(polluter, _selected(polluter, request.args.get("point", type=record_id)), manage=False)


@bp.post("/site/points/<int:point_id>/instruments")
@role_required(Role.POLLUTER_CONFIRMER)
def register(point_id: int):
    point = instruments.managed_point(db(), me(), point_id)
    if point is None or point.kind not in instruments.EQUIPPED:
        abort(404)
    asked = request.form.get("kind") or InstrumentKind.ANALYSER  # the service says why a kind does not fit
    kind = _kind(point, asked)  # the form shown again after a refusal
    answers, errors = formview.parse_posted(INSTRUMENT, tags(asked), request.form)
    if errors:
        return _page(me().polluter, point, manage=True, kind=kind, typed=request.form, errors=errors, status=400)
    try:
        instrument = instruments.register(db(), me(), point, Particulars.from_answers(asked, answers))
    except InstrumentRefused as refusal:
        return _page(me().polluter, point, manage=True, kind=kind, typed=request.form, refusal=say(refusal),
                     status=400)
    flash(f"已备案{KIND_NAMES[instrument.kind]}：{instrument.name}（出厂编号 {instrument.serial_no}）。", "success")
    return redirect(url_for(".site", point=point.id), code=303)


@bp.post("/site/instruments/<int:instrument_id>")
@role_required(Role.POLLUTER_CONFIRMER)
def save(instrument_id: int):
    """The corrected particulars of a registered instrument."""
    instrument = _managed(instrument_id)
    point = instrument.point
    answers, errors = formview.parse_posted(INSTRUMENT, tags(instrument.kind), request.form)
    problem = None
    if not errors:
        try:
            instruments.edit(db(), instrument, Particulars.from_answers(instrument.kind, answers))
        except InstrumentRefused as refusal:
            problem = say(refusal)
    if errors or problem:  # the row changes only once every check has passed
        return _page(me().polluter, point, manage=True, kind=instrument.kind, editing=instrument,
                     typed=request.form, errors=errors, refusal=problem, status=400)
    flash(f"已保存仪器信息：{instrument.name}。", "success")
    return redirect(url_for(".site", point=point.id), code=303)


@bp.post("/site/instruments/<int:instrument_id>/deactivate")
@role_required(Role.POLLUTER_CONFIRMER)
def deactivate(instrument_id: int):
    """停用: the instrument leaves service and stays in the register's history."""
    instrument = _managed(instrument_id)
    try:
        instruments.deactivate(db(), instrument, request.form.get("reason"))
    except InstrumentRefused as refusal:
        flash(say(refusal), "error")
    else:
        flash(f"已停用：{instrument.name}（出厂编号 {instrument.serial_no}），历史记录仍保留。", "success")
    return redirect(url_for(".site", point=instrument.point_id), code=303)


def _managed(instrument_id: int) -> Instrument:
    instrument = instruments.managed_instrument(db(), me(), instrument_id)
    if instrument is None:
        abort(404)
    return instrument


def _selected(polluter: Polluter, point_id: int | None) -> MonitoringPoint | None:
    """The point asked for, else the first outlet; a point that is not this site's outlet is not found."""
    points = instruments.site_points(polluter)
    if point_id is None:
        return points[0] if points else None
    point = next((p for p in points if p.id == point_id), None)
    if point is None:
        abort(404)
    return point


def _kind(point: MonitoringPoint | None, asked: str | None) -> str:
    """The kind the new-instrument form registers: what was asked if the point carries it, else analyser."""
    offered = instruments.KINDS_ON.get(point.kind, ()) if point is not None else ()
    return asked if asked in offered else InstrumentKind.ANALYSER


def _page(polluter: Polluter, point: MonitoringPoint | None, manage: bool, kind: str = InstrumentKind.ANALYSER,
          editing: Instrument | None = None, typed=None, errors=None, refusal: str | None = None,
          status: int = 200):
    fields = []
    if manage and point is not None:
        answers = Particulars.of(editing).answers() if editing is not None else None
        fields = formview.widgets(INSTRUMENT, tags(editing.kind if editing else kind), answers=answers,
                                  typed=typed, errors=errors)
    registered = instruments.on_point(db(), point, in_service_only=False) if point is not None else []
    sections = [(k, [i for i in registered if i.kind == k and i.active])
                for k in (instruments.KINDS_ON.get(point.kind, ()) if point is not None else ())]
    return render_template(
        "polluter/site.html", polluter=polluter, points=instruments.site_points(polluter), point=point,
        manage=manage, kind=kind, editing=editing, fields=fields, refusal=refusal, unsaved=typed is not None,
        sections=sections, retired=[i for i in registered if not i.active], kind_names=KIND_NAMES,
        point_kinds=POINT_KINDS, classes=ANALYTE_CLASSES, fmt=clock.fmt,
        page_url=(lambda **a: url_for(".site", **a)) if manage else (lambda **a: url_for(".site_of",
                                                                                         polluter_id=polluter.id, **a)),
    ), status
