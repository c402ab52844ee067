"""Files as the upload forms take them: real documents that parse, built in memory."""
from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from pypdf import PdfWriter


def pdf(title: str = "document") -> bytes:
    """A one-page PDF (blank A4), titled so that two documents differ."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_archive(**members: str) -> bytes:
    """A ZIP of text files, as raw records often come."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (members or {"readme.txt": "raw records"}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def xlsx(*rows: tuple) -> bytes:
    """An Excel workbook with `rows` on its sheet."""
    book = Workbook()
    for row in rows or (("读数", 1),):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
