"""Worksheet sessions: created by a facilitator, joined with a code, answers saved as typed.

The join code is 8 characters from an alphabet without look-alikes (32⁸ ≈ 10¹²
codes); the facilitator's secret is shown once and stored only as a hash. Every
answer is one upsert in its own transaction; the latest value of each field wins.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from abitare.errors import SessionError, StorageError, database_errors
from abitare.facilitators import Throttle, hash_secret, verify_secret
from abitare.identity import display_code
from abitare.practice.worksheets import Worksheet, validate_answer
from abitare.secret_attempts import SecretThrottle, session_key
from abitare.storage import worksheet_answers, worksheet_members, worksheet_sessions

__all__ = ["Member", "Session", "SessionStore"]

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


@dataclass(frozen=True)
class Session:
    id: int
    code: str
    template_id: str
    title: str
    session_date: date
    status: str
    anonymous: bool

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Member:
    id: int
    session_id: int
    display_name: str


@dataclass(frozen=True)
class AnswerRow:
    member: str
    field_id: str
    value: Any
    updated_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def normalize_join_code(raw: str) -> str:
    return "".join(raw.split()).upper().replace("-", "")


class SessionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        #: wrong facilitator secrets, counted in the database per session (a reload does not reset them)
        self.throttle = SecretThrottle(engine, "")
        #: wrong join codes, counted in this kernel: a participant's typo must not slow the whole class
        self.code_throttle = Throttle()

    def _db(self, failure: str) -> Any:
        from abitare.progress import _database

        return _database(failure)

    # --- facilitator -------------------------------------------------------------------

    def create(self, worksheet: Worksheet, title: str, session_date: date) -> tuple[Session, str]:
        """A new open session; returns it and the facilitator's secret (shown only now)."""
        title = " ".join(title.split())
        if not title:
            raise SessionError("Serve un titolo per la sessione.")
        secret = secrets.token_urlsafe(12)
        for _ in range(5):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self._db("Non è stato possibile creare la sessione."), self.engine.begin() as conn:
                    new_id = conn.execute(
                        insert(worksheet_sessions)
                        .values(
                            code=code,
                            template_id=worksheet.id,
                            title=title[:200],
                            session_date=session_date,
                            secret_hash=hash_secret(secret),
                            status="open",
                            anonymous=False,
                            created_at=_now(),
                        )
                        .returning(worksheet_sessions.c.id)
                    ).scalar_one()
                return Session(new_id, code, worksheet.id, title[:200], session_date, "open", False), secret
            except StorageError as err:
                if not isinstance(err.__cause__, IntegrityError):
                    raise
        raise StorageError("Non è stato possibile creare un codice di sessione: riprova.")

    def check_secret(self, session: Session, secret: str) -> bool:
        key = session_key(session.id)
        self.throttle.wait_turn(key)  # the last wrong attempt's delay, even from another page
        with self.engine.connect() as conn:
            stored = conn.execute(
                select(worksheet_sessions.c.secret_hash).where(worksheet_sessions.c.id == session.id)
            ).scalar_one()
        if verify_secret(secret, stored):
            self.throttle.succeeded(key)
            return True
        self.throttle.failed("wrong facilitator secret for a session", key)
        return False

    def set_status(self, session: Session, *, is_open: bool | None = None, anonymous: bool | None = None) -> Session:
        values: dict[str, Any] = {}
        if is_open is not None:
            values["status"] = "open" if is_open else "closed"
        if anonymous is not None:
            values["anonymous"] = anonymous
        with self._db("Non è stato possibile cambiare la sessione."), self.engine.begin() as conn:
            conn.execute(update(worksheet_sessions).where(worksheet_sessions.c.id == session.id).values(**values))
        return self.get(session.id)

    # --- participants ------------------------------------------------------------------

    def _row_to_session(self, row: Any) -> Session:
        return Session(row.id, row.code, row.template_id, row.title, row.session_date, row.status, bool(row.anonymous))

    def get(self, session_id: int) -> Session:
        with self.engine.connect() as conn:
            row = conn.execute(select(worksheet_sessions).where(worksheet_sessions.c.id == session_id)).one()
        return self._row_to_session(row)

    def find(self, raw_code: str) -> Session | None:
        """The session with this join code, or None (and the next wrong guess waits longer)."""
        code = normalize_join_code(raw_code)
        row = None
        if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code):
            with self._db("Non è stato possibile cercare la sessione."), self.engine.connect() as conn:
                row = conn.execute(select(worksheet_sessions).where(worksheet_sessions.c.code == code)).first()
        if row is None:
            self.code_throttle.failed("unknown session code")
            return None
        self.code_throttle.succeeded()
        return self._row_to_session(row)

    def join(self, session: Session, raw_name: str) -> Member:
        """Join (or come back to) a session under a display name."""
        name = display_code(raw_name)
        if not 2 <= len(name) <= 60:
            raise SessionError("Il nome deve avere da 2 a 60 caratteri.")
        key = name.casefold()
        with self._db("Non è stato possibile entrare nella sessione."):
            for _ in range(2):
                with self.engine.begin() as conn:
                    row = conn.execute(
                        select(worksheet_members.c.id, worksheet_members.c.display_name).where(
                            worksheet_members.c.session_id == session.id, worksheet_members.c.name_key == key
                        )
                    ).first()
                    if row:
                        return Member(row.id, session.id, row.display_name)
                    try:
                        new_id = conn.execute(
                            insert(worksheet_members)
                            .values(session_id=session.id, name_key=key, display_name=name, joined_at=_now())
                            .returning(worksheet_members.c.id)
                        ).scalar_one()
                        return Member(new_id, session.id, name)
                    except IntegrityError:
                        conn.rollback()
        raise StorageError("Non è stato possibile entrare nella sessione: riprova.")

    def save(self, worksheet: Worksheet, member: Member, field_id: str, value: Any) -> datetime:
        """Validate and store one field's value (the latest wins); refused once the session is closed."""
        stored = validate_answer(worksheet.field(field_id), value)
        now = _now()
        with self._db("La risposta non è stata salvata."), self.engine.begin() as conn:
            status = conn.execute(
                select(worksheet_sessions.c.status).where(worksheet_sessions.c.id == member.session_id)
            ).scalar_one()
            if status != "open":
                raise SessionError("La sessione è chiusa: le risposte non si possono più cambiare.")
            where = (worksheet_answers.c.member_id == member.id, worksheet_answers.c.field_id == field_id)
            done = conn.execute(update(worksheet_answers).where(*where).values(value=stored, updated_at=now))
            if not done.rowcount:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            insert(worksheet_answers).values(
                                member_id=member.id, field_id=field_id, value=stored, updated_at=now
                            )
                        )
                except IntegrityError:  # the same person's other tab inserted first
                    conn.execute(update(worksheet_answers).where(*where).values(value=stored, updated_at=now))
        return now

    def member_answers(self, member: Member) -> dict[str, Any]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(worksheet_answers.c.field_id, worksheet_answers.c.value).where(
                    worksheet_answers.c.member_id == member.id
                )
            ).all()
        return {r.field_id: r.value for r in rows}

    def members(self, session: Session) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(worksheet_members.c.display_name)
                    .where(worksheet_members.c.session_id == session.id)
                    .order_by(worksheet_members.c.joined_at)
                ).scalars()
            )

    def answers(self, session: Session) -> list[AnswerRow]:
        """Every member's latest value of every field, in the order members joined."""
        stmt = (
            select(
                worksheet_members.c.display_name,
                worksheet_answers.c.field_id,
                worksheet_answers.c.value,
                worksheet_answers.c.updated_at,
            )
            .join(worksheet_members, worksheet_members.c.id == worksheet_answers.c.member_id)
            .where(worksheet_members.c.session_id == session.id)
            .order_by(worksheet_members.c.joined_at, worksheet_answers.c.field_id)
        )
        with (
            database_errors("Non è stato possibile leggere le risposte della sessione.", log),
            self.engine.connect() as conn,
        ):
            return [AnswerRow(r.display_name, r.field_id, r.value, r.updated_at) for r in conn.execute(stmt)]
