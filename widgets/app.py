"""The trainee application: every trainee page as a view of one kernel.

A Voilà page costs a kernel (about a second of CPU and 90 MB). A trainee moves
between the home page, modules, cases, calculators, the glossary, the simulation
and worksheets for an hour: here each move changes the view inside the same
kernel (a few hundredths of a second), while :class:`~abitare_widgets.router.Router`
keeps the address bar and the back button in step. Every trainee address
(``modulo.ipynb?m=…&p=…``) still opens the right view directly: the server
serves all of them with this one application (``abitare.voila_app``).

In a kernel that Voilà starts in advance (the class pool), the application shows
its empty frame at once and reads the course before anyone asks; when a page
claims the kernel it learns the address without blocking and fills the view in.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from abitare.cases.schema import scan_cases
from abitare.content import scan
from abitare.identity import hub_user, is_preheated, parse_query, request_page, wait_for_request
from abitare.practice.worksheets import scan_worksheets
from abitare.progress import Participant, open_store
from abitare.serve import APP_NOTEBOOK
from abitare.settings import Settings, get_settings
from abitare.templates import templates_for_lesson
from abitare.text import render_markdown
from abitare_widgets.home import HomeApp
from abitare_widgets.pages import VIEWS, build_view
from abitare_widgets.router import Router
from abitare_widgets.safety import GENERIC_MESSAGE, setup_kernel_logging

__all__ = ["HOME", "TraineeApp", "app_page"]

log = logging.getLogger(__name__)

HOME = APP_NOTEBOOK
#: views kept alive for the back button and for coming back (the rest are rebuilt)
KEPT_VIEWS = 8

_TITLES = {
    "home.ipynb": "Pagina iniziale",
    "modulo.ipynb": "Modulo del corso",
    "caso.ipynb": "Simulazione di un caso",
    "calcolatore.ipynb": "Strumenti di calcolo",
    "glossario.ipynb": "Glossario del corso",
    "simulazione.ipynb": "Simulazione della carriera abitativa",
    "scheda.ipynb": "Scheda condivisa",
}


def _route_key(page: str, query: dict[str, str]) -> str:
    return page + ("?" + urlencode(sorted(query.items())) if query else "")


class TraineeApp(w.VBox):
    """One kernel's application: a router and the view on show."""

    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        self.settings = settings
        self.environ = environ
        env = os.environ if environ is None else environ
        self.router = Router(
            sorted(VIEWS),
            self._on_go,
            kernel_id=env.get("VOILA_KERNEL_ID", ""),
            close_url=env.get("VOILA_BASE_URL", "/") + "abitare/chiudi/",
        )
        self.body = w.VBox()
        self.body.add_class("abitare-view")
        self._views: OrderedDict[str, w.Widget] = OrderedDict()
        self.route = ""
        self.code = ""  # the participant's code, kept for views whose links do not carry it
        self._waiting: asyncio.Future[None] | None = None  # a preheated kernel waiting for its page
        super().__init__([self.router, self.body], **kwargs)
        self.add_class("abitare-app")

    def prepare(self) -> None:
        """Before anyone asks: read the course and open the database (what every view needs first).

        A pool kernel does this before its trainee arrives; whatever a first click would read
        (the templates offered under lessons: 60 ms of YAML) is read here too, or 30 kernels
        would each pay it in the same second, on the click.
        """
        modules, _ = scan(self.settings.content_dir)
        scan_cases(self.settings.content_dir, deep=False)
        scan_worksheets(self.settings.content_dir)
        templates_for_lesson(self.settings.content_dir, "", "")
        for module in modules:  # «Successiva» on a module's intro: its first lesson, rendered once here
            if module.lessons:
                render_markdown(module.lessons[0].markdown)
        open_store(self.settings)

    def show_page(self, page: str, query: dict[str, str], *, how: str = "link") -> w.Widget:
        """Show ``page`` with ``query``; ``how`` is "start", "link", "history" or "code"."""
        if page not in VIEWS:
            page, query = HOME, {k: v for k, v in query.items() if k == "p"}
        if query.get("p"):
            self.code = query["p"]
        elif self.code and not hub_user(self.environ):
            query = {**query, "p": self.code}
            if how != "start":  # the address keeps the code too, for a reload or a bookmark
                self.router.show(_route_key(page, query), replace=True, moved=False)
        key = _route_key(page, query)
        view = self._views.pop(key, None)
        if view is None:
            view = build_view(page, self.settings, query, self.environ)
            if isinstance(view, HomeApp):
                view.on_enter = self._entered
        elif isinstance(view, HomeApp):
            view.refresh()
        self._views[key] = view
        while len(self._views) > KEPT_VIEWS:
            _, old = self._views.popitem(last=False)
            old.close()
        self.route = key
        self.body.children = [view]
        if how != "start":
            title = getattr(getattr(view, "module", None), "title", None) or _TITLES.get(page, "")
            self.router.show(title=f"{title} – Corso sulla gestione sociale" if title else None)
        log.info("view %s (%s)", page, how)
        return view

    def go(self, address: str, how: str = "link") -> w.Widget:
        """Open an address such as ``modulo.ipynb?m=x&p=y`` (what a link click does)."""
        page, _, raw = address.partition("?")
        return self.show_page(page.rsplit("/", 1)[-1], parse_query(raw), how=how)

    def start(self, env: Mapping[str, str]) -> w.Widget:
        """The first view, from the address the page was opened with."""
        return self.show_page(request_page(env) or HOME, parse_query(env.get("QUERY_STRING", "")), how="start")

    async def start_when_requested(self) -> None:
        """In a preheated kernel: wait for the page that claims it, then show its view."""
        info = await wait_for_request(self.environ)
        try:
            self.start(info)
        except Exception:  # never leave the trainee before an empty frame
            log.exception("could not start the application")
            self.body.children = [w.HTML(f'<div role="alert" class="abitare-error">{GENERIC_MESSAGE}</div>')]

    def _on_go(self, address: str, how: str) -> None:
        try:
            self.go(address, how)
        except Exception:
            log.exception("could not open %s", address)

    def _entered(self, participant: Participant) -> None:
        """The trainee typed their code on the home page: keep it in the address."""
        if hub_user(self.environ):
            return
        self.code = participant.display_name
        address = HOME + "?" + urlencode({"p": participant.display_name})
        old = self._views.pop(self.route, None)
        self.route = _route_key(HOME, {"p": participant.display_name})
        if old is not None:
            self._views[self.route] = old
        self.router.show(address, replace=True, moved=False)


def app_page(settings: Settings | None = None, environ: Mapping[str, str] | None = None) -> TraineeApp:
    """The trainee application, as the notebook shows it."""
    setup_kernel_logging()
    app = TraineeApp(settings or get_settings(), environ)
    env = os.environ if environ is None else environ
    if is_preheated(env):
        try:
            app.prepare()
        except Exception:  # the view will show the content error when it is built
            log.exception("could not read the course in advance")
        app._waiting = asyncio.ensure_future(app.start_when_requested())
    else:
        app.start(env)
    return app
