"""The class view's and the board's secrets use the database count: a new FacilitatorStore or
SessionStore (a reloaded page, another server) waits out the last wrong attempt."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from abitare import secret_attempts as module
from abitare.facilitators import FacilitatorStore
from abitare.practice.sessions import SessionStore
from abitare.practice.worksheets import load_worksheet
from abitare.secret_attempts import FACILITATORS_KEY, session_key
from abitare.storage import make_engine, secret_attempts

pytestmark = pytest.mark.hostile


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    asked: list[float] = []
    monkeypatch.setattr(module.time, "sleep", asked.append)
    return asked


@pytest.fixture
def other_server(store):
    engine = make_engine(store.engine.url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def failures(engine, key: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(secret_attempts.c.failures).where(secret_attempts.c.key == key)).scalar()


def test_the_class_view_secret_stays_slow_after_a_reload(store, other_server, sleeps) -> None:
    FacilitatorStore(store.engine).set_secret("Giulia", "una-frase-lunga-segreta")
    first = FacilitatorStore(store.engine)
    assert first.check("tentativo-sbagliato-1") is None
    assert first.check("tentativo-sbagliato-2") is None
    sleeps.clear()
    reloaded = FacilitatorStore(other_server)
    assert reloaded.check("tentativo-sbagliato-3") is None
    assert 0 < sleeps[0] <= 1.0 and sleeps[-1] == 2.0 and failures(other_server, FACILITATORS_KEY) == 3
    assert reloaded.check("una-frase-lunga-segreta") == "Giulia"
    assert failures(other_server, FACILITATORS_KEY) is None


def test_a_session_secret_stays_slow_after_a_reload(fixture_content, store, other_server, sleeps) -> None:
    sheet = load_worksheet(fixture_content(), "prova")
    sessions = SessionStore(store.engine)
    one, secret_one = sessions.create(sheet, "Prima", date(2026, 12, 5))
    two, secret_two = sessions.create(sheet, "Seconda", date(2026, 12, 5))
    for _ in range(3):
        assert not sessions.check_secret(one, "sbagliata")
    sleeps.clear()
    other = SessionStore(other_server)
    assert other.check_secret(two, secret_two) and sleeps == []  # another session is not slowed
    assert not other.check_secret(one, "sbagliata")
    assert sleeps[-1] == 4.0 and failures(other_server, session_key(one.id)) == 4
    assert other.check_secret(one, secret_one)
    assert failures(other_server, session_key(one.id)) is None
    # a wrong join code is counted in the kernel only: a typo does not slow the class
    assert other.find("ZZZZ2222") is None and failures(other_server, "") is None
