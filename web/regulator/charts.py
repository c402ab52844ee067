"""统计图: findings per week and code, per district and per agency, as SVG drawn on the server."""
from __future__ import annotations

from flask import render_template

from services.desk import finding_charts
from states.findings import BY_CODE
from web.access import me, role_required
from web.db import db
from web.regulator import REGULATORS, bp, svg


@bp.get("/charts")
@role_required(*REGULATORS)
def charts():
    mondays, series = finding_charts.per_week(db(), me())
    names = {code: rule.title for code, rule in BY_CODE.items()}
    weekly = svg.stacked(f"近 {len(mondays)} 周新发现的异常线索（按类型）", [d.strftime("%m-%d") for d in mondays],
                         series, names)
    districts = svg.bars("待核查异常线索（按辖区）", finding_charts.per_district(db(), me()))
    agencies = svg.bars(f"待核查异常线索最多的 {finding_charts.TOP_AGENCIES} 家机构",
                        finding_charts.per_agency(db(), me()))
    return render_template("regulator/charts.html", charts=(weekly, districts, agencies))
