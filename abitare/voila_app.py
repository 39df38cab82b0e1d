"""Voilà as the workspace runs it for a class.

Plain Voilà gives every page a kernel of its own, preheats a pool for every
notebook it sees (the reports included) and refills it at once, keeps a closed
page's kernel until the idle cull, and fails without a word when the machine is
full. This subclass changes six things, and nothing else:

- **one application for the trainee pages**: ``home.ipynb``, ``modulo.ipynb``,
  ``caso.ipynb``… are all served by the application notebook (``home.ipynb``),
  which shows each of them as a view and moves between them in the same kernel.
  The address the browser asked for reaches the kernel as ``SCRIPT_NAME``;
- **a pool for that notebook only**, refilled to a small reserve once the
  arrivals are over (so the refills never take the CPU from pages being opened);
- **a cap on live kernels**: beyond it a newcomer gets an Italian page that says
  the class is full and tries again by itself;
- **a closed page's kernel is shut down** within seconds (the page posts its kernel id
  to ``/abitare/chiudi/<id>`` when it closes; Voilà's own call is refused for lack of
  an XSRF cookie), and the idle cull catches the rest;
- **kernel messages leave at once** (``TCP_NODELAY`` on the kernel websocket);
- **the clicks come first**: a closed page's kernel is shut down a few seconds later,
  out of the way of the clicks of the pages still open, and the server notes each
  kernel's activity (for the idle cull) from the message headers alone, without
  checking signatures or parsing dates.

Started by :mod:`abitare.serve` as ``python -m abitare.voila_app``.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import os
import time
from html import escape
from typing import Any

from jupyter_server._tz import utcnow
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.handlers import _kernel_id_regex
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from tornado.web import StaticFileHandler
from tornado.websocket import WebSocketHandler
from traitlets import Float, Int
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from abitare.paths import TEMPLATES_DIR
from abitare.serve import APP_NOTEBOOK, TRAINEE_PAGES

__all__ = ["CHUNK_LIST", "AbitareKernelManager", "AbitareVoila", "main", "message_kinds"]

#: the chunks of Voilà's front-end that the pages load, sent as one script (scripts/voila_chunks.py)
CHUNK_LIST = TEMPLATES_DIR / "voila" / "templates" / "abitare" / "voila-chunks.txt"
#: set to 0 to send no bundle (scripts/voila_chunks.py lists what a page asks for without it)
CHUNKS_ENV = "ABITARE_VOILA_CHUNKS"

RETRY_SECONDS = 5
#: the frame that separates a kernel message's routing identities from its parts
DELIMITER = b"<IDS|MSG>"

FULL_PAGE = """<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{retry}">
<title>La classe è al completo</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;
line-height:1.5;color:#1f2933}}h1{{font-size:1.5rem}}</style></head>
<body><main><h1>La classe è al completo, un momento</h1>
<p role="status">In questo momento il server serve già {live} pagine aperte, il massimo che può
reggere. La pagina riprova da sola tra {retry} secondi: non serve fare nulla.</p>
<p>Se aspetti da più di un minuto, avvisa chi tiene il corso.</p>
<p><a href="{again}">Riprova adesso</a></p></main></body></html>
"""


class AppHandler(TornadoVoilaHandler):  # type: ignore[misc]
    """Voilà's page handler: trainee pages go to the application; a full class waits."""

    async def get(self, path: str | None = None) -> None:
        if path in TRAINEE_PAGES:
            path = APP_NOTEBOOK
        app: AbitareVoila = self.settings["abitare_app"]
        app.last_request = time.monotonic()
        if path and path.endswith(".ipynb") and not app.has_room(path):
            live = len(self.kernel_manager.list_kernel_ids())
            self.log.warning("class full: %s live kernels (cap %s), %s asked to wait", live, app.max_kernels, path)
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_SECONDS))
            self.set_header("Cache-Control", "no-store")
            self.finish(FULL_PAGE.format(retry=RETRY_SECONDS, live=live, again=escape(self.request.uri or "")))
            return
        await super().get(path)


