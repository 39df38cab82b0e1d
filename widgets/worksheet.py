"""Filling in a worksheet together: join with a code, type, and every change is saved."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from functools import partial
from html import escape
from typing import Any

import ipywidgets as w

from abitare.cases.schema import Case
from abitare.errors import AbitareError
from abitare.parameters import load_parameters
from abitare.practice.ideas import PostStore
from abitare.practice.room import RoomStore
from abitare.practice.roomcase import RoomCaseStore
from abitare.practice.sessions import Member, Session, SessionStore
from abitare.practice.worksheets import AnswerError, FieldSpec, Worksheet
from abitare.text import render_markdown
from abitare_widgets.countdown import Countdown
from abitare_widgets.ideas import PostsPanel
from abitare_widgets.roomcase import RoomCaseVoter
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["FieldInput", "JoinView", "WorksheetForm"]

log = logging.getLogger(__name__)

#: Seconds of quiet typing before a change is saved.
DEBOUNCE = 0.4
#: How often a participant's page looks for the facilitator's timers.
POLL_SECONDS = 1.0


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class FieldInput:
    """The widget of one field, and the conversion between its value and what is stored."""

    def __init__(self, spec: FieldSpec, on_change: Callable[[], None]) -> None:
        self.spec = spec
        kind = spec.type
        label = spec.label
        style = {"description_width": "initial"}
        self.parts: dict[str, w.Widget] = {}
        if kind == "short_text":
            self.widget: w.Widget = w.Text(description=label, style=style, layout=w.Layout(width="100%"))
        elif kind in ("long_text", "list", "stakeholders", "action_plan"):
            placeholder = {
                "long_text": "",
                "list": "una voce per riga",
                "stakeholders": "una riga per attore: nome; valore da 1 a 5; valore da 1 a 5",
                "action_plan": "una riga per azione: azione; chi; entro (AAAA-MM-GG)",
            }[kind]
            self.widget = w.Textarea(
                description=label, placeholder=placeholder, style=style, layout=w.Layout(width="100%", height="7em")
            )
        elif kind == "scale":
            options = [(str(v), v) for v in range(spec.scale_min, spec.scale_max + 1)]
            self.widget = w.RadioButtons(options=options, value=None, description=label, style=style)
        elif kind == "single":
            self.widget = w.RadioButtons(options=spec.options, value=None, description=label, style=style)
        elif kind == "multiple":
            self.parts = {o: w.Checkbox(value=False, description=o, indent=False) for o in spec.options}
            self.widget = w.VBox([w.HTML(f"<p>{escape(label)}</p>"), *self.parts.values()])
        elif kind == "ranking":
            places = [("scegli", None)] + [(f"{k}°", k) for k in range(1, len(spec.options) + 1)]
            self.parts = {o: w.Dropdown(options=places, value=None, description=o, style=style) for o in spec.options}
            self.widget = w.VBox([w.HTML(f"<p>{escape(label)} (dal 1° all'ultimo posto)</p>"), *self.parts.values()])
        else:  # matrix
            self.parts = {
                f"{r}|{c}": w.Textarea(description=f"{r} – {c}", style=style, layout=w.Layout(width="48%"))
                for r in spec.rows
                for c in spec.columns
            }
            self.widget = w.VBox(
                [
                    w.HTML(f"<p>{escape(label)}</p>"),
                    w.HBox(list(self.parts.values()), layout=w.Layout(flex_flow="row wrap")),
                ]
            )
        for child in self.parts.values() or [self.widget]:
            child.observe(lambda _ch: on_change(), "value")
        self.widget.add_class("abitare-ws-field")

    def value(self) -> Any:
        """What the participant has entered, in the stored shape (may be refused by validation)."""
        kind = self.spec.type
        if kind in ("short_text", "long_text", "scale", "single"):
            return self.widget.value
        if kind == "list":
            return _lines(self.widget.value)
        if kind == "multiple":
            return [o for o, box in self.parts.items() if box.value]
        if kind == "ranking":
            given = {o: d.value for o, d in self.parts.items()}
            if None in given.values():
                return None
            return sorted(given, key=lambda o: given[o])
        if kind == "matrix":
            return {k: t.value for k, t in self.parts.items() if t.value.strip()}
        rows = [[p.strip() for p in line.split(";")] for line in _lines(self.widget.value)]
        if kind == "stakeholders":
            out = []
            for row in rows:
                if len(row) != 3 or not row[1].isdigit() or not row[2].isdigit():
                    raise AnswerError(f"{self.spec.label}: scrivi «nome; numero; numero» su ogni riga.")
                out.append({"attore": row[0], "x": int(row[1]), "y": int(row[2])})
            return out
        out_rows = []
        for row in rows:
            if len(row) != 3:
                raise AnswerError(f"{self.spec.label}: scrivi «azione; chi; AAAA-MM-GG» su ogni riga.")
            out_rows.append({"azione": row[0], "chi": row[1], "entro": row[2]})
        return out_rows

    def show(self, value: Any) -> None:
        """Put a stored value back in the widget (on return)."""
        kind = self.spec.type
        if kind in ("short_text", "long_text", "scale", "single"):
            self.widget.value = value
        elif kind == "list":
            self.widget.value = "\n".join(value)
        elif kind == "multiple":
            for o, box in self.parts.items():
                box.value = o in value
        elif kind == "ranking":
            for o, d in self.parts.items():
                d.value = value.index(o) + 1 if o in value else None
        elif kind == "matrix":
            for k, t in self.parts.items():
                t.value = value.get(k, "")
        elif kind == "stakeholders":
            self.widget.value = "\n".join(f"{a['attore']}; {a['x']}; {a['y']}" for a in value)
        else:
            self.widget.value = "\n".join(f"{a['azione']}; {a['chi']}; {a['entro']}" for a in value)

    def disable(self) -> None:
        for child in self.parts.values() or [self.widget]:
            child.disabled = True


class WorksheetForm(w.VBox):
    """The worksheet for one member; each field saved a moment after the last change."""

    def __init__(
        self,
        worksheet: Worksheet,
        sessions: SessionStore,
        session: Session,
        member: Member,
        poll_seconds: float | None = POLL_SECONDS,
        load_case: Callable[[str], Case] | None = None,
        **kwargs: Any,
    ) -> None:
        self.worksheet = worksheet
        self.sessions = sessions
        self.session = session
        self.member = member
        self.status = w.HTML('<p class="abitare-save" role="status">Le risposte si salvano mentre scrivi.</p>')
        self.message = ErrorBanner()
        self._timers: dict[str, threading.Timer] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._saving = 0  # saves under way (a timer's or flush's)
        self._restoring = True
        self.inputs = {f.id: FieldInput(f, partial(self._changed, f.id)) for f in worksheet.data.fields}
        #: what this page last read or saved, field by field: a stored value that differs was
        #: saved by another page of the same participant (a second tab, a phone)
        self._known: dict[str, Any] = {}
        for field_id, value in sessions.member_answers(member).items():
            if field_id in self.inputs:
                self.inputs[field_id].show(value)
                self._known[field_id] = value
        self._restoring = False
        self.room = RoomStore(sessions.engine)
        self.timers = {f.id: Countdown() for f in worksheet.data.fields}
        rows = []
        for spec in worksheet.data.fields:
            rows.append(self.timers[spec.id])
            rows.append(self.inputs[spec.id].widget)
            if spec.help:
                rows.append(w.HTML(f'<p class="abitare-meta">{escape(spec.help)}</p>'))
        header = w.HTML(
            f'<h1 class="abitare-title">{escape(session.title)}</h1>'
            f"<p>Scheda: <strong>{escape(worksheet.title)}</strong> · partecipi come "
            f"<strong>{escape(member.display_name)}</strong></p>"
            f'<div class="abitare-lesson">{render_markdown(worksheet.data.instructions, load_parameters())}</div>'
        )
        posts = PostStore(sessions.engine)
        self.panels: list[Any] = [PostsPanel(posts, session, member, kind) for kind in ("idea", "question")]
        if load_case is not None:
            self.panels.insert(0, RoomCaseVoter(RoomCaseStore(sessions.engine), session, member, load_case))
        super().__init__([header, self.status, self.message, *rows, *self.panels], **kwargs)
        self.add_class("abitare-worksheet")
        if not session.is_open:
            self._closed()
        self._stop = threading.Event()
        self.poll_timers()
        if poll_seconds:
            threading.Thread(target=self._poll, args=(poll_seconds,), name="abitare-timers", daemon=True).start()

    def _poll(self, every: float) -> None:
        failures = 0
        while failures < 10 and not self._stop.wait(every):  # a database gone for good: stop asking
            failures = 0 if self.poll_timers() else failures + 1

    def poll_timers(self) -> bool:
        """Show the facilitator's timers (a failed read keeps the last ones: it is only a clock)."""
        try:
            states = self.room.read_states(self.session)
        except Exception as err:
            log.debug("cannot read the session's timers: %s", err)
            return False
        for field_id, countdown in self.timers.items():
            state = states.get(field_id)
            left = state.remaining() if state else None
            countdown.set(left, key=state.timer_ends_at if state else None)
        for panel in self.panels:
            try:
                panel.refresh()
            except Exception as err:
                log.debug("cannot read the ideas and questions: %s", err)
                return False
        return True

    def close(self) -> None:
        self._stop.set()
        super().close()

    def _closed(self) -> None:
        for field in self.inputs.values():
            field.disable()
        self.status.value = (
            '<p class="abitare-save" role="status">La sessione è chiusa: puoi leggere, non modificare.</p>'
        )

    def _changed(self, field_id: str) -> None:
        if self._restoring:
            return
        with self._lock:
            old = self._timers.pop(field_id, None)
            if old:
                old.cancel()
            timer = threading.Timer(DEBOUNCE, self.save, args=(field_id,))
            timer.daemon = True
            self._timers[field_id] = timer
        self.status.value = '<p class="abitare-save" role="status">Salvataggio…</p>'
        timer.start()

    @guarded
    def save(self, field_id: str) -> None:
        """Store one field now (the debounce timer calls this; tests may too)."""
        with self._lock:
            self._timers.pop(field_id, None)
            self._saving += 1
        try:
            value = self.inputs[field_id].value()
            when = self.sessions.save(self.worksheet, self.member, field_id, value)
        except AbitareError as err:
            self.status.value = '<p class="abitare-save abitare-error" role="status">Non salvato.</p>'
            if "chiusa" in str(err):
                self._closed()
            raise
        finally:
            with self._lock:
                self._saving -= 1
                self._idle.notify_all()
        self.message.clear()
        self._known[field_id] = value
        local = when.astimezone().strftime("%H:%M:%S") if isinstance(when, datetime) else ""
        newer = self._take_newer(field_id)
        self.status.value = f'<p class="abitare-save" role="status">Salvato alle {local}.{newer}</p>'

    def _take_newer(self, saved: str) -> str:
        """Show what another page of the same participant saved since this one last looked
        (never a field with an edit of this page still waiting); the notice, or ''."""
        stored = self.sessions.member_answers(self.member)
        with self._lock:
            waiting = set(self._timers)
        changed = [
            f
            for f, v in stored.items()
            if f != saved and f in self.inputs and f not in waiting and v != self._known.get(f)
        ]
        if not changed:
            return ""
        self._restoring = True
        try:
            for f in changed:
                self.inputs[f].show(stored[f])
                self._known[f] = stored[f]
        finally:
            self._restoring = False
        labels = ", ".join(f"«{escape(self.inputs[f].spec.label)}»" for f in changed)
        return f" Da un'altra pagina aperta con il tuo nome sono arrivate risposte più recenti: {labels}."

    def flush(self) -> None:
        """Save every pending change now."""
        with self._lock:
            pending = list(self._timers)
            for timer in self._timers.values():
                timer.cancel()
        for field_id in pending:
            self.save(field_id)
        with self._lock:  # and wait for the saves that were already under way
            self._idle.wait_for(lambda: self._saving == 0, timeout=30)


