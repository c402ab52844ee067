"""Links the system sends out (a template message's confirmation page, a chat reply's sheet page) lead to web
pages, which services do not know: they name the page and its key, and the web layer — which owns the pages —
installs the builder of their paths when the app is built (web/links.py)."""
from __future__ import annotations

from collections.abc import Callable

# page name -> the path of that page for a key; filled by the web layer
_paths: dict[str, Callable[[object], str]] = {}


def install(paths: dict[str, Callable[[object], str]]) -> None:
    _paths.update(paths)


def url(base_url: str, page: str, key: object) -> str:
    """The public URL (under `base_url`, the site's public address) of `page` for `key` (a link's token, a
    sheet's id)."""
    return base_url.rstrip("/") + _paths[page](key)
