"""Three participants fill in a worksheet; the facilitator's board shows their answers within 2 seconds."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import create_session

pytestmark = pytest.mark.browser

LONG = 90_000
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=1"> \u202eRTL\u200b'


def test_three_participants_and_the_board(voila, page: Page, browser):
    code, secret = create_session(voila, "bisogni-edificio-sap", "Incontro di prova")

    board = page
    dialogs: list[str] = []
    board.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    board.goto(f"{voila.base}/voila/render/lavagna.ipynb")
    board.get_by_label("Codice della sessione").fill(code, timeout=LONG)
    board.get_by_label("Parola segreta della sessione").fill(secret)
    board.get_by_role("button", name="Apri la lavagna").click()
    expect(board.get_by_role("heading", name="Incontro di prova")).to_be_visible()

    people = []
    for name in ("Anna", "Bruno", "Carla"):
        p = browser.new_context(locale="it-IT").new_page()
        p.goto(f"{voila.base}/voila/render/scheda.ipynb?s={code}")
        p.get_by_label("Il tuo nome (come vuoi farti vedere)").fill(name, timeout=LONG)
        p.get_by_role("button", name="Entra").click()
        expect(p.get_by_text(f"partecipi come {name}")).to_be_visible()
        people.append(p)

    first_text = people[0].locator(".abitare-ws-field textarea").first
    for i, p in enumerate(people):
        text = (
            HOSTILE if i == 0 else f"Risposta di prova numero {i} " + ("molto lunga " * 38 if i == 2 else "")
        )  # near the 500-character limit of a list item
        field = p.locator(".abitare-ws-field textarea").first
        field.fill(text)
        typed = time.monotonic()
        shown = "window.pwned=1" if i == 0 else f"Risposta di prova numero {i}"
        expect(board.locator(".abitare-board")).to_contain_text(shown, timeout=2_000)
        print(f"answer {i} on the board after {time.monotonic() - typed:.2f} s")
    expect(people[1].get_by_text(re.compile("Salvato alle"))).to_be_visible()
    assert first_text.input_value() == HOSTILE
    expect(board.get_by_text("Partecipanti (3)")).to_be_visible()
    assert board.evaluate("window.pwned === undefined") and dialogs == []
    board.get_by_label("Proiezione anonima (senza nomi)").check()
    expect(board.get_by_text(re.compile(r"^Partecipanti: 3$"))).to_be_visible()
    csv_href = board.get_by_role("link", name="CSV").get_attribute("href")
    import base64

    exported = base64.b64decode(csv_href.split(",", 1)[1]).decode("utf-8-sig")
    assert "Risposta di prova numero 2" in exported and "window.pwned=1" in exported
