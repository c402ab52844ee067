"""The pages the links services send out lead to, built from the app's own routes (services/core/links.py names
them, so a route moved here moves its links with it)."""
from __future__ import annotations

from flask import Flask

from services.core import links

# page name -> (endpoint, the name of its key in the route)
PAGES = {
    "trip_confirmation": ("mobile.confirm_link", "token"),
    "om_confirmation": ("mobile.om_confirm_link", "token"),
    "om_sheet": ("om_mobile.sheet", "sheet_id"),
    "notices": ("notices.inbox", None),  # the user's own notices: no key
}


def install(app: Flask) -> None:
    """Give services the builders of the pages' paths, from the app's URL map (no request needed)."""
    adapter = app.url_map.bind("")
    links.install({page: _builder(adapter, endpoint, key) for page, (endpoint, key) in PAGES.items()})


def _builder(adapter, endpoint: str, key: str | None):
    return lambda value: adapter.build(endpoint, {key: value} if key else {})
