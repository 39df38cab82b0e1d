"""Where the system simulation starts: the stocks and flows of one comune, or of the Ambito.

The datasets (``abitare.data``, the synthetic data shipped in ``datasets/ambito``)
give what they know, per comune:

- SAP: the units that can be let (``alloggi`` locato or sfitto) and the households
  living in one (``inquilini``);
- the waiting list: applications ``in graduatoria`` (``domande_sap``);
- temporary housing: the ongoing placements (``accoglienza`` with no exit date) and
  the places, estimated as the most placements open at the same time;
- canone concordato: the contracts brokered by the Agenzia (``contratti_concordati``)
  and their monthly rate over the period the table covers;
- the pressure on the SAP: new applications per month.

The rest comes from the model's assumptions (``simulazione.*`` in the parameter file):
the households of a comune are its residents (``datasets/comuni.yaml``) divided by
the average household size; the applicants on the waiting list are overburdened on
the free market; the other households are split into emergency, canone concordato,
overburden and free market by the model's initial shares. The monthly inflow into
emergency of the whole Ambito is the model's rate times its households, shared among
the comuni in proportion to their new applications, so that the nine add up to the
Ambito.

The Ambito's starting point is the sum of the nine comuni's: every stock and flow adds
up exactly. The dataset counts are read once per process (the tables are checked on
load, which takes a few tenths of a second); the split by the parameters is cheap
and done on every call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from abitare.errors import UnknownComuneError
from abitare.numbers import number
from abitare.parameters import ParameterSet
from abitare.text import MONTHS

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AMBITO",
    "AMBITO_LABEL",
    "METHOD",
    "DataCounts",
    "StartingPoint",
    "check_comune",
    "comune_choices",
    "dataset_counts",
    "starting_point",
]

#: The whole Ambito (the same word as :data:`abitare.data.AMBITO`, without importing pandas).
AMBITO = "Ambito"
AMBITO_LABEL = "Tutto l'Ambito"
#: The states the starting point fills, in the order of :data:`abitare.simulation.STATES`.
START_STATES = ("emergenza", "temporanea", "sap", "concordato", "libero", "sovraccarico")
#: How the starting point is made, for the people who use the simulation.
METHOD = (
    "Dai dati del comune: gli alloggi SAP disponibili (locati e sfitti, non quelli in ristrutturazione) "
    "e i nuclei che li abitano; le domande in graduatoria, contate tra i nuclei in sovraccarico; "
    "i nuclei in accoglienza temporanea e i posti (il massimo di inserimenti aperti nello stesso giorno); "
    "i contratti a canone concordato dell'Agenzia, in media al mese.",
    "Dalle ipotesi del modello: i nuclei del comune (residenti diviso componenti medi per nucleo), "
    "le quote iniziali degli altri nuclei e gli ingressi in emergenza dell'Ambito, ripartiti tra i comuni "
    "in proporzione alle domande SAP presentate.",
    "Tutto l'Ambito è la somma dei nove comuni, con alloggi e posti messi in comune.",
)


def _comune_names() -> list[str]:
    from abitare.data import comune_names  # imports pandas: only when a comune is named

    return comune_names()


def check_comune(name: str) -> str:
    """``name`` if it is one of the nine comuni or the Ambito, else :class:`UnknownComuneError`."""
    if name == AMBITO:
        return name
    names = _comune_names()
    if name not in names:
        raise UnknownComuneError(name, names)
    return name


def comune_choices() -> list[tuple[str, str]]:
    """(label, value) pairs for a menu: the whole Ambito first, then the nine comuni."""
    return [(AMBITO_LABEL, AMBITO), *((name, name) for name in _comune_names())]


@dataclass(frozen=True)
class DataCounts:
    """What the datasets say about one comune, or the sum over the nine."""

    comune: str
    population: int
    sap_households: int
    sap_let: int
    sap_vacant: int
    waiting_list: int
    applications: int
    temporary_ongoing: int
    temporary_peak: int
    contracts: int
    #: The period the tables cover, the same for every comune (so that rates add up).
    application_months: int
    contract_months: int
    contract_first: dt.date
    contract_last: dt.date

    @property
    def sap_capacity(self) -> int:
        """Units that can be let: let now or vacant (those under renovation are not)."""
        return self.sap_let + self.sap_vacant

    @property
    def contracts_per_month(self) -> float:
        return self.contracts / self.contract_months

    @property
    def applications_per_month(self) -> float:
        return self.applications / self.application_months


def _months_spanned(first: pd.Timestamp, last: pd.Timestamp) -> int:
    """Calendar months from the month of ``first`` to that of ``last``, both included."""
    return int((last.year - first.year) * 12 + last.month - first.month + 1)


def _peak_open(placements: pd.DataFrame) -> pd.Series:
    """Per comune, the most placements open on the same day (an exit frees the place that day)."""
    import pandas as pd

    events = pd.concat(
        [
            pd.DataFrame({"comune": placements["comune"], "day": placements["data_ingresso"], "delta": 1}),
            pd.DataFrame({"comune": placements["comune"], "day": placements["data_uscita"], "delta": -1}).dropna(),
        ]
    ).sort_values(["comune", "day", "delta"], kind="stable")
    events["open"] = events.groupby("comune")["delta"].cumsum()
    peak: pd.Series = events.groupby("comune")["open"].max()
    return peak


@lru_cache(maxsize=1)
def dataset_counts() -> Mapping[str, DataCounts]:
    """The counts of the nine comuni and of the Ambito (their sum), from the shipped datasets."""
    from abitare.data import comune_names, load_comuni, load_table

    names = comune_names()
    population = {c.nome: c.popolazione for c in load_comuni()}
    households = load_table("inquilini")
    units = load_table("alloggi")
    applications = load_table("domande_sap")
    placements = load_table("accoglienza")
    contracts = load_table("contratti_concordati")

    def per_comune(frame: pd.DataFrame) -> dict[str, int]:
        sizes = frame.groupby("comune").size()
        return {name: int(sizes.get(name, 0)) for name in names}

    let = per_comune(units[units["stato"] == "locato"])
    vacant = per_comune(units[units["stato"] == "sfitto"])
    in_sap = per_comune(households)
    waiting = per_comune(applications[applications["stato"] == "in graduatoria"])
    applied = per_comune(applications)
    ongoing = per_comune(placements[placements["data_uscita"].isna()])
    peak = _peak_open(placements)
    brokered = per_comune(contracts)
    dates = applications["data_presentazione"]
    signed = contracts["data_stipula"]
    shared = {
        "application_months": _months_spanned(dates.min(), dates.max()),
        "contract_months": _months_spanned(signed.min(), signed.max()),
        "contract_first": signed.min().date(),
        "contract_last": signed.max().date(),
    }
    out = {
        name: DataCounts(
            comune=name,
            population=population[name],
            sap_households=in_sap[name],
            sap_let=let[name],
            sap_vacant=vacant[name],
            waiting_list=waiting[name],
            applications=applied[name],
            temporary_ongoing=ongoing[name],
            temporary_peak=int(peak.get(name, 0)),
            contracts=brokered[name],
            **shared,
        )
        for name in names
    }
    summed = {
        f.name: sum(getattr(out[name], f.name) for name in names)
        for f in fields(DataCounts)
        if f.name != "comune" and f.name not in shared
    }
    out[AMBITO] = DataCounts(comune=AMBITO, **summed, **shared)
    return MappingProxyType(out)


def comune_counts(comune: str) -> DataCounts:
    """The dataset counts of one comune or of the Ambito."""
    return dataset_counts()[check_comune(comune)]


@dataclass(frozen=True)
class StartingPoint:
    """Month 0 of a simulation seeded from the datasets, and its flows."""

    comune: str
    households: int
    #: Households per state, keyed by the names in :data:`START_STATES`.
    stocks: Mapping[str, int]
    sap_capacity: int
    temporary_places: int
    agency_contracts: float  # per month
    inflow_per_month: float  # expected households falling into emergency
    data: DataCounts

    @property
    def label(self) -> str:
        return AMBITO_LABEL if self.comune == AMBITO else self.comune

    def summary(self) -> str:
        """One plain Italian sentence: where the figures come from, and the main ones."""
        d = self.data
        first, last = d.contract_first, d.contract_last
        period = f"da {MONTHS[first.month - 1]} {first.year} a {MONTHS[last.month - 1]} {last.year}"
        return (
            f"Dati di partenza: dataset sintetico dell'Ambito (dati inventati, non reali) – {self.label}: "
            f"{_count(self.households, 'nucleo', 'nuclei')} (stima dai residenti); "
            f"{_count(d.sap_households, 'nucleo', 'nuclei')} in "
            f"{_count(self.sap_capacity, 'alloggio SAP disponibile', 'alloggi SAP disponibili')}; "
            f"{_count(d.waiting_list, 'domanda', 'domande')} in graduatoria; "
            f"{_count(d.temporary_ongoing, 'nucleo', 'nuclei')} in accoglienza temporanea su "
            f"{_count(self.temporary_places, 'posto', 'posti')}; "
            f"{_count(d.contracts, 'contratto', 'contratti')} a canone concordato con l'Agenzia in "
            f"{_count(d.contract_months, 'mese', 'mesi')} ({period})."
        )


def _count(n: int, one: str, many: str) -> str:
    """«1 posto», «12 posti», «1.800 nuclei»."""
    return f"{number(n)} {one if n == 1 else many}"


def _split(n: int, shares: Mapping[str, float]) -> dict[str, int]:
    return {state: round(n * share) for state, share in shares.items()}


def _households(counts: DataCounts, params: ParameterSet) -> int:
    """Residents over the average household size, and never fewer than the households the data know."""
    estimate = round(counts.population / params.value("simulazione.componenti_per_nucleo"))
    known = counts.sap_households + counts.temporary_ongoing + counts.waiting_list + counts.contracts
    return max(estimate, known)


def _comune_start(counts: DataCounts, households: int, params: ParameterSet, inflow: float) -> StartingPoint:
    rest = households - counts.sap_households - counts.temporary_ongoing - counts.waiting_list - counts.contracts
    split = _split(
        rest,
        {
            "emergenza": params.fraction("simulazione.quota_emergenza"),
            "concordato": params.fraction("simulazione.quota_concordato"),
            "sovraccarico": params.fraction("simulazione.quota_sovraccarico"),
        },
    )
    stocks = {
        "emergenza": split["emergenza"],
        "temporanea": counts.temporary_ongoing,
        "sap": counts.sap_households,
        "concordato": counts.contracts + split["concordato"],
        "libero": rest - sum(split.values()),
        "sovraccarico": counts.waiting_list + split["sovraccarico"],
    }
    return StartingPoint(
        comune=counts.comune,
        households=households,
        stocks=MappingProxyType(stocks),
        sap_capacity=counts.sap_capacity,
        temporary_places=counts.temporary_peak,
        agency_contracts=counts.contracts_per_month,
        inflow_per_month=inflow,
        data=counts,
    )


def starting_point(comune: str, params: ParameterSet) -> StartingPoint:
    """The starting stocks and flows of ``comune`` (one of the nine, or ``"Ambito"``).

    Raises
    ------
    UnknownComuneError
        If ``comune`` is neither one of the nine comuni nor ``"Ambito"``.
    """
    check_comune(comune)
    counts = dataset_counts()
    names = [name for name in counts if name != AMBITO]
    households = {name: _households(counts[name], params) for name in names}
    total = sum(households.values())
    # The Ambito's inflow follows the model's rate; the data say how it is shared among the
    # comuni: in proportion to their new SAP applications.
    ambito_inflow = params.fraction("simulazione.nuovi_in_emergenza") * total
    applications = counts[AMBITO].applications
    starts = [
        _comune_start(
            counts[name],
            households[name],
            params,
            ambito_inflow * (counts[name].applications / applications if applications else households[name] / total),
        )
        for name in names
    ]
    if comune != AMBITO:
        return next(s for s in starts if s.comune == comune)
    return StartingPoint(
        comune=AMBITO,
        households=total,
        stocks=MappingProxyType({state: sum(s.stocks[state] for s in starts) for state in START_STATES}),
        sap_capacity=sum(s.sap_capacity for s in starts),
        temporary_places=sum(s.temporary_places for s in starts),
        agency_contracts=sum(s.agency_contracts for s in starts),
        inflow_per_month=sum(s.inflow_per_month for s in starts),
        data=counts[AMBITO],
    )
