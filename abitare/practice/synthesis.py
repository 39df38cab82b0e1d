"""What a session's answers add up to, field by field, and its exports (CSV, XLSX, Markdown, HTML).

Everything a participant typed is escaped wherever it is shown to someone else:
here in the HTML export and the board, with Markdown special characters escaped
in the Markdown export.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any

from abitare.exports_safety import safe_csv_writer
from abitare.numbers import number
from abitare.practice.sessions import AnswerRow, Session
from abitare.practice.worksheets import FieldSpec, Worksheet

__all__ = [
    "FieldSummary",
    "summarize",
    "to_csv",
    "to_html",
    "to_markdown",
    "to_xlsx",
]


@dataclass
class FieldSummary:
    spec: FieldSpec
    answered: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    mean: float | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)  # (who, text)
    ranking: list[tuple[str, int]] = field(default_factory=list)  # merged (Borda points)
    cells: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    actors: list[tuple[str, float, float, int]] = field(default_factory=list)  # name, mean x, mean y, votes
    actions: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def _as_text(value: Any) -> str:
    """A stored value as one line of text (for CSV and the participant list)."""
    if isinstance(value, list):
        return " | ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return " | ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def summarize(worksheet: Worksheet, rows: list[AnswerRow], anonymous: bool = False) -> list[FieldSummary]:
    """Per field: counts, means, grouped texts, merged rankings, cells, actors, actions."""
    by_field: dict[str, list[AnswerRow]] = defaultdict(list)
    for r in rows:
        by_field[r.field_id].append(r)
    out = []
    for spec in worksheet.data.fields:
        s = FieldSummary(spec)
        given = [r for r in by_field.get(spec.id, []) if r.value not in (None, "", [], {})]
        s.answered = len(given)
        who = (lambda r: "") if anonymous else (lambda r: r.member)
        kind = spec.type
        if kind == "scale":
            values = [int(r.value) for r in given]
            s.counts = Counter(str(v) for v in values)
            s.mean = sum(values) / len(values) if values else None
        elif kind == "single":
            s.counts = Counter(str(r.value) for r in given)
        elif kind == "multiple":
            s.counts = Counter(v for r in given for v in r.value)
        elif kind == "ranking":
            points: Counter[str] = Counter()
            for r in given:
                for place, option in enumerate(r.value):
                    points[option] += len(spec.options) - place
            s.ranking = sorted(points.items(), key=lambda kv: (-kv[1], spec.options.index(kv[0])))
        elif kind in ("short_text", "long_text"):
            s.texts = [(who(r), str(r.value)) for r in given]
        elif kind == "list":
            s.texts = [(who(r), item) for r in given for item in r.value if item.strip()]
        elif kind == "matrix":
            for r in given:
                for cell, text in r.value.items():
                    if text.strip():
                        s.cells[cell].append((who(r), text))
        elif kind == "stakeholders":
            grouped: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
            for r in given:
                for item in r.value:
                    grouped[" ".join(item["attore"].split()).casefold()].append((item["attore"], item["x"], item["y"]))
            s.actors = sorted(
                (
                    (
                        entries[0][0],
                        sum(e[1] for e in entries) / len(entries),
                        sum(e[2] for e in entries) / len(entries),
                        len(entries),
                    )
                    for entries in grouped.values()
                ),
                key=lambda a: (-a[3], a[0].casefold()),
            )
        elif kind == "action_plan":
            s.actions = [(who(r), row) for r in given for row in r.value]
        out.append(s)
    return out


def to_csv(
    worksheet: Worksheet,
    rows: list[AnswerRow],
    anonymous: bool = False,
    marks: dict[tuple[str, str], str] | None = None,
) -> str:
    """One row per participant and field; with ``marks`` (the live session's moderation of
    free text, see :func:`abitare.practice.room.export_marks`) a last column says what the room saw."""
    labels = {f.id: f.label for f in worksheet.data.fields}
    out = io.StringIO()
    writer = safe_csv_writer(out)  # a cell that starts like a formula gets an apostrophe (also in the XLSX)
    writer.writerow(
        ["partecipante", "campo", "domanda", "risposta", "aggiornata"] + (["moderazione"] if marks is not None else [])
    )
    for r in rows:
        writer.writerow(
            [
                "" if anonymous else r.member,
                r.field_id,
                labels.get(r.field_id, r.field_id),
                _as_text(r.value),
                r.updated_at.isoformat(timespec="seconds"),
            ]
            + ([marks.get((r.member, r.field_id), "")] if marks is not None else [])
        )
    return out.getvalue()


def to_xlsx(
    worksheet: Worksheet,
    rows: list[AnswerRow],
    anonymous: bool = False,
    marks: dict[tuple[str, str], str] | None = None,
) -> bytes:
    """One sheet of answers (one row per participant and field)."""
    import pandas as pd

    frame = pd.read_csv(io.StringIO(to_csv(worksheet, rows, anonymous, marks)), sep=";", dtype=str).fillna("")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Risposte")
    return buffer.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def _md(text: str) -> str:
    """Participant text made inert in Markdown: specials escaped, no line breaks, no HTML."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _who(name: str) -> str:
    return f" ({name})" if name else ""


