"""A report batch under faults, through the command line as staff run it: Ctrl+C in the
middle of `abitare report … --comune all`, and one report's kernel killed. The reports
made stay made, the index lists exactly the pages that exist, no half-written file is left,
and the failure is named in Italian."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.ledger import fault_injected

pytestmark = pytest.mark.faults

REPORT = "morosita"
ABITARE = [sys.executable, "-m", "abitare.cli"]
COMUNI = 9


def start_batch(data: Path, out: Path, home: Path, workers: int = 2) -> subprocess.Popen[str]:
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(home)}
    args = ["report", REPORT, "--comune", "all", "--data", str(data), "--out", str(out), "--workers", str(workers)]
    return subprocess.Popen(
        [*ABITARE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # Ctrl+C reaches a terminal's job with its default handling; a child inherits an ignored
        # SIGINT (a launcher running the test suite in the background ignores it), so restore it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for(what, timeout: float, proc: subprocess.Popen[str]):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        if proc.poll() is not None:
            pytest.fail(f"the batch ended first: {proc.communicate()[1][-2000:]}")
        time.sleep(0.2)
    pytest.fail(f"not seen within {timeout} s")


def consistent_index(out: Path) -> dict[str, dict[str, str]]:
    """The index rows; each page it links exists and is whole, each page made is in it, nothing half-made."""
    rows: dict[str, dict[str, str]] = json.loads((out / "indice.json").read_text(encoding="utf-8"))
    linked = {row["html"] for row in rows.values() if row["html"]}
    made = {p.name for p in out.glob(f"{REPORT}-*.html")}
    assert linked == made, f"index and folder disagree: {linked ^ made}"
    for name in made:
        assert (out / name).read_text(encoding="utf-8").rstrip().endswith("</html>"), f"{name} is cut short"
    assert not list(out.glob(".*in-corso*")) and not list(out.glob("*.tmp")), "a half-written file was left"
    index = (out / "indice.html").read_text(encoding="utf-8")
    for name in made:
        assert f"href='{name}'" in index
    return rows


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kernels_of(pid: int) -> list[int]:
    kernels = []
    for child in descendants(pid):
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "ipykernel" in cmd:
            kernels.append(child)
    return kernels


def test_ctrl_c_in_a_batch_keeps_the_reports_made_and_a_consistent_index(tmp_path, small_data):
    out = tmp_path / "rapporti"
    # one worker: eight reports are still to come when the first appears, however fast the machine
    proc = start_batch(small_data, out, tmp_path, workers=1)
    wait_for(lambda: list(out.glob(f"{REPORT}-*.html")), 300, proc)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C in the terminal reaches the whole job
    fault_injected("SIGINT to `abitare report morosita --comune all` after its first report")
    try:
        _, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the batch did not stop within 90 s of Ctrl+C")
    assert proc.returncode == 130 and "Interrotto." in err, err[-2000:]
    assert "Traceback" not in err, err[-2000:]
    rows = consistent_index(out)
    done = [r for r in rows.values() if not r["error"]]
    assert 1 <= len(done) < COMUNI


def test_a_dead_report_kernel_is_named_in_italian_and_the_others_finish(tmp_path, small_data):
    out = tmp_path / "rapporti"
    proc = start_batch(small_data, out, tmp_path)
    victim = wait_for(lambda: kernels_of(proc.pid), 300, proc)[0]
    os.kill(victim, signal.SIGKILL)  # one report's kernel dies (out of memory, a crash)
    fault_injected("SIGKILL to one report kernel in a batch")
    try:
        stdout, err = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the batch did not finish within 600 s of a kernel's death")
    assert "Traceback" not in err, err[-2000:]
    rows = consistent_index(out)
    failed = [r for r in rows.values() if r["error"]]
    assert len(rows) == COMUNI and len(failed) == 1, rows
    assert "8 rapporti prodotti su 9" in stdout, stdout[-2000:]
    assert proc.returncode != 0, "a batch with a failed report must not exit as a success"
    reason = failed[0]["error"]
    assert "kernel" in reason and "interrott" in reason, reason  # named, in Italian
    assert failed[0]["label"] in stdout + err, "the terminal names the report that failed"
