"""What the room sees of a live session, as the facilitator decides it.

Per field: whether its results are shown to the room (hidden until revealed) and a
timer. Per free-text contribution (a short or long text, or one item of a list): the
facilitator's decision — approved, hidden, or merged into another contribution of the
same field — before it reaches the projected view. A decision holds for the text it was
taken on: when a participant rewrites a contribution it goes back to the queue. Hidden
text is never deleted: the exports keep it, marked. Which field is on the wall is kept
too, so a reload of the projection comes back to it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from abitare.errors import AbitareError
from abitare.practice.sessions import AnswerRow, Session
from abitare.practice.synthesis import FieldSummary
from abitare.practice.worksheets import Worksheet
from abitare.storage import (
    worksheet_answers,
    worksheet_field_state,
    worksheet_members,
    worksheet_moderation,
    worksheet_sessions,
)

__all__ = [
    "FREE_TEXT",
    "STATUS_LABELS",
    "WALL_PAGES",
    "Contribution",
    "FieldState",
    "RoomStore",
    "export_marks",
    "mark_merged",
    "marked_rows",
    "moderated_rows",
]

#: field types whose text goes through the moderation queue
FREE_TEXT = ("short_text", "long_text", "list")
#: how a decision reads in the exports and on the board
STATUS_LABELS = {"pending": "in attesa", "approved": "approvata", "hidden": "nascosta", "merged": "unita"}
MAX_TIMER_SECONDS = 2 * 60 * 60
#: pages of the wall after the worksheet's fields: the ideas wall, the questions, the room's case
WALL_PAGES = {"__idee": "idea", "__domande": "question", "__caso": "case"}


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(when: datetime | None) -> datetime | None:
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=UTC)  # SQLite hands back naive datetimes


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FieldState:
    revealed: bool = False
    timer_ends_at: datetime | None = None

    def remaining(self, now: datetime | None = None) -> float | None:
        """Seconds left on the timer (0 when it ran out), None when no timer is set."""
        if self.timer_ends_at is None:
            return None
        return max(0.0, (self.timer_ends_at - (now or _now())).total_seconds())


@dataclass(frozen=True)
class Contribution:
    """One free-text contribution and the decision on it (``pending`` when there is none)."""

    id: int | None  # the decision's row, None while pending
    member_id: int
    member: str
    field_id: str
    position: int
    text: str
    status: str = "pending"
    merged_into: int | None = None

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.member_id, self.field_id, self.position)


def _items(kind: str, value: Any) -> list[str]:
    if kind == "list":
        return [str(v) for v in value or []]
    return [str(value)] if isinstance(value, str) and value.strip() else []


class RoomStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _db(self, failure: str) -> Any:
        from abitare.progress import _database

        return _database(failure)

    # --- reveal and timers ------------------------------------------------------------

    def field_states(self, session: Session) -> dict[str, FieldState]:
        with self._db("Non è stato possibile leggere lo stato della sessione."):
            return self.read_states(session)

    def read_states(self, session: Session) -> dict[str, FieldState]:
        """:meth:`field_states` raising SQLAlchemy's own errors, unlogged (for a page that polls)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    worksheet_field_state.c.field_id,
                    worksheet_field_state.c.revealed,
                    worksheet_field_state.c.timer_ends_at,
                ).where(worksheet_field_state.c.session_id == session.id)
            ).all()
        return {r.field_id: FieldState(bool(r.revealed), _aware(r.timer_ends_at)) for r in rows}

    def _set(self, session: Session, field_id: str, **values: Any) -> None:
        values["updated_at"] = _now()
        with self._db("Non è stato possibile cambiare lo stato del campo."):
            for _ in range(2):
                with self.engine.begin() as conn:
                    where = (
                        worksheet_field_state.c.session_id == session.id,
                        worksheet_field_state.c.field_id == field_id,
                    )
                    if conn.execute(update(worksheet_field_state).where(*where).values(**values)).rowcount:
                        return
                    try:
                        with conn.begin_nested():
                            conn.execute(
                                insert(worksheet_field_state).values(session_id=session.id, field_id=field_id, **values)
                            )
                        return
                    except IntegrityError:  # the facilitator's other window inserted first
                        continue

    def set_revealed(self, worksheet: Worksheet, session: Session, field_id: str, revealed: bool) -> None:
        worksheet.field(field_id)
        self._set(session, field_id, revealed=revealed)

    def start_timer(self, worksheet: Worksheet, session: Session, field_id: str, seconds: int) -> datetime:
        worksheet.field(field_id)
        if not 0 < seconds <= MAX_TIMER_SECONDS:
            raise AbitareError("Il timer va da 1 secondo a 2 ore.")
        ends = _now() + timedelta(seconds=seconds)
        self._set(session, field_id, timer_ends_at=ends)
        return ends

    def stop_timer(self, worksheet: Worksheet, session: Session, field_id: str) -> None:
        worksheet.field(field_id)
        self._set(session, field_id, timer_ends_at=None)

    # --- the field on the wall ----------------------------------------------------------

    def projected(self, session: Session) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                select(worksheet_sessions.c.projected_field).where(worksheet_sessions.c.id == session.id)
            ).scalar_one_or_none()

    def set_projected(self, worksheet: Worksheet, session: Session, field_id: str) -> None:
        """A field of the worksheet, or one of the room's walls (:data:`WALL_PAGES`)."""
        if field_id not in WALL_PAGES:
            worksheet.field(field_id)
        with self._db("Non è stato possibile cambiare il campo proiettato."), self.engine.begin() as conn:
            conn.execute(
                update(worksheet_sessions).where(worksheet_sessions.c.id == session.id).values(projected_field=field_id)
            )

    # --- moderation ---------------------------------------------------------------------

    def contributions(self, worksheet: Worksheet, session: Session) -> list[Contribution]:
        """Every free-text contribution with its decision, in the order members joined."""
        kinds = {f.id: f.type for f in worksheet.data.fields if f.type in FREE_TEXT}
        with self._db("Non è stato possibile leggere le risposte della sessione."), self.engine.connect() as conn:
            answers = conn.execute(
                select(
                    worksheet_members.c.id,
                    worksheet_members.c.display_name,
                    worksheet_answers.c.field_id,
                    worksheet_answers.c.value,
                )
                .join(worksheet_members, worksheet_members.c.id == worksheet_answers.c.member_id)
                .where(worksheet_members.c.session_id == session.id)
                .order_by(worksheet_members.c.joined_at, worksheet_answers.c.field_id)
            ).all()
            decisions = {
                (d.member_id, d.field_id, d.position): d
                for d in conn.execute(
                    select(worksheet_moderation).where(worksheet_moderation.c.session_id == session.id)
                ).all()
            }
        out = []
        for a in answers:
            kind = kinds.get(a.field_id)
            if kind is None:
                continue
            for position, text in enumerate(_items(kind, a.value)):
                if not text.strip():
                    continue
                c = Contribution(None, a.id, a.display_name, a.field_id, position, text)
                d = decisions.get(c.key)
                if d is not None and d.text_hash == _hash(text):
                    c = replace(c, id=d.id, status=d.status, merged_into=d.merged_into)
                out.append(c)
        return out

    def decide(
        self, session: Session, contribution: Contribution, status: str, into: Contribution | None = None
    ) -> None:
        """Approve, hide or merge (into another, approved contribution of the same field)."""
        if status not in ("approved", "hidden", "merged", "pending"):
            raise AbitareError("Decisione non prevista.")
        merged_into = None
        if status == "merged":
            if (
                into is None
                or into.field_id != contribution.field_id
                or into.id is None
                or into.key == contribution.key
            ):
                raise AbitareError("Si può unire solo a un altro contributo già approvato della stessa domanda.")
            merged_into = into.id
        where = (
            worksheet_moderation.c.member_id == contribution.member_id,
            worksheet_moderation.c.field_id == contribution.field_id,
            worksheet_moderation.c.position == contribution.position,
        )
        values = {
            "text_hash": _hash(contribution.text),
            "status": status,
            "merged_into": merged_into,
            "decided_at": _now(),
        }
        with self._db("Non è stato possibile salvare la decisione."), self.engine.begin() as conn:
            if status == "pending":
                conn.execute(delete(worksheet_moderation).where(*where))
                return
            if not conn.execute(update(worksheet_moderation).where(*where).values(**values)).rowcount:
                conn.execute(
                    insert(worksheet_moderation).values(
                        session_id=session.id,
                        member_id=contribution.member_id,
                        field_id=contribution.field_id,
                        position=contribution.position,
                        **values,
                    )
                )


