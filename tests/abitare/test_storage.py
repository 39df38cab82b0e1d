"""Storage: Alembic owns the schema, SQLite runs in WAL mode, readiness is checked."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from abitare.errors import DatabaseNotReadyError
from abitare.settings import Settings
from abitare.storage import SCHEMA_REVISION, check_ready, make_engine, metadata, upgrade


def test_migrations_create_the_tables_the_code_uses(settings):
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        assert {"participants", "progress", "answers"} <= set(inspect(conn).get_table_names())
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"migrations and abitare.storage tables differ: {diff}"


def test_schema_revision_constant_is_the_alembic_head():
    from alembic.script import ScriptDirectory

    from abitare.storage import _alembic_config

    head = ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()
    assert head == SCHEMA_REVISION


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path):
    cfg = Settings(data_dir=tmp_path)
    upgrade(cfg.database_url)
    engine = make_engine(cfg.database_url, busy_timeout_ms=4321)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 4321
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_an_unmigrated_database_is_refused_with_instructions(tmp_path):
    cfg = Settings(data_dir=tmp_path)
    with pytest.raises(DatabaseNotReadyError, match="abitare db upgrade"):
        check_ready(make_engine(cfg.database_url))


def test_upgrade_is_idempotent(settings, store):
    """A second upgrade of a migrated database changes nothing: same revision, same tables, same rows."""
    engine = make_engine(settings.database_url)

    def snapshot() -> tuple[object, list[str], list[tuple[object, ...]]]:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            tables = sorted(inspect(conn).get_table_names())
            participants = [tuple(r) for r in conn.execute(text("SELECT * FROM participants"))]
        return revision, tables, participants

    store.identify("prima-del-secondo-upgrade")
    before = snapshot()
    upgrade(settings.database_url)
    check_ready(engine)
    assert snapshot() == before
    assert before[2], "the row written before the second upgrade is there to be kept"


def test_database_location_follows_settings(tmp_path):
    cfg = Settings(data_dir=tmp_path / "altrove")
    assert cfg.database_url == f"sqlite:///{tmp_path / 'altrove' / 'abitare.sqlite'}"
    explicit = Settings(db_url="postgresql+psycopg://u:p@localhost/abitare")
    assert explicit.database_url.startswith("postgresql+psycopg://")


def test_settings_read_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ABITARE_DB_URL", f"sqlite:///{tmp_path}/x.sqlite")
    assert Settings().database_url == f"sqlite:///{tmp_path}/x.sqlite"