class CloseHandler(JupyterHandler):
    """A page that closes posts its kernel id here (``navigator.sendBeacon``).

    No XSRF check: a beacon cannot carry the token, and the kernel id, a random
    UUID known only to the page that owns the kernel, is the credential.
    """

    def check_xsrf_cookie(self) -> None:
        return None

    def post(self, kernel_id: str) -> None:
        app: AbitareVoila = self.settings["abitare_app"]
        if kernel_id in self.kernel_manager.list_kernel_ids():
            app.retire(kernel_id)
        self.set_status(204)
        self.finish()


class ChunkBundleHandler(JupyterHandler):
    """Voilà's front-end chunks that every page loads, as one script.

    Voilà's page asks for about 85 small scripts one by one; served by the one server
    process to a class arriving at once, they queue behind each other. Registered here
    before Voilà's main script runs, they are not asked for again; a chunk missing from
    the list is still fetched on its own.
    """

    def prepare(self) -> None:  # type: ignore[override]  # a public script: skip the identity work
        return None

    def compute_etag(self) -> str | None:
        app: AbitareVoila = self.settings["abitare_app"]
        return app.chunk_bundle()[1]

    def get(self) -> None:
        app: AbitareVoila = self.settings["abitare_app"]
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "public, max-age=86400")
        self.finish(app.chunk_bundle()[0])


class BrowserCached:
    """Static files a browser may keep for a day (Voilà's own handlers make it ask again
    for most of them on every page)."""

    def set_headers(self) -> None:
        super().set_headers()  # type: ignore[misc]
        if "max-age" not in self._headers.get("Cache-Control", ""):  # type: ignore[attr-defined]
            self.set_header("Cache-Control", "public, max-age=86400")  # type: ignore[attr-defined]


class NoDelay:
    """A kernel websocket that sends each message at once.

    Tornado leaves Nagle's algorithm on, so the small messages of a click (status, a few
    widget updates) wait for the browser's delayed acknowledgement: about 40 ms a click on
    Linux, measured on the bare click; with ``TCP_NODELAY`` they leave as they are written.
    """

    async def open(self, *args: Any, **kwargs: Any) -> None:
        self.set_nodelay(True)  # type: ignore[attr-defined]
        opened = super().open(*args, **kwargs)  # type: ignore[misc]
        if inspect.isawaitable(opened):  # the kernel's is a coroutine, Voilà's query socket is not
            await opened


def message_kinds(frames: list[bytes]) -> tuple[str | None, str | None, str | None] | None:
    """The type of a kernel message, its parent's type and, for a status, the execution
    state, read from its frames (routing identities, delimiter, signature, header, parent
    header, metadata, content); None for frames that are not a kernel message."""
    try:
        at = frames.index(DELIMITER)
        header, parent = json.loads(frames[at + 2]), json.loads(frames[at + 3])
        msg_type, parent_type = header.get("msg_type"), parent.get("msg_type")
        state = json.loads(frames[at + 5]).get("execution_state") if msg_type == "status" else None
    except (ValueError, IndexError, AttributeError, TypeError):
        return None
    return msg_type, parent_type, state


