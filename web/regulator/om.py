"""运维监管: the O&M plans of the regulator's scope, visits due and overdue, signatures late or refused, and the
comparison/verification reports due per analyser; each visit opens its record and its evidence page."""
from __future__ import annotations

from flask import render_template

from models import clock
from services.om import om_oversight
from states.om_visit import STATE_NAMES
from web.access import me, role_required
from web.db import db
from web.regulator import REGULATORS, bp


@bp.get("/om")
@role_required(*REGULATORS)
def om_oversight_page():
    return render_template("regulator/om.html", o=om_oversight.oversight(db(), me()), today=clock.today(),
                           states=STATE_NAMES, fmt=clock.fmt)
