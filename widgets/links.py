"""Addresses of the pages, in one place (relative: every page lives in notebooks/)."""

from __future__ import annotations

import base64
from html import escape
from urllib.parse import urlencode

from abitare.identity import MAX_HUB_NAME

__all__ = ["RELATED_PAGES", "csv_link", "download_link", "home_link", "module_link", "page_link", "related_link"]

#: kind of related item → (notebook, query key, label shown before its id)
RELATED_PAGES = {
    "case": ("caso.ipynb", "c", "Simulazione di un caso"),
    "calculator": ("calcolatore.ipynb", "c", "Strumento di calcolo"),
    "worksheet": ("lavagna.ipynb", "t", "Scheda di lavoro per la comunità di pratica"),
}


def page_link(notebook: str, code: str | None, **params: str) -> str:
    """A page's address; a code no participant can have (longer than any hub name) is left out."""
    keep = code and len(code) <= MAX_HUB_NAME
    query = {**params, **({"p": code} if keep else {})}
    return notebook + (f"?{urlencode(query)}" if query else "")


def home_link(code: str | None) -> str:
    """The home page, keeping the participant's code."""
    return page_link("home.ipynb", code)


def module_link(module_id: str, code: str) -> str:
    """A module page for a participant."""
    return page_link("modulo.ipynb", code, m=module_id)


def related_link(kind: str, item_id: str, code: str) -> str:
    """An HTML link to a case, calculator or worksheet."""
    notebook, key, label = RELATED_PAGES[kind]
    href = escape(page_link(notebook, code, **{key: item_id}))
    return f'<a href="{href}">{escape(label)}: {escape(item_id)}</a>'


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """A link that saves ``data`` as ``filename``, with nothing fetched from a server."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="abitare-link-button" download="{escape(filename)}" '
        f'href="data:{mime};base64,{encoded}">{escape(label)}</a>'
    )


def csv_link(text: str, filename: str, label: str) -> str:
    """A CSV download; the BOM makes spreadsheet programs read it as UTF-8."""
    return download_link(("\ufeff" + text).encode("utf-8"), filename, "text/csv;charset=utf-8", label)
