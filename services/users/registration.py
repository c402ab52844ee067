"""机构注册: a verified legal entity opens its agency and the agency administrator's account.

The entity comes from the identity provider (services/users/identity.py). A self-monitoring polluter (自主检测排污企业)
registers as its own agency: it must be in the polluter directory, and its directory entry is linked to it.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Agency, AgencyKind, FilingStatus, Polluter, Role, User
from services.core.refusal import Refusal
from services.core.uow import transaction
from services.filing.filings import FormInvalid
from services.users.accounts import hash_password
from services.users.identity import LegalEntity
from states.filing_forms import DISTRICTS, KIND_LABELS

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")

class RegistrationField(Refusal):
    """Why a value typed on the registration form does not fit."""

    domain = "registration_form"


class AlreadyRegistered(Refusal):
    """The legal entity already has an agency in the system."""

    domain = "registration"

    def __init__(self):
        super().__init__("registered")


def registered(db: Session, credit_code: str) -> bool:
    return db.scalar(select(Agency.id).where(Agency.credit_code == credit_code)) is not None


@transaction
def register(db: Session, entity: LegalEntity, raw: Mapping[str, str]) -> User:
    """Create the agency (its filing still a draft) and its administrator; the caller commits and signs in."""
    if registered(db, entity.credit_code):
        raise AlreadyRegistered()
    kind, district, errors = _kind_and_district(db, entity, raw)
    username = (raw.get("username") or "").strip()
    password = raw.get("password") or ""
    if not USERNAME.match(username):
        errors["username"] = RegistrationField("username")
    elif db.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = RegistrationField("username_taken")
    if len(password) < 8 or not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        errors["password"] = RegistrationField("password")
    elif password != raw.get("password_again"):
        errors["password_again"] = RegistrationField("password_mismatch")
    if errors:
        raise FormInvalid(errors)
    agency = Agency(name=entity.name, kind=kind, credit_code=entity.credit_code, district=district,
                    filing_status=FilingStatus.DRAFT)
    admin = User(username=username, display_name=f"{entity.name}管理员"[:64], role=Role.AGENCY_ADMIN,
                 password_hash=hash_password(password), agency=agency)
    db.add_all([agency, admin])
    try:
        db.flush()
    except IntegrityError as exc:  # the same entity or username registered a moment ago
        raise AlreadyRegistered() from exc
    agency.code = f"A{agency.id:04d}"  # the prefix of its report system numbers (报告系统编号)
    if agency.self_monitoring:
        _own_site(db, entity).own_agency_id = agency.id
    db.flush()
    return admin


def _kind_and_district(db: Session, entity: LegalEntity, raw) -> tuple[str, str | None, dict[str, Refusal]]:
    kind = raw.get("kind") or ""
    if kind not in KIND_LABELS:
        return kind, None, {"kind": RegistrationField("kind")}
    if kind in (AgencyKind.SELF_MONITORING, AgencyKind.SELF_MONITORING_OM):
        site = _own_site(db, entity)
        if site is None:
            return kind, None, {"kind": RegistrationField("not_in_directory")}
        return kind, site.district, {}
    district = raw.get("district") or ""
    return (kind, district, {}) if district in DISTRICTS else (kind, None, {"district": RegistrationField("district")})


def _own_site(db: Session, entity: LegalEntity) -> Polluter | None:
    """The directory entry (排污单位名录库) of a self-monitoring polluter: the same credit code."""
    return db.scalar(select(Polluter).where(Polluter.credit_code == entity.credit_code))
