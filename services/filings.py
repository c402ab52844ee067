"""Filings (备案): the snapshot a version carries, and which version is in force."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, Capability, Equipment, Filing, FilingState, Staff


def in_force(db: Session, agency_id: int | None) -> Filing | None:
    """The latest approved version: it stays in force while a newer version is under review."""
    if agency_id is None:
        return None
    return db.scalar(select(Filing).where(Filing.agency_id == agency_id, Filing.state == FilingState.APPROVED)
                     .order_by(Filing.version.desc()).limit(1))


def basic_of(agency: Agency) -> dict:
    return {"name": agency.name, "credit_code": agency.credit_code, "district": agency.district,
            "address": agency.address, "legal_representative": agency.legal_representative,
            "contact_name": agency.contact_name, "contact_phone": agency.contact_phone}


def snapshot(db: Session, agency_id: int) -> dict:
    """Staff, equipment and capabilities as they are now, to be frozen into a filing version."""
    staff = db.scalars(select(Staff).where(Staff.agency_id == agency_id, Staff.active).order_by(Staff.id))
    equipment = db.scalars(select(Equipment).where(Equipment.agency_id == agency_id, Equipment.active)
                           .order_by(Equipment.id))
    capabilities = db.scalars(select(Capability).where(Capability.agency_id == agency_id, Capability.active)
                              .order_by(Capability.id))
    return {
        "staff": [{"id": s.id, "name": s.name, "user_id": s.user_id, "post": s.post, "title": s.title,
                   "technical_role": s.technical_role, "certificate_no": s.certificate_no,
                   "certificate_valid_until": _iso(s.certificate_valid_until)} for s in staff],
        "equipment": [{"id": e.id, "name": e.name, "model": e.model, "asset_no": e.asset_no,
                       "factory_no": e.factory_no, "calibration_valid_until": _iso(e.calibration_valid_until)}
                      for e in equipment],
        "capabilities": [{"id": c.id, "factor": c.factor, "method": c.method} for c in capabilities],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def may_run_tasks(db: Session, agency_id: int) -> bool:
    """Only an agency with a filing version in force may create tasks."""
    return in_force(db, agency_id) is not None


def schedulable_staff(db: Session, agency_id: int, day) -> list[Staff]:
    """People in the filing in force whose certificate is valid on `day` (and still active)."""
    filing = in_force(db, agency_id)
    if filing is None:
        return []
    filed = {entry["id"] for entry in filing.snapshot.get("staff", [])}
    people = db.scalars(select(Staff).where(Staff.id.in_(filed), Staff.active).order_by(Staff.id))
    return [s for s in people if s.certificate_valid_until is not None and s.certificate_valid_until >= day]


def schedulable_equipment(db: Session, agency_id: int, day) -> list[Equipment]:
    """Equipment in the filing in force whose calibration is valid on `day`."""
    filing = in_force(db, agency_id)
    if filing is None:
        return []
    filed = {entry["id"] for entry in filing.snapshot.get("equipment", [])}
    items = db.scalars(select(Equipment).where(Equipment.id.in_(filed), Equipment.active).order_by(Equipment.id))
    return [e for e in items if e.calibration_valid_until is not None and e.calibration_valid_until >= day]
