"""What every kind of content shares: the schema base, file names, and the YAML loader.

Modules (:mod:`abitare.content`), cases (:mod:`abitare.cases`), worksheets
(:mod:`abitare.practice.worksheets`) and document templates (:mod:`abitare.templates`) build
on this module and never on one another; :mod:`abitare.overview` sits above them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from abitare.errors import ContentError, ContentIssue
from abitare.parameters import PLACEHOLDER, ParameterSet
from abitare.yamlsafe import Located, load_yaml

__all__ = [
    "ITEM_NAME",
    "ContentItem",
    "Schema",
    "check_references",
    "display_path",
    "fill_parameters",
    "lesson_exists",
    "load_item_yaml",
    "load_with_parameters",
    "module_exists",
    "read_content_text",
]

#: The file name (without ``.yaml``) of a case, a worksheet or a template: it is the item's id.
ITEM_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Schema(BaseModel):
    """Base of every content model: unknown fields are refused, a loaded model never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _Titled(Protocol):
    @property
    def title(self) -> str: ...


DataT = TypeVar("DataT", bound=_Titled)


@dataclass(frozen=True)
class ContentItem(Generic[DataT]):
    """A checked content file (a case, a worksheet, a template): its id, its path, its data."""

    id: str
    path: Path
    data: DataT

    @property
    def title(self) -> str:
        return self.data.title


def display_path(path: Path, content_dir: Path) -> str:
    """A content file as messages name it: relative to the folder above the content."""
    try:
        return str(path.relative_to(content_dir.parent))
    except ValueError:
        return str(path)


def read_content_text(path: Path, display: str) -> str:
    """The text of a content file (UTF-8, with or without BOM); a ContentError saying why not."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise ContentError.single(display, None, "il file non è in UTF-8: salvalo con codifica UTF-8.") from err
    except OSError as err:
        raise ContentError.single(display, None, f"il file non si può leggere ({err.strerror}).") from err


def check_references(text: str, display: str, params: ParameterSet) -> list[ContentIssue]:
    """An issue for each ``{{ name }}`` in ``text`` that is not in the parameter file."""
    return [
        ContentIssue(
            display,
            text.count("\n", 0, m.start()) + 1,
            f"il parametro '{m[1]}' non esiste nel file dei parametri (abitare/parameters.yaml).",
        )
        for m in PLACEHOLDER.finditer(text)
        if m[1] not in params.parameters
    ]


def fill_parameters(data: Any, params: ParameterSet) -> Any:
    """Every string in ``data`` with its parameters replaced by their values."""
    if isinstance(data, str):
        return params.fill_text(data)
    if isinstance(data, list):
        return [fill_parameters(v, params) for v in data]
    if isinstance(data, dict):
        return {k: fill_parameters(v, params) for k, v in data.items()}
    return data


def load_with_parameters(path: Path, display: str, params: ParameterSet) -> Located:
    """A YAML content file, with references checked and replaced by values."""
    located = load_yaml(path, display)
    issues = check_references(path.read_text(encoding="utf-8-sig"), display, params)
    if issues:
        raise ContentError(issues)
    located.data = fill_parameters(located.data, params)
    return located


def load_item_yaml(path: Path, content_dir: Path, params: ParameterSet) -> tuple[Located, str]:
    """A case's or worksheet's YAML, named like an id, with parameters checked and filled in."""
    display = display_path(path, content_dir)
    if not ITEM_NAME.match(path.stem):
        raise ContentError.single(display, None, "il nome del file deve avere solo minuscole, cifre e trattini.")
    return load_with_parameters(path, display, params), display


def module_exists(content_dir: Path, module_id: str) -> bool:
    """Whether a module folder (``NN_<module_id>``) exists in the content."""
    return any(content_dir.glob(f"[0-9][0-9]_{module_id}"))


def lesson_exists(content_dir: Path, reference: str) -> bool:
    """``morosita/03-piano-di-rientro`` names a lesson file of a module folder."""
    module_id, lesson = reference.split("/", 1)
    return any(
        (folder / "lezioni" / f"{lesson}.md").is_file() for folder in content_dir.glob(f"[0-9][0-9]_{module_id}")
    )
