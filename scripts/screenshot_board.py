"""Screenshot of the facilitator's board with a few answers, for the facilitators' guide.

Usage: python scripts/screenshot_board.py docs/lavagna.png
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.ui.conftest import CHROMIUM_ARGS, VoilaServer, chromium_path, create_session

ANSWERS = {
    "Anna": "Scale buie la sera; ascensore spesso fermo",
    "Bruno": "Cortile senza regole condivise",
    "Carla": "Anziani soli al terzo piano",
}


def main(target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = VoilaServer(Path(tmp) / "var", Path(tmp) / "voila.log")
        server.start()
        try:
            code, secret = create_session(server, "bisogni-edificio-sap", "Via dei Tigli 12: i bisogni dell'edificio")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                for name, text in ANSWERS.items():
                    page = browser.new_page()
                    page.goto(f"{server.base}/voila/render/scheda.ipynb?s={code}")
                    page.get_by_label("Il tuo nome (come vuoi farti vedere)").fill(name, timeout=90_000)
                    page.get_by_role("button", name="Entra").click()
                    page.locator(".abitare-ws-field textarea").first.fill(text)
                    page.get_by_text(re.compile("Salvato alle")).wait_for(timeout=10_000)
                board = browser.new_page(viewport={"width": 1200, "height": 1100})
                board.goto(f"{server.base}/voila/render/lavagna.ipynb")
                board.get_by_label("Codice della sessione").fill(code, timeout=90_000)
                board.get_by_label("Parola segreta della sessione").fill(secret)
                board.get_by_role("button", name="Apri la lavagna").click()
                board.get_by_text("Partecipanti (3)").wait_for(timeout=10_000)
                board.screenshot(path=target)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main(sys.argv[1])
