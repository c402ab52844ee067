"""The one shape of the records area's upload forms: read the file (bounded), hand it to a use case, commit,
or show the page again with the refusal in the use case's words."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect

from services.adapters import uploads
from services.field.records import RecordsProblem
from services.texts.refusals import say
from web.files import read_upload


def handle(field: str, policy: uploads.Policy, missing: str, store: Callable[[bytes], object],
           refused_page: Callable, done: str, then: str):
    """`store(data)` the uploaded `field` (read under its upload policy); on success flash `done` and go to
    `then`; with no file or a refusal, `refused_page()` with status 400."""
    data = read_upload(field, policy)
    if data is None:
        flash(missing, "error")
        return refused_page(400)
    try:
        store(data)
    except RecordsProblem as refused:
        flash(say(refused), "error")
        return refused_page(400)
    except uploads.UploadRefused as refused:
        flash(say(refused), "error")
        return refused_page(400)
    flash(done, "success")
    return redirect(then)
