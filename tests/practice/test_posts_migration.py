"""Migrations 0007 and 0010 on a database that already holds sessions (SQLite and PostgreSQL).

On SQLite a batch migration with a ``sa.false()`` default rebuilt ``worksheet_sessions``, and
dropping the old table cascaded to every member, answer, post and vote: nothing may be lost.
"""

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select, text

from abitare.settings import Settings
from abitare.storage import _alembic_config, downgrade, make_engine, upgrade
from tests.conftest import BACKENDS


def _database_at(backend: str, request, tmp_path, revision: str) -> str:
    """A fresh database of ``backend`` upgraded only to ``revision``; its URL."""
    url = request.getfixturevalue("fresh_postgres") if backend == "postgresql" else None
    url = url or Settings(data_dir=tmp_path).database_url
    upgrade(url, revision)
    return url


def _old_session(conn, now: datetime) -> tuple[int, int]:
    """A session with one member, written with the columns every revision since 0006 has: (session, member)."""
    session = conn.execute(
        text(
            "INSERT INTO worksheet_sessions (code, template_id, title, session_date, secret_hash, status,"
            " anonymous, created_at) VALUES ('ABCDEFGH', 'prova', 'Prima', :day, 'x', 'open', :no, :now)"
            " RETURNING id"
        ),
        {"day": now.date(), "no": False, "now": now},
    ).scalar_one()
    member = conn.execute(
        text(
            "INSERT INTO worksheet_members (session_id, display_name, name_key, joined_at)"
            " VALUES (:s, 'Anna', 'anna', :now)"
            " RETURNING id"
        ),
        {"s": session, "now": now},
    ).scalar_one()
    return session, member


@pytest.mark.parametrize("backend", BACKENDS)
def test_posts_written_before_moderation_stay_shown(backend, request, tmp_path):
    url = _database_at(backend, request, tmp_path, "0009")
    engine = make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        session, member = _old_session(conn, now)
        conn.execute(
            text(
                "INSERT INTO room_posts (session_id, member_id, kind, text, hidden, created_at)"
                " VALUES (:s, :m, 'idea', 'Un orto', :no, :now)"
            ),
            {"s": session, "m": member, "no": False, "now": now},
        )
    engine.dispose()
    upgrade(url)
    from abitare.storage import room_posts, worksheet_sessions

    engine = make_engine(url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM worksheet_members")).scalar_one() == 1
        assert conn.execute(select(room_posts.c.approved, room_posts.c.merged_into)).one() == (True, None)
        assert conn.execute(select(worksheet_sessions.c.posts_moderated)).scalar_one() is False
        # a new post written without the new columns gets the same defaults
        conn.execute(
            insert(room_posts).values(session_id=session, member_id=member, kind="idea", text="B", created_at=now)
        )
        assert conn.execute(select(room_posts.c.approved).where(room_posts.c.text == "B")).scalar_one() is True
        conn.execute(text("DELETE FROM room_posts WHERE text = 'B'"))
        cfg = _alembic_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")  # and back
        assert "approved" not in {c["name"] for c in inspect(conn).get_columns("room_posts")}
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_session_from_before_the_ideas_wall_keeps_its_members(backend, request, tmp_path):
    url = _database_at(backend, request, tmp_path, "0006")
    engine = make_engine(url)
    with engine.begin() as conn:
        _old_session(conn, datetime.now(UTC))
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM worksheet_members")).scalar_one() == 1
        assert conn.execute(text("SELECT votes_each FROM worksheet_sessions")).scalar_one() == 3
    engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_downgrade_through_rebuilt_tables_keeps_what_points_at_them(backend, request, tmp_path):
    """0006's downgrade rebuilds worksheet_sessions in batch mode on SQLite: with the foreign keys
    on, dropping the old table would empty worksheet_members."""
    url = _database_at(backend, request, tmp_path, "head")
    engine = make_engine(url)
    with engine.begin() as conn:
        _old_session(conn, datetime.now(UTC))
    engine.dispose()
    downgrade(url, "0005")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM worksheet_members")).scalar_one() == 1
        assert "projected_field" not in {c["name"] for c in inspect(conn).get_columns("worksheet_sessions")}
    engine.dispose()
    upgrade(url)  # and up again, the session still there
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM worksheet_members")).scalar_one() == 1
    engine.dispose()
