"""Content validation: the shipped course is valid, each broken fixture fails precisely."""

import os
import time
from pathlib import Path

import pytest

from abitare.content import load_module, scan
from abitare.errors import ContentError, UnknownModuleError
from abitare.overview import inventory
from tests.conftest import CONTENT_DIR

BROKEN = [
    # defect,                  file (relative to the content root), line, words in the message
    ("yaml-syntax-error", "01_prova/quiz.yaml", 6, "sintassi YAML"),
    ("tab-indentation", "01_prova/module.yaml", 6, "tabulazioni"),
    ("missing-title", "01_prova/module.yaml", 1, "title: campo obbligatorio mancante"),
    ("unknown-field", "01_prova/module.yaml", 9, "durata: campo non previsto"),
    ("duplicate-key", "01_prova/module.yaml", 4, "'title' compare due volte"),
    ("minutes-not-a-number", "01_prova/module.yaml", 4, "estimated_minutes: deve essere un numero intero"),
    ("missing-lesson-file", "01_prova/module.yaml", 9, "'lezioni/02-manca.md' non esiste"),
    ("lesson-outside-folder", "01_prova/module.yaml", 8, "fuori dalla cartella"),
    ("lesson-without-title", "01_prova/lezioni/01-intro.md", 2, "'# Titolo'"),
    ("python-tag", "01_prova/quiz.yaml", 3, "etichetta YAML non ammessa"),
    ("alias-bomb", "01_prova/quiz.yaml", None, "alias bomb"),
    ("two-correct-in-single", "01_prova/quiz.yaml", 4, "esattamente un'opzione"),
    (
        "option-without-feedback",
        "01_prova/quiz.yaml",
        11,
        "questions[1].options[2].feedback: campo obbligatorio",
    ),
    ("duplicate-question-id", "01_prova/quiz.yaml", 3, "'prima' è usato più di una volta"),
    ("impossible-type", "01_prova/quiz.yaml", 5, "type: valore non ammesso"),
    ("bad-folder-name", "1-prova", None, "NN_nome"),
    ("unknown-parameter", "01_prova/quiz.yaml", 6, "il parametro 'sap.soglia_inventata' non esiste"),
    ("broken-internal-link", "01_prova/lezioni/01-intro.md", 5, "porta a un file che non esiste"),
]


def test_shipped_content_is_valid():
    modules, issues = scan(CONTENT_DIR)
    assert issues == []
    assert modules, "no course module shipped"


COURSE = [
    ("sistema-abitativo", "Il sistema dei servizi abitativi in Lombardia e la carriera abitativa"),
    ("inquilinato-sap", "Conoscere l'inquilinato SAP"),
    ("morosita", "Morosità: prevenire e accompagnare"),
    ("convivenza-e-mediazione", "Convivenza, regole e mediazione dei conflitti"),
    ("abitare-temporaneo", "Abitare temporaneo e accompagnamento sociale"),
    ("lavoro-di-rete", "Lavoro di rete e comunità di pratica"),
]


def test_the_course_has_the_six_modules_in_order():
    modules, _ = scan(CONTENT_DIR)
    assert [(m.id, m.title) for m in modules][:6] == COURSE


@pytest.mark.parametrize("module_id", [c[0] for c in COURSE])
def test_each_module_is_complete(module_id):
    m = load_module(CONTENT_DIR, module_id)
    assert m.objectives and 0 < m.estimated_minutes <= 240
    assert len(m.lessons) >= 3 and all(lesson.words >= 400 for lesson in m.lessons), [
        (lesson.id, lesson.words) for lesson in m.lessons
    ]
    assert len(m.questions) >= 8
    assert all(o.feedback and q.explanation for q in m.questions for o in q.choices)
    assert len(m.glossary) >= 3 and m.sources
    for q in m.questions:  # the right number of right options for each type
        right = len(q.correct_indexes)
        expected = {
            "single": right == 1,
            "true_false": right == 1,
            "multiple": right >= 1,
            "ordering": right == 0,
            "calculated": right == 0 and q.calculator is not None,
        }[q.type]
        assert expected, (module_id, q.id)


def test_the_course_uses_every_question_type():
    modules, _ = scan(CONTENT_DIR)
    kinds = {"single", "multiple", "true_false", "ordering", "calculated"}
    assert {q.type for m in modules for q in m.questions} == kinds


