"""Live sessions in the browser: joining by QR code from a phone, the room on the board."""

import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import create_session

pytestmark = pytest.mark.browser

LONG = 90_000


def open_board(board: Page, base: str, code: str, secret: str, title: str) -> None:
    board.goto(f"{base}/voila/render/lavagna.ipynb")
    board.get_by_label("Codice della sessione").fill(code, timeout=LONG)
    board.get_by_label("Parola segreta della sessione").fill(secret)
    board.get_by_role("button", name="Apri la lavagna").click()
    expect(board.get_by_role("heading", name=title)).to_be_visible()


def test_the_boards_qr_code_opens_the_worksheet_with_the_code_filled_in(voila, page: Page, browser):
    code, secret = create_session(voila, "bisogni-edificio-sap", "Incontro con QR")
    open_board(page, voila.base, code, secret, "Incontro con QR")
    join = page.locator(".abitare-join")
    expect(join.locator("svg.abitare-qr-code")).to_be_visible()
    url = join.get_attribute("data-url")
    assert url == f"{voila.base}/voila/render/scheda.ipynb?s={code}"
    expect(join).to_contain_text(url.split("://", 1)[1])
    assert join.get_by_role("link").get_attribute("href") == url

    phone = browser.new_context(locale="it-IT", viewport={"width": 360, "height": 640}, is_mobile=True)
    p = phone.new_page()
    p.goto(url)
    expect(p.get_by_label("Codice della sessione")).to_have_value(code, timeout=LONG)
    p.get_by_label("Il tuo nome (come vuoi farti vedere)").fill("Dario")
    p.get_by_role("button", name="Entra").click()
    expect(p.get_by_text("partecipi come Dario")).to_be_visible()
    expect(page.get_by_text("Partecipanti (1)")).to_be_visible(timeout=2_000)
    phone.close()
