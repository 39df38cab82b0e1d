"""A case played to an ending in the browser, and the facilitator watching the class choose."""

import re
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from abitare.cases.schema import load_case
from tests.conftest import CONTENT_DIR

pytestmark = pytest.mark.browser

LONG = 90_000
CASE = "nuova-assegnazione-indigenza"


def case_url(server, code: str, group: str) -> str:
    return f"{server.base}/voila/render/caso.ipynb?{urlencode({'c': CASE, 'p': code, 'g': group})}"


def play_to_an_ending(page: Page) -> None:
    for _ in range(45):
        if page.get_by_role("heading", name=re.compile("^Finale:")).count():
            return
        step = page.locator(".abitare-case h2").filter(has_text=re.compile("^Passo")).inner_text()
        page.locator(".abitare-choice").first.click()
        expect(page.locator(".abitare-case h2").filter(has_text=re.compile("^(Passo|Finale)")).first).not_to_have_text(
            step
        )
    pytest.fail("no ending after 45 choices")


def test_a_case_is_played_to_an_ending_and_the_facilitator_sees_it(voila, page: Page, browser):
    env = {"PATH": "/usr/bin:/bin", "ABITARE_DATA_DIR": str(voila.data_dir)}
    subprocess.run(
        [sys.executable, "-m", "abitare.cli", "facilitator", "add", "Giulia"],
        input="parola-segreta-di-prova\nparola-segreta-di-prova\n",
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    page.goto(case_url(voila, "Giocatore Uno", "martedi"))
    expect(page.get_by_role("heading", name="La situazione in numeri")).to_be_visible(timeout=LONG)
    play_to_an_ending(page)
    expect(page.get_by_role("heading", name="Il percorso consigliato")).to_be_visible()
    expect(page.get_by_role("heading", name="Le tue scelte").first).to_be_visible()

    board = browser.new_context(locale="it-IT").new_page()
    board.goto(f"{voila.base}/voila/render/classe.ipynb")
    board.get_by_label("Parola segreta").fill("parola-segreta-di-prova")
    board.get_by_role("button", name="Entra").click()
    expect(board.get_by_role("heading", name="Simulazioni di casi")).to_be_visible(timeout=LONG)
    title = load_case(CONTENT_DIR, CASE).title
    board.get_by_role("combobox", name="Caso").select_option(label=title)
    board.get_by_label("Gruppo (facoltativo)").fill("martedi")
    board.get_by_label("Gruppo (facoltativo)").press("Enter")
    expect(board.get_by_text("Partecipanti che hanno giocato: 1")).to_be_visible()
    expect(board.get_by_text("arrivati a un finale: 1")).to_be_visible()

    # a second participant starts: the board updates by itself
    page.goto(case_url(voila, "Giocatrice Due", "martedi"))
    page.locator(".abitare-choice").first.click(timeout=LONG)
    expect(board.get_by_text("Partecipanti che hanno giocato: 2")).to_be_visible(timeout=20_000)
