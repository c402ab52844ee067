"""Bearer tokens of the open API (开放接口令牌): one regulator's read-only access for the city platform.

A token is shown once, when it is made; only its SHA-256 is stored, so a leaked table gives nobody access.
A revoked token stays in the table (who had access when) and is refused from then on.
"""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ApiToken, Role, User, clock
from services.core.refusal import Refusal

HOLDERS = (Role.REGULATOR,)  # the API is the regulator's desk for machines
TOKEN_BYTES = 32


class TokenProblem(Refusal):
    """A token that cannot be made or revoked (the operator's command says why)."""

    domain = "api_token"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(db: Session, username: str) -> tuple[ApiToken, str]:
    """A new token for the regulator `username`: the row and the token itself (never stored)."""
    user = _holder(db, username)
    token = "emss_" + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(user=user, token_hash=digest(token))
    db.add(row)
    db.flush()
    return row, token


def revoke(db: Session, username: str, token_id: int | None = None) -> int:
    """Revoke the active tokens of `username` (only `token_id` when given); returns how many."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise TokenProblem("no_account", username=username)
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if token_id is not None:
        query = query.where(ApiToken.id == token_id)
    rows = list(db.scalars(query))
    if token_id is not None and not rows:
        raise TokenProblem("no_token", username=username, token=token_id)
    for row in rows:
        row.revoked_at = clock.now()
    return len(rows)


def holder(db: Session, token: str) -> tuple[ApiToken, User] | None:
    """The token's row and its regulator, when the token is valid: known, not revoked, its account active."""
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active or row.user.role not in HOLDERS:
        return None
    return row, row.user


def _holder(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise TokenProblem("no_account", username=username)
    if user.role not in HOLDERS or not user.active:
        raise TokenProblem("not_regulator", username=username)
    return user
