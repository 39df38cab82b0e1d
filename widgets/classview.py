"""The facilitator's view of the class, behind the facilitator's secret."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from abitare.cases.graph import case_graph_svg
from abitare.cases.schema import Case
from abitare.cases.store import CaseStats, CaseStore
from abitare.classview import ClassReport, QuestionStat, SessionCases, room_cases
from abitare.errors import UnknownCaseError
from abitare.facilitators import FacilitatorStore
from abitare_widgets.links import csv_link, download_link
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["ClassView", "room_cases_html"]


def room_cases_html(found: list[SessionCases]) -> str:
    """Per live session, each case the room played: a sentence, and the path step by step (counts only).

    The same table as the session's synthesis report, with its rule for small counts.
    """
    from abitare.reports.disclosure import MIN_CELL
    from abitare.reports.document import table_html
    from abitare.reports.sintesi import room_case_frame, room_case_overview

    if not found:
        return ""
    blocks = []
    for s in found:
        for played in s.cases:
            overview = room_case_overview(played)
            blocks.append(
                f"<h3>{escape(played.title)}</h3><p class='abitare-meta'>Sessione «{escape(s.title)}» del "
                f"{s.day:%d/%m/%Y} (codice {escape(s.code)})</p><p>{escape(overview[0].upper() + overview[1:])}</p>"
                "<details><summary>Il percorso passo per passo, con i voti</summary>"
                + table_html(room_case_frame(played, MIN_CELL), "Il percorso della sala e quello consigliato")
                + "</details>"
            )
    return (
        "<h2>Casi giocati dalla sala</h2><p>I casi giocati insieme nelle sessioni dal vivo, dalla più recente. "
        f"Per riservatezza, come nella sintesi della sessione, i voti sotto {MIN_CELL} compaiono come "
        f"«&lt;{MIN_CELL}» e i numeri che permetterebbero di ricavarli come «riservato».</p>" + "".join(blocks)
    )


def case_stats_html(stats: CaseStats) -> str:
    """Counts per situation and choice, and the endings reached, as tables."""
    data = stats.case.data
    blocks = []
    for node_id, node in data.nodes.items():
        counts = stats.choices.get(node_id)
        if not counts:
            continue
        total = sum(counts.values())
        rows = "".join(
            f"<tr><td>{escape(choice.text)}</td><td>{counts.get(i, 0)}</td>"
            f"<td>{round(100 * counts.get(i, 0) / total)}%</td></tr>"
            for i, choice in enumerate(node.choices)
        )
        first_line = escape(node.text.strip().splitlines()[0][:140])
        blocks.append(
            f'<h3>Situazione «{escape(node_id)}»</h3><p class="abitare-meta">{first_line}…</p>'
            f"<table><thead><tr><th>Scelta</th><th>Quante volte</th><th>Quota</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    endings = "".join(
        f"<tr><td>{escape(e.title)}</td><td>{stats.endings.get(eid, 0)}</td></tr>" for eid, e in data.endings.items()
    )
    return (
        f'<p role="status">Partecipanti che hanno giocato: <strong>{stats.participants}</strong>; '
        f"arrivati a un finale: <strong>{stats.finished}</strong>.</p>"
        f"<h3>Finali raggiunti</h3><table><thead><tr><th>Finale</th><th>Quanti</th></tr></thead>"
        f"<tbody>{endings}</tbody></table>" + "".join(blocks)
    )


KIND_LABELS = {
    "single": "una risposta",
    "multiple": "più risposte",
    "true_false": "vero o falso",
    "ordering": "ordinamento",
    "calculated": "calcolo",
}


def question_stats_html(report: ClassReport) -> str:
    """Per module, one row per question: shown to how many, answered by how many, % right."""
    blocks = []
    for m in report.modules:
        stats: list[QuestionStat] = [q for q in report.questions if q.module.id == m.id]
        if not stats:
            continue
        drawn = m.quiz is not None and m.quiz.draw is not None
        rows = "".join(
            f"<tr><td>{escape(q.question_id)}</td><td>{escape(KIND_LABELS.get(q.kind, q.kind))}</td>"
            f"<td>{escape(q.text)}</td><td>{q.shown}</td><td>{q.answered}</td>"
            f"<td>{f'{q.right_percent}%' if q.answered else '–'}</td></tr>"
            for q in stats
        )
        note = (
            f"A ogni tentativo si estraggono {m.quiz.draw} domande su {len(stats)}: "
            "«Mostrata a» conta chi l'ha avuta in almeno un tentativo."
            if drawn and m.quiz is not None
            else "Ogni partecipante vede tutte le domande."
        )
        blocks.append(
            f'<details class="abitare-question-stats"><summary>{escape(m.title)}</summary><p>{note} '
            "«Giuste» è calcolato sull'ultima risposta di ciascuno.</p>"
            "<table><thead><tr><th>Domanda</th><th>Tipo</th><th>Testo</th><th>Mostrata a</th>"
            f"<th>Hanno risposto</th><th>Giuste</th></tr></thead><tbody>{rows}</tbody></table></details>"
        )
    return "".join(blocks)


class ClassView(w.VBox):
    """Asks for the secret, then shows progress per module, the most missed questions and exports."""

    def __init__(
        self,
        credentials: FacilitatorStore,
        report: Callable[[], ClassReport],
        home: str = "home.ipynb",
        cases: list[Case] | None = None,
        case_store: CaseStore | None = None,
        refresh_seconds: float = 5.0,
        **kwargs: Any,
    ) -> None:
        self.credentials = credentials
        self.cases = cases or []
        self.case_store = case_store
        self.refresh_seconds = refresh_seconds
        self.case_picker = w.Dropdown(
            options=[(c.title, c.id) for c in self.cases],
            description="Caso",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.group = w.Text(
            description="Gruppo (facoltativo)",
            placeholder="il codice g= del link condiviso",
            style={"description_width": "initial"},
            continuous_update=False,
        )
        self.live = w.Checkbox(value=True, description="Aggiorna da solo ogni pochi secondi", indent=False)
        self.case_stats = w.HTML()
        self.graph_button = w.Button(description="Mostra il grafo del caso", layout=w.Layout(width="auto"))
        self.graph_button.on_click(lambda _b: self.show_graph())
        self.graph = w.HTML()
        self.case_picker.observe(lambda _c: self.refresh_cases(), "value")
        self.group.observe(lambda _c: self.refresh_cases(), "value")
        self._timer: threading.Thread | None = None
        self._stop = threading.Event()
        self._refresh_lock = threading.Lock()
        self.make_report = report
        self.facilitator: str | None = None
        self.message = ErrorBanner()
        self.secret = w.Password(
            description="Parola segreta",
            placeholder="la parola segreta di chi tiene il corso",
            style={"description_width": "initial"},
            layout=w.Layout(width="420px"),
        )
        self.enter_button = w.Button(description="Entra", button_style="primary", layout=w.Layout(width="auto"))
        self.enter_button.on_click(lambda _b: self.enter())
        self.refresh_button = w.Button(description="Aggiorna i dati", layout=w.Layout(width="auto"))
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.content = w.VBox()
        header = w.HTML(
            f'<nav class="abitare-breadcrumb"><a href="{escape(home)}">← Pagina iniziale</a></nav>'
            '<h1 class="abitare-title">La classe</h1>'
            "<p>Riservato a chi tiene il corso: l'avanzamento dei partecipanti, modulo per modulo, "
            "e le domande sbagliate più spesso.</p>"
        )
        self.login = w.HBox([self.secret, self.enter_button])
        super().__init__([header, self.login, self.message, self.content], **kwargs)
        self.add_class("abitare-classview")

    @guarded
    def enter(self, secret: str | None = None) -> bool:
        """Check the secret typed (or ``secret``); show the class if it is right."""
        typed = self.secret.value if secret is None else secret
        self.secret.value = ""  # never keep the secret in the page
        if not typed:
            self.message.error("Scrivi la parola segreta, poi premi «Entra».")
            return False
        if not self.credentials.any():
            self.message.error(
                "Non è ancora stata creata nessuna parola segreta. Chi gestisce il servizio deve "
                "eseguire: abitare facilitatore aggiungi NOME"
            )
            return False
        name = self.credentials.check(typed)
        if name is None:
            self.message.error("Parola segreta non valida.")
            self.content.children = []
            return False
        self.open_for(name)
        return True

    def open_for(self, name: str) -> None:
        """Show the class to ``name``, already recognised (the secret, or a hub group)."""
        self.facilitator = name
        self.message.info(f"Accesso eseguito come {name}.")
        self.login.layout.display = "none"
        self.refresh()
        self._start_live_updates()

    def _start_live_updates(self) -> None:
        if self._timer is not None or not self.cases:
            return

        def loop() -> None:
            while not self._stop.wait(self.refresh_seconds):
                if self.live.value:
                    self.refresh_cases()

        self._timer = threading.Thread(target=loop, name="abitare-class-live", daemon=True)
        self._timer.start()

    def close(self) -> None:
        """Stop the live updates with the widget."""
        self._stop.set()
        super().close()

    @guarded
    def show_graph(self) -> None:
        """The chosen case drawn as a graph, with a link to save it (SVG)."""
        if self.facilitator is None or not self.cases:
            return
        case = next(c for c in self.cases if c.id == self.case_picker.value)
        svg = case_graph_svg(case)
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        self.graph.value = (
            f'<figure class="abitare-graph" aria-label="Grafo del caso {escape(case.title)}">'
            f'<img alt="Grafo del caso {escape(case.title)}" src="data:image/svg+xml;base64,{data}" '
            'style="max-width:100%"></figure>'
            f"<p>{download_link(svg.encode('utf-8'), f'{case.id}.svg', 'image/svg+xml', 'Scarica il grafo (SVG)')}</p>"
        )

    @guarded
    def refresh_cases(self) -> None:
        """How the chosen group played the chosen case, read again."""
        if self.facilitator is None or self.case_store is None or not self.cases:
            return
        with self._refresh_lock:  # the live thread and the facilitator's clicks take turns
            wanted = (self.case_picker.value, self.group.value.strip())
            case = next(c for c in self.cases if c.id == wanted[0])
            html = case_stats_html(self.case_store.class_stats(case, wanted[1] or None))
            if wanted == (self.case_picker.value, self.group.value.strip()) and html != self.case_stats.value:
                self.case_stats.value = html  # unchanged text is not re-announced to screen readers

    @guarded
    def refresh(self) -> None:
        """Read the class's progress again (answers arrive while the class works)."""
        if self.facilitator is None:
            return
        report = self.make_report()
        parts: list[w.Widget] = [self.refresh_button, w.HTML(self._html(report))]
        played = self._room_cases()
        if played:
            parts.append(w.HTML(played))
        if self.cases:
            parts += [
                w.HTML(
                    "<h2>Simulazioni di casi</h2><p>Come ha scelto la classe, situazione per situazione. "
                    "Per seguire un gruppo, condividi il link del caso con «&amp;g=nome-del-gruppo» "
                    "e scrivi qui lo stesso nome.</p>"
                ),
                w.HBox([self.case_picker, self.group]),
                self.live,
                self.case_stats,
                self.graph_button,
                self.graph,
            ]
        self.content.children = parts
        self.refresh_cases()

    def _room_cases(self) -> str:
        if self.case_store is None or not self.cases:
            return ""
        by_id = {c.id: c for c in self.cases}

        def load(case_id: str) -> Case:
            if case_id not in by_id:
                raise UnknownCaseError(case_id)
            return by_id[case_id]

        return room_cases_html(room_cases(self.case_store.engine, load))

    def _html(self, report: ClassReport) -> str:
        people = len(report.rows)
        modules = "".join(
            f"<tr><td>{escape(m.title)}</td><td>{started}</td><td>{complete}</td><td>{avg}%</td></tr>"
            for m in report.modules
            for started, complete, avg in [report.module_totals(m)]
        )
        missed = "".join(
            f"<tr><td>{escape(q.module.title)}</td><td>{escape(q.text)}</td>"
            f"<td>{q.wrong} su {q.answered} ({q.wrong_percent}%)</td></tr>"
            for q in report.most_missed()
        )
        header_cells = "".join(f"<th>{m.order}</th>" for m in report.modules)
        rows = ""
        for participant, sums in report.rows:
            cells = "".join(
                "<td>" + ("✓ " + f"{s.score_percent}%" if s.complete else "in corso" if s.started else "–") + "</td>"
                for s in sums
            )
            rows += f"<tr><th scope='row'>{escape(participant.display_name)}</th>{cells}</tr>"
        missed_table = (
            "<table><thead><tr><th>Modulo</th><th>Domanda</th><th>Risposte sbagliate</th></tr></thead>"
            f"<tbody>{missed}</tbody></table>"
            if missed
            else "<p>Nessuna risposta sbagliata finora.</p>"
        )
        return (
            f"<p>Partecipanti registrati: <strong>{people}</strong>.</p>"
            "<h2>Avanzamento per modulo</h2><table><thead><tr><th>Modulo</th><th>Hanno iniziato</th>"
            f"<th>Hanno completato</th><th>Punteggio medio</th></tr></thead><tbody>{modules}</tbody></table>"
            f"<h2>Le domande sbagliate più spesso</h2>{missed_table}"
            "<h2>Le domande, una per una</h2>" + question_stats_html(report) + ""
            "<h2>Partecipanti</h2><p>Per ogni modulo (numerato come nel corso): ✓ e punteggio se "
            "completato, «in corso» se iniziato.</p>"
            f"<table><thead><tr><th>Partecipante</th>{header_cells}</tr></thead><tbody>{rows}</tbody></table>"
            "<h2>Esporta</h2><p>File CSV con separatore «;», apribili con un foglio di calcolo.</p><p>"
            + csv_link(report.progress_csv(), "avanzamento-classe.csv", "Scarica l'avanzamento (CSV)")
            + " "
            + csv_link(report.questions_csv(), "domande-classe.csv", "Scarica le domande (CSV)")
            + " "
            + csv_link(report.answers_csv(), "risposte-classe.csv", "Scarica le risposte (CSV)")
            + "</p>"
        )
