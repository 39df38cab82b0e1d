"""A course module in one page: opening, lessons, quiz and summary, position remembered.

Moving between lessons never loads a new page (each page costs a kernel); it
swaps the content inside this widget and stores the new position at once. Each
lesson opened is recorded as read, with the time spent on it.
"""

from __future__ import annotations

import time
from html import escape
from typing import Any

import ipywidgets as w

from abitare.content import INTRO_POSITION, QUIZ_POSITION, SUMMARY_POSITION, Module
from abitare.parameters import load_parameters
from abitare.progress import Participant, ProgressStore
from abitare.quizbank import QuizSession
from abitare.summary import ModuleSummary
from abitare.text import count_label, minutes_label, render_markdown
from abitare_widgets.links import home_link, related_link
from abitare_widgets.quiz import QuizPage
from abitare_widgets.safety import ErrorBanner, guarded
from abitare_widgets.templates import lesson_templates

__all__ = ["ModulePlayer", "home_link"]


class ModulePlayer(w.VBox):
    """Plays one module for one participant.

    ``available`` lists the related items (kind, id) that exist, so that links to
    cases, calculators and worksheets appear only once they do.
    """

    def __init__(
        self,
        module: Module,
        store: ProgressStore,
        participant: Participant,
        available: frozenset[tuple[str, str]] = frozenset(),
        **kwargs: Any,
    ) -> None:
        self.module = module
        self.store = store
        self.participant = participant
        self.available = available
        self.message = ErrorBanner()
        self.quiz = QuizSession(store, participant.id, participant.code, module)
        self.read: dict[str, int] = store.lessons_read(participant.id, module.id)
        self._quiz: QuizPage | None = None
        self._lesson_started: float | None = None
        self.page = w.HTML()  # the intro, a lesson or the summary (see _show)
        self._extras: dict[str, list[w.Widget]] = {}

        header = w.HTML(
            f'<nav class="abitare-breadcrumb"><a href="{escape(home_link(participant.display_name))}">'
            f"← Tutti i moduli</a></nav>"
            f'<h1 class="abitare-title">{escape(module.title)}</h1>'
            f'<p class="abitare-who">Partecipante: <strong>{escape(participant.display_name)}</strong>'
            f" · tempo stimato {module.estimated_minutes} minuti</p>"
        )
        full_width = w.Layout(width="100%")  # one layout model for every entry: a widget less each to send
        self.toc_buttons = {
            key: w.Button(description=self._label(key), layout=full_width, tooltip=self._label(key))
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
        auto_width = w.Layout(width="auto")
        self.prev = w.Button(description="◀ Precedente", layout=auto_width)
        self.next = w.Button(description="Successiva ▶", button_style="primary", layout=auto_width)
        self.prev.on_click(lambda _b: self.step(-1))
        self.next.on_click(lambda _b: self.step(+1))
        nav = w.HBox([self.prev, self.next], layout=w.Layout(justify_content="space-between"))
        main = w.VBox([self.body, nav], layout=w.Layout(flex="1 1 auto", width="auto"))
        main.add_class("abitare-main")
        super().__init__([header, self.message, w.HBox([toc, main])], **kwargs)
        self.add_class("abitare-player")

        saved = store.get_position(participant.id, module.id)
        self.position = saved if saved in module.positions else module.positions[0]
        opened = self._show(self.position)
        if opened is not None:  # resumed on a lesson never marked read (an older save)
            store.mark_lesson(participant.id, module.id, opened, 0)
            self._now_read(opened)

    # --- navigation -------------------------------------------------------------------

    def _label(self, key: str) -> str:
        if key == INTRO_POSITION:
            return "Presentazione"
        if key == QUIZ_POSITION:
            return "Verifica finale"
        if key == SUMMARY_POSITION:
            return "Riepilogo"
        index = [lesson.id for lesson in self.module.lessons].index(key)
        return f"{index + 1}. {self.module.lessons[index].title}"

    @guarded
    def go(self, key: str) -> None:
        """Show ``key`` (a lesson id or a reserved position) and remember it: the time on the
        lesson left, the lesson opened and the position are saved in one transaction."""
        if key not in self.module.positions:
            raise ValueError(f"unknown position {key!r}")
        self.message.clear()
        # the entry of ``key`` in the index changes twice (highlighted, then ticked once saved):
        # held, the two changes reach the page as one message
        with self.toc_buttons[key].hold_sync():
            left = self._leave_lesson()
            opened = self._show(key)
            self.store.record_move(self.participant.id, self.module.id, key, left=left, opened=opened)
            if left is not None:
                self.read[left[0]] = self.read.get(left[0], 0) + int(left[1])
            if opened is not None:
                self._now_read(opened)

    def _now_read(self, lesson_id: str) -> None:
        self.read[lesson_id] = 0
        self.toc_buttons[lesson_id].description = "✓ " + self._label(lesson_id)

    def step(self, delta: int) -> None:
        """Go to the previous (-1) or next (+1) place in the module."""
        keys = self.module.positions
        target = keys.index(self.position) + delta
        if 0 <= target < len(keys):
            self.go(keys[target])

    def _leave_lesson(self) -> tuple[str, float] | None:
        """The lesson being left and the seconds spent on it (None when not on a lesson)."""
        if self._lesson_started is None:
            return None
        seconds = time.monotonic() - self._lesson_started
        self._lesson_started = None
        return self.position, seconds

    def _show(self, key: str) -> str | None:
        """Show ``key``; the lesson shown for the first time, to be marked read, if any."""
        self.position = key
        for k, button in self.toc_buttons.items():
            button.button_style = "info" if k == key else ""
            button.description = ("✓ " if k in self.read else "") + self._label(k)
        keys = self.module.positions
        index = keys.index(key)
        self.prev.disabled = index == 0
        self.next.disabled = index == len(keys) - 1
        if key == QUIZ_POSITION:
            children: list[w.Widget] = [self._quiz_view()]
        else:
            # the intro, a lesson or the summary: one HTML widget whose text changes, so that a
            # click sends one update instead of three new widgets (which piled up in the kernel
            # and in the browser, one set per click, for the whole session)
            if key == INTRO_POSITION:
                self.page.value = self._intro_html()
            elif key == SUMMARY_POSITION:
                self.page.value = self._summary_html()
            else:
                lesson = next(les for les in self.module.lessons if les.id == key)
                self.page.value = (
                    f'<article class="abitare-lesson"><h2>{escape(lesson.title)}</h2>'
                    f"{render_markdown(lesson.markdown, load_parameters())}</article>"
                )
            lesson_page = key not in (INTRO_POSITION, SUMMARY_POSITION)
            if lesson_page and key not in self._extras:  # documents to take away, if the lesson has any
                self._extras[key] = lesson_templates(self.module, key)
            children = [self.page, *self._extras.get(key, [])]
        if list(self.body.children) != children:
            self.body.children = children
        if key in (INTRO_POSITION, QUIZ_POSITION, SUMMARY_POSITION):
            return None
        self._lesson_started = time.monotonic()
        return None if key in self.read else key

    # --- pages ------------------------------------------------------------------------

    def _intro_html(self) -> str:
        m = self.module
        objectives = "".join(f"<li>{escape(o)}</li>" for o in m.objectives)
        lessons = "".join(f"<li>{escape(lesson.title)}</li>" for lesson in m.lessons)
        drawn = len(self.quiz.state.items)
        bank = f", estratte da un archivio di {len(m.questions)}" if drawn < len(m.questions) else ""
        quiz = (
            f"<p>Alla fine trovi una verifica con {count_label(drawn, 'domanda', 'domande')}{bank}: "
            "per ogni risposta vedi subito se è corretta e perché.</p>"
            if m.quiz
            else ""
        )
        return (
            f'<section class="abitare-lesson"><h2>Presentazione</h2><p>{escape(m.summary)}</p>'
            f"<h3>Obiettivi</h3><ul>{objectives}</ul>"
            f"<h3>Le lezioni</h3><ol>{lessons}</ol>{quiz}"
            f"<p>Tempo stimato: circa {m.estimated_minutes} minuti. Puoi interrompere quando vuoi: "
            "quando torni riprendi dal punto in cui eri.</p>"
            "<p>Premi «Successiva» per iniziare.</p></section>"
        )

    def _quiz_view(self) -> QuizPage:
        if self._quiz is None:
            self._quiz = QuizPage(self.quiz)
        return self._quiz

    @property
    def score(self) -> w.HTML:
        """The quiz's score line (the quiz page is built if needed)."""
        return self._quiz_view().score

    def summary(self) -> ModuleSummary:
        """Where the participant stands in this module now."""
        known = {lesson.id for lesson in self.module.lessons}
        return ModuleSummary(
            module=self.module,
            lessons_read=frozenset(k for k in self.read if k in known),
            answers=dict(self.quiz.state.counted_answers),
            seconds=sum(self.read.values()),
            drawn=self.quiz.state.counted_items,
        )

    def _summary_html(self) -> str:
        s = self.summary()
        m = self.module
        if s.complete:
            status = (
                '<p class="abitare-ok" role="status"><strong>Modulo completato.</strong> '
                f"Risposte corrette: {s.correct} su {s.questions_total} ({s.score_percent}%).</p>"
            )
        else:
            missing = [lesson.title for lesson in m.lessons if lesson.id not in s.lessons_read]
            todo = "".join(f"<li>Lezione da leggere: {escape(t)}</li>" for t in missing)
            left = s.questions_total - s.answered
            if left:
                todo += f"<li>Domande della verifica ancora senza risposta: {left}</li>"
            status = f'<p role="status"><strong>Il modulo non è ancora completo.</strong></p><ul>{todo}</ul>'
        glossary = "".join(
            f"<dt>{escape(g.term)}</dt><dd>{escape(g.definition)}</dd>"
            for g in sorted(m.glossary, key=lambda g: g.term.casefold())
        )
        sources = "".join(f"<li>{escape(src.title)}</li>" for src in m.sources)
        related = "".join(
            f"<li>{related_link(r.kind, r.id, self.participant.display_name)}</li>"
            for r in m.related
            if (r.kind, r.id) in self.available
        )
        return (
            f'<section class="abitare-lesson abitare-summary"><h2>Riepilogo</h2>{status}'
            f"<p>Lezioni lette: {len(s.lessons_read)} su {s.lessons_total} · tempo di lettura registrato: "
            f"{minutes_label(s.seconds)}.</p>"
            + (f"<h3>Per esercitarti</h3><ul>{related}</ul>" if related else "")
            + (f"<h3>Glossario del modulo</h3><dl>{glossary}</dl>" if glossary else "")
            + (f"<h3>Fonti</h3><ul>{sources}</ul>" if sources else "")
            + "<p>Per stampare questo riepilogo usa la funzione di stampa del browser; "
            "l'attestato di tutto il corso si scarica dalla pagina iniziale.</p></section>"
        )
