import io

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook

from services.adapters.xlsx import NotAWorkbook, Workbook


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_rows_of_a_workbook_as_excel_saves_it_keep_their_numbers_and_texts():
    book = OpenpyxlWorkbook()  # the normal mode writes shared strings, as Excel does
    sheet = book.active
    sheet.title = "排污单位"
    sheet.append(["统一社会信用代码", "经度", "围栏半径（米）"])
    sheet["A4"], sheet["C4"], sheet["B4"] = "91350100M000100Y43", 300, 121.4012
    sheet["D5"] = True
    second = book.create_sheet("监测点位")
    second.append(["点位编号"])
    rows = list(Workbook(_saved(book)).rows("排污单位"))
    assert rows == [(1, ["统一社会信用代码", "经度", "围栏半径（米）"]),
                    (4, ["91350100M000100Y43", "121.4012", "300"]), (5, ["", "", "", "TRUE"])]
    assert list(Workbook(_saved(book)).rows("监测点位")) == [(1, ["点位编号"])]


def test_something_else_is_not_a_workbook():
    with pytest.raises(NotAWorkbook):
        Workbook(b"PK\x03\x04 not really a zip")
