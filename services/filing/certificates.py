"""Certificate files of a filing (人员证书, 检定/校准证书, a vehicle's licence and lease): checked by content under
the upload policy, stored once, never overwritten.

A filing version refers to the files by path in its snapshot, so a replaced certificate is a new file and
the version under review (or in force) keeps showing the one it was submitted with.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from services.adapters import uploads

AREA = "filing"


def store(media_root: Path, agency_id: int, section: str, data: bytes,
          policy: uploads.Policy = uploads.CERTIFICATE) -> str:
    """Write a certificate under a fresh name, once it passed `policy` (UploadRefused otherwise); returns its
    path relative to the media root."""
    extension = uploads.check(data, policy)
    relative = Path(AREA) / str(agency_id) / section / f"{secrets.token_hex(12)}.{extension}"
    return uploads.write(media_root, relative, data)
