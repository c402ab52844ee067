"""Directory workbooks as a city would export them (services/polluters/directory_file.py reads them): the shipped examples
(examples/make_directory_examples.py), the tests' variations and the benchmark's 10,000 polluters."""
from __future__ import annotations

import io

from openpyxl import Workbook

from services.filing.credit_codes import check_character
from services.polluters.directory_file import HEADERS, POINTS, POLLUTERS, SCHEME

POLLUTER_COLUMNS = list(HEADERS[POLLUTERS].values())
POINT_COLUMNS = list(HEADERS[POINTS].values())
SCHEME_COLUMNS = list(HEADERS[SCHEME].values())


def credit_code(serial: int, region: str = "310116") -> str:
    """A valid unified social credit code (企业, 91) of `region` with a made-up body numbered `serial`."""
    body = f"91{region}MA{serial:07d}"
    return body + check_character(body)


def book(polluters: list[list], points: list[list], scheme: list[list]) -> bytes:
    """An .xlsx of the three sheets, rows in the order of HEADERS' columns; a write-only workbook, so the
    benchmark's 10,000 polluters stay light."""
    workbook = Workbook(write_only=True)
    for title, columns, rows in ((POLLUTERS, POLLUTER_COLUMNS, polluters), (POINTS, POINT_COLUMNS, points),
                                 (SCHEME, SCHEME_COLUMNS, scheme)):
        sheet = workbook.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# five polluters in two districts (金山区, 奉贤区): WGS-84 and GCJ-02 coordinates both appear
EXAMPLE_POLLUTERS = [
    [credit_code(1), "上海金申化工有限公司", "金山区", "金山区漕泾镇月工路 88 号", "化学原料和化学制品制造业",
     121.4012, 30.7821, "WGS-84", 300],
    [credit_code(2), "上海金港印染有限公司", "金山区", "金山区山阳镇亭卫公路 1200 号", "纺织业",
     121.3418, 30.7265, "GCJ-02", 200],
    [credit_code(3), "上海枫泾食品有限公司", "金山区", "金山区枫泾镇朱枫公路 3500 号", "食品制造业",
     121.0125, 30.8911, "GCJ-02", ""],
    [credit_code(4, "310120"), "上海奉浦电镀有限公司", "奉贤区", "奉贤区奉浦工业区环城东路 66 号", "金属制品业",
     121.4902, 30.9263, "WGS-84", 300],
    [credit_code(5, "310120"), "上海海湾热电有限公司", "奉贤区", "奉贤区海湾镇海兴路 501 号",
     "电力、热力生产和供应业", 121.5551, 30.8454, "GCJ-02", 500],
]
_KINDS = {"DW": ("废水总排口", "废水"), "DA": ("废气排放口", "废气")}
_FACTORS = {"DW": [("化学需氧量", "1次/月", "HJ 828-2017", "采样"), ("氨氮", "1次/月", "HJ 535-2009", "采样"),
                   ("pH值", "1次/季度", "HJ 1147-2020", "仅分析")],
            "DA": [("二氧化硫", "1次/季度", "HJ 57-2017", "采样"), ("氮氧化物", "1次/季度", "HJ 693-2014", "采样"),
                   ("颗粒物", "2次/年", "HJ 836-2017", "采样")]}


def example_points() -> list[list]:
    rows = []
    for polluter in EXAMPLE_POLLUTERS:
        for prefix, (name, kind) in _KINDS.items():
            lat_lon = [polluter[5] + 0.0004, polluter[6] - 0.0003, "GCJ-02"] if prefix == "DW" else ["", "", ""]
            rows.append([polluter[0], f"{prefix}001", name, kind, *lat_lon])
    return rows


def example_scheme() -> list[list]:
    return [[point[0], point[1], *factor] for point in example_points() for factor in _FACTORS[point[1][:2]]]


def example() -> bytes:
    return book(EXAMPLE_POLLUTERS, example_points(), example_scheme())


def example_with_a_bad_row() -> bytes:
    """The example and a sixth polluter whose credit code has a wrong check character."""
    code = credit_code(6, "310120")
    bad = [code[:17] + ("0" if code[17] != "0" else "1"), "上海错码化工有限公司", "奉贤区", "奉贤区星火开发区 9 号",
           "化学原料和化学制品制造业", 121.6001, 30.8802, "GCJ-02", 300]
    return book([*EXAMPLE_POLLUTERS, bad], example_points(), example_scheme())
