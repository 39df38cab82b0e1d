"""Database schema, engine and migrations.

SQLite file by default (WAL journal, busy timeout, foreign keys on); any
SQLAlchemy URL otherwise. The schema is owned by Alembic migrations in
``abitare/migrations``; the tables below mirror the latest revision and are used
to build queries (a test checks that the two agree).
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    event,
    false,
    inspect,
    text,
    true,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from abitare import dbfaults
from abitare.errors import DatabaseNotReadyError, DatabaseUnavailableError, StorageError
from abitare.paths import MIGRATIONS_DIR

__all__ = [
    "SCHEMA_REVISION",
    "answers",
    "case_choices",
    "check_ready",
    "downgrade",
    "facilitators",
    "lesson_progress",
    "make_engine",
    "metadata",
    "participants",
    "progress",
    "quiz_attempts",
    "room_case_runs",
    "room_case_steps",
    "room_case_votes",
    "room_posts",
    "room_votes",
    "secret_attempts",
    "upgrade",
    "worksheet_answers",
    "worksheet_field_state",
    "worksheet_members",
    "worksheet_moderation",
    "worksheet_sessions",
]

log = logging.getLogger(__name__)

#: The Alembic head this code expects; bump it with every new migration.
SCHEMA_REVISION = "0010"

metadata = MetaData()

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("display_name", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
)

progress = Table(
    "progress",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("module_id", String(60), nullable=False),
    Column("position", String(80), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("participant_id", "module_id", name="uq_progress_participant_module"),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("module_id", String(60), nullable=False),
    Column("question_id", String(60), nullable=False),
    Column("choice", JSON, nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
    Column("attempt", Integer, nullable=False, server_default="1"),
    Column("value", Float, nullable=True),
    Column("inputs", JSON, nullable=True),
    Index("ix_answers_participant_module", "participant_id", "module_id"),
)

quiz_attempts = Table(
    "quiz_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("module_id", String(60), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("items", JSON, nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("participant_id", "module_id", "attempt", name="uq_quiz_attempt"),
)


lesson_progress = Table(
    "lesson_progress",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("module_id", String(60), nullable=False),
    Column("lesson_id", String(60), nullable=False),
    Column("first_read_at", DateTime(timezone=True), nullable=False),
    Column("seconds_spent", Integer, nullable=False, server_default="0"),
    UniqueConstraint("participant_id", "module_id", "lesson_id", name="uq_lesson_progress"),
)

facilitators = Table(
    "facilitators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("secret_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


case_choices = Table(
    "case_choices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("case_id", String(60), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("step", Integer, nullable=False),
    Column("node_id", String(60), nullable=False),
    Column("choice_index", Integer, nullable=False),
    Column("to_id", String(60), nullable=False),
    Column("group_code", String(40), nullable=False, server_default=""),
    Column("chosen_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("participant_id", "case_id", "attempt", "step", name="uq_case_choice_step"),
    Index("ix_case_choices_case_group", "case_id", "group_code"),
)


worksheet_sessions = Table(
    "worksheet_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(12), nullable=False, unique=True),
    Column("template_id", String(60), nullable=False),
    Column("title", String(200), nullable=False),
    Column("session_date", Date, nullable=False),
    Column("secret_hash", String(255), nullable=False),
    Column("status", String(10), nullable=False, server_default="open"),
    Column("anonymous", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("projected_field", String(60), nullable=True),
    Column("ideas_open", Boolean, nullable=False, server_default=false()),
    Column("questions_open", Boolean, nullable=False, server_default=false()),
    Column("questions_named", Boolean, nullable=False, server_default=false()),
    Column("votes_each", Integer, nullable=False, server_default="3"),
    Column("posts_moderated", Boolean, nullable=False, server_default=false()),
)

worksheet_members = Table(
    "worksheet_members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("worksheet_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("name_key", String(80), nullable=False),
    Column("display_name", String(80), nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("session_id", "name_key", name="uq_worksheet_member"),
)

worksheet_answers = Table(
    "worksheet_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("worksheet_members.id", ondelete="CASCADE"), nullable=False),
    Column("field_id", String(60), nullable=False),
    Column("value", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("member_id", "field_id", name="uq_worksheet_answer"),
)

worksheet_field_state = Table(
    "worksheet_field_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("worksheet_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("field_id", String(60), nullable=False),
    Column("revealed", Boolean, nullable=False, server_default=false()),
    Column("timer_ends_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("session_id", "field_id", name="uq_worksheet_field_state"),
)

worksheet_moderation = Table(
    "worksheet_moderation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("worksheet_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", Integer, ForeignKey("worksheet_members.id", ondelete="CASCADE"), nullable=False),
    Column("field_id", String(60), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("status", String(10), nullable=False),
    Column("merged_into", Integer, nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("member_id", "field_id", "position", name="uq_worksheet_moderation"),
    Index("ix_worksheet_moderation_session", "session_id"),
)


room_posts = Table(
    "room_posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("worksheet_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", Integer, ForeignKey("worksheet_members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("text", String(500), nullable=False),
    Column("hidden", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("approved", Boolean, nullable=False, server_default=true()),
    Column("merged_into", Integer, nullable=True),
    Index("ix_room_posts_session", "session_id", "kind"),
)

room_votes = Table(
    "room_votes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("room_posts.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", Integer, ForeignKey("worksheet_members.id", ondelete="CASCADE"), nullable=False),
    Column("voted_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("post_id", "member_id", name="uq_room_vote"),
)


room_case_runs = Table(
    "room_case_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("worksheet_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("case_id", String(60), nullable=False),
    Column("revealed", Boolean, nullable=False, server_default=false()),
    Column("started_at", DateTime(timezone=True), nullable=False),
)

room_case_votes = Table(
    "room_case_votes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("room_case_runs.id", ondelete="CASCADE"), nullable=False),
    Column("step", Integer, nullable=False),
    Column("member_id", Integer, ForeignKey("worksheet_members.id", ondelete="CASCADE"), nullable=False),
    Column("choice_index", Integer, nullable=False),
    Column("voted_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("run_id", "step", "member_id", name="uq_room_case_vote"),
)

room_case_steps = Table(
    "room_case_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("room_case_runs.id", ondelete="CASCADE"), nullable=False),
    Column("step", Integer, nullable=False),
    Column("node_id", String(60), nullable=False),
    Column("choice_index", Integer, nullable=False),
    Column("majority", Boolean, nullable=False),
    Column("split", JSON, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("run_id", "step", name="uq_room_case_step"),
)


#: Wrong-secret attempts, per key ("facilitators", or "session:<id>"): see abitare.secret_attempts
secret_attempts = Table(
    "secret_attempts",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failed_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=False),
)


def make_engine(url: str, *, busy_timeout_ms: int = 10_000, statement_timeout_ms: int = 60_000) -> Engine:
    """An engine for ``url``; for SQLite, creates the folder and sets WAL mode.

    A write never waits without bound: SQLite waits ``busy_timeout_ms`` for another
    writer's lock, PostgreSQL as long for a row or table lock (``lock_timeout``) and
    ``statement_timeout_ms`` for any statement; then the driver fails, and the callers
    turn that into an Italian :class:`StorageError`.
    """
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError) as err:
        raise DatabaseUnavailableError(
            "L'indirizzo del database (ABITARE_DB_URL) non è valido: controlla come è scritto."
        ) from err
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                log.error("cannot create the folder of %s: %s", database, err)
                raise DatabaseUnavailableError(
                    f"Non è possibile creare la cartella del database ({Path(database).parent})."
                ) from err
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if parsed.get_backend_name() == "postgresql":

        @event.listens_for(engine, "connect")
        def _pg_timeouts(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
            cur.execute(f"SET statement_timeout = {int(statement_timeout_ms)}")
            cur.close()
            dbapi_conn.commit()  # a SET inside the driver's implicit transaction lasts only if committed

    return engine


def _alembic_config(url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config  # deferred: alembic is only needed to migrate

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Create the database or bring it to ``revision`` with Alembic."""
    _migrate(url, revision, "upgrade", "Aggiornamento del database")


