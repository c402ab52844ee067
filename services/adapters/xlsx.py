"""A streaming reader of .xlsx sheets as rows of text, for imports of a city's size: openpyxl reads a cell at a
time through its object model (about 4,000 rows a second on this machine), this feeds the sheet's XML to the
standard library's expat parser straight into rows, several times faster. Values only: shared and inline strings,
numbers (an integral number reads without ".0"), booleans; formulas as their cached values; no styles."""
from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError, iterparse
from xml.parsers import expat

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
        except (ParseError, expat.ExpatError, ValueError, IndexError, KeyError) as exc:
            raise NotAWorkbook(str(exc)) from exc

    def _rows(self, stream) -> Iterator[tuple[int, list[str]]]:
        """expat's callbacks straight into rows: no element tree is built, so memory stays flat (an iterparse
        tree keeps every cleared row under the root, and the garbage collector then slows with the sheet)."""
        sheet = _SheetParser(self._shared)
        while chunk := stream.read(1 << 16):
            sheet.parser.Parse(chunk, False)
            yield from sheet.take()
        sheet.parser.Parse(b"", True)
        yield from sheet.take()

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


class _SheetParser:
    """Collects a sheet's rows as expat reports its elements: a cell's type (t), its reference (r), and the text
    of its value (v) or inline string (t)."""

    def __init__(self, shared: list[str]):
        self.shared, self.rows, self.cells = shared, [], {}
        self.number, self.column, self.kind, self.text, self.collecting = 0, 0, "n", [], False
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartElementHandler, self.parser.EndElementHandler = self.start, self.end
        self.parser.CharacterDataHandler = self.characters
        self.parser.buffer_text = True

    def take(self) -> list[tuple[int, list[str]]]:
        rows, self.rows = self.rows, []
        return rows

    def start(self, tag: str, attributes: dict) -> None:
        name = tag.rpartition("}")[2]
        if name == "c":
            self.column = _column(attributes.get("r", ""), len(self.cells))
            self.kind, self.text = attributes.get("t", "n"), []
        elif name in ("v", "t"):
            self.collecting = True
        elif name == "row":
            self.number, self.cells = int(attributes["r"]), {}

    def end(self, tag: str) -> None:
        name = tag.rpartition("}")[2]
        if name in ("v", "t"):
            self.collecting = False
        elif name == "c":
            self.cells[self.column] = _typed(self.kind, "".join(self.text), self.shared)
        elif name == "row":
            width = max(self.cells, default=-1) + 1
            self.rows.append((self.number, [self.cells.get(i, "") for i in range(width)]))

    def characters(self, data: str) -> None:
        if self.collecting:
            self.text.append(data)


def _typed(kind: str, value: str, shared: list[str]) -> str:
    if kind == "s":
        return shared[int(value)]
    if kind == "n" and value:
        number = float(value)
        return str(int(number)) if number.is_integer() else value
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    return value  # inline strings (inlineStr), formula strings (str), errors (e)


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
