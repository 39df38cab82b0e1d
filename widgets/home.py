"""The home page: what the course is, who you are, the modules to open."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from abitare.content import CourseFile, Module
from abitare.progress import Participant, ProgressStore
from abitare.text import count_label, render_markdown
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["HomeApp", "module_link"]


def module_link(module_id: str, code: str) -> str:
    """Relative address of a module page for a participant."""
    return f"modulo.ipynb?{urlencode({'m': module_id, 'p': code})}"


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
        **kwargs: Any,
    ) -> None:
        self.course = course
        self.modules = modules
        self._open_store = open_store
        self._store: ProgressStore | None = None
        self.participant: Participant | None = None
        self.hub_user = hub_user
        self.message = ErrorBanner()
        self.module_list = w.VBox()
        self.module_list.add_class("abitare-modules")

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
        self.enter_button = w.Button(
            description="Entra", button_style="primary", layout=w.Layout(width="auto")
        )
        self.enter_button.on_click(lambda _b: self.enter())
        self.code.observe(lambda ch: self.enter() if ch["new"].strip() else None, "value")
        help_text = w.HTML(f'<p class="abitare-help">{escape(course.identity_help)}</p>')
        if hub_user:
            identity: w.Widget = w.HTML(
                f"<p>Hai effettuato l'accesso come <strong>{escape(hub_user)}</strong>.</p>"
            )
        else:
            identity = w.VBox([w.HTML("<h2>Chi sei</h2>"), help_text, w.HBox([self.code, self.enter_button])])
        identity.add_class("abitare-identity")
        super().__init__(
            [header, identity, self.message, w.HTML("<h2>I moduli del corso</h2>"), self.module_list],
            **kwargs,
        )
        self.add_class("abitare-home")
        self._render_modules()
        start = hub_user or initial_code
        if start:
            self.code.value = start  # triggers enter()

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
        return participant

    def _render_modules(self) -> None:
        cards = []
        for m in self.modules:
            position = None
            if self.participant is not None:
                position = self.store.get_position(self.participant.id, m.id)
            if self.participant is None:
                action = '<p class="abitare-hint">Inserisci il tuo codice per aprire il modulo.</p>'
            else:
                label = "Riprendi il modulo" if position else "Apri il modulo"
                href = escape(module_link(m.id, self.participant.display_name))
                action = f'<p><a class="abitare-link-button" href="{href}">{label}</a></p>'
            cards.append(
                w.HTML(
                    f'<section class="abitare-card" aria-label="{escape(m.title)}">'
                    f"<h3>Modulo {m.order}. {escape(m.title)}</h3>"
                    f"<p>{escape(m.summary)}</p>"
                    f'<p class="abitare-meta">{count_label(len(m.lessons), "lezione", "lezioni")} · '
                    f"{count_label(len(m.questions), 'domanda', 'domande')} · "
                    f"circa {m.estimated_minutes} minuti</p>"
                    f"{action}</section>"
                )
            )
        if not cards:
            cards.append(w.HTML("<p>Non ci sono ancora moduli disponibili.</p>"))
        self.module_list.children = cards