def to_markdown(worksheet: Worksheet, session: Session, summaries: list[FieldSummary]) -> str:
    lines = [
        f"# {_md(session.title)}",
        "",
        f"Scheda: {_md(worksheet.title)} · {session.session_date:%d/%m/%Y}",
        "",
    ]
    for s in summaries:
        lines += [f"## {_md(s.spec.label)}", "", f"Risposte: {s.answered}", ""]
        lines += [f"- {_md(k)}: {v}" for k, v in s.counts.most_common()]
        if s.mean is not None:
            lines.append(f"- Media: {number(s.mean, 1)}")
        lines += [f"{i}. {_md(k)} ({v} punti)" for i, (k, v) in enumerate(s.ranking, start=1)]
        lines += [f"- {_md(t)}{_md(_who(w))}" for w, t in s.texts]
        for cell, items in s.cells.items():
            lines.append(f"- **{_md(cell.replace('|', ' / '))}**: " + "; ".join(_md(t) for _, t in items))
        lines += [f"- {_md(a)}: {number(x, 1)} / {number(y, 1)} ({n})" for a, x, y, n in s.actors]
        lines += [f"- {_md(r['azione'])} – {_md(r['chi'])} – {_md(r['entro'])}{_md(_who(w))}" for w, r in s.actions]
        lines.append("")
    return "\n".join(lines)


def field_html(s: FieldSummary) -> str:
    """One field of the board or of the HTML export; every participant text escaped."""
    parts = [f"<h3>{escape(s.spec.label)}</h3><p class='abitare-meta'>Risposte: {s.answered}</p>"]
    if s.counts:
        top = max(s.counts.values())
        keys = (
            [str(v) for v in range(s.spec.scale_min, s.spec.scale_max + 1)]
            if s.spec.type == "scale"
            else [o for o in s.spec.options]
        )
        rows = "".join(
            f"<tr><th scope='row'>{escape(k)}</th><td><span class='abitare-hbar' "
            f"style='width:{round(120 * s.counts.get(k, 0) / top)}px'></span> {s.counts.get(k, 0)}</td></tr>"
            for k in keys
        )
        parts.append(f"<table class='abitare-counts'>{rows}</table>")
    if s.mean is not None:
        parts.append(f"<p>Media: <strong>{number(s.mean, 1)}</strong></p>")
    if s.ranking:
        parts.append(
            "<ol>"
            + "".join(f"<li>{escape(k)} <span class='abitare-meta'>({v} punti)</span></li>" for k, v in s.ranking)
            + "</ol>"
        )
    if s.texts:
        parts.append(
            "<ul class='abitare-texts'>"
            + "".join(
                # <bdi>: a direction mark typed in a text (U+202E) cannot turn round the name after it
                f"<li><bdi>{escape(t)}</bdi>"
                + (f" <span class='abitare-meta'>– <bdi>{escape(w)}</bdi></span>" if w else "")
                + "</li>"
                for w, t in s.texts
            )
            + "</ul>"
        )
    if s.cells:
        cells = []
        for row in s.spec.rows:
            tds = "".join(
                "<td><ul>" + "".join(f"<li>{escape(t)}</li>" for _, t in s.cells.get(f"{row}|{col}", [])) + "</ul></td>"
                for col in s.spec.columns
            )
            cells.append(f"<tr><th scope='row'>{escape(row)}</th>{tds}</tr>")
        head = "".join(f"<th>{escape(c)}</th>" for c in s.spec.columns)
        parts.append(
            f"<table class='abitare-matrix'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(cells)}</tbody></table>"
        )
    if s.actors:
        x, y = s.spec.columns
        parts.append(
            f"<table><thead><tr><th>Attore</th><th>{escape(x)}</th><th>{escape(y)}</th>"
            "<th>Indicato da</th></tr></thead><tbody>"
            + "".join(
                f"<tr><td>{escape(a)}</td><td>{number(vx, 1)}</td><td>{number(vy, 1)}</td><td>{n}</td></tr>"
                for a, vx, vy, n in s.actors
            )
            + "</tbody></table>"
        )
    if s.actions:
        parts.append(
            "<table><thead><tr><th>Azione</th><th>Chi</th><th>Entro</th></tr></thead><tbody>"
            + "".join(
                f"<tr><td>{escape(r['azione'])}</td><td>{escape(r['chi'])}</td><td>{escape(r['entro'])}</td></tr>"
                for _, r in s.actions
            )
            + "</tbody></table>"
        )
    return "<section class='abitare-field-summary'>" + "".join(parts) + "</section>"


def to_html(worksheet: Worksheet, session: Session, summaries: list[FieldSummary]) -> str:
    """A self-contained HTML synthesis of the session."""
    body = "".join(field_html(s) for s in summaries)
    return (
        "<!DOCTYPE html><html lang='it'><head><meta charset='utf-8'>"
        f"<title>{escape(session.title)}</title><style>body{{font-family:sans-serif;margin:2rem;max-width:60rem}}"
        "table{border-collapse:collapse}th,td{border:1px solid #bbb;padding:.3rem .5rem;vertical-align:top}"
        ".abitare-hbar{display:inline-block;height:.8rem;background:#1d5c8f}</style></head><body>"
        f"<h1>{escape(session.title)}</h1><p>Scheda: {escape(worksheet.title)} · {session.session_date:%d/%m/%Y}</p>"
        f"{body}</body></html>"
    )
