"""What a facilitator sees of the class: progress per module, per-question statistics (with drawn
questions, over the participants who were shown each question) and the questions most often missed."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select

from abitare.cases.schema import Case
from abitare.content import INPUT_PLACEHOLDER, Module
from abitare.exports_safety import safe_csv_writer
from abitare.practice.roomcase import RoomCaseStore, RoomCaseSummary
from abitare.practice.sessions import SessionStore
from abitare.progress import ANSWER_COLUMNS, AnswerRecord, Attempt, Participant, answer_record
from abitare.quizbank import format_input, graded, items_of, quiz_state
from abitare.storage import answers, lesson_progress, participants, quiz_attempts, room_case_runs
from abitare.summary import ModuleSummary

__all__ = ["AnswerRow", "ClassReport", "QuestionStat", "SessionCases", "class_report", "room_cases"]


@dataclass(frozen=True)
class QuestionStat:
    """How the class did on one question: ``shown`` participants had it in one of their
    attempts, ``answered`` answered it; ``wrong`` is counted on each one's latest answer."""

    module: Module
    question_id: str
    text: str
    answered: int
    wrong: int
    shown: int = 0
    kind: str = "single"

    @property
    def right(self) -> int:
        return self.answered - self.wrong

    @property
    def wrong_percent(self) -> int:
        return round(100 * self.wrong / self.answered) if self.answered else 0

    @property
    def right_percent(self) -> int:
        return round(100 * self.right / self.answered) if self.answered else 0


@dataclass(frozen=True)
class AnswerRow:
    """One participant's latest answer to a question, as the answers export shows it."""

    participant: str
    module_id: str
    attempt: int
    question_id: str
    answer: str
    inputs: str
    correct: bool


@dataclass(frozen=True)
class ClassReport:
    """Every participant's summary of every module, and per-question statistics."""

    modules: tuple[Module, ...]
    rows: tuple[tuple[Participant, tuple[ModuleSummary, ...]], ...]
    questions: tuple[QuestionStat, ...]
    answer_rows: tuple[AnswerRow, ...] = ()

    def module_totals(self, module: Module) -> tuple[int, int, int]:
        """(participants who started, who completed, average score % of those who started)."""
        summaries = [s for _, sums in self.rows for s in sums if s.module.id == module.id and s.started]
        complete = sum(s.complete for s in summaries)
        average = round(sum(s.score_percent for s in summaries) / len(summaries)) if summaries else 0
        return len(summaries), complete, average

    def most_missed(self, limit: int = 10) -> list[QuestionStat]:
        """Questions with at least one wrong latest answer, the most missed first."""
        ranked = [q for q in self.questions if q.wrong]
        ranked.sort(key=lambda q: (-q.wrong_percent, -q.wrong, q.module.order, q.question_id))
        return ranked[:limit]

    def progress_csv(self) -> str:
        """One row per participant and module (semicolon-separated, for Italian spreadsheets)."""
        out = io.StringIO()
        writer = safe_csv_writer(out)
        writer.writerow(
            [
                "partecipante",
                "modulo",
                "lezioni_lette",
                "lezioni_totali",
                "risposte_date",
                "risposte_corrette",
                "domande_totali",
                "punteggio_percento",
                "completato",
                "minuti",
            ]
        )
        for participant, sums in self.rows:
            for s in sums:
                writer.writerow(
                    [
                        participant.display_name,
                        s.module.id,
                        len(s.lessons_read),
                        s.lessons_total,
                        s.answered,
                        s.correct,
                        s.questions_total,
                        s.score_percent,
                        "sì" if s.complete else "no",
                        round(s.seconds / 60),
                    ]
                )
        return out.getvalue()

    def questions_csv(self) -> str:
        """One row per question: shown to, answered by, right and wrong (latest answers)."""
        out = io.StringIO()
        writer = safe_csv_writer(out)
        writer.writerow(
            [
                "modulo",
                "domanda",
                "tipo",
                "testo",
                "mostrata_a",
                "risposte",
                "giuste",
                "giuste_percento",
                "errate",
                "errate_percento",
            ]
        )
        for q in self.questions:
            writer.writerow(
                [
                    q.module.id,
                    q.question_id,
                    q.kind,
                    q.text,
                    q.shown,
                    q.answered,
                    q.right,
                    q.right_percent,
                    q.wrong,
                    q.wrong_percent,
                ]
            )
        return out.getvalue()

    def answers_csv(self) -> str:
        """Each participant's latest answer to each question, with the values of calculated questions."""
        out = io.StringIO()
        writer = safe_csv_writer(out)
        writer.writerow(["partecipante", "modulo", "tentativo", "domanda", "risposta", "dati", "giusta"])
        for a in self.answer_rows:
            writer.writerow(
                [a.participant, a.module_id, a.attempt, a.question_id, a.answer, a.inputs, "sì" if a.correct else "no"]
            )
        return out.getvalue()


