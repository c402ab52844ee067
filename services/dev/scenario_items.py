"""The fields of a scenario file read one at a time, each problem naming where it is (e.g. visits[1].crew[0]), in
Chinese and English: shared by services/dev/scenario_file.py (the sections) and services/dev/scenario_work_file.py (what
happened on a visit). No database here.
"""
from __future__ import annotations

import re
from datetime import date, time, timedelta

from models import clock

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
RELATIVE_DAY = re.compile(r"^today([+-]\d{1,3})?$")


class ScenarioProblem(ValueError):
    """What is wrong in a scenario file, and where (`path`, e.g. visits[1].crew[0])."""

    def __init__(self, path: str, chinese: str, english: str):
        super().__init__(f"{path}: {english}")
        self.path, self.chinese, self.english = path, f"{path}：{chinese}", f"{path}: {english}"


class Item:
    """One object of the file, with its path for the messages."""

    def __init__(self, value, path: str):
        if not isinstance(value, dict):
            raise ScenarioProblem(path, "应为 JSON 对象", "must be a JSON object")
        self.value, self.path = value, path

    def at(self, name: str) -> str:
        return f"{self.path}.{name}"

    def present(self, name: str) -> bool:
        return self.value.get(name) is not None

    def text(self, name: str, required: bool = True, max_length: int = 200) -> str | None:
        value = self.value.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ScenarioProblem(self.at(name), "缺少或不是文字", "missing or not a non-empty string")
        if len(value) > max_length:
            raise ScenarioProblem(self.at(name), f"超过 {max_length} 个字", f"longer than {max_length} characters")
        return value.strip()

    def key(self, name: str = "key") -> str:
        value = self.text(name)
        if not KEY.match(value):
            raise ScenarioProblem(self.at(name), "只能包含字母、数字、下划线、点和连字符（不超过 64 个字符）",
                                  "only letters, digits, '_', '.' and '-' (at most 64 characters)")
        return value

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self.value.get(name)
        if value not in choices:
            shown = " | ".join(choices)
            raise ScenarioProblem(self.at(name), f"应为 {shown} 之一", f"must be one of {shown}")
        return value

    def number(self, name: str, low: float, high: float, required: bool = True) -> float | None:
        value = self.value.get(name)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ScenarioProblem(self.at(name), f"应为 {low}～{high} 之间的数字",
                                  f"must be a number from {low} to {high}")
        return float(value)

    def items(self, name: str, required: bool = True) -> list:
        value = self.value.get(name)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise ScenarioProblem(self.at(name), "应为列表", "must be a list")
        return value

    def texts(self, name: str, required: bool = True) -> list[str]:
        values = self.items(name, required)
        for n, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise ScenarioProblem(f"{self.at(name)}[{n}]", "应为文字", "must be a non-empty string")
        return [v.strip() for v in values]

    def day(self, name: str) -> date:
        value = self.value.get(name)
        relative = RELATIVE_DAY.match(value) if isinstance(value, str) else None
        if relative:
            return clock.today() + timedelta(days=int(relative.group(1) or 0))
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ScenarioProblem(self.at(name), "应为日期，如 2026-11-20、today 或 today+1",
                                  "must be a date such as 2026-11-20, today or today+1") from None

    def clock_time(self, name: str) -> time:
        value = self.value.get(name)
        try:
            return time.fromisoformat(value)
        except (TypeError, ValueError):
            raise ScenarioProblem(self.at(name), "应为时刻，如 09:00", "must be a time of day such as 09:00") from None


