"""The quiz bank: schema of lessons, draw and calculated questions; engine (draw, shuffle, numbers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from abitare.calc import run_calculator
from abitare.classview import class_report
from abitare.content import InputRange, Question, QuizFile, load_module_dir
from abitare.errors import ContentError
from abitare.progress import AnswerRecord, ProgressStore
from abitare.quizbank import (
    QuizSession,
    draw_items,
    expected_value,
    grade,
    input_values,
    option_order,
    render_text,
)
from abitare.storage import make_engine
from abitare.summary import summarize_module
from abitare.validation import italian_message

OPTIONS = [{"text": "Sì", "correct": True, "feedback": "Giusto."}, {"text": "No", "feedback": "No."}]


def single(qid: str, lesson: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"id": qid, "text": "Domanda?", "options": OPTIONS, "explanation": "Perché."}
    if lesson:
        item["lesson"] = lesson
    return item


def calculated(**changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "rate-piano",
        "type": "calculated",
        "lesson": "01-intro",
        "calculator": "piano-rientro",
        "inputs": {
            "arretrato": {"min": 1200, "max": 3600, "step": 100},
            "capacita_mensile": {"min": 80, "max": 200, "step": 10},
        },
        "answer": "rate",
        "unit": "rate",
        "text": "Arretrato di {arretrato} €, {capacita_mensile} € al mese: quante rate?",
        "explanation": "Si divide l'arretrato per quanto il nucleo può versare, arrotondando per eccesso.",
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not None}


def error_of(data: dict[str, Any]) -> str:
    """The Italian messages an author reads for ``data``."""
    with pytest.raises(ValidationError) as info:
        Question.model_validate(data)
    return "; ".join(italian_message(e) for e in info.value.errors(include_url=False))


# --- schema -----------------------------------------------------------------


def test_a_calculated_question_loads_and_keeps_its_ranges():
    q = Question.model_validate(calculated())
    assert q.type == "calculated" and q.options is None and q.tolerance == 0
    assert q.inputs is not None
    rng = q.inputs["arretrato"]
    assert isinstance(rng, InputRange) and rng.ends() == (1200, 3600) and rng.count() == 25
    assert q.correct_indexes == frozenset() and not q.accepts([0])


def test_existing_types_still_load_without_lesson():
    q = Question.model_validate(single("a"))
    assert q.lesson is None and q.correct_indexes == {0}


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"calculator": "inventato"}, "il calcolatore 'inventato' non esiste"),
        ({"answer": "mesi"}, "non dà la cifra 'mesi'"),
        ({"answer": "sostenibile"}, "non è un numero"),
        ({"inputs": {"arretrato": 100, "capacita": 5}}, "non ha i dati 'capacita'"),
        ({"text": "Arretrato {arretrato}, rata {rata}?"}, "{rata}"),
        ({"text": "Quante rate servono?"}, "non compare nel testo"),
        ({"options": OPTIONS}, "non ha 'options'"),
        ({"unit": None}, "mancano i campi 'unit'"),
        ({"tolerance": -1}, "tolerance: deve essere almeno 0"),
        (
            {"inputs": {"arretrato": {"min": 0, "max": 100, "step": 10}, "capacita_mensile": 50}},
            "arretrato=0",
        ),
        ({"inputs": {"arretrato": {"min": 10, "max": 5, "step": 1}, "capacita_mensile": 5}}, "minore di 'min'"),
        ({"inputs": {"arretrato": {"min": 10, "max": 50, "step": 0}, "capacita_mensile": 5}}, "maggiore di 0"),
    ],
)
def test_a_wrong_calculated_question_is_refused_in_italian(changes, words):
    assert words in error_of(calculated(**changes))


def test_calculator_fields_are_refused_on_other_types():
    assert "valgono solo per le domande di tipo 'calculated'" in error_of({**single("a"), "answer": "rate"})


def test_options_are_still_required_on_choice_questions():
    assert "options" in error_of({"id": "a", "text": "Domanda?", "explanation": "Perché."})


def test_draw_cannot_exceed_the_bank():
    with pytest.raises(Exception, match="ne ha solo 2"):
        QuizFile.model_validate({"schema_version": 1, "draw": 3, "questions": [single("a"), single("b")]})


def write_module(root: Path, quiz: dict[str, Any], lessons: tuple[str, ...] = ("01-intro", "02-altro")) -> Path:
    import yaml

    folder = root / "01_prova"
    (folder / "lezioni").mkdir(parents=True)
    for name in lessons:
        (folder / "lezioni" / f"{name}.md").write_text("# Titolo\n\nTesto della lezione.\n", encoding="utf-8")
    module = {
        "schema_version": 1,
        "title": "Prova",
        "summary": "Prova.",
        "estimated_minutes": 10,
        "objectives": ["Provare"],
        "lessons": [f"lezioni/{name}.md" for name in lessons],
        "quiz": "quiz.yaml",
    }
    (folder / "module.yaml").write_text(yaml.safe_dump(module, allow_unicode=True), encoding="utf-8")
    (folder / "quiz.yaml").write_text(
        yaml.safe_dump({"schema_version": 1, **quiz}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return folder


def load_errors(tmp_path: Path, quiz: dict[str, Any], **kw: Any) -> list[str]:
    folder = write_module(tmp_path, quiz, **kw)
    with pytest.raises(ContentError) as info:
        load_module_dir(folder, tmp_path)
    return [f"{i.path}:{i.line}: {i.message}" for i in info.value.issues]


def test_a_module_with_a_bank_loads(tmp_path):
    quiz = {"draw": 2, "questions": [single("a", "01-intro"), single("b", "02-altro"), calculated()]}
    module = load_module_dir(write_module(tmp_path, quiz), tmp_path)
    assert module.quiz is not None and module.quiz.draw == 2
    assert [q.lesson for q in module.questions] == ["01-intro", "02-altro", "01-intro"]


def test_an_unknown_lesson_is_named_with_file_and_line(tmp_path):
    errors = load_errors(tmp_path, {"questions": [single("a", "01-intro"), single("b", "09-manca")]})
    assert len(errors) == 1
    assert "01_prova/quiz.yaml:" in errors[0] and "la lezione '09-manca' non è tra le lezioni" in errors[0]
    line = int(errors[0].split(":")[1])
    text = (tmp_path / "01_prova" / "quiz.yaml").read_text(encoding="utf-8").splitlines()
    assert "09-manca" in text[line - 1]


def test_draw_needs_a_lesson_on_every_question(tmp_path):
    errors = load_errors(
        tmp_path, {"draw": 2, "questions": [single("a", "01-intro"), single("b"), single("c", "02-altro")]}
    )
    assert len(errors) == 1 and "la domanda 'b' non ha 'lesson'" in errors[0]


def test_draw_must_cover_every_lesson(tmp_path):
    errors = load_errors(
        tmp_path,
        {"draw": 1, "questions": [single("a", "01-intro"), single("b", "01-intro")]},
    )
    assert any("il modulo ha 2 lezioni" in e for e in errors)
    assert any("la lezione '02-altro' non ha nessuna domanda" in e for e in errors)


# --- the calculator agrees --------------------------------------------------


def test_the_checked_corners_are_answered_by_the_calculator():
    q = Question.model_validate(calculated())
    corners = q._corners()
    assert len(corners) == 4
    assert run_calculator("piano-rientro", corners[-1]).figures["rate"] == 18  # 3600 / 200


# --- engine: order, draw, values, grading ------------------------------------


def bank_module(tmp_path: Path) -> Any:
    """Three lessons, seven questions (a calculated one), four drawn per attempt."""
    lessons = ("01-intro", "02-altro", "03-terza")
    many = [{"text": f"Opzione {k}", "correct": k == 2, "feedback": "Nota."} for k in range(5)]
    questions = [
        {**single("a", "01-intro"), "options": many},
        single("b", "01-intro"),
        single("c", "02-altro"),
        single("d", "02-altro"),
        single("e", "03-terza"),
        single("f", "03-terza"),
        calculated(),
    ]
    return load_module_dir(write_module(tmp_path, {"draw": 4, "questions": questions}, lessons=lessons), tmp_path)


def test_option_order_is_stable_per_participant_and_differs_between_them():
    q = Question.model_validate(
        {**single("a"), "options": [{"text": f"O{k}", "feedback": "x", "correct": k == 0} for k in range(6)]}
    )
    first = option_order(q, "anna", "m")
    assert first == option_order(q, "anna", "m") and sorted(first) == list(range(6))
    orders = {tuple(option_order(q, f"persona-{k}", "m")) for k in range(20)}
    assert len(orders) > 10, "participants must not all see the same order"
    assert option_order(q, "anna", "m") != option_order(q, "anna", "altro-modulo") or len(orders) > 10


def test_true_false_keeps_vero_then_falso():
    q = Question.model_validate(
        {
            "id": "vf",
            "type": "true_false",
            "text": "Affermazione.",
            "options": [{"text": "Falso", "correct": True, "feedback": "Sì."}, {"text": "Vero", "feedback": "No."}],
            "explanation": "Perché.",
        }
    )
    assert {option_order(q, f"p{k}", "m")[0] for k in range(10)} == {1}  # «Vero» (YAML index 1) first


def test_every_draw_covers_every_lesson_and_a_retry_draws_again(tmp_path):
    module = bank_module(tmp_path)
    lessons = [lesson.id for lesson in module.lessons]
    by_id = {q.id: q for q in module.questions}
    for k in range(30):
        items = draw_items(module.quiz, lessons, f"persona-{k}", module.id, 1)
        assert len(items) == 4 and {by_id[i].lesson for i in items} == set(lessons)
        assert items == draw_items(module.quiz, lessons, f"persona-{k}", module.id, 1), "stable"
        again = draw_items(module.quiz, lessons, f"persona-{k}", module.id, 2, avoid=items)
        assert again != items and {by_id[i].lesson for i in again} == set(lessons)


def test_calculated_values_come_from_the_ranges_and_the_answer_from_the_calculator():
    q = Question.model_validate(calculated())
    values = input_values(q, "anna", "m", 1)
    assert values == input_values(q, "anna", "m", 1)
    assert 1200 <= values["arretrato"] <= 3600 and values["arretrato"] % 100 == 0
    assert {tuple(input_values(q, "anna", "m", n).values()) for n in range(1, 8)} != {tuple(values.values())}
    right = run_calculator("piano-rientro", values).figures["rate"]
    assert expected_value(q, values) == right
    record = AnswerRecord(q.id, (), False, datetime.now(UTC), 1, float(right), values)
    assert grade(q, record) is True
    assert grade(q, replace(record, value=right + 1)) is False
    assert grade(Question.model_validate(calculated(tolerance=1)), replace(record, value=right + 1)) is True
    assert grade(q, replace(record, inputs={"arretrato": 100})) is None  # asked with other inputs: stale
    assert render_text(q.text, {"arretrato": 1500, "capacita_mensile": 80.5}) == (
        "Arretrato di 1.500 €, 80,5 € al mese: quante rate?"
    )


def test_italian_numbers_are_read_and_text_is_refused_in_italian():
    from abitare_widgets.quiz import parse_answer_number

    assert parse_answer_number("1.234,5") == 1234.5 and parse_answer_number("1234,5") == 1234.5
    assert parse_answer_number(" 18 ") == 18 and parse_answer_number("3.500") == 3500
    assert parse_answer_number("46,5%") == 46.5 and parse_answer_number("1.200 €") == 1200
    with pytest.raises(ValueError, match="«diciotto» non è un numero"):
        parse_answer_number("diciotto")
    with pytest.raises(ValueError, match="Scrivi un numero"):
        parse_answer_number("  ")


def test_attempts_and_answers_round_trip_through_the_store(store, tmp_path):
    module = bank_module(tmp_path)
    p = store.identify("banca")
    session = QuizSession(store, p.id, p.code, module)
    assert store.quiz_attempts(p.id, module.id) == []
    session.ensure_started()
    first = session.state.items
    assert [a.items for a in store.quiz_attempts(p.id, module.id)] == [first]
    calc = by_type(session, "calculated")
    choice = by_type(session, "single")
    if calc is not None:
        inputs = session.inputs(calc)
        session.answer(calc, expected_value(calc, inputs))
    wrong = next(i for i, o in enumerate(choice.choices) if not o.correct)
    session.answer(choice, (wrong,))
    again = QuizSession(store, p.id, p.code, module)  # a reload
    assert again.state.items == first and again.attempt_number == 1
    assert again.state.answers[choice.id].choice == (wrong,) and not again.state.answers[choice.id].correct
    if calc is not None:
        stored = again.state.answers[calc.id]
        assert stored.correct and stored.inputs == inputs and again.inputs(calc) == inputs
    again.retry()
    assert again.attempt_number == 2 and again.state.items != first and again.state.answers == {}
    third = QuizSession(store, p.id, p.code, module)
    assert third.state.items == again.state.items and third.attempt_number == 2


def by_type(session: QuizSession, kind: str) -> Question | None:
    return next((q for q in session.questions if q.type == kind), None)


def test_the_score_counts_the_drawn_items_of_the_last_complete_attempt(store, tmp_path):
    module = bank_module(tmp_path)
    p = store.identify("punteggio")
    session = QuizSession(store, p.id, p.code, module)
    for q in session.questions:
        if q.type == "calculated":
            session.answer(q, expected_value(q, session.inputs(q)))
        else:
            session.answer(q, tuple(sorted(q.correct_indexes)))
    summary = summarize_module(store, p, module)
    assert summary.questions_total == 4 and summary.correct == 4 and summary.drawn == session.state.items
    session.retry()  # an attempt begun does not undo the last complete one
    first = session.questions[0]
    session.answer(first, (1,) if first.type != "calculated" else -1.0)
    summary = summarize_module(store, p, module)
    assert summary.correct == 4 and summary.questions_total == 4


def test_the_class_report_counts_each_question_over_those_shown_it(store, tmp_path):
    module = bank_module(tmp_path)
    shown: dict[str, int] = {}
    for k in range(4):
        p = store.identify(f"classe-{k}")
        session = QuizSession(store, p.id, p.code, module)
        for q in session.questions:
            shown[q.id] = shown.get(q.id, 0) + 1
            if q.type == "calculated":
                session.answer(q, expected_value(q, session.inputs(q)))
            else:
                session.answer(q, tuple(sorted(q.correct_indexes)) if k else (4,) if q.id == "a" else (1,))
    report = class_report(store.engine, [module])
    stats = {s.question_id: s for s in report.questions}
    assert {q: s.shown for q, s in stats.items() if s.shown} == shown
    assert all(s.answered == s.shown for s in stats.values())
    for s in stats.values():
        if s.answered:
            wrong = 1 if s.kind != "calculated" and "classe-0" in _shown_to(report, s.question_id) else 0
            assert s.wrong == wrong and s.right_percent == round(100 * (s.answered - wrong) / s.answered)
    assert "mostrata_a;risposte;giuste" in report.questions_csv().splitlines()[0]
    calc_rows = [r for r in report.answer_rows if r.question_id == "rate-piano"]
    assert all("arretrato=" in r.inputs and r.correct for r in calc_rows)


def _shown_to(report: Any, question_id: str) -> set[str]:
    return {r.participant for r in report.answer_rows if r.question_id == question_id}


def test_legacy_answers_become_a_first_attempt_with_every_question(settings):
    """Migration 0005 on answers stored by 0004: attempt 1, no drawn list, every answer kept
    (and 0005 goes back down to 0004 cleanly)."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from abitare.storage import _alembic_config, upgrade

    url = settings.database_url
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = _alembic_config(url)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO participants (code, display_name, created_at, last_seen_at) VALUES ('x', 'X', :t, :t)"),
            {"t": datetime.now(UTC)},
        )
        pid = conn.execute(text("SELECT id FROM participants WHERE code = 'x'")).scalar_one()
        for qid in ("a", "b"):
            conn.execute(
                text(
                    "INSERT INTO answers (participant_id, module_id, question_id, choice, correct, answered_at) "
                    "VALUES (:p, 'm', :q, '[0]', true, :t)"
                ),
                {"p": pid, "q": qid, "t": datetime.now(UTC)},
            )
    engine.dispose()
    upgrade(url)
    store = ProgressStore(make_engine(url))
    assert [(a.number, a.items) for a in store.quiz_attempts(pid, "m")] == [(1, None)]
    assert [(r.question_id, r.attempt, r.choice) for r in store.all_answers(pid, "m")] == [
        ("a", 1, (0,)),
        ("b", 1, (0,)),
    ]


