"""Course text to HTML: Markdown for lessons, escaping for everything else."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt

from abitare.parameters import ParameterSet

__all__ = ["MONTHS", "count_label", "escape", "minutes_label", "month_label", "render_markdown"]

MONTHS = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    # Raw HTML in content is shown as text, never interpreted.
    return MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"]
    )


def count_label(n: int, one: str, many: str) -> str:
    """``1 lezione``, ``3 lezioni``: a number with the Italian singular or plural."""
    return f"{n} {one if n == 1 else many}"


def minutes_label(seconds: float) -> str:
    """Time spent, rounded to minutes: «meno di un minuto», «1 minuto», «12 minuti»."""
    minutes = round(seconds / 60)
    return "meno di un minuto" if minutes < 1 else count_label(minutes, "minuto", "minuti")


def render_markdown(source: str, params: ParameterSet | None = None) -> str:
    """HTML for a Markdown text; raw HTML in it is escaped.

    With ``params``, ``{{ name }}`` references become the parameter's formatted value.
    """
    html = _render(source)
    return params.fill_html(html) if params else html


@lru_cache(maxsize=512)
def _render(source: str) -> str:
    """The same lesson is shown again on every visit: render each text once per process."""
    html: str = _md().render(source)
    return html


def month_label(month: str) -> str:
    """``2025-12`` → ``dicembre 2025``."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"
