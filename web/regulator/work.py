"""按风险排序: the regulator's ranked work (services/desk/worklist.py) with its filters and pages."""
from __future__ import annotations

from flask import render_template, request

from services.desk import supervision, worklist
from services.desk.supervision import FilterError
from services.desk.worklist import WorkFilter
from services.findings import summary
from services.texts.refusals import say
from states.findings import RULES
from web.access import me, role_required
from web.db import db
from web.records import listing
from web.regulator import REGULATORS, bp

STATUS_NAMES = summary.STATUS_NAMES
KINDS = {"": "全部", **worklist.KIND_NAMES}


def read_filter(args, opts: dict) -> tuple[WorkFilter, dict[str, str]]:
    """The ranked list's filter from the query string; values not offered to the user are refused."""
    values, errors = {}, {}
    for name, reader in (("date_from", supervision.parse_date), ("date_to", supervision.parse_date),
                         ("agency_id", supervision.parse_id), ("polluter_id", supervision.parse_id)):
        try:
            values[name] = reader((args.get(name) or "").strip(), name)
        except FilterError as error:
            errors[error.field] = say(error)
    for name, allowed, default in (("district", opts["districts"], ""), ("code", [r.code for r in RULES], ""),
                                   ("status", STATUS_NAMES, "open"), ("kind", KINDS, "")):
        values[name] = (args.get(name) or "").strip() or default
        if values[name] and values[name] not in allowed:
            errors[name] = say(FilterError("not_offered", field=name))
    try:
        supervision.check_range(values.get("date_from"), values.get("date_to"))
    except FilterError as error:
        errors[error.field] = say(error)
    flt = WorkFilter(**values)
    return flt, errors or listing.unknown_choices(flt, opts)


@bp.get("/work")
@role_required(*REGULATORS)
def work():
    opts = {**listing.options(), "districts": worklist.districts(db(), me())}
    flt, errors = read_filter(request.args, opts)
    page = None if errors else worklist.ranked(db(), me(), flt, listing.page_number())
    context = {"args": request.args, "errors": errors, "work": page, "rules": RULES, "statuses": STATUS_NAMES,
               "kinds": KINDS, **opts}
    return render_template("regulator/work.html", **context), 400 if errors else 200
