"""The workspace on a real JupyterHub, on this machine, in Chromium.

JupyterHub (deploy/jupyterhub/jupyterhub_config.py, with DummyAuthenticator and
SimpleLocalProcessSpawner: no system users), configurable-http-proxy from the npm
registry (scripts/ensure-hub.sh) and a throwaway PostgreSQL (tests/pg.py) are started
here and stopped at the end. Two trainees and a facilitator log in with the hub's
form: each lands on the workspace's home page with no code to type, the trainees
answer a quiz question and PostgreSQL holds each answer under the hub user's name;
the facilitator (in the hub group) opens the class view with no secret, a trainee
(not in it) is refused in Italian and cannot open another user's workspace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.deploy.hubrun import PASSWORD, TempHub
from tests.pg import TempPostgres

pytestmark = [pytest.mark.hub, pytest.mark.browser]


@pytest.fixture(autouse=True)
def patient_expectations() -> Iterator[None]:
    """Three servers starting on a small shared machine: each expectation waits up to 60 s, not 5."""
    expect.set_options(timeout=60_000)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the tests that run after this one

TRAINEES = ["anna", "bruno"]
FACILITATOR = "giulia"


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A PostgreSQL database for the workspace, schema created by `abitare db upgrade`."""
    import subprocess
    import sys

    server = TempPostgres()
    admin_url = server.start()
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "abitare"'))
        admin.dispose()
        url = make_url(admin_url).set(database="abitare").render_as_string(hide_password=False)
        subprocess.run(
            [sys.executable, "-m", "abitare.cli", "db", "upgrade"], check=True, env={"ABITARE_DB_URL": url, "PATH": ""}
        )
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def hub(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TempHub]:
    running = TempHub(database, facilitators=[FACILITATOR], root=tmp_path_factory.mktemp("hub"))
    running.start()
    yield running
    running.stop()
    print(running.log()[-3000:])  # shown only when a test failed
    assert not running.leftovers, f"processes outlived the hub: {running.leftovers}"


@pytest.fixture
def chromium(browser: Browser) -> Iterator[Browser]:
    """The session's Chromium (one per worker); the pages this test opens are closed after it."""
    yield browser
    for context in browser.contexts:
        context.close()


def login(browser: Browser, hub: TempHub, user: str) -> Page:
    """Log in through the hub's form; the hub starts the user's server and opens the home page."""
    page = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/voila/render/home\.ipynb"), timeout=120_000)
    expect(page.get_by_role("heading", name="I moduli del corso")).to_be_visible(timeout=120_000)
    return page


def answer_first_question(page: Page) -> None:
    page.get_by_role("link", name="Apri il modulo").first.click()
    expect(page.get_by_role("heading", name=re.compile("Il sistema dei servizi abitativi"))).to_be_visible()
    page.get_by_role("button", name="Verifica finale").click()
    box = page.locator(".abitare-question-box").first
    box.get_by_role("radio").first.check()
    box.get_by_role("button", name="Conferma la risposta").click()
    expect(box.get_by_text(re.compile("Risposta (non )?corretta"))).to_be_visible()


def test_trainees_and_facilitator_on_the_hub(hub: TempHub, chromium: Browser, database: str):
    pages = {}
    for user in TRAINEES:
        page = login(chromium, hub, user)
        # no code to type: the hub user is the participant
        expect(page.get_by_text(re.compile(f"accesso come {user}"))).to_be_visible()
        expect(page.get_by_label("Il tuo codice")).to_have_count(0)
        answer_first_question(page)
        assert "Traceback" not in page.content()
        pages[user] = page

    engine = create_engine(database)
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                text(
                    "SELECT p.code, count(*) FROM answers a JOIN participants p ON p.id = a.participant_id "
                    "GROUP BY p.code"
                )
            ).all()
        )
    engine.dispose()
    assert stored == {"anna": 1, "bruno": 1}

    facilitator = login(chromium, hub, FACILITATOR)
    facilitator.goto(hub.user_url(FACILITATOR, "voila/render/classe.ipynb"))
    expect(facilitator.get_by_role("heading", name="La classe")).to_be_visible()
    expect(facilitator.get_by_text(f"Accesso eseguito come {FACILITATOR}")).to_be_visible()
    expect(facilitator.get_by_role("heading", name="Avanzamento per modulo")).to_be_visible()
    expect(facilitator.get_by_label("Parola segreta")).to_be_hidden()
    for user in TRAINEES:  # each trainee, under the hub user name
        expect(facilitator.get_by_role("rowheader", name=user, exact=True)).to_be_visible()

    trainee = pages["anna"]
    trainee.goto(hub.user_url("anna", "voila/render/classe.ipynb"))
    expect(trainee.get_by_text("Questa pagina è riservata a chi tiene il corso")).to_be_visible()
    expect(trainee.get_by_text("«abitare-facilitatori»", exact=False)).to_be_visible()
    expect(trainee.get_by_label("Parola segreta")).to_have_count(0)

    # a trainee cannot open someone else's workspace
    response = trainee.goto(hub.user_url("bruno"))
    assert response is not None
    assert response.status == 403, (response.status, trainee.url)
    expect(trainee.get_by_role("heading", name="I moduli del corso")).to_have_count(0)

    assert "idle-culler" in hub.api("GET", "/services")  # jupyterhub-idle-culler runs beside the hub
    # while their pages are open, the workspaces tell the hub they are in use (what the culler reads)
    for user in [*TRAINEES, FACILITATOR]:
        assert re.search(rf"200 POST /hub/api/users/{user}/activity", hub.log()), user
    users = {u["name"]: u for u in hub.api("GET", "/users")}
    assert all(users[u]["servers"][""]["ready"] for u in [*TRAINEES, FACILITATOR])
    assert FACILITATOR in next(g for g in hub.api("GET", "/groups") if g["name"] == "abitare-facilitatori")["users"]