class AbitareKernelManager(AsyncMappingKernelManager):
    """The kernels of a class, their activity noted cheaply.

    jupyter_server parses every message a kernel publishes twice to note its activity
    for the idle cull (checking its signature and turning each date of the header and
    of the parent header into a datetime): under a class's clicks that took about a
    tenth of the server's time. The cull needs only the message type, the parent's
    type and, for a status, the state: read here from the JSON of those parts.
    """

    def start_watching_activity(self, kernel_id: str) -> None:
        kernel = self._kernels[kernel_id]
        kernel.reason = ""
        kernel.last_activity = utcnow()
        kernel._activity_stream = kernel.connect_iopub()
        untracked = self.untracked_message_types  # as track_message_type: anything else is activity

        def record_activity(msg_list: list[bytes]) -> None:
            kinds = message_kinds(msg_list)
            if kinds is None:
                return  # not a kernel message: no activity
            msg_type, parent_type, state = kinds
            if msg_type not in untracked or parent_type not in untracked or kernel.execution_state == "busy":
                self.last_kernel_activity = kernel.last_activity = utcnow()
            if msg_type == "status":
                if parent_type not in untracked:
                    kernel.execution_state = state
                elif kernel.execution_state == "starting" and state != "starting":
                    kernel.execution_state = "idle"  # as jupyter_server normalizes it

        kernel._activity_stream.on_recv(record_activity)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """The idle cull, for a kernel still there: the cull walks a list made before it
        started, and a closed page's kernel may be shut down meanwhile (jupyter_server then
        logs a KeyError traceback)."""
        if kernel_id in self._kernels:
            await super().cull_kernel_if_idle(kernel_id)  # type: ignore[no-untyped-call]


