"""A case played by the whole room: the phones vote, the board reveals and confirms, the wall shows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from abitare.cases.schema import Case, recommended_choices
from abitare.parameters import load_parameters
from abitare.practice.roomcase import RoomCase, RoomCaseStore, decision
from abitare.practice.sessions import Member, Session
from abitare.text import render_markdown
from abitare_widgets.case import format_value
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["RoomCaseConsole", "RoomCaseVoter", "room_case_html"]

log = logging.getLogger(__name__)


def _md(text: str) -> str:
    return render_markdown(text, load_parameters())


def _split_html(room: RoomCase, split: dict[int, int], node: str) -> str:
    choices = room.case.data.nodes[node].choices
    total = sum(split.values()) or 1
    rows = "".join(
        f"<tr><th scope='row'>{escape(choices[i].text)}</th><td><span class='abitare-hbar' "
        f"style='width:{round(160 * split.get(i, 0) / total)}px'></span> {split.get(i, 0)}</td></tr>"
        for i in range(len(choices))
        if i in split or (guard := choices[i].guard) is None or guard.holds(room.run.state)
    )
    return f"<table class='abitare-counts abitare-case-split'>{rows}</table>"


def _last_decision(room: RoomCase) -> str:
    if not room.decided:
        return ""
    d = room.decided[-1]
    text = room.case.data.nodes[d.node].choices[d.choice].text
    how = {
        "majority": "la scelta della maggioranza",
        "facilitator": "una scelta di chi conduce, diversa da quella della maggioranza",
        "no_votes": "una scelta di chi conduce (nessuno ha votato)",
    }[decision(d)]
    return f"<p class='abitare-feedback' role='status'>Scelta confermata: «{escape(text)}», {how}.</p>"


def room_case_html(room: RoomCase, *, show_votes: bool) -> str:
    """The situation for everyone (phones, board, wall); the debrief at the end."""
    data = room.case.data
    state = "".join(
        f"<li>{escape(var.label)}: <strong>{escape(format_value(var, room.run.state[name]))}</strong></li>"
        for name, var in data.state.items()
    )
    head = f"<h2>Caso della sala: {escape(room.case.title)}</h2>{_last_decision(room)}"
    if room.run.finished:
        ending = room.run.ending_data
        assert ending is not None
        ours = "".join(
            f"<li>{escape(data.nodes[d.node].choices[d.choice].text)}"
            + (
                " <span class='abitare-meta'>(scelta di chi conduce, diversa dalla più votata)</span>"
                if decision(d) == "facilitator"
                else ""
            )
            + f"{_split_html(room, d.split, d.node)}</li>"
            for d in room.decided
        )
        advised = "".join(f"<li>{escape(data.nodes[n].choices[k].text)}</li>" for n, k in recommended_choices(data))
        return (
            f'<section class="abitare-room-case">{head}<h3>Finale: {escape(ending.title)}</h3>{_md(ending.debrief)}'
            + ("<p>La sala ha seguito il percorso consigliato.</p>" if room.followed_recommended() else "")
            + '<div class="abitare-paths">'
            f"<div><h4>Il percorso della sala (con i voti)</h4><ol>{ours}</ol></div>"
            f"<div><h4>Il percorso consigliato</h4><ol>{advised}</ol></div></div></section>"
        )
    node = data.nodes[room.run.node]
    event = f"<p><strong>Imprevisto.</strong> {escape(room.run.last_event)}</p>" if room.run.last_event else ""
    votes = (
        _split_html(room, dict(room.votes), room.run.node)
        if show_votes
        else f"<p class='abitare-meta'>Voti arrivati: <strong>{sum(room.votes.values())}</strong></p>"
    )
    return (
        f'<section class="abitare-room-case">{head}<p class="abitare-meta">Passo {room.step + 1}</p>'
        f"{event}{_md(node.text)}<ul class='abitare-case-state'>{state}</ul><h3>Che cosa fa la sala?</h3>"
        f"{votes}</section>"
    )


class RoomCaseVoter(w.VBox):
    """On a participant's phone: the situation and one button per open choice."""

    def __init__(
        self, store: RoomCaseStore, session: Session, member: Member, load_case: Callable[[str], Case], **kwargs: Any
    ) -> None:
        self.store = store
        self.session = session
        self.member = member
        self.load_case = load_case
        self.room: RoomCase | None = None
        self.message = ErrorBanner()
        self.view = w.HTML()
        self.buttons = w.VBox()
        self.mine: int | None = None
        self._key: tuple[Any, ...] | None = None
        self._step: tuple[int, int] | None = None
        super().__init__([self.view, self.buttons, self.message], **kwargs)
        self.add_class("abitare-room-case-voter")
        self.layout.display = "none"

    def refresh(self) -> None:
        current = self.store.current_case_id(self.session)
        if current is None:
            self.layout.display = "none"
            return
        run_id, case_id = current
        case = self.room.case if self.room and self.room.case.id == case_id else self.load_case(case_id)
        room = self.store.load(self.session, case, run_id)
        key = (
            run_id,
            room.step,
            room.revealed,
            tuple(sorted(room.votes.items())) if room.revealed else sum(room.votes.values()),
        )
        if (run_id, room.step) != self._step:  # a new step: no vote of mine yet
            self._step = (run_id, room.step)
            self.mine = None
        if key == self._key:
            return
        self._key = key
        self.room = room
        self.layout.display = ""
        self.view.value = room_case_html(room, show_votes=room.revealed)
        buttons = []
        for i, choice in room.run.available():
            label = ("✔ " if i == self.mine else "") + choice.text
            button = w.Button(description=label, layout=w.Layout(width="100%", height="auto"))
            button.add_class("abitare-choice")
            button.on_click(lambda _b, k=i: self.vote(k))
            buttons.append(button)
        old = self.buttons.children
        self.buttons.children = buttons
        for button in old:
            button.close()

    @guarded
    def vote(self, choice: int) -> None:
        if self.room is None:
            return
        self.store.vote(self.room, self.member, choice)
        self.mine = choice
        self.message.clear()
        self._key = None
        self.refresh()


