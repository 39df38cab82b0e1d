"""Each report notebook written from its registry entry: the ``parameters`` cell and the call.

The parameters are declared once, in the report's pydantic model
(:mod:`abitare.reports.registry`). The notebook's first cell, tagged ``parameters``,
lists them the way papermill's inspection reads them (``name: type = default  # help``,
so ``papermill --help-notebook`` documents each report); the second cell calls the
report function with them and ends with the report, which Jupyter shows as HTML.
``abitare report sync`` rewrites both cells from the models; a test fails when a
committed notebook differs from what this module writes.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from abitare.reports.registry import REPORTS, ReportSpec

__all__ = ["call_source", "cell_type", "cell_value", "parameters_source", "sync_all", "sync_notebook"]

#: The notebook's variables hold what papermill injects: JSON values, so a date is its ISO text.
_CELL_TYPES: dict[Any, str] = {str: "str", int: "int", bool: "bool", float: "float", date: "str"}


def cell_type(info: FieldInfo) -> str:
    """The type a parameter has in the notebook (``Annotated`` checks stay in the model)."""
    try:
        return _CELL_TYPES[info.annotation]
    except KeyError:
        raise TypeError(f"a report parameter of type {info.annotation!r} has no notebook form") from None


def cell_value(info: FieldInfo) -> Any:
    """The default a parameter has in the notebook; a required text starts empty (the model refuses it)."""
    if info.is_required():
        return {"str": "", "int": 0, "bool": False, "float": 0.0}[cell_type(info)]
    value = info.default
    return value.isoformat() if isinstance(value, date) else value


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def parameters_source(spec: ReportSpec) -> str:
    """The ``parameters`` cell: one ``name: type = default  # help`` line per model field, in order."""
    lines = [
        f"{name}: {cell_type(info)} = {_literal(cell_value(info))}  # {info.description}"
        for name, info in spec.params.model_fields.items()
    ]
    return "\n".join(lines)


def call_source(spec: ReportSpec) -> str:
    """The cell that builds the report; its last expression is the report, shown as HTML."""
    module, function = spec.function
    arguments = ", ".join(f"{name}={name}" for name in spec.params.model_fields)
    return f"from {module} import {function}\n\n{function}({arguments})"


def sync_notebook(spec: ReportSpec, *, write: bool = True, path: Path | None = None) -> bool:
    """Rewrite the two cells of ``spec``'s notebook from its model; ``True`` when they were out of date.

    Cell ids and notebook metadata are kept, and outputs are cleared (notebooks are
    committed without them). ``path`` defaults to the report's notebook.
    """
    import nbformat

    path = path or spec.notebook
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    wanted = [(parameters_source(spec), ["parameters"]), (call_source(spec), [])]
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    while len(cells) < len(wanted):
        cells.append(nbformat.v4.new_code_cell())  # type: ignore[no-untyped-call]
    changed = len(notebook.cells) != len(wanted)
    for cell, (source, tags) in zip(cells, wanted, strict=False):
        metadata = {"tags": tags} if tags else {}
        if cell.source != source or dict(cell.metadata) != metadata or cell.get("outputs"):
            changed = True
        cell.source, cell.metadata, cell.outputs, cell.execution_count = source, metadata, [], None
    notebook.cells = cells[: len(wanted)]
    if changed and write:
        path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")  # type: ignore[no-untyped-call]
    return changed


def sync_all(*, write: bool = True) -> list[str]:
    """Sync every report notebook; the names of those that were out of date."""
    return [name for name, spec in REPORTS.items() if sync_notebook(spec, write=write)]
