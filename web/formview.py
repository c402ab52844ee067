"""A form definition (states/forms.py) as HTML inputs, and the posted values parsed back by the form engine.

The definition that drives a chat Q&A drives the web form too: a view builds `widgets(...)` and includes
"formview/_fields.html" inside its own <form>; on POST `parse_posted(...)` returns the answers and the
errors per field, in the engine's words.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from models import clock
from states import forms
from states.forms import Kind

PREFIX = "f_"
# which input each kind of field becomes; numbers stay text so a unit typed after the value is accepted
INPUTS = {Kind.NUMBER: "number", Kind.CHOICE: "select", Kind.TEXT: "text", Kind.DATE: "date", Kind.TIME: "time"}
LONG_TEXT = 200  # text fields allowed this many characters or more get a textarea


@dataclass(frozen=True)
class Widget:
    field: forms.Field
    name: str
    value: str
    error: str | None

    @property
    def input(self) -> str:
        if self.field.kind == Kind.TEXT and self.field.max_length >= LONG_TEXT:
            return "textarea"
        return INPUTS[self.field.kind]

    @property
    def placeholder(self) -> str:
        if self.field.kind == Kind.NUMBER:
            return forms.expectation(self.field).removeprefix("请输入 ").rstrip("。")
        return ""


def widgets(form: forms.Form, tags: frozenset[str] = frozenset(), answers: Mapping | None = None,
            typed: Mapping | None = None, errors: Mapping | None = None) -> list[Widget]:
    """The form's applicable fields, showing what was typed (after a refusal) or else the stored answers."""
    answers, errors = answers or {}, errors or {}
    widgets_ = []
    for f in form.applicable(tags):
        if typed is not None:
            value = typed.get(PREFIX + f.name, "")
        else:
            stored = answers.get(f.name)
            value = "" if stored is None else str(stored)
        widgets_.append(Widget(f, PREFIX + f.name, value, errors.get(f.name)))
    return widgets_


def parse_posted(form: forms.Form, tags: frozenset[str], posted: Mapping) -> tuple[dict, dict[str, str]]:
    """(answers, errors by field name) from a posted form; an empty optional field is stored as None."""
    answers: dict = {}
    errors: dict[str, str] = {}
    for f in form.applicable(tags):
        raw = forms.normalise(posted.get(PREFIX + f.name, ""))
        if not raw:
            if f.required:
                errors[f.name] = f"「{f.label}」为必填项。"
            else:
                answers[f.name] = None
            continue
        try:
            answers[f.name] = forms.parse(f, raw)
        except forms.FieldError as error:
            errors[f.name] = str(error)
    return answers, errors


LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # <input type="datetime-local">, in Shanghai time


def local_datetime(raw: str) -> datetime:
    """A posted datetime-local value as an aware moment; ValueError when it cannot be read."""
    return datetime.strptime(raw.strip(), LOCAL_INPUT).replace(tzinfo=clock.LOCAL)


def local_input(moment: datetime | None) -> str:
    """A stored moment as a datetime-local input's value."""
    return clock.local(moment).strftime(LOCAL_INPUT) if moment else ""
