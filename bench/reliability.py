"""The reliability figure of issue 14: faults survived, hostile input refused, nothing lost.

Run: .venv/bin/python bench/reliability.py [--no-browser] [-- extra pytest arguments]

Runs with pytest every test marked ``faults`` (a killed kernel, a restarted server, a busy,
full or read-only database, two tabs, an interrupted report batch) or ``hostile`` (hostile
content, exports, reports, addresses, credentials, logs), plus the hostile addresses of
tests/widgets/test_hostile_queries.py, and prints:

- faults injected (each fault test records what it did, tests/faults/ledger.py);
- hostile inputs tried (the test cases; for the page addresses, every page × parameter ×
  value the test feeds);
- answers written vs answers found afterwards (must be equal);
- silent failures (must be zero): a fault test that found a write reported as saved and
  not there, or a known silent behaviour kept as a strict xfail until it is fixed;
- the tests that failed, by name.

Exit status 0 only when every test passed, written = found and there is no silent failure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = "tests/widgets/test_hostile_queries.py"
FAULT_FILES = ("tests/faults/", "tests/ui/test_faults_ui.py", "tests.faults.", "tests.ui.test_faults_ui")


def run_pytest(args: list[str], junit: Path, ledger: Path) -> int:
    env = {**os.environ, "ABITARE_RELIABILITY_LEDGER": str(ledger)}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEX", f"--junitxml={junit}", *args]
    print("$", " ".join(cmd[1:]), flush=True)
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


def cases(junit: Path) -> list[dict[str, str]]:
    if not junit.exists():
        return []
    found = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome, message = "failed", (child.get("message") or "") + (child.text or "")
            elif child.tag == "skipped":
                kind = child.get("type", "")
                outcome = "xfailed" if "xfail" in kind else "skipped"
                message = child.get("message") or ""
        found.append({"name": f"{case.get('classname')}::{case.get('name')}", "outcome": outcome, "message": message})
    return found


def address_inputs() -> int:
    """Page × parameter × value combinations test_hostile_queries feeds (0 if its shape changed)."""
    try:
        sys.path.insert(0, str(ROOT))
        from tests.widgets import test_hostile_queries as q

        return sum(
            len(["p", *good]) * len(q.HOSTILE if good or name == "home.ipynb" else q.HOSTILE[::3])
            for name, _page, good in q.PAGES
        )
    except Exception:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true", help="leave out the browser tests (Chromium)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    opts = parser.parse_args()

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="abitare-reliability-") as tmp:
        folder = Path(tmp)
        ledger = folder / "ledger.jsonl"
        marker = "(faults or hostile)" + (" and not browser" if opts.no_browser else "")
        run_pytest(["tests", "-m", marker, *opts.pytest_args], folder / "marked.xml", ledger)
        run_pytest([QUERIES, "-m", "not hostile and not faults", *opts.pytest_args], folder / "queries.xml", ledger)
        results = cases(folder / "marked.xml") + cases(folder / "queries.xml")
        events = [json.loads(line) for line in ledger.read_text().splitlines()] if ledger.exists() else []

    ran = [r for r in results if r["outcome"] != "skipped"]
    faults = [r for r in ran if any(f in r["name"] for f in FAULT_FILES)]
    hostile = [r for r in ran if r not in faults]
    queries_ran = [r for r in hostile if "test_hostile_queries" in r["name"] and r["outcome"] == "passed"]
    hostile_inputs = len(hostile) - len(queries_ran) + (address_inputs() if queries_ran else 0)
    hostile_inputs += sum(int(e.get("n", 0)) for e in events if e["kind"] == "hostile")
    injected = [e for e in events if e["kind"] == "fault"]
    written = sum(int(e["n"]) for e in events if e["kind"] == "written")
    found = sum(int(e["n"]) for e in events if e["kind"] == "found")
    failed = [r for r in ran if r["outcome"] == "failed"]
    silent = [r for r in ran if r["outcome"] == "xfailed"]
    silent += [r for r in failed if "silent" in r["message"]]
    behaviours = {r["name"].split("[")[0]: r for r in silent}  # one behaviour, whatever the database
    skipped = [r for r in results if r["outcome"] == "skipped"]

    print("\nReliability (issue 14)")
    print(f"  fault tests run:            {len(faults)}")
    print(f"  faults injected:            {len(injected)}")
    print(f"  hostile-input tests run:    {len(hostile)}")
    print(f"  hostile inputs tried:       {hostile_inputs}")
    print(f"  answers written:            {written}")
    print(f"  answers found afterwards:   {found}" + ("" if written == found else "   <-- NOT EQUAL"))
    print(f"  silent failures:            {len(behaviours) + max(0, written - found)}")
    for r in behaviours.values():
        print(f"    - {r['name']}: {' '.join(r['message'].split())[:300]}")
    print(f"  tests failed:               {len(failed)}")
    for r in failed:
        print(f"    - {r['name']}")
    if skipped:
        print(f"  tests skipped:              {len(skipped)} (see the reasons above)")
    print(f"  time:                       {time.monotonic() - started:.0f} s")
    ok = not failed and written == found and not silent
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
