"""Document templates: the shipped ones fill and read back as DOCX; broken ones fail with file and line."""

import io
from pathlib import Path

import docx
import pytest
from markdown_it import MarkdownIt

from abitare.errors import ContentError
from abitare.overview import inventory
from abitare.templates import (
    BLANK,
    DocumentTemplate,
    clean_value,
    comuni_names,
    load_template_file,
    scan_templates,
    templates_for_lesson,
)
from tests.conftest import CONTENT_DIR

SHIPPED = {
    "lettera-primo-contatto": "morosita/02-segnali-e-primo-contatto",
    "piano-di-rientro": "morosita/03-piano-di-rientro",
    "patto-di-accompagnamento": "abitare-temporaneo/02-piano-di-accompagnamento",
    "verbale-assemblea-caseggiato": "convivenza-e-mediazione/02-regole-condivise",
    "invito-assemblea-pubblica": "lavoro-di-rete/04-comunicare-e-valutare",
}
GIVEN = {"comune": "San Zenone al Lambro", "operatore": "Giulia Verdi"}


def shipped() -> dict[str, DocumentTemplate]:
    templates, issues = scan_templates(CONTENT_DIR)
    assert issues == []
    return {t.id: t for t in templates}


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def test_the_five_templates_are_shipped_and_valid():
    templates = shipped()
    assert set(SHIPPED) <= set(templates)
    for template_id, lesson in SHIPPED.items():
        assert lesson in templates[template_id].data.lessons


@pytest.mark.parametrize("template_id", sorted(SHIPPED))
def test_each_template_is_offered_under_its_lesson(template_id):
    module_id, lesson_id = SHIPPED[template_id].split("/")
    assert template_id in [t.id for t in templates_for_lesson(CONTENT_DIR, module_id, lesson_id)]


def test_a_lesson_without_templates_offers_none():
    assert templates_for_lesson(CONTENT_DIR, "morosita", "01-capire-la-morosita") == []


@pytest.mark.parametrize("template_id", sorted(SHIPPED))
def test_docx_of_each_template_reads_back_with_the_comune_and_the_title(template_id):
    template = shipped()[template_id]
    data = template.to_docx(GIVEN)
    document = docx.Document(io.BytesIO(data))
    text = docx_text(data)
    assert template.title in text
    assert document.paragraphs[0].text == template.title
    assert document.paragraphs[0].style.name == "Heading 1"
    assert "San Zenone al Lambro" in text
    assert "Giulia Verdi" in text
    assert BLANK in text  # the fields nobody filled in are left to fill by hand
    assert "{{" not in text and "\ue000" not in text and "<" not in text
    props = document.core_properties
    assert props.title == template.title
    assert props.author == "Giulia Verdi" and props.language == "it-IT"
    assert "python-docx" not in f"{props.author} {props.comments} {props.last_modified_by}"


@pytest.mark.parametrize("template_id", sorted(SHIPPED))
def test_markdown_of_each_template_has_the_comune_and_the_title(template_id):
    template = shipped()[template_id]
    text = template.to_markdown(GIVEN)
    assert text.startswith(f"# {template.title}\n")
    assert "San Zenone al Lambro" in text and "Giulia Verdi" in text
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<hr" not in html and BLANK in html  # escaped blanks show as underscores


@pytest.mark.parametrize("template_id", sorted(SHIPPED))
def test_every_template_has_a_data_protection_line_and_no_fiscal_code(template_id):
    template = shipped()[template_id]
    assert "Regolamento (UE) 2016/679" in template.body
    labels = " ".join(f"{f.id} {f.label}" for f in template.data.fields).lower()
    assert "fiscale" not in labels and "codice" not in labels


def test_the_recovery_plan_puts_the_instalment_on_top_of_the_current_rent():
    text = docx_text(shipped()["piano-di-rientro"].to_docx())
    assert "Ogni rata si paga in aggiunta al canone corrente" in text
    assert "non dà diritto a contributi né a fondi pubblici" in text


