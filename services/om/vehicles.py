"""运维车辆: an O&M agency's vehicles in its filing, and the rule a leased one must meet.

The O&M guide (附件2 §2.2.3) asks for each company vehicle's plate with its vehicle licence (行驶证); a leased
vehicle needs a lease signed in the company's name (以公司名义) whose term covers the O&M contract
(能覆盖运维合同期限). The lease is checked here, not merely uploaded: the lessee must be the agency itself and
the lease must run from no later than the start to no earlier than the end of the chosen contract, which must
be one of the agency's own submitted contracts. Files (licence, lease) are PDF, JPEG or PNG up to 10 MB, judged
by content and stored once like the filing's certificates, so a filed version keeps the file it was filed with.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, Contract, Vehicle
from services.adapters import uploads
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from services.filing import certificates
from services.filing.filings import FormInvalid
from states.filing_forms import OWNERSHIP
from states.forms import normalise

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# a province abbreviation, the issuing city's letter, then five characters (six for new-energy plates)
PLATE = re.compile(rf"^[{PROVINCES}][A-Z][A-Z0-9]{{5,6}}$")
LEASED = "leased"
OWNED = "owned"

class VehicleField(Refusal):
    """Why a value typed for an O&M vehicle (运维车辆) does not fit."""

    domain = "vehicle_form"


def plate_of(text: str | None) -> str:
    """A plate as filed: full-width folded, spaces dropped, letters in upper case."""
    return re.sub(r"[\s·.-]", "", normalise(text or "")).upper()


def coverable_contracts(db: Session, agency: Agency) -> list[Contract]:
    """The contracts a lease may be checked against: the agency's own submitted contracts."""
    return list(db.scalars(select(Contract).where(Contract.agency_id == agency.id, Contract.status == "submitted")
                           .order_by(Contract.period_start, Contract.id)))


def lease_problems(agency: Agency, contract: Contract, lessee: str | None, start: date | None,
                   end: date | None) -> dict[str, Refusal]:
    """Why a lease does not qualify a leased vehicle for `contract`, per form field (empty when it does).

    The lessee must be the agency itself (compared after folding full-width characters and spaces) and the
    lease must run from no later than the contract's start to no earlier than its end."""
    errors: dict[str, Refusal] = {}
    if not lessee:
        errors["lessee"] = VehicleField("lessee_missing")
    elif _name(lessee) != _name(agency.name):
        errors["lessee"] = VehicleField("lessee", lessee=lessee, agency=agency.name)
    if start is None or end is None:
        errors["lease_end" if start else "lease_start"] = VehicleField("lease_dates")
    elif end < start:
        errors["lease_end"] = VehicleField("lease_order", start=start, end=end)
    elif contract.period_start is None or contract.period_end is None:
        errors["contract_id"] = VehicleField("contract_period", code=contract.code)
    elif start > contract.period_start or end < contract.period_end:
        field = "lease_start" if start > contract.period_start else "lease_end"
        errors[field] = VehicleField("not_covered", start=start, end=end, code=contract.code,
                                     contract_start=contract.period_start, contract_end=contract.period_end)
    return errors


def _name(text: str) -> str:
    return re.sub(r"\s", "", normalise(text))


@transaction
def save_vehicle(uow: UnitOfWork, agency: Agency, values: Mapping, contract_id: int | None, licence: bytes | None,
                 lease: bytes | None, vehicle: Vehicle | None = None) -> Vehicle:
    """Add an O&M vehicle (运维车辆) or correct one. `values` are the VEHICLE form's answers; `contract_id` the
    contract a leased vehicle's lease must cover; `licence` and `lease` the uploaded files, if any (a correction
    keeps the files already uploaded). Raises FormInvalid with a Chinese reason per field."""
    db = uow.session
    plate, leased = plate_of(values.get("plate")), values.get("ownership") == OWNERSHIP[LEASED]
    errors = _file_problems(licence=licence, lease=lease)
    if not PLATE.match(plate):
        errors["plate"] = VehicleField("plate")
    elif db.scalar(select(Vehicle.id).where(Vehicle.agency_id == agency.id, Vehicle.active, Vehicle.plate == plate,
                                            Vehicle.id != (vehicle.id if vehicle else -1))):
        errors["plate"] = VehicleField("plate_taken", plate=plate)
    start, end = (date.fromisoformat(v) if v else None for v in (values.get("lease_start"), values.get("lease_end")))
    contract = None
    if leased:
        contract = next((c for c in coverable_contracts(db, agency) if c.id == contract_id), None)
        if contract is None:
            errors["contract_id"] = VehicleField("contract")
        else:
            errors = {**lease_problems(agency, contract, values.get("lessee"), start, end), **errors}
        if not lease and not (vehicle and vehicle.lease_path):
            errors.setdefault("lease", VehicleField("lease_missing"))
    elif not licence and not (vehicle and vehicle.licence_path):
        errors.setdefault("licence", VehicleField("licence_missing"))
    if errors:
        raise FormInvalid(errors)
    row = vehicle or Vehicle(agency_id=agency.id)
    row.plate, row.ownership = plate, LEASED if leased else OWNED
    # an owned vehicle carries no lease; a leased one the lease as checked against the contract
    row.contract_id, row.contract = (contract.id, contract) if contract else (None, None)
    row.lessee = normalise(values.get("lessee") or "") if leased else None
    row.lease_start, row.lease_end = (start, end) if leased else (None, None)
    if not leased:
        row.lease_path = None
    root = uow.config.media_root
    if licence:
        row.licence_path = certificates.store(root, agency.id, "vehicles", licence, FILE_POLICIES["licence"])
    if lease and leased:
        row.lease_path = certificates.store(root, agency.id, "vehicles", lease, FILE_POLICIES["lease"])
    db.add(row)
    db.flush()
    return row


FILE_POLICIES = {name: uploads.CERTIFICATE.named(label) for name, label in
                 (("licence", "车辆行驶证"), ("lease", "租赁合同"))}


def _file_problems(**files: bytes | None) -> dict[str, Refusal]:
    errors = {}
    for name, data in files.items():
        if data is None:
            continue
        try:
            uploads.check(data, FILE_POLICIES[name])
        except uploads.UploadRefused as refused:
            errors[name] = refused
    return errors
