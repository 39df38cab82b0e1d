"""Report «monitoraggio-progetto»: indicators of the project's macro-actions over a period."""

from __future__ import annotations

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


def monitoraggio_progetto(**parameters: Any) -> Report:
    """The report; its parameters are the fields of :class:`~abitare.reports.registry.MonitoraggioParams`."""
    given = checked("monitoraggio-progetto", **parameters)
    comune, k = given["comune"], given["soglia_riservatezza"]
    tables = Tables(given["dati"] or None)
    start, end = pd.Timestamp(date.fromisoformat(given["dal"])), pd.Timestamp(date.fromisoformat(given["al"]))
    place = "Tutto l'Ambito Sud Est Milano" if comune == AMBITO else f"Comune di {comune}"
    report = Report(
        "Monitoraggio del progetto «Carriera abitativa di ambito»",
        f"{place} · dal {start:%d/%m/%Y} al {end:%d/%m/%Y}",
    )
    report.note(
        f"Fonte: {tables.describe()}. I conteggi inferiori a {k} sono indicati come «<{k}». "
        "Gli indicatori seguono le macro-azioni del progetto."
    )

    def within(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame[(frame[column] >= start) & (frame[column] <= end)]

    # for the Ambito, every figure also hides what a comune's own report hides (no subtracting one from the other)
    ambito = comune == AMBITO

    def count_of(frame: pd.DataFrame) -> str:
        return total_of_parts(frame.groupby("comune").size(), k) if ambito else small(len(frame), k)

    def visible(frame: pd.DataFrame) -> bool:
        shown = count_of(frame)
        return not is_hidden(shown) and shown != "0"

    def sub_count(part: pd.Series, frame: pd.DataFrame) -> str:
        if ambito:
            return part_of_parts(part.groupby(frame["comune"]).sum(), frame.groupby("comune").size(), k)
        return count_part(int(part.sum()), len(frame), k)

    report.heading("Azione 1 – Soluzioni abitative temporanee e mercato")
    stays = select_comune(tables.get("accoglienza"), comune)
    entered = within(stays, "data_ingresso")
    exited = stays[stays["data_uscita"].notna()]
    exited = within(exited, "data_uscita")
    stable = int(exited["esito"].isin(STABLE).sum())
    ongoing = stays[(stays["data_ingresso"] <= end) & (stays["data_uscita"].isna() | (stays["data_uscita"] > end))]
    contracts = within(select_comune(tables.get("contratti_concordati"), comune), "data_stipula")
    indicators = pd.DataFrame(
        [
            ("Nuclei entrati in accoglienza temporanea", count_of(entered)),
            ("Nuclei ancora accolti alla fine del periodo", count_of(ongoing)),
            ("Nuclei usciti dall'accoglienza", count_of(exited)),
            (
                "Quota di usciti verso una casa stabile (alloggio SAP, canone concordato, mercato libero)",
                share_of_parts(
                    exited["esito"].isin(STABLE).groupby(exited["comune"]).sum(), exited.groupby("comune").size(), k
                )
                if ambito
                else share(stable, len(exited), k),
            ),
            ("Contratti a canone concordato con l'Agenzia", count_of(contracts)),
            (
                "Contributi e garanzie dell'Agenzia per i contratti",
                fmt(contracts["contributo_agenzia"].sum()) + " €" if visible(contracts) else "–",
            ),
        ],
        columns=["Indicatore", "Valore"],
    )
    report.table(indicators, "Indicatori dell'azione 1")
    if len(exited):
        report.table(
            table_of(exited["esito"], exited["comune"] if ambito else None, "Uscita verso", k),
            "Dove sono andati i nuclei usciti dall'accoglienza",
        )

    sessions = within(select_comune(tables.get("sessioni_cdp"), comune), "data")
    report.heading("Comunità di pratica")
    report.table(
        pd.DataFrame(
            [
                ("Incontri", count_of(sessions)),
                ("Presenze complessive", fmt(sessions["partecipanti"].sum()) if visible(sessions) else "–"),
                (
                    "Enti del terzo settore per incontro (media)",
                    fmt(sessions["enti_ets"].mean(), 1) if visible(sessions) else "–",
                ),
                ("Ore di incontro in totale", fmt(sessions["durata_minuti"].sum() / 60) if visible(sessions) else "–"),
            ],
            columns=["Indicatore", "Valore"],
        ),
        "Incontri delle comunità di pratica",
    )
    if len(sessions):
        report.table(table_of(sessions["tema"], sessions["comune"] if ambito else None, "Tema", k), "Incontri per tema")

    report.heading("Azione 2 – Équipe SAP e formazione")
    requests = within(select_comune(tables.get("domande_sap"), comune), "data_presentazione")
    report.table(
        pd.DataFrame(
            [
                ("Domande SAP presentate nel periodo", count_of(requests)),
                ("... di cui assegnate", sub_count(requests["stato"] == "assegnata", requests)),
                (
                    "... di cui presentate da nuclei in condizione di indigenza",
                    sub_count(requests["indigenza"].astype(bool), requests),
                ),
            ],
            columns=["Indicatore", "Valore"],
        ),
        "Domande di alloggio SAP",
    )
    if comune == AMBITO and tables.has("partecipanti_corso"):
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
    elif comune != AMBITO:
        report.note("La formazione è organizzata per tutto l'Ambito: i suoi indicatori sono nel rapporto dell'Ambito.")
    else:
        report.note(
            "La tabella dei partecipanti al corso non è tra i dati indicati: gli indicatori della formazione "
            "sono omessi."
        )

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
            per[label].reindex(quarters, fill_value=0),
            k,
            force=exposed(labels, frame["comune"] if ambito else None, k, quarters),
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
        report.chart(fig, "Attività per trimestre: " + ", ".join(drawable).lower())
    if len(drawable) < len(per):
        report.note("Nel grafico mancano le serie con valori sotto la soglia di riservatezza.")

    report.heading("Azione 3 – Comunicazione")
    report.note(
        "Le attività di comunicazione (redazione territoriale, assemblee) non sono nei dati: vanno aggiunte a mano."
    )
    return report