def downgrade(url: str, revision: str) -> None:
    """Take the database back to ``revision`` with Alembic (after a backup: the newer tables go)."""
    _migrate(url, revision, "downgrade", "Ritorno a una versione precedente del database")


def _migrate(url: str, revision: str, direction: str, what: str) -> None:
    """Run Alembic's ``direction`` to ``revision`` on one connection.

    On SQLite the foreign keys are off while the migrations run: Alembic's batch mode
    rebuilds a table by copying it and dropping the old one, and with the keys on that
    drop cascades to every row that points at it (a session's members, answers, ideas,
    votes). They are checked once the migrations are done, and on again afterwards.
    """
    from alembic import command

    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction: before it
                conn.commit()
            with conn.begin():
                cfg = _alembic_config(url)
                cfg.attributes["connection"] = conn
                getattr(command, direction)(cfg, revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() if sqlite else []
                if broken:
                    log.error("database %s left rows without their parent: %s", direction, broken[:10])
                    raise StorageError(
                        f"{what} non riuscito: {len(broken)} righe rimarrebbero senza la riga a cui si "
                        "riferiscono; il database non è stato cambiato."
                    )
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    except SQLAlchemyError as err:
        why = dbfaults.reason(err)
        log.error("database %s failed: %s", direction, err, exc_info=err if why is None else None)
        if why:
            raise StorageError(f"{what} ({dbfaults.where(url)}) non riuscito: {why}.") from err
        raise StorageError(f"{what} non riuscito ({type(err).__name__}: {err.args[0]}).") from err
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision stamped in the database, or None if there is none."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_ready(engine: Engine) -> None:
    """Raise :class:`DatabaseNotReadyError` unless the schema is at our revision."""
    try:
        found = current_revision(engine)
    except SQLAlchemyError as err:
        log.error("database not reachable", exc_info=err)
        raise DatabaseUnavailableError(
            f"Il database non è raggiungibile ({type(err).__name__}); dettagli nel log del server."
        ) from err
    if found != SCHEMA_REVISION:
        if found is None:
            raise DatabaseNotReadyError(
                "Il database non è ancora stato creato: esegui 'abitare db upgrade' (lo fa anche 'make start')."
            )
        raise DatabaseNotReadyError(
            f"Il database è alla versione {found}, serve la {SCHEMA_REVISION}: "
            "esegui 'abitare db upgrade' (lo fa anche 'make start')."
        )
