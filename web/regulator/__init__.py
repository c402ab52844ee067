"""监管工作台: the regulator's view of the tasks, trips and O&M visits in its district, ranked by the risk of
their findings (services/desk/worklist.py), with filtered lists and Excel exports."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from models import Role, clock
from services.core import audit
from services.desk import supervision, worklist
from services.desk.worklist import WorkFilter
from services.polluters import coverage
from services.polluters.directory_file import frequency_text
from web.access import me, role_required
from web.db import db
from web.records import texts as T
from web.records.listing import task_list, trip_list

bp = Blueprint("regulator", __name__, url_prefix="/regulator", template_folder="templates")
REGULATORS = (Role.REGULATOR, Role.SYSTEM_ADMIN)
QUIET = 20  # recent trips without an open finding shown below the ranking; the rest is in the trip list


@bp.get("/")
@role_required(*REGULATORS)
def home():
    user = me()
    return render_template("regulator/home.html", user=user, counts=supervision.counts(db(), user),
                           work=worklist.ranked(db(), user, WorkFilter()),
                           regular=worklist.unranked_trips(db(), user, QUIET), T=T, fmt=clock.fmt, record=_record())


def _record() -> dict:
    """The tamper-evident record's roots: today's so far (sealed after midnight) and the recently sealed days,
    for the inspector to publish or send to the city platform."""
    root, chains = audit.root_of(db(), clock.today())
    return {"today": clock.today(), "root": root, "chains": chains, "at": clock.fmt(clock.now()),
            "sealed": audit.recent(db())}


@bp.get("/tasks")
@role_required(*REGULATORS)
def tasks():
    return task_list("regulator/tasks.html", "监测任务列表", "tasks")


@bp.get("/trips")
@role_required(*REGULATORS)
def trips():
    return trip_list("regulator/trips.html", "采样行程列表", "trips", with_agency=True)


@bp.get("/coverage")
@role_required(*REGULATORS)
def coverage_page():
    """排污单位覆盖情况: the polluters with no electronic sampling record since a date."""
    typed = request.args.get("since", "").strip()[:10]
    try:
        since = date.fromisoformat(typed) if typed else coverage.NOTICE_START
    except ValueError:
        return render_template("regulator/coverage.html", since=typed, polluters=None,
                               refusal="日期格式应为 年-月-日，例如 2024-06-01。"), 400
    return render_template("regulator/coverage.html", since=since.isoformat(), refusal=None,
                           polluters=coverage.uncovered(db(), me(), since),
                           shortfalls=coverage.scheme_shortfalls(db(), me()), frequency=frequency_text)


from web.regulator import charts, credit, om, rates, work  # noqa: E402,F401  (their routes are on this blueprint)
