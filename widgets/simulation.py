"""Two scenarios of the housing system side by side, driven by sliders.

Each scenario starts from the datasets of a comune chosen in its own menu (or of the
whole Ambito), so that a class can compare two policies in one comune or the same
policy in two comuni. Choosing a comune re-seeds the levers that the data know
(SAP units, temporary places, the Agenzia's contracts, and the prevention budget in
proportion to its households) and runs again.

Each slider's value is shown next to it the Italian way (``1.883``, ``4,00``): the
slider's own readout uses d3-format, which writes ``1883`` and ``4.00`` and has no
locale, so it is turned off. The slider keeps its description, which names its handle
for screen readers (the Voilà template copies it to ``aria-label``).
"""

from __future__ import annotations

import csv
import io
from html import escape
from typing import Any

import ipywidgets as w

from abitare.numbers import euro, number, percent
from abitare.parameters import ParameterSet, load_parameters
from abitare.simulation import (
    PREVENTION_BUDGET_STEP,
    STATE_LABELS,
    STATES,
    Scenario,
    SimulationResult,
    calibration_text,
    prevention_budget,
    simulate,
)
from abitare.simulation_start import AMBITO, METHOD, StartingPoint, comune_choices, starting_point
from abitare_widgets.links import csv_link
from abitare_widgets.safety import ErrorBanner, guarded

# prevention_budget is the rule of abitare.simulation, named here too for the page's callers.
__all__ = ["ScenarioPanel", "SimulationApp", "chart_png", "prevention_budget", "readout_text"]

#: The SAP lever is shown as the units available (the comune's, to start with), not as a change.
SAP_UNITS = "sap_units"
SAP_UNITS_LABEL = "Alloggi SAP disponibili"
#: Levers the comune's data re-seed: the slider's maximum is this many times the seeded value (at least ``floor``).
SEEDED_RANGE = {
    SAP_UNITS: (2, 50),
    "temporary_places": (5, 20),
    "agency_contracts": (5, 5),
    "prevention_budget": (20, 10_000),
}
#: The prevention budget moves, and is rounded, by this many euros.
BUDGET_STEP = PREVENTION_BUDGET_STEP

#: lever → (widget class, min, max, step); the seeded levers get their range from the data
LEVERS: dict[str, tuple[type[w.Widget], float, float, float]] = {
    SAP_UNITS: (w.IntSlider, 0, 4000, 1),
    "sap_turnover": (w.FloatSlider, 0, 15, 0.5),
    "temporary_places": (w.IntSlider, 0, 400, 1),
    "agency_contracts": (w.FloatSlider, 0, 40, 0.1),
    "prevention_budget": (w.IntSlider, 0, 100_000, BUDGET_STEP),
    "rent_growth": (w.FloatSlider, -2, 10, 0.5),
    "income_shock": (w.FloatSlider, 0, 3, 0.1),
}
#: A row is as wide as the comune's menu: the slider with its description, then its value.
ROW_WIDTH, READOUT_WIDTH = 520, 72


def readout_text(slider: w.Widget) -> str:
    """A slider's value as an Italian reader writes it: ``1.883``, ``4,00``, ``0,07``, ``-2,00``."""
    value = slider.value
    return number(value, 2) if isinstance(slider, w.FloatSlider) else number(int(value))