def test_no_domain_number_is_retyped_in_lessons():
    """Figures of the parameter file appear in lessons only as {{ references }}."""
    from abitare.parameters import load_parameters

    params = load_parameters()
    # the simulation's model assumptions are not figures a lesson would cite
    shown = {
        p.formatted().removesuffix(" (valore indicativo)")
        for key, p in params.parameters.items()
        if not key.startswith("simulazione.")
    }
    distinctive = {s for s in shown if any(c.isdigit() for c in s) and ("€" in s or "," in s)}
    for m in scan(CONTENT_DIR)[0]:
        for lesson in m.lessons:
            for figure in distinctive:
                assert figure not in lesson.markdown, f"{m.id}/{lesson.id} retypes {figure}"


def test_base_fixture_is_valid(fixture_content):
    modules, issues = scan(fixture_content())
    assert issues == [] and [m.id for m in modules] == ["prova"]


@pytest.mark.parametrize(("defect", "path", "line", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_content_names_file_line_and_problem(fixture_content, defect, path, line, words):
    root: Path = fixture_content(defect)
    _, issues = scan(root)
    assert issues, f"{defect} was accepted"
    rendered = [str(i) for i in issues]
    expected_path = str(Path("content") / path)
    match = [i for i in issues if i.path == expected_path and words in i.message]
    assert match, f"expected {expected_path}:{line} '{words}', got {rendered}"
    if line is not None:
        assert match[0].line == line, rendered


def test_inventory_lists_modules_and_errors(fixture_content):
    inv = inventory(fixture_content("missing-title"))
    assert set(inv) == {"modules", "cases", "worksheets", "templates", "errors", "warnings"}
    assert inv["modules"] == []
    assert inv["errors"][0]["path"].endswith("module.yaml") and inv["errors"][0]["line"] == 1


def test_load_module_reads_one_module(fixture_content):
    root = fixture_content()
    module = load_module(root, "prova")
    assert module.positions == ("presentazione", "01-intro", "verifica", "riepilogo")
    assert module.lessons[0].title == "Introduzione"
    with pytest.raises(UnknownModuleError):
        load_module(root, "nessuno")


def test_a_module_is_read_again_when_a_trainer_changes_it(fixture_content):
    root = fixture_content()
    for path in (root / "01_prova").rglob("*"):  # files saved a minute ago (files saved just now are read each time)
        os.utime(path, (time.time() - 60, time.time() - 60))
    first = load_module(root, "prova")
    assert load_module(root, "prova") is first  # unchanged: not read again (a module page costs no YAML)
    lesson = root / "01_prova" / "lezioni" / "01-intro.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("# Introduzione", "# Premessa"), encoding="utf-8")
    assert load_module(root, "prova").lessons[0].title == "Premessa"
    (root / "01_prova" / "quiz.yaml").write_text("schema_version: 2\nquestions: []\n", encoding="utf-8")
    with pytest.raises(ContentError):  # a broken edit is refused, not hidden behind the copy read before
        load_module(root, "prova")


def test_a_broken_module_does_not_hide_the_others(fixture_content):
    root = fixture_content("bad-folder-name")
    modules, issues = scan(root)
    assert [m.id for m in modules] == ["prova"] and len(issues) == 1


def test_content_error_lists_every_issue(fixture_content):
    root = fixture_content()
    (root / "01_prova" / "quiz.yaml").write_text("schema_version: 2\nquestions: []\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_module(root, "prova")
    assert len(info.value.issues) == 2


def test_a_lesson_saved_with_a_bom_is_read(fixture_content):
    root = fixture_content()
    lesson = root / "01_prova" / "lezioni" / "01-intro.md"
    lesson.write_text("\ufeff" + lesson.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_module(root, "prova").lessons[0].title == "Introduzione"


def test_a_duplicate_module_id_is_reported_and_listed_once(fixture_content):
    import shutil

    root = fixture_content()
    shutil.copytree(root / "01_prova", root / "02_prova")
    modules, issues = scan(root)
    assert [m.folder.name for m in modules] == ["01_prova"]
    assert "già usato dalla cartella 01_prova" in issues[0].message


def test_questions_grade_and_accept_choices(fixture_content):
    question = load_module(fixture_content(), "prova").questions[0]
    assert question.is_correct([0]) and not question.is_correct([1])
    assert question.accepts([1]) and not question.accepts([5]) and not question.accepts([0, 1])
    assert not question.accepts([])


def test_related_items_are_found_where_they_live(fixture_content):
    from abitare.content import available_items

    root = fixture_content()
    calculators = {
        ("calculator", name)
        for name in ("canone-sap", "requisiti-sap", "proprietario", "sostenibilita", "piano-rientro")
    }
    assert available_items(root) == {("case", "prova"), ("worksheet", "prova")} | calculators
    (root / "schede" / "assemblea-pubblica.yaml").write_text("schema_version: 1\n", encoding="utf-8")
    assert ("worksheet", "assemblea-pubblica") in available_items(root)
