"""Report «valutazione-corso»: what the trainees learnt (pre/post tests) and how satisfied they were."""

from __future__ import annotations

from typing import Any

import pandas as pd

from abitare.reports.common import bar_chart, distribution_chart, exposed, mean_or_dash, table_of
from abitare.reports.disclosure import count_part, count_table, protect, share
from abitare.reports.document import Report, fmt
from abitare.reports.registry import checked
from abitare.reports.tables import Tables

__all__ = ["valutazione_corso"]

SATISFACTION = ("1 - per niente", "2 - poco", "3 - abbastanza", "4 - molto", "5 - moltissimo")


def valutazione_corso(**parameters: Any) -> Report:
    """The report; its parameters are the fields of :class:`~abitare.reports.registry.ValutazioneParams`."""
    given = checked("valutazione-corso", **parameters)
    edizione, k = given["edizione"], given["soglia_riservatezza"]
    tables = Tables(given["dati"] or None)
    people = tables.get("partecipanti_corso")
    if edizione:
        people = people[people["edizione"] == edizione]
    report = Report(
        "Valutazione del corso sulla gestione sociale", f"Edizione {edizione}" if edizione else "Tutte le edizioni"
    )
    report.note(
        f"Fonte: {tables.describe()}. I conteggi inferiori a {k} sono indicati come «<{k}» e le medie di gruppi "
        f"con meno di {k} persone non sono mostrate."
    )
    n = len(people)
    if n < k:
        report.text(f"Gli iscritti sono meno di {k}: per riservatezza la valutazione non viene pubblicata.")
        return report

    # all editions together: also hide what an edition's own report hides (no subtracting one from the other)
    by = people["edizione"] if not edizione else None
    _who_took_part(report, people, by, k)
    _learning(report, people, k)
    _satisfaction(report, people, by, k)
    return report


def _who_took_part(report: Report, people: pd.DataFrame, by: pd.Series | None, k: int) -> None:
    """Participants by role and by kind of body, and how many completed every module."""
    n = len(people)
    report.heading("Chi ha partecipato")
    report.table(table_of(people["ruolo"], by, "Ruolo", k), "Iscritti per ruolo")
    report.table(table_of(people["ente"], by, "Ente", k), "Iscritti per tipo di ente")
    completed = int((people["moduli_completati"] == 6).sum())
    report.text(
        f"Iscritti: **{fmt(n)}**. Hanno completato tutti e sei i moduli: **{share(completed, n, k)}**; "
        f"moduli completati in media: **{fmt(people['moduli_completati'].mean(), 1)}**."
    )


def _learning(report: Report, people: pd.DataFrame, k: int) -> None:
    """Entry and final test of those who took both: overall, by role, and as a chart."""
    n = len(people)
    report.heading("Apprendimento: test d'ingresso e test finale")
    both = people.dropna(subset=["punteggio_pre", "punteggio_post"])
    if len(both) < k:
        report.text(f"Meno di {k} persone hanno svolto entrambi i test: il confronto non viene pubblicato.")
        return
    gain = both["punteggio_post"] - both["punteggio_pre"]
    improved = int((gain > 0).sum())
    summary = pd.DataFrame(
        [
            ("Persone con entrambi i test", count_part(len(both), n, k)),
            ("Punteggio medio d'ingresso", fmt(both["punteggio_pre"].mean(), 1)),
            ("Punteggio medio finale", fmt(both["punteggio_post"].mean(), 1)),
            ("Miglioramento medio (punti)", fmt(gain.mean(), 1)),
            ("Quota di chi ha migliorato il punteggio", share(improved, len(both), k)),
        ],
        columns=["Indicatore", "Valore"],
    )
    report.table(summary, "Test d'ingresso e test finale (punteggi da 0 a 100)")
    report.table(_scores_by_role(both, k), "Punteggi medi per ruolo")
    report.chart(
        bar_chart(
            ["Test d'ingresso", "Test finale"],
            [both["punteggio_pre"].mean(), both["punteggio_post"].mean()],
            "Punteggio medio (0-100)",
        ),
        "Punteggio medio al test d'ingresso e al test finale",
    )


def _scores_by_role(both: pd.DataFrame, k: int) -> pd.DataFrame:
    """Mean scores per role; a group hidden by size also hides its means, or the overall mean would give it away."""
    groups = dict(tuple(both.groupby("ruolo")))
    sizes = protect(pd.Series({role: len(g) for role, g in groups.items()}), k)
    rows = []
    for role, group in groups.items():
        visible = sizes[role] == fmt(len(group))
        rows.append(
            (
                role,
                sizes[role],
                mean_or_dash(group["punteggio_pre"], k, 1) if visible else "–",
                mean_or_dash(group["punteggio_post"], k, 1) if visible else "–",
            )
        )
    return pd.DataFrame(rows, columns=["Ruolo", "Persone", "Test d'ingresso", "Test finale"])


def _satisfaction(report: Report, people: pd.DataFrame, by: pd.Series | None, k: int) -> None:
    """The satisfaction judgements (1 to 5): their distribution and mean."""
    n = len(people)
    report.heading("Soddisfazione")
    answers = people["soddisfazione"].dropna().astype(int)
    if len(answers) < k:
        report.text(f"Meno di {k} persone hanno espresso un giudizio: la soddisfazione non viene pubblicata.")
        return
    judged = answers.map(dict(zip(range(1, 6), SATISFACTION, strict=True)))
    counts = judged.value_counts()
    answer_by = people.loc[answers.index, "edizione"] if by is not None else None
    hide = exposed(judged, answer_by, k, SATISFACTION)
    report.table(
        count_table(counts, label="Giudizio", threshold=k, order=SATISFACTION, force=hide), "Soddisfazione complessiva"
    )
    report.text(
        f"Giudizio medio: **{fmt(answers.mean(), 1)}** su 5, espresso da {count_part(len(answers), n, k)} persone "
        f"({share(len(answers), n, k)} degli iscritti)."
    )
    distribution_chart(
        report,
        counts.reindex(SATISFACTION, fill_value=0),
        "Giudizi (1-5)",
        "Distribuzione dei giudizi",
        k,
        short=True,
        force=hide,
    )
