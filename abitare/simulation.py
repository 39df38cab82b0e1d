"""The "carriera abitativa" system simulation: households moving between housing situations.

Each household is in one state: emergenza/sfratto, accoglienza temporanea, SAP,
canone concordato, mercato libero (with or without overburden), or out of the
system (it left the Ambito or found its own way). Every month, vectorised over all
households with NumPy (no Python loop per household):

1. new households fall into emergency (the declared inflow);
2. income shocks push free-market households into overburden, some recover;
3. evictions send overburdened and SAP households to emergency, unless the
   arrears-prevention budget stops them (it buys whole preventions; what a month's
   budget cannot buy carries over, as the Agenzia's fractional contracts do). An
   eviction counted here is *executed*: the household loses its home. Executed and
   prevented together are the households that reach an eviction in the model;
4. SAP units freed by turnover go to the waiting list (emergency, then temporary
   housing, then overburden);
5. temporary places take households from emergency;
6. the Agenzia brings households from temporary housing and overburden to canone concordato;
7. some households leave emergency, some leave temporary housing for the market.

Households are created only by the inflow and leave only to the exit state: a test
checks the conservation. The model's rates are parameters (marked indicative);
the levers are the scenario's fields.

Calibration: under the default levers, the whole Ambito seeded from the datasets
(about 51,000 households) has, over the ten default years and on average over seeds,
executed evictions near ``simulazione.taratura_sfratti_eseguiti`` (about 0.1% of
households a year, Lombardy 2024) and executed plus prevented evictions near
``simulazione.taratura_provvedimenti_sfratto`` (eviction orders, about 0.15%). Two
numbers carry it: the monthly eviction probability of an overburdened household
(``simulazione.sfratto_da_sovraccarico``) and the default prevention budget
(:class:`Scenario`). :func:`calibration_text` says it on the page; a test keeps it.

A scenario starts either from the model's initial shares of ``households`` (the
default) or, with ``from_data``, from the stocks and flows of one comune or of the
whole Ambito derived from the datasets (:mod:`abitare.simulation_start`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from abitare.numbers import number
from abitare.parameters import ParameterSet, load_parameters
from abitare.simulation_start import AMBITO, START_STATES, StartingPoint, check_comune, comune_counts, starting_point

__all__ = [
    "PREVENTION_BUDGET_STEP",
    "STATES",
    "Scenario",
    "SimulationResult",
    "calibration_text",
    "prevention_budget",
    "simulate",
]

STATES = ("emergenza", "temporanea", "sap", "concordato", "libero", "sovraccarico", "uscita")
EMERGENZA, TEMPORANEA, SAP, CONCORDATO, LIBERO, SOVRACCARICO, USCITA, NOT_YET = range(len(STATES) + 1)
STATE_LABELS = (
    "Emergenza o sfratto",
    "Accoglienza temporanea",
    "Alloggio SAP",
    "Canone concordato",
    "Mercato libero",
    "Mercato libero in sovraccarico",
    "Usciti",
)


class Scenario(BaseModel):
    """The levers of one scenario (what a slider moves).

    With ``from_data`` the households, their states, the SAP units and the inflow
    come from the datasets of ``comune``; the temporary places and the Agenzia's
    contracts, unless given, are that comune's too. ``households`` is then the
    comune's, and giving it as well is an error.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    households: int = Field(default=10_000, ge=100, le=500_000, title="Nuclei simulati")
    comune: str = Field(default=AMBITO, title="Comune (o «Ambito» per tutti e nove)")
    from_data: bool = Field(default=False, title="Partire dai dati del comune")
    years: int = Field(default=10, ge=1, le=20, title="Anni")
    sap_units_change: int = Field(default=0, ge=-2000, le=2000, title="Alloggi SAP in più (o in meno)")
    sap_turnover: float = Field(default=4.0, ge=0, le=30, title="Rotazione annua degli alloggi SAP (%)")
    temporary_places: int = Field(default=50, ge=0, le=5000, title="Posti di accoglienza temporanea")
    agency_contracts: float = Field(default=3.0, ge=0, le=200, title="Contratti a canone concordato al mese (Agenzia)")
    # Calibration (see the module's docstring): 1,200 € a month for 10,000 households buys about
    # 0.05% of them a year a prevention at 3,000 € each, the gap between eviction orders (0.15%)
    # and executions (0.1%); it was 5,000 €, which alone prevented 0.2% a year, more than the orders.
    prevention_budget: float = Field(default=1200.0, ge=0, le=1_000_000, title="Budget mensile di prevenzione (€)")
    rent_growth: float = Field(default=2.0, ge=-10, le=20, title="Crescita annua degli affitti (%)")
    income_shock: float = Field(default=1.0, ge=0, le=5, title="Intensità degli shock di reddito (1 = normale)")
    seed: int = Field(default=1, ge=0, title="Seme casuale")

    @field_validator("comune")
    @classmethod
    def _known_comune(cls, value: str) -> str:
        return check_comune(value)

    @model_validator(mode="before")
    @classmethod
    def _levers_from_data(cls, data: Any) -> Any:
        """Temporary places and the Agenzia's contracts not given start from the comune's data."""
        if isinstance(data, dict) and data.get("from_data") is True:
            counts = comune_counts(data.get("comune", AMBITO))
            data = {"temporary_places": counts.temporary_peak, "agency_contracts": counts.contracts_per_month, **data}
        return data

    @model_validator(mode="after")
    def _households_from_one_place(self) -> Scenario:
        if self.from_data and "households" in self.model_fields_set:
            raise ValueError(
                "con i dati del comune il numero di nuclei viene dai dati: togli «households» "
                "oppure non partire dai dati"
            )
        return self


