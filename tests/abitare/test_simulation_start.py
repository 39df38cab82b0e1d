"""The simulation's starting point per comune: the datasets' own counts, adding up to the Ambito."""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from abitare.data import SHIPPED_DIR, comune_names
from abitare.errors import UnknownComuneError
from abitare.parameters import load_parameters
from abitare.simulation import STATES, Scenario, simulate
from abitare.simulation_start import AMBITO, START_STATES, dataset_counts, starting_point

PARAMS = load_parameters()
COMUNI = comune_names()


def csv(name: str) -> pd.DataFrame:
    """A shipped table read with plain pandas, not through the project's loader."""
    return pd.read_csv(SHIPPED_DIR / f"{name}.csv", sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def of(frame: pd.DataFrame, comune: str) -> pd.DataFrame:
    return frame if comune == AMBITO else frame[frame["comune"] == comune]


def months(dates: pd.Series) -> int:
    first, last = pd.to_datetime(dates).min(), pd.to_datetime(dates).max()
    return (last.year - first.year) * 12 + last.month - first.month + 1


def most_open_at_once(placements: pd.DataFrame) -> int:
    """Day by day: placements entered on or before the day and not left by then."""
    if placements.empty:
        return 0
    entry = pd.to_datetime(placements["data_ingresso"])
    exit_ = pd.to_datetime(placements["data_uscita"].replace("", None))
    days = pd.date_range(entry.min(), entry.max())
    return max(int(((entry <= day) & (exit_.isna() | (exit_ > day))).sum()) for day in days)


@pytest.mark.parametrize("comune", [*COMUNI, AMBITO])
def test_the_starting_stocks_are_the_datasets_counts(comune):
    start = starting_point(comune, PARAMS)
    units, applications = csv("alloggi"), csv("domande_sap")
    placements, contracts = csv("accoglienza"), csv("contratti_concordati")
    assert start.stocks["sap"] == len(of(csv("inquilini"), comune))
    assert start.sap_capacity == of(units, comune)["stato"].isin(["locato", "sfitto"]).sum()
    assert start.data.waiting_list == (of(applications, comune)["stato"] == "in graduatoria").sum()
    assert start.stocks["temporanea"] == (of(placements, comune)["data_uscita"] == "").sum()
    assert start.agency_contracts == pytest.approx(len(of(contracts, comune)) / months(contracts["data_stipula"]))
    if comune == AMBITO:  # each comune has its own places
        places = sum(most_open_at_once(of(placements, c)) for c in COMUNI)
    else:
        places = most_open_at_once(of(placements, comune))
    assert start.temporary_places == places >= start.stocks["temporanea"]
    # the applicants are among the overburdened, the brokered contracts among the agreed rents
    assert start.stocks["sovraccarico"] >= start.data.waiting_list
    assert start.stocks["concordato"] >= len(of(contracts, comune))


@pytest.mark.parametrize("comune", [*COMUNI, AMBITO])
def test_every_household_is_somewhere_and_the_residents_set_the_size(comune):
    start = starting_point(comune, PARAMS)
    assert sum(start.stocks.values()) == start.households and min(start.stocks.values()) >= 0
    if comune != AMBITO:
        size = PARAMS.value("simulazione.componenti_per_nucleo")
        assert start.households == round(start.data.population / size)


def test_the_nine_comuni_add_up_to_the_ambito():
    ambito = starting_point(AMBITO, PARAMS)
    parts = [starting_point(c, PARAMS) for c in COMUNI]
    for state in START_STATES:
        assert sum(p.stocks[state] for p in parts) == ambito.stocks[state], state
    for name in ("households", "sap_capacity", "temporary_places"):
        assert sum(getattr(p, name) for p in parts) == getattr(ambito, name), name
    for name in ("agency_contracts", "inflow_per_month"):
        assert math.isclose(sum(getattr(p, name) for p in parts), getattr(ambito, name)), name
    counts = dataset_counts()
    for f in dataclasses.fields(counts[AMBITO]):
        if isinstance(getattr(counts[AMBITO], f.name), int) and not f.name.endswith("months"):
            assert sum(getattr(counts[c], f.name) for c in COMUNI) == getattr(counts[AMBITO], f.name), f.name


def test_the_ambito_inflow_is_the_model_rate_shared_by_applications():
    ambito = starting_point(AMBITO, PARAMS)
    rate = PARAMS.fraction("simulazione.nuovi_in_emergenza")
    assert ambito.inflow_per_month == pytest.approx(rate * ambito.households)
    applications = csv("domande_sap")
    melegnano = starting_point("Melegnano", PARAMS)
    share = (applications["comune"] == "Melegnano").mean()
    assert melegnano.inflow_per_month == pytest.approx(ambito.inflow_per_month * share)


def test_the_start_states_are_the_simulation_states():
    assert STATES[: len(START_STATES)] == START_STATES


def test_a_seeded_scenario_takes_the_comune_levers_unless_given():
    start = starting_point("San Donato Milanese", PARAMS)
    scenario = Scenario(comune="San Donato Milanese", from_data=True)
    assert scenario.temporary_places == start.temporary_places
    assert scenario.agency_contracts == pytest.approx(start.agency_contracts)
    assert Scenario(comune="San Donato Milanese", from_data=True, temporary_places=7).temporary_places == 7
    r = simulate(Scenario(comune="San Donato Milanese", from_data=True, years=1, sap_units_change=-20), PARAMS)
    assert r.initial_households == start.households and r.sap_capacity == start.sap_capacity - 20
    assert list(r.counts[0, : len(START_STATES)]) == [start.stocks[s] for s in START_STATES]
    assert r.label == "San Donato Milanese" and r.start == start


def test_an_unknown_comune_is_refused_in_italian():
    with pytest.raises(ValidationError, match="«Milano» non è un comune dell'Ambito Sud Est Milano: scegli tra"):
        Scenario(comune="Milano")
    with pytest.raises(ValidationError, match="non è un comune dell'Ambito"):
        Scenario(comune="melegnano", from_data=True)
    with pytest.raises(UnknownComuneError, match="oppure «Ambito» per tutti e nove"):
        starting_point("Rozzano", PARAMS)


def test_households_come_from_the_data_or_from_the_scenario_not_both():
    with pytest.raises(ValidationError, match="il numero di nuclei viene dai dati"):
        Scenario(comune="Dresano", from_data=True, households=5000)


@settings(max_examples=20, deadline=None)
@given(
    comune=st.sampled_from([*COMUNI, AMBITO]),
    years=st.integers(1, 3),
    sap=st.integers(-200, 200),
    temp=st.integers(0, 300),
    agency=st.floats(0, 50),
    budget=st.floats(0, 50_000),
    seed=st.integers(0, 10_000),
)
def test_a_comune_scenario_neither_creates_nor_loses_households(comune, years, sap, temp, agency, budget, seed):
    scenario = Scenario(
        comune=comune,
        from_data=True,
        years=years,
        sap_units_change=sap,
        temporary_places=temp,
        agency_contracts=agency,
        prevention_budget=budget,
        seed=seed,
    )
    r = simulate(scenario, PARAMS)
    entered = r.initial_households + np.concatenate([[0], np.cumsum(r.inflows)])
    assert (r.counts.sum(axis=1) == entered).all()
    assert (r.counts >= 0).all()
    assert (np.diff(r.counts[:, STATES.index("uscita")]) >= 0).all(), "nobody comes back from the exit"
    assert (r.counts[:, STATES.index("sap")] <= max(r.sap_capacity, r.counts[0, STATES.index("sap")])).all()
    assert (r.counts[1:, STATES.index("temporanea")] <= max(temp, r.counts[0, STATES.index("temporanea")])).all()
