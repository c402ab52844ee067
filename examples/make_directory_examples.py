"""Writes examples/directory-example.xlsx (5 polluters in 2 districts, their points and self-monitoring schemes)
and examples/directory-bad-row.xlsx (the same with one bad credit code), reproducibly:

    .venv/bin/python examples/make_directory_examples.py
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.support.directory_book import example, example_with_a_bad_row  # noqa: E402

if __name__ == "__main__":
    (HERE / "directory-example.xlsx").write_bytes(example())
    (HERE / "directory-bad-row.xlsx").write_bytes(example_with_a_bad_row())
    print("examples/directory-example.xlsx, examples/directory-bad-row.xlsx")
