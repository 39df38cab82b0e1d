"""The course glossary: every module's terms, searchable as you type."""

from __future__ import annotations

import unicodedata
from html import escape
from typing import Any

import ipywidgets as w

from abitare.content import Module

__all__ = ["GlossaryView"]


def _fold(text: str) -> str:
    """Lower case without accents, so 'morosita' finds 'Morosità'."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class GlossaryView(w.VBox):
    """All glossary entries of the course, filtered by a search box."""

    def __init__(self, modules: list[Module], home: str = "home.ipynb", **kwargs: Any) -> None:
        self.entries = sorted(
            ((g.term, g.definition, m.title) for m in modules for g in m.glossary),
            key=lambda e: _fold(e[0]),
        )
        self.search = w.Text(
            placeholder="ad esempio: canone",
            description="Cerca un termine",
            style={"description_width": "initial"},
            continuous_update=True,
            layout=w.Layout(width="420px"),
        )
        self.results = w.HTML()
        self.search.observe(lambda _ch: self.filter(self.search.value), "value")
        header = w.HTML(
            f'<nav class="abitare-breadcrumb"><a href="{escape(home)}">← Pagina iniziale</a></nav>'
            '<h1 class="abitare-title">Glossario del corso</h1>'
            "<p>I termini di tutti i moduli. Scrivi una parola: la ricerca guarda sia i termini sia "
            "le definizioni, senza badare a maiuscole e accenti.</p>"
        )
        super().__init__([header, self.search, self.results], **kwargs)
        self.add_class("abitare-glossary")
        self.filter("")

    def filter(self, query: str) -> int:
        """Show the entries matching ``query``; returns how many."""
        needle = _fold(query.strip())
        shown = [e for e in self.entries if not needle or needle in _fold(e[0]) or needle in _fold(e[1])]
        items = "".join(
            f"<dt>{escape(term)}</dt><dd>{escape(definition)} "
            f'<span class="abitare-meta">(modulo: {escape(module)})</span></dd>'
            for term, definition, module in shown
        )
        count = f"{len(shown)} {'termine' if len(shown) == 1 else 'termini'}"
        self.results.value = (
            f'<p role="status">{count}</p><dl class="abitare-terms">{items}</dl>'
            if shown
            else f'<p role="status">Nessun termine trovato per «{escape(query.strip())}».</p>'
        )
        return len(shown)
