"""The command line, run as a user runs it."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ABITARE = [sys.executable, "-m", "abitare.cli"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*ABITARE, *args], capture_output=True, text=True, env=env)


def test_check_json_lists_the_shipped_modules_and_cases():
    out = run("check", "--json")
    assert out.returncode == 0, out.stderr
    inv = json.loads(out.stdout)
    assert inv["errors"] == []
    assert len(inv["worksheets"]) >= 5
    assert all(set(ws) == {"id", "title", "module", "fields"} for ws in inv["worksheets"])
    assert len(inv["cases"]) >= 6
    for c in inv["cases"]:
        assert set(c) == {"id", "title", "module", "nodes", "endings"}
        assert c["nodes"] >= 10 and c["endings"] >= 3
    assert [m["id"] for m in inv["modules"]] == [
        "sistema-abitativo",
        "inquilinato-sap",
        "morosita",
        "convivenza-e-mediazione",
        "abitare-temporaneo",
        "lavoro-di-rete",
    ]
    for m in inv["modules"]:
        assert set(m) == {"id", "title", "lessons", "questions", "words"}
        assert m["lessons"] >= 3 and m["questions"] >= 8 and m["words"] >= 1200


def test_check_fails_on_broken_content_and_names_file_and_line(fixture_content):
    root: Path = fixture_content("duplicate-key")
    out = run("check", "--content-dir", str(root))
    assert out.returncode == 1
    assert "content/01_prova/module.yaml:4" in out.stderr and "compare due volte" in out.stderr
    data = json.loads(run("check", "--json", "--content-dir", str(root)).stdout)
    assert data["errors"][0]["line"] == 4


def test_db_upgrade_creates_the_database(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "ABITARE_DATA_DIR": str(tmp_path)}
    out = run("db", "upgrade", env=env)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "abitare.sqlite").exists()
    assert "Database pronto" in out.stdout


def test_console_script_is_installed():
    assert shutil.which("abitare", path=str(Path(sys.executable).parent))


def test_serve_refuses_a_busy_port_in_italian(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {"PATH": "/usr/bin:/bin", "ABITARE_DATA_DIR": str(tmp_path)}
        out = run("serve", "--port", str(port), env=env)
    assert out.returncode == 2
    assert f"La porta {port} è già in uso" in out.stderr


def test_facilitator_add_refuses_a_short_secret_in_italian(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "ABITARE_DATA_DIR": str(tmp_path)}
    assert run("db", "upgrade", env=env).returncode == 0
    out = subprocess.run(
        [*ABITARE, "facilitator", "add", "Giulia"],
        input="breve\nbreve\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 2 and "almeno 10 caratteri" in out.stderr


def test_case_graph_writes_an_svg(tmp_path):
    target = tmp_path / "grafo.svg"
    out = run("case", "graph", "conflitto-vicinato", "--out", str(target))
    assert out.returncode == 0, out.stderr
    assert "<svg" in target.read_text() and "Grafo del caso scritto" in out.stdout
    missing = run("case", "graph", "non-esiste")
    assert missing.returncode == 2 and "non esiste" in missing.stderr


def test_serve_refuses_a_class_that_does_not_fit_in_memory():
    out = run("serve", "--port", "8999", "--pool", "100000", "--no-upgrade-db")
    assert out.returncode == 2
    assert "Configurazione non avviata: --pool 100000 chiede più kernel" in out.stderr
    assert "MB liberi" in out.stderr and "Traceback" not in out.stderr


def test_serve_refuses_a_cap_above_the_memory():
    out = run("serve", "--port", "8999", "--max-kernel", "100000", "--no-upgrade-db")
    assert out.returncode == 2
    assert "--max-kernel 100000 non entra in memoria" in out.stderr
