"""Report «monitoraggio-progetto»: indicators of the project's macro-actions over a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from abitare.data import AMBITO
from abitare.reports.common import exposed, select_comune, table_of
from abitare.reports.disclosure import (
    count_part,
    is_hidden,
    part_of_parts,
    protect,
    share,
    share_of_parts,
    small,
    total_of_parts,
)
from abitare.reports.document import Report, fmt
from abitare.reports.registry import checked
from abitare.reports.tables import Tables

__all__ = ["monitoraggio_progetto"]

STABLE = ("alloggio SAP", "canone concordato", "mercato libero")


def _quarter(days: pd.Series) -> pd.Series:
    return days.dt.year.astype(str) + " T" + days.dt.quarter.astype(str)


@dataclass(frozen=True)
class _Scope:
    """Where and when the report looks, its threshold, and how it counts.

    For the Ambito, every figure also hides what a comune's own report hides (no
    subtracting one report from the other).
    """

    comune: str
    k: int
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def ambito(self) -> bool:
        return self.comune == AMBITO

    def within(self, frame: pd.DataFrame, column: str) -> pd.DataFrame:
        """The rows of ``frame`` whose ``column`` falls in the period."""
        return frame[(frame[column] >= self.start) & (frame[column] <= self.end)]

    def count_of(self, frame: pd.DataFrame) -> str:
        return total_of_parts(frame.groupby("comune").size(), self.k) if self.ambito else small(len(frame), self.k)

    def visible(self, frame: pd.DataFrame) -> bool:
        """Whether the number of rows may be shown (and so the sums over them)."""
        shown = self.count_of(frame)
        return not is_hidden(shown) and shown != "0"

    def sub_count(self, part: pd.Series, frame: pd.DataFrame) -> str:
        if self.ambito:
            return part_of_parts(part.groupby(frame["comune"]).sum(), frame.groupby("comune").size(), self.k)
        return count_part(int(part.sum()), len(frame), self.k)

    def parts(self, frame: pd.DataFrame) -> pd.Series | None:
        """Each row's comune, for the Ambito (see :func:`~abitare.reports.common.table_of`)."""
        return frame["comune"] if self.ambito else None


def monitoraggio_progetto(**parameters: Any) -> Report:
    """The report; its parameters are the fields of :class:`~abitare.reports.registry.MonitoraggioParams`."""
    given = checked("monitoraggio-progetto", **parameters)
    comune, k = given["comune"], given["soglia_riservatezza"]
    tables = Tables(given["dati"] or None)
    start, end = pd.Timestamp(date.fromisoformat(given["dal"])), pd.Timestamp(date.fromisoformat(given["al"]))
    scope = _Scope(comune, k, start, end)
    place = "Tutto l'Ambito Sud Est Milano" if comune == AMBITO else f"Comune di {comune}"
    report = Report(
        "Monitoraggio del progetto «Carriera abitativa di ambito»",
        f"{place} · dal {start:%d/%m/%Y} al {end:%d/%m/%Y}",
    )
    report.note(
        f"Fonte: {tables.describe()}. I conteggi inferiori a {k} sono indicati come «<{k}». "
        "Gli indicatori seguono le macro-azioni del progetto."
    )
    entered, contracts = _action_one(report, scope, tables)
    sessions = _practice_communities(report, scope, tables)
    _action_two(report, scope, tables)
    _by_quarter(report, scope, entered, contracts, sessions)
    report.heading("Azione 3 – Comunicazione")
    report.note(
        "Le attività di comunicazione (redazione territoriale, assemblee) non sono nei dati: vanno aggiunte a mano."
    )
    return report


