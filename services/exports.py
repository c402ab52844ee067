"""Lists to Excel (openpyxl): a title, the filters as shown on screen, then the table."""
from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from models import clock


def workbook(title: str, filters: Sequence[tuple[str, str]], headers: Sequence[str],
             rows: Sequence[Sequence], hidden: Sequence[int] = ()) -> bytes:
    """An .xlsx with one sheet: the title, one line per filter (label, value), the export time, the table.
    `hidden` columns (1-based) hold machine codes a reader need not see."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit on sheet names
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["筛选条件"])
    for label, value in filters:
        sheet.append([label, value])
    sheet.append(["导出时间", clock.fmt(clock.now())])
    sheet.append([])
    sheet.append(list(headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for index, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(str(header)) * 2 + 4)
        sheet.column_dimensions[get_column_letter(index)].hidden = index in hidden
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
