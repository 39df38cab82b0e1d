"""The calculators on the command line: options from the input models, Italian errors."""

from __future__ import annotations

import json
import typing
from typing import Any

import typer

from abitare.calc.base import CHECKLIST_TITLE, Calculator, run_calculator
from abitare.errors import CalcInputError
from abitare.parameters import load_parameters

__all__ = ["parse_args", "print_help", "print_result"]


def _is_flag(annotation: Any) -> bool:
    """bool or ``bool | None``: an option that takes no value."""
    return annotation is bool or bool in typing.get_args(annotation)


def option_name(field: str) -> str:
    return "--" + field.replace("_", "-")


def parse_args(calculator: Calculator, args: list[str]) -> tuple[dict[str, Any], bool]:
    """``--superficie-alloggio 80 --json`` → ({"superficie_alloggio": "80"}, True)."""
    fields = calculator.inputs.model_fields
    by_option = {option_name(name): name for name in fields}
    raw: dict[str, Any] = {}
    as_json = False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--json":
            as_json = True
            continue
        key, _, inline = arg.partition("=")
        if key not in by_option:
            raise CalcInputError([f"opzione sconosciuta «{key}» (vedi abitare calc {calculator.name} --help)"])
        name = by_option[key]
        if _is_flag(fields[name].annotation) and not inline:
            raw[name] = True
            continue
        if inline:
            raw[name] = inline
        elif rest:
            raw[name] = rest.pop(0)
        else:
            raise CalcInputError([f"{fields[name].title}: manca il valore dopo {key}"])
    return raw, as_json


def print_help(calculator: Calculator) -> None:
    typer.echo(f"{calculator.title}: {calculator.description}\n")
    for name, field in calculator.inputs.model_fields.items():
        if field.is_required():
            need = "obbligatorio"
        elif field.default is None:
            need = "facoltativo"
        else:
            need = f"facoltativo (predefinito: {field.default})"
        typer.echo(f"  {option_name(name):<32} {field.title} – {need}")
    typer.echo("  --json                           risultato in JSON")


def print_result(calculator: Calculator, raw: dict[str, Any], as_json: bool) -> None:
    params = load_parameters()
    result = run_calculator(calculator.name, raw, params)
    if as_json:
        typer.echo(json.dumps(result.as_dict(params), ensure_ascii=False, indent=2))
        return
    typer.echo(calculator.title)
    for step in result.steps:
        typer.echo(f"- {step.label}: {step.value}")
        for key in step.parameters:
            p = params[key]
            typer.echo(f"    {p.label}: {p.formatted()} (fonte: {p.source})")
    for note in result.notes:
        typer.echo(f"Nota: {note}")
    if result.checklist:
        typer.echo(CHECKLIST_TITLE + ":")
        for item in result.checklist:
            typer.echo(f"  [ ] {item}")
    for row in result.table:
        typer.echo("  " + "  ".join(f"{k} {v}" for k, v in row.items()))
