"""A class arriving at once: the real server with the README's class settings, many trainees.

Run (on demand, not a test):

    .venv/bin/python bench/class_load.py                      # 30 at once + plain Voilà, 1 trainee
    .venv/bin/python bench/class_load.py --trainees 100 --spread 300 --no-baseline
    .venv/bin/python bench/class_load.py --browsers 10 --trainees 0 --no-baseline

Each trainee is a protocol-level client, as a browser would be without drawing: it
loads the module page (``modulo.ipynb?m=…&p=…``) and the static files a real page
loads (captured once with Chromium), opens the kernel's websocket, asks for the
widgets' state and waits until the module's widgets are there ("usable"), then
clicks «Successiva ▶» twice (each click writes to the database: "click → saved" is
the time until the kernel is idle again). Then it moves inside the application
(home, glossary, calculator, case, back to the module) and closes the page as a
browser does (the page's close beacon). With ``--browsers N``, N Chromium pages
(Debian's chromium, through Playwright) do the same with a real browser.

It prints p50/p95/max time to a usable page, click → saved, navigation between
views, failures with their stage, rows written vs found in the database, peak
memory (server + kernels), memory per trainee, CPU seconds per page view and the
kernels alive ``--linger`` seconds after the pages closed; and the same for plain
Voilà serving a one-cell quiz with a pool of the same size, as a ratio.
All traffic stays on 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from abitare.paths import TEMPLATES_DIR  # noqa: E402
from abitare.serve import voila_env  # noqa: E402

MODULE = "sistema-abitativo"
HOST = "127.0.0.1"
PAGE_TIMEOUT = 120.0
NAV_ROUTES = ["home.ipynb?p={code}", "glossario.ipynb?p={code}", "calcolatore.ipynb?c=canone-sap&p={code}",
              "caso.ipynb?c=anziano-solo&p={code}", "modulo.ipynb?m=" + MODULE + "&p={code}"]

ONE_CELL = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "quiz",
            "metadata": {},
            "outputs": [],
            "source": [
                "import ipywidgets as w\n",
                "clicks = []\n",
                "q = w.RadioButtons(options=['16.000 €', '26.000 €'], description='ISEE massimo')\n",
                "b = w.Button(description='Successiva ▶')\n",
                "b.on_click(lambda _b: clicks.append(q.value))\n",
                "w.VBox([w.HTML('<h1>Verifica finale</h1>'), q, b])",
            ],
        }
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- processes


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return out


def rss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_s(pid: int) -> float:
    """CPU seconds of ``pid``'s tree, including children that have exited."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        total += (utime + stime + cutime + cstime) / tick  # cutime: kernels that have exited
    return total


def kernels(pid: int) -> int:
    n = 0
    for p in tree(pid):
        try:
            if b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes():
                n += 1
        except OSError:
            pass
    return n


