"""The quiz: questions drawn for an attempt, options in the participant's order, numbers typed
for calculated questions; confirm, read the feedback, and start a new attempt to try again."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from abitare.content import Module, Question
from abitare.numbers import number, plain_number
from abitare.progress import AnswerRecord
from abitare.quizbank import QuizSession, answer_decimals, expected_value, format_input, render_text
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["QuestionView", "QuizPage", "feedback_html", "parse_answer_number"]

AnswerHandler = Callable[[Question, Any], AnswerRecord]

NOT_A_NUMBER = "«{text}» non è un numero: scrivi solo cifre, con la virgola per i decimali (per esempio 1.234,5)."


def parse_answer_number(text: str) -> float:
    """A number typed the Italian way (``1.234,5``, ``1234,5``, ``80``); ValueError with an Italian message."""
    clean = plain_number(text.strip().removesuffix("%"))  # "46%" is a number too
    if not clean:
        raise ValueError("Scrivi un numero prima di confermare.")
    try:
        value = float(clean)
    except ValueError:
        raise ValueError(NOT_A_NUMBER.format(text=text.strip())) from None
    if not math.isfinite(value):
        raise ValueError(NOT_A_NUMBER.format(text=text.strip()))
    return value


def _ordering_notes(question: Question, record: AnswerRecord) -> str:
    options = question.choices
    items = []
    for place, i in enumerate(record.choice):
        if not 0 <= i < len(options):
            continue
        ok = i == place
        mark = "al posto giusto" if ok else "non è al posto giusto"
        items.append(
            f"<li><em>{escape(options[i].text)}</em> – <strong>{mark}</strong>"
            + (f"<br>{escape(options[i].feedback)}" if ok else "")
            + "</li>"
        )
    return "".join(items)


def _number_notes(question: Question, record: AnswerRecord) -> str:
    inputs = record.inputs or {}
    try:
        right = expected_value(question, inputs)
    except Exception:  # stale inputs: grade() already refused them, nothing to show
        return ""
    # "46%" as the course writes percentages; "18 rate", "23.850 €" with a space
    unit = "" if not question.unit else escape(question.unit) if question.unit == "%" else " " + escape(question.unit)
    decimals = answer_decimals(question, right)
    typed = number(record.value, None) if record.value is not None else "–"
    tolerance = (
        f" (si accetta una differenza fino a {escape(format_input(question.tolerance))}{unit})"
        if question.tolerance
        else ""
    )
    return (
        f"<li>Hai scritto <strong>{escape(typed)}</strong>{unit}; il valore giusto, secondo "
        f"il calcolatore del corso, è <strong>{escape(number(right, decimals))}</strong>{unit}"
        f"{tolerance}.</li>"
    )


def feedback_html(question: Question, record: AnswerRecord) -> str:
    """The feedback for an answer: right or wrong, each chosen option's note (or the right
    value of a calculated question), the explanation."""
    verdict = (
        '<p class="abitare-ok"><strong>Risposta corretta.</strong></p>'
        if record.correct
        else '<p class="abitare-ko"><strong>Risposta non corretta.</strong> Leggi la spiegazione.</p>'
    )
    explanation = question.explanation
    if question.type == "ordering":
        notes = _ordering_notes(question, record)
    elif question.type == "calculated":
        notes = _number_notes(question, record)
        explanation = render_text(explanation, record.inputs or {})
    else:
        options = question.choices
        notes = "".join(
            f"<li><em>{escape(options[i].text)}</em><br>{escape(options[i].feedback)}</li>"
            for i in record.choice
            if 0 <= i < len(options)
        )
    return (
        f'<div class="abitare-feedback" role="status">{verdict}<ul>{notes}</ul>'
        f"<p><strong>Spiegazione.</strong> {escape(explanation)}</p></div>"
    )


def shuffled_order(question: Question) -> list[int]:
    """A stable shuffle of an ordering question's items, never the right order itself."""
    order = list(range(len(question.choices)))
    random.Random(question.id).shuffle(order)
    if order == sorted(order):
        order = order[1:] + order[:1]
    return order


