"""The room works together: an ideas wall with votes, and questions with upvotes.

The facilitator opens either for a session. An idea or a question is a short text
(at most 300 characters) from a member; each member has ``votes_each`` votes for
ideas (one per idea at most, a member may vote their own) and one upvote per
question. Questions are shown without names unless the facilitator allows names.
Votes are rows with a unique (post, member): a double click, a second tab or forty
phones at once never count one vote twice. The vote limit is checked inside the
vote's own transaction, after the row is in, so two votes racing both see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from abitare.errors import AbitareError, IdeaError
from abitare.practice.sessions import Member, Session
from abitare.storage import room_posts, room_votes, worksheet_members, worksheet_sessions

__all__ = ["KINDS", "MAX_POST", "Post", "PostStore", "RoomSettings"]

KINDS = ("idea", "question")
MAX_POST = 300


@dataclass(frozen=True)
class RoomSettings:
    ideas_open: bool = False
    questions_open: bool = False
    questions_named: bool = False
    votes_each: int = 3


@dataclass(frozen=True)
class Post:
    id: int
    kind: str
    member_id: int
    member: str
    text: str
    votes: int
    hidden: bool
    mine: bool = False  # the asking member voted it


def _now() -> datetime:
    return datetime.now(UTC)


class PostStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _db(self, failure: str) -> Any:
        from abitare.progress import _database

        return _database(failure)

    def settings(self, session: Session) -> RoomSettings:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    worksheet_sessions.c.ideas_open,
                    worksheet_sessions.c.questions_open,
                    worksheet_sessions.c.questions_named,
                    worksheet_sessions.c.votes_each,
                ).where(worksheet_sessions.c.id == session.id)
            ).one()
        return RoomSettings(bool(row.ideas_open), bool(row.questions_open), bool(row.questions_named), row.votes_each)

    def configure(self, session: Session, **values: Any) -> RoomSettings:
        allowed = {"ideas_open", "questions_open", "questions_named", "votes_each"}
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
                    .values(session_id=session.id, member_id=member.id, kind=kind, text=text, created_at=_now())
                    .returning(room_posts.c.id)
                ).scalar_one()
            )

    def vote(self, session: Session, member: Member, post_id: int, on: bool = True) -> None:
        """Give (or take back) a vote; one per post and member, ``votes_each`` for ideas."""
        with self._db("Il voto non è stato salvato."), self.engine.begin() as conn:
            post = conn.execute(
                select(room_posts.c.kind, room_posts.c.hidden).where(
                    room_posts.c.id == post_id, room_posts.c.session_id == session.id
                )
            ).first()
            if post is None:
                raise IdeaError("Questo contributo non c'è più.")
            if not on:
                conn.execute(
                    delete(room_votes).where(room_votes.c.post_id == post_id, room_votes.c.member_id == member.id)
                )
                return
            try:
                with conn.begin_nested():
                    conn.execute(insert(room_votes).values(post_id=post_id, member_id=member.id, voted_at=_now()))
            except IntegrityError:
                return  # already voted: a vote counts once
            if post.kind == "idea":
                limit = conn.execute(
                    select(worksheet_sessions.c.votes_each).where(worksheet_sessions.c.id == session.id)
                ).scalar_one()
                used = conn.execute(
                    select(func.count())
                    .select_from(room_votes.join(room_posts, room_posts.c.id == room_votes.c.post_id))
                    .where(
                        room_votes.c.member_id == member.id,
                        room_posts.c.session_id == session.id,
                        room_posts.c.kind == "idea",
                    )
                ).scalar_one()
                if used > limit:
                    raise IdeaError(f"Hai già dato tutti i tuoi {limit} voti: togline uno per votare questa idea.")

    def hide(self, session: Session, post_id: int, hidden: bool = True) -> None:
        with self._db("Non è stato possibile cambiare il contributo."), self.engine.begin() as conn:
            conn.execute(
                update(room_posts)
                .where(room_posts.c.id == post_id, room_posts.c.session_id == session.id)
                .values(hidden=hidden)
            )

    def posts(
        self, session: Session, kind: str, member: Member | None = None, *, with_hidden: bool = False
    ) -> list[Post]:
        """Ranked: most votes first, then the oldest."""
        votes = select(room_votes.c.post_id, func.count().label("n")).group_by(room_votes.c.post_id).subquery("votes")
        stmt = (
            select(
                room_posts.c.id,
                room_posts.c.kind,
                room_posts.c.member_id,
                worksheet_members.c.display_name,
                room_posts.c.text,
                func.coalesce(votes.c.n, 0).label("n"),
                room_posts.c.hidden,
            )
            .join(worksheet_members, worksheet_members.c.id == room_posts.c.member_id)
            .outerjoin(votes, votes.c.post_id == room_posts.c.id)
            .where(room_posts.c.session_id == session.id, room_posts.c.kind == kind)
            .order_by(func.coalesce(votes.c.n, 0).desc(), room_posts.c.created_at, room_posts.c.id)
        )
        if not with_hidden:
            stmt = stmt.where(room_posts.c.hidden.is_(False))
        with self._db("Non è stato possibile leggere i contributi."), self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
            mine: set[int] = set()
            if member is not None:
                mine = set(
                    conn.execute(select(room_votes.c.post_id).where(room_votes.c.member_id == member.id)).scalars()
                )
        return [
            Post(r.id, r.kind, r.member_id, r.display_name, r.text, int(r.n), bool(r.hidden), r.id in mine)
            for r in rows
        ]

    def votes_left(self, session: Session, member: Member) -> int:
        settings = self.settings(session)
        with self.engine.connect() as conn:
            used = conn.execute(
                select(func.count())
                .select_from(room_votes.join(room_posts, room_posts.c.id == room_votes.c.post_id))
                .where(
                    room_votes.c.member_id == member.id,
                    room_posts.c.session_id == session.id,
                    room_posts.c.kind == "idea",
                )
            ).scalar_one()
        return max(0, settings.votes_each - int(used))
