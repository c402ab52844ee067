"""质控发现 (QC findings): what the automatic QC found on O&M visits — for the O&M agency all its visits', for
a regulator its district's — newest first, filtered by severity."""
from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy.orm import selectinload

from models import OmPlan, OmSheet, OmVisit, QcFinding, Role, clock
from services.core import policy
from states.om_sheets import SHEETS
from states.qc_limits import SEVERITY_NAMES, rule_title
from web.om import bp
from web.access import me, role_required
from web.db import db

READERS = (Role.AGENCY_ADMIN, Role.REGULATOR, Role.SYSTEM_ADMIN)
SHOWN = 500  # the newest findings listed; older ones stay on their visits


def _loaded():
    return (selectinload(QcFinding.visit).selectinload(OmVisit.plan).selectinload(OmPlan.polluter),
            selectinload(QcFinding.sheet).selectinload(OmSheet.point),
            selectinload(QcFinding.sheet).selectinload(OmSheet.instrument))


def _context(**extra) -> dict:
    return dict(SEVERITY_NAMES=SEVERITY_NAMES, rule_title=rule_title, SHEETS=SHEETS, fmt=clock.fmt, **extra)


@bp.get("/findings/")
@role_required(*READERS)
def qc_findings():
    severity = request.args.get("severity", "")
    query = policy.scoped(me(), QcFinding).options(*_loaded())
    if severity in SEVERITY_NAMES:
        query = query.where(QcFinding.severity == severity)
    else:
        severity = ""
    rows = db().scalars(query.order_by(QcFinding.created_at.desc(), QcFinding.id.desc()).limit(SHOWN)).all()
    return render_template("om/qc_findings.html", **_context(rows=rows, severity=severity, user=me()))


@bp.get("/findings/<int:finding_id>")
@role_required(*READERS)
def qc_finding(finding_id: int):
    finding = db().scalar(policy.scoped(me(), QcFinding).options(*_loaded()).where(QcFinding.id == finding_id))
    if finding is None:
        abort(404)
    return render_template("om/qc_finding.html", **_context(f=finding))
