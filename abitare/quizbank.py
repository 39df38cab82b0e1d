"""The quiz engine without widgets: option order, drawn items, calculated values, grading, attempts.

Everything a participant sees is drawn from a seed made of their code, the module
and the question (and the attempt, for what changes when they retry), so a reload
shows the same thing and two participants see different things. Stored answers
always refer to the options as the YAML lists them, never to shown positions.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from abitare.content import INPUT_PLACEHOLDER, InputRange, Module, Question, QuizFile
from abitare.numbers import number
from abitare.progress import AnswerRecord, Attempt, ProgressStore

__all__ = [
    "QuizSession",
    "QuizState",
    "draw_items",
    "expected_value",
    "format_input",
    "grade",
    "input_values",
    "items_of",
    "option_order",
    "quiz_state",
    "render_text",
    "seeded",
]


def seeded(*parts: object) -> random.Random:
    """A random generator fixed by ``parts`` (the same parts give the same draws, on any machine)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _is_true(text: str) -> bool:
    return text.strip().casefold().startswith("vero")


def option_order(question: Question, code: str, module_id: str) -> list[int]:
    """The YAML indexes of the options in the order this participant sees them.

    Single and multiple choice: shuffled per participant and question, the same on every
    visit and attempt. True/false: «Vero» then «Falso», always (two options shuffled would
    only make readers hunt for the usual order; the keys are balanced in the content).
    Ordering: shuffled, never already in the right order. Calculated: no options.
    """
    n = len(question.choices)
    order = list(range(n))
    if question.type == "calculated":
        return []
    if question.type == "true_false":
        return sorted(order, key=lambda i: not _is_true(question.choices[i].text))
    seeded(code, module_id, question.id).shuffle(order)
    if question.type == "ordering" and order == sorted(order):
        order = order[1:] + order[:1]
    return order


def draw_items(
    quiz: QuizFile,
    lessons: Sequence[str],
    code: str,
    module_id: str,
    attempt: int,
    avoid: Iterable[str] = (),
) -> list[str]:
    """The question ids of an attempt, in the order of the quiz file.

    Without ``draw`` every question. With ``draw: N``: one question per lesson, then the
    rest at random; questions in ``avoid`` (the previous attempt's) are taken only when
    the others run out, so a retry really shows other questions when the bank allows it.
    """
    ids = [q.id for q in quiz.questions]
    if quiz.draw is None or quiz.draw >= len(ids):
        return ids
    rng = seeded(code, module_id, "draw", attempt)
    seen = set(avoid)
    chosen: set[str] = set()

    def pick(pool: list[str]) -> str:
        fresh = [q for q in pool if q not in seen]
        return rng.choice(fresh or pool)

    for lesson in lessons:
        pool = [q.id for q in quiz.questions if q.lesson == lesson and q.id not in chosen]
        if pool and len(chosen) < quiz.draw:
            chosen.add(pick(pool))
    rest = [q for q in ids if q not in chosen]
    fresh = [q for q in rest if q not in seen]
    stale = [q for q in rest if q in seen]
    rng.shuffle(fresh)
    rng.shuffle(stale)
    chosen.update((fresh + stale)[: quiz.draw - len(chosen)])
    return [q for q in ids if q in chosen]


def input_values(question: Question, code: str, module_id: str, attempt: int) -> dict[str, Any]:
    """The inputs of a calculated question for this participant and attempt (ranges drawn)."""
    rng = seeded(code, module_id, question.id, "inputs", attempt)
    values: dict[str, Any] = {}
    for name, spec in (question.inputs or {}).items():
        values[name] = spec.value(rng.randrange(spec.count())) if isinstance(spec, InputRange) else spec
    return values


def format_input(value: Any) -> str:
    """An input as an Italian reader expects it: 1.200, 2,5, sì/no."""
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    return str(value)


def render_text(text: str, inputs: Mapping[str, Any]) -> str:
    """``text`` with each ``{name}`` replaced by the input's value."""
    return INPUT_PLACEHOLDER.sub(lambda m: format_input(inputs[m[1]]) if m[1] in inputs else m[0], text)


def expected_value(question: Question, inputs: Mapping[str, Any]) -> float:
    """The right answer of a calculated question, computed by the project's calculator."""
    from abitare.calc import run_calculator  # calculators load the parameter file

    assert question.calculator is not None and question.answer is not None
    value = run_calculator(question.calculator, dict(inputs)).figures[question.answer]
    return float(value)


def answer_decimals(question: Question, value: float) -> int:
    """How many decimals to show the right value with: as the calculator gives it, at most two."""
    if float(value).is_integer():
        return 0
    text = repr(float(value))
    return 2 if "e" in text else min(2, len(text.split(".")[1]))


def grade(question: Question, record: AnswerRecord) -> bool | None:
    """Whether ``record`` answers ``question`` as it is written now; None if it no longer fits it."""
    if question.type != "calculated":
        if record.value is not None or not question.accepts(record.choice):
            return None
        return question.is_correct(record.choice)
    if record.value is None or record.inputs is None or set(record.inputs) != set(question.inputs or {}):
        return None
    try:
        right = expected_value(question, record.inputs)
    except Exception:  # the calculator no longer takes these inputs: the answer is stale
        return None
    return abs(record.value - right) <= question.tolerance + 1e-9 * max(1.0, abs(right))


