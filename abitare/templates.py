"""Document templates to take away: Markdown with fields, filled in and saved as DOCX or Markdown.

A template is ``modules/modelli/<id>.md``: a YAML front matter (title, description,
the lessons that offer it, its fields with Italian labels and optional defaults)
between two ``---`` lines, then the document in a small part of Markdown (headings
``##``/``###``, paragraphs, **bold**, *italic*, bullet and numbered lists, tables).
A field is written ``{{ comune }}``; a domain number ``{{ sap.isee_accesso }}`` as
in the lessons. A field left empty becomes a blank to fill in by hand (``__________``).

Values typed by a user are inserted as text, never read as Markdown: the DOCX is
built from the template's own structure and each value goes into a text run; the
Markdown copy escapes the characters Markdown would interpret.

(Not to be confused with the worksheets, ``abitare.practice.worksheets``, nor with Voilà's
page templates.)
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from abitare.contentbase import ITEM_NAME, ContentItem, Schema, display_path, lesson_exists
from abitare.errors import ContentError, ContentIssue
from abitare.parameters import PLACEHOLDER, ParameterSet, load_parameters
from abitare.paths import DATASETS_DIR
from abitare.validation import validate_located
from abitare.yamlsafe import MAX_BYTES, Located, load_yaml, parse_yaml

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = [
    "BLANK",
    "DOCX_MIME",
    "MARKDOWN_MIME",
    "TEMPLATES_FOLDER",
    "DocumentTemplate",
    "TemplateFile",
    "clean_value",
    "comuni_names",
    "load_template_file",
    "scan_templates",
    "templates_for_lesson",
]

log = logging.getLogger(__name__)

TEMPLATES_FOLDER = "modelli"
#: What a field without a value becomes: a space to fill in by hand.
BLANK = "_" * 10
#: Longest value accepted for a field (a name, a Comune, a date).
MAX_VALUE = 120
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN_MIME = "text/markdown;charset=utf-8"

FIELD = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")
_ANY_BRACES = re.compile(r"\{\{.*?(\}\}|$)", re.M)
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use marks around a field while the Markdown is parsed
_SLOT = re.compile(f"{_OPEN}(\\d+){_CLOSE}")

FieldId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
_LESSON_REF = re.compile(r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$")


def _lesson_ref(value: str) -> str:
    if not _LESSON_REF.match(value):
        raise ValueError(
            f"«{value}» non è una lezione scritta come modulo/lezione (l'id del modulo senza il numero "
            "e il nome del file senza .md), ad esempio morosita/03-piano-di-rientro"
        )
    return value


#: A lesson as the cases name it (``abitare.contentbase.lesson_exists``): module id, then the file's stem.
LessonRef = Annotated[str, AfterValidator(_lesson_ref)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class TemplateField(Schema):
    """A field of a template: its id (as written in ``{{ }}``), its Italian label, a default."""

    id: FieldId
    label: Text
    default: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_VALUE)] | None = None


class TemplateFile(Schema):
    """The front matter of a template."""

    schema_version: Literal[1]
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    description: Text
    lessons: list[LessonRef] = Field(min_length=1)
    fields: list[TemplateField] = Field(default_factory=list, max_length=40)

    @field_validator("fields")
    @classmethod
    def _unique(cls, fields: list[TemplateField]) -> list[TemplateField]:
        ids = [f.id for f in fields]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"il campo «{dup}» è dichiarato più di una volta")
        return fields


@dataclass(frozen=True)
class DocumentTemplate(ContentItem[TemplateFile]):
    """A checked template, ready to fill."""

    body: str

    @property
    def field_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.data.fields)

    def label(self, field_id: str) -> str:
        return next(f.label for f in self.data.fields if f.id == field_id)

    def values(self, given: Mapping[str, str] | None = None) -> dict[str, str]:
        """Each field's value: what was given (cleaned), else its default, else empty."""
        given = given or {}
        out = {}
        for f in self.data.fields:
            value = clean_value(given.get(f.id, ""))
            out[f.id] = value or (f.default or "")
        return out

    def blanks(self, given: Mapping[str, str] | None = None) -> list[str]:
        """Labels of the fields that stay to be filled in by hand."""
        values = self.values(given)
        return [f.label for f in self.data.fields if not values[f.id]]

    def filename(self, extension: str, given: Mapping[str, str] | None = None) -> str:
        """``piano-di-rientro-san-donato-milanese.docx``: the id, then the Comune when given."""
        comune = self.values(given).get("comune", "")
        suffix = re.sub(r"[^a-z0-9]+", "-", _ascii(comune).lower()).strip("-")
        return f"{self.id}{'-' + suffix if suffix else ''}.{extension}"

    # --- rendering ----------------------------------------------------------------------

    def to_markdown(self, given: Mapping[str, str] | None = None, params: ParameterSet | None = None) -> str:
        """The filled document as Markdown text (values escaped, blanks as underscores)."""
        values = self.values(given)
        body = (params or load_parameters()).fill_text(self.body)
        body = FIELD.sub(lambda m: markdown_escape(values[m[1]]) if values[m[1]] else r"\_" * len(BLANK), body)
        return f"# {self.title}\n\n{body.strip()}\n"

    def to_docx(self, given: Mapping[str, str] | None = None, params: ParameterSet | None = None) -> bytes:
        """The filled document as a Word file (DOCX)."""
        from abitare.docx_writer import write_docx

        values = self.values(given)
        order = list(values)
        body = (params or load_parameters()).fill_text(self.body)
        body = FIELD.sub(lambda m: f"{_OPEN}{order.index(m[1])}{_CLOSE}", body)

        def fill(text: str) -> str:
            return _SLOT.sub(lambda m: values[order[int(m[1])]] or BLANK, text)

        return write_docx(self.title, _parser().parse(body), fill, author=values.get("operatore", ""))


