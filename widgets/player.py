"""A course module in one page: table of contents, lessons, quiz, position remembered.

Moving between lessons never loads a new page (each page costs a kernel); it
swaps the content inside this widget and stores the new position at once.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from abitare.content import QUIZ_POSITION, Module, Question
from abitare.parameters import load_parameters
from abitare.progress import AnswerRecord, Participant, ProgressStore
from abitare.text import render_markdown
from abitare_widgets.quiz import QuestionView
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["ModulePlayer", "home_link"]


def home_link(code: str | None) -> str:
    """Relative address of the home page, keeping the participant's code."""
    return "home.ipynb" + (f"?{urlencode({'p': code})}" if code else "")


class ModulePlayer(w.VBox):
    """Plays one module for one participant."""

    def __init__(self, module: Module, store: ProgressStore, participant: Participant, **kwargs: Any) -> None:
        self.module = module
        self.store = store
        self.participant = participant
        self.message = ErrorBanner()
        questions = {q.id: q for q in module.questions}
        # an answer stored before the author changed the question no longer counts
        # and one whose question changed its right option is graded again
        self.answers: dict[str, AnswerRecord] = {
            qid: replace(record, correct=questions[qid].is_correct(record.choice))
            for qid, record in store.latest_answers(participant.id, module.id).items()
            if qid in questions and questions[qid].accepts(record.choice)
        }
        self._quiz: w.VBox | None = None
        self.score = w.HTML()

        header = w.HTML(
            f'<nav class="abitare-breadcrumb"><a href="{escape(home_link(participant.display_name))}">'
            f"← Tutti i moduli</a></nav>"
            f'<h1 class="abitare-title">{escape(module.title)}</h1>'
            f'<p class="abitare-who">Partecipante: <strong>{escape(participant.display_name)}</strong>'
            f" · tempo stimato {module.estimated_minutes} minuti</p>"
        )
        self.toc_buttons = {
            key: w.Button(
                description=self._label(key), layout=w.Layout(width="100%"), tooltip=self._label(key)
            )
            for key in module.positions
        }
        for key, button in self.toc_buttons.items():
            button.on_click(lambda _b, k=key: self.go(k))
            button.add_class("abitare-toc-item")
        toc = w.VBox(
            [w.HTML('<h2 class="abitare-toc-title">Indice</h2>'), *self.toc_buttons.values()],
            layout=w.Layout(width="260px", min_width="200px"),
        )
        toc.add_class("abitare-toc")
        self.body = w.VBox(layout=w.Layout(flex="1 1 auto", width="auto"))
        self.prev = w.Button(description="◀ Precedente", layout=w.Layout(width="auto"))
        self.next = w.Button(
            description="Successiva ▶", button_style="primary", layout=w.Layout(width="auto")
        )
        self.prev.on_click(lambda _b: self.step(-1))
        self.next.on_click(lambda _b: self.step(+1))
        nav = w.HBox([self.prev, self.next], layout=w.Layout(justify_content="space-between"))
        main = w.VBox([self.body, nav], layout=w.Layout(flex="1 1 auto", width="auto"))
        main.add_class("abitare-main")
        super().__init__([header, self.message, w.HBox([toc, main])], **kwargs)
        self.add_class("abitare-player")

        saved = store.get_position(participant.id, module.id)
        self.position = saved if saved in module.positions else module.positions[0]
        self._show(self.position)

    def _label(self, key: str) -> str:
        if key == QUIZ_POSITION:
            return "Verifica finale"
        index = [lesson.id for lesson in self.module.lessons].index(key)
        return f"{index + 1}. {self.module.lessons[index].title}"

    @guarded
    def go(self, key: str) -> None:
        """Show lesson or quiz ``key`` and remember it as the participant's position."""
        if key not in self.module.positions:
            raise ValueError(f"unknown position {key!r}")
        self.message.clear()
        self._show(key)
        self.store.set_position(self.participant.id, self.module.id, key)

    def step(self, delta: int) -> None:
        """Go to the previous (-1) or next (+1) place in the module."""
        keys = self.module.positions
        target = keys.index(self.position) + delta
        if 0 <= target < len(keys):
            self.go(keys[target])

    def _show(self, key: str) -> None:
        self.position = key
        for k, button in self.toc_buttons.items():
            button.button_style = "info" if k == key else ""
        keys = self.module.positions
        index = keys.index(key)
        self.prev.disabled = index == 0
        self.next.disabled = index == len(keys) - 1
        if key == QUIZ_POSITION:
            self.body.children = [self._quiz_view()]
        else:
            lesson = next(les for les in self.module.lessons if les.id == key)
            self.body.children = [
                w.HTML(
                    f'<article class="abitare-lesson"><h2>{escape(lesson.title)}</h2>'
                    f"{render_markdown(lesson.markdown, load_parameters())}</article>"
                )
            ]

    def _quiz_view(self) -> w.VBox:
        if self._quiz is None:
            quiz = self.module.quiz
            assert quiz is not None
            views = [
                QuestionView(q, n, self._answer, self.answers.get(q.id))
                for n, q in enumerate(quiz.questions, start=1)
            ]
            intro = w.HTML(
                f"<h2>{escape(quiz.title)}</h2><p>Scegli la tua risposta e premi "
                "«Conferma la risposta»: vedrai subito se è corretta e perché. "
                "Puoi riprovare quante volte vuoi; conta l'ultima risposta.</p>"
            )
            self._update_score()
            self._quiz = w.VBox([intro, self.score, *views])
        return self._quiz

    def _answer(self, question: Question, choice: tuple[int, ...]) -> AnswerRecord:
        correct = question.is_correct(choice)
        record = self.store.record_answer(self.participant.id, self.module.id, question.id, choice, correct)
        self.answers[question.id] = record
        self._update_score()
        return record

    def _update_score(self) -> None:
        total = len(self.module.questions)
        given = list(self.answers.values())
        right = sum(r.correct for r in given)
        self.score.value = (
            f'<p class="abitare-score" role="status">Risposte date: {len(given)} su {total}'
            f" · corrette: {right}</p>"
        )
