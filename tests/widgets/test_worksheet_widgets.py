"""Worksheet form and board, headless: autosave, restore, closing, escaping."""

import time
from datetime import date

from abitare.practice.sessions import SessionStore
from abitare.practice.worksheets import load_worksheet
from abitare_widgets.board import BoardView
from abitare_widgets.worksheet import JoinView, WorksheetForm

HOSTILE = "<script>alert(1)</script>"


def test_typing_is_saved_after_a_pause_and_restored(fixture_content, store):
    root = fixture_content()
    sheet = load_worksheet(root, "prova")
    sessions = SessionStore(store.engine)
    session, _ = sessions.create(sheet, "Prova", date(2026, 11, 25))
    join = JoinView(sessions, lambda t: load_worksheet(root, t), code=session.code)
    join.name.value = "Anna"
    join.enter_button.click()
    form = join.form
    assert isinstance(form, WorksheetForm)
    form.inputs["bisogni"].widget.value = "Più luce\nPulizie"
    form.inputs["urgenza"].widget.value = 4
    form.inputs["piano"].widget.value = "Assemblea; Comune; 2026-12-15"
    deadline = time.monotonic() + 5
    while "Salvato alle" not in form.status.value and time.monotonic() < deadline:
        time.sleep(0.1)
    form.flush()
    assert "Salvato alle" in form.status.value
    member = sessions.join(session, "anna")
    assert sessions.member_answers(member) == {
        "bisogni": ["Più luce", "Pulizie"],
        "urgenza": 4,
        "piano": [{"azione": "Assemblea", "chi": "Comune", "entro": "2026-12-15"}],
    }
    again = WorksheetForm(sheet, sessions, session, member)  # another browser, later
    assert again.inputs["bisogni"].widget.value == "Più luce\nPulizie"


def test_bad_lines_are_explained_and_not_saved(fixture_content, store):
    sheet = load_worksheet(fixture_content(), "prova")
    sessions = SessionStore(store.engine)
    session, _ = sessions.create(sheet, "Prova", date(2026, 11, 25))
    form = WorksheetForm(sheet, sessions, session, sessions.join(session, "Bruno"))
    form.inputs["piano"].widget.value = "solo un pezzo"
    form.flush()
    assert "azione; chi; AAAA-MM-GG" in form.message.value and "Non salvato" in form.status.value


def test_the_board_shows_answers_escaped_and_can_close(fixture_content, store):
    sheet = load_worksheet(fixture_content(), "prova")
    sessions = SessionStore(store.engine)
    session, secret = sessions.create(sheet, "Prova", date(2026, 11, 25))
    member = sessions.join(session, "Carla")
    sessions.save(sheet, member, "note", HOSTILE)
    board = BoardView(SessionStore(store.engine), [sheet], refresh_seconds=3600)
    assert not board.open_board(session.code, "sbagliata")
    assert board.open_board(session.code, secret)
    assert "&lt;script&gt;" in board.board.value and "<script>" not in board.board.value
    assert "Carla" in board.board.value and ".xlsx" in board.exports.value
    board.anonymous.value = True
    assert "Carla" not in board.board.value
    board.toggle_button.click()
    assert "sessione chiusa" in board.board.value
    form = WorksheetForm(sheet, sessions, sessions.find(session.code), member)
    assert form.inputs["note"].widget.disabled
    board.close()
    board._thread.join(timeout=10)
    assert not board._thread.is_alive()


def test_a_facilitator_creates_a_session_from_the_board(fixture_content, store):
    sheet = load_worksheet(fixture_content(), "prova")
    board = BoardView(SessionStore(store.engine), [sheet], refresh_seconds=3600)
    board.title.value = "Incontro di martedì"
    board.create_button.click()
    assert "Sessione creata" in board.created.value and len(board.code.value) == 8
