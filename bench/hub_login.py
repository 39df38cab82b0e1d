"""Trainees logging in to the workspace on a real JupyterHub, on this machine.

Starts the hub of tests/deploy (deploy/jupyterhub/jupyterhub_config.py with
DummyAuthenticator and SimpleLocalProcessSpawner, configurable-http-proxy from
``.cache/hub``, a throwaway PostgreSQL), then:

1. one trainee alone: time from the hub's login form to a usable home page (the hub
   starts the server, the server starts Voilà, the preheated kernel shows the page),
   then the memory of that user's server (the proxy, the Voilà server, its kernels:
   resident memory, summed over the processes) after the home page and after opening
   a module and answering a question;
2. N trainees (default 10) pressing «Sign in» in the same second, each in its own
   Chromium context: p50 / p95 / max time to a usable home page, failures, and the
   memory of all their servers.

Chromium runs on the same cores as the hub and the servers: on a 2-core machine the
browsers take a good part of the CPU, so the figures are an upper bound for real
trainees on their own computers.

    .venv/bin/python bench/hub_login.py [--trainees 10]

Needs scripts/ensure-hub.sh (configurable-http-proxy), PostgreSQL's server programs and
Debian's chromium (``make test`` installs all three).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.async_api import Browser, Page, async_playwright  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.deploy.hubrun import PASSWORD, TempHub  # noqa: E402
from tests.pg import TempPostgres  # noqa: E402
from tests.ui.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

HEADING = "I moduli del corso"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in task.read_text().split()]
    return out


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def rss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def user_servers() -> dict[str, int]:
    """Hub user → pid of their server (the process started by the spawner)."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if b"abitare.hub_proxy" not in (proc / "cmdline").read_bytes():
                continue
            env = dict(
                item.split("=", 1) for item in (proc / "environ").read_text().split("\0") if "=" in item
            )
            if "JUPYTERHUB_USER" in env:
                found[env["JUPYTERHUB_USER"]] = int(proc.name)
    return found


def cpu_s(pids: list[int]) -> float:
    """CPU seconds of the processes (and of their children that have exited)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15]) / tick
    return total


def breakdown(user: str) -> str:
    """Resident MB of each process of the user's server, named."""
    pid = user_servers().get(user)
    if pid is None:
        return ""
    parts = []
    for p in tree(pid):
        cmd = _cmdline(p)
        name = (
            "proxy" if b"hub_proxy" in cmd else "voila" if b"hub_voila" in cmd else "kernel" if b"ipykernel" in cmd
            else "supervisor" if b"abitare.hub" in cmd else cmd.split(b"\0")[0].decode(errors="replace")
        )
        parts.append(f"{name} {rss_mb([p]):.0f}")
    return ", ".join(parts) + f" MB; CPU since start {cpu_s(tree(pid)):.1f} s"


def server_memory(user: str) -> tuple[float, int]:
    """(resident MB of the user's server with its Voilà and kernels, number of kernels)."""
    pid = user_servers().get(user)
    if pid is None:
        return float("nan"), 0
    pids = tree(pid)
    kernels = sum(1 for p in pids if b"ipykernel" in _cmdline(p))
    return rss_mb(pids), kernels


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


async def login(browser: Browser, hub: TempHub, user: str) -> tuple[float, Page]:
    """Seconds from the login form's «Sign in» to a usable home page, and the page."""
    context = await browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(180_000)
    await page.goto(f"{hub.url}/hub/login")
    await page.fill("#username_input", user)
    await page.fill("#password_input", PASSWORD)
    start = time.monotonic()
    await page.click("#login_submit")
    await page.wait_for_url(re.compile(rf"/user/{user}/voila/render/home\.ipynb"))
    await page.get_by_role("heading", name=HEADING).wait_for()
    return time.monotonic() - start, page


