"""Development controls of the local stand-in (EMSS_DEV only): the app's settable clock and scripted scenarios.

`PUT /fake-wechat/clock` {"now": ISO time} or {"advance_s": seconds}; `GET` reads it; `DELETE` returns to the
real time. `POST /fake-wechat/scenario` loads a scenario (the same JSON as `emss scenario load`).
"""
from __future__ import annotations

import math
from datetime import datetime

from flask import Blueprint, current_app, jsonify, request

from bot.standin.simulator import BadInput
from models import clock
from services.core.uow import UnitOfWork
from services.dev import scenarios

bp = Blueprint("standin_control", __name__, url_prefix="/fake-wechat")
MAX_ADVANCE_S = 366 * 24 * 3600


@bp.errorhandler(BadInput)
def _bad_input(error: BadInput):
    return jsonify(error=error.reason), error.status


def _dev_clock() -> clock.DevClock:
    dev = clock.dev_clock()
    if dev is None:  # mounted only with EMSS_DEV, whose runtime installs it: a wiring fault, not bad input
        raise RuntimeError("the dev clock is not installed")
    return dev


def _state():
    now = clock.now()
    return jsonify(now=clock.local(now).isoformat(timespec="seconds"), shown=clock.fmt(now),
                   set=_dev_clock().is_set(), offset_s=round(_dev_clock().offset(), 3))


@bp.get("/clock")
def get_clock():
    return _state()


@bp.put("/clock")
def put_clock():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or len({"now", "advance_s"} & body.keys()) != 1:
        raise BadInput("请求体必须是 JSON 对象，并且只包含 now（设定时间）或 advance_s（拨快秒数）之一")
    if "now" in body:
        _dev_clock().set(_moment(body["now"]))
    else:
        _dev_clock().advance(_seconds(body["advance_s"]))
    return _state()


@bp.delete("/clock")
def reset_clock():
    _dev_clock().reset()
    return _state()


def _moment(value) -> datetime:
    """An ISO 8601 time; without a zone it is China time, as the users read it."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadInput("now 必须是 ISO 8601 时间，例如 2026-11-20T09:00:00+08:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.LOCAL)


def _seconds(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadInput("advance_s 必须是秒数，例如 1800")
    if not 0 < value <= MAX_ADVANCE_S:
        raise BadInput(f"advance_s 只能向前拨，且不超过 {MAX_ADVANCE_S} 秒（366 天）")
    return float(value)


@bp.post("/scenario")
def load_scenario():
    """The same JSON as `emss scenario load`: {section: {key: id}}, or 400 naming the wrong key or field."""
    with UnitOfWork(current_app.extensions["emss"]) as uow:
        try:
            ids = scenarios.load(uow, request.get_json(silent=True))
        except scenarios.ScenarioProblem as problem:
            return jsonify(error=problem.chinese, error_en=problem.english, path=problem.path), 400
    return jsonify(ids)
