"""Widgets driven headless, as a user's clicks would drive them."""

import logging

from abitare.content import load_course, load_module, scan
from abitare.errors import StorageError
from abitare.quizbank import expected_value
from abitare_widgets import HomeApp, ModulePlayer, QuestionView
from abitare_widgets.safety import GENERIC_MESSAGE
from tests.conftest import CONTENT_DIR

MODULE_ID = "sistema-abitativo"


def _module():
    return load_module(CONTENT_DIR, MODULE_ID)


def test_home_lists_modules_and_links_them_after_identification(store):
    modules, _ = scan(CONTENT_DIR)
    home = HomeApp(load_course(CONTENT_DIR), modules, lambda: store)
    cards = "".join(c.value for c in home.module_list.children)
    assert "Il sistema dei servizi abitativi" in cards and "modulo.ipynb" not in cards
    home.code.value = "Anna B"
    cards = "".join(c.value for c in home.module_list.children)
    assert f"modulo.ipynb?m={MODULE_ID}&amp;p=Anna+B" in cards
    assert "Ti diamo il benvenuto, Anna B" in home.message.value


def test_home_refuses_a_bad_code_in_italian(store):
    home = HomeApp(load_course(CONTENT_DIR), [], lambda: store)
    home.enter("<b>")
    assert "Il codice" in home.message.value and "<b>" not in home.message.value


def test_home_under_jupyterhub_uses_the_hub_user(store):
    home = HomeApp(load_course(CONTENT_DIR), scan(CONTENT_DIR)[0], lambda: store, hub_user="anna.b")
    assert home.participant is not None and home.participant.display_name == "anna.b"


def test_player_resumes_where_the_participant_left(settings, store):
    module = _module()
    p = store.identify("ripresa")
    player = ModulePlayer(module, store, p)
    assert player.position == "presentazione" and player.prev.disabled
    assert "Obiettivi" in player.body.children[0].value
    player.next.click()
    assert player.position == module.lessons[0].id
    player.next.click()
    assert player.position == module.lessons[1].id
    again = ModulePlayer(module, store, p)
    assert again.position == module.lessons[1].id
    assert again.prev.disabled is False
    assert set(store.lessons_read(p.id, MODULE_ID)) == {module.lessons[0].id, module.lessons[1].id}


def test_answering_stores_and_shows_feedback(store):
    module = _module()
    p = store.identify("quiz-tester")
    player = ModulePlayer(module, store, p)
    player.go("verifica")
    views = [c for c in player._quiz.children if isinstance(c, QuestionView)]
    first, other = [v for v in views if v.question.type in ("single", "true_false")][:2]
    question = first.question
    wrong = next(i for i, o in enumerate(question.options) if not o.correct)
    first.select([wrong])
    first.confirm.click()
    assert "Risposta non corretta" in first.feedback.value
    assert question.options[wrong].feedback.split()[0] in first.feedback.value
    assert first.locked and first.selector.disabled, "an answer given is not changed"
    right = sorted(other.question.correct_indexes)
    other.select(right)
    other.confirm.click()
    assert "Risposta corretta" in other.feedback.value
    assert "corrette: 1" in player.score.value
    stored = store.latest_answers(p.id, MODULE_ID)
    assert not stored[question.id].correct and list(stored[question.id].choice) == [wrong]
    assert stored[other.question.id].correct and list(stored[other.question.id].choice) == right


def test_a_failing_save_shows_an_italian_message_and_logs_the_bug(store, caplog):
    module = _module()
    question = module.questions[0]

    def broken(_q, _choice):
        raise RuntimeError("disk on fire")

    view = QuestionView(question, 1, broken)
    view.select([0])
    with caplog.at_level(logging.ERROR, logger="abitare_widgets"):
        view.confirm.click()
    assert GENERIC_MESSAGE.split(".")[0] in view.message.value
    assert "disk on fire" not in view.message.value and view.feedback.value == ""
    assert "disk on fire" in caplog.text
    assert view.selection() == (0,), "the choice must stay to try again"


def test_a_storage_error_is_shown_as_it_is(store):
    def unavailable(_q, _choice):
        raise StorageError("La risposta non è stata salvata: database non raggiungibile.")

    view = QuestionView(_module().questions[0], 1, unavailable)
    view.select([0])
    view.submit()
    assert "La risposta non è stata salvata" in view.message.value


def test_previous_answer_is_restored(store):
    module = _module()
    p = store.identify("restore-me")
    q = [q for q in module.questions if q.type == "single"][1]
    store.start_attempt(p.id, MODULE_ID, 1, None)  # an attempt with every question
    store.record_answer(p.id, MODULE_ID, q.id, sorted(q.correct_indexes), True)
    player = ModulePlayer(module, store, p)
    player.go("verifica")
    view = next(c for c in player._quiz.children if isinstance(c, QuestionView) and c.question is q)
    assert view.selection() == tuple(sorted(q.correct_indexes))
    assert "Risposta corretta" in view.feedback.value


