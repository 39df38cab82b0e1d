"""A calculator as a form: fields from its input model, the result step by step with sources."""

from __future__ import annotations

import base64
import csv
import io
import typing
from html import escape
from typing import Any, Literal

import ipywidgets as w

from abitare.calc import CALCULATORS, CHECKLIST_TITLE, Calculator, Result, run_calculator
from abitare.numbers import plain_number
from abitare.parameters import ParameterSet, load_parameters
from abitare_widgets.links import csv_link, page_link
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["CalculatorForm", "calculator_index_html"]


def _literal_options(annotation: Any) -> tuple[str, ...] | None:
    if typing.get_origin(annotation) is Literal:
        return tuple(typing.get_args(annotation))
    return None


def _param_html(key: str, params: ParameterSet) -> str:
    p = params[key]
    return (
        f"<li><details><summary>{escape(p.label)}: <strong>{escape(p.formatted())}</strong></summary>"
        f"Fonte: {escape(p.source)}; in vigore dal {p.valid_from:%d/%m/%Y}.</details></li>"
    )


def schedule_chart(rows: list[dict[str, Any]]) -> str:
    """The debt left after each instalment, as an inline PNG (no outside request)."""
    if not rows or "residuo" not in rows[0]:
        return ""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 2.6))
    ax.bar([r["mese"] for r in rows], [r["residuo"] for r in rows], color="#1d5c8f")
    ax.set_xlabel("mese")
    ax.set_ylabel("debito residuo (€)")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    last = rows[-1]["mese"]
    return (
        f'<img class="abitare-schedule" src="data:image/png;base64,{data}" '
        f'alt="Grafico del debito residuo mese per mese: si azzera al mese {last}.">'
    )


def result_html(calculator: Calculator, result: Result, params: ParameterSet) -> str:
    """The steps with their rules and sources, the notes and the table."""
    steps = "".join(
        f"<li><strong>{escape(s.label)}</strong>: {escape(s.value)}"
        f'<br><span class="abitare-meta">{escape(s.rule)}</span>'
        + (f"<ul>{''.join(_param_html(k, params) for k in s.parameters)}</ul>" if s.parameters else "")
        + "</li>"
        for s in result.steps
    )
    notes = "".join(f'<p class="abitare-note">{escape(n)}</p>' for n in result.notes)
    checklist = ""
    if result.checklist:
        items = "".join(f"<li>{escape(item)}</li>" for item in result.checklist)
        checklist = f'<h3>{escape(CHECKLIST_TITLE)}</h3><ul class="abitare-checklist">{items}</ul>'
    table = ""
    if result.table:
        head = "".join(f"<th>{escape(str(k))}</th>" for k in result.table[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row.values()) + "</tr>" for row in result.table
        )
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(result.table[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(result.table)
        table = (
            f"<h3>Mese per mese</h3>{schedule_chart(result.table)}"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<p>{csv_link(out.getvalue(), f'{calculator.name}.csv', 'Scarica la tabella (CSV)')}</p>"
        )
    return (
        f'<section class="abitare-lesson abitare-result" role="status"><h2>Risultato</h2>'
        f"<ol>{steps}</ol>{checklist}{notes}{table}"
        '<p class="abitare-meta">Apri le voci per vedere la fonte di ogni valore; i valori indicativi '
        "sono segnati come tali.</p></section>"
    )


def calculator_index_html(code: str | None) -> str:
    items = "".join(
        f'<li><a href="{escape(page_link("calcolatore.ipynb", code, c=c.name))}">{escape(c.title)}</a>'
        f" – {escape(c.description)}</li>"
        for c in CALCULATORS.values()
    )
    return f'<h1 class="abitare-title">Strumenti di calcolo</h1><ul>{items}</ul>'


class CalculatorForm(w.VBox):
    """One calculator: a field per input, «Calcola», the result."""

    def __init__(self, calculator: Calculator, home: str = "home.ipynb", **kwargs: Any) -> None:
        self.calculator = calculator
        self.message = ErrorBanner()
        self.fields: dict[str, w.Widget] = {}
        rows = []
        for name, field in calculator.inputs.model_fields.items():
            title = field.title or name
            label = title if field.is_required() else f"{title} (facoltativo)"
            options = _literal_options(field.annotation)
            widget: w.Widget
            if field.annotation is bool:
                widget = w.Checkbox(value=bool(field.default), description=label, indent=False)
            elif options:
                widget = w.Dropdown(
                    options=options,
                    value=field.default,
                    description=label,
                    style={"description_width": "initial"},
                )
            else:
                default = "" if field.default in (None, 0) or field.is_required() else str(field.default)
                widget = w.Text(
                    value=default,
                    description=label,
                    style={"description_width": "initial"},
                    layout=w.Layout(width="560px"),
                )
            self.fields[name] = widget
            rows.append(widget)
        self.compute_button = w.Button(description="Calcola", button_style="primary", layout=w.Layout(width="auto"))
        self.compute_button.on_click(lambda _b: self.compute())
        self.result = w.HTML()
        header = w.HTML(
            f'<nav class="abitare-breadcrumb"><a href="{escape(home)}">← Pagina iniziale</a></nav>'
            f'<h1 class="abitare-title">{escape(calculator.title)}</h1>'
            f"<p>{escape(calculator.description)}</p>"
            "<p>Scrivi i numeri senza simboli (ad esempio 1250,50). "
            "I campi facoltativi si possono lasciare vuoti.</p>"
        )
        super().__init__([header, *rows, self.compute_button, self.message, self.result], **kwargs)
        self.add_class("abitare-calculator")

    def values(self) -> dict[str, Any]:
        """The form as raw inputs: empty optional fields left out, numbers read the Italian way."""
        raw: dict[str, Any] = {}
        for name, widget in self.fields.items():
            value = widget.value
            if isinstance(widget, w.Text):
                if not value.strip():
                    continue
                value = plain_number(value)
            raw[name] = value
        return raw

    @guarded
    def compute(self) -> Result:
        self.message.clear()
        self.result.value = ""
        params = load_parameters()
        result = run_calculator(self.calculator.name, self.values(), params)
        self.result.value = result_html(self.calculator, result, params)
        return result
