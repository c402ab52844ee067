"""污染源综合管理信息系统: polluters sign in (web) and bind WeChat with the account they already have in the
city's pollution-source system. EMSS never stores that password: each sign-in is verified by the system, server
to server, and the account is tied to the polluter of the directory with the same unified social credit code.

Protocol (POLLUTER_DIRECTORY_AUTH is its base URL, POLLUTER_DIRECTORY_KEY our client key):
POST {base}verify, JSON {"username", "password"}, header `Authorization: Bearer KEY` → 200 {"username",
"credit_code", "name"} for a right password, 401 for a wrong one. Under EMSS_DEV the local stand-in
(web/standins/pollution_source.py) plays the system unless one is configured.
"""
from __future__ import annotations

from dataclasses import dataclass

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Polluter, Role, User
from services.core.refusal import Refusal

AUTH_SOURCE = "pollution_source"  # User.auth_source of accounts verified there
NO_LOCAL_PASSWORD = "!"  # never matches a werkzeug hash: such an account cannot sign in with a local password
DEV_KEY = "emss-dev-pollution-source"


@dataclass(frozen=True)
class SourceAccount:
    """An account the pollution-source system vouched for, and the legal entity it belongs to."""

    username: str
    credit_code: str
    name: str


class Unreachable(Refusal):
    """Nobody can tell whether the password is right: the pollution-source system did not answer (or not
    understandably)."""

    domain = "signin"

    def __init__(self):
        super().__init__("unreachable")


class PollutionSourceSystem:
    def __init__(self, base: str, key: str, http: requests.Session, timeout: float = 5.0):
        self.base = base if base.endswith("/") else base + "/"
        self.key, self.http, self.timeout = key, http, timeout

    def verify(self, username: str, password: str) -> SourceAccount | None:
        """The account when the password is right, None when it is wrong; Unreachable when nobody can tell."""
        try:
            response = self.http.post(self.base + "verify", json={"username": username, "password": password},
                                      headers={"Authorization": f"Bearer {self.key}"}, timeout=self.timeout)
        except requests.RequestException:
            raise Unreachable() from None
        if response.status_code == 401:
            return None
        try:
            body = response.json() if response.status_code == 200 else None
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("credit_code"):
            raise Unreachable()  # a system answering what we do not understand cannot vouch for anyone
        return SourceAccount(str(body.get("username") or username), str(body["credit_code"]).upper(),
                             str(body.get("name") or ""))


def system(config, http: requests.Session) -> PollutionSourceSystem | None:
    if config.polluter_directory_auth:
        return PollutionSourceSystem(config.polluter_directory_auth, config.polluter_directory_key, http,
                                     config.wechat_timeout)
    if config.dev:
        return PollutionSourceSystem(config.public_base_url.rstrip("/") + "/fake-pollution-source/", DEV_KEY,
                                     http, config.wechat_timeout)
    return None


def polluter_of(db: Session, account: SourceAccount) -> Polluter | None:
    return db.scalar(select(Polluter).where(Polluter.credit_code == account.credit_code))


def local_account(db: Session, account: SourceAccount, polluter: Polluter, existing: User | None) -> User:
    """The EMSS account standing for it: made at the first sign-in as one of the polluter's confirmers
    (确认人), kept in step with the system afterwards (a row deactivated here stays deactivated)."""
    user = existing or User(username=account.username, role=Role.POLLUTER_CONFIRMER, auth_source=AUTH_SOURCE,
                            password_hash=NO_LOCAL_PASSWORD)
    user.polluter = polluter
    user.display_name = (account.name or f"{polluter.name}环保负责人")[:64]
    if existing is None:
        db.add(user)
    db.flush()
    return user