def moderated_rows(
    worksheet: Worksheet, rows: list[AnswerRow], contributions: list[Contribution]
) -> tuple[list[AnswerRow], dict[tuple[str, str], int]]:
    """The answers as the room may see them: free text only where approved.

    Returns the rows and, for each approved text (field, text), how many merged into it
    (so the wall can say "e altre 2 simili").
    """
    kinds = {f.id: f.type for f in worksheet.data.fields}
    by_key = {(c.member, c.field_id, c.position): c for c in contributions}
    by_id = {c.id: c for c in contributions if c.id is not None}
    merged: dict[tuple[str, str], int] = defaultdict(int)
    for c in contributions:
        if c.status == "merged" and c.merged_into in by_id:
            target = by_id[c.merged_into]
            merged[(target.field_id, target.text)] += 1
    out = []
    for r in rows:
        kind = kinds.get(r.field_id)
        if kind not in FREE_TEXT:
            out.append(r)
            continue
        kept = [
            text
            for position, text in enumerate(_items(kind, r.value))
            if (found := by_key.get((r.member, r.field_id, position))) is not None and found.status == "approved"
        ]
        if kind == "list":
            out.append(replace(r, value=kept))
        elif kept:
            out.append(replace(r, value=kept[0]))
    return out, dict(merged)


