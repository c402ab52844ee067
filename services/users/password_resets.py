"""重置密码: the administrator issues a one-time link, shown once, that lets the holder set a new password.

Issuing it ends the account's web sessions and makes the old password unusable (a reset is asked for when the
password is forgotten or may be known to someone else). Only the SHA-256 of the token is stored; the link
expires after LINK_HOURS and works once.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import PasswordReset, User, clock
from services.core.uow import transaction
from services.filing.filings import FormInvalid
from services.users import account_log, accounts

LINK_HOURS = 24


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction
def issue(db: Session, actor: User, user: User) -> str:
    """A new link's token (earlier unused links of the account stop working); logged."""
    db.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
               .values(used_at=clock.now()))
    token = secrets.token_urlsafe(32)
    db.add(PasswordReset(user_id=user.id, token_hash=_digest(token),
                         expires_at=clock.now() + timedelta(hours=LINK_HOURS)))
    user.password_hash = accounts.hash_password(secrets.token_urlsafe(32))  # nobody knows it
    user.must_change_password = True
    accounts.end_sessions(user)
    account_log.record(db, actor, user, "reset_issued", expires_hours=LINK_HOURS)
    return token


def usable(db: Session, token: str) -> PasswordReset | None:
    """The unused, unexpired link of an active account with this token, or None."""
    link = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == _digest(token or "")))
    if link is None or link.used_at is not None or link.expires_at <= clock.now() or not link.user.active:
        return None
    return link


@transaction
def redeem(db: Session, link: PasswordReset, new: str, repeated: str) -> User:
    """Set the new password through the link, which is then used up. Raises FormInvalid."""
    errors = accounts.new_password_problems(new, repeated)
    if errors:
        raise FormInvalid(errors)
    # one use only, even for two submissions at the same moment: the row is claimed before the password is set
    claimed = db.execute(update(PasswordReset).where(PasswordReset.id == link.id, PasswordReset.used_at.is_(None))
                         .values(used_at=clock.now()))
    if claimed.rowcount != 1:
        raise FormInvalid({"new": accounts.AccountField("link_used")})
    accounts.set_password(link.user, new)
    account_log.record(db, None, link.user, "password_reset")
    return link.user