class Server:
    """`abitare serve` (the application) or plain Voilà on a one-cell notebook, in a fresh folder."""

    def __init__(self, kind: str, pool: int, tmp: Path) -> None:
        self.kind, self.pool, self.tmp = kind, max(pool, 2), tmp
        self.port = free_port()
        self.log = tmp / f"{kind}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def page_url(self, code: str) -> str:
        if self.kind == "app":
            return f"{self.base}/voila/render/modulo.ipynb?" + urlencode({"m": MODULE, "p": code})
        return f"{self.base}/?" + urlencode({"p": code})  # Voilà on one notebook serves it at the root

    def start(self) -> None:
        env = {**os.environ, "ABITARE_DATA_DIR": str(self.tmp / "var")}
        env.pop("ABITARE_DB_URL", None)
        if self.kind == "app":
            cmd = [sys.executable, "-m", "abitare.cli", "serve", "--port", str(self.port), "--pool", str(self.pool)]
            ready = "Kernel pool of home.ipynb is filled"
        else:
            nb_dir = self.tmp / "plain"
            nb_dir.mkdir()
            (nb_dir / "quiz.ipynb").write_text(json.dumps(ONE_CELL))
            # the project's template: Voilà's own fetches Font Awesome from the internet, and the
            # page waits for it (no network here); the pool as DESIGN.md's best plain settings
            cmd = [sys.executable, "-m", "voila", str(nb_dir / "quiz.ipynb"), "--no-browser", f"--port={self.port}",
                   "--template=abitare", "--Voila.ip=127.0.0.1", "--preheat_kernel=True", f"--pool_size={self.pool}",
                   "--VoilaKernelManager.fill_delay=600", "--VoilaExecutor.iopub_timeout=60"]
            env = voila_env(env)
            # the template only, not the project's kernelspec (kernels without IPython history): plain kernels
            plain_path = self.tmp / "jupyter"
            plain_path.mkdir()
            (plain_path / "voila").symlink_to(TEMPLATES_DIR / "voila")
            env["JUPYTER_PATH"] = env["JUPYTER_PATH"].replace(str(TEMPLATES_DIR), str(plain_path), 1)
            ready = "is filled"
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 60 + 4 * self.pool
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()[-3000:]}")
            if ready in self.log.read_text(errors="replace"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"pool not filled in time:\n{self.log.read_text()[-3000:]}")

    def settle(self, limit: float = 600) -> float:
        """Wait until the pool's kernels have run their notebook (the server tree is idle)."""
        assert self.proc
        start = time.monotonic()
        before = cpu_s(self.proc.pid)
        while time.monotonic() - start < limit:
            time.sleep(3)
            now = cpu_s(self.proc.pid)
            if now - before < 0.3:  # under a tenth of a core for 3 s
                break
            before = now
        return time.monotonic() - start

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)

    def db_rows(self, prefix: str) -> int:
        """What the two clicks of each trainee whose code starts with ``prefix`` left in the database:
        the first lesson marked read, and the position on the second lesson."""
        db = self.tmp / "var" / "abitare.sqlite"
        if self.kind != "app" or not db.exists():
            return 0
        from abitare.content import load_module
        from tests.conftest import CONTENT_DIR

        first, second = (lesson.id for lesson in load_module(CONTENT_DIR, MODULE).lessons[:2])
        like = prefix.casefold() + "%"
        with sqlite3.connect(db) as con:
            lessons = con.execute(
                "SELECT count(*) FROM lesson_progress l JOIN participants p ON p.id = l.participant_id "
                "WHERE p.code LIKE ? AND l.module_id = ? AND l.lesson_id = ?", (like, MODULE, first)).fetchone()[0]
            positions = con.execute(
                "SELECT count(*) FROM progress g JOIN participants p ON p.id = g.participant_id "
                "WHERE p.code LIKE ? AND g.module_id = ? AND g.position = ?", (like, MODULE, second)).fetchone()[0]
        return int(lessons) + int(positions)


# ---------------------------------------------------------------- one trainee, protocol level


@dataclass
class Result:
    usable: float | None = None
    saves: list[float] = field(default_factory=list)
    moves: list[float] = field(default_factory=list)
    failure: str | None = None


