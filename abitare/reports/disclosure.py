"""Statistical disclosure control: what a published count or share may show.

The rules every report follows, once: counts under the confidentiality threshold
show as ``<5``; the figures that would let a reader work a small count out (the
total minus the other cells, the Ambito minus the other comuni) show as
``riservato``; a share that would give a small count away is a dash. Charts draw
only what :func:`publishable` lets through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from abitare.reports.document import fmt, pct

__all__ = [
    "MIN_CELL",
    "SECONDARY",
    "count_part",
    "count_table",
    "exposed_by_parts",
    "is_hidden",
    "part_of_parts",
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


def share(part: int, whole: int, threshold: int = MIN_CELL) -> str:
    """A share that does not give away a small count: a dash when the part or the rest is under the threshold."""
    rest = whole - part
    if 0 < part < threshold or 0 < rest < threshold:
        return "–"
    return pct(part, whole)


def suppressed(threshold: int = MIN_CELL) -> str:
    """How a hidden small count shows: ``<5``."""
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
