"""One unit of work per web request, opened on first use and closed when the request ends (the rows a user may
see: web/access.py)."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from services.core.uow import UnitOfWork


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
