"""Two scenarios of the housing system side by side, driven by sliders."""

from __future__ import annotations

import csv
import io
from html import escape
from typing import Any

import ipywidgets as w

from abitare.calc.base import euro
from abitare.parameters import ParameterSet, load_parameters
from abitare.simulation import STATE_LABELS, STATES, Scenario, SimulationResult, simulate
from abitare_widgets.links import csv_link
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["ScenarioPanel", "SimulationApp", "chart_png"]

#: lever → (widget class, min, max, step)
LEVERS: dict[str, tuple[type[w.Widget], float, float, float]] = {
    "sap_units_change": (w.IntSlider, -300, 300, 10),
    "sap_turnover": (w.FloatSlider, 0, 15, 0.5),
    "temporary_places": (w.IntSlider, 0, 400, 10),
    "agency_contracts": (w.FloatSlider, 0, 40, 1),
    "prevention_budget": (w.IntSlider, 0, 100_000, 1000),
    "rent_growth": (w.FloatSlider, -2, 10, 0.5),
    "income_shock": (w.FloatSlider, 0, 3, 0.1),
}


class ScenarioPanel(w.VBox):
    """The sliders of one scenario."""

    def __init__(self, title: str, **kwargs: Any) -> None:
        self.sliders: dict[str, w.Widget] = {}
        fields = Scenario.model_fields
        for name, (cls, lo, hi, step) in LEVERS.items():
            self.sliders[name] = cls(
                value=fields[name].default,
                min=lo,
                max=hi,
                step=step,
                description=fields[name].title,
                continuous_update=False,
                style={"description_width": "260px"},
                layout=w.Layout(width="520px"),
            )
        super().__init__([w.HTML(f"<h2>{escape(title)}</h2>"), *self.sliders.values()], **kwargs)

    def scenario(self, seed: int) -> Scenario:
        return Scenario(**{name: s.value for name, s in self.sliders.items()}, seed=seed)  # type: ignore[attr-defined]

    def observe_all(self, callback: Any) -> None:
        for slider in self.sliders.values():
            slider.observe(callback, "value")


def chart_png(a: SimulationResult, b: SimulationResult) -> bytes:
    """Overburden, waiting list and evictions of both scenarios, month by month (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    months = range(a.counts.shape[0])
    over = STATES.index("sovraccarico")
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    series = [
        ("Nuclei in sovraccarico", a.counts[:, over], b.counts[:, over]),
        ("Nuclei in attesa di una soluzione", a.waiting_list, b.waiting_list),
        ("Sfratti (cumulati)", a.evictions.cumsum(), b.evictions.cumsum()),
    ]
    for ax, (title, sa, sb) in zip(axes, series, strict=True):
        ax.plot(months[: len(sa)], sa, label="Scenario A", color="#1d5c8f")
        ax.plot(months[: len(sb)], sb, label="Scenario B", color="#b3261e", linestyle="--")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("mesi")
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


def comparison_html(a: SimulationResult, b: SimulationResult) -> str:
    ta, tb = a.totals(), b.totals()
    rows = [
        ("Sfratti in tutto il periodo", ta["sfratti"], tb["sfratti"], str),
        ("Sfratti evitati dalla prevenzione", ta["sfratti_evitati"], tb["sfratti_evitati"], str),
        (
            "Nuclei in sovraccarico alla fine",
            ta["in_sovraccarico_alla_fine"],
            tb["in_sovraccarico_alla_fine"],
            str,
        ),
        ("Nuclei in attesa alla fine", ta["in_attesa_alla_fine"], tb["in_attesa_alla_fine"], str),
        ("Costo pubblico stimato", ta["costo_pubblico"], tb["costo_pubblico"], lambda v: euro(v, 0)),
    ]
    body = "".join(
        f"<tr><th scope='row'>{label}</th><td>{fmt(x)}</td><td>{fmt(y)}</td></tr>" for label, x, y, fmt in rows
    )
    last = "".join(
        f"<tr><th scope='row'>{label}</th><td>{a.counts[-1, i]}</td><td>{b.counts[-1, i]}</td></tr>"
        for i, label in enumerate(STATE_LABELS)
    )
    return (
        '<table class="abitare-compare" aria-label="Confronto tra gli scenari"><thead><tr><th>Risultato</th>'
        f"<th>Scenario A</th><th>Scenario B</th></tr></thead><tbody>{body}</tbody></table>"
        f"<h3>Dove sono i nuclei alla fine</h3><table><thead><tr><th>Situazione</th><th>Scenario A</th>"
        f"<th>Scenario B</th></tr></thead><tbody>{last}</tbody></table>"
    )


def export_link(a: SimulationResult, b: SimulationResult) -> str:
    out = io.StringIO()
    rows = [{"scenario": name, **row} for name, r in (("A", a), ("B", b)) for row in r.rows()]
    writer = csv.DictWriter(out, fieldnames=list(rows[-1]), delimiter=";", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return csv_link(out.getvalue(), "simulazione-scenari.csv", "Scarica i risultati (CSV)")


def assumptions_html(params: ParameterSet) -> str:
    items = "".join(
        f"<li>{escape(p.label)}: <strong>{escape(p.formatted())}</strong> – {escape(p.source)}</li>"
        for key, p in params.parameters.items()
        if key.startswith("simulazione.")
    )
    return (
        "<details><summary>Le ipotesi del modello (valori indicativi)</summary>"
        f"<ul>{items}</ul><p>Si cambiano nel file dei parametri, senza toccare il codice.</p></details>"
    )


class SimulationApp(w.VBox):
    """Scenario A and scenario B, the chart and the comparison, updated when a slider moves."""

    def __init__(self, home: str = "home.ipynb", **kwargs: Any) -> None:
        self.params = load_parameters()
        self.message = ErrorBanner()
        self.panel_a = ScenarioPanel("Scenario A")
        self.panel_b = ScenarioPanel("Scenario B")
        self.seed = w.BoundedIntText(
            value=1,
            min=0,
            max=10**6,
            description="Seme casuale",
            style={"description_width": "initial"},
            layout=w.Layout(width="220px"),
        )
        self.chart = w.Image(format="png", layout=w.Layout(width="100%"))
        self.chart.add_class("abitare-chart")
        self.summary = w.HTML()
        self.export = w.HTML()
        self.runs = 0
        header = w.HTML(
            f'<nav class="abitare-breadcrumb"><a href="{escape(home)}">← Pagina iniziale</a></nav>'
            '<h1 class="abitare-title">La carriera abitativa nell\'Ambito: due scenari a confronto</h1>'
            "<p>Diecimila nuclei, dieci anni, mese per mese. Muovi le leve di uno scenario: "
            "grafico e tabella si aggiornano. Con lo stesso seme casuale i risultati si ripetono uguali.</p>"
            + assumptions_html(self.params)
        )
        for panel in (self.panel_a, self.panel_b):
            panel.observe_all(lambda _ch: self.update())
        self.seed.observe(lambda _ch: self.update(), "value")
        super().__init__(
            [
                header,
                self.seed,
                w.HBox([self.panel_a, self.panel_b]),
                self.message,
                self.chart,
                self.summary,
                self.export,
            ],
            **kwargs,
        )
        self.add_class("abitare-simulation")
        self.update()

    @guarded
    def update(self) -> None:
        """Run both scenarios and redraw."""
        a = simulate(self.panel_a.scenario(self.seed.value), self.params)
        b = simulate(self.panel_b.scenario(self.seed.value), self.params)
        self.chart.value = chart_png(a, b)
        self.summary.value = comparison_html(a, b)
        self.export.value = export_link(a, b)
        self.runs += 1
