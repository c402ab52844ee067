"""名录库: the system administrator imports the polluter directory from a city's export (dry run first if they
like), finds an entry by name, credit code or district, and corrects it; every change shows who and when."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from models import DirectoryChange, MonitoringPoint, Polluter, Role, clock
from services.adapters import geo, uploads
from services.polluters import directory, directory_import
from services.polluters.directory_file import FileRefused, RowProblem, frequency_text
from services.polluters.directory_report import counts, summary
from services.polluters.directory_view import KIND_NAMES
from services.texts.refusals import say
from web.access import me, role_required
from web.db import db
from web.files import read_upload

bp = Blueprint("directory", __name__, url_prefix="/admin/directory", template_folder="templates")
SOURCES = {"import": "导入", "correction": "手工更正"}


@bp.get("/")
@role_required(Role.SYSTEM_ADMIN)
def index():
    text, district = request.args.get("q", "").strip()[:100], request.args.get("district", "").strip()[:32]
    return render_template("directory/index.html", polluters=directory.search(db(), text, district), text=text,
                           district=district, districts=directory.districts(db()), page=directory.PAGE)


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.SYSTEM_ADMIN)
def import_file():
    if request.method == "GET":
        return render_template("directory/import.html", report=None)
    data = read_upload("file", uploads.DIRECTORY)
    try:
        if data is None:
            raise uploads.UploadRefused("none_chosen", label=uploads.DIRECTORY.label)
        uploads.check(data, uploads.DIRECTORY)
        report = directory_import.run(db(), data, actor_id=me().id, dry_run=bool(request.form.get("dry_run")))
    except (uploads.UploadRefused, FileRefused) as refused:
        flash(say(refused), "error")
        return render_template("directory/import.html", report=None), 400
    return render_template("directory/import.html", report=report, summary=summary(report),
                           counts=counts(report)), 400 if report.rejections else 200


@bp.get("/<int:polluter_id>")
@role_required(Role.SYSTEM_ADMIN)
def entry(polluter_id: int):
    return _entry_page(_polluter(polluter_id))


@bp.post("/<int:polluter_id>")
@role_required(Role.SYSTEM_ADMIN)
def correct(polluter_id: int):
    polluter = _polluter(polluter_id)
    try:
        changes = directory.correct(db(), polluter, request.form.to_dict(), me().id)
    except RowProblem as problem:
        flash(f"未保存：{say(problem)}。", "error")
        return _entry_page(polluter, typed=request.form), 400
    flash(f"已保存 {len(changes)} 处更正。" if changes else "没有修改任何内容。", "success")
    return redirect(url_for("directory.entry", polluter_id=polluter.id))


def _polluter(polluter_id: int) -> Polluter:
    """The directory is the administrator's alone (the role check before); any polluter, or 404."""
    options = (selectinload(Polluter.points).selectinload(MonitoringPoint.scheme),
               selectinload(Polluter.changes).selectinload(DirectoryChange.actor))
    polluter = db().get(Polluter, polluter_id, options=options)
    if polluter is None:
        abort(404)
    return polluter


def _entry_page(polluter: Polluter, typed=None):
    return render_template("directory/entry.html", p=polluter, typed=typed, kinds=KIND_NAMES, sources=SOURCES,
                           wgs84=geo.gcj02_to_wgs84(polluter.latitude, polluter.longitude),
                           frequency=frequency_text, fmt=clock.fmt)
