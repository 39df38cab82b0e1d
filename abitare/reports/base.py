"""What a report is made of, and the rules every report follows.

A report is a list of blocks (headings, text, tables, charts) built by plain Python
from the datasets, then shown in the notebook papermill runs. The rules live here,
once: counts under the confidentiality threshold show as ``<5`` (and so do the
figures that would let a reader work them out), tables never carry identifying
columns (the loader drops them), numbers are written the Italian way, charts are
PNG images embedded in the page so the HTML works offline.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from abitare.data import SHIPPED_DIR, load_table, table_file
from abitare.errors import AbitareError
from abitare.parameters import italian_number
from abitare.text import month_label, render_markdown

__all__ = [
    "MIN_CELL",
    "Report",
    "Tables",
    "count_part",
    "count_table",
    "exposed_by_parts",
    "fmt",
    "is_hidden",
    "month_label",
    "part_of_parts",
    "pct",
    "protect",
    "publishable",
    "share",
    "share_of_parts",
    "small",
    "suppressed",
    "total_of_parts",
]

#: Counts under this are never published (DOMAIN.md, Privacy).
MIN_CELL = 5
#: A count hidden only because, with the total, it would reveal a small one.
SECONDARY = "riservato"


def fmt(value: Any, decimals: int = 0) -> str:
    """A number the Italian way; missing values as a dash."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "–"
    if isinstance(value, str):
        return value
    return italian_number(round(float(value), decimals), decimals)


def pct(part: float, whole: float, decimals: int = 1) -> str:
    return "–" if not whole else fmt(100 * part / whole, decimals) + "%"


def share(part: int, whole: int, threshold: int = MIN_CELL) -> str:
    """A share that does not give away a small count: a dash when the part or the rest is under the threshold."""
    rest = whole - part
    if 0 < part < threshold or 0 < rest < threshold:
        return "–"
    return pct(part, whole)


def suppressed(threshold: int = MIN_CELL) -> str:
    return f"<{threshold}"


def protect(
    counts: pd.Series, threshold: int = MIN_CELL, *, total_known: bool = True, force: Iterable[Any] = ()
) -> pd.Series:
    """What each count of a distribution may show: the number, ``<5`` or ``riservato``.

    Counts under ``threshold`` show as ``<5``. When the total is known (shown in the
    same table or elsewhere in the report) and only one cell would be hidden, the
    next smallest is hidden too, as «riservato» since it is not small: otherwise the
    total minus the others would give the small one away. Cells in ``force`` are hidden
    as «riservato» too (see :func:`exposed_by_parts`).
    """
    counts = counts.astype(int)
    hide = (counts > 0) & (counts < threshold)
    secondary = pd.Series(counts.index.isin(list(force)) & (counts > 0) & ~hide, index=counts.index)
    if total_known and (hide | secondary).sum() == 1:
        others = counts[~hide & ~secondary & (counts > 0)]
        if len(others):
            secondary[others.idxmin()] = True
    shown = [
        suppressed(threshold) if hide[key] else SECONDARY if secondary[key] else fmt(n) for key, n in counts.items()
    ]
    return pd.Series(shown, index=counts.index, dtype=object)


def is_hidden(shown: str) -> bool:
    return shown.startswith("<") or shown == SECONDARY


def exposed_by_parts(crosstab: pd.DataFrame, threshold: int = MIN_CELL) -> list[Any]:
    """Categories whose total would reveal a cell hidden in one part's own report.

    ``crosstab`` has a row per category and a column per part (a comune, an edition),
    each column protected as that part's report protects it. Where exactly one part
    hides its cell, the total minus the other parts would give it away: the total's
    cell must be hidden too.
    """
    hidden = pd.DataFrame(
        {col: [is_hidden(v) for v in protect(crosstab[col], threshold)] for col in crosstab.columns},
        index=crosstab.index,
    )
    return list(crosstab.index[hidden.sum(axis=1) == 1])


def part_of_parts(parts: pd.Series, wholes: pd.Series, threshold: int = MIN_CELL) -> str:
    """A sub-count for the whole Ambito whose parts (per comune) are shown with :func:`count_part`."""
    hidden = [is_hidden(count_part(int(parts.get(key, 0)), int(w), threshold)) for key, w in wholes.items()]
    if sum(hidden) == 1:
        return SECONDARY
    return count_part(int(parts.sum()), int(wholes.sum()), threshold)


def small(n: int, threshold: int = MIN_CELL) -> str:
    """A count on its own: the number, or ``<5`` when it is between 1 and the threshold."""
    return suppressed(threshold) if 0 < n < threshold else fmt(n)