async def answer_a_question(page: Page) -> None:
    await page.get_by_role("link", name="Apri il modulo").first.click()
    await page.get_by_role("button", name="Verifica finale").click()
    box = page.locator(".abitare-question-box").first
    await box.get_by_role("radio").first.check()
    await box.get_by_role("button", name="Conferma la risposta").click()
    await box.get_by_text(re.compile("Risposta (non )?corretta")).wait_for()


async def run(trainees: int) -> None:
    pg = TempPostgres()
    admin_url = pg.start()
    hub: TempHub | None = None
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "abitare"'))
        admin.dispose()
        url = make_url(admin_url).set(database="abitare").render_as_string(hide_password=False)
        subprocess.run(
            [sys.executable, "-m", "abitare.cli", "db", "upgrade"], check=True, env={"ABITARE_DB_URL": url, "PATH": ""}
        )
        hub = TempHub(url, facilitators=["giulia"])
        t0 = time.monotonic()
        hub.start()
        print(f"hub started in {time.monotonic() - t0:.1f} s")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            alone, page = await login(browser, hub, "sola")
            home_mb, home_k = server_memory("sola")
            print(f"one trainee alone: login → usable home page {alone:.2f} s")
            print(f"  server memory with the home page: {home_mb:.0f} MB ({home_k} kernel(s)): {breakdown('sola')}")
            await answer_a_question(page)
            used_mb, used_k = server_memory("sola")
            print(f"  after opening a module and answering: {used_mb:.0f} MB ({used_k} kernel(s))")
            await page.goto(hub.user_url("sola", "voila/render/simulazione.ipynb"))
            await page.get_by_role("heading", name="Su che cosa è tarata la simulazione").wait_for()
            await asyncio.sleep(5)
            sim_mb, sim_k = server_memory("sola")
            print(f"  after a reload on the simulation page: {sim_mb:.0f} MB ({sim_k} kernel(s))")
            await page.context.close()

            users = [f"corsista{i:02d}" for i in range(1, trainees + 1)]
            start = time.monotonic()
            results = await asyncio.gather(*(login(browser, hub, u) for u in users), return_exceptions=True)
            wall = time.monotonic() - start
            times = [r[0] for r in results if isinstance(r, tuple)]
            failures = [repr(r)[:200] for r in results if not isinstance(r, tuple)]
            mems = [server_memory(u)[0] for u in users]
            cpus = [cpu_s(tree(pid)) for u, pid in user_servers().items() if u in users]
            print(f"{trainees} trainees logging in at once (wall {wall:.1f} s):")
            print(
                f"  login → usable home page p50 {pct(times, 0.5):.2f} s, p95 {pct(times, 0.95):.2f} s, "
                f"max {max(times, default=float('nan')):.2f} s; failures {len(failures)}"
            )
            for f in failures:
                print("   ", f)
            good = [m for m in mems if m == m]
            if good:
                print(
                    f"  memory of their servers: {sum(good) / 1024:.2f} GB in all, "
                    f"{sum(good) / len(good):.0f} MB each (max {max(good):.0f} MB)"
                )
            if cpus:
                print(f"  CPU of each server from start to a usable home page: {sum(cpus) / len(cpus):.1f} s (mean)")
            await browser.close()
        spawns = [float(x) for x in re.findall(r"took ([0-9.]+) seconds to start", hub.log())]
        if spawns:
            print(
                f"hub's own count, spawn → server answering: first {spawns[0]:.2f} s; "
                f"the {len(spawns) - 1} at once p50 {pct(spawns[1:], 0.5):.2f} s, max {max(spawns[1:] or [0]):.2f} s"
            )
    finally:
        if hub is not None:
            hub.cleanup()
            if hub.leftovers:
                print("processes left after the hub stopped:", hub.leftovers)
        pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=10, help="trainees logging in at once (default 10)")
    args = parser.parse_args()
    asyncio.run(run(args.trainees))


if __name__ == "__main__":
    main()
