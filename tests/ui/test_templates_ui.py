"""A template downloaded from its lesson in a real browser, opened with python-docx."""

import io
import re
from urllib.parse import urlencode

import docx
import pytest
from playwright.sync_api import Page, expect

from abitare.content import load_module
from tests.conftest import CONTENT_DIR
from tests.ui.conftest import serious_violations

pytestmark = pytest.mark.browser

LONG = 90_000


def test_the_recovery_plan_is_downloaded_filled_in_from_its_lesson(voila, page: Page):
    module = load_module(CONTENT_DIR, "morosita")
    number, lesson = next((n, les) for n, les in enumerate(module.lessons, 1) if les.id == "03-piano-di-rientro")
    page.goto(f"{voila.base}/voila/render/modulo.ipynb?{urlencode({'m': module.id, 'p': 'Prova Modelli'})}")
    expect(page.get_by_role("heading", name="Presentazione")).to_be_visible(timeout=LONG)
    page.get_by_role("button", name=f"{number}. {lesson.title}").click()
    expect(page.get_by_role("heading", name="Modelli da scaricare")).to_be_visible()

    page.get_by_label("Comune").select_option("San Giuliano Milanese")
    page.get_by_label("Il tuo nome (chi firma)").fill("Paola <b>Neri</b>")
    page.get_by_role("button", name="Prepara i documenti").click()
    expect(page.get_by_text("Documenti pronti per il Comune di San Giuliano Milanese")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Scarica in formato Word (DOCX)").click()
    download = info.value
    assert download.suggested_filename == "piano-di-rientro-san-giuliano-milanese.docx"
    document = docx.Document(io.BytesIO(download.path().read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Accordo per un piano di rientro" in text
    assert "San Giuliano Milanese" in text and "Paola <b>Neri</b>" in text
    assert "in aggiunta al canone corrente" in text

    with page.expect_download() as info:
        page.get_by_role("link", name="Scarica in formato Markdown (MD)").click()
    markdown = info.value.path().read_text(encoding="utf-8")
    assert markdown.startswith("# Accordo per un piano di rientro") and "San Giuliano Milanese" in markdown

    page.get_by_label("Comune").select_option("Melegnano")  # a change hides the old links
    expect(page.get_by_role("link", name=re.compile("Scarica"))).to_have_count(0)
    assert "Traceback" not in page.content()
    assert serious_violations(page) == []