# --- values ---------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def clean_value(raw: object) -> str:
    """A typed value made safe to insert: text only, one line, no control characters, capped."""
    if not isinstance(raw, str):
        return ""
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in unicodedata.normalize("NFC", raw))
    return " ".join(text.split())[:MAX_VALUE].strip()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~{}])")
_MD_LEADING = re.compile(r"^([-+=]|\d+[.)])")


def markdown_escape(text: str) -> str:
    """``text`` as Markdown that shows exactly ``text``."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LEADING.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], escaped)


def comuni_names(path: Path = DATASETS_DIR / "comuni.yaml") -> list[str]:
    """The nine municipalities of the Ambito, as ``datasets/comuni.yaml`` spells them.

    Read here with the YAML loader alone: :mod:`abitare.data` would import pandas into the
    page's kernel just for nine names.
    """
    data = load_yaml(path, path.name).data
    return [str(c["nome"]) for c in data["comuni"]]


# --- Markdown ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # html on: so that raw HTML is found and refused by the check, never passed on.
    # breaks on: a line break inside a paragraph is kept (addresses, signatures).
    return MarkdownIt("commonmark", {"html": True, "breaks": True, "typographer": True}).enable(
        ["table", "replacements", "smartquotes"]
    )


_ALLOWED_BLOCKS = {
    "paragraph_open",
    "paragraph_close",
    "inline",
    "heading_close",
    "bullet_list_open",
    "bullet_list_close",
    "ordered_list_open",
    "ordered_list_close",
    "list_item_open",
    "list_item_close",
    *(f"{part}_{end}" for part in ("table", "thead", "tbody", "tr", "th", "td") for end in ("open", "close")),
}
_ALLOWED_INLINE = {"text", "strong_open", "strong_close", "em_open", "em_close", "softbreak", "hardbreak"}
_REFUSED = {
    "html_block": "l'HTML non è ammesso in un modello: usa solo Markdown",
    "html_inline": "l'HTML non è ammesso in un modello: usa solo Markdown",
    "link_open": "i collegamenti non sono ammessi in un modello (il documento si usa anche stampato)",
    "image": "le immagini non sono ammesse in un modello",
    "code_inline": "il codice (testo tra `) non è ammesso in un modello",
    "fence": "i blocchi di codice non sono ammessi in un modello",
    "code_block": "un rientro di quattro spazi crea un blocco di codice, non ammesso: togli il rientro",
    "hr": "una riga di soli trattini o trattini bassi non è ammessa: per uno spazio da compilare usa un campo",
    "blockquote_open": "le citazioni (righe che iniziano con '>') non sono ammesse in un modello",
}


def _markup_issues(body: str, display: str, first_line: int) -> list[ContentIssue]:
    issues: list[ContentIssue] = []
    line = first_line
    for token in _parser().parse(body):
        if token.map:
            line = first_line + token.map[0]
        kind = token.type
        if kind == "heading_open":
            if token.tag not in ("h2", "h3"):
                message = (
                    "il titolo del documento è 'title': nel testo usa '##' e '###'"
                    if token.tag == "h1"
                    else "usa al massimo due livelli di titolo nel testo ('##' e '###')"
                )
                issues.append(ContentIssue(display, line, message + "."))
            continue
        if kind not in _ALLOWED_BLOCKS:
            why = _REFUSED.get(kind, f"elemento Markdown non ammesso ({kind})")
            issues.append(ContentIssue(display, line, why + "."))
            continue
        for child in token.children or []:
            if child.type not in _ALLOWED_INLINE:
                why = _REFUSED.get(child.type, f"elemento Markdown non ammesso ({child.type})")
                issues.append(ContentIssue(display, line, why + "."))
    return issues


def _field_issues(
    body: str, data: TemplateFile, located: Located, display: str, first_line: int, params: ParameterSet
) -> list[ContentIssue]:
    issues: list[ContentIssue] = []
    declared = {f.id for f in data.fields}
    used: set[str] = set()
    for m in _ANY_BRACES.finditer(body):
        line = first_line + body.count("\n", 0, m.start())
        field, param = FIELD.fullmatch(m[0]), PLACEHOLDER.fullmatch(m[0])
        if field:
            used.add(field[1])
            if field[1] not in declared:
                issues.append(ContentIssue(display, line, f"il campo «{field[1]}» non è dichiarato in 'fields'."))
        elif param:
            if param[1] not in params.parameters:
                issues.append(
                    ContentIssue(
                        display,
                        line,
                        f"il parametro '{param[1]}' non esiste nel file dei parametri (abitare/parameters.yaml).",
                    )
                )
        else:
            issues.append(
                ContentIssue(
                    display,
                    line,
                    f"segnaposto non valido: {m[0].strip()!r}. Un campo si scrive così: {{{{ comune }}}} "
                    "(lettere minuscole, cifre e trattini bassi).",
                )
            )
    for i, f in enumerate(data.fields):
        if f.id not in used:
            issues.append(
                ContentIssue(
                    display,
                    located.line_for(("fields", i, "id")),
                    f"il campo «{f.id}» è dichiarato ma il testo non lo usa.",
                )
            )
    return issues


# --- loading --------------------------------------------------------------------------------


def _split(text: str, display: str) -> tuple[str, str, int]:
    """(front matter, body, line where the body starts) of a template file."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError.single(
            display, 1, "il modello deve iniziare con una riga '---', seguita dai dati del modello in YAML."
        )
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "\n".join(lines[1 : number - 1]), "\n".join(lines[number:]), number + 1
    raise ContentError.single(display, 1, "manca la riga '---' che chiude i dati del modello (prima del testo).")


