"""异常线索发生率: findings per 100 visits per agency and per person over 12 months, against the city's rate."""
from __future__ import annotations

from flask import render_template

from services.desk import finding_rates
from states.findings import BY_CODE
from web.access import me, role_required
from web.db import db
from web.regulator import REGULATORS, bp


@bp.get("/rates")
@role_required(*REGULATORS)
def rates():
    return render_template("regulator/rates.html", rates=finding_rates.rates(db(), me()),
                           titles={code: rule.title for code, rule in BY_CODE.items()})
