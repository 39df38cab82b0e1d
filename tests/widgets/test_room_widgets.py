"""The board's live-session controls without a browser: reveal, moderation, timer, the wall."""

from datetime import date

from abitare.practice.sessions import SessionStore
from abitare.practice.worksheets import load_worksheet
from abitare_widgets.board import BoardView
from abitare_widgets.worksheet import WorksheetForm

HOSTILE = "<script>alert(1)</script>"


def opened_board(fixture_content, store, day: date):
    """The test worksheet, its session store, a session of it and the facilitator's board open on it."""
    sheet = load_worksheet(fixture_content(), "prova")
    sessions = SessionStore(store.engine)
    session, secret = sessions.create(sheet, "Prova", day)
    board = BoardView(SessionStore(store.engine), [sheet], refresh_seconds=3600)
    assert board.open_board(session.code, secret)
    return sheet, sessions, session, board


def test_the_wall_shows_what_the_facilitator_allows(fixture_content, store):
    sheet, sessions, session, board = opened_board(fixture_content, store, date(2026, 12, 5))
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


def test_the_board_plays_a_case_with_the_room(fixture_content, store):
    from abitare.cases.schema import load_case

    root = fixture_content()
    sheet, case = load_worksheet(root, "prova"), load_case(root, "prova")
    sessions = SessionStore(store.engine)
    session, secret = sessions.create(sheet, "Prova", date(2026, 12, 5))
    board = BoardView(SessionStore(store.engine), [sheet], refresh_seconds=3600, cases=[case])
    assert board.open_board(session.code, secret)
    members = [sessions.join(session, n) for n in ("Anna", "Bruno")]
    forms = [WorksheetForm(sheet, sessions, session, m, poll_seconds=None, load_case=lambda _c: case) for m in members]
    board.case_console.start_button.click()
    for form in forms:
        form.poll_timers()
    voter = forms[0].panels[0]
    assert voter.layout.display == "" and "Arriva una segnalazione" in voter.view.value
    for form in forms:
        form.panels[0].buttons.children[1].click()  # "Aspetti."
    board.refresh()
    assert "Voti arrivati" not in board.case_console.view.value and "</span> 2</td>" in board.case_console.view.value
    forms[1].poll_timers()
    assert "Voti arrivati: <strong>2" in forms[1].panels[0].view.value  # not revealed to the room
    board.case_console.reveal_button.click()
    forms[1].poll_timers()
    assert "abitare-case-split" in forms[1].panels[0].view.value
    confirm = board.case_console.confirm_box.children[1]
    assert confirm.description.startswith("Conferma la scelta della maggioranza")
    confirm.click()
    forms[0].poll_timers()
    assert (
        "scelta della maggioranza" in forms[0].panels[0].view.value
        and "Passa il tempo" in forms[0].panels[0].view.value
    )
    board.mode.value = "wall"
    while "Caso della sala" not in board.wall.value and not board.next_button.disabled:
        board.next_button.click()
    assert "Passa il tempo" in board.wall.value
    import base64
    import re

    md = re.search(r'href="data:text/markdown;charset=utf-8;base64,([^"]+)"', board.exports.value)
    assert md and "Caso giocato dalla sala: Un caso di prova" in base64.b64decode(md[1]).decode("utf-8")
    board.close()
    # the class view: the session, the case, a sentence and the path with the votes (small counts withheld)
    from abitare.cases.store import CaseStore
    from abitare.classview import class_report
    from abitare.facilitators import FacilitatorStore
    from abitare_widgets.classview import ClassView

    FacilitatorStore(store.engine).set_secret("Giulia", "parola-segreta-lunga")
    view = ClassView(
        FacilitatorStore(store.engine),
        lambda: class_report(store.engine, []),
        cases=[case],
        case_store=CaseStore(store.engine),
        refresh_seconds=3600,
    )
    assert view.enter("parola-segreta-lunga")
    shown = "".join(c.value for c in view.content.children if hasattr(c, "value") and isinstance(c.value, str))
    assert "Casi giocati dalla sala" in shown and "Sessione «Prova» del 05/12/2026" in shown
    assert "1 passo deciso, 0 come nel percorso consigliato; a ogni passo con voti" in shown
    assert "Chiami subito.: 0 · Aspetti.: &lt;5" in shown and "Anna" not in shown
    view.close()