def mark_merged(summary: FieldSummary, merged: dict[tuple[str, str], int]) -> FieldSummary:
    """Say beside each approved text how many similar ones were merged into it."""
    summary.texts = [
        (who, f"{text} (+{merged[(summary.spec.id, text)]} simili)" if (summary.spec.id, text) in merged else text)
        for who, text in summary.texts
    ]
    return summary


_EXPORT_MARK = {"hidden": "nascosta alla proiezione", "merged": "unita a un contributo simile"}


def marked_rows(worksheet: Worksheet, rows: list[AnswerRow], contributions: list[Contribution]) -> list[AnswerRow]:
    """All the answers, with hidden and merged free text marked (for the Markdown and HTML exports)."""
    kinds = {f.id: f.type for f in worksheet.data.fields}
    by_key = {(c.member, c.field_id, c.position): c for c in contributions}
    out = []
    for r in rows:
        kind = kinds.get(r.field_id)
        if kind not in FREE_TEXT:
            out.append(r)
            continue
        texts = []
        for position, text in enumerate(_items(kind, r.value)):
            c = by_key.get((r.member, r.field_id, position))
            mark = _EXPORT_MARK.get(c.status) if c else None
            texts.append(f"{text} [{mark}]" if mark else text)
        out.append(replace(r, value=texts if kind == "list" else (texts[0] if texts else r.value)))
    return out


def export_marks(contributions: list[Contribution]) -> dict[tuple[str, str], str]:
    """Per (member, field): the moderation of each contribution, for the CSV and XLSX exports."""
    marks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in contributions:
        marks[(c.member, c.field_id)].append(STATUS_LABELS[c.status])
    return {key: " | ".join(values) for key, values in marks.items()}
