"""A trainee's first session, in a real browser against a real Voilà server.

Enter a participant code on the home page, open the first module, answer a
quiz question, restart the server, come back: the answer and the position are kept.
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CODE = "Prova Browser"


def outside_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


def test_answer_survives_a_server_restart(voila, page: Page):
    requests = outside_requests(page)
    page.goto(voila.home)
    expect(page.get_by_role("heading", name="I moduli del corso")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Ambito Sud Est Milano").first).to_be_visible()

    page.get_by_label("Il tuo codice").fill(CODE)
    page.get_by_role("button", name="Entra").click()
    expect(page.get_by_text(f"Ti diamo il benvenuto, {CODE}")).to_be_visible()
    page.get_by_role("link", name="Apri il modulo").first.click()

    expect(page.get_by_role("heading", name=re.compile("Il sistema dei servizi abitativi"))).to_be_visible(
        timeout=60_000
    )
    page.get_by_role("button", name="Verifica finale").click()
    first_box = page.locator(".abitare-question-box").first
    first_option = first_box.get_by_role("radio").first
    first_option.check()
    first_box.get_by_role("button", name="Conferma la risposta").click()
    expect(first_box.get_by_text(re.compile("Risposta (non )?corretta"))).to_be_visible()
    verdict = first_box.locator(".abitare-feedback").inner_text()
    expect(page.get_by_text("Risposte date: 1 su")).to_be_visible()
    module_url = page.url
    assert "Traceback" not in page.content()

    voila.restart()
    page.goto(module_url, wait_until="commit", timeout=60_000)  # the restarted server's first page is slow

    expect(page.get_by_role("heading", name=re.compile("Il sistema dei servizi abitativi"))).to_be_visible(
        timeout=60_000
    )
    box = page.locator(".abitare-question-box").first
    expect(box).to_be_visible()  # the quiz is shown again: the position was kept
    expect(box.get_by_role("radio").first).to_be_checked()
    assert box.locator(".abitare-feedback").inner_text() == verdict
    expect(page.get_by_text("Risposte date: 1 su")).to_be_visible()

    local = re.compile(rf"^(http://127\.0\.0\.1:{voila.opts.port}/|data:|blob:|ws://127\.0\.0\.1)")
    assert [u for u in requests if not local.match(u)] == [], "a page asked for something off the machine"
    assert "Traceback" not in page.content()