#: A comune's default prevention budget is rounded to this many euros (the page's slider moves by it).
PREVENTION_BUDGET_STEP = 100


def prevention_budget(households: int) -> int:
    """The default monthly prevention budget for ``households``, to the nearest :data:`PREVENTION_BUDGET_STEP` euros.

    The scenario's default budget is set for its default households (10,000): every comune
    and the Ambito keep the same amount per household, so that the comuni's budgets add up
    to the Ambito's.
    """
    fields = Scenario.model_fields
    per_household: float = fields["prevention_budget"].default / fields["households"].default
    return round(households * per_household / PREVENTION_BUDGET_STEP) * PREVENTION_BUDGET_STEP


@dataclass
class SimulationResult:
    """Monthly series (index 0 is the starting month) and the totals."""

    scenario: Scenario
    counts: np.ndarray  # months+1 × 7 states
    evictions: np.ndarray  # per month
    evictions_avoided: np.ndarray
    public_cost: np.ndarray
    inflows: np.ndarray
    initial_households: int
    sap_capacity: int
    notes: list[str] = field(default_factory=list)
    #: The starting point taken from the datasets (``None`` for the model's shares).
    start: StartingPoint | None = None

    @property
    def label(self) -> str:
        """The comune the run starts from, or an empty string for the model's shares."""
        return self.start.label if self.start else ""

    @property
    def waiting_list(self) -> np.ndarray:
        """Households that need a solution: emergency, temporary housing, overburden."""
        c = self.counts
        waiting: np.ndarray = c[:, EMERGENZA] + c[:, TEMPORANEA] + c[:, SOVRACCARICO]
        return waiting

    def yearly_share(self, per_month: np.ndarray) -> float:
        """A monthly count's yearly mean over the run, as a fraction of the starting households.

        ``result.yearly_share(result.evictions)`` is the eviction rate the defaults are
        calibrated on (0.001 is 0.1% of households a year).
        """
        return float(per_month.sum()) / (per_month.size / 12) / self.initial_households

    def totals(self) -> dict[str, float]:
        return {
            "sfratti": int(self.evictions.sum()),
            "sfratti_evitati": int(self.evictions_avoided.sum()),
            "costo_pubblico": float(self.public_cost.sum()),
            "in_sovraccarico_alla_fine": int(self.counts[-1, SOVRACCARICO]),
            "in_attesa_alla_fine": int(self.waiting_list[-1]),
        }

    def rows(self) -> list[dict[str, float]]:
        """One row per month, for export."""
        out = []
        for month in range(self.counts.shape[0]):
            row: dict[str, float] = {"mese": month}
            row.update({name: int(self.counts[month, i]) for i, name in enumerate(STATES)})
            row["lista_di_attesa"] = int(self.waiting_list[month])
            if month:
                row["sfratti"] = int(self.evictions[month - 1])
                row["sfratti_evitati"] = int(self.evictions_avoided[month - 1])
                row["costo_pubblico"] = round(float(self.public_cost[month - 1]), 2)
            out.append(row)
        return out


def calibration_text(params: ParameterSet) -> list[str]:
    """What the default levers are calibrated on, and what the model is not: plain Italian paragraphs."""
    executed = params["simulazione.taratura_sfratti_eseguiti"]
    orders = params["simulazione.taratura_provvedimenti_sfratto"]
    households = starting_point(AMBITO, params).households
    years = Scenario.model_fields["years"].default
    per_year = round(households * params.fraction("simulazione.taratura_sfratti_eseguiti"))
    return [
        "Con le leve di partenza la simulazione è tarata sugli sfratti in Lombardia: ogni anno circa lo "
        f"{executed.formatted()} dei nuclei subisce uno sfratto eseguito e circa lo {orders.formatted()} "
        f"riceve un provvedimento di sfratto. Fonti: {executed.source}; {orders.source}. "
        f"Per tutto l'Ambito, circa {number(round(households / 1000) * 1000)} nuclei, vuol dire circa "
        f"{number(per_year)} sfratti eseguiti all'anno, in media sui {number(years)} anni "
        "e su più semi casuali.",
        "Nel confronto, «Sfratti eseguiti» conta i nuclei che perdono la casa e passano all'emergenza; "
        "gli sfratti evitati dalla prevenzione sono contati a parte e, sommati a quelli eseguiti, "
        "corrispondono nel modello ai provvedimenti di sfratto.",
        "È un modello per imparare, non una previsione: le altre probabilità sono ipotesi del corso "
        "e i risultati servono a confrontare le leve, non a prevedere quanti sfratti ci saranno.",
    ]


