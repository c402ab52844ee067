"""备案管理 for O&M agencies (运维机构): vehicles (运维车辆, with the licence or the checked lease) and spare parts
(运维备品备件), on the filing blueprint. Agencies whose kind does not file these sections get 404."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from models import Role, SparePart, Vehicle
from services.adapters import uploads
from services.filing import filings
from services.filing.filings import FormInvalid
from services.om import vehicles
from states.filing_forms import OWNERSHIP, SECTION_BY_KEY, tags_of
from web import formview
from web.access import get_or_404, me, role_required
from web.db import db, uow
from web.files import read_upload
from web.filing import _active, bp, send_certificate
from web.ids import record_id

VEHICLES, SPARE_PARTS = SECTION_BY_KEY["vehicles"], SECTION_BY_KEY["spare_parts"]
VEHICLE_FILE = "<any(licence, lease):file>"


def _agency_filing(section):
    """The signed-in agency, when its kind files `section` (an O&M agency); otherwise 404."""
    agency = me().agency
    if not section.applies(tags_of(agency.kind)):
        abort(404)
    return agency


# --- vehicles -------------------------------------------------------------------------------------------

@bp.route("/vehicles/new", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def new_vehicle():
    return _vehicle_page(None)


@bp.route("/vehicles/<int:item_id>", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def edit_vehicle(item_id: int):
    _agency_filing(VEHICLES)
    return _vehicle_page(_active(Vehicle, item_id))


def _vehicle_page(row: Vehicle | None):
    """Add or correct a vehicle: plate, owned or leased, the lease's lessee and term against a contract, files."""
    agency = _agency_filing(VEHICLES)
    tags = tags_of(agency.kind)
    if request.method == "GET":
        stored = None
        if row is not None:
            stored = {f.name: getattr(row, f.name) for f in VEHICLES.form.fields}
            stored["ownership"] = OWNERSHIP.get(row.ownership)
        return _render_vehicle(row, formview.widgets(VEHICLES.form, tags, stored), row.contract_id if row else None)
    values, errors = formview.parse_posted(VEHICLES.form, tags, request.form)
    contract_id = request.form.get("contract_id", type=record_id)
    try:
        if errors:
            raise FormInvalid(errors)
        saved = vehicles.save_vehicle(uow(), agency, values, contract_id, _file("licence"), _file("lease"), row)
    except FormInvalid as invalid:
        flash("车辆未保存，请按提示修改。", "error")
        fields = formview.widgets(VEHICLES.form, tags, None, request.form, invalid.errors)
        return _render_vehicle(row, fields, contract_id, invalid.errors), 400
    flash(f"车辆“{saved.plate}”已保存，提交审核并通过后生效。", "success")
    return redirect(url_for("filing.edit") + "#vehicles")


def _render_vehicle(row, fields, contract_id, errors=None):
    return render_template("filing/vehicle.html", section=VEHICLES, row=row, fields=fields,
                           contracts=vehicles.coverable_contracts(db(), me().agency), contract_id=contract_id,
                           errors=errors or {}, contract_label=filings.contract_label)


def _file(name: str) -> bytes | None:
    """An uploaded file's bytes (read up to just past the limit, so an oversized file is refused)."""
    return read_upload(name, uploads.CERTIFICATE)


@bp.post("/vehicles/<int:item_id>/deactivate")
@role_required(Role.AGENCY_ADMIN)
def deactivate_vehicle(item_id: int):
    _agency_filing(VEHICLES)
    row = _active(Vehicle, item_id)
    filings.deactivate(row)
    flash(f"车辆“{row.plate}”已停用，提交审核并通过后从备案中移除。", "success")
    return redirect(url_for("filing.edit") + "#vehicles")


@bp.get(f"/vehicles/<int:item_id>/{VEHICLE_FILE}")
@role_required(Role.AGENCY_ADMIN)
def vehicle_file(item_id: int, file: str):
    row = get_or_404(Vehicle, item_id)
    return send_certificate(getattr(row, f"{file}_path"), f"{row.plate}-{dict(VEHICLES.files)[file]}")


# --- spare parts ------------------------------------------------------------------------------------------

@bp.route("/spare_parts/new", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def new_spare_part():
    return _spare_part_page(None)


@bp.route("/spare_parts/<int:item_id>", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def edit_spare_part(item_id: int):
    _agency_filing(SPARE_PARTS)
    return _spare_part_page(_active(SparePart, item_id))


def _spare_part_page(row: SparePart | None):
    agency = _agency_filing(SPARE_PARTS)
    tags, form = tags_of(agency.kind), SPARE_PARTS.form
    if request.method == "GET":
        stored = {f.name: getattr(row, f.name) for f in form.fields} if row is not None else None
        return render_template("filing/spare_part.html", section=SPARE_PARTS, row=row,
                               fields=formview.widgets(form, tags, stored))
    values, errors = formview.parse_posted(form, tags, request.form)
    if errors:
        flash("备品备件未保存，请按提示修改。", "error")
        return render_template("filing/spare_part.html", section=SPARE_PARTS, row=row,
                               fields=formview.widgets(form, tags, None, request.form, errors)), 400
    saved = filings.save_spare_part(db(), agency, values, row)
    flash(f"备品备件“{saved.name}”已保存，提交审核并通过后生效。", "success")
    return redirect(url_for("filing.edit") + "#spare_parts")


@bp.post("/spare_parts/<int:item_id>/deactivate")
@role_required(Role.AGENCY_ADMIN)
def deactivate_spare_part(item_id: int):
    _agency_filing(SPARE_PARTS)
    row = _active(SparePart, item_id)
    filings.deactivate(row)
    flash(f"备品备件“{row.name}”已停用，提交审核并通过后从备案中移除。", "success")
    return redirect(url_for("filing.edit") + "#spare_parts")
