"""The one shape of the records area's upload forms: read the file (bounded), hand it to a use case, commit,
or show the page again with the refusal in the use case's words."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request

from services.records import RecordsProblem
from web.db import uow
from web.records import texts as T


def handle(field: str, limit: int, missing: str, store: Callable[[bytes], object], refused_page: Callable,
           done: str, then: str):
    """`store(data)` the uploaded `field` (at most `limit` bytes read, one more to detect oversize); on success
    flash `done` and go to `then`; with no file or a refusal, `refused_page()` with status 400."""
    upload = request.files.get(field)
    data = upload.stream.read(limit + 1) if upload else b""
    if not data:
        flash(missing, "error")
        return refused_page(400)
    try:
        store(data)
    except RecordsProblem as refused:
        flash(T.problem(refused), "error")
        return refused_page(400)
    uow().commit()
    flash(done, "success")
    return redirect(then)