def test_an_answer_made_stale_by_an_edit_is_ignored(store):
    module = _module()
    p = store.identify("stale-answer")
    q = next(q for q in module.questions if q.type == "single")
    store.start_attempt(p.id, MODULE_ID, 1, None)  # an attempt with every question
    store.record_answer(p.id, MODULE_ID, q.id, [len(q.options) + 3], True)  # option since removed
    player = ModulePlayer(module, store, p)
    player.go("verifica")
    view = next(c for c in player._quiz.children if isinstance(c, QuestionView) and c.question is q)
    assert view.selection() == () and view.feedback.value == ""
    assert "Risposte date: 0 su" in player.score.value and player.message.value == ""


def test_a_jupyterhub_email_is_a_valid_identity(store):
    home = HomeApp(load_course(CONTENT_DIR), scan(CONTENT_DIR)[0], lambda: store, hub_user="anna@comune.it")
    assert home.participant is not None and home.participant.display_name == "anna@comune.it"
    assert "modulo.ipynb?m=" in "".join(c.value for c in home.module_list.children)


def test_a_bad_code_after_a_good_one_hides_the_previous_links(store):
    home = HomeApp(load_course(CONTENT_DIR), scan(CONTENT_DIR)[0], lambda: store)
    home.code.value = "prima-persona"
    assert "p=prima-persona" in "".join(c.value for c in home.module_list.children)
    home.code.value = "<x>"
    assert home.participant is None
    assert "prima-persona" not in "".join(c.value for c in home.module_list.children)


def test_an_unreachable_database_gets_one_italian_message(settings):
    from abitare.errors import DatabaseUnavailableError
    from abitare_widgets.safety import DATABASE_MESSAGE

    def no_database():
        raise DatabaseUnavailableError("Il database non è raggiungibile (OperationalError).")

    home = HomeApp(load_course(CONTENT_DIR), [], no_database)
    home.enter("qualcuno")
    assert "non è disponibile in questo momento" in home.message.value
    assert "OperationalError" not in home.message.value
    assert DATABASE_MESSAGE.startswith("Il database del corso")


def test_completing_a_module_shows_it_complete_with_the_score(store):
    module = _module()
    p = store.identify("completa")
    player = ModulePlayer(module, store, p)
    for lesson in module.lessons:
        player.go(lesson.id)
    player.go("verifica")
    views = [c for c in player._quiz.children if isinstance(c, QuestionView)]
    for i, view in enumerate(views):
        q = view.question
        if q.type == "calculated":
            right_value = expected_value(q, view.inputs)
            view.number_box.value = str(right_value + 1000 if i == 0 else right_value).replace(".", ",")
            view.submit()
            continue
        right = list(range(len(q.options))) if q.type == "ordering" else sorted(q.correct_indexes)
        wrong = next(k for k in range(len(q.options)) if k not in q.correct_indexes)
        view.select(right if i else [wrong] if q.type != "ordering" else right[::-1])
        view.submit()
    player.go("riepilogo")
    text = player.body.children[0].value
    total = len(views)
    assert total == (module.quiz.draw or len(module.questions))
    assert "Modulo completato" in text and f"Risposte corrette: {total - 1} su {total}" in text
    summary = player.summary()
    assert summary.complete and summary.correct == total - 1


def test_ordering_questions_take_positions(store):
    from abitare.content import Option, Question

    q = Question(
        id="ordine",
        type="ordering",
        text="Metti in ordine",
        options=[Option(text=t, feedback=f"{t} va qui") for t in ("primo", "secondo", "terzo")],
        explanation="Così.",
    )
    stored = []

    def record(question, choice):
        from abitare.progress import AnswerRecord

        stored.append(choice)
        return AnswerRecord(question.id, choice, question.is_correct(choice), __import__("datetime").datetime.now())

    view = QuestionView(q, 1, record)
    shown = [i for i, _ in view.places]
    assert shown != [0, 1, 2], "the items must not be shown already in order"
    view.confirm.click()
    assert "Assegna a ogni elemento un posto diverso" in view.message.value and stored == []
    for i, dropdown in view.places:
        dropdown.value = {0: 1, 1: 1, 2: 3}[i]  # two items in the same place
    assert view.selection() == ()
    for i, dropdown in view.places:
        dropdown.value = {0: 2, 1: 1, 2: 3}[i]
    view.confirm.click()
    assert stored == [(1, 0, 2)] and "Risposta non corretta" in view.feedback.value
    assert "non è al posto giusto" in view.feedback.value
    view.select([0, 1, 2])
    view.submit()  # answered: locked, a new attempt is the way to try again
    assert stored == [(1, 0, 2)] and all(d.disabled for _, d in view.places)
    assert view.confirm.layout.display == "none"


def test_related_items_appear_only_when_they_exist(store):
    module = _module()
    p = store.identify("collegamenti")
    kind, item = module.related[0].kind, module.related[0].id
    player = ModulePlayer(module, store, p)
    player.go("riepilogo")
    assert "Per esercitarti" not in player.body.children[0].value
    player = ModulePlayer(module, store, p, available=frozenset({(kind, item)}))
    player.go("riepilogo")
    assert "Per esercitarti" in player.body.children[0].value and f"={item}" in player.body.children[0].value
