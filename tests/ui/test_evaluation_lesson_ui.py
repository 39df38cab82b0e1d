"""The evaluation lesson of module 6 links the project's monitoring report, and the link opens it."""

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

LONG = 90_000


def test_the_evaluation_lesson_opens_the_monitoring_report(voila, page: Page):
    query = urlencode({"m": "lavoro-di-rete", "l": "05-valutare-gli-interventi", "p": "Valuta Prova"})
    page.goto(f"{voila.base}/voila/render/modulo.ipynb?{query}")
    expect(page.get_by_role("heading", name=re.compile("^Valutare gli interventi"))).to_be_visible(timeout=LONG)
    link = page.get_by_role("link", name="Monitoraggio del progetto", exact=True)
    expect(link).to_have_attribute("href", "reports/monitoraggio-progetto.ipynb")
    link.click()
    expect(page.get_by_text("Indicatori dell'azione 1").first).to_be_visible(timeout=LONG)
