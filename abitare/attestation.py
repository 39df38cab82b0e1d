"""A printable, self-contained HTML attestation of the modules a participant completed."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from abitare.summary import CourseSummary
from abitare.text import minutes_label

__all__ = ["attestation_html"]

_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; margin: 2.5cm; color: #111; }
h1 { font-size: 22pt; margin-bottom: .2em; }
.sub { font-size: 12pt; color: #333; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 1.5em 0; font-size: 11pt; }
th, td { border: 1px solid #999; padding: .4em .6em; text-align: left; }
.foot { font-size: 10pt; color: #444; margin-top: 2em; }
@media print { body { margin: 1.5cm; } }
"""


def attestation_html(summary: CourseSummary, course_title: str, now: datetime | None = None) -> str:
    """The attestation as one HTML file (no external resources), ready to print or save as PDF."""
    when = (now or datetime.now(UTC)).astimezone()
    done = summary.completed
    rows = "".join(
        "<tr>"
        f"<td>{escape(m.module.title)}</td>"
        f"<td>{m.completed_at.astimezone():%d/%m/%Y}</td>"
        f"<td>{m.correct} su {m.questions_total} ({m.score_percent}%)</td>"
        f"<td>{m.module.estimated_minutes} minuti</td>"
        "</tr>"
        for m in done
        if m.completed_at is not None
    )
    body = (
        f"<table><thead><tr><th>Modulo</th><th>Completato il</th><th>Risposte corrette</th>"
        f"<th>Durata prevista</th></tr></thead><tbody>{rows}</tbody></table>"
        if done
        else "<p>Nessun modulo è ancora stato completato.</p>"
    )
    return (
        '<!DOCTYPE html><html lang="it"><head><meta charset="utf-8">'
        f"<title>Attestato di partecipazione – {escape(summary.participant.display_name)}</title>"
        f"<style>{_CSS}</style></head><body>"
        "<h1>Attestato di partecipazione</h1>"
        f'<p class="sub">{escape(course_title)} – progetto «Carriera abitativa di ambito», '
        "Ambito Sud Est Milano</p>"
        f"<p>Si attesta che <strong>{escape(summary.participant.display_name)}</strong> ha completato "
        f"{len(done)} {'modulo' if len(done) == 1 else 'moduli'} su {len(summary.modules)} del corso, "
        "leggendo tutte le lezioni e rispondendo a tutte le domande della verifica finale.</p>"
        f"{body}"
        f'<p class="foot">Tempo di studio registrato: {minutes_label(summary.seconds)}. '
        f"Documento generato il {when:%d/%m/%Y alle %H:%M}. Il nome indicato è il codice "
        "partecipante scelto da chi ha seguito il corso.</p>"
        "</body></html>"
    )
