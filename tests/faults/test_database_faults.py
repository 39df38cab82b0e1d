"""Database faults on a real database: a busy database (a long SQLite writer, a PostgreSQL
row lock), two tabs of one participant, a full disk and a read-only database.

Each test writes answers, injects the fault, and checks three things: the write that met
the fault waited at most a bound and failed with an Italian StorageError (never silently),
everything written before is still there, and the SQLite file passes ``integrity_check``.
``tests.faults.ledger`` counts answers written and found for bench/reliability.py.
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from abitare.content import load_module
from abitare.errors import StorageError
from abitare.practice.sessions import SessionStore
from abitare.practice.worksheets import load_worksheet
from abitare.progress import ProgressStore
from abitare.quizbank import QuizSession
from abitare.settings import Settings
from abitare.storage import make_engine, upgrade
from tests.conftest import CONTENT_DIR
from tests.faults.ledger import answers_found, answers_written, fault_injected, free_port

pytestmark = pytest.mark.faults

ITALIAN = ("non è stata salvata", "Riprova")


def sqlite_settings(folder: Path) -> Settings:
    cfg = Settings(content_dir=CONTENT_DIR, data_dir=folder)
    upgrade(cfg.database_url)
    return cfg


def db_file(cfg: Settings) -> Path:
    return cfg.data_dir / "abitare.sqlite"


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def write_answers(store: ProgressStore, code: str, n: int) -> int:
    """``n`` quiz answers of one participant, each confirmed by the store; the participant's id."""
    p = store.identify(code)
    for i in range(n):
        store.record_answer(p.id, "sistema-abitativo", f"q{i}", [i % 3], i % 2 == 0)
    answers_written(n)
    return p.id


def count_answers(store: ProgressStore, participant_id: int) -> int:
    found = len(store.all_answers(participant_id, "sistema-abitativo"))
    answers_found(found)
    return found


