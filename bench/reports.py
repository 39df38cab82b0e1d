"""How fast the reports run: one, the batch of nine, and a 200,000-household registry.

Run: make bench   (or .venv/bin/python bench/reports.py [runs])
Prints:
- one profilo-inquilinato report through the command line (median of ``runs``),
  as staff run it: process start, checks, kernel, HTML;
- the batch of all nine municipalities (``--comune all``) and its ratio to
  one × 9 / 2 (two cores): the target is at most 1.5;
- profilo-inquilinato for the whole Ambito on a generated 200,000-household
  registry with plain papermill: seconds (target < 30) and the largest memory of
  any process (target < 1 GiB); then morosita on the same data (2.4 million
  ledger rows), for information.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ABITARE = [sys.executable, "-m", "abitare.cli"]


def timed(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{done.stderr[-2000:]}")
    return elapsed


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        report = [*ABITARE, "report", "profilo-inquilinato"]
        timed([*report, "--comune", "Melegnano", "--out", str(work / "warm")], work)  # file caches warm
        singles = [timed([*report, "--comune", "Melegnano", "--out", str(work / f"one{i}")], work) for i in range(runs)]
        batches = [timed([*report, "--comune", "all", "--out", str(work / f"all{i}")], work) for i in range(runs)]
        notebook = str(ROOT / "notebooks" / "reports" / "profilo-inquilinato.ipynb")
        bare = [
            timed(
                [sys.executable, "-m", "papermill", notebook, str(work / f"p{i}.ipynb"), "-p", "comune", "Melegnano"],
                work,
            )
            for i in range(runs)
        ]
        one, batch, plain = statistics.median(singles), statistics.median(batches), statistics.median(bare)
        print(f"one report (command line, median of {runs}):  {one:6.2f} s")
        print(f"one report (plain papermill, no HTML):       {plain:6.2f} s")
        print(f"batch of nine, 2 cores (median of {runs}):     {batch:6.2f} s")
        print(f"ratio batch / (one x 9 / 2):                 {batch / (one * 9 / 2):6.2f}  (target <= 1.5)")
        print(f"  same against plain papermill:              {batch / (plain * 9 / 2):6.2f}")

        data = work / "big"
        started = time.perf_counter()
        timed([*ABITARE, "data", "generate", "--households", "200000", "--seed", "1", "--out", str(data)], work)
        print(f"generate 200,000 households:                 {time.perf_counter() - started:6.2f} s")
        command = [
            sys.executable,
            "-m",
            "papermill",
            str(ROOT / "notebooks" / "reports" / "profilo-inquilinato.ipynb"),
            str(work / "big.ipynb"),
            "-p",
            "dati",
            str(data),
            "--cwd",
            str(work),
        ]
        elapsed, peak = measured(command, work)
        print(f"profilo-inquilinato, 200,000 households:     {elapsed:6.2f} s  (target < 30)")
        print(f"largest process memory (kernel):             {peak:6.0f} MiB (target < 1024)")
        command = [
            *command[:3],
            str(ROOT / "notebooks" / "reports" / "morosita.ipynb"),
            str(work / "big-morosita.ipynb"),
            *command[5:],
        ]
        elapsed, peak = measured(command, work)
        print(f"morosita, 200,000 households (2.4M rows):    {elapsed:6.2f} s, {peak:.0f} MiB")


def measured(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and the peak memory (MiB) of the largest process ``command`` starts, alone."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "assert done.returncode == 0, done.stderr[-2000:]\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    seconds, mib = out.stdout.split()
    return float(seconds), float(mib)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
