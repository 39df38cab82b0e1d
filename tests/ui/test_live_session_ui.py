"""Live sessions in the browser: joining by QR code from a phone, the room on the board."""

import re
import time

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


HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=1"> javascript:window.pwned=1'


def join(browser, base: str, code: str, name: str) -> Page:
    p = browser.new_context(locale="it-IT", viewport={"width": 360, "height": 640}, is_mobile=True).new_page()
    p.goto(f"{base}/voila/render/scheda.ipynb?s={code}")
    p.get_by_label("Il tuo nome (come vuoi farti vedere)").fill(name, timeout=LONG)
    p.get_by_role("button", name="Entra").click()
    expect(p.get_by_text(f"partecipi come {name}")).to_be_visible()
    return p


def test_the_facilitator_reveals_moderates_times_and_projects(voila, page: Page, browser):
    title = "Assemblea di scala"
    code, secret = create_session(voila, "bisogni-edificio-sap", title)
    board = page
    dialogs: list[str] = []
    board.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_board(board, voila.base, code, secret, title)
    wall = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 800}).new_page()
    wall.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_board(wall, voila.base, code, secret, title)
    wall.get_by_role("button", name="Proiezione a parete").click()
    expect(wall.locator(".abitare-wall")).to_contain_text("Domanda 1 di 7")

    anna, bruno = join(browser, voila.base, code, "Anna"), join(browser, voila.base, code, "Bruno")
    anna.locator(".abitare-ws-field input").first.fill(HOSTILE)
    bruno.locator(".abitare-ws-field input").first.fill("Via Roma 3, due scale")
    # answers reach the facilitator's queue at once, the wall only counts them
    queue = board.locator(".abitare-queue")
    expect(queue).to_contain_text("Via Roma 3", timeout=2_000)
    expect(queue).to_contain_text("window.pwned=1", timeout=2_000)
    expect(wall.locator(".abitare-wall")).to_contain_text("Risposte arrivate: 2", timeout=2_000)
    expect(wall.locator(".abitare-wall")).not_to_contain_text("Via Roma")

    # reveal: still nothing of the free text until approved
    board.get_by_role("button", name="Mostra i risultati alla sala").click()
    expect(board.locator(".abitare-field-state").first).to_contain_text("mostrati alla sala")
    expect(wall.locator(".abitare-wall")).to_contain_text("Risposte: 2", timeout=2_000)
    expect(wall.locator(".abitare-wall")).not_to_contain_text("Via Roma")
    items = queue.locator(".abitare-queue-item")
    items.filter(has_text="Via Roma").get_by_role("button", name="Approva").click()
    expect(wall.locator(".abitare-wall")).to_contain_text("Via Roma 3, due scale", timeout=2_000)
    items.filter(has_text="window.pwned").get_by_role("button", name="Nascondi").click()
    expect(queue).to_contain_text("Nascosti alla proiezione")
    expect(wall.locator(".abitare-wall")).not_to_contain_text("pwned")

    # a timer both on the phones and on the wall
    board.get_by_role("button", name="Avvia il timer").click()
    expect(anna.locator(".abitare-timer").first).to_contain_text("Tempo rimasto: 2:", timeout=3_000)
    expect(wall.locator(".abitare-timer")).to_contain_text("Tempo rimasto: 2:", timeout=2_000)

    # one field at a time, next and previous; remembered across a reload
    wall.get_by_role("button", name="Successiva ▶").click()
    expect(wall.locator(".abitare-wall")).to_contain_text("Domanda 2 di 7")
    wall.reload()
    open_board(wall, voila.base, code, secret, title)
    wall.get_by_role("button", name="Proiezione a parete").click()
    expect(wall.locator(".abitare-wall")).to_contain_text("Domanda 2 di 7")
    wall.get_by_role("button", name="◀ Precedente").click()
    expect(wall.locator(".abitare-wall")).to_contain_text("Via Roma 3, due scale")
    expect(wall.locator(".abitare-timer")).to_contain_text("Tempo rimasto")

    for p in (board, wall, anna, bruno):
        assert p.evaluate("window.pwned === undefined")
    assert dialogs == []
    import base64

    csv_href = board.get_by_role("link", name="CSV").get_attribute("href")
    exported = base64.b64decode(csv_href.split(",", 1)[1]).decode("utf-8-sig")
    assert "window.pwned=1" in exported and "nascosta" in exported and "approvata" in exported


