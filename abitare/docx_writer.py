"""A document template's Markdown, already parsed, written as a Word file (python-docx).

Only what templates may contain (see :mod:`abitare.templates`): headings, paragraphs
with bold, italic and line breaks, bullet and numbered lists (nested up to three
levels), and tables whose header row is bold. ``fill`` turns the text of the
template into the text of the document (the fields' values go in here, as plain
text runs, so nothing typed by a user is ever read as markup).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph
    from markdown_it.token import Token

__all__ = ["write_docx"]

COMMENT = "Modello del corso sulla gestione sociale dell'abitare (Ambito Sud Est Milano)"


def write_docx(title: str, tokens: list[Token], fill: Callable[[str], str], author: str = "") -> bytes:
    """The bytes of a DOCX file: ``title`` as its first heading, then the tokens."""
    from docx import Document

    doc = Document()
    _set_properties(doc, title, author)
    doc.add_heading(title, level=1)
    _DocxWriter(doc, fill).write(tokens)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _set_properties(doc: DocxDocument, title: str, author: str) -> None:
    """Title, author (only the name typed, never the program's), Italian as the language."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = doc.core_properties
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.comments = COMMENT
    props.language = "it-IT"
    props.created = now
    props.modified = now
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is not None:  # spelling checked as Italian in Word and LibreOffice
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "it-IT")


class _DocxWriter:
    """Walks the Markdown tokens of a template and writes the matching Word paragraphs."""

    def __init__(self, doc: DocxDocument, fill: Callable[[str], str]) -> None:
        self.doc = doc
        self.fill = fill
        self.lists: list[list[Any]] = []  # per open list: [kind, next number]
        self.item_started = False

    def write(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == "heading_open":
                paragraph = self.doc.add_heading(level=int(token.tag[1]))
                self.runs(paragraph, tokens[i + 1])
                i += 3
                continue
            if kind == "table_open":
                end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
                self.table(tokens[i:end])
                i = end + 1
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrGet("start") or 1)
                self.lists.append(["bullet" if kind.startswith("bullet") else "number", start])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.item_started = True
            elif kind == "paragraph_open":
                self.runs(self.paragraph(), tokens[i + 1])
                i += 3
                continue
            i += 1

    def paragraph(self) -> Paragraph:
        if not self.lists:
            return self.doc.add_paragraph()
        depth = min(len(self.lists), 3)
        suffix = "" if depth == 1 else f" {depth}"
        current = self.lists[-1]
        if not self.item_started:  # a second paragraph of the same item
            return self.doc.add_paragraph(style=f"List Continue{suffix}")
        self.item_started = False
        if current[0] == "bullet":
            return self.doc.add_paragraph(style=f"List Bullet{suffix}")
        # numbers written out: Word's own numbering would continue from one list to the next
        paragraph = self.doc.add_paragraph(f"{current[1]}. ", style=f"List{suffix}")
        current[1] += 1
        return paragraph

    def runs(self, paragraph: Paragraph, inline: Token, bold: bool = False) -> None:
        strong = em = 0
        for child in inline.children or []:
            if child.type == "text" and child.content:
                run = paragraph.add_run(self.fill(child.content))
                run.bold = bold or strong > 0 or None
                run.italic = em > 0 or None
            elif child.type in ("softbreak", "hardbreak"):
                paragraph.add_run().add_break()
            elif child.type == "strong_open":
                strong += 1
            elif child.type == "strong_close":
                strong -= 1
            elif child.type == "em_open":
                em += 1
            elif child.type == "em_close":
                em -= 1

    def table(self, tokens: list[Token]) -> None:
        rows: list[list[tuple[Token, bool]]] = []
        for j, token in enumerate(tokens):
            if token.type == "tr_open":
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                rows[-1].append((tokens[j + 1], token.type == "th_open"))
        columns = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table.style = self.doc.styles["Table Grid"]
        for r, row in enumerate(rows):
            for c, (inline, header) in enumerate(row):
                self.runs(table.cell(r, c).paragraphs[0], inline, bold=header)
        self.doc.add_paragraph()
