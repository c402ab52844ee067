"""The agency's desk (监测机构工作台): filing status, tasks at a glance; a sampler's own visits."""
from __future__ import annotations

from flask import Blueprint, render_template

from models import MonitoringTask, Role, Visit, clock
from services.core import policy
from services.filing import filings
from services.notifying import rejections
from services.sampling import trips
from web.access import me, role_required
from web.db import db

bp = Blueprint("agency", __name__, url_prefix="/agency", template_folder="templates")


@bp.get("/")
@role_required(*policy.AGENCY_ROLES)
def home():
    user = me()
    tasks = db().scalars(policy.scoped(user, MonitoringTask).order_by(MonitoringTask.id.desc()).limit(20)).all()
    visits: list[Visit] = trips.visits_due(db(), user) if user.role == Role.SAMPLER else []
    in_force = filings.stages_in_force(db(), user.agency_id)
    waiting = rejections.awaiting_correction(db(), user.agency_id) if user.role == Role.AGENCY_ADMIN else []
    return render_template("agency/home.html", user=user, tasks=tasks, visits=visits, in_force=in_force,
                           agency=user.agency, waiting=waiting, when=clock.fmt)


from web.agency import accounts  # noqa: E402,F401  (its routes are on this blueprint)
