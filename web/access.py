"""Signed-in web users: the Flask-Login principal, role checks and the login rate limit."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g
from flask_login import UserMixin, current_user, login_required

from models import User
from web.db import db
from web.extensions import login_manager

LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_IP = 20
LOGIN_WINDOW_SECONDS = 15 * 60


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


class LoginThrottle:
    """Failed logins counted per account and per IP address in Redis."""

    def __init__(self, redis=None):
        self.redis = redis or current_app.extensions["emss"].redis

    def _keys(self, username: str, ip: str) -> tuple[str, str]:
        return f"emss:login-failures:user:{username.lower()}", f"emss:login-failures:ip:{ip}"

    def blocked(self, username: str, ip: str) -> bool:
        account, address = self._keys(username, ip)
        return int(self.redis.get(account) or 0) >= LOGIN_FAILURES_PER_ACCOUNT or \
            int(self.redis.get(address) or 0) >= LOGIN_FAILURES_PER_IP

    def failed(self, username: str, ip: str) -> None:
        for key in self._keys(username, ip):
            self.redis.incr(key)
            self.redis.expire(key, LOGIN_WINDOW_SECONDS)

    def succeeded(self, username: str, ip: str) -> None:
        self.redis.delete(self._keys(username, ip)[0])
