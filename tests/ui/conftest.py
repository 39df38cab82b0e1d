"""A real Voilà server (the one `make start` runs) and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from abitare.paths import PROJECT_ROOT
from abitare.serve import ServerOptions, home_url, wait_for_port

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VoilaServer:
    """`abitare serve` in a subprocess, with its own database and log file."""

    def __init__(self, data_dir: Path, log_path: Path, pool: int = 0, max_kernels: int = 0) -> None:
        self.opts = ServerOptions(port=free_port(), pool=pool, max_kernels=max_kernels)
        self.data_dir = data_dir
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def home(self) -> str:
        return home_url(self.opts)

    @property
    def base(self) -> str:
        return f"http://{self.opts.host}:{self.opts.port}"

    def start(self) -> None:
        env = {**os.environ, "ABITARE_DATA_DIR": str(self.data_dir)}
        env.pop("ABITARE_DB_URL", None)
        log = self.log_path.open("a")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "abitare.cli",
                "serve",
                "--port",
                str(self.opts.port),
                "--pool",
                str(self.opts.pool),
                "--max-kernel",
                str(self.opts.max_kernels),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()  # the server has its own copy; ours would be an unclosed file (a ResourceWarning)
        if not wait_for_port(self.opts.host, self.opts.port, 90, alive=lambda: self.proc.poll() is None):
            raise RuntimeError(f"Voilà did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextmanager
def served_chromium() -> Iterator[tuple[VoilaServer, Browser]]:
    """A throwaway workspace and a Chromium to look at it (for scripts, outside pytest)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = VoilaServer(Path(tmp) / "var", Path(tmp) / "voila.log")
        server.start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                yield server, browser
                browser.close()
        finally:
            server.stop()


def create_session(server: VoilaServer, template: str, title: str) -> tuple[str, str]:
    """`abitare session create` against the server's database: (join code, facilitator secret)."""
    import re

    out = subprocess.run(
        [sys.executable, "-m", "abitare.cli", "session", "create", "--template", template, "--title", title],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "ABITARE_DATA_DIR": str(server.data_dir)},
    ).stdout
    code = re.search(r"Codice per i partecipanti: (\w+)", out)
    secret = re.search(r"non sarà mostrata di nuovo\): (\S+)", out)
    assert code and secret, out
    return code[1], secret[1]


@pytest.fixture
def voila(tmp_path: Path) -> Iterator[VoilaServer]:
    server = VoilaServer(tmp_path / "var", tmp_path / "voila.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def voila_pool(tmp_path: Path) -> Iterator[VoilaServer]:
    """Voilà with one preheated kernel per page, as for a class."""
    server = VoilaServer(tmp_path / "var", tmp_path / "voila.log", pool=1)
    server.start()
    deadline = time.monotonic() + 120  # the port opens before the pool's kernel is ready
    while "is filled" not in server.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "is filled" in server.log(), f"the pool was never filled:\n{server.log()[-3000:]}"
    yield server
    server.stop()


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "Chromium non trovato: i test nel browser non possono girare. "
        "Installa il pacchetto Debian 'chromium' (lo fa 'make test' da root) "
        "oppure imposta ABITARE_SKIP_BROWSER=1 per escluderli."
    )


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


AXE = PROJECT_ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE.exists():
        pytest.fail("axe-core non trovato: 'make test' lo installa (scripts/ensure-axe.sh).")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]