def test_ideas_wait_for_approval_and_duplicates_merge(fixture_content, store):
    import base64
    import re

    from abitare.practice.ideas import PostStore
    from abitare_widgets.ideas import PostsPanel

    _, sessions, session, board = opened_board(fixture_content, store, date(2026, 12, 6))
    board.ideas_open.value = True
    board.posts_moderated.value = True
    assert PostStore(store.engine).settings(session).posts_moderated  # remembered with the session
    anna, bruno = sessions.join(session, "Anna"), sessions.join(session, "Bruno")
    panels = [PostsPanel(PostStore(store.engine), session, m, "idea") for m in (anna, bruno)]
    panels[0].entry.value = HOSTILE
    panels[0].send()
    assert "approvata" in panels[0].message.value
    panels[1].entry.value = "Più luce nelle scale"
    panels[1].send()
    panels[0].entry.value = "Luce nelle scale"
    panels[0].send()
    for panel in panels:
        panel.refresh()
    mine = [row.children[0].value for row in panels[0].items.children]
    assert len(mine) == 2 and all("in attesa di approvazione" in text for text in mine)
    assert "&lt;script&gt;" in mine[0] and "<script>" not in mine[0]
    board.refresh()
    assert "Ancora nessun contributo" in board.posts_view.value
    queue = board.post_queue.children
    assert "In attesa: <strong>3" in queue[0].value and "&lt;script&gt;" in queue[1].children[0].value
    # approve the light, hide the script, merge Anna's duplicate into the light
    light = next(r for r in queue[1:] if "Più luce" in r.children[0].value)
    light.children[1].children[0].click()  # Approva
    hostile = next(r for r in board.post_queue.children[1:] if "script" in r.children[0].value)
    hostile.children[1].children[1].click()  # Nascondi
    duplicate = next(r for r in board.post_queue.children[1:] if "Luce nelle scale" in r.children[0].value)
    _approve, _hide, into, merge = duplicate.children[1].children
    assert [label for label, _ in into.options] == ["Più luce nelle scale"]
    merge.click()
    assert "più 1 simile" in board.posts_view.value and "script" not in board.posts_view.value
    panels[1].refresh()
    assert len(panels[1].items.children) == 1 and "Più luce" in panels[1].items.children[0].children[0].value
    panels[0].refresh()
    vote = panels[0].items.children[0].children[1]
    assert vote.description == "Vota"
    vote.click()
    board.refresh()
    assert "1 voto" in board.posts_view.value
    md = re.search(r'href="data:text/markdown;charset=utf-8;base64,([^"]+)"', board.exports.value)
    assert md
    exported = base64.b64decode(md[1]).decode("utf-8")
    assert "\\<script\\>alert\\(1\\)\\</script\\> (0 voti) – Anna [nascosta alla proiezione]" in exported
    assert "[unita a: «Più luce nelle scale»]" in exported
    html = re.search(r'href="data:text/html;charset=utf-8;base64,([^"]+)"', board.exports.value)
    assert html and "&lt;script&gt;alert(1)&lt;/script&gt; (0 voti)" in base64.b64decode(html[1]).decode("utf-8")
    board.close()


def test_the_room_case_writes_money_as_the_rest_of_the_course(store):
    from abitare.cases.schema import load_case
    from abitare.practice.roomcase import RoomCaseStore
    from abitare_widgets.roomcase import room_case_html
    from tests.conftest import CONTENT_DIR

    case = load_case(CONTENT_DIR, "anziano-solo")
    sheet = load_worksheet(CONTENT_DIR, "retrospettiva-pratica")
    session, _ = SessionStore(store.engine).create(sheet, "Prova", date(2026, 12, 6))
    cases = RoomCaseStore(store.engine)
    room = cases.load(session, case, cases.start(session, case))
    assert "Spese per i servizi arretrate: <strong>1.400 €</strong>" in room_case_html(room, show_votes=False)


