"""The facilitator's board: create or open a session, watch answers arrive, project, close, export."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date, datetime
from html import escape
from typing import Any

import ipywidgets as w

from abitare.cases.schema import Case
from abitare.errors import AbitareError
from abitare.practice.ideas import STATUS_LABELS, Post, PostStore, posts_markdown
from abitare.practice.joinqr import join_url, qr_svg, short_address
from abitare.practice.room import (
    FREE_TEXT,
    WALL_PAGES,
    Contribution,
    FieldState,
    RoomStore,
    export_marks,
    mark_merged,
    marked_rows,
    moderated_rows,
)
from abitare.practice.roomcase import RoomCase, RoomCaseStore, room_case_markdown
from abitare.practice.sessions import Session, SessionStore
from abitare.practice.synthesis import FieldSummary, field_html, summarize, to_csv, to_html, to_markdown, to_xlsx
from abitare.practice.wordcloud import cloud_html
from abitare.practice.worksheets import FieldSpec, Worksheet
from abitare.text import render_markdown
from abitare_widgets.countdown import Countdown
from abitare_widgets.ideas import posts_export_html, posts_html
from abitare_widgets.links import csv_link, download_link
from abitare_widgets.roomcase import RoomCaseConsole, room_case_html
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["BoardView", "join_html"]


def join_html(code: str, url: str) -> str:
    """The QR code and the short address that open the worksheet with ``code`` filled in."""
    return (
        f'<section class="abitare-join" aria-label="Come entrare nella sessione" data-url="{escape(url)}">'
        f'<div class="abitare-qr" role="img" aria-label="Codice QR: inquadralo con il telefono per entrare">'
        f"{qr_svg(url)}</div>"
        "<div><p>Inquadra il codice QR con la fotocamera del telefono, oppure apri l'indirizzo:</p>"
        f'<p class="abitare-join-address"><a href="{escape(url)}" target="_blank" rel="noopener">'
        f"{escape(short_address(url))}</a></p>"
        f"<p>Codice della sessione: <strong class='abitare-code'>{escape(code)}</strong></p></div></section>"
    )


def wall_html(position: int, total: int, spec: FieldSpec, summary: FieldSummary, state: FieldState) -> str:
    """One field on the wall: large type; its results only once revealed, free text only once approved."""
    head = f'<p class="abitare-wall-step">Domanda {position} di {total}</p>'
    if not state.revealed:
        return (
            f'<section class="abitare-wall">{head}<h3>{escape(spec.label)}</h3>'
            f'<p class="abitare-wall-count">Risposte arrivate: <strong>{summary.answered}</strong></p>'
            '<p class="abitare-wall-hidden">Rispondete dal telefono: i risultati compariranno qui '
            "quando chi conduce li mostrerà.</p></section>"
        )
    return f'<section class="abitare-wall">{head}{_with_cloud(summary)}</section>'


def _with_cloud(summary: FieldSummary) -> str:
    """A field's results, and for short answers the word cloud beside the list."""
    html = field_html(summary)
    if summary.spec.type in ("short_text", "list") and summary.texts:
        html += cloud_html([t for _, t in summary.texts])
    return html


def _badge(spec: FieldSpec, state: FieldState, pending: int) -> str:
    shown = "mostrati alla sala" if state.revealed else "nascosti alla sala"
    parts = [f"Risultati {shown}"]
    left = state.remaining()
    if left is not None:
        parts.append(f"timer: {int(left) // 60}:{int(left) % 60:02d}" if left > 0 else "tempo scaduto")
    if spec.type in FREE_TEXT and pending:
        parts.append(f"{pending} da moderare")
    return f'<p class="abitare-field-state" data-field="{escape(spec.id)}">' + " · ".join(parts) + "</p>"


