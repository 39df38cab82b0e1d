"""A case played by the whole room: votes, reveal, the facilitator's confirmation, the debrief."""

from datetime import date

import pytest

from abitare.cases.schema import load_case
from abitare.errors import AbitareError
from abitare.practice.roomcase import RoomCaseStore, room_case_markdown
from abitare.practice.sessions import SessionStore
from abitare.practice.worksheets import load_worksheet


def test_the_room_votes_the_facilitator_confirms_and_the_path_moves(store, fixture_content):
    root = fixture_content()
    sheet, case = load_worksheet(root, "prova"), load_case(root, "prova")
    sessions, cases = SessionStore(store.engine), RoomCaseStore(store.engine)
    session, _ = sessions.create(sheet, "Caso in aula", date(2026, 12, 5))
    people = [sessions.join(session, name) for name in ("Anna", "Bruno", "Carla")]
    assert cases.current_case_id(session) is None
    run_id = cases.start(session, case)
    room = cases.load(session, case, run_id)
    assert room.run.node == "inizio" and room.majority() is None and not room.revealed
    cases.vote(room, people[0], 0)
    cases.vote(room, people[0], 1)  # changed her mind: the latest counts
    cases.vote(room, people[1], 1)
    cases.vote(room, people[2], 0)
    with pytest.raises(AbitareError):
        cases.vote(room, people[2], 7)
    room = cases.load(session, case, run_id)
    assert room.votes == {1: 2, 0: 1} and room.majority() == 1
    cases.reveal(room, True)
    assert cases.load(session, case, run_id).revealed
    step = cases.confirm(room, 1)
    assert step.majority and step.split == {1: 2, 0: 1}
    with pytest.raises(AbitareError, match="già stato deciso"):
        cases.confirm(room, 1)  # a second window with the old state
    room = cases.load(session, case, run_id)
    assert room.run.node == "attesa" and room.step == 1 and not room.revealed and room.votes == {}
    for p in people[:2]:
        cases.vote(room, p, 0)
    cases.vote(room, people[2], 1)
    room = cases.load(session, case, run_id)
    step = cases.confirm(room, 1)  # not the majority's choice
    assert not step.majority
    room = cases.load(session, case, run_id)
    assert room.run.finished and room.run.ending == "cattivo-esito" and not room.followed_recommended()
    with pytest.raises(AbitareError, match="finito"):
        cases.vote(room, people[0], 0)
    text = "\n".join(room_case_markdown(room))
    assert "1. Aspetti. (scelta della maggioranza; voti: Chiami subito.: 1, Aspetti.: 2)" in text
    assert "diversa dalla maggioranza" in text and "Finale: Va male" in text and "Percorso consigliato" in text
    # the synthesis: the path beside the recommended one, the votes, who decided; counts only
    from abitare.practice.roomcase import StepSummary
    from abitare.reports.sintesi import room_case_frame, room_case_overview

    cases.start(session, case)  # a second case, started and left: no step to report
    (played,) = cases.summaries(session, lambda _id: case)
    assert played.steps == (
        StepSummary(1, "Aspetti.", "Chiami subito.", False, (("Chiami subito.", 1), ("Aspetti.", 2)), "majority"),
        StepSummary(
            2, "Lasci perdere.", "Proponi un piano.", False, (("Richiami.", 2), ("Lasci perdere.", 1)), "facilitator"
        ),
    )
    assert played.overridden == [2] and played.ending == "Va male" and played.as_recommended == 0
    assert room_case_overview(played) == (
        "2 passi decisi, 0 come nel percorso consigliato; al passo 2 chi conduce ha confermato una scelta "
        "diversa da quella più votata; finale: Va male."
    )
    frame = room_case_frame(played, 5)
    assert list(frame["Voti per scelta"]) == ["Chiami subito.: <5 · Aspetti.: <5", "Richiami.: <5 · Lasci perdere.: <5"]
    assert list(frame["Votanti"]) == ["<5", "<5"] and "Anna" not in frame.to_string()
    # one small count beside the total would give it away: the next one is withheld too
    assert room_case_frame(played, 2)["Voti per scelta"][0] == "Chiami subito.: <2 · Aspetti.: riservato"
    assert list(room_case_frame(played, 2)["Decisione"]) == ["la più votata", "un'altra, scelta da chi conduce"]


def test_a_step_without_votes_or_with_a_tie_is_not_called_against_the_majority(store, fixture_content):
    """The export, the phones and the synthesis say the same thing of each step."""
    from abitare.practice.roomcase import room_case_summary
    from abitare_widgets.roomcase import room_case_html

    root = fixture_content()
    sheet, case = load_worksheet(root, "prova"), load_case(root, "prova")
    sessions, cases = SessionStore(store.engine), RoomCaseStore(store.engine)
    session, _ = sessions.create(sheet, "Caso in aula", date(2026, 12, 6))
    anna, bruno = sessions.join(session, "Anna"), sessions.join(session, "Bruno")
    run_id = cases.start(session, case)
    cases.confirm(cases.load(session, case, run_id), 1)  # nobody voted: the facilitator chose
    room = cases.load(session, case, run_id)
    assert "diversa" not in room_case_html(room, show_votes=False)
    assert "nessuno ha votato" in room_case_html(room, show_votes=False)
    cases.vote(room, anna, 0)
    cases.vote(room, bruno, 1)
    cases.confirm(cases.load(session, case, run_id), 1)  # a tie: either choice is the most voted
    room = cases.load(session, case, run_id)
    assert "la scelta della maggioranza" in room_case_html(room, show_votes=False)
    text = "\n".join(room_case_markdown(room))
    assert "diversa dalla maggioranza" not in text, text
    assert "nessun voto" in text
    assert [s.decision for s in room_case_summary(room).steps] == ["no_votes", "majority"]


def test_the_confirmed_step_keeps_every_vote_and_a_late_vote_is_refused(store, fixture_content):
    """The board's copy is up to a second old when the facilitator confirms; a phone may be too."""
    root = fixture_content()
    sheet, case = load_worksheet(root, "prova"), load_case(root, "prova")
    sessions, cases = SessionStore(store.engine), RoomCaseStore(store.engine)
    session, _ = sessions.create(sheet, "Caso in aula", date(2026, 12, 6))
    anna, bruno, carla = (sessions.join(session, n) for n in ("Anna", "Bruno", "Carla"))
    run_id = cases.start(session, case)
    cases.vote(cases.load(session, case, run_id), anna, 0)
    on_the_board = cases.load(session, case, run_id)  # the facilitator's page: one vote so far
    on_a_phone = cases.load(session, case, run_id)
    cases.vote(on_a_phone, bruno, 1)
    cases.vote(on_a_phone, carla, 1)
    step = cases.confirm(on_the_board, 1)
    assert step.split == {0: 1, 1: 2} and step.majority, "the votes in the database, not the page's copy"
    with pytest.raises(AbitareError, match="passo successivo"):
        cases.vote(on_a_phone, anna, 1)  # her page still shows the decided step: the vote would be lost
    assert cases.load(session, case, run_id).votes == {}