class AbitareVoila(Voila):  # type: ignore[misc]
    """Voilà with the application routing, the class pool policy and the kernel cap."""

    name = "voila"  # read the same voila.json and command-line options as plain Voilà

    class_pool = Int(0, config=True, help="kernels of the trainee application started in advance (the class)")
    max_kernels = Int(0, config=True, help="live kernels at most (0: no cap); beyond, 'class full' page")
    pool_reserve = Int(2, config=True, help="preheated kernels kept after the first arrivals")
    refill_quiet = Float(
        10.0, config=True, help="seconds without a new page before the pool is refilled (refills wait for calm)"
    )
    close_delay = Float(
        5.0, config=True, help="seconds between a page's close and its kernel's shutdown (longer while pages arrive)"
    )

    last_request = 0.0
    _bundle: tuple[bytes, str] | None = None
    _retiring: dict[str, asyncio.Task[None]] | None = None

    def retire(self, kernel_id: str) -> None:
        """Shut down the kernel of a page that closed, a few seconds later.

        A shutdown costs the server and the machine a few milliseconds of CPU each (the
        kernel's exit, its sockets, its memory given back): right after a page closes,
        other trainees are usually still clicking, so it waits ``close_delay`` seconds,
        and while pages keep arriving a little more (at most a minute in all).
        """
        if self._retiring is None:
            self._retiring = {}
        if kernel_id in self._retiring:
            return
        km = self.kernel_manager
        self.log.info("page closed: kernel %s will be shut down", kernel_id)

        async def later() -> None:
            try:
                await asyncio.sleep(self.close_delay)
                deadline = time.monotonic() + 60
                while time.monotonic() - self.last_request < 2 and time.monotonic() < deadline:
                    await asyncio.sleep(1)
                if kernel_id in km.list_kernel_ids():
                    self.log.info("page closed: shutting down kernel %s", kernel_id)
                    await km.shutdown_kernel(kernel_id)
            except Exception:  # a kernel already gone, or dying on its own: the cull catches the rest
                self.log.warning("shutting down kernel %s failed", kernel_id, exc_info=True)
            finally:
                assert self._retiring is not None
                self._retiring.pop(kernel_id, None)

        self._retiring[kernel_id] = asyncio.get_event_loop().create_task(later())

    def chunk_bundle(self) -> tuple[bytes, str]:
        """The listed chunks found in Voilà's static folders, joined (and their ETag)."""
        if self._bundle is None:
            parts: list[bytes] = []
            names = [] if os.environ.get(CHUNKS_ENV) == "0" or not CHUNK_LIST.is_file() else [
                line.strip() for line in CHUNK_LIST.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")
            ]
            for name in names:
                paths = (os.path.join(d, name) for d in self.static_paths)
                found = next((p for p in paths if os.path.isfile(p)), None)
                if found is None:
                    self.log.warning("Voilà chunk %s not found: run scripts/voila_chunks.py", name)
                    continue
                with open(found, "rb") as f:
                    parts.append(f.read())
            body = b"\n;\n".join(parts)
            self._bundle = (body, f'"{hashlib.sha1(body).hexdigest()}"')
            self.log.info("%s of Voilà's front-end chunks sent as one script (%s kB)", len(parts), len(body) // 1024)
        return self._bundle

    def has_room(self, notebook: str) -> bool:
        """True when a page for ``notebook`` can have a kernel now."""
        km = self.kernel_manager
        if km.get_pool_size(notebook) > 0:
            return True
        return self.max_kernels <= 0 or len(km.list_kernel_ids()) < self.max_kernels

    def init_settings(self) -> dict[str, Any]:
        self.voila_configuration.multi_kernel_manager_class = AbitareKernelManager
        if self.class_pool > 0:
            # a pool for the application notebook only (set here: Voilà reads a list given on
            # the command line as a string when the kernel manager starts, and denies every page)
            self.voila_configuration.preheat_kernel = True
            self.voila_configuration.default_pool_size = 0
            self.config.VoilaKernelManager.kernel_pools_config = {
                "default": {"pool_size": 0},
                APP_NOTEBOOK: {"pool_size": self.class_pool},
            }
        settings: dict[str, Any] = super().init_settings()
        settings["abitare_app"] = self
        km = self.kernel_manager
        if hasattr(km, "_pools"):  # preheating on: the pool policy
            self._install_refill_policy(km)
        return settings

    def _install_refill_policy(self, km: Any) -> None:
        original = km.fill_if_needed
        pending = {"refill": False}

        def deferred_fill(delay: float | None = None, notebook_name: str | None = None, **kwargs: Any) -> None:
            pending["refill"] = True  # a pool kernel was taken: refill later, when calm

        async def refill_when_calm() -> None:
            while True:
                await asyncio.sleep(2)
                if not pending["refill"] or time.monotonic() - self.last_request < self.refill_quiet:
                    continue
                live = len(km.list_kernel_ids())
                room = self.max_kernels - live if self.max_kernels > 0 else self.pool_reserve
                pool = km._pools.get(APP_NOTEBOOK, [])
                wanted = min(self.pool_reserve, len(pool) + max(room, 0))
                if len(pool) < wanted:
                    km.kernel_pools_config[APP_NOTEBOOK] = {"pool_size": wanted}
                    self.log.info("refilling the class pool to %s kernel(s) (%s live)", wanted, live)
                    original(delay=0, notebook_name=APP_NOTEBOOK)
                pending["refill"] = False

        km.fill_if_needed = deferred_fill
        asyncio.get_event_loop().create_task(refill_when_calm())

    def init_handlers(self) -> list[Any]:
        handlers: list[Any] = []
        for spec in super().init_handlers():
            if len(spec) >= 2 and spec[1] is TornadoVoilaHandler:
                spec = (spec[0], AppHandler, *spec[2:])
            elif len(spec) >= 2 and isinstance(spec[1], type) and issubclass(spec[1], StaticFileHandler):
                spec = (spec[0], type(f"Cached{spec[1].__name__}", (BrowserCached, spec[1]), {}), *spec[2:])
            elif len(spec) >= 2 and isinstance(spec[1], type) and issubclass(spec[1], WebSocketHandler):
                spec = (spec[0], type(f"NoDelay{spec[1].__name__}", (NoDelay, spec[1]), {}), *spec[2:])
            handlers.append(spec)
        close = url_path_join(self.server_url, rf"/abitare/chiudi/{_kernel_id_regex}")
        handlers.insert(0, (close, CloseHandler))
        handlers.insert(0, (url_path_join(self.server_url, "/abitare/voila-chunks.js"), ChunkBundleHandler))
        return handlers


def main() -> None:
    """``python -m abitare.voila_app``: what ``abitare serve`` runs."""
    from abitare import serverlog

    serverlog.install()  # no query string (session or participant code) in the server log
    AbitareVoila.launch_instance()


if __name__ == "__main__":
    main()