def total_of_parts(counts: pd.Series, threshold: int = MIN_CELL) -> str:
    """A count for the whole Ambito whose parts (per comune) are shown with ``<5`` when small."""
    counts = counts.astype(int)
    if int(((counts > 0) & (counts < threshold)).sum()) == 1:
        return SECONDARY
    return small(int(counts.sum()), threshold)


def share_of_parts(parts: pd.Series, wholes: pd.Series, threshold: int = MIN_CELL) -> str:
    """A share for the whole Ambito whose parts (per comune) are shown with :func:`share`."""
    hidden = [share(int(parts.get(key, 0)), int(w), threshold) == "–" for key, w in wholes.items() if w]
    if sum(hidden) == 1:
        return "–"
    return share(int(parts.sum()), int(wholes.sum()), threshold)


def publishable(
    counts: pd.Series, threshold: int = MIN_CELL, *, total_known: bool = True, force: Iterable[Any] = ()
) -> pd.Series:
    """Only the counts :func:`protect` lets through as numbers (what a chart may draw)."""
    shown = protect(counts, threshold, total_known=total_known, force=force)
    return counts[[not is_hidden(v) for v in shown]]


def count_part(part: int, whole: int, threshold: int = MIN_CELL) -> str:
    """A count that is part of a total shown elsewhere: hidden when it or the rest is small."""
    if 0 < part < threshold:
        return suppressed(threshold)
    if 0 < whole - part < threshold:
        return SECONDARY
    return fmt(part)


def count_table(
    counts: pd.Series,
    *,
    label: str,
    threshold: int = MIN_CELL,
    order: Sequence[str] | None = None,
    total: bool = True,
    force: Iterable[Any] = (),
) -> pd.DataFrame:
    """A distribution as a table (category, number, share), protected by :func:`protect`."""
    counts = counts.astype(int)
    if order is not None:
        counts = counts.reindex(list(order), fill_value=0)
    whole = int(counts.sum())
    shown = protect(counts, threshold, total_known=total, force=force)
    rows = []
    for key, n in counts.items():
        number = shown[key]
        rows.append({label: str(key), "Numero": number, "Quota": pct(n, whole) if number == fmt(n) else "–"})
    if total:
        shown_total = fmt(whole) if whole >= threshold else suppressed(threshold)
        rows.append({label: "Totale", "Numero": shown_total, "Quota": "100%" if whole >= threshold else "–"})
    return pd.DataFrame(rows)


@dataclass
class Block:
    kind: str  # heading | text | table | chart | note
    text: str = ""
    frame: pd.DataFrame | None = None
    png: bytes = b""


@dataclass
class Report:
    """The blocks of one report, in order; ``show()`` displays them in a notebook."""

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

    def show(self) -> None:
        """Display in the running notebook: one output per block (HTML only, no widgets)."""
        from IPython.display import HTML, display

        for part in self.html_blocks():
            display(HTML(part))  # type: ignore[no-untyped-call]


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


class Tables:
    """The tables a report reads: from the shipped dataset, a folder, or one file.

    With one file, only the table that file holds is available; a report shows the
    sections it can and says which it left out.
    """

    def __init__(self, data: str | Path | None = None) -> None:
        self.source = Path(data) if data else SHIPPED_DIR
        self.synthetic = self.source.resolve() == SHIPPED_DIR.resolve()
        self._cache: dict[str, pd.DataFrame] = {}
        self.file_table: str | None = None
        if self.source.is_file():
            from abitare.data import detect_table

            self.file_table = detect_table(self.source, _header(self.source))
        elif not self.source.is_dir():
            raise AbitareError(f"Dati non trovati: «{self.source}» non è né un file né una cartella.")

    def path(self, name: str) -> Path | None:
        """The file holding table ``name``, or ``None`` when the data do not include it."""
        if self.source.is_file():
            return self.source if name == self.file_table else None
        return table_file(self.source, name)

    def has(self, name: str) -> bool:
        return self.path(name) is not None

    def get(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            if not self.has(name):
                raise AbitareError(f"Manca la tabella «{name}» nei dati indicati.")
            self._cache[name] = load_table(name, self.source)
        return self._cache[name]

    def describe(self) -> str:
        if self.synthetic:
            return "dati sintetici distribuiti con il progetto (nessuna persona reale)"
        return f"dati forniti per questo rapporto ({self.source.name})"


def _header(path: Path) -> list[str]:
    """Column names of a file, cheaply (for telling which table it holds)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return [str(c) for c in pd.read_excel(path, nrows=0, engine="openpyxl").columns]
        except Exception as err:  # openpyxl raises many kinds for a damaged file
            raise AbitareError(f"«{path.name}» non è un foglio Excel (.xlsx) leggibile.") from err
    raw = path.read_bytes()[:4096]
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    first = text[0] if text else ""
    sep = max([";", ",", "\t"], key=first.count)
    return [c.strip().strip('"') for c in first.split(sep)]
