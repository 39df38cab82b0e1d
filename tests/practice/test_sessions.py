"""Worksheet sessions on a real database: join, save, close, aggregate, export, many writers at once."""

import threading
from datetime import date

import pytest

from abitare.errors import SessionError
from abitare.practice.sessions import SessionStore
from abitare.practice.synthesis import summarize, to_csv, to_html, to_markdown, to_xlsx
from abitare.practice.worksheets import AnswerError, load_worksheet

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)> \u202eRTL\u200b **grassetto** [link](http://x)"


@pytest.fixture
def sheet(fixture_content):
    return load_worksheet(fixture_content(), "prova")


def test_codes_are_long_and_unambiguous_and_secrets_hashed(store, sheet):
    sessions = SessionStore(store.engine)
    session, secret = sessions.create(sheet, "Martedì", date(2026, 11, 25))
    assert len(session.code) == 8 and not set(session.code) & set("01OI")
    assert sessions.check_secret(session, secret) and not sessions.check_secret(session, "sbagliato")
    assert sessions.find(session.code.lower()) == session and sessions.find("AAAAAAAA") is None


def test_answers_are_validated_saved_and_the_latest_wins(store, sheet):
    sessions = SessionStore(store.engine)
    session, _ = sessions.create(sheet, "Prova", date(2026, 11, 25))
    anna = sessions.join(session, "Anna")
    assert sessions.join(session, "  anna ") == anna  # coming back with the same name
    sessions.save(sheet, anna, "urgenza", 2)
    sessions.save(sheet, anna, "urgenza", 4)
    sessions.save(sheet, anna, "piano", [{"azione": "Assemblea", "chi": "Comune", "entro": "2026-12-15"}])
    assert sessions.member_answers(anna) == {
        "urgenza": 4,
        "piano": [{"azione": "Assemblea", "chi": "Comune", "entro": "2026-12-15"}],
    }
    for field, bad in (
        ("urgenza", 9),
        ("canale", "Piccione"),
        ("piano", [{"azione": "x", "chi": "y", "entro": "2026-02-30"}]),
        ("priorita", ["Ascolto"]),
        ("nome-edificio", "x" * 301),
        ("inesistente", "x"),
    ):
        with pytest.raises(AnswerError):
            sessions.save(sheet, anna, field, bad)


def test_a_closed_session_refuses_changes(store, sheet):
    sessions = SessionStore(store.engine)
    session, _ = sessions.create(sheet, "Prova", date(2026, 11, 25))
    bruno = sessions.join(session, "Bruno")
    sessions.set_status(session, is_open=False)
    with pytest.raises(SessionError, match="chiusa"):
        sessions.save(sheet, bruno, "urgenza", 3)
    sessions.set_status(session, is_open=True)
    sessions.save(sheet, bruno, "urgenza", 3)


def test_synthesis_and_exports_escape_what_participants_typed(store, sheet):
    sessions = SessionStore(store.engine)
    session, _ = sessions.create(sheet, "Prova <b>", date(2026, 11, 25))
    for name, scale, ranking in (
        ("Anna", 2, ["Ascolto", "Regole", "Mediazione"]),
        ("Bruno", 4, ["Regole", "Ascolto", "Mediazione"]),
        ("Carla", 4, ["Ascolto", "Mediazione", "Regole"]),
    ):
        m = sessions.join(session, name)
        sessions.save(sheet, m, "urgenza", scale)
        sessions.save(sheet, m, "priorita", ranking)
        sessions.save(sheet, m, "bisogni", [HOSTILE, "Più luce"])
    rows = sessions.answers(session)
    summary = {s.spec.id: s for s in summarize(sheet, rows)}
    assert summary["urgenza"].counts == {"2": 1, "4": 2} and round(summary["urgenza"].mean, 2) == 3.33
    assert [k for k, _ in summary["priorita"].ranking] == ["Ascolto", "Regole", "Mediazione"]
    html = to_html(sheet, session, summarize(sheet, rows))
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    md = to_markdown(sheet, session, summarize(sheet, rows, anonymous=True))
    assert "<script>" not in md and "\\[link\\]" in md and "Anna" not in md
    csv = to_csv(sheet, rows)
    assert "Più luce" in csv and csv.count("\n") == len(rows) + 1
    assert to_xlsx(sheet, rows)[:2] == b"PK"


def test_thirty_writers_fifty_changes_each_lose_nothing(settings, sheet):
    from abitare.progress import open_store

    store = open_store(settings)
    session, _ = SessionStore(store.engine).create(sheet, "Carico", date(2026, 11, 25))
    writers, changes = 30, 50
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers, timeout=60)  # a writer that never arrives fails the test, not hangs it

    def write(k: int) -> None:
        try:
            sessions = SessionStore(open_store(settings).engine)  # each participant's own kernel and engine
            member = sessions.join(session, f"Persona {k:02d}")
            barrier.wait()
            for i in range(changes):
                sessions.save(sheet, member, "note", f"persona {k} versione {i}")
                sessions.save(sheet, member, "urgenza", 1 + i % 5)
        except BaseException as err:
            errors.append(err)
            barrier.abort()  # the others stop waiting at once

    threads = [threading.Thread(target=write, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a writer is still running after five minutes"
    assert errors == []
    rows = SessionStore(store.engine).answers(session)
    notes = {r.member: r.value for r in rows if r.field_id == "note"}
    assert notes == {f"Persona {k:02d}": f"persona {k} versione {changes - 1}" for k in range(writers)}
    assert {r.value for r in rows if r.field_id == "urgenza"} == {1 + (changes - 1) % 5}
