"""Lists to Excel (openpyxl): a title, the filters as shown on screen, then the table.

The sheet is written in openpyxl's write-only mode: rows go to a temporary file as they come, so a list of
any length is exported in bounded memory when `rows` is an iterator that reads the database in chunks."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from models import clock


def workbook(title: str, filters: Sequence[tuple[str, str]], headers: Sequence[str],
             rows: Iterable[Sequence], hidden: Sequence[int] = ()) -> bytes:
    """An .xlsx with one sheet: the title, one line per filter (label, value), the export time, the table.
    `hidden` columns (1-based) hold machine codes a reader need not see."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])  # Excel's limit on sheet names
    for index, header in enumerate(headers, 1):  # write-only sheets take their columns before any row
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(str(header)) * 2 + 4)
        sheet.column_dimensions[get_column_letter(index)].hidden = index in hidden
    header_row = len(filters) + 5  # title, 筛选条件, the filters, 导出时间, a blank line
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.append([_bold(sheet, title, size=14)])
    sheet.append(["筛选条件"])
    for label, value in filters:
        sheet.append([label, value])
    sheet.append(["导出时间", clock.fmt(clock.now())])
    sheet.append([])
    sheet.append([_bold(sheet, header) for header in headers])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, value, size: int | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True, size=size) if size else Font(bold=True)
    return cell
