"""The quiz bank: schema of lessons, draw and calculated questions; engine (draw, shuffle, numbers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from abitare.calc import run_calculator
from abitare.content import InputRange, Question, QuizFile, load_module_dir
from abitare.errors import ContentError
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
