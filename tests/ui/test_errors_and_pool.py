"""What a trainee sees when something goes wrong, and pages served from preheated kernels."""

import re
import sqlite3
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def module_url(server, module: str, code: str) -> str:
    return f"{server.base}/voila/render/modulo.ipynb?{urlencode({'m': module, 'p': code})}"


def test_root_address_leads_to_the_course_home(voila, page: Page):
    page.goto(voila.base + "/")
    expect(page.get_by_role("heading", name="I moduli del corso")).to_be_visible(timeout=60_000)
    assert page.url.endswith("/voila/render/home.ipynb")


def test_unknown_module_gets_an_italian_message(voila, page: Page):
    page.goto(module_url(voila, "non-esiste", "utente-prova"))
    expect(page.get_by_role("alert")).to_contain_text("Il modulo 'non-esiste' non esiste", timeout=60_000)
    expect(page.get_by_role("link", name="Torna alla pagina iniziale")).to_be_visible()


def test_a_failed_save_is_told_in_italian_and_logged_in_full(voila, page: Page):
    page.goto(module_url(voila, "sistema-abitativo", "utente-guasto"))
    page.get_by_role("button", name="Verifica finale").click(timeout=60_000)
    box = page.locator(".abitare-question-box").first
    box.get_by_role("radio").first.check()

    with sqlite3.connect(voila.data_dir / "abitare.sqlite") as db:  # the database breaks
        db.execute("DROP TABLE answers")

    box.get_by_role("button", name="Conferma la risposta").click()
    expect(box.get_by_role("alert")).to_contain_text("La risposta non è stata salvata")
    expect(box.get_by_role("radio").first).to_be_checked()  # the choice is still there to retry
    assert "Traceback" not in page.content() and "sqlite" not in page.content().lower()
    log = voila.log()
    assert "[abitare ERROR abitare.progress] database operation failed" in log
    assert re.search(r"Traceback.*no such table: answers", log, re.S)


def test_a_preheated_kernel_receives_the_participant_code(voila_pool, page: Page):
    page.goto(voila_pool.home + "?p=Da+Preriscaldato")
    expect(page.get_by_text("Ti diamo il benvenuto, Da Preriscaldato")).to_be_visible(timeout=60_000)
    page.get_by_role("link", name="Apri il modulo").first.click()
    expect(page.get_by_text("Partecipante: Da Preriscaldato")).to_be_visible(timeout=60_000)
    assert "Using pre-heated kernel" in voila_pool.log()
