"""Who is registering: the legal entity behind a new agency account, verified by 法人一证通.

Registration only talks to an `IdentityProvider` (an OAuth2 authorization-code flow returning the entity's
unified social credit code and name). Outside development it must be configured, or registration is refused;
in development the local stand-in (web/standins/identity.py) plays the provider over the same protocol.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import requests

from services.core.refusal import Refusal
from services.filing import credit_codes
from states.forms import normalise


@dataclass(frozen=True)
class LegalEntity:
    """A verified legal entity (法人): its unified social credit code (统一社会信用代码) and registered name."""

    credit_code: str
    name: str


class IdentityRejected(Refusal):
    """The entity could not be verified; `code` says why (services/texts/refusals.py, domain identity)."""

    domain = "identity"


def entity_from(credit_code: str, name: str) -> LegalEntity:
    """A legal entity from what a provider (or the development stand-in's form) gave, normalised and checked:
    a provider that hands over a malformed code is not trusted with it."""
    code, name = normalise(credit_code or "").upper(), normalise(name or "")
    if not code:
        raise IdentityRejected("credit_code_missing")
    invalid = credit_codes.problem(code)
    if invalid:
        raise IdentityRejected("credit_code_invalid", invalid=invalid)
    if not 2 <= len(name) <= 200:
        raise IdentityRejected("name_missing")
    return LegalEntity(credit_code=code, name=name)


class IdentityProvider:
    """法人一证通 as an OAuth2 authorization-code provider: the browser goes to `authorize_url`, comes back to
    our callback with a code, and the code is exchanged server to server for the entity's credit code and name
    (token endpoint, then userinfo). Configured by IDENTITY_ISSUER, IDENTITY_CLIENT_ID, IDENTITY_CLIENT_SECRET."""

    title = "法人一证通"

    def __init__(self, issuer: str, client_id: str, client_secret: str, http: requests.Session,
                 timeout: float = 5.0):
        self.issuer = issuer if issuer.endswith("/") else issuer + "/"
        self.client_id, self.client_secret, self.http, self.timeout = client_id, client_secret, http, timeout

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = urlencode({"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri,
                           "scope": "openid entity", "state": state})
        return f"{self.issuer}authorize?{query}"

    def entity(self, code: str, redirect_uri: str) -> LegalEntity:
        """The entity the authorization code stands for; IdentityRejected when it cannot be had."""
        token = self._call("POST", "token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": self.client_id, "client_secret": self.client_secret}).get("access_token")
        if not token:
            raise IdentityRejected("unverified")
        info = self._call("GET", "userinfo", headers={"Authorization": f"Bearer {token}"})
        return entity_from(str(info.get("credit_code") or ""), str(info.get("name") or ""))

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = self.http.request(method, self.issuer + path, timeout=self.timeout, **kwargs)
        except requests.RequestException:
            raise IdentityRejected("unreachable") from None
        if response.status_code >= 500:
            raise IdentityRejected("unreachable")
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            raise IdentityRejected("unverified")  # an expired or reused code, or a provider we do not understand
        return body

DEV_CLIENT_ID, DEV_CLIENT_SECRET = "emss-dev", "emss-dev-identity"


def provider(config, http: requests.Session) -> IdentityProvider | None:
    """The deployment's identity provider, or None when none is configured (registration is then refused).
    In development the local stand-in (/fake-identity/, mounted with EMSS_DEV) plays it unless one is set."""
    if config.identity_issuer:
        return IdentityProvider(config.identity_issuer, config.identity_client_id, config.identity_client_secret,
                                http, config.wechat_timeout)
    if config.dev:
        return IdentityProvider(config.public_base_url.rstrip("/") + "/fake-identity/", DEV_CLIENT_ID,
                                DEV_CLIENT_SECRET, http, config.wechat_timeout)
    return None
