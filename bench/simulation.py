"""How fast the system simulation runs: 10,000 households, 10 years, monthly steps.

Run: .venv/bin/python bench/simulation.py [runs]
The target is under 200 ms per run on this machine (fast enough for live sliders).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from abitare.parameters import load_parameters
from abitare.simulation import Scenario, simulate

TARGET_MS = 200


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    params = load_parameters()
    simulate(Scenario(), params)  # warm-up (imports, caches)
    for households in (10_000, 100_000):
        times = []
        for seed in range(runs):
            start = time.perf_counter()
            simulate(Scenario(households=households, years=10, seed=seed), params)
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        print(
            f"{households:>7} households × 120 months: median {median:.1f} ms "
            f"(min {min(times):.1f}, max {max(times):.1f}, runs {runs}); "
            f"ratio to the {TARGET_MS} ms target: {median / TARGET_MS:.2f}"
        )


if __name__ == "__main__":
    main()
