"""Screenshots of the facilitator's board and of its wall projection, for the facilitators' guide.

Usage: python scripts/screenshot_board.py docs/lavagna.png [docs/proiezione.png]

Five participants join from phones and answer; the facilitator opens the board (the QR
code, what the room sees, the moderation queue), reveals the list of the tenants'
resources, approves the answers and projects it: the wall shows it in large type with
its word cloud, without names (the guide's advice).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.ui.conftest import CHROMIUM_ARGS, VoilaServer, chromium_path, create_session

TITLE = "Via dei Tigli 12: i bisogni dell'edificio"
#: (name, the building in a few words, the tenants' resources, one per line)
ANSWERS = [
    ("Anna", "Via dei Tigli 12, scala B", "Portinaia presente al mattino\nGruppo di genitori del cortile"),
    ("Bruno", "Scala B, quattro piani senza ascensore", "Pensionati disponibili per piccole riparazioni"),
    ("Carla", "Edificio SAP di 24 alloggi", "Gruppo di genitori del cortile\nOrto condiviso"),
    ("Dario", "Via dei Tigli 12", "Orto condiviso\nPensionati disponibili"),
    ("Elena", "Due scale, cortile comune", "Gruppo WhatsApp della scala"),
]
FIELD = "Quali risorse portano gli inquilini stessi?"


def main(board_png: str, wall_png: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = VoilaServer(Path(tmp) / "var", Path(tmp) / "voila.log")
        server.start()
        try:
            code, secret = create_session(server, "bisogni-edificio-sap", TITLE)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                phone = browser.new_context(locale="it-IT", viewport={"width": 360, "height": 640}, is_mobile=True)
                for name, building, resources in ANSWERS:
                    page = phone.new_page()
                    page.goto(f"{server.base}/voila/render/scheda.ipynb?s={code}")
                    page.get_by_label("Il tuo nome (come vuoi farti vedere)").fill(name, timeout=90_000)
                    page.get_by_role("button", name="Entra").click()
                    page.locator(".abitare-ws-field input").first.fill(building)
                    page.locator(".abitare-ws-field textarea").first.fill(resources)
                    page.get_by_text(re.compile("Salvato alle")).wait_for(timeout=10_000)
                desk = browser.new_context(locale="it-IT", viewport={"width": 1200, "height": 1500})
                board = desk.new_page()
                board.goto(f"{server.base}/voila/render/lavagna.ipynb")
                board.get_by_label("Codice della sessione").fill(code, timeout=90_000)
                board.get_by_label("Parola segreta della sessione").fill(secret)
                board.get_by_role("button", name="Apri la lavagna").click()
                board.get_by_text("Partecipanti (5)").wait_for(timeout=10_000)
                board.get_by_label("Domanda").select_option(label=f"4. {FIELD}")
                board.get_by_role("button", name="Mostra i risultati alla sala").click()
                board.locator(".abitare-field-state").first.wait_for(timeout=10_000)
                board.screenshot(path=board_png)
                if wall_png:
                    queue = board.locator(".abitare-queue-item")
                    for _ in range(20):  # approve what waits, one item at a time (the list redraws)
                        item = queue.filter(has=board.get_by_role("button", name="Approva")).first
                        if not item.count():
                            break
                        item.get_by_role("button", name="Approva").click()
                        board.wait_for_timeout(400)
                    board.get_by_role("button", name="Proietta questa domanda").click()
                    board.get_by_label("Proiezione anonima (senza nomi)").check()  # as the guide advises
                    wall = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 1000}).new_page()
                    wall.goto(f"{server.base}/voila/render/lavagna.ipynb")
                    wall.get_by_label("Codice della sessione").fill(code, timeout=90_000)
                    wall.get_by_label("Parola segreta della sessione").fill(secret)
                    wall.get_by_role("button", name="Apri la lavagna").click()
                    wall.get_by_role("button", name="Proiezione a parete").click()
                    wall.locator(".abitare-wall .abitare-cloud").wait_for(timeout=10_000)
                    wall.screenshot(path=wall_png)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main(*sys.argv[1:3])
