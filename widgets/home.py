"""The home page: what the course is, who you are, the modules to open."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from abitare.attestation import attestation_html
from abitare.cases.schema import Case
from abitare.content import CourseFile, Module
from abitare.progress import Participant, ProgressStore
from abitare.summary import CourseSummary, ModuleSummary, summarize_course
from abitare.text import count_label, render_markdown
from abitare_widgets.links import download_link, module_link, page_link
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["HomeApp"]


def _progress_html(s: ModuleSummary) -> str:
    """A module's progress on its card: a bar and the counts it stands for."""
    steps = s.lessons_total + s.questions_total
    done = len(s.lessons_read) + s.answered
    percent = round(100 * done / steps) if steps else 0
    state = "completato" if s.complete else "in corso" if s.started else "da iniziare"
    return (
        f'<p class="abitare-progress-text">Stato: <strong>{state}</strong> · lezioni lette '
        f"{len(s.lessons_read)} su {s.lessons_total} · risposte {s.answered} su {s.questions_total}"
        + (f" · corrette {s.correct}" if s.answered else "")
        + "</p>"
        f'<div class="abitare-bar" role="progressbar" aria-label="Avanzamento del modulo" '
        f'aria-valuenow="{percent}" aria-valuemin="0" aria-valuemax="100">'
        f'<div style="width:{percent}%"></div></div>'
    )