def test_the_room_adds_ideas_votes_and_asks_questions(voila, page: Page, browser):
    title = "Idee per il quartiere"
    code, secret = create_session(voila, "retrospettiva-pratica", title)
    board = page
    dialogs: list[str] = []
    board.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_board(board, voila.base, code, secret, title)
    board.get_by_label("Muro delle idee aperto").check()
    board.get_by_label("Voti per persona").fill("2")
    board.get_by_label("Voti per persona").press("Enter")
    board.get_by_label("Domande aperte").check()
    people = [join(browser, voila.base, code, name) for name in ("Anna", "Bruno", "Carla")]
    for p in people:
        p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ideas = [HOSTILE, "Un orto condiviso nel cortile", "Più luce nelle scale"]
    for p, idea in zip(people, ideas, strict=True):
        expect(p.get_by_text("Muro delle idee")).to_be_visible(timeout=5_000)
        p.get_by_label("La tua idea").fill(idea)
        p.get_by_role("button", name="Aggiungi l'idea").click()
        shown = "window.pwned=1" if idea == HOSTILE else idea
        started = time.monotonic()
        expect(board.locator(".abitare-posts[data-kind=idea]")).to_contain_text(shown, timeout=2_000)
        print(f"idea on the board after {time.monotonic() - started:.2f} s")
    # everyone votes the orto, two vote the light; Anna's third vote is refused
    for p in people:
        row = p.locator(".abitare-post").filter(has_text="Un orto condiviso")
        expect(row).to_be_visible(timeout=3_000)
        row.get_by_role("button", name="Vota").click()
        expect(row.get_by_role("button", name="Togli il voto")).to_be_visible(timeout=3_000)
    for p in people[:2]:
        p.locator(".abitare-post").filter(has_text="Più luce").get_by_role("button", name="Vota").click()
    expect(people[0].get_by_text("Ti restano 0 voti.")).to_be_visible(timeout=3_000)
    people[0].locator(".abitare-post").filter(has_text="pwned").get_by_role("button", name="Vota").click()
    expect(people[0].get_by_text("Hai già dato tutti i tuoi 2 voti")).to_be_visible()
    ranked = board.locator(".abitare-posts[data-kind=idea] li")
    expect(ranked.nth(0)).to_contain_text("Un orto condiviso nel cortile 3 voti", timeout=2_000)
    expect(ranked.nth(1)).to_contain_text("Più luce nelle scale 2 voti")
    # questions, without names, shown to the room once the facilitator approves them
    board.get_by_label("Approva idee e domande prima di mostrarle alla sala").check()
    people[1].get_by_label("La tua domanda").fill('<img src=x onerror="window.pwned=1">Chi paga?')
    people[1].get_by_role("button", name="Invia la domanda").click()
    expect(people[1].locator(".abitare-posts-question .abitare-post")).to_contain_text(
        "Chi paga? (in attesa di approvazione)", timeout=3_000
    )
    waiting = board.locator(".abitare-post-queue .abitare-post-pending")
    expect(waiting).to_contain_text("Chi paga?", timeout=2_000)
    expect(people[2].locator(".abitare-posts-question .abitare-post")).to_have_count(0)
    waiting.get_by_role("button", name="Approva").click()
    questions = board.locator(".abitare-posts[data-kind=question]")
    expect(questions).to_contain_text("Chi paga?", timeout=2_000)
    expect(questions).not_to_contain_text("Bruno")
    people[2].locator(".abitare-posts-question .abitare-post").get_by_role("button", name="Sostieni").click()
    expect(questions).to_contain_text("1 sostegno", timeout=2_000)
    # the wall: the ideas page after the fields
    board.get_by_role("button", name="Proiezione a parete").click()
    for _ in range(10):
        if "Muro delle idee" in board.locator(".abitare-wall").inner_text():
            break
        board.get_by_role("button", name="Successiva ▶").click()
        time.sleep(0.3)
    expect(board.locator(".abitare-wall")).to_contain_text("Un orto condiviso nel cortile")
    for p in (board, *people):
        assert p.evaluate("window.pwned === undefined")
    assert dialogs == []


def test_the_room_plays_a_case_together(voila, page: Page, browser):
    title = "Caso in aula"
    code, secret = create_session(voila, "retrospettiva-pratica", title)
    board = page
    open_board(board, voila.base, code, secret, title)
    board.get_by_label("Caso", exact=True).select_option(label="Un inquilino anziano che si chiude in casa")
    board.get_by_role("button", name="Fai giocare il caso alla sala").click()
    people = [join(browser, voila.base, code, name) for name in ("Anna", "Bruno", "Carla")]
    first = None
    for p in people:
        voter = p.locator(".abitare-room-case-voter")
        expect(voter).to_contain_text("Caso della sala", timeout=5_000)
        choices = voter.locator(".abitare-choice")
        first = first or choices.first.inner_text()
        started = time.monotonic()
        choices.first.click()
        expect(choices.first).to_contain_text("✔", timeout=3_000)
    console = board.locator(".abitare-room-controls").filter(has_text="Caso giocato dalla sala")
    expect(console.locator(".abitare-case-split")).to_contain_text("3", timeout=2_000)
    print(f"votes on the board after {time.monotonic() - started:.2f} s")
    expect(people[0].locator(".abitare-room-case-voter")).to_contain_text("Voti arrivati: 3")
    board.get_by_role("button", name="Mostra i voti alla sala").click()
    expect(people[1].locator(".abitare-room-case-voter .abitare-case-split")).to_be_visible(timeout=3_000)
    board.get_by_role("button", name=re.compile("^Conferma la scelta della maggioranza")).click()
    for p in people:
        expect(p.locator(".abitare-room-case-voter")).to_contain_text("Passo 2", timeout=3_000)
        expect(p.locator(".abitare-room-case-voter")).to_contain_text("la scelta della maggioranza")
    # nobody votes: the facilitator chooses, and the room is told so (not that it went against a majority)
    board.get_by_role("button", name=re.compile("^Conferma la scelta: ")).first.click()
    expect(people[2].locator(".abitare-room-case-voter")).to_contain_text(
        "una scelta di chi conduce (nessuno ha votato)", timeout=3_000
    )
