"""Reading a city's export of its polluter directory (名录库): an .xlsx with three sheets — 排污单位, 监测点位 and
自行监测方案 — each with a header row naming its columns (in any order). Every row is checked on its own here
(no database): a bad row becomes a `Rejection` with its sheet, row number and reason in Chinese; the good ones
become `Row`s keyed by credit code (and point code, and factor), their values as the columns they are stored in,
coordinates converted to the directory's datum (GCJ-02, services/adapters/geo.py)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from models import Period, PointKind
from services.adapters import geo
from services.adapters.xlsx import NotAWorkbook, Workbook
from services.core.refusal import Refusal
from services.filing import credit_codes
from services.texts.names import SCHEME_MODE_NAMES
from services.texts.refusals import say

POLLUTERS, POINTS, SCHEME = "排污单位", "监测点位", "自行监测方案"
# sheet -> {field: column header}; the headers a city's export is asked to carry
HEADERS = {
    POLLUTERS: {"credit_code": "统一社会信用代码", "name": "单位名称", "district": "所在区", "address": "地址",
                "industry": "行业类别", "longitude": "经度", "latitude": "纬度", "datum": "坐标系",
                "fence_radius_m": "围栏半径（米）"},
    POINTS: {"credit_code": "统一社会信用代码", "code": "点位编号", "name": "点位名称", "kind": "点位类型",
             "longitude": "经度", "latitude": "纬度", "datum": "坐标系"},
    SCHEME: {"credit_code": "统一社会信用代码", "point_code": "点位编号", "factor": "监测因子",
             "frequency": "监测频次", "method_standard": "方法标准", "mode": "采样方式"},
}
OPTIONAL = {"industry", "longitude", "latitude", "datum", "fence_radius_m"}
DATUMS = {"WGS-84": "WGS-84", "WGS84": "WGS-84", "GCJ-02": "GCJ-02", "GCJ02": "GCJ-02"}
POINT_KINDS = {"废水": PointKind.WASTEWATER, "废气": PointKind.FLUE_GAS, "有组织废气": PointKind.FLUE_GAS,
               "无组织废气": PointKind.FUGITIVE, "噪声": PointKind.NOISE}
PERIODS = {"日": Period.DAY, "天": Period.DAY, "周": Period.WEEK, "月": Period.MONTH, "季度": Period.QUARTER,
           "季": Period.QUARTER, "半年": Period.HALF_YEAR, "年": Period.YEAR}
PERIOD_NAMES = {Period.DAY: "日", Period.WEEK: "周", Period.MONTH: "月", Period.QUARTER: "季度",
                Period.HALF_YEAR: "半年", Period.YEAR: "年"}
MODES = {name: sampling for sampling, name in SCHEME_MODE_NAMES.items()}
FREQUENCY = re.compile(r"^(\d{1,3})\s*次\s*/\s*(\S+)$")
MAX_LENGTH = {"name": 200, "district": 32, "address": 255, "industry": 100, "code": 32, "point_code": 32,
              "factor": 64, "method_standard": 200}
MAX_FENCE_M = 10_000


class FileRefused(Refusal):
    """The file as a whole cannot be read: unreadable (not an .xlsx) | sheet_missing | column_missing."""

    domain = "directory_file"


class RowProblem(Refusal):
    """Why one row (or the admin's correction of an entry) is rejected."""

    domain = "directory_row"


@dataclass(frozen=True)
class Rejection:
    sheet: str
    row: int
    problem: RowProblem

    @property
    def reason(self) -> str:
        """In the catalogue's words: the report is read on the command line and on the admin's page alike."""
        return say(self.problem)


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int
    key: tuple[str, ...]
    values: dict


@dataclass
class Directory:
    rows: dict[str, list[Row]]
    rejections: list[Rejection]
    # the keys that rejected rows name: their points and scheme items are not rejected a second time for them
    rejected_keys: set[tuple[str, ...]]


def read(data: bytes) -> Directory:
    """Every row of the three sheets, checked; duplicate keys within the file are rejected (all but the first)."""
    book = _open(data)
    directory = Directory(rows={}, rejections=[], rejected_keys=set())
    for sheet, parse in ((POLLUTERS, polluter_values), (POINTS, _point), (SCHEME, _scheme_item)):
        directory.rows[sheet] = _checked(sheet, _records(book, sheet), parse, directory)
    return directory


def polluter_values(raw: dict[str, str]) -> tuple[tuple[str, ...], dict]:
    """A polluter's key and stored values from its raw fields (also the admin's correction form)."""
    code = _credit_code(raw)
    values = {field: _text(raw, field) for field in ("name", "district", "address")}
    values["industry"] = _text(raw, "industry", required=False)
    position = _position(raw)
    if position is None:
        raise RowProblem("missing", what="经纬度")
    values["latitude"], values["longitude"] = position
    values["fence_radius_m"] = _fence(raw.get("fence_radius_m", ""))
    return (code,), values


def frequency_text(times: int, period: str) -> str:
    return f"{times}次/{PERIOD_NAMES[Period(period)]}"


def _point(raw: dict[str, str]) -> tuple[tuple[str, ...], dict]:
    code, point_code = _credit_code(raw), _text(raw, "code")
    values = {"name": _text(raw, "name"), "kind": _choice(raw, "kind", POINT_KINDS, "点位类型")}
    position = _position(raw)
    values["latitude"], values["longitude"] = position if position else (None, None)  # None: not given, kept
    return (code, point_code), values


def _scheme_item(raw: dict[str, str]) -> tuple[tuple[str, ...], dict]:
    key = (_credit_code(raw), _text(raw, "point_code"), _text(raw, "factor"))
    times, period = _frequency(raw.get("frequency", ""))
    values = {"times": times, "period": period, "method_standard": _text(raw, "method_standard"),
              "sampling": _choice(raw, "mode", MODES, "采样方式")}
    return key, values


def _open(data: bytes) -> Workbook:
    try:
        return Workbook(data)
    except NotAWorkbook as exc:
        raise FileRefused("unreadable") from exc


def _records(book: Workbook, sheet: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as Excel shows it, {field: text}) of every non-empty row below the header."""
    if sheet not in book.sheets:
        raise FileRefused("sheet_missing", sheet=sheet, sheets="、".join(HEADERS))
    try:
        rows = book.rows(sheet)
        _number, header = next(rows, (1, []))
        header = [h.strip() for h in header]
        columns = {}
        for field, title in HEADERS[sheet].items():
            if title in header:
                columns[field] = header.index(title)
            elif field not in OPTIONAL:
                raise FileRefused("column_missing", sheet=sheet, column=title)
        for number, cells in rows:
            raw = {f: cells[i].strip() if i < len(cells) else "" for f, i in columns.items()}
            if any(raw.values()):
                yield number, raw
    except NotAWorkbook as exc:
        raise FileRefused("unreadable") from exc


def _checked(sheet: str, records, parse: Callable, directory: Directory) -> list[Row]:
    rows, first_row, rejections = [], {}, directory.rejections
    for number, raw in records:
        try:
            key, values = parse(raw)
        except RowProblem as problem:
            rejections.append(Rejection(sheet, number, problem))
            directory.rejected_keys.add(tuple(raw.get(f, "").upper() for f in ("credit_code", "code") if f in raw))
            continue
        if key in first_row:
            rejections.append(Rejection(sheet, number, RowProblem("duplicate", first=first_row[key],
                                                                  key=" / ".join(key))))
            continue
        first_row[key] = number
        rows.append(Row(sheet, number, key, values))
    return rows


def _text(raw: dict[str, str], field: str, required: bool = True) -> str | None:
    value = raw.get(field, "")
    if not value:
        if required:
            raise RowProblem("missing", what=_title(field))
        return None
    if len(value) > MAX_LENGTH[field]:
        raise RowProblem("too_long", what=_title(field), most=MAX_LENGTH[field])
    return value


def _title(field: str) -> str:
    return next(h[field] for h in HEADERS.values() if field in h)


def _credit_code(raw: dict[str, str]) -> str:
    code = raw.get("credit_code", "").upper()
    if not code:
        raise RowProblem("missing", what="统一社会信用代码")
    invalid = credit_codes.problem(code)
    if invalid:
        raise RowProblem("credit_code", invalid=invalid)
    return code


def _choice(raw: dict[str, str], field: str, choices: dict, title: str):
    value = raw.get(field, "")
    if value not in choices:
        raise RowProblem("unknown_choice", what=title, value=value, choices="、".join(choices)) if value else \
            RowProblem("missing", what=title)
    return choices[value]


def _position(raw: dict[str, str]) -> tuple[float, float] | None:
    """(latitude, longitude) in GCJ-02, rounded to 1e-7° (a centimetre) so re-imports compare equal; None when
    the row gives no coordinates."""
    lat_text, lon_text, datum_text = raw.get("latitude", ""), raw.get("longitude", ""), raw.get("datum", "")
    if not lat_text and not lon_text:
        return None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise RowProblem("position_not_number") from None
    if not geo.in_china(lat, lon):
        raise RowProblem("outside_china", lat=lat_text, lon=lon_text)
    datum = DATUMS.get(datum_text.upper().replace(" ", ""))
    if datum is None:
        raise RowProblem("unknown_datum", value=datum_text) if datum_text else RowProblem("datum_missing")
    if datum == "WGS-84":
        lat, lon = geo.wgs84_to_gcj02(lat, lon)
    return round(lat, 7), round(lon, 7)


def _fence(text: str) -> int:
    if not text:
        return 300  # the system's default fence
    if not text.isdigit() or not 1 <= int(text) <= MAX_FENCE_M:
        raise RowProblem("bad_fence", most=MAX_FENCE_M, value=text)
    return int(text)


def _frequency(text: str) -> tuple[int, Period]:
    match = FREQUENCY.match(text.replace("／", "/"))
    period = PERIODS.get(match.group(2)) if match else None
    if period is None or int(match.group(1)) < 1:
        raise RowProblem("unknown_frequency", value=text) if text else RowProblem("missing", what="监测频次")
    return int(match.group(1)), period
