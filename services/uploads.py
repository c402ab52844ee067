"""Uploaded files on disk: checked by content, written once under a name of our own, never overwritten."""
from __future__ import annotations

from pathlib import Path

PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    """Judged by content, never by the client's file name."""
    return data.startswith(PDF_MAGIC)


def write(media_root: Path, relative: Path, data: bytes) -> str:
    """Store `data` at `relative` under the media root; returns the relative path as stored in the database."""
    target = Path(media_root) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative.as_posix()
