"""Helpers of the report tests: the command line, plain CSV reading, a reader for the HTML the reports produce."""

from __future__ import annotations

import csv
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ABITARE = [sys.executable, "-m", "abitare.cli"]


def abitare(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command line, as staff run it."""
    return subprocess.run([*ABITARE, *args], capture_output=True, text=True, env=env, timeout=600)


def read_csv(path: Path) -> list[dict[str, str]]:
    """A shipped-format CSV read with the standard library only (for independent expectations)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def number(text: str) -> float:
    return float(text.replace(",", ".")) if text else 0.0


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._in_caption = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
            self.tables.setdefault(self._caption or "", [])
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._caption is not None:
                self.tables.setdefault(self._caption, []).append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption = (self._caption or "") + data
        elif self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> dict[str, dict[str, list[str]]]:
    """Tables by caption; each row by its first cell."""
    parser = _Tables()
    parser.feed(html)
    return {caption: {row[0]: row[1:] for row in rows if row} for caption, rows in parser.tables.items()}
