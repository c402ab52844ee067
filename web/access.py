"""Signed-in web users: the Flask-Login principal and role checks (the login limits: services/signin.py)."""
from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import UserMixin, current_user, login_required

from models import User
from services import policy
from web.db import db
from web.extensions import login_manager


class Principal(UserMixin):
    """What the session remembers of a user: the id only; the row is loaded per request."""

    def __init__(self, user_id: int):
        self.id = user_id


@login_manager.user_loader
def _load(user_id: str) -> Principal | None:
    user = db().get(User, int(user_id))
    return Principal(user.id) if user is not None and user.active else None


def me() -> User:
    """The signed-in user's row, loaded once per request."""
    if "me" not in g:
        g.me = db().get(User, int(current_user.get_id()))
    return g.me


def role_required(*roles: str):
    """Signed in, and one of `roles`; otherwise the login page or 404 (the area does not exist for them)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if me().role not in roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def get_or_404(model, ident: int):
    """A row the signed-in user may see (services/policy.py), or 404 — also for other tenants' rows."""
    row = policy.get(db(), me(), model, ident)
    if row is None:
        abort(404)
    return row
