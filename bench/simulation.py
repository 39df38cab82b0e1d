"""How fast the system simulation runs: 10,000 households, 10 years, monthly steps.

Also 100,000 households, and the whole Ambito seeded from the datasets (about 51,000).
Then the calibration: the page's starting run (the whole Ambito, its default prevention
budget) over the default years, averaged over the same number of seeds: executed evictions
a year, and executed plus prevented, against the Lombardy figures it is calibrated on.

Run: .venv/bin/python bench/simulation.py [runs]
The target is under 200 ms per run on this machine (fast enough for live sliders).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from abitare.parameters import ParameterSet, load_parameters
from abitare.simulation import Scenario, prevention_budget, simulate
from abitare.simulation_start import AMBITO, starting_point

TARGET_MS = 200


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    params = load_parameters()
    simulate(Scenario(), params)  # warm-up (imports, caches)
    simulate(Scenario(from_data=True), params)  # warm-up: reads and checks the datasets once
    cases: list[tuple[str, dict[str, Any]]] = [("", {"households": n}) for n in (10_000, 100_000)]
    cases.append((" (the Ambito, from the datasets)", {"from_data": True, "comune": "Ambito"}))
    for note, fields in cases:
        times = []
        for seed in range(runs):
            scenario = Scenario(**fields, years=10, seed=seed)
            start = time.perf_counter()
            result = simulate(scenario, params)
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        print(
            f"{result.initial_households:>7} households{note} × 120 months: median {median:.1f} ms "
            f"(min {min(times):.1f}, max {max(times):.1f}, runs {runs}); "
            f"ratio to the {TARGET_MS} ms target: {median / TARGET_MS:.2f}"
        )
    calibration(params, runs)


def calibration(params: ParameterSet, runs: int) -> None:
    households = starting_point(AMBITO, params).households
    budget = prevention_budget(households)
    results = [simulate(Scenario(from_data=True, prevention_budget=budget, seed=seed), params) for seed in range(runs)]
    executed = statistics.mean(r.yearly_share(r.evictions) for r in results)
    reached = statistics.mean(r.yearly_share(r.evictions + r.evictions_avoided) for r in results)
    years = results[0].scenario.years
    targets = (
        params.fraction("simulazione.taratura_sfratti_eseguiti"),
        params.fraction("simulazione.taratura_provvedimenti_sfratto"),
    )
    print(
        f"calibration, the Ambito ({households} households, budget {budget} EUR a month), {years} years, "
        f"{runs} seeds: executed evictions {executed * households:.1f} a year = {executed:.3%} of households "
        f"(target {targets[0]:.2%}); executed + prevented {reached * households:.1f} a year = {reached:.3%} "
        f"(orders: {targets[1]:.2%})"
    )


if __name__ == "__main__":
    main()
