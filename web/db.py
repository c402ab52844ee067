"""One unit of work per web request, opened on first use and closed when the request ends."""
from __future__ import annotations

from flask import abort, current_app, g
from sqlalchemy.orm import Session

from services import policy
from services.uow import UnitOfWork


def uow() -> UnitOfWork:
    if "uow" not in g:
        g.uow = UnitOfWork(current_app.extensions["emss"]).__enter__()
    return g.uow


def db() -> Session:
    return uow().session


def close(_exc=None) -> None:
    unit = g.pop("uow", None)
    if unit is not None:
        unit.__exit__(None, None, None)


def get_or_404(model, ident: int):
    """A row the signed-in user may see (services/policy.py), or 404 — also for other tenants' rows."""
    from web.access import me

    row = policy.get(db(), me(), model, ident)
    if row is None:
        abort(404)
    return row