class BoardView(w.VBox):
    """Behind the session's facilitator secret; refreshes itself every ``refresh_seconds``."""

    def __init__(
        self,
        sessions: SessionStore,
        worksheets: list[Worksheet],
        home: str = "home.ipynb",
        refresh_seconds: float = 0.5,
        guide: str = "",
        environ: Mapping[str, str] | None = None,
        cases: list[Case] | None = None,
        **kwargs: Any,
    ) -> None:
        self.sessions = sessions
        self.worksheets = {ws.id: ws for ws in worksheets}
        self.refresh_seconds = refresh_seconds
        self.environ = environ
        self.session: Session | None = None
        self.room = RoomStore(sessions.engine)
        self.posts = PostStore(sessions.engine)
        self.message = ErrorBanner()
        style = {"description_width": "initial"}
        guide_html = render_markdown(guide) if guide else ""
        # open an existing session
        self.code = w.Text(description="Codice della sessione", style=style)
        self.secret = w.Password(description="Parola segreta della sessione", style=style)
        self.open_button = w.Button(
            description="Apri la lavagna", button_style="primary", layout=w.Layout(width="auto")
        )
        self.open_button.on_click(lambda _b: self.open_board())
        # create a new one
        self.template = w.Dropdown(options=[(ws.title, ws.id) for ws in worksheets], description="Scheda", style=style)
        self.title = w.Text(description="Titolo dell'incontro", style=style, layout=w.Layout(width="480px"))
        self.day = w.DatePicker(description="Data", value=date.today(), style=style)
        self.create_button = w.Button(description="Crea la sessione", layout=w.Layout(width="auto"))
        self.create_button.on_click(lambda _b: self.create())
        self.created = w.HTML()
        # the board
        self.anonymous = w.Checkbox(value=False, description="Proiezione anonima (senza nomi)", indent=False)
        self.anonymous.observe(lambda _ch: self.set_anonymous(), "value")
        self.toggle_button = w.Button(description="Chiudi la sessione", layout=w.Layout(width="auto"))
        self.toggle_button.on_click(lambda _b: self.toggle())
        self.join = w.HTML()
        self.board = w.HTML()
        self.exports = w.HTML()
        self.mode = w.ToggleButtons(
            options=[("Lavagna", "board"), ("Proiezione a parete", "wall")], value="board", description="Vista"
        )
        self.mode.observe(lambda _ch: self.show_mode(), "value")
        self.controls = w.HBox([self.mode, self.anonymous, self.toggle_button], layout=w.Layout(flex_flow="row wrap"))
        self.controls.layout.display = "none"
        # what the room sees, field by field
        self.field_pick = w.Dropdown(description="Domanda", style=style, layout=w.Layout(width="100%"))
        self.field_pick.observe(lambda _ch: self._draw_field_controls(), "value")
        self.reveal_button = w.Button(description="Mostra i risultati alla sala", layout=w.Layout(width="auto"))
        self.reveal_button.on_click(lambda _b: self.toggle_reveal())
        self.minutes = w.BoundedIntText(value=3, min=1, max=120, description="Minuti", style=style)
        self.timer_button = w.Button(description="Avvia il timer", layout=w.Layout(width="auto"))
        self.timer_button.on_click(lambda _b: self.toggle_timer())
        self.project_button = w.Button(description="Proietta questa domanda", layout=w.Layout(width="auto"))
        self.project_button.on_click(lambda _b: self.project())
        self.field_controls = w.VBox(
            [
                w.HTML("<h2>Che cosa vede la sala</h2>"),
                self.field_pick,
                w.HBox(
                    [self.reveal_button, self.minutes, self.timer_button, self.project_button],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
            ]
        )
        self.field_controls.add_class("abitare-room-controls")
        self.queue = w.VBox()
        self.queue.add_class("abitare-queue")
        # ideas and questions
        self._configuring = False
        self.ideas_open = w.Checkbox(value=False, description="Muro delle idee aperto", indent=False)
        self.votes_each = w.BoundedIntText(value=3, min=1, max=20, description="Voti per persona", style=style)
        self.questions_open = w.Checkbox(value=False, description="Domande aperte", indent=False)
        self.questions_named = w.Checkbox(value=False, description="Domande con il nome di chi chiede", indent=False)
        self.posts_moderated = w.Checkbox(
            value=False, description="Approva idee e domande prima di mostrarle alla sala", indent=False
        )
        for box in (self.ideas_open, self.votes_each, self.questions_open, self.questions_named, self.posts_moderated):
            box.observe(lambda _ch: self.configure(), "value")
        self.posts_view = w.HTML()
        self.post_queue = w.VBox()
        self.post_queue.add_class("abitare-post-queue")
        self._post_queue_key: tuple[Any, ...] | None = None
        self._all_posts: list[Post] = []
        self.room_box = w.VBox(
            [
                w.HTML("<h2>Idee e domande della sala</h2>"),
                w.HBox([self.ideas_open, self.votes_each], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.questions_open, self.questions_named], layout=w.Layout(flex_flow="row wrap")),
                self.posts_moderated,
                self.post_queue,
                self.posts_view,
            ]
        )
        self.room_box.add_class("abitare-room-controls")
        self.case_console = RoomCaseConsole(
            RoomCaseStore(sessions.engine), cases or [], on_change=lambda: self.refresh()
        )
        self._room_case: RoomCase | None = None
        self.console = w.VBox([self.field_controls, self.queue, self.room_box, self.case_console])
        self.console.layout.display = "none"
        # the wall
        self.wall = w.HTML()
        self.wall_timer = Countdown()
        self.prev_button = w.Button(description="◀ Precedente", layout=w.Layout(width="auto"))
        self.prev_button.on_click(lambda _b: self.step(-1))
        self.next_button = w.Button(description="Successiva ▶", layout=w.Layout(width="auto"))
        self.next_button.on_click(lambda _b: self.step(1))
        self.wall_box = w.VBox([w.HBox([self.prev_button, self.next_button]), self.wall_timer, self.wall])
        self.wall_box.add_class("abitare-projection")
        self.wall_box.layout.display = "none"
        self._states: dict[str, FieldState] = {}
        self._contributions: list[Contribution] = []
        self._queue_key: tuple[Any, ...] | None = None
        self.login = w.VBox(
            [
                w.HTML(
                    f'<nav class="abitare-breadcrumb"><a href="{escape(home)}">← Pagina iniziale</a></nav>'
                    '<h1 class="abitare-title">Lavagna della comunità di pratica</h1>'
                    f"<details><summary>Come condurre una sessione (guida)</summary>{guide_html}</details>"
                    "<h2>Apri una sessione</h2>"
                ),
                self.code,
                self.secret,
                self.open_button,
                w.HTML("<h2>Oppure crea una nuova sessione</h2>"),
                self.template,
                self.title,
                self.day,
                self.create_button,
                self.created,
            ]
        )
        self._thread: threading.Thread | None = None
        self._last_key: tuple[Any, ...] | None = None
        self._stop = threading.Event()
        super().__init__(
            [
                self.login,
                self.message,
                self.controls,
                self.wall_box,
                self.join,
                self.console,
                self.board,
                self.exports,
            ],
            **kwargs,
        )
        self.add_class("abitare-board")

    @guarded
    def create(self) -> None:
        worksheet = self.worksheets[self.template.value]
        session, secret = self.sessions.create(worksheet, self.title.value, self.day.value or date.today())
        self.code.value = session.code
        self.created.value = (
            '<div class="abitare-feedback" role="status"><p>Sessione creata. Codice da dare ai partecipanti: '
            f"<strong class='abitare-code'>{escape(session.code)}</strong></p>"
            f"<p>Parola segreta per questa lavagna (annotala ora, non sarà mostrata di nuovo): "
            f"<strong class='abitare-secret'>{escape(secret)}</strong></p></div>"
        )

    @guarded
    def open_board(self, code: str | None = None, secret: str | None = None) -> bool:
        typed_secret = self.secret.value if secret is None else secret
        self.secret.value = ""
        session = self.sessions.find(self.code.value if code is None else code)
        if session is None or not self.sessions.check_secret(session, typed_secret):
            self.message.error("Codice o parola segreta non validi.")
            return False
        self.session = session
        self.login.layout.display = "none"
        self.controls.layout.display = ""
        self.anonymous.value = session.anonymous
        self.join.value = join_html(session.code, join_url(session.code, self.environ))
        worksheet = self.worksheets.get(session.template_id)
        if worksheet is not None:
            self.field_pick.options = [(f"{i}. {f.label}", f.id) for i, f in enumerate(worksheet.data.fields, 1)]
            self.field_pick.value = worksheet.data.fields[0].id
        self.console.layout.display = ""
        settings = self.posts.settings(session)
        self._configuring = True
        try:
            self.ideas_open.value = settings.ideas_open
            self.votes_each.value = settings.votes_each
            self.questions_open.value = settings.questions_open
            self.questions_named.value = settings.questions_named
            self.posts_moderated.value = settings.posts_moderated
        finally:
            self._configuring = False
        self.message.clear()
        self.refresh()
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="abitare-board", daemon=True)
            self._thread.start()
        return True

    def _loop(self) -> None:
        while not self._stop.wait(self.refresh_seconds):
            self.refresh()

    def close(self) -> None:
        """Stop the live updates with the widget."""
        self._stop.set()
        super().close()

    @guarded
    def set_anonymous(self) -> None:
        if self.session is not None and self.session.anonymous != self.anonymous.value:
            self.session = self.sessions.set_status(self.session, anonymous=self.anonymous.value)
            self.refresh()

    @guarded
    def toggle(self) -> None:
        if self.session is not None:
            self.session = self.sessions.set_status(self.session, is_open=not self.session.is_open)
            self.refresh()

    @guarded
    def refresh(self) -> None:
        """Read the answers again and redraw the board and the exports."""
        if self.session is None:
            return
        session = self.session
        worksheet = self.worksheets.get(session.template_id)
        if worksheet is None:
            raise AbitareError("La scheda di questa sessione non esiste più tra i contenuti.")
        rows = self.sessions.answers(session)
        members = self.sessions.members(session)
        anonymous = session.anonymous
        states = self.room.field_states(session)
        contributions = self.room.contributions(worksheet, session)
        projected = self.room.projected(session)
        settings = self.posts.settings(session)
        # every post, whatever its state: the queue and the exports need them, the room sees the shown ones
        all_ideas = self.posts.posts(session, "idea", with_hidden=True)
        all_questions = self.posts.posts(session, "question", with_hidden=True)
        ideas = [p for p in all_ideas if p.shown] if settings.ideas_open else []
        questions = [p for p in all_questions if p.shown] if settings.questions_open else []
        room_case = self.case_console.current(session)
        decisions = tuple((c.key, c.status, c.merged_into) for c in contributions)
        # redraw (and rebuild the exports) only when something changed: the board polls often
        key = (
            len(rows),
            max((r.updated_at for r in rows), default=None),
            len(members),
            anonymous,
            session.status,
            tuple(sorted((k, v.revealed, v.timer_ends_at) for k, v in states.items())),
            decisions,
            projected,
            self.mode.value,
            settings,
            tuple((p.id, p.votes, p.status, p.merged_into) for p in all_ideas),
            tuple((p.id, p.votes, p.status, p.merged_into) for p in all_questions),
            None
            if room_case is None
            else (room_case.run_id, room_case.step, room_case.revealed, tuple(sorted(room_case.votes.items()))),
        )
        if key == self._last_key:
            return
        self._last_key = key
        self._states = states
        self._contributions = contributions
        self._draw_field_controls()
        self._draw_queue(worksheet, anonymous)
        self._settings = settings
        self._ideas, self._questions = ideas, questions
        self._all_posts = [
            *(all_ideas if settings.ideas_open else []),
            *(all_questions if settings.questions_open else []),
        ]
        self._draw_post_queue(settings, anonymous)
        self._room_case = room_case
        self.case_console.draw()
        self._draw_wall(worksheet, rows, contributions, states, projected, anonymous)
        self.posts_view.value = (
            "<h3>Idee, dalla più votata</h3>" + posts_html(ideas, "idea", not anonymous) if settings.ideas_open else ""
        ) + (
            "<h3>Domande, dalla più sostenuta</h3>"
            + posts_html(questions, "question", settings.questions_named and not anonymous)
            if settings.questions_open
            else ""
        )
        pending = {
            f.id: sum(1 for c in contributions if c.field_id == f.id and c.status == "pending")
            for f in worksheet.data.fields
        }
        summaries = summarize(worksheet, marked_rows(worksheet, rows, contributions), anonymous=anonymous)
        who = (
            f"<p>Partecipanti: <strong>{len(members)}</strong></p>"
            if anonymous
            else f"<p>Partecipanti ({len(members)}): " + ", ".join(escape(m) for m in members) + "</p>"
        )
        state = "aperta" if session.is_open else "chiusa"
        self.toggle_button.description = "Chiudi la sessione" if session.is_open else "Riapri la sessione"
        self.board.value = (
            f'<h1 class="abitare-title">{escape(session.title)}</h1>'
            f"<p>Scheda: <strong>{escape(worksheet.title)}</strong> · codice <strong>{escape(session.code)}</strong>"
            f" · sessione {state} · aggiornata alle {datetime.now():%H:%M:%S}</p>{who}"
            + "".join(
                _badge(s.spec, states.get(s.spec.id, FieldState()), pending[s.spec.id]) + _with_cloud(s)
                for s in summaries
            )
        )
        marks = export_marks(contributions)
        questions_named = settings.questions_named and not anonymous
        stem = f"sessione-{session.code.lower()}"
        self.exports.value = (
            "<h2>Esporta</h2><p>"
            + csv_link(to_csv(worksheet, rows, anonymous, marks), f"{stem}.csv", "CSV")
            + " "
            + download_link(
                to_xlsx(worksheet, rows, anonymous, marks),
                f"{stem}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "XLSX",
            )
            + " "
            + download_link(
                (
                    to_markdown(worksheet, session, summaries)
                    + ("\n".join(["", *room_case_markdown(room_case), ""]) if room_case else "")
                    + "".join(
                        "\n".join(["", *lines, ""])
                        for lines in (
                            posts_markdown(all_ideas, "idea", not anonymous),
                            posts_markdown(all_questions, "question", questions_named),
                        )
                        if lines
                    )
                ).encode("utf-8"),
                f"{stem}.md",
                "text/markdown;charset=utf-8",
                "Markdown",
            )
            + " "
            + download_link(
                to_html(worksheet, session, summaries)
                .replace(
                    "</body>",
                    (room_case_html(room_case, show_votes=True) if room_case else "")
                    + posts_export_html(all_ideas, "idea", not anonymous)
                    + posts_export_html(all_questions, "question", questions_named)
                    + "</body>",
                )
                .encode("utf-8"),
                f"{stem}.html",
                "text/html;charset=utf-8",
                "HTML",
            )
            + "</p>"
        )

    # --- what the room sees -------------------------------------------------------------

    def _worksheet(self) -> Worksheet:
        assert self.session is not None
        worksheet = self.worksheets.get(self.session.template_id)
        if worksheet is None:
            raise AbitareError("La scheda di questa sessione non esiste più tra i contenuti.")
        return worksheet

    def _draw_field_controls(self) -> None:
        state = self._states.get(self.field_pick.value or "", FieldState())
        self.reveal_button.description = (
            "Nascondi i risultati alla sala" if state.revealed else "Mostra i risultati alla sala"
        )
        self.timer_button.description = "Ferma il timer" if state.remaining() else "Avvia il timer"

    @guarded
    def toggle_reveal(self, field_id: str | None = None) -> None:
        if self.session is None:
            return
        field_id = field_id or self.field_pick.value
        state = self.room.field_states(self.session).get(field_id, FieldState())
        self.room.set_revealed(self._worksheet(), self.session, field_id, not state.revealed)
        self.refresh()

    @guarded
    def toggle_timer(self, field_id: str | None = None, seconds: int | None = None) -> None:
        if self.session is None:
            return
        field_id = field_id or self.field_pick.value
        state = self.room.field_states(self.session).get(field_id, FieldState())
        if state.remaining() and seconds is None:
            self.room.stop_timer(self._worksheet(), self.session, field_id)
        else:
            self.room.start_timer(self._worksheet(), self.session, field_id, seconds or 60 * self.minutes.value)
        self.refresh()

    @guarded
    def project(self, field_id: str | None = None) -> None:
        if self.session is not None:
            self.room.set_projected(self._worksheet(), self.session, field_id or self.field_pick.value)
            self.refresh()

    @guarded
    def step(self, delta: int) -> None:
        """Next or previous field on the wall."""
        if self.session is None:
            return
        ids = self._wall_ids(self._worksheet())
        current = self.room.projected(self.session)
        index = ids.index(current) if current in ids else 0
        self.room.set_projected(self._worksheet(), self.session, ids[max(0, min(len(ids) - 1, index + delta))])
        self.refresh()

    def show_mode(self) -> None:
        wall = self.mode.value == "wall"
        for part in (self.join, self.console, self.board, self.exports):
            part.layout.display = "none" if wall else ""
        self.wall_box.layout.display = "" if wall else "none"
        if wall:
            self.add_class("abitare-wall-mode")
        else:
            self.remove_class("abitare-wall-mode")
        self.refresh()

    def _draw_wall(
        self,
        worksheet: Worksheet,
        rows: list[Any],
        contributions: list[Contribution],
        states: dict[str, FieldState],
        projected: str | None,
        anonymous: bool,
    ) -> None:
        fields = worksheet.data.fields
        ids = self._wall_ids(worksheet)
        index = ids.index(projected) if projected in ids else 0
        self.prev_button.disabled = index == 0
        self.next_button.disabled = index == len(ids) - 1
        if ids[index] == "__caso" and self._room_case is not None:
            self.wall.value = (
                f'<section class="abitare-wall"><p class="abitare-wall-step">Pagina {index + 1} di {len(ids)}</p>'
                f"{room_case_html(self._room_case, show_votes=self._room_case.revealed)}</section>"
            )
            self.wall_timer.set(None)
            return
        if ids[index] in WALL_PAGES:
            kind = WALL_PAGES[ids[index]]
            title = "Muro delle idee" if kind == "idea" else "Domande della sala"
            posts = self._ideas if kind == "idea" else self._questions
            self.wall.value = (
                f'<section class="abitare-wall"><p class="abitare-wall-step">Pagina {index + 1} di {len(ids)}</p>'
                f"<h3>{title}</h3>{posts_html(posts, kind, False, wall=True)}</section>"
            )
            self.wall_timer.set(None)
            return
        spec = fields[index]
        visible, merged = moderated_rows(worksheet, rows, contributions)
        summary = mark_merged(summarize(worksheet, visible, anonymous=anonymous)[index], merged)
        # every answer counts, whether or not its text has been approved for the wall
        summary.answered = sum(1 for r in rows if r.field_id == spec.id and r.value not in (None, "", [], {}))
        state = states.get(spec.id, FieldState())
        self.wall.value = wall_html(index + 1, len(ids), spec, summary, state)
        self.wall_timer.set(state.remaining(), key=state.timer_ends_at)

    def _wall_ids(self, worksheet: Worksheet) -> list[str]:
        settings = getattr(self, "_settings", None)
        extra = []
        if settings is not None and settings.ideas_open:
            extra.append("__idee")
        if settings is not None and settings.questions_open:
            extra.append("__domande")
        if getattr(self, "_room_case", None) is not None:
            extra.append("__caso")
        return [f.id for f in worksheet.data.fields] + extra

    @guarded
    def configure(self) -> None:
        """The facilitator opens or closes the ideas wall and the questions."""
        if self.session is None or self._configuring:
            return
        self.posts.configure(
            self.session,
            ideas_open=self.ideas_open.value,
            votes_each=self.votes_each.value,
            questions_open=self.questions_open.value,
            questions_named=self.questions_named.value,
            posts_moderated=self.posts_moderated.value,
        )
        self.refresh()

    def _draw_queue(self, worksheet: Worksheet, anonymous: bool = False) -> None:
        """The moderation queue: free text waiting to be approved, hidden or merged (no names when anonymous)."""
        pending = [c for c in self._contributions if c.status == "pending"]
        approved = [c for c in self._contributions if c.status == "approved"]
        decided = [c for c in self._contributions if c.status in ("hidden", "merged")]
        key = (anonymous, tuple((c.key, c.text) for c in pending), tuple(c.id for c in approved), len(decided))
        if key == self._queue_key:
            return
        self._queue_key = key
        labels = {f.id: f.label for f in worksheet.data.fields}
        rows: list[w.Widget] = [
            w.HTML(
                "<h2>Da moderare</h2><p>Il testo libero arriva sulla proiezione solo dopo la tua approvazione. "
                f"In attesa: <strong>{len(pending)}</strong> · approvati: {len(approved)} · "
                f"nascosti o uniti: {len(decided)} (restano nell'esportazione, segnati).</p>"
            )
        ]
        for c in pending[:30]:
            text = w.HTML(
                f'<p class="abitare-queue-text"><span class="abitare-meta">{escape(labels.get(c.field_id, ""))}'
                f"{'' if anonymous else ' · ' + escape(c.member)}</span><br>{escape(c.text)}</p>"
            )
            approve = w.Button(description="Approva", button_style="primary", layout=w.Layout(width="auto"))
            approve.on_click(lambda _b, c=c: self.decide(c, "approved"))
            hide = w.Button(description="Nascondi", layout=w.Layout(width="auto"))
            hide.on_click(lambda _b, c=c: self.decide(c, "hidden"))
            parts: list[w.Widget] = [approve, hide]
            targets = [a for a in approved if a.field_id == c.field_id]
            if targets:
                into = w.Dropdown(
                    options=[(a.text[:60], a.id) for a in targets],
                    description="Unisci a",
                    layout=w.Layout(width="auto", max_width="24rem"),
                )
                merge = w.Button(description="Unisci", layout=w.Layout(width="auto"))
                by_id = {a.id: a for a in targets}
                merge.on_click(lambda _b, c=c, into=into, by_id=by_id: self.decide(c, "merged", by_id.get(into.value)))
                parts += [into, merge]
            row = w.VBox([text, w.HBox(parts, layout=w.Layout(flex_flow="row wrap"))])
            row.add_class("abitare-queue-item")
            rows.append(row)
        if len(pending) > 30:
            rows.append(w.HTML(f"<p>E altri {len(pending) - 30} in attesa.</p>"))
        hidden = [c for c in decided if c.status == "hidden"]
        if hidden:
            rows.append(w.HTML("<h3>Nascosti alla proiezione</h3>"))
            for c in hidden[:30]:
                back = w.Button(description="Rimetti in coda", layout=w.Layout(width="auto"))
                back.on_click(lambda _b, c=c: self.decide(c, "pending"))
                rows.append(w.HBox([w.HTML(f"<p>{escape(c.text)}</p>"), back]))
        self.queue.children = rows

    @guarded
    def decide(self, contribution: Contribution, status: str, into: Contribution | None = None) -> None:
        if self.session is not None:
            self.room.decide(self.session, contribution, status, into)
            self.refresh()

    def _draw_post_queue(self, settings: Any, anonymous: bool) -> None:
        """Ideas and questions waiting for approval, and what can still be hidden or merged.

        Authors are named as on the rest of the board: ideas unless the projection is anonymous,
        questions only when the facilitator allows names (the board may be on the wall).
        """
        posts = self._all_posts
        named = {"idea": not anonymous, "question": settings.questions_named and not anonymous}
        # votes are left out: a burst of votes must not rebuild the buttons under the facilitator's finger
        key = (
            settings.posts_moderated,
            tuple(named.values()),
            tuple((p.id, p.status, p.merged_into) for p in posts),
        )
        if key == self._post_queue_key:
            return
        self._post_queue_key = key
        if not posts:
            self.post_queue.children = []
            return
        kinds = {"idea": "Idea", "question": "Domanda"}
        texts = {p.id: p.text for p in posts}
        pending = [p for p in posts if p.status == "pending"]
        shown = [p for p in posts if p.status == "approved"]
        decided = [p for p in posts if p.status in ("hidden", "merged")]
        intro = (
            "La sala vede idee e domande solo dopo la tua approvazione; chi scrive vede la sua, segnata "
            "«in attesa di approvazione»."
            if settings.posts_moderated
            else "Idee e domande arrivano subito alla sala: puoi nasconderle o unirle a una simile."
        )
        rows: list[w.Widget] = [
            w.HTML(
                f"<h3>Idee e domande da moderare</h3><p>{intro} In attesa: <strong>{len(pending)}</strong> · "
                f"mostrate: {len(shown)} · nascoste o unite: {len(decided)} (restano nell'esportazione, segnate). "
                "Se un contributo ne ripete un altro, uniscilo a quello: i suoi voti passano a quello che resta.</p>"
            )
        ]
        for p in [*pending, *shown][:40]:
            label = f"{kinds[p.kind]} · {STATUS_LABELS[p.status]}"
            if named[p.kind]:
                label += f" · {p.member}"
            text = w.HTML(
                f'<p class="abitare-queue-text"><span class="abitare-meta">{escape(label)}</span><br>'
                f"{escape(p.text)}</p>"
            )
            parts: list[w.Widget] = []
            if p.status == "pending":
                approve = w.Button(description="Approva", button_style="primary", layout=w.Layout(width="auto"))
                approve.on_click(lambda _b, pid=p.id, seen=p.status: self.moderate_post(pid, "approve", seen=seen))
                parts.append(approve)
            hide = w.Button(description="Nascondi", layout=w.Layout(width="auto"))
            hide.on_click(lambda _b, pid=p.id, seen=p.status: self.moderate_post(pid, "hide", seen=seen))
            parts.append(hide)
            targets = [t for t in shown if t.kind == p.kind and t.id != p.id]
            if targets:
                into = w.Dropdown(
                    options=[(t.text[:60], t.id) for t in targets],
                    description="Unisci a",
                    style={"description_width": "initial"},
                    layout=w.Layout(width="auto", max_width="24rem"),
                )
                merge = w.Button(description="Unisci", layout=w.Layout(width="auto"))
                merge.on_click(
                    lambda _b, pid=p.id, into=into, seen=p.status: self.moderate_post(pid, "merge", into.value, seen)
                )
                parts += [into, merge]
            row = w.VBox([text, w.HBox(parts, layout=w.Layout(flex_flow="row wrap"))])
            row.add_class("abitare-queue-item")
            row.add_class(f"abitare-post-{p.status}")
            rows.append(row)
        if len(pending) + len(shown) > 40:
            rows.append(w.HTML(f"<p>E altre {len(pending) + len(shown) - 40}.</p>"))
        if decided:
            rows.append(w.HTML("<h3>Nascoste o unite</h3>"))
            for p in decided[:30]:
                why = (
                    f"unita a «{escape(texts.get(p.merged_into or 0, ''))}»"
                    if p.status == "merged"
                    else "nascosta alla proiezione"
                )
                back = w.Button(description="Mostra di nuovo", layout=w.Layout(width="auto"))
                back.on_click(lambda _b, pid=p.id, seen=p.status: self.moderate_post(pid, "approve", seen=seen))
                item = w.HBox(
                    [w.HTML(f"<p>{escape(p.text)} <span class='abitare-meta'>({why})</span></p>"), back],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                )
                item.add_class("abitare-queue-item")
                rows.append(item)
        self.post_queue.children = rows

    @guarded
    def moderate_post(self, post_id: int, action: str, into: int | None = None, seen: str | None = None) -> None:
        """Approve, hide or merge an idea or a question (the facilitator's choice on the board).

        ``seen`` is the state the list showed: if another window decided meanwhile, nothing is
        changed, the facilitator is told and the list is drawn again.
        """
        if self.session is None:
            return
        try:
            if action == "approve":
                self.posts.approve(self.session, post_id, seen=seen)
            elif action == "hide":
                self.posts.hide(self.session, post_id, seen=seen)
            elif action == "merge" and into is not None:
                self.posts.merge(self.session, post_id, into, seen=seen)
            else:
                raise AbitareError("Decisione non prevista.")
        finally:
            self.refresh()
