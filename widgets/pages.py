"""The pages served by Voilà, each one call from its notebook.

A page never raises: whatever goes wrong becomes an Italian message in the page
and a full record in the server log.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from html import escape

import ipywidgets as w

from abitare.calc import CALCULATORS
from abitare.cases.schema import load_case, scan_cases
from abitare.cases.store import CaseStore
from abitare.content import available_items, load_course, load_module, scan
from abitare.errors import AbitareError, ContentError, DatabaseUnavailableError
from abitare.identity import hub_user, request_query
from abitare.practice.sessions import SessionStore
from abitare.practice.worksheets import load_worksheet, scan_worksheets
from abitare.progress import Participant, ProgressStore, open_store
from abitare.settings import Settings, get_settings
from abitare_widgets.calculator import CalculatorForm, calculator_index_html
from abitare_widgets.case import CasePlayer
from abitare_widgets.glossary import GlossaryView
from abitare_widgets.home import HomeApp
from abitare_widgets.links import home_link
from abitare_widgets.player import ModulePlayer
from abitare_widgets.safety import DATABASE_MESSAGE, GENERIC_MESSAGE, setup_kernel_logging
from abitare_widgets.worksheet import JoinView

__all__ = [
    "VIEWS",
    "board_page",
    "build_view",
    "calculator_page",
    "case_page",
    "class_page",
    "glossary_page",
    "home_page",
    "module_page",
    "simulation_page",
    "worksheet_page",
]

log = logging.getLogger(__name__)


def _notice(text: str, link: str | None = None) -> w.HTML:
    back = f'<p><a href="{escape(link)}">Torna alla pagina iniziale</a></p>' if link else ""
    return w.HTML(f'<div role="alert" class="abitare-error">{escape(text)}</div>{back}')


def _safely(build: Callable[[], w.Widget], link: str | None = "home.ipynb") -> w.Widget:
    try:
        return build()
    except ContentError as err:
        log.error("content error while building a page:\n%s", err)
        return _notice(
            "Questa pagina ha un errore nei contenuti del corso e non può essere mostrata. Avvisa chi tiene il corso.",
            link,
        )
    except DatabaseUnavailableError as err:
        log.error("database not available while building a page: %s", err)
        return _notice(DATABASE_MESSAGE, link)
    except AbitareError as err:
        log.warning("error while building a page: %s", err)
        return _notice(str(err), link)
    except Exception:
        log.exception("unexpected error while building a page")
        return _notice(GENERIC_MESSAGE, link)


Builder = Callable[[Settings, dict[str, str], Mapping[str, str] | None], w.Widget]

#: The trainee pages, shown as views of one application in one kernel (see
#: :mod:`abitare_widgets.app`): page name → (``build(settings, query, environ)``, link
#: offered when the view cannot be built).
VIEWS: dict[str, tuple[Builder, str | None]] = {}


def build_view(
    page: str, cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None = None
) -> w.Widget:
    """The view of a trainee ``page``; never raises (errors become an Italian notice)."""
    build, link = VIEWS[page]
    return _safely(lambda: build(cfg, query, environ), link)


def _page(link: str | None = "home.ipynb", view: str | None = None) -> Callable[[Builder], Callable[..., w.Widget]]:
    """Make a page from ``build(settings, query, environ)``: logging set up, errors caught.

    ``view`` registers the builder as a view of the trainee application.
    """

    def wrap(build: Builder) -> Callable[..., w.Widget]:
        if view:
            VIEWS[view] = (build, link)

        @functools.wraps(build)
        def page(settings: Settings | None = None, environ: Mapping[str, str] | None = None) -> w.Widget:
            setup_kernel_logging()
            cfg = settings or get_settings()
            return _safely(lambda: build(cfg, request_query(environ), environ), link)

        return page

    return wrap


def _code(query: dict[str, str], environ: Mapping[str, str] | None) -> str | None:
    """Who the page is for: the hub user under JupyterHub, else the code in the address (``?p=``)."""
    return hub_user(environ) or query.get("p")


def _home(query: dict[str, str], environ: Mapping[str, str] | None) -> str:
    """The link back to the home page, keeping the participant's code."""
    return home_link(_code(query, environ))


def _participant(
    cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None, item: str | None, what: str, doing: str
) -> w.Widget | tuple[ProgressStore, Participant]:
    """The store and participant of a page about ``item``, or a notice saying what is missing."""
    hub = hub_user(environ)
    code = _code(query, environ)
    if not item:
        return _notice(f"Nell'indirizzo della pagina manca {what}.", home_link(code))
    if not code:
        return _notice(
            f"Per {doing} serve il tuo codice partecipante: inseriscilo nella pagina iniziale.", "home.ipynb"
        )
    store = open_store(cfg)
    return store, store.identify(code, trusted=hub is not None)


@_page(link=None, view="home.ipynb")
def home_page(cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None) -> w.Widget:
    """The landing page: the course, the participant's code, the modules."""
    modules, issues = scan(cfg.content_dir)
    for issue in issues:
        log.error("content problem: %s", issue)
    cases, case_issues = scan_cases(cfg.content_dir, deep=False)
    for issue in case_issues:
        log.error("content problem: %s", issue)
    return HomeApp(
        load_course(cfg.content_dir),
        modules,
        lambda: open_store(cfg),
        hub_user=hub_user(environ),
        initial_code=query.get("p"),
        cases=cases,
    )


