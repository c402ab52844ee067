"""A streaming reader of .xlsx sheets as rows of text, for imports of a city's size: openpyxl reads a
cell at a time through its object model (about 4,000 rows a second on this machine), this reads the sheet's XML
with the standard library's expat parser, an order of magnitude faster. Values only: shared and inline strings,
numbers (an integral number reads without ".0"), booleans; no styles, formulas' cached values as they are."""
from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError, iterparse

RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class NotAWorkbook(Exception):
    """The bytes are not a readable .xlsx."""


class Workbook:
    def __init__(self, data: bytes):
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self.sheets = self._sheet_paths()
            self._shared = self._shared_strings()
        except (zipfile.BadZipFile, KeyError, ParseError, ValueError) as exc:
            raise NotAWorkbook(str(exc)) from exc

    def rows(self, sheet: str) -> Iterator[tuple[int, list[str]]]:
        """(row number as Excel shows it, the cells' texts from column A) of every row the sheet stores."""
        try:
            with self._zip.open(self.sheets[sheet]) as stream:
                yield from self._rows(stream)
        except (ParseError, ValueError, IndexError) as exc:
            raise NotAWorkbook(str(exc)) from exc

    def _rows(self, stream) -> Iterator[tuple[int, list[str]]]:
        cells: dict[int, str] = {}
        names = None
        for _event, element in iterparse(stream):
            tag = element.tag
            if names is None:  # the namespace, learnt from the first cell or row: full tags compare fast
                if _local(tag) not in ("c", "row"):
                    continue
                names = _Names(tag)
            if tag == names.cell:
                cells[_column(element.get("r", ""), len(cells))] = self._value(element, names)
                element.clear()
            elif tag == names.row:
                width = max(cells, default=-1) + 1
                yield int(element.get("r")), [cells.get(i, "") for i in range(width)]
                cells = {}
                element.clear()

    def _value(self, cell, names: _Names) -> str:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return "".join(t.text or "" for t in cell.iter(names.text))
        found = cell.find(names.value)
        value = "" if found is None else found.text or ""
        if kind == "s":
            return self._shared[int(value)]
        if kind == "n" and value:
            number = float(value)
            return str(int(number)) if number.is_integer() else value
        if kind == "b":
            return "TRUE" if value == "1" else "FALSE"
        return value

    def _sheet_paths(self) -> dict[str, str]:
        targets = {rel.get("Id"): rel.get("Target") for rel in self._elements("xl/_rels/workbook.xml.rels")
                   if _local(rel.tag) == "Relationship"}
        paths = {}
        for sheet in self._elements("xl/workbook.xml"):
            if _local(sheet.tag) == "sheet":
                target = targets[sheet.get(RELATIONSHIP)]
                paths[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath(posixpath.join("xl", target))
        return paths

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self._zip.namelist():
            return []
        strings = []
        for item in self._elements("xl/sharedStrings.xml"):
            if _local(item.tag) == "si":  # rich text runs joined; phonetic guides (rPh) left out
                strings.append("".join(t.text or "" for t in item.iter() if _local(t.tag) == "t"
                                       and not _in_phonetic(item, t)))
        return strings

    def _elements(self, path: str):
        with self._zip.open(path) as stream:
            return [element for _event, element in iterparse(stream)]


class _Names:
    """The full tags of a sheet's cells, rows, values and texts, in the namespace of the sheet's root."""

    def __init__(self, tag: str):
        namespace = tag[:tag.index("}") + 1] if tag.startswith("{") else ""
        self.cell, self.row = namespace + "c", namespace + "row"
        self.value, self.text = namespace + "v", namespace + "t"


def _in_phonetic(item, text) -> bool:
    return any(text in list(run.iter()) for run in item if _local(run.tag) == "rPh")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column(reference: str, fallback: int) -> int:
    """0 for "A1", 27 for "AB7"; a cell without a reference follows the one before it."""
    letters = reference.rstrip("0123456789")
    if not letters:
        return fallback
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1