def test_the_debrief_says_where_the_facilitator_chose_otherwise(fixture_content, store):
    from abitare.cases.schema import load_case
    from abitare.practice.roomcase import RoomCaseStore
    from abitare_widgets.roomcase import room_case_html

    root = fixture_content()
    sheet, case = load_worksheet(root, "prova"), load_case(root, "prova")
    sessions, cases = SessionStore(store.engine), RoomCaseStore(store.engine)
    session, _ = sessions.create(sheet, "Prova", date(2026, 12, 6))
    people = [sessions.join(session, n) for n in ("Anna", "Bruno", "Carla")]
    run_id = cases.start(session, case)
    for votes, confirmed in (([1, 1, 0], 1), ([0, 0, 1], 1)):  # the majority's, then another choice
        room = cases.load(session, case, run_id)
        for member, choice in zip(people, votes, strict=True):
            cases.vote(room, member, choice)
        cases.confirm(cases.load(session, case, run_id), confirmed)
    html = room_case_html(cases.load(session, case, run_id), show_votes=True)
    assert "Finale: Va male" in html and html.count("scelta di chi conduce, diversa dalla più votata") == 1
    assert html.index("Lasci perdere.") < html.index("diversa dalla più votata")


def test_the_moderation_list_names_no_one_the_room_must_not_see_named(fixture_content, store):
    """Anonymous questions stay anonymous on the board too, and the anonymous projection shows no author."""
    from abitare.practice.ideas import PostStore

    sheet = load_worksheet(fixture_content(), "prova")
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, secret = sessions.create(sheet, "Prova", date(2026, 12, 6))
    board = BoardView(SessionStore(store.engine), [sheet], refresh_seconds=3600)
    assert board.open_board(session.code, secret)
    board.ideas_open.value = True
    board.questions_open.value = True
    board.posts_moderated.value = True
    anna = sessions.join(session, "Annalisa")
    posts.add(session, anna, "question", "Chi paga le spese condominiali?")
    posts.add(session, anna, "idea", "Un orto condiviso")
    board.refresh()

    def shown() -> str:
        return " ".join(
            part.value
            for row in board.post_queue.children
            for part in (row.children if hasattr(row, "children") else [row])
            if isinstance(getattr(part, "value", None), str)
        )

    assert "Chi paga" in shown() and "Un orto" in shown()
    assert shown().count("Annalisa") == 1, "the idea's author, not the anonymous question's"
    board.questions_named.value = True
    board.refresh()
    assert shown().count("Annalisa") == 2
    board.anonymous.value = True  # the projection without names: the board shows none either
    board.refresh()
    assert "Annalisa" not in shown() and "Annalisa" not in board.posts_view.value
    board.close()


def test_a_stale_board_does_not_undo_another_boards_decision(fixture_content, store):
    """Two facilitators' tabs: one hides a waiting idea, the other still shows it waiting and approves it."""
    from abitare.practice.ideas import PostStore

    sheet = load_worksheet(fixture_content(), "prova")
    sessions, posts = SessionStore(store.engine), PostStore(store.engine)
    session, secret = sessions.create(sheet, "Prova", date(2026, 12, 6))
    tabs = [BoardView(SessionStore(store.engine), [sheet], refresh_seconds=3600) for _ in range(2)]
    for tab in tabs:
        assert tab.open_board(session.code, secret)
    tabs[0].ideas_open.value = True
    tabs[0].posts_moderated.value = True
    rude = posts.add(session, sessions.join(session, "Anna"), "idea", "Un testo da non mostrare")
    for tab in tabs:
        tab.refresh()
    first, second = (
        next(r for r in tab.post_queue.children[1:] if "da non mostrare" in r.children[0].value) for tab in tabs
    )
    first.children[1].children[1].click()  # «Nascondi» in the first tab
    second.children[1].children[0].click()  # «Approva» in the second, not refreshed yet
    assert "altra finestra" in tabs[1].message.value
    assert rude not in {p.id for p in posts.posts(session, "idea")}, "still hidden from the room"
    for tab in tabs:
        tab.close()


def test_the_anonymous_projection_hides_names_in_the_free_text_queue_too(fixture_content, store):
    """The guide promises that with «Proiezione anonima» the names disappear: the board's queue is on the wall too."""
    sheet, sessions, session, board = opened_board(fixture_content, store, date(2026, 12, 6))
    sessions.save(sheet, sessions.join(session, "Annalisa"), "nome-edificio", "Via Roma 3")
    board.refresh()

    def queue() -> str:
        return " ".join(
            part.value
            for row in board.queue.children
            for part in (row.children if hasattr(row, "children") else [row])
            if isinstance(getattr(part, "value", None), str)
        )

    assert "Via Roma 3" in queue() and "Annalisa" in queue()
    board.anonymous.value = True
    board.refresh()
    assert "Via Roma 3" in queue() and "Annalisa" not in queue()
    board.close()
