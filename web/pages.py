"""Pages opened from WeChat: for now the read-only trip page linked from the template message."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory

from handlers import texts as T
from services import clock, links, trips
from services.uow import UnitOfWork
from states import forms
from states.conditions import WORKING_CONDITIONS

bp = Blueprint("pages", __name__)


ERRORS = {
    400: "请求无效，请检查填写的内容后重试。",
    403: "没有权限访问。",
    404: "页面不存在，或您无权查看。",
    413: "上传的文件过大。",
    429: "操作过于频繁，请稍后再试。",
}


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(413)
@bp.app_errorhandler(429)
def error_page(error):
    """Errors in Chinese, with the reason the code gave when there is one."""
    reason = error.description if error.description and not error.description.startswith(
        ("The ", "You ", "A ", "Bad ", "Could not")) else ERRORS[error.code]
    return render_template("error.html", code=error.code, reason=reason), error.code


@bp.get("/")
def index():
    return render_template("index.html", dev=current_app.extensions["emss"].config.dev)


@bp.get("/trips/<int:trip_id>")
def trip_page(trip_id: int):
    """The trip as the polluter sees it from the template message (read-only until confirmation lands)."""
    runtime = current_app.extensions["emss"]
    if not links.trip_token_valid(runtime.config, trip_id, request.args.get("t", "")):
        abort(404)
    with UnitOfWork(runtime) as uow:
        trip = trips.trip_by_id(uow.session, trip_id)
        if trip is None:
            abort(404)
        tags = trips.visit_tags(trip)
        conditions = [(f.label, forms.display(f, (trip.conditions.answers if trip.conditions else {}).get(f.name)))
                      for f in WORKING_CONDITIONS.applicable(tags)]
        return render_template("trip.html", trip=trip, fmt=clock.fmt, conditions=conditions,
                               samples_at=trips.samples_at, names=T)


@bp.get("/trips/<int:trip_id>/photos/<int:photo_id>/<variant>")
def trip_photo(trip_id: int, photo_id: int, variant: str):
    """A photo of the trip: thumbnail or watermarked copy (the original only on request, for staff later)."""
    runtime = current_app.extensions["emss"]
    if variant not in {"thumb", "watermarked"} or \
            not links.trip_token_valid(runtime.config, trip_id, request.args.get("t", "")):
        abort(404)
    with UnitOfWork(runtime) as uow:
        photo = trips.photo_of(uow.session, trip_id, photo_id)
        path = photo and (photo.thumbnail_path if variant == "thumb" else photo.watermarked_path)
        if not path:
            abort(404)
        return send_from_directory(Path(runtime.config.media_root).resolve(), path, mimetype="image/jpeg")
