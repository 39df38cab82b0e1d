"""Start Voilà on the project's notebooks with the settings a class needs.

Kept apart from the command line so tests start the very same server.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from abitare.errors import ServeConfigError
from abitare.numbers import number
from abitare.paths import PROJECT_ROOT, TEMPLATES_DIR

CONFIG_DIR = TEMPLATES_DIR / "config"

__all__ = [
    "APP_NOTEBOOK",
    "HOME_NOTEBOOK",
    "KERNEL_MB",
    "SERVER_MB",
    "TRAINEE_PAGES",
    "ServeConfigError",
    "ServerOptions",
    "available_memory_mb",
    "check_fits",
    "home_url",
    "memory_cap",
    "port_in_use",
    "voila_command",
    "voila_env",
    "wait_for_port",
]

HOME_NOTEBOOK = "home.ipynb"
#: the notebook that shows every trainee page as a view (abitare_widgets.app)
APP_NOTEBOOK = HOME_NOTEBOOK
#: the addresses served by the application notebook (a test keeps them equal to its views)
TRAINEE_PAGES = frozenset(
    {
        "home.ipynb",
        "modulo.ipynb",
        "caso.ipynb",
        "calcolatore.ipynb",
        "glossario.ipynb",
        "simulazione.ipynb",
        "scheda.ipynb",
    }
)
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"

#: memory of one trainee's kernel after an hour's use of every view but the simulation
#: (measured with bench/class_load.py; the simulation's numpy and matplotlib add about 60 MB)
KERNEL_MB = 130
#: the Voilà server itself, serving a class
SERVER_MB = 300
#: share of the memory available at start that kernels may take
MEMORY_SHARE = 0.8


@dataclass(frozen=True)
class ServerOptions:
    """How to run Voilà.

    ``pool`` > 0 is the size of the class: that many kernels of the trainee
    application are started in advance (about ``KERNEL_MB`` each); once the
    arrivals are over, used ones are replaced only up to ``reserve``.
    ``max_kernels`` caps the live kernels (0: derived from the machine's memory);
    beyond it a newcomer waits on a "class full" page that retries by itself.
    ``cull_idle`` seconds after which an idle kernel with no page connected is shut
    down (a closed page shuts its kernel down at once; this catches the rest).
    """

    host: str = "127.0.0.1"
    port: int = 8866
    pool: int = 0
    reserve: int = 2
    max_kernels: int = 0
    cull_idle: int = 90
    cull_interval: int = 20
    notebooks_dir: Path = NOTEBOOKS_DIR


def available_memory_mb() -> int | None:
    """Memory available for new processes (Linux ``MemAvailable``), None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def _mb(value: int | None) -> str:
    return number(value or 0)


def memory_cap(available_mb: int) -> int:
    """How many kernels fit in ``available_mb`` beside the server."""
    return max(1, int((available_mb * MEMORY_SHARE - SERVER_MB) // KERNEL_MB))


def check_fits(opts: ServerOptions, available_mb: int | None) -> int:
    """The cap on live kernels for ``opts``; ServeConfigError if it cannot fit in memory."""
    cap = memory_cap(available_mb) if available_mb is not None else 0
    if opts.pool < 0 or opts.max_kernels < 0 or opts.reserve < 0:
        raise ServeConfigError("--pool, --riserva e --max-kernel non possono essere negativi.")
    limit = opts.max_kernels or cap
    if cap and opts.max_kernels > cap:
        raise ServeConfigError(
            f"--max-kernel {opts.max_kernels} non entra in memoria: con {_mb(available_mb)} MB liberi ne entrano "
            f"al massimo {cap} (circa {KERNEL_MB} MB ciascuno). Usa un numero più piccolo o lascialo calcolare."
        )
    if limit and opts.pool > limit:
        raise ServeConfigError(
            f"--pool {opts.pool} chiede più kernel di quanti il server ne possa tenere ({limit}"
            + (f": con {_mb(available_mb)} MB liberi, circa {KERNEL_MB} MB ciascuno" if cap else "")
            + "). Per una classe più grande serve una macchina con più memoria (o JupyterHub)."
        )
    return limit


#: the longest path of a Unix socket (sun_path: 108 bytes on Linux with its final NUL, 104 on macOS)
SOCKET_PATH_MAX = 103


def ipc_fits(tmp: str | None = None) -> bool:
    """True when a kernel's sockets fit in the temporary folder: Voilà writes them as
    ``<tmp>/voila_XXXXXXXX/kernel-<uuid>-ipc-N``; a longer path would kill every kernel at start."""
    longest = os.path.join(tmp or tempfile.gettempdir(), "voila_" + "x" * 8, f"kernel-{'x' * 36}-ipc-99")
    return len(longest.encode()) <= SOCKET_PATH_MAX


def voila_command(opts: ServerOptions, max_kernels: int = 0) -> list[str]:
    """The Voilà command line for ``opts`` (``max_kernels``: the cap from :func:`check_fits`)."""
    cmd = [
        sys.executable,
        "-m",
        "abitare.voila_app",
        str(opts.notebooks_dir),
        "--no-browser",
        f"--Voila.ip={opts.host}",
        f"--port={opts.port}",
        "--Voila.port_retries=0",  # never drift to another port than the one printed
        "--template=abitare",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",  # no file of the folder is served
        "--VoilaExecutor.iopub_timeout=60",
        "--VoilaExporter.language_code=it",
        f"--MappingKernelManager.cull_idle_timeout={opts.cull_idle}",
        f"--MappingKernelManager.cull_interval={opts.cull_interval}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if ipc_fits():
        # kernels talk to the server over Unix sockets, not TCP ports: a port is chosen free, released,
        # then bound by the kernel, and with a class's kernels starting together (and the browsers'
        # connections taking ports meanwhile) two of them got the same one: the kernel died at start,
        # its page came without a kernel (bench/class_load.py, 100 trainees: 3 kernels in one run)
        cmd.append("--KernelManager.transport=ipc")
    cmd.append(f"--Voila.max_kernels={max_kernels or opts.max_kernels}")
    if opts.pool > 0:
        # only the trainee application is preheated: never the reports or the facilitator pages
        cmd += [f"--Voila.class_pool={opts.pool}", f"--Voila.pool_reserve={min(opts.reserve, opts.pool)}"]
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