# --- the lint of abitare check -----------------------------------------------


def opts(*texts: str, right: int = 0) -> list[dict[str, Any]]:
    return [{"text": t, "correct": i == right, "feedback": "Nota."} for i, t in enumerate(texts)]


def tf(qid: str, key: str) -> dict[str, Any]:
    return {
        "id": qid,
        "type": "true_false",
        "text": "Affermazione.",
        "options": opts("Vero", "Falso", right=0 if key == "Vero" else 1),
        "explanation": "Perché.",
    }


def lint_of(tmp_path: Path, questions: list[dict[str, Any]]) -> list[str]:
    from abitare.quizlint import lint_module

    module = load_module_dir(write_module(tmp_path, {"questions": questions}, lessons=("01-intro",)), tmp_path)
    return [f"{i.path}:{i.line}: {i.message}" for i in lint_module(module, tmp_path)]


def test_a_qualifier_on_some_options_only_is_a_giveaway(tmp_path):
    found = lint_of(
        tmp_path,
        [
            {**single("soglia"), "options": opts("20.000 €", "35.000 € (valore indicativo)", "50.000 €")},
            {**single("glossa"), "options": opts("Pseudonimizzare (sostituire i nomi)", "Pubblicare")},
            {**single("tutte"), "options": opts("1 (valore indicativo)", "2 (valore indicativo)")},
        ],
    )
    assert len(found) == 1 and "domanda 'soglia'" in found[0] and "(valore indicativo)" in found[0]
    where, line = found[0].split(":")[:2]
    assert where.endswith("/01_prova/quiz.yaml") and int(line) > 1