def test_no_template_promises_money_or_a_home():
    for template in shipped().values():
        body = template.body.lower()
        assert "garantisce l'assegnazione" not in body.replace("non garantisce l'assegnazione", "")
        assert "avrà diritto" not in body and "riceverà il contributo" not in body


def test_without_values_every_field_is_a_blank_and_defaults_apply(tmp_path, fixture_content):
    root = fixture_content()
    path = write(
        root,
        "prova",
        FRONT.replace("  - id: operatore\n", "  - id: operatore\n    default: L'équipe\n"),
    )
    template = load_template_file(path, root)
    assert template.values() == {"comune": "", "operatore": "L'équipe"}
    assert template.blanks() == ["Comune"]
    text = docx_text(template.to_docx())
    assert f"Comune di {BLANK}" in text and "Firma: L'équipe" in text
    assert template.filename("docx") == "prova.docx"
    assert template.filename("docx", {"comune": "San Donato Milanese"}) == "prova-san-donato-milanese.docx"


def test_typed_values_are_text_never_markup(fixture_content):
    root = fixture_content()
    template = load_template_file(write(root, "prova", FRONT), root)
    name = "**Anna** <b>x</b> [link](http://x) # - {{ comune }}"
    data = template.to_docx({"operatore": name + "\n\x07seconda riga", "comune": "Dresano"})
    document = docx.Document(io.BytesIO(data))
    runs = [r for p in document.paragraphs for r in p.runs if "Anna" in r.text]
    assert runs and not any(r.bold for r in runs)
    assert f"{name} seconda riga" in docx_text(data)
    markdown = template.to_markdown({"operatore": name})
    html = MarkdownIt("commonmark").render(markdown)
    assert "<strong>" not in html.split("</h1>", 1)[1] and "<a " not in html and "<b>" not in html
    assert "**Anna**" in html and "{{ comune }}" in html


def test_clean_value_keeps_one_short_line():
    assert clean_value("  Anna\n\tRossi\x00 ") == "Anna Rossi"
    assert len(clean_value("x" * 500)) == 120
    assert clean_value(None) == ""


def test_the_comuni_are_the_nine_of_the_ambito():
    names = comuni_names()
    assert len(names) == 9 and "San Donato Milanese" in names and "Vizzolo Predabissi" in names


# --- broken templates: each problem names the file and the line ------------------------------

FRONT = """---
schema_version: 1
title: Modello di prova
description: Un modello per i test.
lessons:
  - prova/01-intro
fields:
  - id: comune
    label: Comune
  - id: operatore
    label: Chi firma
---
## Intestazione

Comune di {{ comune }}.

Firma: {{ operatore }}
"""


def write(root: Path, name: str, text: str) -> Path:
    folder = root / "modelli"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


BROKEN = [
    # defect, text, line, words in the message
    ("no-front-matter", FRONT.replace("---\n", "", 1), 1, "deve iniziare con una riga '---'"),
    ("front-matter-not-closed", FRONT.replace("---\n## Intestazione", "## Intestazione"), 1, "manca la riga '---'"),
    ("yaml-syntax-error", FRONT.replace("title: Modello di prova", "title: [Modello"), 4, "sintassi YAML"),
    ("missing-title", FRONT.replace("title: Modello di prova\n", ""), 2, "title: campo obbligatorio mancante"),
    ("unknown-key", FRONT.replace("description:", "descrizione:"), 4, "descrizione: campo non previsto"),
    ("no-lessons", FRONT.replace("lessons:\n  - prova/01-intro\n", "lessons: []\n"), 5, "lessons: il numero minimo"),
    ("lesson-not-found", FRONT.replace("prova/01-intro", "prova/09-manca"), 6, "«prova/09-manca» non esiste"),
    (
        "lesson-badly-written",
        FRONT.replace("prova/01-intro", "01_prova/01-intro.md"),
        6,
        "non è una lezione scritta come modulo/lezione",
    ),
    ("duplicate-field", FRONT.replace("  - id: operatore", "  - id: comune"), 7, "«comune» è dichiarato più di"),
    ("field-without-label", FRONT.replace("    label: Chi firma\n", ""), 10, "fields[2].label: campo obbligatorio"),
    ("field-not-declared", FRONT + "\nData: {{ data }}\n", 19, "il campo «data» non è dichiarato"),
    ("field-not-used", FRONT.replace("Firma: {{ operatore }}", "Firma:"), 10, "«operatore» è dichiarato ma"),
    ("bad-placeholder", FRONT + "\n{{ Comune }}\n", 19, "segnaposto non valido"),
    ("unknown-parameter", FRONT + "\nSoglia: {{ sap.soglia_inventata }}\n", 19, "'sap.soglia_inventata' non esiste"),
    ("html", FRONT + "\n<b>grassetto</b>\n", 19, "l'HTML non è ammesso"),
    ("title-in-body", FRONT.replace("## Intestazione", "# Intestazione"), 13, "il titolo del documento è 'title'"),
    ("link", FRONT + "\nVedi [qui](https://example.org).\n", 19, "i collegamenti non sono ammessi"),
    ("blank-line-rule", FRONT + "\n__________\n", 19, "per uno spazio da compilare usa un campo"),
    ("empty-body", FRONT.split("## Intestazione")[0] + "\n", None, "non ha testo"),
]