class ScenarioPanel(w.VBox):
    """The comune and the sliders of one scenario."""

    def __init__(self, title: str, params: ParameterSet | None = None, comune: str = AMBITO, **kwargs: Any) -> None:
        self.params = params or load_parameters()
        self.callbacks: list[Any] = []
        self._reseeding = False
        wide = {"style": {"description_width": "260px"}, "layout": w.Layout(width="520px")}
        self.comune = w.Dropdown(options=comune_choices(), value=comune, description="Comune", **wide)
        self.origin = w.HTML(layout=w.Layout(width="520px"))
        self.origin.add_class("abitare-origin")
        self.sliders: dict[str, w.Widget] = {}
        #: The value next to each slider, written the Italian way (the slider's own readout cannot be).
        self.readouts: dict[str, w.Label] = {}
        rows = []
        fields = Scenario.model_fields
        for name, (cls, lo, hi, step) in LEVERS.items():
            slider = cls(
                value=lo if name in SEEDED_RANGE else fields[name].default,
                min=lo,
                max=hi,
                step=step,
                description=SAP_UNITS_LABEL if name == SAP_UNITS else fields[name].title,
                continuous_update=False,
                readout=False,
                style=wide["style"],
                layout=w.Layout(flex="1 1 auto", width="auto"),
            )
            readout = w.Label(value=readout_text(slider), layout=w.Layout(width=f"{READOUT_WIDTH}px"))
            readout.add_class("abitare-readout")
            # The readout first: the user sees the new value while the scenarios run again.
            slider.observe(lambda _change, s=slider, r=readout: setattr(r, "value", readout_text(s)), "value")
            slider.observe(self._changed, "value")
            self.sliders[name], self.readouts[name] = slider, readout
            rows.append(w.HBox([slider, readout], layout=w.Layout(width=f"{ROW_WIDTH}px", align_items="center")))
        self.start: StartingPoint  # set by reseed()
        self.reseed()
        self.comune.observe(self._comune_changed, "value")
        super().__init__([w.HTML(f"<h2>{escape(title)}</h2>"), self.comune, self.origin, *rows], **kwargs)

    def reseed(self) -> None:
        """Start from the chosen comune's data: its SAP units, temporary places, contracts and households."""
        self.start = starting_point(self.comune.value, self.params)
        seeded = {
            SAP_UNITS: self.start.sap_capacity,
            "temporary_places": self.start.temporary_places,
            "agency_contracts": self.start.agency_contracts,
            "prevention_budget": prevention_budget(self.start.households),
        }
        self._reseeding = True
        try:
            for name, value in seeded.items():
                slider = self.sliders[name]
                times, floor = SEEDED_RANGE[name]
                top = max(floor, round(value * times))
                # One message to the browser, and never a value beyond the maximum on either side:
                # a browser that sees the new maximum first clamps the old value and sends it back.
                with slider.hold_sync():
                    if value > slider.max:  # type: ignore[attr-defined]
                        slider.max, slider.value = top, value  # type: ignore[attr-defined]
                    else:
                        slider.value, slider.max = value, top  # type: ignore[attr-defined]
        finally:
            self._reseeding = False
        self.origin.value = f'<p class="abitare-hint">{escape(self.start.summary())}</p>'

    def _comune_changed(self, _change: Any) -> None:
        self.reseed()
        self._notify()

    def _changed(self, _change: Any) -> None:
        if not self._reseeding:
            self._notify()

    def _notify(self) -> None:
        for callback in self.callbacks:
            callback()

    def scenario(self, seed: int) -> Scenario:
        values = {name: s.value for name, s in self.sliders.items()}  # type: ignore[attr-defined]
        sap_units = values.pop(SAP_UNITS)
        return Scenario(
            **values,
            comune=self.start.comune,
            from_data=True,
            sap_units_change=sap_units - self.start.sap_capacity,
            seed=seed,
        )

    def observe_all(self, callback: Any) -> None:
        """Call ``callback()`` once when the comune or any lever changes."""
        self.callbacks.append(callback)


