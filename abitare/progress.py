"""What each participant has done: who they are, where they are, what they answered.

Every write is one transaction, committed before the call returns, so what a
trainee did is on disk the moment the page says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from abitare.errors import StorageError, database_errors
from abitare.identity import display_code, normalize_code
from abitare.settings import Settings
from abitare.storage import (
    answers,
    check_ready,
    lesson_progress,
    make_engine,
    participants,
    progress,
    quiz_attempts,
)

__all__ = ["ANSWER_COLUMNS", "AnswerRecord", "Attempt", "Participant", "ProgressStore", "open_store"]

log = logging.getLogger(__name__)

#: The columns an :class:`AnswerRecord` is read from (:func:`answer_record`).
ANSWER_COLUMNS = (
    answers.c.question_id,
    answers.c.choice,
    answers.c.correct,
    answers.c.answered_at,
    answers.c.attempt,
    answers.c.value,
    answers.c.inputs,
)


@dataclass(frozen=True)
class Participant:
    id: int
    code: str
    display_name: str


@dataclass(frozen=True)
class AnswerRecord:
    """One stored answer: option indexes as the YAML lists them (never shown positions), or for a
    calculated question the number typed (``value``) and the values it was asked with (``inputs``)."""

    question_id: str
    choice: tuple[int, ...]
    correct: bool
    answered_at: datetime
    attempt: int = 1
    value: float | None = None
    inputs: dict[str, Any] | None = None


@dataclass(frozen=True)
class Attempt:
    """An attempt at a module's quiz: its number (from 1) and the questions drawn for it
    (``None`` for an attempt stored before questions were drawn: every question)."""

    number: int
    items: tuple[str, ...] | None
    started_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


_RETRY = "Riprova tra poco; se il problema continua, avvisa chi tiene il corso."


def _database(failure: str) -> AbstractContextManager[None]:
    """A database failure inside the block becomes an Italian StorageError saying ``failure``."""
    return database_errors(f"{failure} {_RETRY}", log)


def _set_position(conn: Connection, participant_id: int, module_id: str, position: str) -> None:
    now = _now()
    where = (progress.c.participant_id == participant_id, progress.c.module_id == module_id)
    done = conn.execute(update(progress).where(*where).values(position=position, updated_at=now))
    if not done.rowcount:
        conn.execute(
            insert(progress).values(
                participant_id=participant_id, module_id=module_id, position=position, updated_at=now
            )
        )


def _mark_lesson(conn: Connection, participant_id: int, module_id: str, lesson_id: str, seconds: float) -> None:
    add = int(min(max(seconds, 0), MAX_SECONDS_PER_VISIT))
    where = (
        lesson_progress.c.participant_id == participant_id,
        lesson_progress.c.module_id == module_id,
        lesson_progress.c.lesson_id == lesson_id,
    )
    done = conn.execute(
        update(lesson_progress).where(*where).values(seconds_spent=lesson_progress.c.seconds_spent + add)
    )
    if not done.rowcount:
        conn.execute(
            insert(lesson_progress).values(
                participant_id=participant_id,
                module_id=module_id,
                lesson_id=lesson_id,
                first_read_at=_now(),
                seconds_spent=add,
            )
        )


class ProgressStore:
    """Reads and writes participants, positions and answers on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def identify(self, raw_code: str, *, trusted: bool = False) -> Participant:
        """The participant with this code, created on first use.

        ``trusted`` is for names that come from JupyterHub rather than from a form.
        Raises :class:`~abitare.errors.ParticipantCodeError` for an unusable code.
        """
        code = normalize_code(raw_code, trusted=trusted)
        shown = display_code(raw_code)
        now = _now()
        with _database("Non è stato possibile registrare il tuo codice."):
            for _attempt in range(2):  # a concurrent first visit may win the insert
                with self.engine.begin() as conn:
                    row = conn.execute(
                        select(participants.c.id, participants.c.display_name).where(participants.c.code == code)
                    ).first()
                    if row is not None:
                        conn.execute(update(participants).where(participants.c.id == row.id).values(last_seen_at=now))
                        return Participant(row.id, code, row.display_name)
                    try:
                        new_id = conn.execute(
                            insert(participants)
                            .values(code=code, display_name=shown, created_at=now, last_seen_at=now)
                            .returning(participants.c.id)
                        ).scalar_one()
                    except IntegrityError:
                        conn.rollback()
                        continue
                    log.info("new participant %s", new_id)
                    return Participant(new_id, code, shown)
        raise StorageError(f"Non è stato possibile registrare il tuo codice. {_RETRY}")

    def record_answer(
        self,
        participant_id: int,
        module_id: str,
        question_id: str,
        choice: Iterable[int],
        correct: bool,
        *,
        attempt: int = 1,
        value: float | None = None,
        inputs: dict[str, Any] | None = None,
    ) -> AnswerRecord:
        """Store one answer (every answer is kept; the latest of an attempt counts)."""
        # the order matters for 'ordering' questions; other widgets give indexes in order
        record = AnswerRecord(
            question_id, tuple(choice), bool(correct), _now(), attempt, value, dict(inputs) if inputs else None
        )
        with _database("La risposta non è stata salvata."), self.engine.begin() as conn:
            conn.execute(
                insert(answers).values(
                    participant_id=participant_id,
                    module_id=module_id,
                    question_id=question_id,
                    choice=list(record.choice),
                    correct=record.correct,
                    answered_at=record.answered_at,
                    attempt=attempt,
                    value=value,
                    inputs=record.inputs,
                )
            )
        return record

    def all_answers(self, participant_id: int, module_id: str) -> list[AnswerRecord]:
        """Every answer given in a module, oldest first."""
        stmt = (
            select(*ANSWER_COLUMNS)
            .where(answers.c.participant_id == participant_id, answers.c.module_id == module_id)
            .order_by(answers.c.id)
        )
        with _database("Non è stato possibile leggere le tue risposte."), self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [answer_record(r) for r in rows]

    def latest_answers(self, participant_id: int, module_id: str) -> dict[str, AnswerRecord]:
        """The last answer to each question of a module (whatever the attempt)."""
        return {r.question_id: r for r in self.all_answers(participant_id, module_id)}

    def quiz_attempts(self, participant_id: int, module_id: str) -> list[Attempt]:
        """The attempts at a module's quiz, first to last."""
        stmt = (
            select(quiz_attempts.c.attempt, quiz_attempts.c["items"], quiz_attempts.c.started_at)
            .where(quiz_attempts.c.participant_id == participant_id, quiz_attempts.c.module_id == module_id)
            .order_by(quiz_attempts.c.attempt)
        )
        with _database("Non è stato possibile leggere i tuoi tentativi."), self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [
            Attempt(r.attempt, None if r._mapping["items"] is None else tuple(r._mapping["items"]), r.started_at)
            for r in rows
        ]

    def start_attempt(self, participant_id: int, module_id: str, number: int, items: list[str] | None) -> Attempt:
        """Store attempt ``number`` with the questions drawn for it; an attempt already stored
        with that number (another page of the same participant) is kept as it is."""
        attempt = Attempt(number, None if items is None else tuple(items), _now())
        with _database("Non è stato possibile iniziare la verifica."):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(quiz_attempts).values(
                            participant_id=participant_id,
                            module_id=module_id,
                            attempt=number,
                            items=items,
                            started_at=attempt.started_at,
                        )
                    )
            except IntegrityError:
                log.info("attempt %s of %s already started", number, module_id)
        return attempt

    def set_position(self, participant_id: int, module_id: str, position: str) -> None:
        """Remember where the participant is in a module."""
        with _database("Non è stato possibile salvare il punto raggiunto."), self.engine.begin() as conn:
            _set_position(conn, participant_id, module_id, position)

    def mark_lesson(self, participant_id: int, module_id: str, lesson_id: str, seconds: float = 0) -> None:
        """Record that a lesson was read, adding ``seconds`` of reading (capped per visit)."""
        with _database("Non è stato possibile salvare la lezione letta."), self.engine.begin() as conn:
            _mark_lesson(conn, participant_id, module_id, lesson_id, seconds)

    def record_move(
        self,
        participant_id: int,
        module_id: str,
        position: str,
        *,
        left: tuple[str, float] | None = None,
        opened: str | None = None,
    ) -> None:
        """One step through a module, in one transaction: the reading time of the lesson ``left``
        (lesson id, seconds), the lesson ``opened`` marked read, and the new ``position``."""
        with _database("Non è stato possibile salvare il punto raggiunto."), self.engine.begin() as conn:
            if left is not None:
                _mark_lesson(conn, participant_id, module_id, left[0], left[1])
            if opened is not None:
                _mark_lesson(conn, participant_id, module_id, opened, 0)
            _set_position(conn, participant_id, module_id, position)

    def lessons_read(self, participant_id: int, module_id: str) -> dict[str, int]:
        """Lessons of a module the participant has opened, with the seconds spent on each."""
        stmt = select(lesson_progress.c.lesson_id, lesson_progress.c.seconds_spent).where(
            lesson_progress.c.participant_id == participant_id, lesson_progress.c.module_id == module_id
        )
        with _database("Non è stato possibile leggere le lezioni lette."), self.engine.connect() as conn:
            return {r.lesson_id: int(r.seconds_spent) for r in conn.execute(stmt)}

    def get_position(self, participant_id: int, module_id: str) -> str | None:
        """Where the participant was in a module, or None on a first visit."""
        stmt = select(progress.c.position).where(
            progress.c.participant_id == participant_id, progress.c.module_id == module_id
        )
        with _database("Non è stato possibile recuperare il punto raggiunto."), self.engine.connect() as conn:
            return conn.execute(stmt).scalar()


def answer_record(row: Any) -> AnswerRecord:
    """An :class:`AnswerRecord` from a row of the answers table."""
    return AnswerRecord(
        row.question_id,
        tuple(row.choice),
        bool(row.correct),
        row.answered_at,
        int(row.attempt),
        None if row.value is None else float(row.value),
        dict(row.inputs) if row.inputs else None,
    )


#: Longest time one visit to a lesson may add: a page left open overnight is not study time.
MAX_SECONDS_PER_VISIT = 20 * 60


#: one engine per database in a process: a page kernel shows many views, and each view
#: opening its own engine (and connection pool) would cost time and memory on every move
_ENGINES: dict[tuple[str, int], Engine] = {}


def open_store(settings: Settings) -> ProgressStore:
    """A store on the configured database, after checking (once) that its schema is current."""
    key = (settings.database_url, settings.sqlite_busy_timeout_ms)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
        check_ready(engine)
        _ENGINES[key] = engine
    return ProgressStore(engine)
