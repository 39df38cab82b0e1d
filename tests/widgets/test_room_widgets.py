"""The board's live-session controls without a browser: reveal, moderation, timer, the wall."""

from datetime import date

from abitare.sessions import SessionStore
from abitare.worksheets import load_worksheet
from abitare_widgets.board import BoardView
from abitare_widgets.worksheet import WorksheetForm

HOSTILE = "<script>alert(1)</script>"


def test_the_wall_shows_what_the_facilitator_allows(fixture_content, store):
    sheet = load_worksheet(fixture_content(), "prova")
    sessions = SessionStore(store.engine)
    session, secret = sessions.create(sheet, "Prova", date(2026, 12, 5))
    board = BoardView(SessionStore(store.engine), [sheet], refresh_seconds=3600)
    assert board.open_board(session.code, secret)
    board.mode.value = "wall"
    assert "Domanda 1 di 10" in board.wall.value and "Risposte arrivate: <strong>0" in board.wall.value
    anna = sessions.join(session, "Anna")
    sessions.save(sheet, anna, "nome-edificio", HOSTILE)
    board.refresh()
    assert "Risposte arrivate: <strong>1" in board.wall.value, board.message.value
    board.toggle_reveal("nome-edificio")
    assert "Risposte: 1" in board.wall.value and "script" not in board.wall.value
    assert "&lt;script&gt;" in board.queue.children[1].children[0].value
    board.decide(board._contributions[0], "approved")
    assert "&lt;script&gt;" in board.wall.value and "<script>" not in board.wall.value
    form = WorksheetForm(sheet, sessions, session, anna, poll_seconds=None)
    assert form.timers["nome-edificio"].seconds == -1
    board.toggle_timer("nome-edificio", 120)
    form.poll_timers()
    assert 110 < form.timers["nome-edificio"].seconds <= 120 and 110 < board.wall_timer.seconds <= 120
    board.step(1)
    assert "Domanda 2 di 10" in board.wall.value and board.wall_timer.seconds == -1
    board.close()
    form.close()


def test_short_answers_get_a_word_cloud_with_the_list_beside_it(fixture_content, store):
    sheet = load_worksheet(fixture_content(), "prova")
    sessions = SessionStore(store.engine)
    session, secret = sessions.create(sheet, "Prova", date(2026, 12, 5))
    for name, items in (("Anna", ["Più luce", "Città pulita"]), ("Bruno", ["luce nelle scale", HOSTILE])):
        sessions.save(sheet, sessions.join(session, name), "bisogni", items)
    board = BoardView(SessionStore(store.engine), [sheet], refresh_seconds=3600)
    assert board.open_board(session.code, secret)
    html = board.board.value
    assert "abitare-cloud-svg" in html and "<li>luce: 2</li>" in html and "<script>" not in html
    board.close()
