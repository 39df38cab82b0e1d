"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, started on a free port.

Uses ABITARE_TEST_PG_URL when it is set (an existing server where the tests may create
databases). Otherwise it needs PostgreSQL's server programs (Debian: package
``postgresql``, which ``make test`` installs when missing).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    """``start()`` returns a SQLAlchemy URL of a superuser; ``stop()`` removes everything."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.bin: Path | None = None
        self.port = _free_port()

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self) -> str:
        self.bin = _bin_dir()
        if self.bin is None:
            raise RuntimeError(
                "PostgreSQL non trovato: installa il pacchetto Debian 'postgresql' "
                "(lo fa 'make test' da root) o imposta ABITARE_TEST_PG_URL."
            )
        self.root = Path(tempfile.mkdtemp(prefix="abitare-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self._run(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
            "-o",
            f"-p {self.port} -k {self.root} -h 127.0.0.1 -F",
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.root is None:
            return
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        time.sleep(0.1)
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
