"""One application per trainee: moving between pages keeps the page (and its kernel),
the address bar and the back button follow, a closed page frees its kernel, a full
class waits on an Italian page that retries by itself."""

import contextlib
import json
import os
import re
import signal
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import VoilaServer

pytestmark = pytest.mark.browser

LONG = 60_000


def kernel_of(page: Page) -> str:
    found = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content())
    assert found, "the page names no kernel"
    return found[1]


def test_moving_between_pages_keeps_one_kernel_and_the_history(voila, page: Page):
    page.goto(voila.home + "?p=Naviga+Insieme")
    expect(page.get_by_text("Ti diamo il benvenuto, Naviga Insieme")).to_be_visible(timeout=LONG)
    kernel = kernel_of(page)
    page.evaluate("window.__samePage = true")  # gone if the browser loads a new page

    page.get_by_role("link", name="Apri il modulo").first.click()
    expect(page.get_by_role("button", name="Verifica finale")).to_be_visible()
    assert page.url.endswith("/voila/render/modulo.ipynb?m=sistema-abitativo&p=Naviga+Insieme")
    expect(page).to_have_title(re.compile("Il sistema dei servizi abitativi"))

    page.get_by_role("link", name="Tutti i moduli").click()
    expect(page.get_by_role("heading", name="I moduli del corso")).to_be_visible()
    page.get_by_role("link", name="Glossario del corso").click()
    expect(page.get_by_role("heading", name="Glossario del corso")).to_be_visible()
    assert "/voila/render/glossario.ipynb" in page.url and "p=Naviga+Insieme" in page.url  # the code stays

    page.go_back()  # the browser's back button: home, then the module
    expect(page.get_by_role("heading", name="I moduli del corso")).to_be_visible()
    assert page.url.endswith("/voila/render/home.ipynb?p=Naviga+Insieme")
    page.go_back()
    expect(page.get_by_role("button", name="Verifica finale")).to_be_visible()
    page.go_forward()
    expect(page.get_by_role("heading", name="I moduli del corso")).to_be_visible()

    assert page.evaluate("window.__samePage") is True and kernel_of(page) == kernel
    views = re.findall(r"view (\S+) \((\w+)\)", voila.log())
    assert [v for v, _ in views] == [
        "home.ipynb", "modulo.ipynb", "home.ipynb", "glossario.ipynb", "home.ipynb", "modulo.ipynb", "home.ipynb"
    ]
    assert voila.log().count("Kernel started:") == 1  # one kernel, the whole way
    # the kernel talks to the server over Unix sockets: no TCP port to collide with another kernel's
    cmdline = Path(f"/proc/{process_of(kernel)}/cmdline").read_bytes().decode().split("\0")
    connection = json.loads(Path(cmdline[cmdline.index("-f") + 1]).read_text())
    assert connection["transport"] == "ipc", connection
    # and keeps no IPython history: a class's kernels starting together locked its one SQLite file
    assert "--HistoryManager.enabled=False" in cmdline


def test_typing_the_code_puts_it_in_the_address_and_a_reload_keeps_it(voila, page: Page):
    page.goto(voila.home)
    page.get_by_label("Il tuo codice partecipante").fill("Ricarica Uno")
    page.get_by_role("button", name="Entra").click()
    expect(page.get_by_text("Ti diamo il benvenuto, Ricarica Uno")).to_be_visible(timeout=LONG)
    expect(page).to_have_url(re.compile(r"home\.ipynb\?p=Ricarica\+Uno$"))
    page.reload()
    expect(page.get_by_text("Ti diamo il benvenuto, Ricarica Uno")).to_be_visible(timeout=LONG)


def test_a_closed_page_shuts_its_kernel_down_at_once(voila, browser):
    ctx = browser.new_context(locale="it-IT")
    page = ctx.new_page()
    page.goto(f"{voila.base}/voila/render/modulo.ipynb?" + urlencode({"m": "sistema-abitativo", "p": "chiude-subito"}))
    expect(page.get_by_role("button", name="Verifica finale")).to_be_visible(timeout=LONG)
    kernel = kernel_of(page)
    page.close(run_before_unload=True)
    ctx.close()
    deadline = time.monotonic() + 20
    while f"shutting down kernel {kernel}" not in voila.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert f"page closed: shutting down kernel {kernel}" in voila.log()


@pytest.fixture
def voila_one_kernel(tmp_path):
    server = VoilaServer(tmp_path / "var", tmp_path / "voila.log", max_kernels=1)
    server.start()
    yield server
    server.stop()


