"""The shared shape of a calculator: inputs, steps, result, registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from abitare.errors import CalcInputError
from abitare.parameters import ParameterSet, load_parameters
from abitare.validation import italian_message

__all__ = [
    "CALCULATORS",
    "CHECKLIST_TITLE",
    "Calculator",
    "Inputs",
    "Result",
    "Step",
    "run_calculator",
]

#: The heading of a result's checklist, on the page and on the command line.
CHECKLIST_TITLE = "Da verificare con il nucleo: requisiti che il calcolatore non può controllare"


class Inputs(BaseModel):
    """Base of every calculator's inputs: Italian titles, no unknown fields, numbers not text."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@dataclass(frozen=True)
class Step:
    """One step of a calculation: what was computed, its value, and the rule behind it."""

    label: str
    value: str
    rule: str
    parameters: tuple[str, ...] = ()

    def as_dict(self, params: ParameterSet) -> dict[str, Any]:
        return {
            "passaggio": self.label,
            "valore": self.value,
            "regola": self.rule,
            "parametri": [
                {
                    "nome": key,
                    "valore": params[key].formatted(),
                    "fonte": params[key].source,
                    "in_vigore_dal": params[key].valid_from.isoformat(),
                    "indicativo": params[key].indicative,
                }
                for key in self.parameters
            ],
        }


@dataclass
class Result:
    """Named figures (for --json and tests), the steps, an optional table, and what the
    calculator cannot check (``checklist``: requirements to verify with the household)."""

    figures: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    table: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checklist: list[str] = field(default_factory=list)

    def used_parameters(self) -> list[str]:
        seen: dict[str, None] = {}
        for step in self.steps:
            for key in step.parameters:
                seen[key] = None
        return list(seen)

    def as_dict(self, params: ParameterSet) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.figures)
        out["passaggi"] = [s.as_dict(params) for s in self.steps]
        if self.table:
            out["tabella"] = self.table
        if self.notes:
            out["note"] = self.notes
        if self.checklist:
            out["da_verificare"] = self.checklist
        out["parametri_indicativi"] = [k for k in self.used_parameters() if params[k].indicative]
        return out


@dataclass(frozen=True)
class Calculator:
    """A calculator: its name on the command line, its title, inputs and function."""

    name: str
    title: str
    description: str
    inputs: type[Inputs]
    compute: Callable[[Any, ParameterSet], Result]


CALCULATORS: dict[str, Calculator] = {}


def register(calculator: Calculator) -> Calculator:
    CALCULATORS[calculator.name] = calculator
    return calculator


def parse_inputs(calculator: Calculator, raw: Mapping[str, Any]) -> Inputs:
    """Validate raw inputs (from a form or the command line); Italian errors naming the field."""
    try:
        return calculator.inputs.model_validate(dict(raw))
    except ValidationError as err:
        fields = calculator.inputs.model_fields
        problems = []
        for e in err.errors(include_url=False):
            name = str(e["loc"][0]) if e["loc"] else ""
            title = fields[name].title if name in fields and fields[name].title else name
            message = italian_message({**e, "loc": ()})
            problems.append(f"{title}: {message}" if title else message)
        raise CalcInputError(problems) from err


def run_calculator(name: str, raw: Mapping[str, Any], params: ParameterSet | None = None) -> Result:
    """Validate ``raw`` and compute; raises CalcInputError or KeyError for an unknown name."""
    calculator = CALCULATORS[name]
    return calculator.compute(parse_inputs(calculator, raw), params or load_parameters())
