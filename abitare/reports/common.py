"""Pieces several reports share: the ISEE-ERP areas, charts, the opening lines."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from abitare.data import AMBITO
from abitare.parameters import load_parameters
from abitare.reports.disclosure import MIN_CELL, count_table, exposed_by_parts, publishable
from abitare.reports.document import Report, fmt
from abitare.reports.tables import Tables

__all__ = [
    "AREAS",
    "bar_chart",
    "distribution_chart",
    "exposed",
    "isee_area",
    "mean_or_dash",
    "opening",
    "select_comune",
    "table_of",
]

AREAS = ("protezione", "accesso", "permanenza", "decadenza")


def isee_area(isee: pd.Series) -> pd.Series:
    """The canone SAP area of each ISEE-ERP, by the parameter file's thresholds."""
    p = load_parameters()
    values = isee.astype(float).to_numpy()
    area = np.select(
        [
            values <= p.value("sap.isee_erp_protezione_max"),
            values <= p.value("sap.isee_erp_accesso_max"),
            values <= p.value("sap.isee_erp_permanenza_max"),
        ],
        AREAS[:3],
        AREAS[3],
    )
    return pd.Series(area, index=isee.index)


def select_comune(frame: pd.DataFrame, comune: str) -> pd.DataFrame:
    return frame if comune == AMBITO else frame[frame["comune"] == comune]


def opening(report: Report, tables: Tables, comune: str, threshold: int) -> None:
    where = "tutti i nove comuni dell'Ambito Sud Est Milano" if comune == AMBITO else f"il Comune di {comune}"
    report.note(
        f"Il rapporto riguarda {where}. Fonte: {tables.describe()}. "
        f"Per riservatezza i conteggi inferiori a {threshold} sono indicati come «<{threshold}» "
        "e i valori che permetterebbero di ricavarli sono indicati come «riservato»; "
        "non compaiono nomi, codici fiscali o indirizzi."
    )


def bar_chart(
    labels: Sequence[str], values: Sequence[float], title: str, *, ylabel: str = "", horizontal: bool = False
) -> object:
    """A simple bar chart (matplotlib figure) in the project's colour."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    if horizontal:
        ax.barh(list(labels), list(values), color="#1d5c8f")
        ax.invert_yaxis()
    else:
        ax.bar(list(labels), list(values), color="#1d5c8f")
        ax.tick_params(axis="x", labelrotation=20)
    ax.set_title(title)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def mean_or_dash(values: pd.Series, threshold: int = MIN_CELL, decimals: int = 0) -> str:
    values = values.dropna()
    return fmt(values.mean(), decimals) if len(values) >= threshold else "–"


def distribution_chart(
    report: Report,
    counts: pd.Series,
    title: str,
    caption: str,
    threshold: int = MIN_CELL,
    *,
    horizontal: bool = False,
    short: bool = False,
    force: Sequence[object] = (),
) -> None:
    """A bar chart of the categories a table may show; the caption says when some are left out."""
    shown = publishable(counts, threshold, force=force)
    if not len(shown):
        return
    if len(shown) < len(counts):
        caption += " (non sono disegnate le categorie nascoste per riservatezza)"
    labels = [str(c)[:1] for c in shown.index] if short else [str(c) for c in shown.index]
    report.chart(bar_chart(labels, list(shown.values), title, horizontal=horizontal), caption)


def exposed(
    values: pd.Series, parts: pd.Series | None, threshold: int = MIN_CELL, order: Sequence[str] | None = None
) -> list[object]:
    """Categories of ``values`` to hide because a part's own report (a comune, an edition) hides them.

    ``parts`` gives the part of each row, or is ``None`` when the report is itself one part.
    """
    if parts is None or not len(values):
        return []
    crosstab = pd.crosstab(values, parts)
    if order is not None:
        crosstab = crosstab.reindex(list(order), fill_value=0)
    return exposed_by_parts(crosstab, threshold)


def table_of(
    values: pd.Series,
    parts: pd.Series | None,
    label: str,
    threshold: int = MIN_CELL,
    order: Sequence[str] | None = None,
    *,
    total: bool = True,
) -> pd.DataFrame:
    """The protected distribution of ``values``; with ``parts``, also what the parts' reports hide."""
    hide = exposed(values, parts, threshold, order)
    return count_table(values.value_counts(), label=label, threshold=threshold, order=order, force=hide, total=total)
