"""Domain numbers: one versioned file (``abitare/parameters.yaml``), read and formatted here.

Each value carries its unit, its source, the date it holds from and whether it is
only indicative. Course text refers to a value as ``{{ sap.isee_accesso }}``; the
loader checks every reference and the page shows the formatted value, marked
"valore indicativo" where it is one, with its source on demand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from abitare import numbers
from abitare.paths import PACKAGE_DIR
from abitare.validation import validate_located
from abitare.yamlsafe import load_yaml

__all__ = [
    "PARAMETERS_FILE",
    "PLACEHOLDER",
    "Parameter",
    "ParameterSet",
    "load_parameters",
]

PARAMETERS_FILE = PACKAGE_DIR / "parameters.yaml"
#: ``{{ sap.isee_accesso }}`` in lessons and quizzes.
PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_]+(?:\.[a-z0-9_]+)+)\s*\}\}")

Unit = Literal["EUR", "EUR_m2", "percent", "m", "m2", "coefficient", "months", "years", "year"]
ParamId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")]


class Parameter(BaseModel):
    """One domain number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    unit: Unit
    label: Annotated[str, StringConstraints(min_length=1)]
    source: Annotated[str, StringConstraints(min_length=1)]
    valid_from: date
    indicative: bool = False

    def formatted(self) -> str:
        """The value as an Italian reader expects it: ``16.000 €``, ``20,5%``, ``1,70 m``."""
        fixed = self.unit in ("EUR", "EUR_m2", "m") and not float(self.value).is_integer()
        number = numbers.number(self.value, 2 if fixed or self.unit == "coefficient" else None)
        text = {
            "EUR": f"{number} €",
            "EUR_m2": f"{number} €/m²",
            "percent": f"{number}%",
            "m": f"{number} m",
            "m2": f"{number} m²",
            "year": str(int(self.value)),
            "coefficient": number,
            "months": f"{number} mesi",
            "years": f"{number} anni" if self.value != 1 else "1 anno",
        }[self.unit]
        return f"{text} (valore indicativo)" if self.indicative else text


class ParameterSet(BaseModel):
    """The parameter file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    version: Annotated[str, StringConstraints(min_length=1)]
    parameters: dict[ParamId, Parameter] = Field(min_length=1)

    def __getitem__(self, key: str) -> Parameter:
        return self.parameters[key]

    def value(self, key: str) -> float:
        """The bare number of a parameter (percentages as written: 21 means 21%)."""
        return self.parameters[key].value

    def fraction(self, key: str) -> float:
        """A percentage parameter as a fraction: 21% → 0.21."""
        parameter = self.parameters[key]
        if parameter.unit != "percent":
            raise ValueError(f"{key} is not a percentage")
        return parameter.value / 100

    def unknown_references(self, text: str) -> list[str]:
        """Placeholders in ``text`` that name no parameter."""
        return [m[1] for m in PLACEHOLDER.finditer(text) if m[1] not in self.parameters]

    def fill_text(self, text: str) -> str:
        """Replace placeholders with plain formatted values (for escaped text)."""
        return self._fill(text, lambda p: p.formatted())

    def fill_html(self, html: str) -> str:
        """Replace placeholders in rendered HTML; the source shows on hover and focus."""

        def span(p: Parameter) -> str:
            note = f"Fonte: {p.source}; in vigore dal {p.valid_from:%d/%m/%Y}."
            klass = "abitare-param abitare-indicative" if p.indicative else "abitare-param"
            return f'<span class="{klass}" tabindex="0" title="{escape(note)}">{escape(p.formatted())}</span>'

        return self._fill(html, span)

    def _fill(self, text: str, render: Callable[[Parameter], str]) -> str:
        return PLACEHOLDER.sub(lambda m: render(self.parameters[m[1]]) if m[1] in self.parameters else m[0], text)


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> ParameterSet:
    return validate_located(ParameterSet, load_yaml(path, path.name))


def load_parameters(path: Path = PARAMETERS_FILE) -> ParameterSet:
    """The parameter file, validated (cached until the file changes)."""
    return _load(path, path.stat().st_mtime)