def chart_png(a: SimulationResult, b: SimulationResult) -> bytes:
    """Overburden, waiting list and evictions of both scenarios, month by month (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    months = range(a.counts.shape[0])
    over = STATES.index("sovraccarico")
    name_a, name_b = _name("Scenario A", a), _name("Scenario B", b)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    series = [
        ("Nuclei in sovraccarico", a.counts[:, over], b.counts[:, over]),
        ("Nuclei in attesa di una soluzione", a.waiting_list, b.waiting_list),
        ("Sfratti eseguiti (cumulati)", a.evictions.cumsum(), b.evictions.cumsum()),
    ]
    for ax, (title, sa, sb) in zip(axes, series, strict=True):
        ax.plot(months[: len(sa)], sa, label=name_a, color="#1d5c8f")
        ax.plot(months[: len(sb)], sb, label=name_b, color="#b3261e", linestyle="--")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("mesi")
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


def _name(title: str, result: SimulationResult) -> str:
    """«Scenario A – Melegnano»."""
    return f"{title} – {result.label}" if result.label else title


def comparison_html(a: SimulationResult, b: SimulationResult) -> str:
    ta, tb = a.totals(), b.totals()
    rows = [
        ("Sfratti eseguiti in tutto il periodo", ta["sfratti"], tb["sfratti"], str),
        (
            "Sfratti eseguiti in media all'anno, sul totale dei nuclei",
            a.yearly_share(a.evictions),
            b.yearly_share(b.evictions),
            lambda v: percent(v * 100, 2),
        ),
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
    head = f"<th>{escape(_name('Scenario A', a))}</th><th>{escape(_name('Scenario B', b))}</th>"
    last = "".join(
        f"<tr><th scope='row'>{label}</th><td>{a.counts[-1, i]}</td><td>{b.counts[-1, i]}</td></tr>"
        for i, label in enumerate(STATE_LABELS)
    )
    return (
        '<table class="abitare-compare" aria-label="Confronto tra gli scenari"><thead><tr><th>Risultato</th>'
        f"{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<h3>Dove sono i nuclei alla fine</h3><table><thead><tr><th>Situazione</th>{head}"
        f"</tr></thead><tbody>{last}</tbody></table>"
    )


def export_link(a: SimulationResult, b: SimulationResult) -> str:
    out = io.StringIO()
    rows = [{"scenario": name, "comune": r.label, **row} for name, r in (("A", a), ("B", b)) for row in r.rows()]
    writer = csv.DictWriter(out, fieldnames=list(rows[-1]), delimiter=";", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return csv_link(out.getvalue(), "simulazione-scenari.csv", "Scarica i risultati (CSV)")


def assumptions_html(params: ParameterSet) -> str:
    items = "".join(
        f"<li>{escape(p.label)}: <strong>{escape(p.formatted())}</strong> – {escape(p.source)}</li>"
        for key, p in params.parameters.items()
        if key.startswith("simulazione.") and not key.startswith("simulazione.taratura_")
    )
    method = "".join(f"<p>{escape(line)}</p>" for line in METHOD)
    fields = Scenario.model_fields
    budget, households = fields["prevention_budget"].default, fields["households"].default
    method += (
        f"<p>Il budget mensile di prevenzione parte da {euro(budget / households, 2)} per nucleo "
        f"({euro(budget, 0)} ogni {number(households)} nuclei), arrotondato alle centinaia di euro. "
        "Ogni mese il budget paga interventi interi, al costo indicato sopra; la parte che non basta "
        "per un altro intervento passa al mese successivo.</p>"
    )
    return (
        "<details><summary>Le ipotesi del modello (valori indicativi)</summary>"
        f"<ul>{items}</ul><p>Si cambiano nel file dei parametri, senza toccare il codice.</p>"
        f"<h3>Da dove vengono i numeri di partenza</h3>{method}</details>"
    )


def calibration_html(params: ParameterSet) -> str:
    """What the default levers are calibrated on, and that the model teaches rather than forecasts."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in calibration_text(params))
    return f'<div class="abitare-calibration"><h2>Su che cosa è tarata la simulazione</h2>{paragraphs}</div>'


class SimulationApp(w.VBox):
    """Scenario A and scenario B, the chart and the comparison, updated when a slider moves."""

    def __init__(self, home: str = "home.ipynb", **kwargs: Any) -> None:
        self.params = load_parameters()
        self.message = ErrorBanner()
        self.panel_a = ScenarioPanel("Scenario A", self.params)
        self.panel_b = ScenarioPanel("Scenario B", self.params)
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
            "<p>Tutti i nuclei di un comune, o dell'intero Ambito, per dieci anni, mese per mese. "
            "Per ogni scenario scegli il comune: le leve partono dai suoi dati. Poi muovi le leve: "
            "grafico e tabella si aggiornano. Con lo stesso seme casuale i risultati si ripetono uguali.</p>"
            "<p><strong>I dati di partenza sono sintetici</strong>: inventati ma verosimili, "
            "non descrivono persone o alloggi reali.</p>"
            + calibration_html(self.params)
            + assumptions_html(self.params)
        )
        for panel in (self.panel_a, self.panel_b):
            panel.observe_all(self.update)
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
