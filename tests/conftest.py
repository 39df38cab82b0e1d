"""Shared fixtures: settings on a temporary database, never the user's own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from abitare.paths import PROJECT_ROOT
from abitare.progress import ProgressStore, open_store
from abitare.settings import Settings
from abitare.storage import upgrade

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT_DIR = PROJECT_ROOT / "modules"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with the shipped content and a fresh, migrated SQLite file."""
    cfg = Settings(content_dir=CONTENT_DIR, data_dir=tmp_path / "var")
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
    import os

    if os.environ.get("ABITARE_SKIP_BROWSER") != "1":
        return
    browser = [i for i in items if i.get_closest_marker("browser")]
    if browser:
        config.hook.pytest_deselected(items=browser)
        items[:] = [i for i in items if not i.get_closest_marker("browser")]
        config._abitare_skipped_browser = len(browser)


def pytest_terminal_summary(terminalreporter, config):
    n = getattr(config, "_abitare_skipped_browser", 0)
    if n:
        terminalreporter.write_line(
            f"ABITARE_SKIP_BROWSER=1: {n} browser test(s) NOT run. Unset it to run them.", yellow=True
        )