def test_the_right_option_longest_in_most_items_is_a_giveaway(tmp_path):
    long_right = [
        {**single(f"lunga-{k}"), "options": opts("Una risposta lunga e piena di sfumature", "Breve", "Corta")}
        for k in range(3)
    ]
    balanced = {**single("pari"), "options": opts("Breve", "Lunga assai, questa sì")}
    found = lint_of(tmp_path, [*long_right, balanced])
    assert len(found) == 1 and "più lunga in 3 domande a risposta singola su 4" in found[0]
    assert "lunga-0, lunga-1, lunga-2" in found[0]


def test_half_or_fewer_longest_right_options_pass(tmp_path):
    items = [
        {**single("lunga"), "options": opts("Una risposta lunga e piena di sfumature", "Breve")},
        {**single("pari"), "options": opts("Breve", "Lunga assai, questa sì")},
    ]
    assert lint_of(tmp_path, items) == []


def test_true_false_keys_all_the_same_are_a_giveaway(tmp_path):
    found = lint_of(tmp_path, [tf("uno", "Falso"), tf("due", "Falso")])
    assert len(found) == 1 and "entrambe le domande vero/falso" in found[0] and "«Falso»" in found[0]
    assert lint_of(tmp_path / "bis", [tf("uno", "Falso"), tf("due", "Vero")]) == []


