"""Screenshots of the home page and of a module page, for the README.

Usage: python scripts/screenshot.py docs/home.png [docs/modulo.png]
Starts its own Voilà on a temporary database, like the browser tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.ui.conftest import served_chromium


def main(home_png: str, module_png: str | None = None) -> None:
    with served_chromium() as (server, browser):
        page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="it-IT")
        page.goto(server.home)
        page.get_by_label("Il tuo codice").fill("SDM-anna")
        page.get_by_role("button", name="Entra").click()
        page.get_by_text("Ti diamo il benvenuto").wait_for(timeout=60_000)
        page.screenshot(path=home_png, full_page=False)
        if module_png:
            page.get_by_role("link", name="Apri il modulo").first.click()
            page.get_by_role("button", name="Verifica finale").click(timeout=60_000)
            box = page.locator(".abitare-question-box").first
            box.get_by_role("radio").nth(1).check()
            box.get_by_role("button", name="Conferma la risposta").click()
            box.locator(".abitare-feedback").wait_for()
            page.screenshot(path=module_png, full_page=False)

if __name__ == "__main__":
    main(*sys.argv[1:3])
