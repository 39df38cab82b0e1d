"""What the fault tests did, for bench/reliability.py: faults injected, answers written and
answers found afterwards. Each call appends one JSON line to the file named by
``ABITARE_RELIABILITY_LEDGER``; without it (a plain pytest run) nothing is written."""

from __future__ import annotations

import json
import os
import socket


def _record(kind: str, **fields: object) -> None:
    path = os.environ.get("ABITARE_RELIABILITY_LEDGER")
    if not path:
        return
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"kind": kind, "test": test, **fields}, ensure_ascii=False) + "\n")


def fault_injected(what: str) -> None:
    _record("fault", what=what)


def answers_written(n: int) -> None:
    """``n`` answers the user was shown as saved."""
    _record("written", n=n)


def answers_found(n: int) -> None:
    """``n`` of those answers read back after the fault."""
    _record("found", n=n)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def hostile_tried(n: int) -> None:
    """``n`` hostile inputs fed by a test (for tests that feed many inputs in one case)."""
    _record("hostile", n=n)