@_page(view="modulo.ipynb")
def module_page(cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None) -> w.Widget:
    """One course module, for the participant named in the page address."""
    module_id = query.get("m")
    who = _participant(cfg, query, environ, module_id, "il modulo", "seguire il modulo")
    if isinstance(who, w.Widget):
        return who
    store, participant = who
    module = load_module(cfg.content_dir, module_id or "")
    player = ModulePlayer(module, store, participant, available=available_items(cfg.content_dir))
    if query.get("l") in module.positions:  # a link from a case's debrief to a lesson
        player.go(query["l"])
    return player


@_page(view="glossario.ipynb")
def glossary_page(cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None) -> w.Widget:
    """The searchable glossary of the whole course."""
    modules, _ = scan(cfg.content_dir)
    return GlossaryView(modules, home=_home(query, environ))


def hub_refusal(user: str, group: str) -> str:
    """What a hub user outside the facilitators' group reads on a facilitator page."""
    return (
        f"Questa pagina è riservata a chi tiene il corso. L'utente «{user}» non fa parte del gruppo "
        f"«{group}»: se tieni il corso, chiedi a chi gestisce il servizio di aggiungerti al gruppo, "
        "poi riavvia il tuo spazio di lavoro dal pannello di controllo di JupyterHub."
    )


@_page()
def class_page(cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None) -> w.Widget:
    """The facilitator's view of the class: behind the facilitator's secret, or under
    JupyterHub open to the members of the facilitators' hub group (and only to them)."""
    # facilitator pages import their own pieces: a trainee's kernel never loads them
    from abitare.classview import class_report
    from abitare.facilitators import FacilitatorStore
    from abitare.identity import hub_facilitator
    from abitare_widgets.classview import ClassView

    hub = hub_user(environ)
    facilitator = hub_facilitator(cfg.facilitator_group, environ)
    if hub and not facilitator:
        log.warning("hub user %s is not in group %s: class view refused", hub, cfg.facilitator_group)
        return _notice(hub_refusal(hub, cfg.facilitator_group), "home.ipynb")
    modules, _ = scan(cfg.content_dir)
    cases, _ = scan_cases(cfg.content_dir, deep=False)
    store = open_store(cfg)
    view = ClassView(
        FacilitatorStore(store.engine),
        lambda: class_report(store.engine, modules),
        cases=cases,
        case_store=CaseStore(store.engine),
    )
    if facilitator:
        view.open_for(facilitator)
    return view


@_page(view="caso.ipynb")
def case_page(cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None) -> w.Widget:
    """A case simulation for the participant in the page address (``?c=<case>&p=<code>[&g=<group>]``)."""
    case_id = query.get("c")
    who = _participant(cfg, query, environ, case_id, "il caso", "giocare il caso")
    if isinstance(who, w.Widget):
        return who
    store, participant = who
    case = load_case(cfg.content_dir, case_id or "")
    group = " ".join(query.get("g", "").split())[:40]
    return CasePlayer(case, CaseStore(store.engine), participant, group=group)


@_page(view="calcolatore.ipynb")
def calculator_page(cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None) -> w.Widget:
    """A calculator (``?c=<name>``), or the list of calculators."""
    home = _home(query, environ)
    name = query.get("c")
    if name in CALCULATORS:
        return CalculatorForm(CALCULATORS[name], home=home)
    back = f'<nav class="abitare-breadcrumb"><a href="{escape(home)}">← Pagina iniziale</a></nav>'
    return w.HTML(back + calculator_index_html(_code(query, environ)))


@_page(view="simulazione.ipynb")
def simulation_page(cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None) -> w.Widget:
    """The housing-system simulation, two scenarios side by side."""
    # numpy and the simulation load only when a trainee opens it (about 20 MB a kernel otherwise)
    from abitare_widgets.simulation import SimulationApp

    return SimulationApp(home=_home(query, environ))


@_page(view="scheda.ipynb")
def worksheet_page(cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None) -> w.Widget:
    """A participant joins a session (``?s=<code>``) and fills in its worksheet."""
    store = open_store(cfg)
    return JoinView(
        SessionStore(store.engine),
        lambda template_id: load_worksheet(cfg.content_dir, template_id),
        code=query.get("s", ""),
        home=_home(query, environ),
        load_case=lambda case_id: load_case(cfg.content_dir, case_id),
    )


@_page()
def board_page(cfg: Settings, query: dict[str, str], environ: Mapping[str, str] | None) -> w.Widget:
    """The facilitator's board (asks for the session's code and secret)."""
    from abitare_widgets.board import BoardView

    sheets, _ = scan_worksheets(cfg.content_dir)
    store = open_store(cfg)
    guide = cfg.content_dir / "guida-facilitatori.md"
    return BoardView(
        SessionStore(store.engine),
        sheets,
        home=_home(query, environ),
        # the repository's copy shows screenshots; in the app they would be broken links
        guide=re.sub(r"!\[[^\]]*\]\([^)]*\)\n?", "", guide.read_text(encoding="utf-8")) if guide.is_file() else "",
        environ=environ,
        cases=scan_cases(cfg.content_dir, deep=False)[0],
    )
