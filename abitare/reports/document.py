"""The report document: headings, text, tables and charts, shown as one HTML page.

A report is a list of blocks built by plain Python from the datasets. A notebook
shows it by ending a cell with it (:meth:`Report._repr_html_`), so this module
never imports IPython. Numbers are written the Italian way; charts are PNG images
embedded in the page, so the HTML works offline.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pandas as pd

from abitare.numbers import number, percent
from abitare.text import month_label, render_markdown

__all__ = ["Block", "Report", "fmt", "month_label", "pct", "table_html"]


def fmt(value: Any, decimals: int = 0) -> str:
    """A number the Italian way; missing values as a dash."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "–"
    if isinstance(value, str):
        return value
    return number(float(value), decimals)


def pct(part: float, whole: float, decimals: int = 1) -> str:
    return "–" if not whole else percent(100 * part / whole, decimals)


@dataclass
class Block:
    kind: str  # heading | text | table | chart | note
    text: str = ""
    frame: pd.DataFrame | None = None
    png: bytes = b""


@dataclass(repr=False)
class Report:
    """The blocks of one report, in order; a notebook cell ending with a report shows it as HTML."""

    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(Block("heading", text))

    def text(self, markdown: str) -> None:
        self.blocks.append(Block("text", markdown))

    def note(self, markdown: str) -> None:
        self.blocks.append(Block("note", markdown))

    def table(self, frame: pd.DataFrame, caption: str) -> None:
        self.blocks.append(Block("table", caption, frame=frame))

    def chart(self, figure: Any, caption: str) -> None:
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(figure)
        self.blocks.append(Block("chart", caption, png=buffer.getvalue()))

    def html_blocks(self) -> list[str]:
        out = [f"<h1>{escape(self.title)}</h1>"]
        if self.subtitle:
            out.append(f"<p class='abitare-subtitle'>{escape(self.subtitle)}</p>")
        for b in self.blocks:
            if b.kind == "heading":
                out.append(f"<h2>{escape(b.text)}</h2>")
            elif b.kind == "text":
                out.append(render_markdown(b.text))
            elif b.kind == "note":
                out.append(f"<div class='abitare-note'>{render_markdown(b.text)}</div>")
            elif b.kind == "table" and b.frame is not None:
                out.append(table_html(b.frame, b.text))
            elif b.kind == "chart":
                data = base64.b64encode(b.png).decode("ascii")
                out.append(
                    f"<figure><img src='data:image/png;base64,{data}' alt='{escape(b.text)}'>"
                    f"<figcaption>{escape(b.text)}</figcaption></figure>"
                )
        return out

    def _repr_html_(self) -> str:
        """The whole report as HTML, for Jupyter's rich display (no IPython import needed)."""
        return "\n".join(self.html_blocks())

    def __repr__(self) -> str:
        # short: the notebook also stores a plain-text form beside the HTML, and the blocks hold PNG bytes
        return f"<Report {self.title!r}: {len(self.blocks)} blocks>"


def table_html(frame: pd.DataFrame, caption: str) -> str:
    head = "".join(f"<th scope='col'>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for i, value in enumerate(row):
            text = escape(fmt(value) if not isinstance(value, str) else value)
            cells.append(f"<th scope='row'>{text}</th>" if i == 0 else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f"<table class='abitare-table'><caption>{escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