def _pick(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    """Up to ``k`` of ``candidates``, at random."""
    if k <= 0 or candidates.size == 0:
        return candidates[:0]
    if k >= candidates.size:
        return candidates
    return rng.choice(candidates, size=k, replace=False)


def _model_start(n: int, p: ParameterSet) -> tuple[list[int], int]:
    """Households per state from the model's initial shares, and the SAP units (all let)."""
    shares = [
        p.fraction("simulazione.quota_emergenza"),
        p.fraction("simulazione.quota_temporanea"),
        p.fraction("simulazione.quota_sap"),
        p.fraction("simulazione.quota_concordato"),
    ]
    overburden = p.fraction("simulazione.quota_sovraccarico")
    sizes = [round(n * s) for s in shares]
    sizes.insert(LIBERO, 0)
    sizes[LIBERO] = n - sum(sizes) - round(n * overburden)
    sizes.append(round(n * overburden))
    return sizes, sizes[SAP]


@dataclass(frozen=True)
class _Rates:
    """The model's monthly rates and unit costs, read once from the parameters."""

    shock: float
    recover: float
    evict_over: float
    evict_sap: float
    leave_emergency: float
    temp_to_market: float
    per_prevention: float
    temp_cost: float
    emergency_cost: float

    @classmethod
    def read(cls, p: ParameterSet, scenario: Scenario) -> _Rates:
        return cls(
            shock=p.fraction("simulazione.ingresso_sovraccarico") * scenario.income_shock,
            recover=p.fraction("simulazione.uscita_sovraccarico"),
            evict_over=p.fraction("simulazione.sfratto_da_sovraccarico"),
            evict_sap=p.fraction("simulazione.sfratto_sap"),
            leave_emergency=p.fraction("simulazione.uscita_emergenza"),
            temp_to_market=p.fraction("simulazione.autonomia_da_temporanea"),
            per_prevention=p.value("simulazione.costo_prevenzione_sfratto"),
            temp_cost=p.value("simulazione.costo_posto_temporaneo"),
            emergency_cost=p.value("simulazione.costo_emergenza"),
        )


@dataclass
class _Population:
    """Who the scenario starts with: households per state, SAP units, the monthly inflow rate."""

    households: int
    sizes: list[int]
    sap_capacity: int
    inflow_rate: float
    start: StartingPoint | None

    @classmethod
    def of(cls, scenario: Scenario, p: ParameterSet) -> _Population:
        if scenario.from_data:
            start = starting_point(scenario.comune, p)
            n = start.households
            return cls(
                n,
                [start.stocks[name] for name in START_STATES],
                start.sap_capacity,
                min(start.inflow_per_month / n, 1.0),
                start,
            )
        sizes, capacity = _model_start(scenario.households, p)
        return cls(scenario.households, sizes, capacity, p.fraction("simulazione.nuovi_in_emergenza"), None)


class _World:
    """The households' states and the carried-over budgets, moved on one month at a time.

    The steps run in the order the module's docstring lists, each drawing from the one
    random generator in a fixed order: a seed gives the same run, draw for draw.
    """

    def __init__(self, scenario: Scenario, rates: _Rates, population: _Population, rng: np.random.Generator) -> None:
        self.scenario, self.rates, self.rng = scenario, rates, rng
        months = scenario.years * 12
        n = population.households
        self.inflows = rng.binomial(n, population.inflow_rate, size=months)
        self.state = np.full(n + int(self.inflows.sum()), NOT_YET, dtype=np.int8)
        self.state[:n] = np.repeat(np.arange(len(population.sizes), dtype=np.int8), population.sizes)
        rng.shuffle(self.state[:n])
        self.entered = n  # households enter in order: the first ``entered`` are in the system
        self.sap_capacity = max(population.sap_capacity + scenario.sap_units_change, 0)
        self.rent_factor = 1 + scenario.rent_growth / 100  # dearer rents make a shock likelier to overburden
        self.turnover = scenario.sap_turnover / 100 / 12
        self.agency_credit = 0.0
        self.prevention_credit = 0.0
        self.counts = np.zeros((months + 1, len(STATES)), dtype=np.int64)
        self.evictions = np.zeros(months, dtype=np.int64)
        self.avoided = np.zeros(months, dtype=np.int64)
        self.cost = np.zeros(months)
        self.record(0)

    def record(self, month: int) -> None:
        self.counts[month] = np.bincount(self.state[: self.entered], minlength=len(STATES))[: len(STATES)]

    def month(self, m: int) -> None:
        self.inflow(m)
        saved = self.shocks_and_evictions(m)
        self.sap_allocation()
        self.temporary_places()
        self.agency_contracts()
        self.leaving()
        self.record(m + 1)
        r = self.rates
        self.cost[m] = (
            self.counts[m + 1, TEMPORANEA] * r.temp_cost
            + self.counts[m + 1, EMERGENZA] * r.emergency_cost
            + saved * r.per_prevention
        )

    def inflow(self, m: int) -> None:
        """1. New households fall into emergency."""
        self.state[self.entered : self.entered + self.inflows[m]] = EMERGENZA
        self.entered += self.inflows[m]

    def shocks_and_evictions(self, m: int) -> int:
        """2–3. Income shocks and recovery, then evictions, some prevented; returns the prevented."""
        state, r = self.state, self.rates
        draw = self.rng.random(state.size)
        shock_now = min(r.shock * self.rent_factor ** (m / 12), 1.0)
        to_over = (state == LIBERO) & (draw < shock_now)
        to_free = (state == SOVRACCARICO) & (draw < r.recover)
        evicted = np.flatnonzero(
            ((state == SOVRACCARICO) & (draw >= 1 - r.evict_over)) | ((state == SAP) & (draw >= 1 - r.evict_sap))
        )
        state[to_over] = SOVRACCARICO
        state[to_free] = LIBERO
        # The budget buys whole preventions; the rest carries over, so a budget below the cost
        # of one prevention (a small comune's) still prevents one every few months.
        self.prevention_credit += self.scenario.prevention_budget
        affordable = int(self.prevention_credit // r.per_prevention)
        self.prevention_credit -= affordable * r.per_prevention
        saved = _pick(self.rng, evicted, affordable)
        evicted = np.setdiff1d(evicted, saved, assume_unique=True)
        state[evicted] = EMERGENZA
        self.evictions[m], self.avoided[m] = evicted.size, saved.size
        return int(saved.size)

    def sap_allocation(self) -> None:
        """4. Turnover frees SAP units; the waiting list fills them in order of need."""
        state = self.state
        leaving_sap = np.flatnonzero(state == SAP)
        leaving_sap = leaving_sap[self.rng.random(leaving_sap.size) < self.turnover]
        state[leaving_sap] = USCITA
        free_units = self.sap_capacity - int(np.count_nonzero(state == SAP))
        for source in (EMERGENZA, TEMPORANEA, SOVRACCARICO):
            if free_units <= 0:
                break
            chosen = _pick(self.rng, np.flatnonzero(state == source), free_units)
            state[chosen] = SAP
            free_units -= chosen.size

    def temporary_places(self) -> None:
        """5. Temporary places take households from emergency."""
        free_places = self.scenario.temporary_places - int(np.count_nonzero(self.state == TEMPORANEA))
        self.state[_pick(self.rng, np.flatnonzero(self.state == EMERGENZA), free_places)] = TEMPORANEA

    def agency_contracts(self) -> None:
        """6. The Agenzia's contracts at canone concordato (fractions carry over to the next month)."""
        self.agency_credit += self.scenario.agency_contracts
        slots = int(self.agency_credit)
        self.agency_credit -= slots
        for source in (TEMPORANEA, SOVRACCARICO):
            chosen = _pick(self.rng, np.flatnonzero(self.state == source), slots)
            self.state[chosen] = CONCORDATO
            slots -= chosen.size

    def leaving(self) -> None:
        """7. Some leave emergency; some leave temporary housing for the market."""
        state, r = self.state, self.rates
        draw = self.rng.random(state.size)
        state[(state == EMERGENZA) & (draw < r.leave_emergency)] = USCITA
        state[(state == TEMPORANEA) & (draw < r.temp_to_market)] = LIBERO


def simulate(scenario: Scenario, params: ParameterSet | None = None) -> SimulationResult:
    """Run one scenario month by month; reproducible for a given seed."""
    p = params or load_parameters()
    population = _Population.of(scenario, p)
    world = _World(scenario, _Rates.read(p, scenario), population, np.random.default_rng(scenario.seed))
    for m in range(scenario.years * 12):
        world.month(m)
    return SimulationResult(
        scenario=scenario,
        counts=world.counts,
        evictions=world.evictions,
        evictions_avoided=world.avoided,
        public_cost=world.cost,
        inflows=world.inflows,
        initial_households=population.households,
        sap_capacity=world.sap_capacity,
        start=population.start,
    )
