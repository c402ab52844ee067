"""Signed-in web users: the Flask-Login principal and role checks (the login limits: services/users/signin.py)."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, g, redirect, url_for
from flask_login import UserMixin, current_user, login_required

from models import User
from services.core import policy
from web.db import db
from web.extensions import login_manager


class Principal(UserMixin):
    """What the session remembers of a user: the id and the account's session epoch; the row is loaded per
    request. The session is a signed cookie the server cannot delete, so ending an account's sessions
    (deactivation, a new password) bumps the epoch in the database and every older cookie stops matching."""

    def __init__(self, user_id: int, epoch: int = 0):
        self.id = user_id
        self.epoch = epoch

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(user.id, user.session_epoch or 0)

    def get_id(self) -> str:
        return f"{self.id}:{self.epoch}"


@login_manager.user_loader
def _load(session_id: str) -> Principal | None:
    user_id, _, epoch = session_id.partition(":")
    user = db().get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or str(user.session_epoch or 0) != epoch:
        return None
    return Principal.of(user)


def me() -> User:
    """The signed-in user's row, loaded once per request."""
    if "me" not in g:
        g.me = db().get(User, current_user.id)
    return g.me


def role_required(*roles: str):
    """Signed in, and one of `roles`; otherwise the login page or 404 (the area does not exist for them).
    Until the holder has replaced a password someone else chose (a new account, a reset), every such page
    leads to the password change instead."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if me().role not in roles:
                abort(404)
            if me().must_change_password:
                flash("首次登录（或密码被重置）后须先修改密码。", "error")
                return redirect(url_for("account.password"))
            return view(*args, **kwargs)
        return wrapped
    return decorator


def get_or_404(model, ident: int):
    """A row the signed-in user may see (services/core/policy.py), or 404 — also for other tenants' rows."""
    row = policy.get(db(), me(), model, ident)
    if row is None:
        abort(404)
    return row
