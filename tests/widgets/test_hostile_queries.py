"""Hostile page addresses: every page answers unknown, empty, huge or malformed values of
``p``, ``m``, ``c``, ``s``, ``g`` (and the others it reads) with a page or an Italian notice,
never with an unexpected error, and never echoes markup unescaped."""

import logging
from urllib.parse import urlencode

import ipywidgets as w
import pytest

from abitare.settings import Settings
from abitare.storage import upgrade
from abitare_widgets import pages
from tests.conftest import CONTENT_DIR

HOSTILE = [
    "",
    " ",
    "x" * 10_000,
    "../../../etc/passwd",
    "<script>alert('p')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "\u202eerongi\u200b\u200d",
    "%00%ff%",
    "\x00\x01",
    "1e309",
    "-1",
    "sistema-abitativo/../../x",
    "🏠" * 300,
]
#: each page, its builder, and the address keys it reads besides ``p`` (what it needs to open
#: something is filled in with a good value while another key is the hostile one)
PAGES = [
    ("home.ipynb", pages.home_page, {}),
    ("modulo.ipynb", pages.module_page, {"m": "sistema-abitativo", "l": "01-carriera-abitativa"}),
    ("glossario.ipynb", pages.glossary_page, {"g": "sfratto"}),
    ("caso.ipynb", pages.case_page, {"c": "anziano-solo", "g": "Gruppo A"}),
    ("calcolatore.ipynb", pages.calculator_page, {"c": "piano-rientro"}),
    ("simulazione.ipynb", pages.simulation_page, {}),  # reads only p; each build runs the model (1 s)
    ("scheda.ipynb", pages.worksheet_page, {"s": "ABC123", "t": "prevenzione-morosita"}),
    ("classe.ipynb", pages.class_page, {"m": "sistema-abitativo"}),
    ("lavagna.ipynb", pages.board_page, {"s": "ABC123", "t": "prevenzione-morosita"}),
]


@pytest.fixture(scope="module")
def cfg(tmp_path_factory) -> Settings:
    settings = Settings(content_dir=CONTENT_DIR, data_dir=tmp_path_factory.mktemp("var"))
    upgrade(settings.database_url)
    return settings


def markup(widget: w.Widget) -> list[str]:
    """What a widget tree hands the browser as HTML (a text field's value is shown as text)."""
    found: list[str] = []
    stack = [widget]
    while stack:
        item = stack.pop()
        if isinstance(item, w.HTML | w.HTMLMath):
            found.append(item.value)
        if getattr(item, "description_allow_html", False):
            found.append(item.description)
        stack.extend(getattr(item, "children", ()) or ())
    return found


@pytest.mark.parametrize(("name", "page", "good"), PAGES, ids=[n for n, _, _ in PAGES])
def test_every_page_answers_hostile_addresses_in_italian(cfg, name, page, good, caplog):
    caplog.set_level(logging.ERROR)
    for key in ["p", *good]:
        for value in HOSTILE if good or name == "home.ipynb" else HOSTILE[::3]:
            query = {"p": "Ospite Curioso", **good, key: value}
            environ = {"SCRIPT_NAME": f"/voila/render/{name}", "QUERY_STRING": urlencode(query)}
            shown = page(cfg, environ)
            assert isinstance(shown, w.Widget), (name, key, value[:40])
            for text in markup(shown):
                assert "Traceback" not in text and "<script" not in text and "<img src=x" not in text, (
                    name, key, value[:40], text[:200])
                assert "x" * 100 not in text, (name, key)  # a huge value is not echoed whole
    unexpected = [r for r in caplog.records if r.getMessage().startswith("unexpected error while building a page")]
    assert not unexpected, [(r.getMessage(), r.exc_text and r.exc_text[-500:]) for r in unexpected]
