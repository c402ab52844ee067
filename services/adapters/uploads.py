"""The one upload policy of every form: a file's type is decided by its content (magic bytes, then parsed),
never by its name or the client's mimetype; every kind of upload has a size cap; a picture's pixel count is
read from its header and capped before any pixel is decoded; a PDF must parse and have a page. A refusal
says why in Chinese (`UploadRefused`); nothing is stored before the check passed. Files are written once
under a name of our own and never overwritten."""
from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from services.core.refusal import Refusal

MB = 1024 * 1024
# far above any phone photo or scanned page (a 108 MP phone sensor bins to 12 MP); a 40 MP PNG decodes to
# 160 MB of RGBA, so this also bounds the memory one upload can take
MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG"}
MAGIC = (
    ("pdf", b"%PDF-"),
    ("jpg", b"\xff\xd8\xff"),
    ("png", b"\x89PNG\r\n\x1a\n"),
    ("zip", b"PK\x03\x04"),
    ("ole", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),  # the legacy Office container (.xls, .doc)
    ("rar", b"Rar!\x1a\x07"),
    ("7z", b"7z\xbc\xaf\x27\x1c"),
)
TYPE_NAMES = {"pdf": "PDF", "jpg": "JPEG", "png": "PNG", "xls": "Excel", "xlsx": "Excel", "doc": "Word",
              "docx": "Word", "zip": "ZIP", "rar": "RAR", "7z": "7z"}


@dataclass(frozen=True)
class Policy:
    """What one upload field takes: its name on the form (Chinese), the content types and the size cap."""

    label: str
    types: tuple[str, ...]
    max_bytes: int

    def named(self, label: str) -> Policy:
        return Policy(label, self.types, self.max_bytes)


PDF_TYPES = ("pdf",)
CERTIFICATE_TYPES = ("pdf", "jpg", "png")
CONTRACT = Policy("合同附件", PDF_TYPES, 20 * MB)
CREDIT = Policy("证明文件", PDF_TYPES, 20 * MB)
REPORT = Policy("报告文件", PDF_TYPES, 20 * MB)
CERTIFICATE = Policy("证书文件", CERTIFICATE_TYPES, 10 * MB)
RAW_RECORD = Policy("原始记录", ("pdf", "jpg", "png", "xls", "xlsx", "doc", "docx", "zip", "rar", "7z"), 20 * MB)
PHOTO = Policy("照片", ("jpg", "png"), 20 * MB)
DIRECTORY = Policy("名录库文件", ("xlsx",), 20 * MB)  # a city's 10,000 polluters with their schemes: about 5 MB


class UploadRefused(Refusal):
    """The upload does not meet its policy; `code` says why, the detail `label` names the file's kind."""

    domain = "upload"


def check(data: bytes | None, policy: Policy) -> str:
    """The file's type (the extension it is stored with), judged by its content; UploadRefused otherwise."""
    if not data:
        raise UploadRefused("empty", label=policy.label)
    if len(data) > policy.max_bytes:
        raise UploadRefused("too_big", label=policy.label, mb=policy.max_bytes // MB)
    kind = _refine(_sniff(data), data)
    if kind not in policy.types:
        raise UploadRefused("wrong_type", label=policy.label, types=_names(policy.types))
    if kind == "pdf":
        _check_pdf(data, policy)
    elif kind in IMAGE_FORMATS:
        _check_image(data, IMAGE_FORMATS[kind], policy)
    return kind


def write(media_root: Path, relative: Path, data: bytes) -> str:
    """Store `data` at `relative` under the media root; returns the relative path as stored in the database."""
    target = Path(media_root) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative.as_posix()


def _names(types: tuple[str, ...]) -> str:
    names = list(dict.fromkeys(TYPE_NAMES[t] for t in types))
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + " 或 " + names[-1]


def _sniff(data: bytes) -> str | None:
    return next((kind for kind, magic in MAGIC if data.startswith(magic)), None)


def _refine(kind: str | None, data: bytes) -> str | None:
    """Containers told apart by what is inside: an Office document is a ZIP or an OLE file."""
    if kind == "zip":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        return "docx" if "word/document.xml" in names else "xlsx" if "xl/workbook.xml" in names else "zip"
    if kind == "ole":  # the stream names of its directory, in UTF-16
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        return "xls" if "Book".encode("utf-16-le") in data else None  # "Workbook", or Excel 95's "Book"
    return kind


def _check_pdf(data: bytes, policy: Policy) -> None:
    """It parses and has a page: `%PDF-` followed by anything else (HTML, a script) is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about repairable damage; the page count decides
            pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception as exc:  # pypdf raises many kinds of errors for what is not a PDF
        raise UploadRefused("bad_pdf", label=policy.label) from exc
    if pages < 1:
        raise UploadRefused("no_pages", label=policy.label)


def _check_image(data: bytes, image_format: str, policy: Policy) -> None:
    """The pixel count from the header (Pillow's open reads no pixel data), then the file's integrity.
    Pillow's own bomb guard (Image.MAX_IMAGE_PIXELS) warns or raises first for huge images: both are a
    refusal here, never an error page."""
    too_many = UploadRefused("too_many_pixels", label=policy.label, megapixels=MAX_PIXELS // 1_000_000)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise too_many
                image.verify()
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many from exc
    except Exception as exc:  # decoders raise OSError, SyntaxError, ValueError, struct.error...
        raise UploadRefused("bad_image", label=policy.label) from exc
