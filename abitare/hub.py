"""One user's workspace under JupyterHub: Voilà at the hub's address for that user.

JupyterHub starts, for each user, ``jhsingle-native-proxy`` (it checks with the hub that
the browser belongs to that user, and proxies to one local web application); the
application it starts is ``python -m abitare.hub --port {port}``, which runs the same
Voilà as ``abitare serve`` (same template, routing, pool and culling) with three
differences:

- it is served under the user's prefix (``JUPYTERHUB_SERVICE_PREFIX``, e.g. ``/user/anna/``);
- it serves one person: one kernel of the trainee application is started in advance
  and not replaced (``--pool 1``, no reserve), a few kernels at most (a second tab,
  the class view for a facilitator);
- the database schema is the administrator's job (``abitare db upgrade`` once, before
  the class), never the user server's: a hundred servers starting together must not
  race to migrate a shared PostgreSQL.

It also tells the hub when the workspace is in use, so that the idle culler
(``jupyterhub-idle-culler``) stops only servers nobody uses: every minute, if a page
is open (a connection to Voilà is established: each page keeps a websocket to its
kernel), it posts the time to the hub's activity address. jhsingle-native-proxy sends
nothing for a user's default server, and a hub behind Traefik (The Littlest JupyterHub)
sees no proxy activity either.

The participant is the hub user (``JUPYTERHUB_USER``, read by :func:`abitare.identity.hub_user`);
facilitator rights come from the hub groups the spawner passes in ``ABITARE_HUB_GROUPS``
(:func:`abitare.identity.hub_facilitator`).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import logging
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from abitare.serve import ServerOptions, voila_command, voila_env

__all__ = ["ACTIVITY_SECONDS", "hub_voila_command", "main", "pages_open", "report_activity"]

log = logging.getLogger("abitare.hub")

#: how often the hub hears that the workspace is in use
ACTIVITY_SECONDS = 60
#: kernels one user may have at once: the application, a second tab, a facilitator page
USER_MAX_KERNELS = 4


def hub_voila_command(port: int, environ: Mapping[str, str], *, cull_idle: int = 90) -> list[str]:
    """Voilà's command line for one user's server at the hub's prefix."""
    prefix = environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    if not prefix.endswith("/"):
        prefix += "/"
    opts = ServerOptions(port=port, pool=1, reserve=0, max_kernels=USER_MAX_KERNELS, cull_idle=cull_idle)
    cmd = voila_command(opts, USER_MAX_KERNELS)
    module = cmd.index("abitare.voila_app")
    # jhsingle-native-proxy strips the prefix: Voilà answers at "/" (server_url) and writes
    # the prefix into the page's links (base_url)
    return [
        *cmd[:module],
        "abitare.hub_voila",
        *cmd[module + 1 :],
        f"--Voila.base_url={prefix}",
        "--Voila.server_url=/",
    ]


def pages_open(port: int, proc: Path = Path("/proc")) -> int:
    """Established connections to Voilà's local ``port`` (Linux's /proc/net/tcp*); 0 elsewhere.

    Every open page keeps a websocket to its kernel through the proxy, so this counts the
    pages open now (plus, for a few seconds, the proxy's idle keep-alive connections).
    """
    wanted = f":{port:04X}"
    count = 0
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and fields[1].endswith(wanted) and fields[3] == "01":  # 01: ESTABLISHED
                count += 1
    return count


def report_activity(environ: Mapping[str, str], when: datetime | None = None) -> bool:
    """Post "in use now" to the hub's activity address; False when there is no hub or it failed."""
    url, token = environ.get("JUPYTERHUB_ACTIVITY_URL"), environ.get("JUPYTERHUB_API_TOKEN")
    if not url or not token:
        return False
    stamp = (when or datetime.now(UTC)).isoformat().replace("+00:00", "Z")
    body = {"servers": {environ.get("JUPYTERHUB_SERVER_NAME", ""): {"last_activity": stamp}}, "last_activity": stamp}
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10):
            return True
    except OSError as err:
        log.warning("could not tell the hub about activity: %s", err)
        return False


def _keep_reporting(port: int, environ: Mapping[str, str], stop: threading.Event) -> None:
    every = float(environ.get("ABITARE_ACTIVITY_SECONDS") or ACTIVITY_SECONDS)  # tests shorten it
    while not stop.wait(every):
        if pages_open(port):
            report_activity(environ)


def _stop_with_parent() -> None:
    """Linux: get SIGTERM when jhsingle-native-proxy dies, so Voilà and its kernels do not outlive it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def main(argv: list[str] | None = None) -> int:
    """``python -m abitare.hub --port N``: run the user's Voilà until it stops."""
    parser = argparse.ArgumentParser(prog="python -m abitare.hub", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="local port (jhsingle-native-proxy's {port})")
    parser.add_argument("--cull-idle", type=int, default=90, help="seconds before a kernel with no page is shut down")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[abitare.hub %(levelname)s] %(message)s")
    _stop_with_parent()
    env = voila_env()
    proc = subprocess.Popen(hub_voila_command(args.port, env, cull_idle=args.cull_idle), env=env)
    stop = threading.Event()
    threading.Thread(target=_keep_reporting, args=(args.port, env, stop), daemon=True).start()

    def forward(signum: int, _frame: object) -> None:
        proc.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    code = proc.wait()
    stop.set()
    return code


if __name__ == "__main__":
    sys.exit(main())
