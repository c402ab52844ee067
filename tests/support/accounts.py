"""Account stories: posting the account forms as a browser would, and changing a forced password."""
from __future__ import annotations

from sqlalchemy import select

from models import User
from tests.conftest import csrf_token

NEW_PASSWORD = "Chosen-2026"


def post_form(client, url: str, page: str | None = None, **fields):
    """Post `fields` to the form at `url`, with the CSRF token of the page it is on (`page`, else `url`)."""
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**fields, "csrf_token": token})


def first_login(client, username: str, password: str, new: str = NEW_PASSWORD):
    """Sign in with an initial password: the panel insists on a new one first, which the holder then sets."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/password")
    changed = post_form(client, "/account/password", current=password, new=new, repeated=new)
    assert changed.status_code == 302, changed.get_data(as_text=True)
    return client


def account(runtime, username: str) -> User:
    with runtime.sessions() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
        return user
