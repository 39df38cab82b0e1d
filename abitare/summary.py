"""Where a participant stands: per module and for the whole course.

Plain data computed from what the store holds and what the content says now, so
the home page, the module's closing page, the attestation and the facilitator's
view all count the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from abitare.content import Module
from abitare.progress import AnswerRecord, Participant, ProgressStore

__all__ = ["CourseSummary", "ModuleSummary", "summarize_course", "summarize_module"]


@dataclass(frozen=True)
class ModuleSummary:
    """A participant's progress in one module."""

    module: Module
    lessons_read: frozenset[str]
    answers: dict[str, AnswerRecord]
    seconds: int
    #: the questions of the attempt that counts (None: every question of the module)
    drawn: tuple[str, ...] | None = None

    @property
    def lessons_total(self) -> int:
        return len(self.module.lessons)

    @property
    def questions_total(self) -> int:
        return len(self.module.questions) if self.drawn is None else len(self.drawn)

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def correct(self) -> int:
        return sum(r.correct for r in self.answers.values())

    @property
    def started(self) -> bool:
        return bool(self.lessons_read or self.answers)

    @property
    def complete(self) -> bool:
        """Every lesson read and every question answered."""
        lessons = {lesson.id for lesson in self.module.lessons}
        return lessons <= self.lessons_read and self.answered == self.questions_total

    @property
    def score_percent(self) -> int:
        """Right answers over all questions, rounded (0 when there is no quiz)."""
        if not self.questions_total:
            return 0
        return round(100 * self.correct / self.questions_total)

    @property
    def completed_at(self) -> datetime | None:
        if not self.complete or not self.answers:
            return None
        return max(r.answered_at for r in self.answers.values())


@dataclass(frozen=True)
class CourseSummary:
    participant: Participant
    modules: tuple[ModuleSummary, ...]

    @property
    def completed(self) -> tuple[ModuleSummary, ...]:
        return tuple(m for m in self.modules if m.complete)

    @property
    def seconds(self) -> int:
        return sum(m.seconds for m in self.modules)


def current_answers(module: Module, stored: dict[str, AnswerRecord]) -> dict[str, AnswerRecord]:
    """Stored answers that still fit the module's questions, graded against them now."""
    from abitare.quizbank import graded

    return graded(module, stored.values())


def summarize_module(store: ProgressStore, participant: Participant, module: Module) -> ModuleSummary:
    from abitare.quizbank import quiz_state

    read = store.lessons_read(participant.id, module.id)
    known = {lesson.id for lesson in module.lessons}
    state = quiz_state(
        module,
        participant.code,
        store.quiz_attempts(participant.id, module.id) if module.quiz else [],
        store.all_answers(participant.id, module.id) if module.quiz else [],
    )
    return ModuleSummary(
        module=module,
        lessons_read=frozenset(k for k in read if k in known),
        answers=state.counted_answers,
        seconds=sum(read.values()),
        drawn=state.counted_items,
    )


def summarize_course(store: ProgressStore, participant: Participant, modules: list[Module]) -> CourseSummary:
    return CourseSummary(participant, tuple(summarize_module(store, participant, m) for m in modules))
