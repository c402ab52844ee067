"""Registration's identity step as a browser walks it: our /register/start, the 法人一证通 stand-in's page,
and back to our callback."""
from __future__ import annotations

from urllib.parse import urlsplit

from tests.conftest import csrf_token


def path_of(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def verify(client, code: str, name: str, action: str = "login"):
    """The last response: our callback's (a redirect on to the account step, or the page saying why not), or
    the stand-in's page when it refused what was typed."""
    to_provider = client.get("/register/start")
    assert to_provider.status_code == 302 and "/fake-identity/authorize?" in to_provider.headers["Location"]
    page = client.get(path_of(to_provider.headers["Location"]))
    form = {name_: value for name_, value in _hidden_fields(page.get_data(as_text=True))}
    answered = client.post("/fake-identity/authorize", data={**form, "credit_code": code, "name": name,
                                                             "action": action})
    if answered.status_code != 302:
        return answered
    return client.get(path_of(answered.headers["Location"]))


def _hidden_fields(html: str):
    import re

    yield "csrf_token", csrf_token(html)
    for field in ("redirect_uri", "state"):
        match = re.search(rf'name="{field}" value="([^"]*)"', html)
        assert match, f"no {field} on the provider's page"
        yield field, match.group(1).replace("&amp;", "&")
