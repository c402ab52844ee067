"""人员账号: the agency administrator opens, edits and deactivates the accounts of its filed people, each with
its role — 采样人员, 运维人员, 技术负责人, 质量负责人, 质量监督员 — as the agency's kind allows.

Only a person in the filing in force gets an account, and a field role (采样人员, 运维人员) only with a
certificate valid today; an O&M agency's person gets the role of the technical post they are filed with. A
person is scheduled through this account (Staff.user_id), yet whether they may be scheduled on a day is still
decided by the filing in force and their certificate then (services/filing/filings.py `schedulable_staff`): opening
an account changes neither the working copy's filed fields nor any version's snapshot.
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AgencyKind, Role, Staff, User, clock
from services.core.refusal import Refusal
from services.core.uow import transaction
from services.filing import filings
from services.filing.filings import FormInvalid
from services.texts.names import ROLE_NAMES
from services.users import account_log, accounts

SAMPLING_ROLES = (Role.SAMPLER, Role.TECHNICAL_LEAD, Role.QUALITY_LEAD)
OM_ROLES = (Role.OM_CREW, Role.TECHNICAL_LEAD, Role.QUALITY_LEAD, Role.QUALITY_SUPERVISOR)
ROLES_BY_KIND = {
    AgencyKind.MONITORING: SAMPLING_ROLES,
    AgencyKind.SELF_MONITORING: SAMPLING_ROLES,
    AgencyKind.OM: OM_ROLES,
    AgencyKind.SELF_MONITORING_OM: (Role.SAMPLER, *OM_ROLES),
}
# the roles that work on site under their certificate (上岗证 / 运维能力评定证书)
CERTIFIED = (Role.SAMPLER, Role.OM_CREW)
# an O&M person's filed technical post (技术岗位) and the account role it carries
FILED_POST = {Role.OM_CREW: "运维人员", Role.TECHNICAL_LEAD: "技术负责人", Role.QUALITY_LEAD: "质量负责人",
              Role.QUALITY_SUPERVISOR: "质量监督员"}



class AccountRefused(Refusal):
    """The person cannot be given (or keep) this account: linked | not_filed | post | certificate."""

    domain = "staff_account"


def roles_for(kind: str) -> tuple[Role, ...]:
    return ROLES_BY_KIND.get(kind, ())


def suggested_role(staff: Staff) -> Role | None:
    """The role the filed technical post names, else the first the agency's kind allows."""
    allowed = roles_for(staff.agency.kind)
    by_post = next((role for role, post in FILED_POST.items() if post == staff.technical_role), None)
    return by_post if by_post in allowed else (allowed[0] if allowed else None)


@transaction
def open_account(db: Session, actor: User, staff: Staff, raw: Mapping[str, str]) -> User:
    """Create the account of `staff`, an active person of the actor's agency, with the role chosen, and link
    it; the caller commits. Raises AccountRefused or FormInvalid (per field) and creates nothing then."""
    _lock(db, staff)
    if staff.user is not None:
        raise AccountRefused("linked", name=staff.name, username=staff.user.username,
                             role=ROLE_NAMES.get(staff.user.role, ""))
    role = _role(staff, raw.get("role", ""))
    _check_filed(db, staff, role)
    user = accounts.create(db, actor, raw.get("username", ""), raw.get("password", ""), display_name=staff.name,
                           role=role, agency_id=staff.agency_id)
    staff.user_id = user.id
    db.flush()
    return user


@transaction
def change_role(db: Session, actor: User, staff: Staff, raw: Mapping[str, str]) -> None:
    """Give the person's account another role, checked as when it was opened; logged."""
    role = _role(staff, raw.get("role", ""))
    _check_filed(db, staff, role)
    user = staff.user
    if role != user.role:
        account_log.record(db, actor, user, "edited", before={"role": str(user.role)}, after={"role": str(role)})
        user.role = role


@transaction
def reactivate(db: Session, actor: User, staff: Staff) -> None:
    """Re-enable a deactivated account, only while its holder is still filed (and certified) for the role."""
    _check_filed(db, staff, staff.user.role)
    accounts.reactivate(db, actor, staff.user)


@transaction
def leaves(db: Session, actor: User, staff: Staff) -> bool:
    """A person leaves the agency (停用 in the filing): off the working copy, and their account, if it is still
    active, stops now — not when the filing's update is approved (signed out, WeChat unbound). True when an
    account was stopped."""
    filings.deactivate(staff)
    account = staff.user
    if account is None or not account.active:
        return False
    accounts.deactivate(db, actor, account)
    return True


def _role(staff: Staff, typed: str) -> Role:
    allowed = roles_for(staff.agency.kind)
    if typed not in allowed:
        raise FormInvalid({"role": accounts.AccountField("role_required")})
    return Role(typed)


def _check_filed(db: Session, staff: Staff, role: Role) -> None:
    """The person is in the filing in force, with the filed technical post the role needs (O&M agencies) and,
    for a field role, a certificate valid today by both the filed and the current date."""
    filing = filings.filed_resources(db, staff.agency_id)
    entry = filings.filed_entry(filing, "staff", staff.id) if filing is not None else {}
    if not entry or not staff.active:
        raise AccountRefused("not_filed", name=staff.name)
    filed_post = entry.get("technical_role")
    if filed_post and role in FILED_POST and FILED_POST[role] != filed_post:
        raise AccountRefused("post", name=staff.name, filed=filed_post, role=ROLE_NAMES[role])
    if role in CERTIFIED:
        dates = [d for d in (entry.get("certificate_valid_until"), staff.certificate_valid_until) if d]
        until = min(str(d) for d in dates) if len(dates) == 2 else None
        if until is None or until < clock.today().isoformat():
            raise AccountRefused("certificate", name=staff.name, until=until or "—", role=ROLE_NAMES[role])


def _lock(db: Session, staff: Staff) -> None:
    """Lock the person's row and reload it, so two administrators cannot both link an account to them."""
    db.execute(select(Staff.id).where(Staff.id == staff.id).with_for_update())
    db.refresh(staff)