class RoomCaseConsole(w.VBox):
    """On the board: start a case, watch the votes, reveal, confirm."""

    def __init__(self, store: RoomCaseStore, cases: list[Case], on_change: Callable[[], None], **kwargs: Any) -> None:
        self.store = store
        self.cases = {c.id: c for c in cases}
        self.on_change = on_change
        self.session: Session | None = None
        self.room: RoomCase | None = None
        self.message = ErrorBanner()
        self.pick = w.Dropdown(
            options=[(c.title, c.id) for c in cases],
            description="Caso",
            style={"description_width": "initial"},
            layout=w.Layout(width="100%"),
        )
        self.start_button = w.Button(description="Fai giocare il caso alla sala", layout=w.Layout(width="auto"))
        self.start_button.on_click(lambda _b: self.start())
        self.view = w.HTML()
        self.reveal_button = w.Button(description="Mostra i voti alla sala", layout=w.Layout(width="auto"))
        self.reveal_button.on_click(lambda _b: self.toggle_reveal())
        self.confirm_box = w.VBox()
        super().__init__(
            [
                w.HTML("<h2>Caso giocato dalla sala</h2>"),
                w.HBox([self.pick, self.start_button], layout=w.Layout(flex_flow="row wrap")),
                self.message,
                self.view,
                self.reveal_button,
                self.confirm_box,
            ],
            **kwargs,
        )
        self.add_class("abitare-room-controls")
        self._key: tuple[Any, ...] | None = None

    def current(self, session: Session) -> RoomCase | None:
        self.session = session
        found = self.store.current_case_id(session)
        if found is None or found[1] not in self.cases:
            self.room = None
            return None
        self.room = self.store.load(session, self.cases[found[1]], found[0])
        return self.room

    def draw(self) -> None:
        room = self.room
        key = None if room is None else (room.run_id, room.step, room.revealed, tuple(sorted(room.votes.items())))
        if key == self._key:
            return
        self._key = key
        self.reveal_button.layout.display = "none" if room is None or room.run.finished else ""
        if room is None:
            self.view.value = "<p class='abitare-meta'>Nessun caso in corso.</p>"
            self.confirm_box.children = []
            return
        # the facilitator sees the votes as they arrive; the room only once revealed
        self.view.value = room_case_html(room, show_votes=True)
        self.reveal_button.description = "Nascondi i voti alla sala" if room.revealed else "Mostra i voti alla sala"
        buttons = []
        majority = room.majority()
        for i, choice in room.run.available():
            if majority is None:  # nobody voted yet: no majority to follow or to go against
                text = "Conferma la scelta"
            else:
                text = "Conferma la scelta della maggioranza" if i == majority else "Conferma un'altra scelta"
            button = w.Button(description=f"{text}: {choice.text}", layout=w.Layout(width="100%", height="auto"))
            button.on_click(lambda _b, k=i: self.confirm(k))
            buttons.append(button)
        old = self.confirm_box.children
        self.confirm_box.children = buttons
        for button in old:
            button.close()

    @guarded
    def start(self) -> None:
        if self.session is None or self.pick.value is None:
            return
        self.store.start(self.session, self.cases[self.pick.value])
        self.on_change()

    @guarded
    def toggle_reveal(self) -> None:
        if self.room is not None:
            self.store.reveal(self.room, not self.room.revealed)
            self.on_change()

    @guarded
    def confirm(self, choice: int) -> None:
        if self.room is not None:
            self.store.confirm(self.room, choice)
            self.on_change()