def _action_one(report: Report, scope: _Scope, tables: Tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Temporary housing (in, still there, out and where to) and agreed-rent contracts.

    Returns the stays begun and the contracts signed in the period (the quarterly table counts them).
    """
    k = scope.k
    report.heading("Azione 1 – Soluzioni abitative temporanee e mercato")
    stays = select_comune(tables.get("accoglienza"), scope.comune)
    entered = scope.within(stays, "data_ingresso")
    exited = stays[stays["data_uscita"].notna()]
    exited = scope.within(exited, "data_uscita")
    stable = int(exited["esito"].isin(STABLE).sum())
    end = scope.end
    ongoing = stays[(stays["data_ingresso"] <= end) & (stays["data_uscita"].isna() | (stays["data_uscita"] > end))]
    contracts = scope.within(select_comune(tables.get("contratti_concordati"), scope.comune), "data_stipula")
    indicators = pd.DataFrame(
        [
            ("Nuclei entrati in accoglienza temporanea", scope.count_of(entered)),
            ("Nuclei ancora accolti alla fine del periodo", scope.count_of(ongoing)),
            ("Nuclei usciti dall'accoglienza", scope.count_of(exited)),
            (
                "Quota di usciti verso una casa stabile (alloggio SAP, canone concordato, mercato libero)",
                share_of_parts(
                    exited["esito"].isin(STABLE).groupby(exited["comune"]).sum(), exited.groupby("comune").size(), k
                )
                if scope.ambito
                else share(stable, len(exited), k),
            ),
            ("Contratti a canone concordato con l'Agenzia", scope.count_of(contracts)),
            (
                "Contributi e garanzie dell'Agenzia per i contratti",
                fmt(contracts["contributo_agenzia"].sum()) + " €" if scope.visible(contracts) else "–",
            ),
        ],
        columns=["Indicatore", "Valore"],
    )
    report.table(indicators, "Indicatori dell'azione 1")
    if len(exited):
        report.table(
            table_of(exited["esito"], scope.parts(exited), "Uscita verso", k),
            "Dove sono andati i nuclei usciti dall'accoglienza",
        )
    return entered, contracts


def _practice_communities(report: Report, scope: _Scope, tables: Tables) -> pd.DataFrame:
    """The meetings of the communities of practice in the period (returned for the quarterly table)."""
    sessions = scope.within(select_comune(tables.get("sessioni_cdp"), scope.comune), "data")
    shown = scope.visible(sessions)
    report.heading("Comunità di pratica")
    report.table(
        pd.DataFrame(
            [
                ("Incontri", scope.count_of(sessions)),
                ("Presenze complessive", fmt(sessions["partecipanti"].sum()) if shown else "–"),
                ("Enti del terzo settore per incontro (media)", fmt(sessions["enti_ets"].mean(), 1) if shown else "–"),
                ("Ore di incontro in totale", fmt(sessions["durata_minuti"].sum() / 60) if shown else "–"),
            ],
            columns=["Indicatore", "Valore"],
        ),
        "Incontri delle comunità di pratica",
    )
    if len(sessions):
        report.table(table_of(sessions["tema"], scope.parts(sessions), "Tema", scope.k), "Incontri per tema")
    return sessions


def _action_two(report: Report, scope: _Scope, tables: Tables) -> None:
    """Applications for SAP housing, and (for the Ambito) the course on gestione sociale."""
    k = scope.k
    report.heading("Azione 2 – Équipe SAP e formazione")
    requests = scope.within(select_comune(tables.get("domande_sap"), scope.comune), "data_presentazione")
    report.table(
        pd.DataFrame(
            [
                ("Domande SAP presentate nel periodo", scope.count_of(requests)),
                ("... di cui assegnate", scope.sub_count(requests["stato"] == "assegnata", requests)),
                (
                    "... di cui presentate da nuclei in condizione di indigenza",
                    scope.sub_count(requests["indigenza"].astype(bool), requests),
                ),
            ],
            columns=["Indicatore", "Valore"],
        ),
        "Domande di alloggio SAP",
    )
    if scope.ambito and tables.has("partecipanti_corso"):
        people = tables.get("partecipanti_corso")
        report.table(
            pd.DataFrame(
                [
                    ("Iscritti al corso", small(len(people), k)),
                    (
                        "Hanno completato tutti e sei i moduli",
                        share(int((people["moduli_completati"] == 6).sum()), len(people), k),
                    ),
                    (
                        "Iscritti di enti del terzo settore (ETS)",
                        count_part(int((people["ente"] == "ETS").sum()), len(people), k),
                    ),
                ],
                columns=["Indicatore", "Valore"],
            ),
            "Formazione sulla gestione sociale",
        )
    elif not scope.ambito:
        report.note("La formazione è organizzata per tutto l'Ambito: i suoi indicatori sono nel rapporto dell'Ambito.")
    else:
        report.note(
            "La tabella dei partecipanti al corso non è tra i dati indicati: gli indicatori della formazione "
            "sono omessi."
        )


def _by_quarter(
    report: Report, scope: _Scope, entered: pd.DataFrame, contracts: pd.DataFrame, sessions: pd.DataFrame
) -> None:
    """Stays begun, contracts and meetings per quarter: a table, and a chart of the series it may show whole."""
    k = scope.k
    report.heading("Andamento per trimestre")
    quarters = sorted(
        set(_quarter(entered["data_ingresso"]))
        | set(_quarter(contracts["data_stipula"]))
        | set(_quarter(sessions["data"]))
    )
    series = {
        "Ingressi in accoglienza": (_quarter(entered["data_ingresso"]), entered),
        "Contratti concordati": (_quarter(contracts["data_stipula"]), contracts),
        "Incontri": (_quarter(sessions["data"]), sessions),
    }
    per = {label: labels.value_counts() for label, (labels, _) in series.items()}
    # each column's total is shown above: protect() hides a second cell when only one is small
    columns = {
        label: protect(
            per[label].reindex(quarters, fill_value=0), k, force=exposed(labels, scope.parts(frame), k, quarters)
        )
        for label, (labels, frame) in series.items()
    }
    rows = [(q, *[columns[label][q] for label in per]) for q in quarters]
    report.table(pd.DataFrame(rows, columns=["Trimestre", *per]), "Attività per trimestre")
    drawable = {
        label: values
        for label, values in per.items()
        if all(columns[label][q] == fmt(int(values.get(q, 0))) for q in quarters)
    }
    if quarters and drawable:
        report.chart(_quarter_chart(quarters, drawable), "Attività per trimestre: " + ", ".join(drawable).lower())
    if len(drawable) < len(per):
        report.note("Nel grafico mancano le serie con valori sotto la soglia di riservatezza.")


def _quarter_chart(quarters: list[str], drawable: dict[str, pd.Series]) -> object:
    """One line per series, quarter by quarter (a matplotlib figure)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    for label, values in drawable.items():
        ax.plot(quarters, [int(values.get(q, 0)) for q in quarters], marker="o", label=label)
    ax.legend(frameon=False, fontsize=8)
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