def timed_failure(write, bound: float) -> tuple[StorageError, float]:  # type: ignore[no-untyped-def]
    """Run ``write`` in a thread; it must raise StorageError within ``bound`` seconds."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            write()
            outcome.append(None)
        except BaseException as err:
            outcome.append(err)

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(bound)
    waited = time.monotonic() - started
    assert not worker.is_alive(), f"the write was still waiting after {bound} s: no bound"
    err = outcome[0]
    assert err is not None, "the write reported success while the database could not take it (silent)"
    assert isinstance(err, StorageError), f"not an Italian StorageError: {err!r}"
    return err, waited


# --- a busy database -------------------------------------------------------------------------


def test_the_default_sqlite_busy_timeout_is_ten_seconds(tmp_path):
    cfg = sqlite_settings(tmp_path / "var")
    engine = make_engine(cfg.database_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_a_long_sqlite_writer_makes_a_save_wait_then_fail_in_italian(tmp_path):
    cfg = sqlite_settings(tmp_path / "var")
    store = ProgressStore(make_engine(cfg.database_url, busy_timeout_ms=1_000))
    pid = write_answers(store, "Lucchetto Uno", 3)

    blocker = sqlite3.connect(db_file(cfg), isolation_level=None, timeout=0, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock longer than the busy timeout
    fault_injected("sqlite: a second connection holds BEGIN IMMEDIATE")
    err, waited = timed_failure(lambda: store.record_answer(pid, "sistema-abitativo", "q9", [0], True), 10)
    assert 0.9 <= waited < 5, f"waited {waited:.2f} s for a 1 s busy timeout"
    assert all(word in str(err) for word in ITALIAN), str(err)

    # a writer that lets go within the bound: the save waits for it and succeeds
    threading.Timer(0.3, blocker.rollback).start()
    store.record_answer(pid, "sistema-abitativo", "q3", [1], False)
    answers_written(1)
    blocker.close()
    assert count_answers(store, pid) == 4  # the three before and the one after; the refused one is not there
    store.engine.dispose()
    assert integrity(db_file(cfg)) == "ok"


def test_a_save_waits_for_a_short_writer_and_goes_through(tmp_path):
    cfg = sqlite_settings(tmp_path / "var")
    store = ProgressStore(make_engine(cfg.database_url, busy_timeout_ms=3_000))
    pid = write_answers(store, "Lucchetto Due", 1)
    blocker = sqlite3.connect(db_file(cfg), isolation_level=None, timeout=0, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    fault_injected("sqlite: a writer holds the lock for 0.5 s")
    threading.Timer(0.5, lambda: blocker.execute("ROLLBACK")).start()
    started = time.monotonic()
    store.record_answer(pid, "sistema-abitativo", "q1", [2], True)
    answers_written(1)
    assert 0.4 <= time.monotonic() - started < 3
    blocker.close()
    assert count_answers(store, pid) == 2
    store.engine.dispose()
    assert integrity(db_file(cfg)) == "ok"


def test_a_busy_database_is_said_on_the_quiz_page_and_the_answer_is_not_shown_as_saved(tmp_path):
    from abitare_widgets.quiz import QuizPage

    cfg = sqlite_settings(tmp_path / "var")
    store = ProgressStore(make_engine(cfg.database_url, busy_timeout_ms=500))
    p = store.identify("Pagina Occupata")
    page = QuizPage(QuizSession(store, p.id, p.code, load_module(CONTENT_DIR, "sistema-abitativo")))
    view = next(v for v in page.views if v.question.type == "single")
    view.select([0])
    blocker = sqlite3.connect(db_file(cfg), isolation_level=None, timeout=0, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    fault_injected("sqlite lock held while a trainee confirms a quiz answer (QuizPage)")
    view.submit()  # the button's callback
    assert 'role="alert"' in view.message.value and "non è stata salvata" in view.message.value
    assert view.record is None and view.feedback.value == ""  # not shown as answered
    blocker.execute("ROLLBACK")
    blocker.close()
    view.submit()  # the trainee presses again once the database is free
    answers_written(1)
    assert view.record is not None and view.message.value == ""
    assert count_answers(store, p.id) == 1
    store.engine.dispose()


@pytest.fixture
def pg_url(fresh_postgres: str) -> str:
    upgrade(fresh_postgres)
    return fresh_postgres


@pytest.mark.skipif(
    __import__("os").environ.get("ABITARE_SKIP_POSTGRES") == "1", reason="ABITARE_SKIP_POSTGRES=1: PostgreSQL escluso"
)
def test_a_postgresql_row_lock_makes_a_save_wait_within_the_bound_then_fail_in_italian(pg_url):
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW lock_timeout")).scalar() == "10s"
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "1min"
    engine.dispose()

    store = ProgressStore(make_engine(pg_url, busy_timeout_ms=1_000))
    pid = write_answers(store, "Riga Bloccata", 2)
    store.set_position(pid, "sistema-abitativo", "lezione-1")
    holder_engine = make_engine(pg_url)
    holder = holder_engine.connect()
    holder.begin()
    holder.execute(text("SELECT * FROM progress WHERE participant_id = :p FOR UPDATE"), {"p": pid})
    fault_injected("postgresql: another transaction holds the progress row (SELECT … FOR UPDATE)")
    try:
        err, waited = timed_failure(lambda: store.set_position(pid, "sistema-abitativo", "lezione-2"), 20)
    finally:
        holder.rollback()
        holder.close()
        holder_engine.dispose()
    assert 0.9 <= waited < 5, f"waited {waited:.2f} s for a 1 s lock timeout"
    assert "Non è stato possibile salvare" in str(err) and "Riprova" in str(err), str(err)
    assert store.get_position(pid, "sistema-abitativo") == "lezione-1"  # the saved position is intact
    store.set_position(pid, "sistema-abitativo", "lezione-2")  # the lock gone, the save goes through
    assert store.get_position(pid, "sistema-abitativo") == "lezione-2"
    assert count_answers(store, pid) == 2
    store.engine.dispose()


# --- two tabs of one participant ----------------------------------------------------------------


def test_two_tabs_on_one_quiz_question_keep_both_answers_and_the_latest_counts(store):
    module = load_module(CONTENT_DIR, "sistema-abitativo")
    p = store.identify("Due Schede")
    tab_a = QuizSession(store, p.id, p.code, module)
    tab_a.ensure_started()
    tab_b = QuizSession(store, p.id, p.code, module)  # the same page opened again, before answering
    question = next(q for q in tab_a.questions if q.type == "single")
    right = next(i for i, o in enumerate(question.choices) if o.correct)
    wrong = next(i for i, o in enumerate(question.choices) if not o.correct)
    fault_injected("two tabs answer the same quiz question")
    tab_a.answer(question, (wrong,))
    tab_b.answer(question, (right,))
    answers_written(2)
    stored = [r for r in store.all_answers(p.id, module.id) if r.question_id == question.id]
    answers_found(len(stored))
    assert [r.choice for r in stored] == [(wrong,), (right,)]  # nothing overwritten: every answer is a row
    # tab A shows its own answer until it reloads; any reload, the summary and the class view count the latest
    assert tab_a.state.answers[question.id].choice == (wrong,)
    tab_a.reload()
    assert tab_a.state.answers[question.id].choice == (right,)
    assert QuizSession(store, p.id, p.code, module).state.answers[question.id].correct


def test_two_tabs_on_one_worksheet_field_the_last_write_wins_and_is_stored_whole(store, fixture_content):
    sheet = load_worksheet(fixture_content(), "prova")
    sessions = SessionStore(store.engine)
    session, _ = sessions.create(sheet, "Due schede", date(2026, 12, 5))
    tab_a = sessions.join(session, "Anna")
    tab_b = sessions.join(session, " anna ")  # the same person, second tab
    assert tab_a == tab_b
    fault_injected("two tabs save the same worksheet field")
    sessions.save(sheet, tab_a, "urgenza", 2)
    sessions.save(sheet, tab_b, "urgenza", 4)
    sessions.save(sheet, tab_a, "nome-edificio", "Via Roma 1")
    answers_written(2)  # two fields end up stored
    stored = sessions.member_answers(tab_a)
    answers_found(len(stored))
    assert stored == {"urgenza": 4, "nome-edificio": "Via Roma 1"}


def test_a_worksheet_tab_shows_the_other_tabs_newer_value_when_it_next_acts(store, fixture_content):
    import ipywidgets  # noqa: F401  (the widget needs no front end in this test)

    from abitare_widgets.worksheet import WorksheetForm as WorksheetView

    sheet = load_worksheet(fixture_content(), "prova")
    sessions = SessionStore(store.engine)
    session, _ = sessions.create(sheet, "Due schede", date(2026, 12, 5))
    member = sessions.join(session, "Bruno")
    tab_a = WorksheetView(sheet, sessions, session, member, poll_seconds=None)
    tab_b = WorksheetView(sheet, sessions, session, member, poll_seconds=None)
    fault_injected("two worksheet views of one member save the same field")
    tab_a.inputs["nome-edificio"].show("Scritto nella scheda A")
    tab_a.save("nome-edificio")
    tab_b.inputs["nome-edificio"].show("Scritto nella scheda B")
    tab_b.save("nome-edificio")
    tab_a.inputs["urgenza"].show(3)
    tab_a.save("urgenza")  # tab A acts again
    try:
        assert tab_a.inputs["nome-edificio"].value() == "Scritto nella scheda B"
        assert "risposte più recenti" in tab_a.status.value  # and it says so
    finally:
        tab_a.close()
        tab_b.close()


# --- a full disk, a read-only database ---------------------------------------------------------


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small tmpfs at ``path`` (needs root); skipped with the reason when it cannot be mounted."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode:
        pytest.skip(f"tmpfs non montabile qui ({done.stderr.decode().strip()}): serve root")
    try:
        yield path
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(path)], capture_output=True)
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def set_read_only(path: Path, read_only: bool) -> None:
    subprocess.run(["mount", "-o", f"remount,{'ro' if read_only else 'rw'}", str(path)], check=True)


def cli(folder: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "abitare.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": "/usr/bin:/bin", "ABITARE_DATA_DIR": str(folder), "HOME": str(folder.parent)},
    )


def test_a_full_disk_fails_a_save_in_italian_and_corrupts_nothing(tmp_path):
    with tmpfs(tmp_path / "disk", "2m") as disk:
        cfg = sqlite_settings(disk / "var")
        store = ProgressStore(make_engine(cfg.database_url, busy_timeout_ms=1_000))
        pid = write_answers(store, "Disco Pieno", 5)
        filler = disk / "riempitivo"
        with contextlib.suppress(OSError), filler.open("wb") as f:  # fill the disk to the last block
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        with contextlib.suppress(OSError), filler.open("ab") as f:
            while True:
                f.write(b"\0" * 512)
                f.flush()
        fault_injected("disk full (tmpfs filled to the last block)")
        failures = 0
        for i in range(200):  # until the WAL cannot grow any more
            try:
                store.record_answer(pid, "sistema-abitativo", f"pieno-{i}", [0], True, inputs={"pad": "x" * 2000})
                answers_written(1)
            except StorageError as err:
                assert all(word in str(err) for word in ITALIAN), str(err)
                failures += 1
                break
        assert failures == 1, "a full disk never made a save fail: the test did not fill it"
        written = 5 + i
        store.engine.dispose()
        filler.unlink()
        store = ProgressStore(make_engine(cfg.database_url))
        assert count_answers(store, pid) == written  # every confirmed answer, none of the refused one
        store.engine.dispose()
        assert integrity(db_file(cfg)) == "ok"


def test_a_database_made_read_only_fails_a_save_in_italian_and_keeps_what_was_saved(tmp_path):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        cfg = sqlite_settings(disk / "var")
        store = ProgressStore(make_engine(cfg.database_url, busy_timeout_ms=1_000))
        pid = write_answers(store, "Sola Lettura", 4)
        store.engine.dispose()  # (a file open for writing keeps a remount from succeeding: the page reconnects)
        set_read_only(disk, True)  # the page's database becomes read-only under it
        fault_injected("database read-only while a page is open")
        err, _ = timed_failure(lambda: store.record_answer(pid, "sistema-abitativo", "q8", [0], True), 10)
        assert all(word in str(err) for word in ITALIAN), str(err)
        set_read_only(disk, False)
        store.engine.dispose()
        store = ProgressStore(make_engine(cfg.database_url))
        assert count_answers(store, pid) == 4
        store.engine.dispose()
        assert integrity(db_file(cfg)) == "ok"


def test_db_upgrade_and_serve_on_a_read_only_database_say_so_in_italian(tmp_path):
    with tmpfs(tmp_path / "disk", "8m") as disk:
        folder = disk / "var"
        assert cli(folder, "db", "upgrade").returncode == 0
        store = ProgressStore(make_engine(f"sqlite:///{folder / 'abitare.sqlite'}"))
        pid = write_answers(store, "Avvio Bloccato", 2)
        store.engine.dispose()
        set_read_only(disk, True)
        fault_injected("`abitare db upgrade` on a read-only folder")
        upgraded = cli(folder, "db", "upgrade")
        assert upgraded.returncode == 1
        assert "sola lettura" in upgraded.stderr and "Traceback" not in upgraded.stderr, upgraded.stderr
        fault_injected("`abitare serve` on a read-only folder")
        served = cli(folder, "serve", "--port", str(free_port()))
        assert served.returncode == 1 and "sola lettura" in served.stderr, served.stderr
        assert "Traceback" not in served.stderr, served.stderr
        set_read_only(disk, False)
        store = ProgressStore(make_engine(f"sqlite:///{folder / 'abitare.sqlite'}"))
        assert count_answers(store, pid) == 2
        store.engine.dispose()
        assert integrity(folder / "abitare.sqlite") == "ok"


def test_db_upgrade_on_a_full_disk_says_so_in_italian(tmp_path):
    with tmpfs(tmp_path / "disk", "64k") as disk:
        fault_injected("`abitare db upgrade` on a full disk")
        done = cli(disk / "var", "db", "upgrade")
        assert done.returncode == 1
        assert "disco" in done.stderr and "pieno" in done.stderr and "Traceback" not in done.stderr, done.stderr
