"""The form engine: one declarative definition drives the chat Q&A (and later the web form and exports).

A form is a tuple of `Field`s. Answers are a dict filled in field order, so the chat cursor is simply the
first applicable field without an answer; a skipped optional field is stored as None.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from models import clock  # a leaf module (standard library only): the one source of time


class Kind(StrEnum):
    NUMBER = "number"
    CHOICE = "choice"
    TEXT = "text"
    DATE = "date"
    TIME = "time"


class FieldError(ValueError):
    """A user-facing (Chinese) reason why an answer does not fit the field."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = True
    # required only in a case the form checks itself (e.g. "租赁车辆"): shown instead of “选填”
    required_when: str = ""
    help: str = ""
    # the field is asked only when the context has one of these tags (e.g. a flue-gas point on the visit)
    only_for: frozenset[str] = field(default_factory=frozenset)
    max_length: int = 200

    def applies(self, tags: frozenset[str]) -> bool:
        return not self.only_for or bool(self.only_for & tags)

    @property
    def optional_note(self) -> str:
        """How a form says the field may be left empty: “选填”, or when it is needed after all."""
        if self.required:
            return ""
        return f"{self.required_when}必填" if self.required_when else "选填"


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    fields: tuple[Field, ...]

    def applicable(self, tags: frozenset[str]) -> list[Field]:
        return [f for f in self.fields if f.applies(tags)]

    def get(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


SKIP_WORDS = {"跳过", "略过", "skip"}
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?")


def normalise(text: str) -> str:
    """Full-width digits and punctuation (common on Chinese keyboards) folded to ASCII, spaces trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def parse(f: Field, raw: str) -> Any:
    """The value of `raw` for field `f`, or FieldError with what is expected."""
    text = normalise(raw)
    if text.lower() in SKIP_WORDS:
        if f.required:
            raise FieldError(f"「{f.label}」为必填项，不能跳过。")
        return None
    if not text:
        raise FieldError(expectation(f))
    return _PARSERS[f.kind](f, text)


def _parse_number(f: Field, text: str) -> float | int:
    match = _NUMBER.match(text.replace(",", ""))
    rest = text[match.end():].strip() if match else text
    if not match or (rest and rest not in {f.unit, f.unit.replace("°", "")} and rest != "%"):
        raise FieldError(expectation(f))
    value = float(match.group())
    if (f.min is not None and value < f.min) or (f.max is not None and value > f.max):
        raise FieldError(expectation(f))
    return int(value) if value.is_integer() else value


def _parse_choice(f: Field, text: str) -> str:
    if text.isdigit() and 1 <= int(text) <= len(f.choices):
        return f.choices[int(text) - 1]
    for choice in f.choices:  # typed text is normalised (full-width folded): compare like with like
        if text == normalise(choice):
            return choice
    raise FieldError(expectation(f))


def _parse_text(f: Field, text: str) -> str:
    if len(text) > f.max_length:
        raise FieldError(f"内容过长，请不超过 {f.max_length} 个字。")
    return text


def _parse_date(f: Field, text: str) -> str:
    if text in {"今天", "今日"}:
        return clock.today().isoformat()  # China's today, as the user means it
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise FieldError(expectation(f))


def _parse_time(f: Field, text: str) -> str:
    for pattern in ("%H:%M", "%H%M", "%H.%M"):
        try:
            return datetime.strptime(text.replace("：", ":"), pattern).time().strftime("%H:%M")
        except ValueError:
            continue
    raise FieldError(expectation(f))


_PARSERS = {
    Kind.NUMBER: _parse_number,
    Kind.CHOICE: _parse_choice,
    Kind.TEXT: _parse_text,
    Kind.DATE: _parse_date,
    Kind.TIME: _parse_time,
}


def expectation(f: Field) -> str:
    """What a valid answer to `f` looks like, in Chinese."""
    if f.kind == Kind.NUMBER:
        unit = f"（单位：{f.unit}）" if f.unit else ""
        return f"请输入 {_fmt(f.min)}～{_fmt(f.max)} 之间的数字{unit}。"
    if f.kind == Kind.CHOICE:
        return "请回复选项前的数字：\n" + "\n".join(f"{i}. {c}" for i, c in enumerate(f.choices, 1))
    if f.kind == Kind.DATE:
        return "请输入日期，例如 2024-06-01，或回复“今天”。"
    if f.kind == Kind.TIME:
        return "请输入时间，例如 09:30。"
    return "请输入文字内容。"


def _fmt(value: float | None) -> str:
    if value is None:
        return "…"
    return str(int(value)) if float(value).is_integer() else str(value)


def display(f: Field, value: Any) -> str:
    if value is None:
        return "（未填）"
    if f.kind == Kind.NUMBER and f.unit:
        return f"{value} {f.unit}"
    return str(value)


# --- chat cursor over an answers dict -------------------------------------------------------------

def current_field(form: Form, answers: dict, tags: frozenset[str]) -> Field | None:
    return next((f for f in form.applicable(tags) if f.name not in answers), None)


def answer(form: Form, answers: dict, tags: frozenset[str], raw: str) -> dict:
    """A new answers dict with the current field answered; FieldError when the answer does not fit."""
    f = current_field(form, answers, tags)
    if f is None:
        return answers
    return {**answers, f.name: parse(f, raw)}


def back(form: Form, answers: dict, tags: frozenset[str], prefilled: dict | None = None) -> dict | None:
    """Answers with the last answered field removed, or None when nothing has been answered yet.
    Fields still holding their `prefilled` value were not asked, so going back passes over them."""
    prefilled = prefilled or {}
    answered = [f for f in form.applicable(tags) if f.name in answers
                and not (f.name in prefilled and answers[f.name] == prefilled[f.name])]
    if not answered:
        return None
    return {k: v for k, v in answers.items() if k != answered[-1].name}


def question(form: Form, f: Field, tags: frozenset[str]) -> str:
    fields = form.applicable(tags)
    position = fields.index(f) + 1
    optional = "" if f.required else f"（{f.optional_note}，可回复“跳过”）"
    lines = [f"【{form.title} {position}/{len(fields)}】{f.label}{optional}"]
    if f.help:
        lines.append(f.help)
    lines.append(expectation(f))
    return "\n".join(lines)


def summary(form: Form, answers: dict, tags: frozenset[str], separator: str = "\n",
            filled_only: bool = False) -> str:
    fields = [f for f in form.applicable(tags) if not filled_only or answers.get(f.name) is not None]
    return separator.join(f"{f.label}：{display(f, answers.get(f.name))}" for f in fields)


def time_of(value: str) -> time:
    """The `time` of a TIME field's stored value."""
    return datetime.strptime(value, "%H:%M").time()
