"""Start Voilà on the project's notebooks with the settings a class needs.

Kept apart from the command line so tests start the very same server.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from abitare.paths import PROJECT_ROOT, TEMPLATES_DIR

CONFIG_DIR = TEMPLATES_DIR / "config"

__all__ = [
    "HOME_NOTEBOOK",
    "ServerOptions",
    "home_url",
    "port_in_use",
    "voila_command",
    "voila_env",
    "wait_for_port",
]

HOME_NOTEBOOK = "home.ipynb"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


@dataclass(frozen=True)
class ServerOptions:
    """How to run Voilà.

    ``pool`` > 0 preheats that many kernels per notebook (faster first page, about
    150 MB each); ``fill_delay`` seconds before a used pool kernel is replaced (for a
    class arriving at once, a long delay keeps the CPU for the pages being opened);
    ``cull_idle`` seconds after which an idle page's kernel is shut down (Voilà never
    shuts them down itself when a page is closed).
    """

    host: str = "127.0.0.1"
    port: int = 8866
    pool: int = 0
    fill_delay: float = 0
    cull_idle: int = 900
    cull_interval: int = 60
    notebooks_dir: Path = NOTEBOOKS_DIR


def voila_command(opts: ServerOptions) -> list[str]:
    """The ``voila`` command line for ``opts``."""
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(opts.notebooks_dir),
        "--no-browser",
        f"--Voila.ip={opts.host}",
        f"--port={opts.port}",
        "--Voila.port_retries=0",  # never drift to another port than the one printed
        "--template=abitare",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",
        "--VoilaExecutor.iopub_timeout=60",
        "--VoilaExporter.language_code=it",
        f"--MappingKernelManager.cull_idle_timeout={opts.cull_idle}",
        f"--MappingKernelManager.cull_interval={opts.cull_interval}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if opts.pool > 0:
        cmd += [
            "--preheat_kernel=True",
            f"--pool_size={opts.pool}",
            f"--VoilaKernelManager.fill_delay={opts.fill_delay}",
        ]
    return cmd


def voila_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for Voilà: our template on JUPYTER_PATH, the project's config folder
    instead of the user's ~/.jupyter (whose settings would change what trainees see)."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_CONFIG_DIR"] = str(CONFIG_DIR)
    paths = [str(TEMPLATES_DIR), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def home_url(opts: ServerOptions) -> str:
    """The address a trainee opens."""
    return f"http://{opts.host}:{opts.port}/voila/render/{HOME_NOTEBOOK}"


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def wait_for_port(host: str, port: int, timeout: float, alive=lambda: True) -> bool:  # type: ignore[no-untyped-def]
    """True once something listens on host:port; False after ``timeout`` or if not ``alive()``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return False
        if port_in_use(host, port):
            return True
        time.sleep(0.2)
    return False
