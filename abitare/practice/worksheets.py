"""Community-of-practice worksheets: templates in YAML, and the answers they accept.

A template is ``modules/schede/<id>.yaml``: a title, instructions and a list of
fields, each of a type: short or long text, a list, a rating scale, single or
multiple choice, a priority ranking, a matrix (e.g. SWOT), a stakeholder map
(actors rated on two axes) or an action plan (action, who, by when). The schema
checks templates like the rest of the content; :func:`validate_answer` checks
what a participant sends for one field, so nothing malformed is ever stored.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from abitare.contentbase import ContentItem, Schema, load_item_yaml, module_exists
from abitare.errors import AbitareError, AnswerError, ContentError, ContentIssue
from abitare.parameters import load_parameters
from abitare.validation import validate_located

__all__ = [
    "FIELD_TYPES",
    "WORKSHEETS_FOLDER",
    "AnswerError",
    "FieldSpec",
    "Worksheet",
    "WorksheetFile",
    "load_worksheet",
    "scan_worksheets",
    "validate_answer",
]

WORKSHEETS_FOLDER = "schede"
FieldType = Literal[
    "short_text",
    "long_text",
    "list",
    "scale",
    "single",
    "multiple",
    "ranking",
    "matrix",
    "stakeholders",
    "action_plan",
]
FIELD_TYPES: tuple[str, ...] = typing.get_args(FieldType)
MAX_TEXT = 4000

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class FieldSpec(Schema):
    id: Slug
    type: FieldType
    label: Text
    help: Text | None = None
    options: list[Text] = Field(default_factory=list)
    rows: list[Text] = Field(default_factory=list)
    columns: list[Text] = Field(default_factory=list)
    scale_min: int = 1
    scale_max: int = 5
    scale_labels: list[Text] = Field(default_factory=list)
    max_items: int = Field(default=20, ge=1, le=100)

    @model_validator(mode="after")
    def _by_type(self) -> FieldSpec:
        kind = self.type
        if kind in ("single", "multiple", "ranking") and len(self.options) < 2:
            raise ValueError(f"un campo '{kind}' deve avere almeno due 'options'")
        if kind == "matrix" and (not self.rows or not self.columns):
            raise ValueError("un campo 'matrix' deve avere 'rows' e 'columns'")
        if kind == "stakeholders" and len(self.columns) != 2:
            raise ValueError("un campo 'stakeholders' deve avere due 'columns' (i due assi, es. influenza e interesse)")
        if kind == "scale" and not self.scale_min < self.scale_max <= 10:
            raise ValueError("la scala va da 'scale_min' a 'scale_max' (al massimo 10)")
        if kind not in ("single", "multiple", "ranking") and self.options:
            raise ValueError(f"'options' non serve per un campo '{kind}'")
        return self


class WorksheetFile(Schema):
    schema_version: Literal[1]
    title: Text
    summary: Text
    module: Slug | None = None
    estimated_minutes: int = Field(gt=0, le=240)
    instructions: Text
    fields: list[FieldSpec] = Field(min_length=1, max_length=40)

    @model_validator(mode="after")
    def _unique(self) -> WorksheetFile:
        ids = [f.id for f in self.fields]
        for dup in {i for i in ids if ids.count(i) > 1}:
            raise ValueError(f"l'id di campo '{dup}' è usato più di una volta")
        return self


@dataclass(frozen=True)
class Worksheet(ContentItem[WorksheetFile]):
    """A checked worksheet, ready to fill in."""

    def field(self, field_id: str) -> FieldSpec:
        for f in self.data.fields:
            if f.id == field_id:
                return f
        raise AnswerError(f"Il campo «{field_id}» non fa parte della scheda.")


def _text(value: Any, what: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise AnswerError(f"{what}: serve un testo.")
    if len(value) > limit:
        raise AnswerError(f"{what}: il testo è troppo lungo (massimo {limit} caratteri).")
    return value


def validate_answer(spec: FieldSpec, value: Any) -> Any:
    """The value as stored (JSON-ready), or AnswerError with an Italian message."""
    label = spec.label
    kind = spec.type
    if kind == "short_text":
        return _text(value, label, 300)
    if kind == "long_text":
        return _text(value, label)
    if kind == "list":
        if not isinstance(value, list) or len(value) > spec.max_items:
            raise AnswerError(f"{label}: serve un elenco di al massimo {spec.max_items} voci.")
        return [_text(v, label, 500) for v in value]
    if kind == "scale":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not spec.scale_min <= value <= spec.scale_max:
            raise AnswerError(f"{label}: scegli un valore da {spec.scale_min} a {spec.scale_max}.")
        return value
    if kind == "single":
        if value is not None and value not in spec.options:
            raise AnswerError(f"{label}: scelta non prevista.")
        return value
    if kind == "multiple":
        if not isinstance(value, list) or any(v not in spec.options for v in value):
            raise AnswerError(f"{label}: scelte non previste.")
        return [o for o in spec.options if o in value]
    if kind == "ranking":
        if not isinstance(value, list) or sorted(value) != sorted(spec.options):
            raise AnswerError(f"{label}: la classifica deve contenere tutte le voci, una volta sola.")
        return list(value)
    if kind == "matrix":
        if not isinstance(value, dict):
            raise AnswerError(f"{label}: risposta non valida.")
        allowed = {f"{r}|{c}" for r in spec.rows for c in spec.columns}
        if set(value) - allowed:
            raise AnswerError(f"{label}: casella non prevista.")
        return {k: _text(v, label, 1000) for k, v in value.items()}
    if kind == "stakeholders":
        if not isinstance(value, list) or len(value) > spec.max_items:
            raise AnswerError(f"{label}: serve un elenco di al massimo {spec.max_items} attori.")
        out = []
        for item in value:
            if not isinstance(item, dict) or set(item) != {"attore", "x", "y"}:
                raise AnswerError(f"{label}: ogni attore ha un nome e due valori.")
            for axis in ("x", "y"):
                v = item[axis]
                if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
                    raise AnswerError(f"{label}: i valori vanno da 1 a 5.")
            out.append({"attore": _text(item["attore"], label, 200), "x": item["x"], "y": item["y"]})
        return out
    # action_plan
    if not isinstance(value, list) or len(value) > spec.max_items:
        raise AnswerError(f"{label}: serve un elenco di al massimo {spec.max_items} azioni.")
    rows = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"azione", "chi", "entro"}:
            raise AnswerError(f"{label}: ogni riga ha azione, chi e entro quando.")
        when = _text(item["entro"], label, 10)
        if when and not re.match(r"^\d{4}-\d{2}-\d{2}$", when):
            raise AnswerError(f"{label}: la data va scritta AAAA-MM-GG.")
        if when:
            try:
                date.fromisoformat(when)
            except ValueError as err:
                raise AnswerError(f"{label}: la data {when} non esiste.") from err
        rows.append(
            {
                "azione": _text(item["azione"], label, 500),
                "chi": _text(item["chi"], label, 200),
                "entro": when,
            }
        )
    return rows


def load_worksheet_file(path: Path, content_dir: Path) -> Worksheet:
    located, display = load_item_yaml(path, content_dir, load_parameters())
    data = validate_located(WorksheetFile, located)
    if data.module and not module_exists(content_dir, data.module):
        raise ContentError(
            [ContentIssue(display, located.line_for(("module",)), f"il modulo «{data.module}» non esiste.")]
        )
    return Worksheet(path.stem, path, data)


def scan_worksheets(content_dir: Path) -> tuple[list[Worksheet], list[ContentIssue]]:
    sheets: list[Worksheet] = []
    issues: list[ContentIssue] = []
    for path in sorted((content_dir / WORKSHEETS_FOLDER).glob("*.yaml")):
        try:
            sheets.append(load_worksheet_file(path, content_dir))
        except ContentError as err:
            issues.extend(err.issues)
    return sheets, issues


def load_worksheet(content_dir: Path, worksheet_id: str) -> Worksheet:
    path = content_dir / WORKSHEETS_FOLDER / f"{worksheet_id}.yaml"
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", worksheet_id) or not path.is_file():
        raise AbitareError(f"La scheda «{worksheet_id}» non esiste.")
    return load_worksheet_file(path, content_dir)
