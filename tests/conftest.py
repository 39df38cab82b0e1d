"""Shared fixtures: settings on a temporary database, never the user's own.

Tests that take ``settings`` or ``store`` run twice: on a SQLite file and on a
throwaway PostgreSQL server (``ABITARE_SKIP_POSTGRES=1`` leaves PostgreSQL out,
and the run says so).
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from abitare.paths import PROJECT_ROOT
from abitare.progress import ProgressStore, open_store
from abitare.settings import Settings
from abitare.storage import upgrade
from tests.pg import TempPostgres

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT_DIR = PROJECT_ROOT / "modules"


SKIP_POSTGRES = os.environ.get("ABITARE_SKIP_POSTGRES") == "1"
BACKENDS = ["sqlite"] if SKIP_POSTGRES else ["sqlite", "postgresql"]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Widgets a test made are closed after it, before its fixtures are torn down: a facilitator's
    view left open keeps its live updates running (a thread), which would read a database the
    test's fixtures drop, and go on doing so during later tests."""
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets.Widget.close_all()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session's browser tests (Playwright's sync API allows one per thread:
    under pytest-xdist the browser and hub tests of one worker share it)."""
    from playwright.sync_api import sync_playwright

    from tests.ui.conftest import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server where tests may create databases."""
    given = os.environ.get("ABITARE_TEST_PG_URL")
    if given:
        yield given
        return
    server = TempPostgres()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"abitare_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    # every engine the test opens on this database (the code caches its own; tests make some more) is
    # disposed here: otherwise its pooled connections are closed by the garbage collector, in a later
    # test, with psycopg's ResourceWarning (an error under filterwarnings = error)
    engines: list[Engine] = []

    def remember(conn: Connection) -> None:
        if conn.engine.url.database == name and conn.engine not in engines:
            engines.append(conn.engine)

    event.listen(Engine, "engine_connect", remember)
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    event.remove(Engine, "engine_connect", remember)
    for engine in engines:
        engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def settings(request, tmp_path: Path) -> Settings:
    """Settings with the shipped content and a fresh, migrated database."""
    db_url = request.getfixturevalue("fresh_postgres") if request.param == "postgresql" else None
    cfg = Settings(content_dir=CONTENT_DIR, data_dir=tmp_path / "var", db_url=db_url)
    upgrade(cfg.database_url)
    return cfg


@pytest.fixture
def store(settings: Settings) -> ProgressStore:
    return open_store(settings)


@pytest.fixture
def fixture_content(tmp_path: Path):
    """Build a content folder: the valid base, with a named defect laid over it."""

    def build(defect: str | None = None) -> Path:
        target = tmp_path / "content"
        shutil.copytree(FIXTURES / "content" / "base", target)
        if defect:
            shutil.copytree(FIXTURES / "content" / "broken" / defect, target, dirs_exist_ok=True)
        return target

    return build


def pytest_collection_modifyitems(config, items):
    """ABITARE_SKIP_BROWSER=1 deselects the browser tests, and the run says so."""
    if os.environ.get("ABITARE_SKIP_BROWSER") != "1":
        return
    browser = [i for i in items if i.get_closest_marker("browser")]
    if browser:
        config.hook.pytest_deselected(items=browser)
        items[:] = [i for i in items if not i.get_closest_marker("browser")]
        config._abitare_skipped_browser = len(browser)


def pytest_terminal_summary(terminalreporter, config):
    if SKIP_POSTGRES:
        terminalreporter.write_line(
            "ABITARE_SKIP_POSTGRES=1: storage tests ran on SQLite only. Unset it to test PostgreSQL too.",
            yellow=True,
        )
    if os.environ.get("ABITARE_SKIP_BROWSER") == "1":
        # under pytest-xdist the workers collect and deselect, not this process: no count here
        n = getattr(config, "_abitare_skipped_browser", 0)
        what = f"{n} browser test(s)" if n else "the browser tests"
        terminalreporter.write_line(f"ABITARE_SKIP_BROWSER=1: {what} NOT run. Unset it to run them.", yellow=True)


@pytest.fixture(scope="session")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated dataset (400 households) for the report tests."""
    from abitare.data.generate import generate

    folder = tmp_path_factory.mktemp("dati")
    generate(400, 11, folder)
    return folder
