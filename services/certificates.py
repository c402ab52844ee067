"""Certificate files of a filing (人员证书, 检定/校准证书): checked by content, stored once, never overwritten.

A filing version refers to the files by path in its snapshot, so a replaced certificate is a new file and
the version under review (or in force) keeps showing the one it was submitted with.
"""
from __future__ import annotations

import secrets
from io import BytesIO
from pathlib import Path

from PIL import Image

from services import uploads

MAX_BYTES = 10 * 1024 * 1024
AREA = "filing"
MIMETYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


class CertificateRejected(Exception):
    """The upload is not a usable certificate file; the message says why, in Chinese."""


def kind_of(data: bytes) -> str:
    """The file's extension judged by its content (PDF, JPEG or PNG), or CertificateRejected."""
    if not data:
        raise CertificateRejected("上传的文件是空的。")
    if len(data) > MAX_BYTES:
        raise CertificateRejected("证书文件不能超过 10 MB。")
    if uploads.is_pdf(data):
        return "pdf"
    try:
        with Image.open(BytesIO(data)) as image:
            image_format = image.format
            image.verify()
    except Exception as exc:  # Pillow raises many kinds of errors for what is not a picture
        raise CertificateRejected("证书文件须为 PDF、JPEG 或 PNG 格式。") from exc
    if image_format not in {"JPEG", "PNG"}:
        raise CertificateRejected("证书文件须为 PDF、JPEG 或 PNG 格式。")
    return "jpg" if image_format == "JPEG" else "png"


def store(media_root: Path, agency_id: int, section: str, data: bytes) -> str:
    """Write a checked certificate under a fresh name; returns its path relative to the media root."""
    extension = kind_of(data)
    relative = Path(AREA) / str(agency_id) / section / f"{secrets.token_hex(12)}.{extension}"
    return uploads.write(media_root, relative, data)


def mimetype(path: str) -> str:
    return MIMETYPES.get(path.rsplit(".", 1)[-1], "application/octet-stream")