class HomeApp(w.VBox):
    """Landing page. ``open_store`` is called when the database is first needed."""

    def __init__(
        self,
        course: CourseFile,
        modules: list[Module],
        open_store: Callable[[], ProgressStore],
        *,
        hub_user: str | None = None,
        initial_code: str | None = None,
        cases: list[Case] | None = None,
        **kwargs: Any,
    ) -> None:
        self.course = course
        self.cases = cases or []
        self.case_list = w.HTML()
        self.modules = modules
        self._open_store = open_store
        self._store: ProgressStore | None = None
        self.participant: Participant | None = None
        self.hub_user = hub_user
        #: called with the participant each time a (different) participant enters
        self.on_enter: Callable[[Participant], None] | None = None
        self.message = ErrorBanner()
        self.module_list = w.VBox()
        self.module_list.add_class("abitare-modules")
        self.journey = w.HTML()  # the participant's course summary, once identified

        header = w.HTML(
            f'<h1 class="abitare-title">{escape(course.title)}</h1>'
            f'<p class="abitare-subtitle">{escape(course.subtitle)}</p>'
            f'<div class="abitare-intro">{render_markdown(course.intro)}</div>'
        )
        self.code = w.Text(
            placeholder="ad esempio: SDM-anna-23",
            description="Il tuo codice partecipante",
            style={"description_width": "initial"},
            continuous_update=False,
            layout=w.Layout(width="360px"),
        )
        self.enter_button = w.Button(description="Entra", button_style="primary", layout=w.Layout(width="auto"))
        self.enter_button.on_click(lambda _b: self.enter())
        self.code.observe(lambda ch: self.enter() if ch["new"].strip() else None, "value")
        help_text = w.HTML(f'<p class="abitare-help">{escape(course.identity_help)}</p>')
        if hub_user:
            identity: w.Widget = w.HTML(f"<p>Hai effettuato l'accesso come <strong>{escape(hub_user)}</strong>.</p>")
        else:
            identity = w.VBox([w.HTML("<h2>Chi sei</h2>"), help_text, w.HBox([self.code, self.enter_button])])
        identity.add_class("abitare-identity")
        super().__init__(
            [
                header,
                identity,
                self.message,
                self.journey,
                w.HTML("<h2>I moduli del corso</h2>"),
                self.module_list,
                self.case_list,
                w.HTML(
                    '<p class="abitare-tools"><a href="glossario.ipynb">Glossario del corso</a> · '
                    '<a href="calcolatore.ipynb">Strumenti di calcolo</a> · '
                    '<a href="simulazione.ipynb">Simulazione della carriera abitativa</a> · '
                    '<a href="scheda.ipynb">Partecipa a una scheda condivisa</a> · '
                    '<a href="lavagna.ipynb">Lavagna della comunità di pratica</a> · '
                    '<a href="classe.ipynb">Area di chi tiene il corso</a></p>'
                ),
            ],
            **kwargs,
        )
        self.add_class("abitare-home")
        self._render_modules()
        start = hub_user or initial_code
        if start:
            self.code.value = start  # triggers enter()

    def _journey_html(self, summary: CourseSummary) -> str:
        done = len(summary.completed)
        total = len(summary.modules)
        html = attestation_html(summary, self.course.title)
        attestation_label = "Scarica l'attestato (HTML da stampare)"
        name = f"attestato-{re.sub(r'[^a-z0-9]+', '-', summary.participant.code).strip('-') or 'corso'}.html"
        download = (
            f"<p>{download_link(html.encode('utf-8'), name, 'text/html;charset=utf-8', attestation_label)}</p>"
            if done
            else "<p>Quando completi un modulo, qui potrai scaricare l'attestato.</p>"
        )
        return (
            '<section class="abitare-journey"><h2>Il tuo percorso</h2>'
            f"<p>Moduli completati: <strong>{done} su {total}</strong>. "
            "Un modulo è completo quando hai letto tutte le lezioni e risposto a tutte le domande.</p>"
            f"{download}</section>"
        )

    @property
    def store(self) -> ProgressStore:
        if self._store is None:
            self._store = self._open_store()
        return self._store

    @guarded
    def enter(self, code: str | None = None) -> Participant | None:
        """Identify the participant with the code typed (or ``code``)."""
        raw = self.hub_user or (self.code.value if code is None else code)
        if not raw.strip():
            self.message.error("Scrivi il tuo codice partecipante, poi premi «Entra».")
            return None
        try:
            participant = self.store.identify(raw, trusted=bool(self.hub_user))
        except Exception:
            if self.participant is not None:  # on a shared computer, hide the previous person's links
                self.participant = None
                self._render_modules()
            raise
        if self.participant is None or self.participant.id != participant.id:
            self.participant = participant
            self.message.info(
                f"Ti diamo il benvenuto, {participant.display_name}. "
                "Scegli un modulo: il tuo lavoro viene salvato man mano."
            )
            self._render_modules()
            if self.on_enter is not None:
                self.on_enter(participant)
        return participant

    @guarded
    def refresh(self) -> None:
        """Show the progress as it is now (after the trainee comes back from a module)."""
        self._render_modules()

    def _render_modules(self) -> None:
        cards = []
        summary = summarize_course(self.store, self.participant, self.modules) if self.participant else None
        self.journey.value = self._journey_html(summary) if summary else ""
        for i, m in enumerate(self.modules):
            if summary is None or self.participant is None:
                action = '<p class="abitare-hint">Inserisci il tuo codice per aprire il modulo.</p>'
            else:
                ms = summary.modules[i]
                label = "Rivedi il modulo" if ms.complete else "Riprendi il modulo" if ms.started else "Apri il modulo"
                href = escape(module_link(m.id, self.participant.display_name))
                action = f'{_progress_html(ms)}<p><a class="abitare-link-button" href="{href}">{label}</a></p>'
            cards.append(
                w.HTML(
                    f'<section class="abitare-card" aria-label="{escape(m.title)}">'
                    f"<h3>Modulo {m.order}. {escape(m.title)}</h3>"
                    f"<p>{escape(m.summary)}</p>"
                    f'<p class="abitare-meta">{count_label(len(m.lessons), "lezione", "lezioni")} · '
                    f"{count_label((m.quiz.draw if m.quiz else None) or len(m.questions), 'domanda', 'domande')} · "
                    f"circa {m.estimated_minutes} minuti</p>"
                    f"{action}</section>"
                )
            )
        if not cards:
            cards.append(w.HTML("<p>Non ci sono ancora moduli disponibili.</p>"))
        self.module_list.children = cards
        self.case_list.value = self._cases_html()

    def _cases_html(self) -> str:
        if not self.cases:
            return ""
        items = []
        for c in self.cases:
            if self.participant is None:
                action = ""
            else:
                href = escape(page_link("caso.ipynb", self.participant.display_name, c=c.id))
                action = f' – <a href="{href}">Gioca il caso</a>'
            items.append(
                f"<li><strong>{escape(c.title)}</strong>{action}<br>"
                f'<span class="abitare-meta">{escape(c.data.summary)} '
                f"Circa {c.data.estimated_minutes} minuti.</span></li>"
            )
        hint = "" if self.participant else "<p>Inserisci il tuo codice per giocare i casi.</p>"
        return f'<h2>Simulazioni di casi</h2>{hint}<ul class="abitare-case-list">{"".join(items)}</ul>'