class JoinView(w.VBox):
    """Code and name, then the worksheet."""

    def __init__(
        self,
        sessions: SessionStore,
        load: Callable[[str], Worksheet],
        code: str = "",
        home: str = "home.ipynb",
        load_case: Callable[[str], Case] | None = None,
        **kwargs: Any,
    ) -> None:
        self.sessions = sessions
        self.load = load
        self.load_case = load_case
        self.message = ErrorBanner()
        self.code = w.Text(value=code, description="Codice della sessione", style={"description_width": "initial"})
        self.name = w.Text(
            description="Il tuo nome (come vuoi farti vedere)",
            style={"description_width": "initial"},
            layout=w.Layout(width="420px"),
        )
        self.enter_button = w.Button(description="Entra", button_style="primary", layout=w.Layout(width="auto"))
        self.enter_button.on_click(lambda _b: self.enter())
        self.form: WorksheetForm | None = None
        self.login = w.VBox(
            [
                w.HTML(
                    f'<nav class="abitare-breadcrumb"><a href="{escape(home)}">← Pagina iniziale</a></nav>'
                    '<h1 class="abitare-title">Scheda di lavoro condivisa</h1>'
                    "<p>Scrivi il codice che ti ha dato chi conduce l'incontro e il nome con cui vuoi "
                    "comparire. Per tornare alla scheda usa lo stesso nome.</p>"
                ),
                self.code,
                self.name,
                self.enter_button,
            ]
        )
        super().__init__([self.login, self.message], **kwargs)

    @guarded
    def enter(self) -> None:
        session = self.sessions.find(self.code.value)
        if session is None:
            self.message.error("Codice non valido: controlla di averlo scritto bene.")
            return
        member = self.sessions.join(session, self.name.value)
        self.form = WorksheetForm(
            self.load(session.template_id), self.sessions, session, member, load_case=self.load_case
        )
        self.message.clear()
        self.children = [self.form]