@dataclass(frozen=True)
class QuizState:
    """A participant's quiz in one module: the attempt that counts and the current one."""

    current: Attempt | None
    #: the items of the current attempt (every question without ``draw``)
    items: tuple[str, ...]
    #: the answers of the current attempt, graded now
    answers: dict[str, AnswerRecord]
    #: the attempt that counts for the module (the last complete one, else the current)
    counted_items: tuple[str, ...]
    counted_answers: dict[str, AnswerRecord]
    attempts: tuple[Attempt, ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return bool(self.items) and all(q in self.answers for q in self.items)


def items_of(module: Module, attempt: Attempt | None, code: str) -> tuple[str, ...]:
    """The questions of an attempt that still exist; for a missing or legacy attempt, what it would draw."""
    quiz = module.quiz
    if quiz is None:
        return ()
    known = [q.id for q in quiz.questions]
    if attempt is not None and attempt.items is not None:
        kept = tuple(q for q in attempt.items if q in known)
        if kept:
            return kept
    if attempt is not None and attempt.items is None:
        return tuple(known)  # an attempt stored before questions were drawn: every question
    number = attempt.number if attempt else 1
    return tuple(draw_items(quiz, [lesson.id for lesson in module.lessons], code, module.id, number))


def graded(module: Module, records: Iterable[AnswerRecord]) -> dict[str, AnswerRecord]:
    """The last record per question that still fits the question, with ``correct`` graded now."""
    questions = {q.id: q for q in module.questions}
    out: dict[str, AnswerRecord] = {}
    for record in records:
        q = questions.get(record.question_id)
        if q is None:
            continue
        right = grade(q, record)
        if right is not None:
            out[record.question_id] = replace(record, correct=right)
    return out


def quiz_state(module: Module, code: str, attempts: Sequence[Attempt], records: Sequence[AnswerRecord]) -> QuizState:
    """What counts in a module's quiz, from the stored attempts and every stored answer (oldest first)."""
    ordered = sorted(attempts, key=lambda a: a.number)
    current = ordered[-1] if ordered else None
    number = current.number if current else 1

    def of(attempt_number: int, items: tuple[str, ...]) -> dict[str, AnswerRecord]:
        given = graded(module, (r for r in records if r.attempt == attempt_number))
        return {q: given[q] for q in items if q in given}

    items = items_of(module, current, code)
    answers = of(number, items)
    counted_items, counted_answers = items, answers
    if not (items and all(q in answers for q in items)):
        for attempt in reversed(ordered[:-1]):
            past_items = items_of(module, attempt, code)
            past = of(attempt.number, past_items)
            if past_items and all(q in past for q in past_items):
                counted_items, counted_answers = past_items, past
                break
    return QuizState(current, items, answers, counted_items, counted_answers, tuple(ordered))


class QuizSession:
    """A participant's quiz in one module, backed by the store: start, answer, retry."""

    def __init__(self, store: ProgressStore, participant_id: int, code: str, module: Module) -> None:
        self.store = store
        self.participant_id = participant_id
        self.code = code
        self.module = module
        self.reload()

    def reload(self) -> None:
        if self.module.quiz is None:
            self.state = QuizState(None, (), {}, (), {})
            return
        attempts = self.store.quiz_attempts(self.participant_id, self.module.id)
        records = self.store.all_answers(self.participant_id, self.module.id)
        self.state = quiz_state(self.module, self.code, attempts, records)

    @property
    def questions(self) -> list[Question]:
        """The current attempt's questions, in order."""
        by_id = {q.id: q for q in self.module.questions}
        return [by_id[q] for q in self.state.items]

    @property
    def attempt_number(self) -> int:
        return self.state.current.number if self.state.current else 1

    def ensure_started(self) -> None:
        """Store the current attempt (and what it draws) if it is not stored yet."""
        if self.state.current is None and self.module.quiz is not None:
            self.store.start_attempt(self.participant_id, self.module.id, 1, list(self.state.items))
            self.reload()

    def retry(self) -> None:
        """A new attempt: questions drawn again (others than last time when the bank allows)."""
        quiz = self.module.quiz
        if quiz is None:
            return
        self.ensure_started()
        number = self.attempt_number + 1
        items = draw_items(
            quiz, [lesson.id for lesson in self.module.lessons], self.code, self.module.id, number, self.state.items
        )
        self.store.start_attempt(self.participant_id, self.module.id, number, items)
        self.reload()

    def order(self, question: Question) -> list[int]:
        return option_order(question, self.code, self.module.id)

    def inputs(self, question: Question) -> dict[str, Any]:
        """The values of a calculated question in the current attempt (as answered, once answered)."""
        given = self.state.answers.get(question.id)
        if given is not None and given.inputs is not None:
            return dict(given.inputs)
        return input_values(question, self.code, self.module.id, self.attempt_number)

    def answer(self, question: Question, given: tuple[int, ...] | float) -> AnswerRecord:
        """Grade and store an answer to the current attempt."""
        self.ensure_started()
        if question.type == "calculated":
            assert isinstance(given, float | int)
            inputs = self.inputs(question)
            probe = AnswerRecord(question.id, (), False, datetime.now(), self.attempt_number, float(given), inputs)
            correct = bool(grade(question, probe))
            record = self.store.record_answer(
                self.participant_id,
                self.module.id,
                question.id,
                (),
                correct,
                attempt=self.attempt_number,
                value=float(given),
                inputs=inputs,
            )
        else:
            assert isinstance(given, tuple)
            record = self.store.record_answer(
                self.participant_id,
                self.module.id,
                question.id,
                given,
                question.is_correct(given),
                attempt=self.attempt_number,
            )
        self.reload()
        return record
