"""The case player and the facilitator's case view, driven headless on the fixture case."""

from abitare.cases.graph import case_graph_svg
from abitare.cases.schema import load_case
from abitare.cases.store import CaseStore
from abitare_widgets.case import CasePlayer
from abitare_widgets.classview import case_stats_html


def play_to_the_end(player: CasePlayer) -> None:
    while not player.run.finished:
        player.choose(player.run.available()[0][0])


def test_a_case_is_played_stored_and_resumed(fixture_content, store):
    case = load_case(fixture_content(), "prova")
    p = store.identify("giocatrice")
    player = CasePlayer(case, CaseStore(store.engine), p)
    assert "Passo 1" in player.situation.value and "Fiducia" in player.dashboard.value
    assert [b.description for b in player.choice_box.children] == ["Chiami subito.", "Aspetti."]
    player.choice_box.children[0].click()
    assert "Passo 2" in player.situation.value
    # +2 trust from the call; the seeded event on arrival may take one back, and says so
    fired = "Imprevisto" in player.situation.value
    assert ("6 su 10" if fired else "7 su 10") in player.dashboard.value
    again = CasePlayer(case, CaseStore(store.engine), p)  # another browser, or after a restart
    assert again.run.state == player.run.state and again.run.node == player.run.node
    play_to_the_end(again)
    html = again.situation.value
    assert "Finale:" in html and "Il percorso consigliato" in html and "Le tue scelte" in html
    # trust is 6 or 7 at the interview, so the first open choice is the plan: the good ending, which links a lesson
    assert again.run.ending == "buon-esito"
    assert "modulo.ipynb?m=prova&amp;l=01-intro" in html


def test_restart_keeps_the_old_attempt(fixture_content, store):
    case = load_case(fixture_content(), "prova")
    p = store.identify("ricomincia")
    cases = CaseStore(store.engine)
    player = CasePlayer(case, cases, p)
    play_to_the_end(player)
    player.restart_button.click()
    assert player.attempt == 2 and not player.run.steps and "Passo 1" in player.situation.value
    assert cases.choices(p.id, case.id, 1) != []


def test_a_failed_save_changes_nothing(fixture_content, store):
    case = load_case(fixture_content(), "prova")
    p = store.identify("guasto")
    cases = CaseStore(store.engine)
    player = CasePlayer(case, cases, p)
    cases.record_choice(p.id, case.id, 1, 0, "inizio", 1, "attesa")  # same step from another tab
    player.choose(0)
    assert "altra finestra" in player.message.value and player.run.steps == []


def test_the_facilitator_sees_choices_and_endings(fixture_content, store):
    case = load_case(fixture_content(), "prova")
    cases = CaseStore(store.engine)
    for name in ("anna", "bice", "carlo"):
        play_to_the_end(CasePlayer(case, cases, store.identify(name), group="lunedi"))
    html = case_stats_html(cases.class_stats(case, "lunedi"))
    assert "Partecipanti che hanno giocato: <strong>3</strong>" in html
    assert "Chiami subito." in html and "100%" in html and "Finali raggiunti" in html


def test_the_graph_picture_is_svg(fixture_content):
    svg = case_graph_svg(load_case(fixture_content(), "prova"))
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "inizio" in svg


def test_the_facilitator_can_draw_a_case(fixture_content, store):
    from abitare.classview import class_report
    from abitare.facilitators import FacilitatorStore
    from abitare_widgets.classview import ClassView

    case = load_case(fixture_content(), "prova")
    FacilitatorStore(store.engine).set_secret("Giulia", "parola-segreta-lunga")
    view = ClassView(
        FacilitatorStore(store.engine),
        lambda: class_report(store.engine, []),
        cases=[case],
        case_store=CaseStore(store.engine),
    )
    view.enter("parola-segreta-lunga")
    view.graph_button.click()
    assert "data:image/svg+xml;base64," in view.graph.value and "prova.svg" in view.graph.value
    view.close()
    view._timer.join(timeout=10)
    assert not view._timer.is_alive(), "the live updates stop with the page"
