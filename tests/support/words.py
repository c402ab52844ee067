"""The identifiers the code uses (enum values, machine states, logged action codes): none may reach a screen."""
from __future__ import annotations

import enum
import re
from html.parser import HTMLParser
from pathlib import Path

import models
from states import forms, om_visit, task, trip

# where the services write their log actions: _log(row, user, "code"), _finish(..., now, "a", "b"), log(...)
PATTERNS = (r"\b(?:_log|log)\(\w+, \w+, \"([a-z_]+)\"()",
            r"_finish\([^)]*?now, \"([a-z_]+)\"(?:, \"([a-z_]+)\")?",
            r"confirmations\.log\(\w+, \w+, \"([a-z_]+)\", \"([a-z_]+)\"")
# built at run time, so not literal in the calls above
BUILT = {"start", "join", "resume", "check_in_arrival", "check_in_departure", "sheet_saved_web", "sheet_corrected"}


def written_actions(root: Path = Path("services")) -> set[str]:
    """The action codes the services write into the logs, read from their source, and the task machine's."""
    found = set(task.TRIGGERS) | BUILT
    for path in root.rglob("*.py"):  # every package of services/, however it is grouped
        text = path.read_text(encoding="utf-8")
        found |= {code for pattern in PATTERNS for pair in re.findall(pattern, text) for code in pair if code}
    return found


def enum_values() -> set[str]:
    """Every value of the models' enums and of the machines' steps."""
    enums = [v for v in vars(models).values() if isinstance(v, type) and issubclass(v, enum.Enum)]
    enums += [trip.Step, om_visit.Step, forms.Kind]
    return {str(member.value) for cls in enums for member in cls}


def identifiers() -> set[str]:
    return enum_values() | written_actions()


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    HIDDEN = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        self._hidden -= tag in self.HIDDEN and self._hidden > 0

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


RAW = (re.compile(r"\{'|\['"), re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
       re.compile(r"(?<![A-Za-z0-9_])(?:None|True|False)(?![A-Za-z0-9_])"))


def raw_words(text: str, codes: set[str]) -> list[str]:
    """What in `text` is a code, a repr or an ISO time, with a little context."""
    found = [m for pattern in RAW for m in pattern.finditer(text)]
    words = re.finditer(r"(?<![A-Za-z0-9_.\-/])[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_\-/])", text)
    found += [m for m in words if m.group() in codes]
    return [text[max(0, m.start() - 30):m.end() + 30] for m in found]
