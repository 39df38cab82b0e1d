"""A participant's ideas wall and questions: add, vote, see the ranking move."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from abitare.practice.ideas import MAX_POST, Post, PostStore, export_items, posts_title
from abitare.practice.sessions import Member, Session
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["PostsPanel", "posts_export_html", "posts_html"]

_TEXTS = {
    "idea": {
        "title": "Muro delle idee",
        "help": "Scrivi un'idea breve e vota quelle che ti convincono di più (anche la tua).",
        "field": "La tua idea",
        "send": "Aggiungi l'idea",
        "vote": "Vota",
        "unvote": "Togli il voto",
    },
    "question": {
        "title": "Domande a chi conduce",
        "help": "Fai una domanda e sostieni quelle degli altri: le più sostenute salgono in cima.",
        "field": "La tua domanda",
        "send": "Invia la domanda",
        "vote": "Sostieni",
        "unvote": "Non sostenere più",
    },
}


def _similar(n: int) -> str:
    return "più 1 simile, unita a questa" if n == 1 else f"più {n} simili, unite a questa"


def posts_html(posts: list[Post], kind: str, named: bool, *, wall: bool = False) -> str:
    """The ranked list, everyone's text escaped (names only for ideas, or questions when allowed)."""
    if not posts:
        return "<p class='abitare-meta'>Ancora nessun contributo.</p>"
    unit = ("voto", "voti") if kind == "idea" else ("sostegno", "sostegni")
    items = "".join(
        f"<li><span class='abitare-post-text'>{escape(p.text)}</span> "
        f"<span class='abitare-post-votes'>{p.votes} {unit[0] if p.votes == 1 else unit[1]}</span>"
        + (f" <span class='abitare-meta'>({_similar(p.merged)})</span>" if p.merged else "")
        + (f" <span class='abitare-meta'>– {escape(p.member)}</span>" if named and not wall else "")
        + "</li>"
        for p in posts
    )
    return f"<ol class='abitare-posts' data-kind='{kind}'>{items}</ol>"


def posts_export_html(posts: list[Post], kind: str, named: bool) -> str:
    """The export's section: every post, hidden and merged ones kept and marked, all text escaped."""
    if not posts:
        return ""
    items = "".join(f"<li>{line}</li>" for line in export_items(posts, kind, named, escape))
    return f"<section><h2>{escape(posts_title(kind))}</h2><ul>{items}</ul></section>"


class PostsPanel(w.VBox):
    """Shown while the facilitator keeps the activity open; ``refresh`` is called by the page's poll."""

    def __init__(self, store: PostStore, session: Session, member: Member, kind: str, **kwargs: Any) -> None:
        self.store = store
        self.session = session
        self.member = member
        self.kind = kind
        texts = _TEXTS[kind]
        self.texts = texts
        self.message = ErrorBanner()
        self.entry = w.Text(
            description=texts["field"],
            placeholder=f"al massimo {MAX_POST} caratteri",
            style={"description_width": "initial"},
            layout=w.Layout(width="100%"),
        )
        self.send_button = w.Button(description=texts["send"], button_style="primary", layout=w.Layout(width="auto"))
        self.send_button.on_click(lambda _b: self.send())
        self.info = w.HTML()
        self.items = w.VBox()
        self._key: tuple[Any, ...] | None = None
        self._rows: dict[int, w.HBox] = {}
        self._mine: dict[int, bool] = {}
        super().__init__(
            [
                w.HTML(f"<h2>{escape(texts['title'])}</h2><p>{escape(texts['help'])}</p>"),
                self.entry,
                self.send_button,
                self.message,
                self.info,
                self.items,
            ],
            **kwargs,
        )
        self.add_class("abitare-posts-panel")
        self.add_class(f"abitare-posts-{kind}")
        self.layout.display = "none"

    @guarded
    def send(self) -> None:
        self.store.add(self.session, self.member, self.kind, self.entry.value)
        self.entry.value = ""
        if self.store.settings(self.session).posts_moderated:
            self.message.info(
                "Inviata. La vedranno tutti quando chi conduce l'avrà approvata; intanto la vedi solo tu."
            )
        else:
            self.message.clear()
        self.refresh(force=True)

    @guarded
    def vote(self, post_id: int, on: bool) -> None:
        self.store.vote(self.session, self.member, post_id, on)
        self.message.clear()
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        settings = self.store.settings(self.session)
        is_open = settings.ideas_open if self.kind == "idea" else settings.questions_open
        self.layout.display = "" if is_open else "none"
        if not is_open:
            return
        posts = self.store.posts(self.session, self.kind, self.member)
        left = self.store.votes_left(self.session, self.member) if self.kind == "idea" else None
        key = (tuple((p.id, p.votes, p.mine, p.status, p.merged) for p in posts), left, settings.votes_each)
        if key == self._key and not force:
            return
        self._key = key
        self.info.value = (
            f"<p class='abitare-meta' role='status'>Ti restano <strong>{left}</strong> voti.</p>"
            if left is not None
            else ""
        )
        # rows stay the same widgets while the ranking moves: a tap never lands on a redrawn button
        rows = []
        for p in posts:
            row = self._rows.get(p.id)
            if row is None:
                button = w.Button(layout=w.Layout(width="auto"))
                button.on_click(lambda _b, pid=p.id: self.vote(pid, not self._mine.get(pid, False)))
                row = w.HBox([w.HTML(), button], layout=w.Layout(flex_flow="row wrap", align_items="center"))
                row.add_class("abitare-post")
                self._rows[p.id] = row
            text, button = row.children
            if p.status == "pending":
                text.value = (
                    f"<p class='abitare-post-text abitare-post-pending'>{escape(p.text)} "
                    "<span class='abitare-meta'>(in attesa di approvazione)</span></p>"
                )
                button.layout.display = "none"
                self._mine[p.id] = False
                rows.append(row)
                continue
            button.layout.display = ""
            votes = f"{p.votes} {'voto' if p.votes == 1 else 'voti'}" if self.kind == "idea" else f"{p.votes} sostegni"
            if p.merged:
                votes += f", {_similar(p.merged)}"
            text.value = (
                f"<p class='abitare-post-text'>{escape(p.text)} <span class='abitare-meta'>({votes})</span></p>"
            )
            button.description = self.texts["unvote"] if p.mine else self.texts["vote"]
            button.button_style = "info" if p.mine else ""
            self._mine[p.id] = p.mine
            rows.append(row)
        if [id(r) for r in rows] != [id(r) for r in self.items.children]:
            self.items.children = rows
