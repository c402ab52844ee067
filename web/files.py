"""Users' files in and out of the web side: every upload field read under its policy (services/adapters/uploads.py
judges the bytes), every stored file served by `send_media` with the same protective headers."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Response, abort, current_app, request, send_from_directory

from services.adapters import uploads

# pictures a browser shows inline; everything else (PDFs, Office files, archives) is a download, so a file
# that slipped past the checks cannot run as a page of ours
INLINE_IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_upload(field: str, policy: uploads.Policy) -> bytes | None:
    """The bytes of the file chosen for `field`, read up to just past the policy's cap (so an oversized file is
    refused without being read whole); None when no file was chosen."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    return upload.stream.read(policy.max_bytes + 1)


def read_uploads(field: str, policy: uploads.Policy, limit: int) -> list[bytes]:
    """Every file chosen for a multiple-file `field` (at most `limit` + 1 are read, so the use case can refuse
    too many), each read like `read_upload`."""
    chosen = [u for u in request.files.getlist(field) if u.filename][:limit + 1]
    return [upload.stream.read(policy.max_bytes + 1) for upload in chosen]


def media_root() -> Path:
    return Path(current_app.extensions["emss"].config.media_root).resolve()


def send_media(path: str | None, download_name: str | None = None, evidence: bool = False) -> Response:
    """A stored file (404 when there is none), typed by the extension it was stored with — which the upload
    policy chose from its content — and never sniffed. A picture without a `download_name` is shown inline;
    everything else is a download. Evidence (photos, signatures, records) is not kept in any cache."""
    if not path:
        abort(404)
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    inline = mimetype in INLINE_IMAGES and download_name is None
    response = send_from_directory(media_root(), path, mimetype=mimetype, as_attachment=not inline,
                                   download_name=download_name)
    return protected(response, evidence)


def send_generated(body: bytes, mimetype: str, download_name: str, evidence: bool = False,
                   inline: bool = False) -> Response:
    """A file we made on request (a printed record sheet, an export), with the same headers as a stored one;
    `inline` only for a document of our own making that the browser's viewer should open (the printed sheet)."""
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "inline" if inline else "attachment", filename=download_name)
    return protected(response, evidence)


def protected(response: Response, evidence: bool) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    if evidence:
        response.headers["Cache-Control"] = "private, no-store"
    return response
