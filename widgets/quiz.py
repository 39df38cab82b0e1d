"""One quiz question: choose, confirm, read the feedback, try again if you like."""

from __future__ import annotations

import random
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from abitare.content import Question
from abitare.progress import AnswerRecord
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["QuestionView", "feedback_html"]

AnswerHandler = Callable[[Question, tuple[int, ...]], AnswerRecord]


def _ordering_notes(question: Question, record: AnswerRecord) -> str:
    items = []
    for place, i in enumerate(record.choice):
        if not 0 <= i < len(question.options):
            continue
        ok = i == place
        mark = "al posto giusto" if ok else "non è al posto giusto"
        items.append(
            f"<li><em>{escape(question.options[i].text)}</em> – <strong>{mark}</strong>"
            + (f"<br>{escape(question.options[i].feedback)}" if ok else "")
            + "</li>"
        )
    return "".join(items)


def feedback_html(question: Question, record: AnswerRecord) -> str:
    """The feedback for an answer: right or wrong, each chosen option's note, the explanation."""
    verdict = (
        '<p class="abitare-ok"><strong>Risposta corretta.</strong></p>'
        if record.correct
        else '<p class="abitare-ko"><strong>Risposta non corretta.</strong> '
        "Leggi la spiegazione e, se vuoi, riprova.</p>"
    )
    if question.type == "ordering":
        notes = _ordering_notes(question, record)
    else:
        notes = "".join(
            f"<li><em>{escape(question.options[i].text)}</em><br>{escape(question.options[i].feedback)}</li>"
            for i in record.choice
            if 0 <= i < len(question.options)
        )
    return (
        f'<div class="abitare-feedback" role="status">{verdict}<ul>{notes}</ul>'
        f"<p><strong>Spiegazione.</strong> {escape(question.explanation)}</p></div>"
    )


def shuffled_order(question: Question) -> list[int]:
    """A stable shuffle of an ordering question's items, never the right order itself."""
    order = list(range(len(question.options)))
    random.Random(question.id).shuffle(order)
    if order == sorted(order):
        order = order[1:] + order[:1]
    return order


class QuestionView(w.VBox):
    """A question with its options, a confirm button and the feedback.

    ``on_answer`` stores the answer and returns the stored record; the feedback
    appears only once the answer is saved.
    """

    def __init__(
        self,
        question: Question,
        number: int,
        on_answer: AnswerHandler,
        previous: AnswerRecord | None = None,
        **kwargs: Any,
    ) -> None:
        self.question = question
        self.on_answer = on_answer
        self.record = previous
        kind = {
            "single": "una sola risposta",
            "true_false": "vero o falso",
            "multiple": "una o più risposte",
            "ordering": "metti in ordine",
        }[question.type]
        self.prompt = w.HTML(
            f'<p class="abitare-question"><strong>Domanda {number}</strong> ({kind}). {escape(question.text)}</p>'
        )
        labels = [o.text for o in question.options]
        self.places: list[tuple[int, w.Dropdown]] = []
        if question.type == "ordering":
            n = len(labels)
            order = shuffled_order(question)
            positions = [("scegli", None)] + [(f"{k}°", k) for k in range(1, n + 1)]
            for i in order:
                dropdown = w.Dropdown(
                    options=positions,
                    value=None,
                    description=labels[i],
                    style={"description_width": "initial"},
                    layout=w.Layout(width="auto"),
                )
                dropdown.observe(self._on_change, "value")
                self.places.append((i, dropdown))
            self.checks = []
            hint = w.HTML(f"<p>Assegna a ogni elemento il suo posto, dal 1° al {n}°.</p>")
            self.selector = w.VBox([hint, *(d for _, d in self.places)])
        elif question.type == "multiple":
            self.checks = [
                w.Checkbox(value=False, description=t, indent=False, layout=w.Layout(width="auto")) for t in labels
            ]
            self.selector: w.Widget = w.VBox(self.checks)
            for c in self.checks:
                c.observe(self._on_change, "value")
        else:
            self.checks = []
            self.selector = w.RadioButtons(
                options=[(t, i) for i, t in enumerate(labels)], value=None, layout=w.Layout(width="auto")
            )
            self.selector.observe(self._on_change, "value")
        self.confirm = w.Button(
            description="Conferma la risposta",
            button_style="primary",
            layout=w.Layout(width="auto", align_self="flex-start"),
        )
        self.confirm.on_click(lambda _b: self.submit())
        self.feedback = w.HTML()
        self.message = ErrorBanner()
        super().__init__([self.prompt, self.selector, self.confirm, self.message, self.feedback], **kwargs)
        self.add_class("abitare-question-box")
        if previous is not None:
            self.select(previous.choice)
            self.feedback.value = feedback_html(question, previous)
            self.confirm.description = "Conferma la nuova risposta"

    def selection(self) -> tuple[int, ...]:
        """The option indexes currently chosen (for ordering: in the order given, or () if incomplete)."""
        if self.places:
            given = {i: d.value for i, d in self.places}
            if None in given.values() or len(set(given.values())) != len(given):
                return ()
            return tuple(sorted(given, key=lambda i: given[i]))
        if self.checks:
            return tuple(i for i, c in enumerate(self.checks) if c.value)
        value = self.selector.value  # type: ignore[attr-defined]
        return () if value is None else (int(value),)

    def select(self, indexes: tuple[int, ...] | list[int]) -> None:
        """Choose options as a user would (used on restore and by tests)."""
        if self.places:
            for i, dropdown in self.places:
                dropdown.value = list(indexes).index(i) + 1 if i in indexes else None
        elif self.checks:
            for i, c in enumerate(self.checks):
                c.value = i in indexes
        else:
            self.selector.value = indexes[0] if indexes else None  # type: ignore[attr-defined]

    def _on_change(self, _change: dict[str, Any]) -> None:
        # The button stays enabled (a disabled button cannot be reached with Tab and would
        # race the keyboard); a changed choice only clears an old "choose first" message.
        self.message.clear()

    @guarded
    def submit(self) -> AnswerRecord | None:
        """Store the current choice and show the feedback."""
        choice = self.selection()
        if not choice:
            self.message.error(
                f"Assegna a ogni elemento un posto diverso, dal 1° al {len(self.places)}°."
                if self.places
                else "Scegli una risposta prima di confermare."
            )
            return None
        self.message.clear()
        self.record = self.on_answer(self.question, choice)
        self.feedback.value = feedback_html(self.question, self.record)
        self.confirm.description = "Conferma la nuova risposta"
        return self.record
