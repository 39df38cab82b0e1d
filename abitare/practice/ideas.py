"""The room works together: an ideas wall with votes, and questions with upvotes.

The facilitator opens either for a session. An idea or a question is a short text
(at most 300 characters) from a member; each member has ``votes_each`` votes for
ideas (one per idea at most, a member may vote their own) and one upvote per
question. Questions are shown without names unless the facilitator allows names.
Votes are rows with a unique (post, member): a double click, a second tab or forty
phones at once never count one vote twice. The vote limit is checked inside the
vote's own transaction, after the row is in; a person's votes take their turn (the
transaction first locks the member), so two of their tabs voting at once both count
with the other's vote in.

Moderation: with "approve before showing" on (``posts_moderated``, per session) a new
post waits for the facilitator, and the room sees it only once approved; its author
sees it meanwhile, marked as waiting. The facilitator may also hide a post, or merge
it into another of the same kind (a duplicate): the votes of a merged post count on
the kept one, once per member. Hidden and merged posts are never deleted: the
exports keep them, marked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from abitare.errors import AbitareError, IdeaError
from abitare.practice.sessions import Member, Session
from abitare.practice.synthesis import _md as _inert_md
from abitare.storage import room_posts, room_votes, worksheet_members, worksheet_sessions

__all__ = [
    "KINDS",
    "MAX_POST",
    "STATUS_LABELS",
    "Post",
    "PostStore",
    "RoomSettings",
    "export_items",
    "posts_markdown",
    "posts_title",
]

KINDS = ("idea", "question")
MAX_POST = 300
#: how a post's state reads on the board and in the exports
STATUS_LABELS = {
    "pending": "in attesa di approvazione",
    "approved": "mostrata",
    "hidden": "nascosta alla proiezione",
    "merged": "unita a un'altra",
}


@dataclass(frozen=True)
class RoomSettings:
    ideas_open: bool = False
    questions_open: bool = False
    questions_named: bool = False
    votes_each: int = 3
    posts_moderated: bool = False


@dataclass(frozen=True)
class Post:
    id: int
    kind: str
    member_id: int
    member: str
    text: str
    votes: int
    hidden: bool
    mine: bool = False  # the asking member voted it (or a post merged into it)
    status: str = "approved"  # pending, approved (shown to the room), hidden, merged
    merged_into: int | None = None
    merged: int = 0  # how many posts were merged into this one

    @property
    def shown(self) -> bool:
        """The room sees it."""
        return self.status == "approved"


def _now() -> datetime:
    return datetime.now(UTC)


def _status(row: Any, moderated: bool) -> str:
    """A post's state from its row (``hidden``, ``merged_into``, ``approved``) and the session's setting."""
    if row.hidden:
        return "hidden"
    if row.merged_into is not None:
        return "merged"
    return "approved" if row.approved or not moderated else "pending"


_COLUMNS = (
    worksheet_sessions.c.ideas_open,
    worksheet_sessions.c.questions_open,
    worksheet_sessions.c.questions_named,
    worksheet_sessions.c.votes_each,
    worksheet_sessions.c.posts_moderated,
)


def _settings(conn: Connection, session: Session) -> RoomSettings:
    row = conn.execute(select(*_COLUMNS).where(worksheet_sessions.c.id == session.id)).one()
    return RoomSettings(
        bool(row.ideas_open),
        bool(row.questions_open),
        bool(row.questions_named),
        row.votes_each,
        bool(row.posts_moderated),
    )


def _root(merged_into: Mapping[int, int | None], post_id: int) -> int:
    """The post a merged one counts on, merges followed to the end.

    A merge re-points the posts merged into the one it merges, so one step is the rule; a
    longer chain (or a loop) can only come from writes racing, and is still followed safely.
    """
    seen = {post_id}
    while (into := merged_into.get(post_id)) is not None and into in merged_into and into not in seen:
        seen.add(into)
        post_id = into
    return post_id


#: what a post's state is read from
_STATE = (room_posts.c.id, room_posts.c.kind, room_posts.c.hidden, room_posts.c.approved, room_posts.c.merged_into)


def _kind_posts(conn: Connection, session: Session, kind: str) -> dict[int, Any]:
    return {
        r.id: r
        for r in conn.execute(
            select(*_STATE).where(room_posts.c.session_id == session.id, room_posts.c.kind == kind)
        ).all()
    }


def _votes_used(conn: Connection, session: Session, member: Member) -> int:
    """Ideas the member votes, a vote on a merged idea counting on the kept one, once.

    A hidden idea gives its votes back, and so do the ideas merged into it.
    """
    ideas = _kind_posts(conn, session, "idea")
    links = {i: r.merged_into for i, r in ideas.items()}
    voted = conn.execute(
        select(room_votes.c.post_id).where(room_votes.c.member_id == member.id, room_votes.c.post_id.in_(list(ideas)))
    ).scalars()
    return len({root for root in (_root(links, i) for i in voted) if not ideas[root].hidden})


def _lock(conn: Connection, session: Session, ids: Iterable[int]) -> None:
    """Take the posts for this transaction before reading them: another window waits, then reads what this one wrote.

    A write that changes nothing: on PostgreSQL it locks the rows, on SQLite it takes the
    database's write lock (a plain read would not, and both windows would decide on the same state).
    """
    conn.execute(
        update(room_posts)
        .where(room_posts.c.session_id == session.id, room_posts.c.id.in_(list(ids)))
        .values(merged_into=room_posts.c.merged_into)
    )


def _check_seen(status: str, seen: str | None) -> None:
    if seen is not None and status != seen:
        raise IdeaError(
            f"Nel frattempo un'altra finestra ha cambiato questo contributo (ora: «{STATUS_LABELS[status]}»): "
            "l'elenco è stato aggiornato, guardalo di nuovo."
        )


class PostStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _db(self, failure: str) -> Any:
        from abitare.progress import _database

        return _database(failure)

    def settings(self, session: Session) -> RoomSettings:
        with self.engine.connect() as conn:
            return _settings(conn, session)

    def configure(self, session: Session, **values: Any) -> RoomSettings:
        allowed = {"ideas_open", "questions_open", "questions_named", "votes_each", "posts_moderated"}
        if set(values) - allowed:
            raise AbitareError("Impostazione non prevista.")
        if "votes_each" in values and not 1 <= int(values["votes_each"]) <= 20:
            raise IdeaError("I voti per persona vanno da 1 a 20.")
        with self._db("Non è stato possibile cambiare la sessione."), self.engine.begin() as conn:
            conn.execute(update(worksheet_sessions).where(worksheet_sessions.c.id == session.id).values(**values))
        return self.settings(session)

    def add(self, session: Session, member: Member, kind: str, raw: str) -> int:
        text = " ".join(str(raw).split())
        if kind not in KINDS:
            raise AbitareError("Contributo non previsto.")
        if not text:
            raise IdeaError("Scrivi qualcosa prima di inviare.")
        if len(text) > MAX_POST:
            raise IdeaError(f"Il testo è troppo lungo (massimo {MAX_POST} caratteri).")
        settings = self.settings(session)
        if not (settings.ideas_open if kind == "idea" else settings.questions_open):
            raise IdeaError("Chi conduce non ha ancora aperto questa attività, o l'ha chiusa.")
        with self._db("Il contributo non è stato salvato."), self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(room_posts)
                    .values(
                        session_id=session.id,
                        member_id=member.id,
                        kind=kind,
                        text=text,
                        created_at=_now(),
                        approved=not settings.posts_moderated,
                    )
                    .returning(room_posts.c.id)
                ).scalar_one()
            )

    def vote(self, session: Session, member: Member, post_id: int, on: bool = True) -> None:
        """Give (or take back) a vote; one per post and member, ``votes_each`` for ideas.

        A vote on a post merged into another goes to the kept one; taking a vote back takes
        back the member's votes on the kept post and on those merged into it.
        """
        with self._db("Il voto non è stato salvato."), self.engine.begin() as conn:
            # a write first, changing nothing: on PostgreSQL it locks the member, so that two tabs of one
            # person vote one after the other and the allowance is counted with both votes in; on SQLite it
            # opens the transaction (pysqlite opens none for reads, and the savepoint below would then be
            # the transaction itself: its release would commit a vote the allowance refuses)
            conn.execute(
                update(worksheet_members)
                .where(worksheet_members.c.id == member.id)
                .values(display_name=worksheet_members.c.display_name)
            )
            kind = conn.execute(
                select(room_posts.c.kind).where(room_posts.c.id == post_id, room_posts.c.session_id == session.id)
            ).scalar_one_or_none()
            same_kind = _kind_posts(conn, session, kind) if kind is not None else {}
            links = {i: r.merged_into for i, r in same_kind.items()}
            post = same_kind[_root(links, post_id)] if kind is not None else None
            if post is None or post.hidden:
                raise IdeaError("Questo contributo non c'è più.")
            group = [i for i in same_kind if _root(links, i) == post.id]
            if not on:
                conn.execute(
                    delete(room_votes).where(room_votes.c.post_id.in_(group), room_votes.c.member_id == member.id)
                )
                return
            if not post.approved and _settings(conn, session).posts_moderated:
                raise IdeaError("Questo contributo è in attesa di approvazione: si potrà votare dopo.")
            if conn.execute(
                select(room_votes.c.id).where(room_votes.c.post_id.in_(group), room_votes.c.member_id == member.id)
            ).first():
                return  # already voted, here or on a post merged into it: a vote counts once
            try:
                with conn.begin_nested():
                    conn.execute(insert(room_votes).values(post_id=post.id, member_id=member.id, voted_at=_now()))
            except IntegrityError:
                return  # already voted: a vote counts once
            if post.kind == "idea":
                limit = conn.execute(
                    select(worksheet_sessions.c.votes_each).where(worksheet_sessions.c.id == session.id)
                ).scalar_one()
                if _votes_used(conn, session, member) > limit:
                    raise IdeaError(
                        "Hai già dato il tuo voto: toglilo per votare questa idea."
                        if limit == 1
                        else f"Hai già dato tutti i tuoi {limit} voti: togline uno per votare questa idea."
                    )

    def _change(self, session: Session, post_id: int, seen: str | None, **values: Any) -> None:
        with self._db("Non è stato possibile cambiare il contributo."), self.engine.begin() as conn:
            _lock(conn, session, [post_id])
            row = conn.execute(
                select(room_posts.c.hidden, room_posts.c.merged_into, room_posts.c.approved).where(
                    room_posts.c.id == post_id, room_posts.c.session_id == session.id
                )
            ).first()
            if row is None:
                raise IdeaError("Questo contributo non c'è più.")
            moderated = _settings(conn, session).posts_moderated
            _check_seen(_status(row, moderated), seen)
            conn.execute(
                update(room_posts)
                .where(room_posts.c.id == post_id, room_posts.c.session_id == session.id)
                .values(**values)
            )

    def hide(self, session: Session, post_id: int, hidden: bool = True, *, seen: str | None = None) -> None:
        """Hidden from the room (kept in the exports). ``seen``: the state the facilitator's page showed.

        With ``seen`` the change is made only if the post is still in that state: another window
        may have decided on it meanwhile, and its decision is not silently undone.
        """
        self._change(session, post_id, seen, hidden=hidden)

    def approve(self, session: Session, post_id: int, *, seen: str | None = None) -> None:
        """Shown to the room (also a hidden or merged post put back); ``seen`` as for :meth:`hide`."""
        self._change(session, post_id, seen, approved=True, hidden=False, merged_into=None)

    def merge(self, session: Session, post_id: int, into: int, *, seen: str | None = None) -> None:
        """Mark ``post_id`` as a duplicate of ``into`` (a post the room sees, of the same kind).

        ``seen`` as for :meth:`hide`. Two windows merging at once wait for each other, so that
        two posts are never merged into each other.
        """
        with self._db("Non è stato possibile unire i contributi."), self.engine.begin() as conn:
            _lock(conn, session, [post_id, into])
            rows = {
                r.id: r
                for r in conn.execute(
                    select(*_STATE).where(room_posts.c.id.in_([post_id, into]), room_posts.c.session_id == session.id)
                ).all()
            }
            source, target = rows.get(post_id), rows.get(into)
            moderated = _settings(conn, session).posts_moderated
            if source is not None:
                _check_seen(_status(source, moderated), seen)
            if (
                source is None
                or target is None
                or post_id == into
                or source.kind != target.kind
                or _status(target, moderated) != "approved"
            ):
                raise IdeaError("Si può unire solo a un altro contributo dello stesso tipo, già mostrato alla sala.")
            conn.execute(
                update(room_posts)
                .where(room_posts.c.session_id == session.id, room_posts.c.merged_into == post_id)
                .values(merged_into=into)
            )
            conn.execute(update(room_posts).where(room_posts.c.id == post_id).values(merged_into=into, hidden=False))

    def posts(
        self, session: Session, kind: str, member: Member | None = None, *, with_hidden: bool = False
    ) -> list[Post]:
        """Ranked: most votes first, then the oldest.

        What the room sees (and, for ``member``, their own posts waiting for approval); with
        ``with_hidden`` every post, whatever its state (for the board and the exports).
        """
        with self._db("Non è stato possibile leggere i contributi."), self.engine.connect() as conn:
            moderated = _settings(conn, session).posts_moderated
            rows = conn.execute(
                select(
                    room_posts.c.id,
                    room_posts.c.member_id,
                    worksheet_members.c.display_name,
                    room_posts.c.text,
                    room_posts.c.hidden,
                    room_posts.c.approved,
                    room_posts.c.merged_into,
                    room_posts.c.created_at,
                )
                .join(worksheet_members, worksheet_members.c.id == room_posts.c.member_id)
                .where(room_posts.c.session_id == session.id, room_posts.c.kind == kind)
                .order_by(room_posts.c.created_at, room_posts.c.id)
            ).all()
            votes = conn.execute(
                select(room_votes.c.post_id, room_votes.c.member_id)
                .join(room_posts, room_posts.c.id == room_votes.c.post_id)
                .where(room_posts.c.session_id == session.id, room_posts.c.kind == kind)
            ).all()
        links = {r.id: r.merged_into for r in rows}

        def target(post_id: int) -> int:
            return _root(links, post_id)

        voters: dict[int, set[int]] = {r.id: set() for r in rows}
        for v in votes:
            voters[target(v.post_id)].add(v.member_id)
        merged: dict[int, int] = {}
        for r in rows:
            if (root := target(r.id)) != r.id:
                merged[root] = merged.get(root, 0) + 1
        out = []
        for order, r in enumerate(rows):
            status = _status(r, moderated)
            own_waiting = status == "pending" and member is not None and r.member_id == member.id
            if not (with_hidden or status == "approved" or own_waiting):
                continue
            out.append(
                (
                    -len(voters[r.id]) if status != "merged" else 0,
                    order,
                    Post(
                        r.id,
                        kind,
                        r.member_id,
                        r.display_name,
                        r.text,
                        len(voters[r.id]) if status != "merged" else 0,
                        bool(r.hidden),
                        member is not None and member.id in voters[target(r.id)],
                        status,
                        target(r.id) if status == "merged" else r.merged_into,  # the post that is left
                        merged.get(r.id, 0),
                    ),
                )
            )
        return [p for _, _, p in sorted(out, key=lambda item: item[:2])]

    def votes_left(self, session: Session, member: Member) -> int:
        settings = self.settings(session)
        with self.engine.connect() as conn:
            used = _votes_used(conn, session, member)
        return max(0, settings.votes_each - used)


def posts_title(kind: str) -> str:
    return "Muro delle idee" if kind == "idea" else "Domande della sala"


def export_items(posts: list[Post], kind: str, named: bool, inert: Callable[[str], str]) -> list[str]:
    """One line per post for an export, hidden and merged ones kept and marked.

    ``inert`` makes everyone's text (and name) harmless in the export's format: Markdown's
    escaping for the Markdown file, :func:`html.escape` for the HTML one.
    """
    unit = ("voto", "voti") if kind == "idea" else ("sostegno", "sostegni")
    texts = {p.id: p.text for p in posts}
    lines = []
    for p in posts:
        similar = (
            f"; più {p.merged} {'simile, unita' if p.merged == 1 else 'simili, unite'} a questa" if p.merged else ""
        )
        line = f"{inert(p.text)} ({p.votes} {unit[0] if p.votes == 1 else unit[1]}{similar})"
        if named:
            line += f" – {inert(p.member)}"
        if p.status == "merged":
            line += f" [unita a: «{inert(texts.get(p.merged_into or 0, ''))}»]"
        elif p.status != "approved":
            line += f" [{STATUS_LABELS[p.status]}]"
        lines.append(line)
    return lines


def posts_markdown(posts: list[Post], kind: str, named: bool) -> list[str]:
    """Every post of a kind for the Markdown export, hidden and merged ones kept and marked, all text inert."""
    if not posts:
        return []
    return [f"## {posts_title(kind)}", "", *(f"- {line}" for line in export_items(posts, kind, named, _inert_md))]
