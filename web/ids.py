"""Ids in URLs, bounded by the id type: a number the database cannot hold never reaches a query."""
from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2 ** 31 - 1  # ids are INTEGER columns: PostgreSQL's is 32-bit


class IdConverter(IntegerConverter):
    """`<int:...>` in every route (registered in the app factory): an id from 1 to MAX_ID. Anything else is
    a 404 whatever the method (werkzeug's own refusal would be a 405 where the path has a rule for another
    method)."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, min=1, max=MAX_ID, **kwargs)

    def to_python(self, value: str) -> int:
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def record_id(value: str) -> int:
    """`type=` for an id read from the query string or a form: out of range is a ValueError, which
    `request.args.get(..., type=record_id)` turns into "not given"."""
    if not (value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) <= MAX_ID):
        raise ValueError(f"not an id: {value[:20]!r}")
    return int(value)