@pytest.mark.parametrize(("defect", "text", "line", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_template_names_file_and_line(fixture_content, defect, text, line, words):
    root = fixture_content()
    path = write(root, "rotto", text)
    with pytest.raises(ContentError) as info:
        load_template_file(path, root)
    issues = info.value.issues
    match = [i for i in issues if words in i.message]
    assert match, [str(i) for i in issues]
    assert match[0].path == str(Path("content") / "modelli" / "rotto.md")
    if line is not None:
        assert match[0].line == line, [str(i) for i in issues]


def test_a_file_name_with_capitals_is_refused(fixture_content):
    root = fixture_content()
    path = write(root, "Lettera", FRONT)
    with pytest.raises(ContentError, match="minuscole, cifre e trattini"):
        load_template_file(path, root)


def test_check_lists_templates_and_reports_a_broken_one(fixture_content):
    root = fixture_content()
    write(root, "buono", FRONT)
    write(root, "rotto", FRONT.replace("title: Modello di prova\n", ""))
    inv = inventory(root)
    assert [t["id"] for t in inv["templates"]] == ["buono"]
    assert inv["templates"][0] == {
        "id": "buono",
        "title": "Modello di prova",
        "lessons": ["prova/01-intro"],
        "fields": 2,
    }
    assert [e for e in inv["errors"] if e["path"].endswith("modelli/rotto.md") and e["line"] == 2]
    assert inv["modules"], "the templates folder is not read as a course module"


def test_the_word_file_keeps_headings_lists_emphasis_and_tables(fixture_content):
    root = fixture_content()
    body = (
        "## Sezione\n\n### Sottosezione\n\nTesto *corsivo* e **grassetto**.\n\n"
        "1. primo\n2. secondo\n\n- voce\n  - sottovoce\n\n3. terzo\n4. quarto\n\n"
        "| A | B |\n| --- | --- |\n| {{ comune }} | x |\n\nFirma: {{ operatore }}\n"
    )
    template = load_template_file(write(root, "forme", FRONT.split("## Intestazione")[0] + body), root)
    document = docx.Document(io.BytesIO(template.to_docx({"comune": "Carpiano"})))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 2", "Sezione") in styles and ("Heading 3", "Sottosezione") in styles
    assert ("List", "1. primo") in styles and ("List", "2. secondo") in styles
    assert ("List", "3. terzo") in styles  # a list that starts at 3 keeps its numbers
    assert ("List Bullet", "voce") in styles and ("List Bullet 2", "sottovoce") in styles
    runs = {r.text: r for p in document.paragraphs for r in p.runs}
    assert runs["corsivo"].italic and runs["grassetto"].bold
    [table] = document.tables
    assert [c.text for c in table.rows[0].cells] == ["A", "B"] and table.rows[0].cells[0].paragraphs[0].runs[0].bold
    assert table.rows[1].cells[0].text == "Carpiano"
