"""Accounts over their life: WeChat binding (账户绑定), new accounts, deactivation, passwords, and ending an
account's web sessions. Passwords are checked at sign-in by `services.users.signin` only; every change here is
written to the account log (services/users/account_log.py) in the same transaction."""
from __future__ import annotations

import re

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import User, WechatBinding
from services.core.refusal import Refusal
from services.core.uow import transaction
from services.filing.filings import FormInvalid
from services.users import account_log

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 128
class AccountField(Refusal):
    """Why a value typed for an account (username, password, name) does not fit."""

    domain = "account_form"


class AlreadyBound(Refusal):
    """The account is bound to another WeChat user."""

    domain = "signin"

    def __init__(self, username: str):
        super().__init__("bound_elsewhere", username=username)


_hash_method = "scrypt"  # werkzeug's strong default, until `build_runtime` sets the configured method


def use_hash_method(method: str) -> None:
    """How this process hashes new passwords (`Config.password_hash_method`, set by `build_runtime`); a stored
    hash names its own method, so checking needs no setting."""
    global _hash_method
    _hash_method = method


def hash_password(password: str, method: str | None = None) -> str:
    return generate_password_hash(password, method=method or _hash_method)


def hash_method() -> str:
    return _hash_method


# built once: its cache key is memoised on the statement (it runs for nearly every message)
BOUND_USER = (select(User).join(WechatBinding, WechatBinding.user_id == User.id)
              .where(WechatBinding.openid == bindparam("openid"), User.active))


def user_for_openid(db: Session, openid: str) -> User | None:
    """The active user bound to `openid` (one query: it runs for nearly every message)."""
    return db.scalar(BOUND_USER, {"openid": openid})


def bind(db: Session, openid: str, user: User) -> WechatBinding:
    """Bind `openid` to `user`; rebinding the same pair is harmless."""
    existing = db.scalar(select(WechatBinding).where(WechatBinding.user_id == user.id))
    if existing is not None:
        if existing.openid == openid:
            return existing
        raise AlreadyBound(user.username)
    binding = WechatBinding(openid=openid, user=user)
    db.add(binding)
    db.flush()
    return binding


def unbind(db: Session, openid: str) -> bool:
    binding = db.scalar(select(WechatBinding).where(WechatBinding.openid == openid))
    if binding is None:
        return False
    db.delete(binding)
    return True


# --- an account's life ------------------------------------------------------------------------------------

def create(db: Session, actor: User | None, username: str, password: str, **fields) -> User:
    """A new account someone else opens for its holder, who must change the initial password at first
    sign-in; logged. Raises FormInvalid (per field) and creates nothing then."""
    username = (username or "").strip()
    errors = credential_problems(db, username, password or "")
    if not (fields.get("display_name") or "").strip() or len(fields["display_name"].strip()) > 64:
        errors["display_name"] = AccountField("display_name")
    if errors:
        raise FormInvalid(errors)
    user = User(username=username, password_hash=hash_password(password), must_change_password=True,
                **{**fields, "display_name": fields["display_name"].strip()})
    try:
        with db.begin_nested():
            db.add(user)
            db.flush()
    except IntegrityError:  # the same username taken a moment ago
        raise FormInvalid({"username": AccountField("username_taken")}) from None
    account_log.record(db, actor, user, "created", **_plain(fields))
    return user


def credential_problems(db: Session, username: str, password: str) -> dict[str, Refusal]:
    errors = {}
    if not USERNAME.match(username):
        errors["username"] = AccountField("username")
    elif db.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = AccountField("username_taken")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        errors["password"] = AccountField("password")
    return errors


def _plain(fields: dict) -> dict:
    """What the log keeps of an account's fields: plain values, no relationship objects."""
    return {k: (v if isinstance(v, (str, int, bool, type(None))) else str(v)) for k, v in fields.items()
            if k not in ("agency", "polluter", "park", "password_hash")}


def end_sessions(user: User) -> None:
    """Every web session of `user` ends at its next request (web/access.py compares the epoch)."""
    user.session_epoch = (user.session_epoch or 0) + 1


@transaction
def unbind_wechat(db: Session, actor: User, user: User) -> bool:
    """解除微信绑定 from the web side: the WeChat user no longer acts for the account; logged."""
    if user.binding is None:
        return False
    openid = user.binding.openid
    unbind(db, openid)
    db.expire(user, ["binding"])
    account_log.record(db, actor, user, "wechat_unbound")
    return True


@transaction
def deactivate(db: Session, actor: User, user: User) -> None:
    """停用: the account can no longer sign in, its WeChat is unbound and its open web sessions end, at once."""
    if not user.active:
        return
    unbind_wechat(db, actor, user)
    user.active = False
    end_sessions(user)
    account_log.record(db, actor, user, "deactivated")


@transaction
def reactivate(db: Session, actor: User, user: User) -> None:
    if user.active:
        return
    user.active = True
    account_log.record(db, actor, user, "reactivated")


@transaction
def change_password(db: Session, user: User, new: str, repeated: str) -> None:
    """The holder, whose current password the caller has checked (services/users/signin.py, so wrong guesses count
    toward the lock), changes it (also the forced change at first sign-in): every web session ends, the
    caller carries its own on. Raises FormInvalid."""
    errors = new_password_problems(new, repeated)
    if not errors and check_password_hash(user.password_hash, new):
        errors["new"] = AccountField("same_password")
    if errors:
        raise FormInvalid(errors)
    set_password(user, new)
    account_log.record(db, user, user, "password_changed")


def new_password_problems(new: str, repeated: str) -> dict[str, Refusal]:
    if not MIN_PASSWORD <= len(new or "") <= MAX_PASSWORD:
        return {"new": AccountField("new_password", fewest=MIN_PASSWORD, most=MAX_PASSWORD)}
    return {"repeated": AccountField("mismatch")} if new != repeated else {}


def set_password(user: User, new: str) -> None:
    """The holder's own choice: no forced change any more, and the sessions opened with the old one end."""
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(user)