def test_the_lint_blocks_check_and_can_be_turned_down_to_warnings(tmp_path, monkeypatch):
    from abitare import quizlint
    from abitare.overview import inventory

    (tmp_path / "course.yaml").write_text(
        "schema_version: 1\ntitle: C\nsubtitle: S\nintro: I\nidentity_help: H\n", encoding="utf-8"
    )
    write_module(tmp_path, {"questions": [tf("uno", "Vero"), tf("due", "Vero")]}, lessons=("01-intro",))
    inv = inventory(tmp_path)
    assert len(inv["errors"]) == 1 and inv["warnings"] == []  # the shipped quizzes pass: it blocks
    monkeypatch.setattr(quizlint, "BLOCKING", False)
    inv = inventory(tmp_path)
    assert inv["errors"] == [] and len(inv["warnings"]) == 1


def test_a_shuffled_question_stores_yaml_indexes_not_shown_positions():
    from abitare_widgets.quiz import QuestionView

    q = Question.model_validate({**single("a"), "options": opts("Zero", "Uno", "Due", right=2)})
    stored: list[Any] = []

    def record(question: Question, choice: Any) -> AnswerRecord:
        stored.append(choice)
        return AnswerRecord(question.id, choice, question.is_correct(choice), datetime.now(UTC))

    view = QuestionView(q, 1, record, order=[2, 0, 1])
    assert view.shown_labels() == ["Due", "Zero", "Uno"]
    view.selector.value = view.selector.options[0][1]  # the first option shown: «Due»
    view.submit()
    assert stored == [(2,)] and view.record is not None and view.record.correct
    multi = Question.model_validate({**single("m"), "type": "multiple", "options": opts("Zero", "Uno", "Due", right=1)})
    mview = QuestionView(multi, 2, record, order=[1, 2, 0])
    mview.checks[0][1].value = True  # the first box shown: «Uno»
    mview.submit()
    assert stored[-1] == (1,)
