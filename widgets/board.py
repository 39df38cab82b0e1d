"""The facilitator's board: create or open a session, watch answers arrive, project, close, export."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date, datetime
from html import escape
from typing import Any

import ipywidgets as w

from abitare.errors import AbitareError
from abitare.joinqr import join_url, qr_svg, short_address
from abitare.sessions import Session, SessionStore
from abitare.synthesis import field_html, summarize, to_csv, to_html, to_markdown, to_xlsx
from abitare.text import render_markdown
from abitare.worksheets import Worksheet
from abitare_widgets.links import csv_link, download_link
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
        **kwargs: Any,
    ) -> None:
        self.sessions = sessions
        self.worksheets = {ws.id: ws for ws in worksheets}
        self.refresh_seconds = refresh_seconds
        self.environ = environ
        self.session: Session | None = None
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
        self.controls = w.HBox([self.anonymous, self.toggle_button])
        self.controls.layout.display = "none"
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
        super().__init__([self.login, self.message, self.controls, self.join, self.board, self.exports], **kwargs)
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
        # redraw (and rebuild the exports) only when something changed: the board polls often
        key = (len(rows), max((r.updated_at for r in rows), default=None), len(members), anonymous, session.status)
        if key == self._last_key:
            return
        self._last_key = key
        summaries = summarize(worksheet, rows, anonymous=anonymous)
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
            + "".join(field_html(s) for s in summaries)
        )
        stem = f"sessione-{session.code.lower()}"
        self.exports.value = (
            "<h2>Esporta</h2><p>"
            + csv_link(to_csv(worksheet, rows, anonymous), f"{stem}.csv", "CSV")
            + " "
            + download_link(
                to_xlsx(worksheet, rows, anonymous),
                f"{stem}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "XLSX",
            )
            + " "
            + download_link(
                to_markdown(worksheet, session, summaries).encode("utf-8"),
                f"{stem}.md",
                "text/markdown;charset=utf-8",
                "Markdown",
            )
            + " "
            + download_link(
                to_html(worksheet, session, summaries).encode("utf-8"),
                f"{stem}.html",
                "text/html;charset=utf-8",
                "HTML",
            )
            + "</p>"
        )