def test_a_full_class_waits_on_an_italian_page_that_retries_by_itself(voila_one_kernel, browser):
    first_ctx = browser.new_context(locale="it-IT")
    first = first_ctx.new_page()
    first.goto(voila_one_kernel.home + "?p=Primo+Arrivato")
    expect(first.get_by_text("Ti diamo il benvenuto, Primo Arrivato")).to_be_visible(timeout=LONG)

    second = browser.new_context(locale="it-IT").new_page()
    second.goto(voila_one_kernel.home + "?p=Secondo+Arrivato")
    expect(second.get_by_role("heading", name="La classe è al completo, un momento")).to_be_visible()
    expect(second.get_by_role("status")).to_contain_text("riprova da sola")
    assert "Traceback" not in second.content()

    first_ctx.close()  # the first trainee leaves: the page retries and gets in by itself
    expect(second.get_by_text("Ti diamo il benvenuto, Secondo Arrivato")).to_be_visible(timeout=LONG)


def process_of(kernel: str) -> int:
    """The pid of the kernel process started for ``kernel`` (its connection file names it)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if f"kernel-{kernel}" in Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace"):
                    return int(entry)
    raise AssertionError(f"no process for kernel {kernel}")


def test_a_dead_kernel_is_said_in_italian_and_a_reload_finds_what_was_saved(voila, page: Page):
    page.goto(f"{voila.base}/voila/render/modulo.ipynb?" + urlencode({"m": "sistema-abitativo", "p": "kernel-perso"}))
    expect(page.get_by_role("button", name="Verifica finale")).to_be_visible(timeout=LONG)
    banner = page.get_by_role("alert").filter(has_text="perso il collegamento")
    expect(banner).to_be_hidden()
    page.get_by_role("button", name="Successiva ▶").click()
    expect(page.get_by_role("button", name=re.compile(r"^✓ 1\."))).to_be_visible()
    page.get_by_role("button", name="Successiva ▶").click()  # now on the second lesson, saved
    expect(page.get_by_role("button", name=re.compile(r"^✓ 2\."))).to_be_visible()
    title = page.locator("article.abitare-lesson > h2").first.inner_text()

    os.kill(process_of(kernel_of(page)), signal.SIGKILL)  # the kernel dies (out of memory, a crash)
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner).to_contain_text("Quello che risultava salvato non è andato perso")
    page.get_by_role("button", name="Ricarica la pagina").click()
    expect(page.locator("article.abitare-lesson > h2").first).to_have_text(title, timeout=LONG)  # resumed there
    expect(page.get_by_role("alert").filter(has_text="perso il collegamento")).to_be_hidden()


def test_a_page_that_came_without_its_kernel_reloads_once_then_says_so(voila, page: Page):
    """Voilà under load can send a page without its kernel (no ``jupyter-config-data``): it would
    say «Caricamento…» for ever. It reloads once by itself; a second such page says so."""
    import urllib.request

    url = f"{voila.base}/voila/render/modulo.ipynb?" + urlencode({"m": "sistema-abitativo", "p": "senza-kernel"})
    with urllib.request.urlopen(url, timeout=120) as resp:  # a real page, then without its kernel
        html = resp.read().decode()
    assert 'id="jupyter-config-data"' in html
    kernelless = re.sub(r'<script id="jupyter-config-data".*?</script>', "", html, flags=re.S)
    broken = {"left": 1}

    def serve(route) -> None:
        if broken["left"] > 0:
            broken["left"] -= 1
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=kernelless)
        else:
            route.continue_()

    pattern = re.compile(r".*/voila/render/modulo\.ipynb.*")
    page.route(pattern, serve)
    page.goto(url)
    expect(page.get_by_role("button", name="Verifica finale")).to_be_visible(timeout=LONG)  # after the reload
    assert broken["left"] == 0
    expect(page.get_by_role("alert").filter(has_text="non si è caricata")).to_be_hidden()

    broken["left"] = 2  # the reload comes without its kernel too
    page.goto(url)
    expect(page.get_by_role("alert").filter(has_text="non si è caricata del tutto")).to_be_visible(timeout=LONG)
    assert broken["left"] == 0
    page.unroute(pattern)
    page.get_by_role("button", name="Ricarica la pagina").click()
    expect(page.get_by_role("button", name="Verifica finale")).to_be_visible(timeout=LONG)
