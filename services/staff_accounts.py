"""开通采样账号: the agency administrator gives a filed person the sampler account they use in WeChat.

A person is scheduled through this account (Staff.user_id), yet whether they may be scheduled is still
decided by the filing in force and their certificate (services/filings.py `schedulable_staff`): opening an
account changes neither the working copy's filed fields nor any version's snapshot.
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Role, Staff, User
from services.accounts import hash_password
from services.filings import FormInvalid
from services.registration import USERNAME
from services.uow import transaction

MIN_PASSWORD = 8

TEXTS = {
    "linked": "“{name}”已开通采样账号 {username}，不能重复开通。",
    "username": "账号为 3～32 位字母、数字或 _ . -。",
    "username_taken": "该账号已被使用，请换一个。",
    "password": "初始密码至少 8 位。",
}


class AccountRefused(Exception):
    """The person cannot be given an account at all (already has one); the message says why, in Chinese."""


@transaction
def open_account(db: Session, staff: Staff, raw: Mapping[str, str]) -> User:
    """Create the sampler account (采样人员账号) of `staff`, an active person of the caller's agency, and link
    it; the caller commits. Raises AccountRefused or FormInvalid (per field) and creates nothing then."""
    _lock(db, staff)
    if staff.user is not None:
        raise AccountRefused(TEXTS["linked"].format(name=staff.name, username=staff.user.username))
    username, password = (raw.get("username") or "").strip(), raw.get("password") or ""
    errors = _problems(db, username, password)
    if errors:
        raise FormInvalid(errors)
    user = User(username=username, password_hash=hash_password(password), display_name=staff.name,
                role=Role.SAMPLER, agency_id=staff.agency_id)
    db.add(user)
    try:
        db.flush()
    except IntegrityError as exc:  # the same username taken a moment ago
        raise FormInvalid({"username": TEXTS["username_taken"]}) from exc
    staff.user_id = user.id
    db.flush()
    return user


def _lock(db: Session, staff: Staff) -> None:
    """Lock the person's row and reload it, so two administrators cannot both link an account to them."""
    db.execute(select(Staff.id).where(Staff.id == staff.id).with_for_update())
    db.refresh(staff)


def _problems(db: Session, username: str, password: str) -> dict[str, str]:
    errors = {}
    if not USERNAME.match(username):
        errors["username"] = TEXTS["username"]
    elif db.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = TEXTS["username_taken"]
    if len(password) < MIN_PASSWORD:
        errors["password"] = TEXTS["password"]
    return errors
