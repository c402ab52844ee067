"""运维信用评价: the regulator's view of the O&M agencies of its district — per agency, what of the credit
information (附件2 §3) is missing or out of date, the documents with their versions and the year's records."""
from __future__ import annotations

from flask import abort, render_template

from models import Agency, clock
from services.filing import credit
from web.access import get_or_404, me, role_required
from web.credit import labels
from web.db import db
from web.regulator import REGULATORS, bp


@bp.get("/om-credit")
@role_required(*REGULATORS)
def credit_agencies():
    today = clock.today()
    rows = [(agency, credit.gaps(db(), agency, today)) for agency in credit.om_agencies(db(), me())]
    rows.sort(key=lambda row: -len(row[1]))  # the most gaps first; stable, so by name within
    return render_template("regulator/credit_agencies.html", rows=rows, user=me(), **labels())


@bp.get("/om-credit/<int:agency_id>")
@role_required(*REGULATORS)
def credit_agency(agency_id: int):
    agency = get_or_404(Agency, agency_id)
    if not credit.is_om_agency(agency):
        abort(404)
    today = clock.today()
    sites = credit.daily(db(), agency.id, today)
    histories = {row.polluter.id: {c: credit.history(db(), agency.id, c, row.polluter.id)
                                   for c in credit.SITE_CATEGORIES} for row in sites}
    return render_template(
        "regulator/credit_agency.html", agency=agency, gaps=credit.gaps(db(), agency, today),
        sites=sites, histories=histories, year=today.year,
        rules_history=credit.history(db(), agency.id, credit.MANAGEMENT_RULES),
        plan_history=credit.history(db(), agency.id, credit.TRAINING_PLAN, year=today.year),
        records=credit.training_records(db(), agency.id, today.year), **labels())
