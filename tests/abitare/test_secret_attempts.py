"""Guessing a facilitator's or a session's secret stays slow across reloads and servers: the wrong
attempts are counted in the database (SQLite and PostgreSQL), per facilitator secrets and per session."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from abitare import secret_attempts as module
from abitare.facilitators import FacilitatorStore
from abitare.practice.sessions import SessionStore
from abitare.practice.worksheets import load_worksheet
from abitare.secret_attempts import FACILITATORS_KEY, MAX_WAIT_SECONDS, SecretThrottle, session_key
from abitare.storage import make_engine, secret_attempts

pytestmark = pytest.mark.hostile


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits asked for, instead of waiting (the lock in the database stays as it was set)."""
    asked: list[float] = []
    monkeypatch.setattr(module.time, "sleep", asked.append)
    return asked


@pytest.fixture
def other_server(store):
    """A new engine on the same database: a reloaded page's kernel, or another server."""
    engine = make_engine(store.engine.url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def failures(engine, key: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(secret_attempts.c.failures).where(secret_attempts.c.key == key)).scalar()


def attempt(throttle: SecretThrottle, right: bool, key: str | None = None, wait: bool = False) -> None:
    """What the class view and the board do with a typed secret (``wait``: first wait for the turn;
    with the waits recorded, not waited, a test asks for it only where it checks it)."""
    if wait:
        throttle.wait_turn(key)
    if right:
        throttle.succeeded(key)
    else:
        throttle.failed("wrong facilitator secret", key)


def test_a_reload_does_not_reset_the_slowdown(store, other_server, sleeps) -> None:
    first = SecretThrottle(store.engine)
    attempt(first, False)
    attempt(first, False)
    assert sleeps == [0.5, 1.0] and failures(store.engine, FACILITATORS_KEY) == 2
    sleeps.clear()
    reloaded = SecretThrottle(other_server)  # a new kernel or another server: a new object
    attempt(reloaded, False, wait=True)
    # it first waits out the last wrong attempt's second, then its own two seconds
    assert 0.5 < sleeps[0] <= 1.0 and sleeps[1] == 2.0
    assert failures(other_server, FACILITATORS_KEY) == 3
    for _ in range(5):
        attempt(reloaded, False)
    assert max(sleeps) == MAX_WAIT_SECONDS
    sleeps.clear()
    attempt(reloaded, True, wait=True)  # the right secret, after waiting its turn
    assert len(sleeps) == 1 and sleeps[0] <= MAX_WAIT_SECONDS
    assert failures(other_server, FACILITATORS_KEY) is None  # a right secret clears the count
    sleeps.clear()
    attempt(first, False)
    assert sleeps == [0.5]


def test_each_session_counts_its_own(store, other_server, sleeps) -> None:
    throttle = SecretThrottle(store.engine, "")
    for _ in range(3):
        attempt(throttle, False, session_key(1))
    sleeps.clear()
    other = SecretThrottle(other_server, "")
    attempt(other, True, session_key(2), wait=True)
    assert sleeps == []  # another session is not slowed
    attempt(other, False, session_key(1), wait=True)
    assert 0 < sleeps[0] <= 2.0 and sleeps[-1] == 4.0 and failures(other_server, session_key(1)) == 4
    assert failures(other_server, FACILITATORS_KEY) is None


def test_old_wrong_attempts_are_forgotten(store, sleeps) -> None:
    throttle = SecretThrottle(store.engine)
    for _ in range(4):
        attempt(throttle, False)
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    with store.engine.begin() as conn:
        conn.execute(update(secret_attempts).values(last_failed_at=long_ago, locked_until=long_ago))
    sleeps.clear()
    attempt(throttle, False)
    assert sleeps == [0.5] and failures(store.engine, FACILITATORS_KEY) == 1


def test_without_the_table_the_slowdown_still_holds_in_the_process(store, sleeps) -> None:
    with store.engine.begin() as conn:
        secret_attempts.drop(conn)
    throttle = SecretThrottle(store.engine)
    attempt(throttle, False)
    attempt(throttle, False)
    attempt(throttle, True)
    attempt(throttle, False)
    assert sleeps == [0.5, 1.0, 0.5]


# The class view's and the board's secrets use the database count: a new FacilitatorStore or
# SessionStore (a reloaded page, another server) waits out the last wrong attempt.


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
