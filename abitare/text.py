"""Course text to HTML: Markdown for lessons, escaping for everything else."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt

__all__ = ["escape", "render_markdown"]


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    # Raw HTML in content is shown as text, never interpreted.
    return MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"]
    )


def render_markdown(source: str) -> str:
    """HTML for a Markdown text; raw HTML in it is escaped."""
    return _md().render(source)
