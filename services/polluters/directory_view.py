"""How a directory entry's values read to a person (labels and texts in Chinese): the import's change report,
the change log and the admin pages all show them so, and two values are the same when they read the same."""
from __future__ import annotations

from services.polluters.directory_file import POINT_KINDS, POINTS, POLLUTERS, SCHEME, frequency_text
from services.texts.names import SCHEME_MODE_NAMES

LABELS = {
    POLLUTERS: {"name": "单位名称", "district": "所在区", "address": "地址", "industry": "行业类别",
                "latitude": "纬度（GCJ-02）", "longitude": "经度（GCJ-02）", "fence_radius_m": "围栏半径（米）"},
    POINTS: {"name": "点位名称", "kind": "点位类型", "latitude": "纬度（GCJ-02）", "longitude": "经度（GCJ-02）"},
    SCHEME: {"method_standard": "方法标准", "sampling": "采样方式"},
}
KIND_NAMES = {kind: name for name, kind in reversed(POINT_KINDS.items())}  # "废气" wins over "有组织废气"


def shown(sheet: str, values: dict) -> dict[str, str]:
    """{label: text} of the given stored values of one row of `sheet`."""
    texts = {LABELS[sheet][c]: _text(c, v) for c, v in values.items() if c in LABELS[sheet]}
    if "times" in values:
        texts["监测频次"] = frequency_text(values["times"], values["period"])
    return texts


def differences(sheet: str, old: dict, new: dict) -> list[tuple[str, str, str]]:
    """(label, old text, new text) of each value of `new` that reads differently in `old`."""
    before, after = shown(sheet, {c: old[c] for c in new}), shown(sheet, new)
    return [(label, before[label], text) for label, text in after.items() if before[label] != text]


def _text(column: str, value) -> str:
    if value is None:
        return ""
    if column in ("latitude", "longitude"):
        return f"{value:.7f}"
    if column == "kind":
        return KIND_NAMES[value]
    if column == "sampling":
        return SCHEME_MODE_NAMES[bool(value)]
    return str(value)