class QuestionView(w.VBox):
    """A question with its options (or a box for a number), a confirm button and the feedback.

    ``order`` lists the option indexes (as in the YAML) in the order they are shown;
    ``inputs`` are the values of a calculated question. ``on_answer`` stores the answer
    (option indexes, or the number typed) and returns the stored record; the feedback
    appears only once the answer is saved. Once answered, the question is locked: a new
    attempt at the whole quiz is the way to try again.
    """

    def __init__(
        self,
        question: Question,
        number: int,
        on_answer: AnswerHandler,
        previous: AnswerRecord | None = None,
        *,
        order: list[int] | None = None,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.question = question
        self.on_answer = on_answer
        self.record = previous
        self.inputs = dict(inputs or {})
        kind = {
            "single": "una sola risposta",
            "true_false": "vero o falso",
            "multiple": "una o più risposte",
            "ordering": "metti in ordine",
            "calculated": "scrivi un numero",
        }[question.type]
        text = render_text(question.text, self.inputs) if question.type == "calculated" else question.text
        self.prompt = w.HTML(
            f'<p class="abitare-question"><strong>Domanda {number}</strong> ({kind}). {escape(text)}</p>'
        )
        labels = [o.text for o in question.choices]
        if order is None or sorted(order) != list(range(len(labels))):
            order = shuffled_order(question) if question.type == "ordering" else list(range(len(labels)))
        self.order = order
        self.places: list[tuple[int, w.Dropdown]] = []
        self.checks: list[tuple[int, w.Checkbox]] = []
        self.number_box: w.Text | None = None
        if question.type == "calculated":
            unit = f" ({question.unit})" if question.unit else ""
            self.number_box = w.Text(
                value="",
                description=f"La tua risposta{unit}",
                placeholder="un numero, per esempio 1.234,5",
                continuous_update=False,  # the whole number reaches the kernel before the button's click
                style={"description_width": "initial"},
                layout=w.Layout(width="auto"),
            )
            self.number_box.observe(self._on_change, "value")
            self.selector: w.Widget = self.number_box
        elif question.type == "ordering":
            n = len(labels)
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
            hint = w.HTML(f"<p>Assegna a ogni elemento il suo posto, dal 1° al {n}°.</p>")
            self.selector = w.VBox([hint, *(d for _, d in self.places)])
        elif question.type == "multiple":
            self.checks = [
                (i, w.Checkbox(value=False, description=labels[i], indent=False, layout=w.Layout(width="auto")))
                for i in order
            ]
            self.selector = w.VBox([c for _, c in self.checks])
            for _, c in self.checks:
                c.observe(self._on_change, "value")
        else:
            self.selector = w.RadioButtons(
                options=[(labels[i], i) for i in order], value=None, layout=w.Layout(width="auto")
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
            self._show_answered(previous)

    def _show_answered(self, record: AnswerRecord) -> None:
        """Show the stored answer and its feedback; the question takes no other answer."""
        if self.number_box is not None:
            self.number_box.value = number(record.value, None) if record.value is not None else ""
        else:
            self.select(record.choice)
        self.feedback.value = feedback_html(self.question, record)
        for widget in self._inputs():
            widget.disabled = True
        self.confirm.layout.display = "none"

    def _inputs(self) -> list[w.Widget]:
        if self.places:
            return [d for _, d in self.places]
        if self.checks:
            return [c for _, c in self.checks]
        return [self.selector]

    @property
    def locked(self) -> bool:
        return self.record is not None

    def selection(self) -> tuple[int, ...]:
        """The option indexes (as in the YAML) chosen (for ordering: in the order given, or () if incomplete)."""
        if self.places:
            given = {i: d.value for i, d in self.places}
            if None in given.values() or len(set(given.values())) != len(given):
                return ()
            return tuple(sorted(given, key=lambda i: given[i]))
        if self.checks:
            return tuple(sorted(i for i, c in self.checks if c.value))
        if self.number_box is not None:
            return ()
        value = self.selector.value
        return () if value is None else (int(value),)

    def select(self, indexes: tuple[int, ...] | list[int]) -> None:
        """Choose options by their YAML index, as a user would (used on restore and by tests)."""
        if self.places:
            for i, dropdown in self.places:
                dropdown.value = list(indexes).index(i) + 1 if i in indexes else None
        elif self.checks:
            for i, c in self.checks:
                c.value = i in indexes
        elif self.number_box is None:
            self.selector.value = indexes[0] if indexes else None

    def shown_labels(self) -> list[str]:
        """The option texts in the order shown."""
        return [self.question.choices[i].text for i in self.order]

    def _on_change(self, _change: dict[str, Any]) -> None:
        # The button stays enabled (a disabled button cannot be reached with Tab and would
        # race the keyboard); a changed choice only clears an old "choose first" message.
        self.message.clear()

    @guarded
    def submit(self) -> AnswerRecord | None:
        """Store the current choice (or number) and show the feedback."""
        if self.record is not None:
            return None  # answered: a new attempt is the way to try again
        if self.number_box is not None:
            try:
                value = parse_answer_number(self.number_box.value)
            except ValueError as err:
                self.message.error(str(err))
                return None
            self.message.clear()
            self.record = self.on_answer(self.question, value)
            self._show_answered(self.record)
            return self.record
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
        self._show_answered(self.record)
        return self.record


class QuizPage(w.VBox):
    """A module's quiz for one participant: the current attempt's questions, its score, and
    «Riprova» to start a new attempt (questions drawn again). ``on_change`` runs after each
    stored answer or new attempt (the player refreshes its table of contents)."""

    def __init__(self, session: QuizSession, on_change: Callable[[], None] | None = None, **kwargs: Any) -> None:
        self.session = session
        self.on_change = on_change
        self.score = w.HTML()
        self.retry_button = w.Button(
            description="Riprova la verifica",
            tooltip="Inizia un nuovo tentativo",
            layout=w.Layout(width="auto", align_self="flex-start"),
        )
        self.retry_button.on_click(lambda _b: self.retry())
        self.message = ErrorBanner()
        self.views: list[QuestionView] = []
        super().__init__(**kwargs)
        self.add_class("abitare-quiz")
        session.ensure_started()
        self._build()

    @property
    def module(self) -> Module:
        return self.session.module

    def _intro(self) -> w.HTML:
        quiz = self.module.quiz
        assert quiz is not None
        total = len(self.module.questions)
        drawn = len(self.session.state.items)
        bank = (
            f"<p>A ogni tentativo le domande sono estratte da un archivio di {total}, almeno una per ogni lezione.</p>"
            if drawn < total
            else ""
        )
        return w.HTML(
            f"<h2>{escape(quiz.title)}</h2><p>Scegli la tua risposta e premi «Conferma la risposta»: "
            "vedrai subito se è corretta e perché. Una risposta confermata non si cambia; per rifare "
            "la verifica premi «Riprova la verifica» (in fondo alla pagina). Il punteggio del modulo è "
            f"quello dell'ultimo tentativo completo.</p>{bank}"
        )

    def _build(self) -> None:
        session = self.session
        self.views = [
            QuestionView(
                q,
                n,
                self._answer,
                session.state.answers.get(q.id),
                order=session.order(q),
                inputs=session.inputs(q) if q.type == "calculated" else None,
            )
            for n, q in enumerate(session.questions, start=1)
        ]
        self._update_score()
        self.children = [self._intro(), self.score, *self.views, self.message, self.retry_button]

    def _answer(self, question: Question, given: Any) -> AnswerRecord:
        record = self.session.answer(question, given)
        self._update_score()
        if self.on_change:
            self.on_change()
        return record

    @guarded
    def retry(self) -> None:
        """Start a new attempt and show its questions."""
        self.session.retry()
        self._build()
        drawn = len(self.session.state.items) < len(self.module.questions)
        self.message.info(
            f"Tentativo n. {self.session.attempt_number}: "
            + ("le domande sono state estratte di nuovo." if drawn else "puoi rispondere di nuovo a tutte le domande.")
        )
        if self.on_change:
            self.on_change()

    def _update_score(self) -> None:
        state = self.session.state
        total = len(state.items)
        given = list(state.answers.values())
        right = sum(r.correct for r in given)
        number = self.session.attempt_number
        self.retry_button.layout.display = "" if given else "none"  # nothing to retry before a first answer
        done = (
            f" Tentativo completato: {right} su {total} ({round(100 * right / total) if total else 0}%)."
            if state.complete
            else ""
        )
        self.score.value = (
            f'<p class="abitare-score" role="status">Risposte date: {len(given)} su {total} · corrette: {right}'
            f" · tentativo n. {number}.{done}</p>"
        )
