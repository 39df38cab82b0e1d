"""What a facilitator sees of the class: progress per module and the questions most often missed."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Engine, select

from abitare.content import Module
from abitare.progress import AnswerRecord, Participant
from abitare.storage import answers, lesson_progress, participants
from abitare.summary import ModuleSummary, current_answers

__all__ = ["ClassReport", "QuestionStat", "class_report"]


@dataclass(frozen=True)
class QuestionStat:
    module: Module
    question_id: str
    text: str
    answered: int
    wrong: int

    @property
    def wrong_percent(self) -> int:
        return round(100 * self.wrong / self.answered) if self.answered else 0


@dataclass(frozen=True)
class ClassReport:
    """Every participant's summary of every module, and per-question statistics."""

    modules: tuple[Module, ...]
    rows: tuple[tuple[Participant, tuple[ModuleSummary, ...]], ...]
    questions: tuple[QuestionStat, ...]

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
        writer = csv.writer(out, delimiter=";")
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
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["modulo", "domanda", "testo", "risposte", "errate", "errate_percento"])
        for q in self.questions:
            writer.writerow([q.module.id, q.question_id, q.text, q.answered, q.wrong, q.wrong_percent])
        return out.getvalue()


def class_report(engine: Engine, modules: list[Module]) -> ClassReport:
    """Read the whole class's progress in three queries."""
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
            select(
                answers.c.participant_id,
                answers.c.module_id,
                answers.c.question_id,
                answers.c.choice,
                answers.c.correct,
                answers.c.answered_at,
            ).order_by(answers.c.id)
        ).all()
    read: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for r in read_rows:
        read[(r.participant_id, r.module_id)][r.lesson_id] = int(r.seconds_spent)
    latest: dict[tuple[int, str], dict[str, AnswerRecord]] = defaultdict(dict)
    for a in answer_rows:
        latest[(a.participant_id, a.module_id)][a.question_id] = AnswerRecord(
            a.question_id, tuple(a.choice), bool(a.correct), a.answered_at
        )

    rows = []
    for p in people:
        sums = []
        for m in modules:
            lessons = read.get((p.id, m.id), {})
            known = {lesson.id for lesson in m.lessons}
            sums.append(
                ModuleSummary(
                    module=m,
                    lessons_read=frozenset(k for k in lessons if k in known),
                    answers=current_answers(m, latest.get((p.id, m.id), {})),
                    seconds=sum(lessons.values()),
                )
            )
        rows.append((Participant(p.id, p.code, p.display_name), tuple(sums)))

    stats = []
    for m in modules:
        for q in m.questions:
            given = [s.answers[q.id] for _, sums in rows for s in sums if s.module.id == m.id and q.id in s.answers]
            stats.append(QuestionStat(m, q.id, q.text, len(given), sum(not r.correct for r in given)))
    return ClassReport(tuple(modules), tuple(rows), tuple(stats))
