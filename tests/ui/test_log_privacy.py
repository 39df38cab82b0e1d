"""No secret, session code or personal datum in the server log after a real session.

A facilitator opens the board (once with a wrong secret, then with the right one), a participant
joins with the session code and types an answer, the facilitator opens the class view with a
wrong secret; then the server's whole log (Voilà, Tornado's access log, every kernel's stderr)
is searched for the secret, the code, the participant's name and the answer.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import create_session

pytestmark = [pytest.mark.browser, pytest.mark.hostile]

LONG = 90_000
NAME = "Zelinda Privatissima"
ANSWER = "Risposta riservata numero 4711 sulla scala B"
WRONG_SECRET = "tentativo-sbagliato-9876"


def test_the_log_holds_no_secret_code_name_or_answer(voila, page: Page, browser) -> None:
    code, secret = create_session(voila, "bisogni-edificio-sap", "Incontro riservato")

    board = page
    board.goto(f"{voila.base}/voila/render/lavagna.ipynb")
    board.get_by_label("Codice della sessione").fill(code, timeout=LONG)
    board.get_by_label("Parola segreta della sessione").fill(WRONG_SECRET)
    board.get_by_role("button", name="Apri la lavagna").click()
    expect(board.get_by_text("Codice o parola segreta non validi")).to_be_visible(timeout=30_000)
    board.get_by_label("Parola segreta della sessione").fill(secret)
    board.get_by_role("button", name="Apri la lavagna").click()
    expect(board.get_by_role("heading", name="Incontro riservato")).to_be_visible(timeout=30_000)

    participant = browser.new_context(locale="it-IT").new_page()
    participant.goto(f"{voila.base}/voila/render/scheda.ipynb?s={code}&p={NAME.split()[0]}")
    participant.get_by_label("Il tuo nome (come vuoi farti vedere)").fill(NAME, timeout=LONG)
    participant.get_by_role("button", name="Entra").click()
    expect(participant.get_by_text(f"partecipi come {NAME}")).to_be_visible()
    participant.locator(".abitare-ws-field textarea").first.fill(ANSWER)
    expect(board.locator(".abitare-board")).to_contain_text(ANSWER, timeout=10_000)
    expect(participant.get_by_text(re.compile("Salvato alle"))).to_be_visible()
    participant.goto(f"{voila.base}/voila/render/scheda.ipynb?s=ZZZZ2222")  # a wrong code, logged as such
    participant.wait_for_timeout(3_000)
    participant.context.close()
    # addresses that fail (a page that does not exist, a refused POST) are logged: not their query string
    missing = page.request.get(f"{voila.base}/voila/render/inesistente.ipynb?s={code}&p={NAME.split()[0]}")
    assert missing.status >= 400
    refused = page.request.post(f"{voila.base}/voila/render/scheda.ipynb?s={code}&p={NAME.split()[0]}")
    assert refused.status >= 400

    log = voila.log()
    # the kernels' own log reaches this file (else nothing of theirs would be checked)
    assert "wrong facilitator secret for a session" in log, log[-3000:]
    print(f"server log: {len(log.splitlines())} lines checked")
    found = {
        what: value
        for what, value in {
            "secret": secret,
            "wrong secret": WRONG_SECRET,
            "session code": code,
            "wrong session code": "ZZZZ2222",
            "participant name": NAME.split()[1],
            "participant code in the address": f"p={NAME.split()[0]}",
            "answer": "4711",
        }.items()
        if value in log
    }
    lines = [line for line in log.splitlines() if any(v in line for v in found.values())]
    assert not found, f"{sorted(found)} in the server log:\n" + "\n".join(lines[:20])
