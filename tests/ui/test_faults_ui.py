"""Faults in a real browser against a real server: the kernel behind a quiz, a case and a
worksheet killed mid-session, and the server restarted during a community-of-practice
session with participants and the board open. Each time the page says so in Italian with a
reload button, and after the reload everything that was shown as saved is there."""

from __future__ import annotations

import os
import re
import signal
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.faults.ledger import answers_found, answers_written, fault_injected
from tests.ui.conftest import VoilaServer, create_session
from tests.ui.test_app import kernel_of, process_of

pytestmark = [pytest.mark.browser, pytest.mark.faults]

LONG = 90_000
MODULE = "sistema-abitativo"
CASE = "nuova-assegnazione-indigenza"
TEMPLATE = "bisogni-edificio-sap"


def lost_banner(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("alert").filter(has_text="perso il collegamento")


def kill_kernel_and_reload(page: Page, what: str) -> None:
    """SIGKILL the page's kernel; the Italian banner appears within seconds; its button reloads."""
    os.kill(process_of(kernel_of(page)), signal.SIGKILL)
    fault_injected(f"SIGKILL to the kernel of a {what} page")
    expect(lost_banner(page)).to_be_visible(timeout=15_000)
    expect(lost_banner(page)).to_contain_text("Quello che risultava salvato non è andato perso")
    page.get_by_role("button", name="Ricarica la pagina").click()


def join_worksheet(page: Page, server: VoilaServer, code: str, name: str) -> None:
    page.goto(f"{server.base}/voila/render/scheda.ipynb?s={code}")
    page.get_by_label("Il tuo nome (come vuoi farti vedere)").fill(name, timeout=LONG)
    page.get_by_role("button", name="Entra").click()
    expect(page.get_by_text(f"partecipi come {name}")).to_be_visible(timeout=LONG)


def test_a_killed_kernel_loses_nothing_on_a_quiz_a_case_and_a_worksheet(voila, page: Page):
    code, _secret = create_session(voila, TEMPLATE, "Incontro con un kernel perso")
    who = "Kernel Perso"

    # a quiz answer, confirmed on the page
    page.goto(f"{voila.base}/voila/render/modulo.ipynb?" + urlencode({"m": MODULE, "p": who}))
    page.get_by_role("button", name="Verifica finale").click(timeout=LONG)
    boxes = page.locator(".abitare-question-box").filter(has=page.get_by_role("radio"))
    box = boxes.first  # questions are drawn per trainee: the first one answered with a radio button
    box.get_by_role("radio").first.check()
    box.get_by_role("button", name="Conferma la risposta").click()
    expect(box.get_by_text(re.compile("Risposta (non )?corretta"))).to_be_visible()
    verdict = box.locator(".abitare-feedback").inner_text()
    answers_written(1)
    kill_kernel_and_reload(page, "quiz")
    box = page.locator(".abitare-question-box").filter(has=page.get_by_role("radio")).first
    expect(box.get_by_role("radio").first).to_be_checked(timeout=LONG)
    assert box.locator(".abitare-feedback").inner_text() == verdict
    answers_found(1)

    # a case choice, the case moved on
    page.goto(f"{voila.base}/voila/render/caso.ipynb?" + urlencode({"c": CASE, "p": who}))
    step = page.locator(".abitare-case h2").filter(has_text=re.compile("^Passo"))
    expect(step).to_be_visible(timeout=LONG)
    first = step.inner_text()
    page.locator(".abitare-choice").first.click()
    expect(step).not_to_have_text(first)
    reached = step.inner_text()
    answers_written(1)
    kill_kernel_and_reload(page, "case")
    expect(page.locator(".abitare-case h2").filter(has_text=re.compile("^Passo"))).to_have_text(reached, timeout=LONG)
    answers_found(1)

    # a worksheet field, shown as saved
    join_worksheet(page, voila, code, "Dina")
    text = "Ascensore fermo da tre settimane"
    page.locator(".abitare-ws-field textarea").first.fill(text)
    expect(page.get_by_text(re.compile("Salvato alle"))).to_be_visible()
    answers_written(1)
    kill_kernel_and_reload(page, "worksheet")
    page.get_by_label("Il tuo nome (come vuoi farti vedere)").fill("Dina", timeout=LONG)
    page.get_by_role("button", name="Entra").click()
    expect(page.locator(".abitare-ws-field textarea").first).to_have_value(text, timeout=LONG)
    answers_found(1)
    assert "Traceback" not in page.content()


def test_a_server_restart_during_a_session_is_said_and_nothing_saved_is_lost(voila, browser):
    code, secret = create_session(voila, TEMPLATE, "Incontro interrotto")
    board = browser.new_context(locale="it-IT").new_page()
    board.set_default_timeout(30_000)
    board.goto(f"{voila.base}/voila/render/lavagna.ipynb")
    board.get_by_label("Codice della sessione").fill(code, timeout=LONG)
    board.get_by_label("Parola segreta della sessione").fill(secret)
    board.get_by_role("button", name="Apri la lavagna").click()
    expect(board.get_by_role("heading", name="Incontro interrotto")).to_be_visible(timeout=LONG)

    people: dict[str, Page] = {}
    for name in ("Ezio", "Fulvia"):
        p = browser.new_context(locale="it-IT").new_page()
        p.set_default_timeout(30_000)
        join_worksheet(p, voila, code, name)
        p.locator(".abitare-ws-field textarea").first.fill(f"Prima del riavvio, {name}")
        expect(p.get_by_text(re.compile("Salvato alle"))).to_be_visible()
        answers_written(1)
        people[name] = p
    expect(board.locator(".abitare-board")).to_contain_text("Prima del riavvio, Fulvia", timeout=5_000)

    voila.restart()  # the server goes down and comes back while every page is open
    fault_injected("server restart during a community-of-practice session (board and two participants open)")
    for p in (board, *people.values()):
        expect(lost_banner(p)).to_be_visible(timeout=20_000)
        p.get_by_role("button", name="Ricarica la pagina").click()

    for name, p in people.items():  # they come back with the same name and continue
        p.get_by_label("Il tuo nome (come vuoi farti vedere)").fill(name, timeout=LONG)
        p.get_by_role("button", name="Entra").click()
        field = p.locator(".abitare-ws-field textarea").first
        expect(field).to_have_value(f"Prima del riavvio, {name}", timeout=LONG)
        answers_found(1)
        field.fill(f"Dopo il riavvio, {name}")
        expect(p.get_by_text(re.compile("Salvato alle"))).to_be_visible()
        answers_written(1)

    board.get_by_label("Codice della sessione").fill(code, timeout=LONG)  # the facilitator opens it again
    board.get_by_label("Parola segreta della sessione").fill(secret)
    board.get_by_role("button", name="Apri la lavagna").click()
    for name in people:
        expect(board.locator(".abitare-board")).to_contain_text(f"Dopo il riavvio, {name}", timeout=LONG)
        answers_found(1)
    expect(board.get_by_text("Partecipanti (2)")).to_be_visible()
    for p in (board, *people.values()):
        assert "Traceback" not in p.content()
