"""证据页: one page per sampling trip and per O&M visit with everything an inspector judges it by, and the
same as a PDF for the case file.

Readers: the regulator of the district and the system administrator, and the agency for its own work
(services/core/policy.py); another tenant's trip or visit is not found (404), other roles have no such page.
"""
from __future__ import annotations

from flask import Blueprint, render_template, url_for

from models import OmVisit, Photo, Role, SamplingTrip, clock
from services.adapters import evidence_pdf
from services.field import event_text, evidence
from web.access import get_or_404, me, role_required
from web.db import db
from web.files import media_root, send_generated

bp = Blueprint("evidence", __name__, url_prefix="/evidence", template_folder="templates")
READERS = (Role.AGENCY_ADMIN, Role.REGULATOR, Role.SYSTEM_ADMIN)


@bp.app_context_processor
def _helpers() -> dict:
    """`may_see_evidence()` for the lists and record pages that link here."""
    return {"may_see_evidence": lambda: me().role in READERS}


@bp.get("/trips/<int:trip_id>")
@role_required(*READERS)
def trip(trip_id: int):
    found = evidence.of_trip(db(), me(), get_or_404(SamplingTrip, trip_id))
    return _page(found, url_for(".trip_pdf", trip_id=trip_id), url_for("records.trip", trip_id=trip_id))


@bp.get("/om-visits/<int:visit_id>")
@role_required(*READERS)
def om_visit(visit_id: int):
    found = evidence.of_om_visit(db(), me(), get_or_404(OmVisit, visit_id))
    return _page(found, url_for(".om_visit_pdf", visit_id=visit_id), url_for("om.visit", visit_id=visit_id))


@bp.get("/trips/<int:trip_id>.pdf")
@role_required(*READERS)
def trip_pdf(trip_id: int):
    found = evidence.of_trip(db(), me(), get_or_404(SamplingTrip, trip_id))
    return _pdf(found, f"evidence-trip-{trip_id}.pdf")


@bp.get("/om-visits/<int:visit_id>.pdf")
@role_required(*READERS)
def om_visit_pdf(visit_id: int):
    found = evidence.of_om_visit(db(), me(), get_or_404(OmVisit, visit_id))
    return _pdf(found, f"evidence-om-visit-{visit_id}.pdf")


def _page(found: evidence.Evidence, pdf_url: str, record_url: str):
    return render_template("evidence/page.html", e=found, plan=found.plan, fmt=clock.fmt, photo_url=photo_url,
                           purposes=event_text.PHOTOS, pdf_url=pdf_url, record_url=record_url)


def _pdf(found: evidence.Evidence, name: str):
    body = evidence_pdf.render(found, media_root(), printed_by=me().display_name)
    return send_generated(body, "application/pdf", name, evidence=True, inline=True)


def photo_url(photo: Photo, variant: str = "thumb") -> str:
    """The photo's picture, through the page that checks the reader's scope for its kind of record."""
    if photo.om_visit_id:
        return url_for("om.photo", photo_id=photo.id, variant=variant)
    return url_for("records.photo", photo_id=photo.id, variant=variant)