def _shifted(err: ContentError, by: int) -> ContentError:
    return ContentError([ContentIssue(i.path, i.line + by if i.line else i.line, i.message) for i in err.issues])


def load_template_file(path: Path, content_dir: Path, params: ParameterSet | None = None) -> DocumentTemplate:
    """Read and check one template; every problem at once, each with file and line."""
    params = params or load_parameters()
    display = display_path(path, content_dir)
    if not ITEM_NAME.match(path.stem):
        raise ContentError.single(display, None, "il nome del file deve avere solo minuscole, cifre e trattini.")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ContentError.single(display, None, "il file è troppo grande.")
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as err:
        raise ContentError.single(display, None, "il file non è in UTF-8: salvalo con codifica UTF-8.") from err
    except OSError as err:
        raise ContentError.single(display, None, f"il file non si può leggere ({err.strerror}).") from err
    front, body, body_line = _split(text, display)
    try:
        located = parse_yaml(front, display)
    except ContentError as err:
        raise _shifted(err, 1) from err  # the YAML starts on the file's second line
    located.lines = {k: v + 1 for k, v in located.lines.items()}
    try:
        data = validate_located(TemplateFile, located)
    except ContentError as err:
        raise ContentError([i if i.line else ContentIssue(i.path, 2, i.message) for i in err.issues]) from err
    issues: list[ContentIssue] = []
    for i, ref in enumerate(data.lessons):
        if not lesson_exists(content_dir, ref):
            issues.append(
                ContentIssue(
                    display,
                    located.line_for(("lessons", i)),
                    f"la lezione «{ref}» non esiste (scrivi modulo/lezione, ad esempio morosita/03-piano-di-rientro).",
                )
            )
    if not body.strip():
        issues.append(ContentIssue(display, body_line, "il modello non ha testo dopo i dati."))
    issues += _field_issues(body, data, located, display, body_line, params)
    issues += _markup_issues(body, display, body_line)
    if issues:
        raise ContentError(issues)
    return DocumentTemplate(path.stem, path, data, body.strip("\n"))


def scan_templates(content_dir: Path) -> tuple[list[DocumentTemplate], list[ContentIssue]]:
    """Every template that loads, and every problem found (what ``abitare check`` reports)."""
    templates: list[DocumentTemplate] = []
    issues: list[ContentIssue] = []
    params = load_parameters()
    for path in sorted((content_dir / TEMPLATES_FOLDER).glob("*.md")):
        try:
            templates.append(load_template_file(path, content_dir, params))
        except ContentError as err:
            issues.extend(err.issues)
    return templates, issues


@lru_cache(maxsize=4)
def _catalog(folder: Path, _stamp: tuple[tuple[str, int], ...]) -> tuple[DocumentTemplate, ...]:
    templates, issues = scan_templates(folder)
    for issue in issues:  # 'abitare check' names them; the page shows the valid ones
        log.warning("template not offered: %s", issue)
    return tuple(templates)


def templates_for_lesson(content_dir: Path, module_id: str, lesson_id: str) -> list[DocumentTemplate]:
    """The valid templates that offer themselves under ``module_id/lesson_id`` (read once per change)."""
    folder = content_dir / TEMPLATES_FOLDER
    if not folder.is_dir():
        return []
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.md")))
    reference = f"{module_id}/{lesson_id}"
    return [t for t in _catalog(content_dir, stamp) if reference in t.data.lessons]
