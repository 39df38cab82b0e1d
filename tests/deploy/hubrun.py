"""A throwaway JupyterHub on loopback running deploy/jupyterhub/jupyterhub_config.py.

Shared by tests/deploy/test_hub.py and bench/hub_login.py. It loads the deploy
configuration as it is and adds only what a test machine needs: DummyAuthenticator
(any user name, one password), SimpleLocalProcessSpawner (no system users: every
server runs as the caller, in its own home folder under the temporary directory),
loopback addresses on free ports, configurable-http-proxy from the project's
``.cache/hub`` (scripts/ensure-hub.sh), the hub's own state in the temporary folder.
The workspace's database is the PostgreSQL URL given (tests/pg.py starts one).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from abitare.paths import PROJECT_ROOT

HUB_CONFIG = PROJECT_ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY = PROJECT_ROOT / ".cache" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "parola-di-prova-hub"
HOME_PATH = "voila/render/home.ipynb"

OVERRIDES = """
import os
load_subconfig({deploy!r})

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {{"admin"}}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.environment["ABITARE_DATA_DIR"] = lambda spawner: {homes!r} + "/" + spawner.user.name + "/dati"
c.Spawner.environment["ABITARE_ACTIVITY_SECONDS"] = "5"
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {root!r} + "/proxy.pid"
c.ConfigurableHTTPProxy.auth_token = "proxy-token-di-prova"
c.JupyterHub.db_url = "sqlite:///" + {root!r} + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {root!r} + "/cookie_secret"
c.JupyterHub.pid_file = {root!r} + "/jupyterhub.pid"
c.JupyterHub.log_level = "INFO"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.load_roles = c.JupyterHub.load_roles + [
    {{
        "name": "abitare-bench",
        "scopes": ["admin:users", "admin:servers", "admin:groups", "read:hub", "list:services", "read:services"],
        "services": ["abitare-bench"],
    }}
]
c.JupyterHub.services = c.JupyterHub.services + [{{"name": "abitare-bench", "api_token": "token-di-prova-bench"}}]
"""
API_TOKEN = "token-di-prova-bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempHub:
    """``start()`` runs JupyterHub and its proxy; ``stop()`` stops them and every user server."""

    def __init__(self, db_url: str, facilitators: list[str], root: Path | None = None) -> None:
        self.db_url = db_url
        self.facilitators = facilitators
        self.root = root or Path(tempfile.mkdtemp(prefix="abitare-hub-"))
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.leftovers: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def user_url(self, user: str, path: str = HOME_PATH) -> str:
        return f"{self.url}/user/{user}/{path}"

    def log(self) -> str:
        path = self.root / "jupyterhub.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, timeout: float = 60) -> None:
        if not PROXY.exists():
            raise RuntimeError("configurable-http-proxy non trovato: esegui scripts/ensure-hub.sh (lo fa 'make test').")
        homes = self.root / "home"
        homes.mkdir(parents=True, exist_ok=True)
        config = self.root / "jupyterhub_config.py"
        config.write_text(
            OVERRIDES.format(
                deploy=str(HUB_CONFIG), password=PASSWORD, homes=str(homes), port=self.port,
                hub_port=self.hub_port, api_port=self.api_port, proxy=str(PROXY), root=str(self.root),
            )
        )
        bin_dir = str(Path(sys.executable).parent)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("ABITARE_", "JUPYTERHUB_"))},
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
            "ABITARE_DB_URL": self.db_url,
            "ABITARE_FACILITATORS": ",".join(self.facilitators),
            "ABITARE_USER_PYTHON": sys.executable,
        }
        with (self.root / "jupyterhub.log").open("ab") as log:  # the hub keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [str(Path(bin_dir) / "jupyterhub"), "-f", str(config)],
                cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub non è partito:\n{self.log()[-4000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/hub/api/", timeout=2):
                return
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub non risponde dopo {timeout} s:\n{self.log()[-4000:]}")

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        """The hub's REST API as the test's admin service."""
        request = urllib.request.Request(
            f"{self.url}/hub/api{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {API_TOKEN}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else {}

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the hub stops the servers (cleanup_servers) and its proxy
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None
        self.leftovers = self.sweep()

    def sweep(self) -> list[str]:
        """Kill, and name, any process still working in the hub's folder (a user server left running)."""
        found = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                if Path(os.readlink(proc / "cwd")).is_relative_to(self.root):
                    found.append((proc / "cmdline").read_text().replace("\0", " ").strip())
                    os.kill(int(proc.name), signal.SIGKILL)
        return found

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
