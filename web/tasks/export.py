"""The task list as an Excel workbook (openpyxl): a heading with the filters, then one row per task."""
from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from models import MonitoringTask, clock
from web.tasks import texts as T

WIDTHS = (18, 36, 12, 30, 30, 16, 12, 10, 12, 12, 18, 18)


def workbook(rows: list[MonitoringTask], filters: str) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "监测任务"
    sheet.append([T.EXPORT_TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"筛选条件：{filters}"])
    sheet.append([f"导出时间：{clock.fmt(clock.now())}", f"共 {len(rows)} 条"])
    sheet.append([])
    sheet.append(list(T.EXPORT_HEADERS))
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    for task in rows:
        sheet.append(_line(task))
    for column, width in zip("ABCDEFGHIJKL", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _line(task: MonitoringTask) -> list:
    return [task.code, task.name, task.category, task.polluter.name, task.address or "",
            task.contract.code if task.contract else "", T.SAMPLING_NEEDED[task.sampling_needed],
            T.YES_NO[task.analysis_needed], T.status_name(task.status), len(task.visits),
            clock.fmt(task.created_at), task.report_number or ""]
