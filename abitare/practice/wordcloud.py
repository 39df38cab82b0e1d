"""A word cloud of short answers, drawn as SVG, with the plain list beside it.

Words are normalised before they are counted: case folded, accents removed
(«città» and «Citta» are one word), punctuation dropped, Italian stop words and
words of one or two letters left out. The most frequent word is the largest; the
layout is rows of words, widest first, measured with an estimate of the glyphs'
width, so no font metrics are needed and the SVG is the same on every machine.
Every word is escaped; screen readers get the list (the SVG is ``aria-hidden``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from html import escape

__all__ = ["STOP_WORDS", "cloud_html", "cloud_svg", "normalise", "word_counts"]

STOP_WORDS = frozenset(
    [
        "a",
        "ad",
        "al",
        "allo",
        "ai",
        "agli",
        "all",
        "alla",
        "alle",
        "anche",
        "ancora",
        "avere",
        "aveva",
        "che",
        "chi",
        "ci",
        "come",
        "con",
        "contro",
        "cosa",
        "cui",
        "da",
        "dal",
        "dallo",
        "dai",
        "dagli",
        "dall",
        "dalla",
        "dalle",
        "degli",
        "dei",
        "del",
        "dell",
        "della",
        "delle",
        "dello",
        "di",
        "dove",
        "due",
        "e",
        "ed",
        "era",
        "essere",
        "gli",
        "ha",
        "hanno",
        "ho",
        "il",
        "in",
        "io",
        "la",
        "le",
        "lei",
        "li",
        "lo",
        "loro",
        "lui",
        "ma",
        "me",
        "mi",
        "mia",
        "mie",
        "miei",
        "mio",
        "molto",
        "ne",
        "negli",
        "nei",
        "nel",
        "nell",
        "nella",
        "nelle",
        "nello",
        "noi",
        "non",
        "nostra",
        "nostro",
        "o",
        "ogni",
        "per",
        "perche",
        "piu",
        "poi",
        "poco",
        "proprio",
        "qua",
        "quale",
        "quando",
        "quanto",
        "quella",
        "quelle",
        "quelli",
        "quello",
        "questa",
        "queste",
        "questi",
        "questo",
        "qui",
        "se",
        "sei",
        "sempre",
        "senza",
        "si",
        "sia",
        "siamo",
        "sono",
        "sta",
        "stato",
        "su",
        "sua",
        "sue",
        "sui",
        "sul",
        "sull",
        "sulla",
        "sulle",
        "sullo",
        "suo",
        "suoi",
        "tra",
        "tu",
        "tua",
        "tuo",
        "tutti",
        "tutto",
        "un",
        "una",
        "uno",
        "vi",
        "voi",
        "cosi",
        "gia",
        "fra",
        "sto",
        "sta",
        "tanto",
    ]
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def _fold(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def _tokens(text: str) -> list[tuple[str, str]]:
    """(key, as written in lower case) of each word that counts."""
    out = []
    for raw in _WORD.findall(text.casefold()):
        word = re.split("['’]", raw)[-1]  # l'accesso -> accesso
        key = _fold(word)
        if len(key) > 2 and key not in STOP_WORDS and not key.isdigit():
            out.append((key, word))
    return out


def normalise(text: str) -> list[str]:
    """The words of ``text`` that count: folded, without accents, no stop words."""
    return [key for key, _ in _tokens(text)]


def word_counts(texts: Iterable[str], limit: int = 40) -> list[tuple[str, int]]:
    """The ``limit`` most frequent words, most frequent first (ties alphabetical), each in
    its most common spelling (with its accents)."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text in texts:
        tokens = _tokens(text)
        counts.update({key for key, _ in tokens})  # a word counts once per answer
        for key, word in tokens:
            spellings.setdefault(key, Counter())[word] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(spellings[key].most_common(1)[0][0], n) for key, n in ranked]


def cloud_svg(counts: list[tuple[str, int]], width: int = 720) -> str:
    """Rows of words sized by frequency (14 to 56 px)."""
    if not counts:
        return ""
    top = counts[0][1]
    placed = []
    x, y, row_height = 0.0, 0.0, 0.0
    for word, n in counts:
        size = 14 + 42 * (n / top if top else 0)
        w = 0.6 * size * len(word) + 0.5 * size
        if x and x + w > width:
            y += row_height + 6
            x, row_height = 0.0, 0.0
        placed.append((word, n, x, y + size, size))
        x += w
        row_height = max(row_height, size * 1.15)
    height = int(y + row_height + 8)
    shades = ("#1d5c8f", "#0b5f6b", "#7a3e00", "#1e6b34", "#5b2a86")
    texts = "".join(
        f'<text x="{px:.0f}" y="{py:.0f}" font-size="{size:.0f}" fill="{shades[i % len(shades)]}">{escape(word)}</text>'
        for i, (word, _n, px, py, size) in enumerate(placed)
    )
    return (
        f'<svg class="abitare-cloud-svg" viewBox="0 0 {width} {height}" width="100%" aria-hidden="true" '
        f'font-family="sans-serif" xmlns="http://www.w3.org/2000/svg">{texts}</svg>'
    )


def cloud_html(texts: Iterable[str], title: str = "Parole più usate") -> str:
    """The cloud and, beside it, the plain list of words and counts."""
    counts = word_counts(texts)
    if not counts:
        return ""
    items = "".join(f"<li>{escape(word)}: {n}</li>" for word, n in counts)
    return (
        f'<div class="abitare-cloud"><p class="abitare-meta">{escape(title)}</p>{cloud_svg(counts)}'
        f'<ol class="abitare-cloud-list" aria-label="{escape(title)}, in ordine di frequenza">{items}</ol></div>'
    )
