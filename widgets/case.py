"""Playing a case: the situation, the choices, the state, the path, and the debrief at the end."""

from __future__ import annotations

import logging
from html import escape
from typing import Any

import ipywidgets as w

from abitare.cases.run import CaseRun, run_seed
from abitare.cases.schema import Case, StateVar, recommended_choices
from abitare.cases.store import CaseStore
from abitare.numbers import euro
from abitare.parameters import load_parameters
from abitare.progress import Participant
from abitare.text import render_markdown
from abitare_widgets.links import home_link, page_link
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["CasePlayer", "format_value"]

log = logging.getLogger(__name__)

OUTCOMES = {"positive": "Esito positivo", "mixed": "Esito in parte positivo", "negative": "Esito negativo"}


def format_value(var: StateVar, value: int) -> str:
    """A state value as the dashboard shows it."""
    if var.unit == "EUR":
        return euro(value, 0)
    if var.unit == "months":
        return "1 mese" if value == 1 else f"{value} mesi"
    if var.unit == "score":
        return f"{value} su {var.max}"
    return str(value)


def _md(text: str) -> str:
    return render_markdown(text, load_parameters())


class CasePlayer(w.VBox):
    """One participant's attempt at a case, rebuilt from the stored choices."""

    def __init__(self, case: Case, store: CaseStore, participant: Participant, group: str = "", **kwargs: Any) -> None:
        self.case = case
        self.store = store
        self.participant = participant
        self.group = group
        self.message = ErrorBanner()
        self.attempt = max(store.latest_attempt(participant.id, case.id), 1)
        try:
            self.run = CaseRun.replay(
                case,
                run_seed(participant.id, case.id, self.attempt),
                store.choices(participant.id, case.id, self.attempt),
            )
        except ValueError:  # the case was edited and the stored choices no longer fit: start again
            log.warning("stored choices of %s no longer replay; new attempt", case.id)
            self.attempt += 1
            self.run = CaseRun(case, run_seed(participant.id, case.id, self.attempt))
            self.message.info("Il caso è stato aggiornato da chi lo cura: ricominci da capo.")
        self.last_feedback: str | None = None
        data = case.data
        header = w.HTML(
            f'<nav class="abitare-breadcrumb"><a href="{escape(home_link(participant.display_name))}">'
            "← Pagina iniziale</a></nav>"
            f'<h1 class="abitare-title">{escape(data.title)}</h1>'
            f"<p>{escape(data.summary)}</p><p><strong>{escape(data.role)}</strong></p>"
        )
        self.dashboard = w.HTML()
        self.dashboard.add_class("abitare-dashboard")
        self.situation = w.HTML()
        self.choice_box = w.VBox()
        self.path_view = w.HTML()
        self.restart_button = w.Button(description="Ricomincia il caso", layout=w.Layout(width="auto"))
        self.restart_button.on_click(lambda _b: self.restart())
        main = w.VBox([self.situation, self.choice_box, self.message], layout=w.Layout(flex="1 1 auto"))
        side = w.VBox([self.dashboard, self.path_view, self.restart_button], layout=w.Layout(width="300px"))
        side.add_class("abitare-case-side")
        super().__init__([header, w.HBox([main, side])], **kwargs)
        self.add_class("abitare-case")
        self._render()

    # --- actions ---------------------------------------------------------------------

    @guarded
    def choose(self, index: int) -> None:
        """Make a choice: stored first, then played (nothing changes if the save fails)."""
        open_now = dict(self.run.available())
        if index not in open_now:
            raise ValueError(f"choice {index} not available")
        choice = open_now[index]
        self.store.record_choice(
            self.participant.id,
            self.case.id,
            self.attempt,
            len(self.run.steps),
            self.run.node,
            index,
            choice.to,
            self.group,
        )
        self.run.choose(index)
        self.last_feedback = choice.feedback
        self.message.clear()
        self._render()

    @guarded
    def restart(self) -> None:
        """Start a new attempt (the earlier ones stay stored)."""
        if not self.run.steps:
            return
        self.attempt += 1
        self.run = CaseRun(self.case, run_seed(self.participant.id, self.case.id, self.attempt))
        self.last_feedback = None
        self._render()

    # --- drawing ---------------------------------------------------------------------

    def _render(self) -> None:
        data = self.case.data
        rows = "".join(
            f'<tr><th scope="row">{escape(var.label)}</th>'
            f"<td>{escape(format_value(var, self.run.state[name]))}</td></tr>"
            for name, var in data.state.items()
        )
        self.dashboard.value = f"<h2>La situazione in numeri</h2><table>{rows}</table>"
        feedback = (
            f'<div class="abitare-feedback" role="status"><p>{escape(self.last_feedback)}</p></div>'
            if self.last_feedback
            else ""
        )
        if self.run.finished:
            self.situation.value = feedback + self._debrief()
            self.choice_box.children = []
        else:
            node = data.nodes[self.run.node]
            event = (
                f'<div class="abitare-event" role="status"><strong>Imprevisto.</strong> '
                f"{_md(self.run.last_event)}</div>"
                if self.run.last_event
                else ""
            )
            self.situation.value = (
                f'{feedback}<section class="abitare-lesson"><h2>Passo {len(self.run.steps) + 1}</h2>'
                f"{event}{_md(node.text)}<h3>Che cosa fai?</h3></section>"
            )
            buttons = []
            for i, choice in self.run.available():
                button = w.Button(description=choice.text, layout=w.Layout(width="100%", height="auto"))
                button.add_class("abitare-choice")
                button.on_click(lambda _b, k=i: self.choose(k))
                buttons.append(button)
            self.choice_box.children = buttons
        steps = "".join(f"<li>{escape(self._choice_text(s.node, s.choice))}</li>" for s in self.run.steps)
        self.path_view.value = (
            f"<h2>Le tue scelte</h2><ol>{steps}</ol>" if steps else "<h2>Le tue scelte</h2><p>Nessuna, per ora.</p>"
        )

    def _choice_text(self, node_id: str, index: int) -> str:
        return self.case.data.nodes[node_id].choices[index].text

    def _recommended_choices(self) -> list[str]:
        return [self._choice_text(node, index) for node, index in recommended_choices(self.case.data)]

    def _debrief(self) -> str:
        ending = self.run.ending_data
        assert ending is not None
        mine = "".join(f"<li>{escape(self._choice_text(s.node, s.choice))}</li>" for s in self.run.steps)
        advised = "".join(f"<li>{escape(t)}</li>" for t in self._recommended_choices())
        code = self.participant.display_name
        lessons = "".join(
            f'<li><a href="{escape(page_link("modulo.ipynb", code, m=module_id, l=lesson_id))}">{escape(ref)}</a></li>'
            for ref in ending.lessons
            for module_id, lesson_id in [ref.split("/", 1)]
        )
        followed = [(s.node, s.choice) for s in self.run.steps] == recommended_choices(self.case.data)
        return (
            f'<section class="abitare-lesson abitare-ending"><h2>Finale: {escape(ending.title)}</h2>'
            f'<p class="abitare-outcome abitare-outcome-{ending.outcome}">'
            f"<strong>{OUTCOMES[ending.outcome]}</strong>"
            + (" – hai seguito il percorso consigliato." if followed else "")
            + f"</p>{_md(ending.debrief)}"
            '<h3>Il tuo percorso e quello consigliato</h3><div class="abitare-paths">'
            f"<div><h4>Le tue scelte</h4><ol>{mine}</ol></div>"
            f"<div><h4>Il percorso consigliato</h4><ol>{advised}</ol></div></div>"
            + (f"<h3>Da rileggere</h3><ul>{lessons}</ul>" if lessons else "")
            + "<p>Puoi ricominciare il caso e provare altre strade: il percorso fatto resta registrato.</p>"
            "</section>"
        )