def _msg(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    return {
        "header": {"msg_id": uuid.uuid4().hex, "username": "bench", "session": session, "msg_type": msg_type,
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell", "buffers": [],
    }


#: The kernel websocket protocol JupyterLab's services (and so Voilà's page) speak: the server
#: forwards the kernel's frames without parsing them (the legacy JSON protocol costs it a parse
#: and a dump of every message).
V1 = "v1.kernel.websocket.jupyter.org"


def to_v1(m: dict) -> bytes:
    """A message in the v1 binary framing: offsets, channel, header, parent, metadata, content."""
    parts = [json.dumps(m[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    channel = m["channel"].encode()
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(channel))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + channel + b"".join(parts)


def from_v1(raw: bytes | str, widgets: bool = True) -> dict:
    """The header, parent and content of a v1 frame (buffers, e.g. of charts, are not needed).

    With ``widgets`` false only status messages are read whole: once the page is usable the
    client needs no widget state, and parsing it would take CPU from the server it measures
    (a browser does that work on another machine)."""
    if isinstance(raw, str):
        raise ConnectionError("the server did not take the v1 protocol")
    count = int.from_bytes(raw[:8], "little")
    offsets = [int.from_bytes(raw[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    part = [raw[offsets[i]:offsets[i + 1]] for i in range(1, min(count - 1, 5))]
    header = json.loads(part[0])
    if not widgets and header.get("msg_type") != "status":
        return {"header": header, "parent_header": {}, "content": {}}
    return {"header": header, "parent_header": json.loads(part[1]), "content": json.loads(part[3])}


class Kernel:
    """The page's websocket to its kernel, reading widget states as a browser does."""

    def __init__(self, ws, session: str) -> None:  # type: ignore[no-untyped-def]
        self.ws, self.session = ws, session
        self.models: dict[str, dict] = {}
        self.idle: set[str] = set()
        self.widgets = True  # keep reading widget states (off once the page's buttons are known)
        self.states = False  # the reply to request_states arrived (every widget the kernel had then)

    async def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> str:
        m = _msg(msg_type, content, self.session, metadata)
        await self.ws.write_message(to_v1(m), binary=True)
        return m["header"]["msg_id"]

    async def pump(self, until, timeout: float) -> bool:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not until():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                raw = await asyncio.wait_for(self.ws.read_message(), left)
            except TimeoutError:
                return False
            if raw is None:
                raise ConnectionError("websocket closed")
            self._take(from_v1(raw, self.widgets))
        return True

    def _take(self, m: dict) -> None:
        t, c = m["header"]["msg_type"], m.get("content", {})
        if t == "status" and c.get("execution_state") == "idle":
            self.idle.add(m.get("parent_header", {}).get("msg_id", ""))
        elif t == "comm_open" and c.get("target_name") == "jupyter.widget":
            self.models[c["comm_id"]] = dict(c.get("data", {}).get("state", {}))
        elif t == "comm_msg":
            data = c.get("data", {})
            if data.get("method") == "update_states":
                self.states = True
                for mid, st in data.get("states", {}).items():
                    self.models[mid] = dict(st.get("state", {}))
            elif data.get("method") == "update":
                self.models.setdefault(c["comm_id"], {}).update(data.get("state", {}))

    def find(self, description: str) -> str | None:
        for mid, st in self.models.items():
            if st.get("description") == description and st.get("_model_name") == "ButtonModel":
                return mid
        return None

    def has_text(self, text: str) -> bool:
        return any(text in str(st.get("value", "")) for st in self.models.values())

    def router(self) -> str | None:
        for mid, st in self.models.items():
            if "pages" in st and "close_url" in st:
                return mid
        return None

    async def act(self, comm_id: str, content: dict, timeout: float = 30) -> float:
        start = time.perf_counter()
        msg_id = await self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": content}})
        if not await self.pump(lambda: msg_id in self.idle, timeout):
            raise TimeoutError("no reply from the kernel")
        return time.perf_counter() - start


async def _get_many(port: int, paths: list[str]) -> None:
    """GET each path on one keep-alive connection, reading the bodies with as little Python as
    possible: the client shares the server's two cores, and a heavy client would slow the server."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        for path in paths:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), PAGE_TIMEOUT)
            status = head.split(b" ", 2)[1]
            if status.startswith(b"5"):  # a 302 or 404 is what a browser gets too (plain Voilà has no bundle)
                raise RuntimeError(f"{path}: HTTP {status.decode()}")
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            if not length:
                raise RuntimeError(f"{path}: no length")
            await asyncio.wait_for(reader.readexactly(int(length[1])), PAGE_TIMEOUT)
    finally:
        writer.close()


async def fetch_static(port: int, urls: list[str]) -> None:
    """The page's static files on six connections, as a browser opens about six per host."""
    paths = [u.split(f"{HOST}:{port}", 1)[1] for u in urls]
    await asyncio.gather(*(_get_many(port, paths[i::6]) for i in range(6)))


async def trainee(server: Server, code: str, static: list[str], navigate: bool) -> Result:
    r = Result()
    http = AsyncHTTPClient()
    stage = "page"
    start = time.perf_counter()
    kernel_id = ""
    try:
        resp = await http.fetch(server.page_url(code), request_timeout=PAGE_TIMEOUT)
        html = resp.body.decode()
        if "La classe è al completo" in html:
            raise RuntimeError("class full")
        found = re.search(r'"kernelId": "([0-9a-f-]+)"', html)
        if not found:
            raise RuntimeError("no kernel in the page")
        kernel_id = found[1]
        stage = "static files"
        await fetch_static(server.port, static)
        stage = "websocket"
        session = uuid.uuid4().hex
        ws = await websocket_connect(
            f"ws://{HOST}:{server.port}/api/kernels/{kernel_id}/channels?session_id={session}",
            max_message_size=256 * 1024 * 1024,
            subprotocols=[V1],
        )
        ws.protocol.set_nodelay(True)  # as browsers do on every socket
        k = Kernel(ws, session)
        stage = "widgets"
        control = uuid.uuid4().hex
        await k.send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                     {"version": "1.0.0"})  # ipywidgets' control protocol
        await k.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        # as a browser's widget manager: the reply to request_states, and the module's button (in a
        # preheated kernel the view may be built while the socket opens: its widgets then arrive as
        # comm_open messages, possibly before the reply that holds the older ones, the router's)
        if not await k.pump(lambda: k.states and k.find("Successiva ▶") is not None, PAGE_TIMEOUT):
            raise TimeoutError("the module's widgets never arrived")
        r.usable = time.perf_counter() - start
        stage = "clicks"
        button, router = k.find("Successiva ▶"), k.router()
        assert button
        k.widgets = False
        for _ in range(2):
            r.saves.append(await k.act(button, {"event": "click"}))
        if navigate and server.kind == "app":
            stage = "navigation"
            if router is None:
                raise RuntimeError("no router")
            for route in NAV_ROUTES:
                r.moves.append(await k.act(router, {"go": route.format(code=code), "how": "link"}))
        ws.close()
    except (HTTPClientError, OSError, RuntimeError, TimeoutError, ConnectionError, AssertionError) as err:
        r.failure = f"{stage}: {type(err).__name__}: {err}"[:200]
    finally:
        if kernel_id and server.kind == "app":  # the page's close beacon, as the router sends it
            with contextlib.suppress(Exception):  # the kernel may be gone already
                await http.fetch(HTTPRequest(f"{server.base}/abitare/chiudi/{kernel_id}", method="POST", body=""))
    return r


# ---------------------------------------------------------------- one trainee, Chromium


def browser_class(server: Server, n: int, prefix: str) -> list[Result]:
    from playwright.async_api import async_playwright

    from tests.ui.conftest import CHROMIUM_ARGS, chromium_path

    async def run() -> list[Result]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

            async def one(i: int) -> Result:
                r = Result()
                ctx = await browser.new_context(locale="it-IT")
                page = await ctx.new_page()
                start = time.perf_counter()
                try:
                    await page.goto(server.page_url(f"{prefix}{i}"), timeout=PAGE_TIMEOUT * 1000)
                    nxt = page.get_by_role("button", name="Successiva ▶")
                    await nxt.wait_for(timeout=PAGE_TIMEOUT * 1000)
                    r.usable = time.perf_counter() - start
                    for _ in range(2):
                        t = time.perf_counter()
                        await nxt.click()
                        await page.wait_for_timeout(50)
                        r.saves.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    await page.get_by_role("link", name="Tutti i moduli").first.click()
                    await page.get_by_role("heading", name="I moduli del corso").wait_for(timeout=30_000)
                    r.moves.append(time.perf_counter() - t)
                except Exception as err:  # every failure is counted and named
                    r.failure = f"browser: {type(err).__name__}: {str(err)[:120]}"
                await ctx.close()  # the page closes: its beacon shuts the kernel down
                return r

            results = await asyncio.gather(*(one(i) for i in range(n)))
            await browser.close()
            return list(results)

    return asyncio.run(run())


def capture_static(server: Server) -> list[str]:
    """The static files a real page loads (Chromium; a second try if the first page hangs)."""
    try:
        return _capture_static(server)
    except Exception as err:  # Playwright's timeout: seen once on a busy machine
        print(f"  (capturing the static files failed once: {str(err)[:80]}; trying again)")
        return _capture_static(server)


def _capture_static(server: Server) -> list[str]:
    from playwright.sync_api import sync_playwright

    from tests.ui.conftest import CHROMIUM_ARGS, chromium_path

    urls: list[str] = []
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = b.new_page()
        page.on("requestfinished", lambda r: urls.append(r.url))
        page.goto(server.page_url("bench-capture"), timeout=PAGE_TIMEOUT * 1000)
        page.get_by_text("Verifica finale").first.wait_for(timeout=PAGE_TIMEOUT * 1000)
        page.wait_for_timeout(1000)
        b.close()
    return sorted(
        {
            u
            for u in urls
            if u.startswith(server.base) and "/voila/render/" not in u and "/api/" not in u and "?p=" not in u
        }
    )


# ---------------------------------------------------------------- a run


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def server_cpu_s(pid: int, kind: str) -> float:
    """CPU seconds of the Voilà server process alone (not its kernels)."""
    tick = os.sysconf("SC_CLK_TCK")
    voila = tree(pid)[1] if kind == "app" else pid  # `abitare serve` runs Voilà as its only child
    fields = Path(f"/proc/{voila}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick


def scenario(
    kind: str, trainees: int, spread: float, browsers: int, linger: float, navigate: bool, static_files: bool = True
) -> dict:
    n = max(trainees, browsers)
    with tempfile.TemporaryDirectory() as tmp:
        # one more kernel than trainees: the page that captures the static files takes one
        server = Server(kind, n + (1 if trainees and static_files else 0), Path(tmp))
        server.start()
        try:
            settled = server.settle()
            static = capture_static(server) if trainees and static_files else []
            server.settle()
            pid = server.proc.pid  # type: ignore[union-attr]
            base_mem = rss_mb(tree(pid))
            cpu0, server0, client0 = cpu_s(pid), server_cpu_s(pid, kind), time.process_time()
            peak = [base_mem]
            prefix = f"bench-{kind}-"
            stop_sampling = False

            import threading

            def sample() -> None:
                while not stop_sampling:
                    peak[0] = max(peak[0], rss_mb(tree(pid)))
                    time.sleep(0.5)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            t0 = time.perf_counter()
            if browsers:
                results = browser_class(server, browsers, prefix)
            else:
                async def arrive() -> list[Result]:
                    AsyncHTTPClient.configure(None, max_clients=max(10, 6 * trainees))

                    async def later(i: int) -> Result:
                        await asyncio.sleep(random.Random(i).uniform(0, spread) if spread else 0)
                        return await trainee(server, f"{prefix}{i}", static, navigate)

                    return list(await asyncio.gather(*(later(i) for i in range(trainees))))

                results = asyncio.run(arrive())
            wall = time.perf_counter() - t0
            cpu, server_cpu = cpu_s(pid) - cpu0, server_cpu_s(pid, kind) - server0
            client_cpu = time.process_time() - client0
            stop_sampling = True
            sampler.join()
            time.sleep(2)
            found = server.db_rows(prefix)
            log_copy = keep_log(server)
            alive_after = None
            if linger:
                time.sleep(linger)
                alive_after = kernels(pid)
            return {
                "kind": kind, "n": n, "browsers": browsers, "spread": spread, "wall": wall,
                "usable": [r.usable for r in results if r.usable is not None],
                "saves": [s for r in results for s in r.saves],
                "moves": [s for r in results for s in r.moves],
                "failures": [r.failure for r in results if r.failure],
                "written": 2 * sum(1 for r in results if len(r.saves) == 2),
                "found": found,
                "peak_mb": peak[0], "base_mb": base_mem, "cpu_per_page": cpu / n,
                "server_per_page": server_cpu / n, "client_cpu": client_cpu,
                "alive_after": alive_after, "linger": linger, "pool": server.pool, "settled": settled,
                "log": log_copy,
            }
        finally:
            server.stop()


def keep_log(server: Server) -> tuple[str, int, int, int]:
    """The server's log, kept under var/bench/ (the run's folder goes), with its warnings and errors counted."""
    out = ROOT / "var" / "bench" / f"class_load-{server.kind}-{time.strftime('%Y%m%d-%H%M%S')}.log"
    out.parent.mkdir(parents=True, exist_ok=True)
    text = server.log.read_text(errors="replace")
    out.write_text(text)
    levels = re.findall(r"(?m)^\[[\w.]+\] (WARNING|ERROR|CRITICAL) \|", text)
    warnings = levels.count("WARNING")
    return str(out.relative_to(ROOT)), warnings, len(levels) - warnings, text.count("Traceback")


def report(res: dict) -> None:
    label = "abitare" if res["kind"] == "app" else "plain Voilà, one-cell quiz"
    how = (f"{res['browsers']} Chromium pages at once" if res["browsers"]
           else f"{res['n']} trainees " + (f"over {res['spread']:.0f} s" if res["spread"] else "at once"))
    print(f"\n== {label}: {how} (pool {res['pool']}, ready {res['settled']:.0f} s after the server said filled)")
    u, s, m = res["usable"], res["saves"], res["moves"]
    print(f"  usable page  p50 {pct(u, .5):.2f} s  p95 {pct(u, .95):.2f} s  max {max(u, default=float('nan')):.2f} s"
          f"  ({len(u)} of {res['n']})")
    if s:  # in Chromium the click is timed until the browser has sent it; the rows are checked below
        name = "click (sent)" if res["browsers"] else "click→saved"
        print(f"  {name:<12} p50 {pct(s, .5):.3f} s  p95 {pct(s, .95):.3f} s  max {max(s):.3f} s")
    if m:
        print(f"  view change  p50 {pct(m, .5):.3f} s  p95 {pct(m, .95):.3f} s  max {max(m):.3f} s")
    print(f"  failures     {len(res['failures'])}" + "".join(f"\n    - {f}" for f in res["failures"][:10]))
    if res["kind"] == "app":
        print(f"  rows written {res['written']}, found in the database {res['found']}")
    per = (res["peak_mb"] - res["base_mb"]) / max(1, res["n"])
    print(f"  memory       peak {res['peak_mb'] / 1024:.2f} GB (server + kernels), {per:.0f} MB per trainee above "
          f"the idle pool's {res['base_mb'] / 1024:.2f} GB")
    print(f"  CPU          {res['cpu_per_page']:.2f} CPU-s per page view (server + kernels; the server alone "
          f"{res['server_per_page']:.2f}), wall {res['wall']:.1f} s; the load client itself used "
          f"{res['client_cpu']:.1f} CPU-s of the same two cores")
    log, warnings, errors, tracebacks = res["log"]
    print(f"  server log   {log} ({warnings} warnings, {errors} errors, {tracebacks} tracebacks)")
    if res["alive_after"] is not None:
        print(f"  kernels alive {res['linger']:.0f} s after the pages closed: {res['alive_after']}"
              + (" (the pool's reserve)" if res["kind"] == "app" else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trainees", type=int, default=30, help="protocol-level trainees (0: none)")
    ap.add_argument("--spread", type=float, default=0, help="arrivals spread over this many seconds (0: at once)")
    ap.add_argument("--browsers", type=int, default=0, help="Chromium pages at once instead (up to 10)")
    ap.add_argument("--linger", type=float, default=120, help="seconds to wait before counting kernels left")
    ap.add_argument("--no-baseline", action="store_true", help="skip plain Voilà")
    ap.add_argument("--no-navigation", action="store_true", help="skip the moves between views")
    ap.add_argument("--no-static", action="store_true", help="skip the static files (to see what they cost)")
    args = ap.parse_args()
    if args.browsers > 10:
        ap.error("--browsers: at most 10 on this machine")
    if not 0 <= args.trainees <= 200 or args.spread > 1800:
        ap.error("--trainees 0..200, --spread at most 1800")
    if args.trainees and not args.spread:
        report(scenario("app", 1, 0, 0, 0, True))
    main_run = scenario("app", args.trainees, args.spread, args.browsers, args.linger, not args.no_navigation,
                        not args.no_static)
    report(main_run)
    if not args.no_baseline:
        plain = scenario("plain", args.trainees, args.spread, args.browsers, 0, False, not args.no_static)
        report(plain)
        ratio = pct(main_run["usable"], .95) / pct(plain["usable"], .95)
        print(f"\nratio abitare / plain Voilà, p95 usable page: {ratio:.2f}")


if __name__ == "__main__":
    main()