def _answer_text(module: Module, record: AnswerRecord) -> str:
    """What was answered, in words: the option texts (YAML order kept for ordering) or the number."""
    question = next(q for q in module.questions if q.id == record.question_id)
    if question.type == "calculated":
        return format_input(record.value) if record.value is not None else ""
    return " | ".join(question.choices[i].text for i in record.choice)


def class_report(engine: Engine, modules: list[Module]) -> ClassReport:
    """Read the whole class's progress in four queries."""
    with engine.connect() as conn:
        people = conn.execute(
            select(participants.c.id, participants.c.code, participants.c.display_name).order_by(
                participants.c.display_name
            )
        ).all()
        read_rows = conn.execute(
            select(
                lesson_progress.c.participant_id,
                lesson_progress.c.module_id,
                lesson_progress.c.lesson_id,
                lesson_progress.c.seconds_spent,
            )
        ).all()
        answer_rows = conn.execute(
            select(answers.c.participant_id, answers.c.module_id, *ANSWER_COLUMNS).order_by(answers.c.id)
        ).all()
        attempt_rows = conn.execute(
            select(
                quiz_attempts.c.participant_id,
                quiz_attempts.c.module_id,
                quiz_attempts.c.attempt,
                quiz_attempts.c["items"],
                quiz_attempts.c.started_at,
            )
        ).all()
    read: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for r in read_rows:
        read[(r.participant_id, r.module_id)][r.lesson_id] = int(r.seconds_spent)
    records: dict[tuple[int, str], list[AnswerRecord]] = defaultdict(list)
    for a in answer_rows:
        records[(a.participant_id, a.module_id)].append(answer_record(a))
    attempts: dict[tuple[int, str], list[Attempt]] = defaultdict(list)
    for t in attempt_rows:
        items = t._mapping["items"]
        attempts[(t.participant_id, t.module_id)].append(
            Attempt(t.attempt, None if items is None else tuple(items), t.started_at)
        )

    rows = []
    shown: dict[tuple[str, str], int] = defaultdict(int)
    latest: dict[tuple[str, str], list[AnswerRecord]] = defaultdict(list)
    exported: list[AnswerRow] = []
    for p in people:
        sums = []
        for m in modules:
            lessons = read.get((p.id, m.id), {})
            known = {lesson.id for lesson in m.lessons}
            key = (p.id, m.id)
            state = quiz_state(m, p.code, attempts.get(key, []), records.get(key, []))
            sums.append(
                ModuleSummary(
                    module=m,
                    lessons_read=frozenset(k for k in lessons if k in known),
                    answers=state.counted_answers,
                    seconds=sum(lessons.values()),
                    drawn=state.counted_items,
                )
            )
            if not m.quiz or (key not in attempts and key not in records):
                continue
            seen: set[str] = set()
            tried: list[Attempt | None] = list(attempts.get(key, [])) or [None]
            for attempt in tried:
                seen.update(items_of(m, attempt, p.code))
            last = graded(m, records.get(key, []))
            seen.update(last)
            for qid in seen:
                shown[(m.id, qid)] += 1
            for qid, record in last.items():
                latest[(m.id, qid)].append(record)
                exported.append(
                    AnswerRow(
                        p.display_name,
                        m.id,
                        record.attempt,
                        qid,
                        _answer_text(m, record),
                        ", ".join(f"{k}={format_input(v)}" for k, v in (record.inputs or {}).items()),
                        record.correct,
                    )
                )
        rows.append((Participant(p.id, p.code, p.display_name), tuple(sums)))

    stats = []
    for m in modules:
        for q in m.questions:
            given = latest.get((m.id, q.id), [])
            stats.append(
                QuestionStat(
                    m,
                    q.id,
                    INPUT_PLACEHOLDER.sub(r"[\1]", q.text),
                    len(given),
                    sum(not r.correct for r in given),
                    shown.get((m.id, q.id), 0),
                    q.type,
                )
            )
    return ClassReport(tuple(modules), tuple(rows), tuple(stats), tuple(exported))


@dataclass(frozen=True)
class SessionCases:
    """The cases a room played together in one live session (see :mod:`abitare.practice.roomcase`)."""

    code: str
    title: str
    day: date
    cases: tuple[RoomCaseSummary, ...]


def room_cases(engine: Engine, load_case: Callable[[str], Case]) -> list[SessionCases]:
    """Every live session where the room played a case with at least one step decided, the latest first."""
    with engine.connect() as conn:
        ids = list(conn.execute(select(room_case_runs.c.session_id).distinct()).scalars())
    sessions, store = SessionStore(engine), RoomCaseStore(engine)
    out = []
    for session in (sessions.get(i) for i in ids):
        played = store.summaries(session, load_case)
        if played:
            out.append(SessionCases(session.code, session.title, session.session_date, tuple(played)))
    out.sort(key=lambda s: (s.day, s.code), reverse=True)
    return out
