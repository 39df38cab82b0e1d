"""Report «sintesi-sessione»: the synthesis of one community-of-practice session, from the database."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd

from abitare.errors import AbitareError
from abitare.reports.common import distribution_chart
from abitare.reports.disclosure import count_table, protect, small, suppressed
from abitare.reports.document import Report, fmt
from abitare.reports.registry import checked

if TYPE_CHECKING:
    from abitare.practice.roomcase import RoomCaseSummary, StepSummary
    from abitare.practice.synthesis import FieldSummary

__all__ = ["room_case_frame", "room_case_overview", "sintesi_sessione"]


def sintesi_sessione(*, settings: Any = None, **parameters: Any) -> Report:
    """The report; its parameters are the fields of :class:`~abitare.reports.registry.SintesiParams`.

    ``settings`` (not a report parameter) says which database to read; by default, the environment's.
    """
    from abitare.cases.schema import load_case
    from abitare.practice.roomcase import RoomCaseStore
    from abitare.practice.sessions import SessionStore
    from abitare.practice.synthesis import summarize
    from abitare.practice.worksheets import load_worksheet
    from abitare.progress import open_store
    from abitare.settings import get_settings

    given = checked("sintesi-sessione", **parameters)
    codice_sessione, anonimo, k = given["codice_sessione"], given["anonimo"], given["soglia_riservatezza"]
    cfg = settings or get_settings()
    engine = open_store(cfg).engine
    sessions = SessionStore(engine)
    session = sessions.find(codice_sessione)
    if session is None:
        raise AbitareError(f"Nessuna sessione con il codice «{codice_sessione}».")
    worksheet = load_worksheet(cfg.content_dir, session.template_id)
    rows = sessions.answers(session)
    summaries = summarize(worksheet, rows, anonymous=anonimo)
    people = len({r.member for r in rows})
    report = Report(session.title, f"Scheda: {worksheet.title} · {session.session_date:%d/%m/%Y}")
    report.note(
        f"Sintesi dell'incontro{' in forma anonima' if anonimo else ''}. I conteggi inferiori a {k} sono indicati "
        f"come «<{k}»; le risposte scritte sono riportate testualmente."
    )
    report.text(f"Partecipanti che hanno risposto: **{fmt(people)}**.")
    for s in summaries:
        _field(report, s, k, anonimo)
    for played in RoomCaseStore(engine).summaries(session, lambda case_id: load_case(cfg.content_dir, case_id)):
        _room_case(report, played, k)
    return report


def _split(step: StepSummary, k: int) -> str:
    """The votes of one step, choice by choice, protected as every count of people in the reports."""
    shown = protect(pd.Series([n for _, n in step.split]), k, total_known=True)
    return " · ".join(f"{text}: {shown[i]}" for i, (text, _) in enumerate(step.split))


def room_case_overview(played: RoomCaseSummary) -> str:
    """One sentence: how far the room went, how often as recommended, where the facilitator chose otherwise."""
    n = len(played.steps)
    parts = [
        f"{'1 passo deciso' if n == 1 else f'{n} passi decisi'}, {played.as_recommended} come nel percorso consigliato"
    ]
    if played.overridden:
        where = ", ".join(str(i) for i in played.overridden)
        parts.append(
            f"{'al passo' if len(played.overridden) == 1 else 'ai passi'} {where} chi conduce ha confermato "
            "una scelta diversa da quella più votata"
        )
    else:
        parts.append("a ogni passo con voti è stata confermata la scelta più votata")
    parts.append(f"finale: {played.ending}" if played.ending else "il caso non è arrivato a un finale")
    return "; ".join(parts) + "."


def room_case_frame(played: RoomCaseSummary, k: int) -> pd.DataFrame:
    """The room's path beside the recommended one, step by step: votes and who decided, no names."""
    from abitare.practice.roomcase import DECISIONS

    return pd.DataFrame(
        [
            (
                str(s.number),
                s.chosen,
                "la stessa" if s.as_recommended else (s.recommended or "(il percorso consigliato è già finito)"),
                _split(s, k) if s.split else "nessun voto",
                small(s.voters, k),
                DECISIONS[s.decision],
            )
            for s in played.steps
        ],
        columns=["Passo", "Scelta della sala", "Percorso consigliato", "Voti per scelta", "Votanti", "Decisione"],
    )


def _room_case(report: Report, played: RoomCaseSummary, k: int) -> None:
    report.heading(f"Caso giocato dalla sala: {played.title}")
    overview = room_case_overview(played)
    report.text(overview[0].upper() + overview[1:])
    report.table(room_case_frame(played, k), "Il percorso della sala e quello consigliato")


def _field(report: Report, s: FieldSummary, k: int, anonimo: bool) -> None:
    """One field of the worksheet: its answers counted, averaged, ranked or quoted, as the field's kind asks."""
    report.heading(s.spec.label)
    report.text(f"Risposte: {s.answered if s.answered >= k or not s.answered else f'meno di {k}'}")
    if s.counts:
        keys = (
            [str(v) for v in range(s.spec.scale_min, s.spec.scale_max + 1)]
            if s.spec.type == "scale"
            else list(s.spec.options)
        )
        counts = pd.Series(Counter(s.counts)).reindex(keys, fill_value=0)
        report.table(count_table(counts, label="Risposta", threshold=k, order=keys), s.spec.label)
        distribution_chart(report, counts, s.spec.label, s.spec.label, k, horizontal=True)
    if s.mean is not None:
        report.text(f"Media: {fmt(s.mean, 1)}" if s.answered >= k else f"Media: non mostrata (meno di {k} risposte)")
    if s.ranking:
        report.table(
            pd.DataFrame(
                [(i, label, points) for i, (label, points) in enumerate(s.ranking, 1)],
                columns=["Posizione", "Voce", "Punti"],
            ),
            "Classifica complessiva",
        )
    if s.texts:
        columns = ["Risposta"] if anonimo else ["Risposta", "Partecipante"]
        data = [(t,) if anonimo else (t, w) for w, t in s.texts]
        report.table(pd.DataFrame(data, columns=columns), "Risposte scritte")
    if s.cells:
        report.table(
            pd.DataFrame(
                [(c.replace("|", " / "), "; ".join(t for _, t in items)) for c, items in s.cells.items()],
                columns=["Casella", "Contenuti"],
            ),
            "Contenuti per casella",
        )
    if s.actors:
        x, y = s.spec.columns
        report.table(
            pd.DataFrame(
                [
                    (a, fmt(vx, 1), fmt(vy, 1), fmt(n)) if n >= k else (a, "–", "–", suppressed(k))
                    for a, vx, vy, n in s.actors
                ],
                columns=["Attore", x, y, "Indicato da"],
            ),
            "Mappa degli attori",
        )
    if s.actions:
        report.table(
            pd.DataFrame(
                [(r["azione"], r["chi"], r["entro"]) for _, r in s.actions], columns=["Azione", "Chi", "Entro"]
            ),
            "Piano d'azione",
        )
