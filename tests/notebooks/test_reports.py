"""The session synthesis report, run with papermill as staff would run it, and its output read back."""

import json
import subprocess
import sys
from datetime import date

import pytest

from abitare.paths import PROJECT_ROOT
from abitare.sessions import SessionStore
from abitare.settings import Settings
from abitare.storage import upgrade
from abitare.worksheets import load_worksheet
from tests.conftest import CONTENT_DIR

REPORT = PROJECT_ROOT / "notebooks" / "reports" / "sintesi-sessione.ipynb"


def run_papermill(tmp_path, data_dir, **params):
    out = tmp_path / "out.ipynb"
    args = [sys.executable, "-m", "papermill", str(REPORT), str(out), "--cwd", str(tmp_path)]
    for key, value in params.items():
        args += ["-p", key, str(value)]
    done = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ABITARE_DATA_DIR": str(data_dir)},
    )
    return done, out


def outputs(notebook) -> str:
    nb = json.loads(notebook.read_text())
    texts = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            texts.append("".join(o.get("data", {}).get("text/markdown", "")))
            texts.append("".join(o.get("data", {}).get("image/png", ""))[:10])
    return "\n".join(texts)


def test_the_synthesis_report_reads_a_session(tmp_path):
    settings = Settings(data_dir=tmp_path / "var")
    upgrade(settings.database_url)
    from abitare.progress import open_store

    sheet = load_worksheet(CONTENT_DIR, "retrospettiva-pratica")
    sessions = SessionStore(open_store(settings).engine)
    session, _ = sessions.create(sheet, "Retrospettiva di novembre", date(2026, 11, 25))
    scale = next(f for f in sheet.data.fields if f.type == "scale")
    text = next(f for f in sheet.data.fields if f.type in ("long_text", "short_text"))
    for name, value in (("Anna", 2), ("Bruno", 4), ("Carla", 4)):
        member = sessions.join(session, name)
        sessions.save(sheet, member, scale.id, value)
        sessions.save(sheet, member, text.id, f"Osservazione di {name}")
    done, out = run_papermill(tmp_path, settings.data_dir, codice_sessione=session.code)
    assert done.returncode == 0, done.stderr[-2000:]
    shown = outputs(out)
    assert "Retrospettiva di novembre" in shown and "Risposte: 3" in shown
    assert "Media: 3,3" in shown and "Osservazione di Bruno" in shown
    assert "Anna" not in shown.replace("Osservazione di Anna", ""), "anonymous by default"
    assert "iVBORw0KGg" in shown  # a PNG chart is embedded


def test_an_unknown_code_fails_with_an_italian_message(tmp_path):
    settings = Settings(data_dir=tmp_path / "var")
    upgrade(settings.database_url)
    done, _ = run_papermill(tmp_path, settings.data_dir, codice_sessione="ZZZZZZZZ")
    assert done.returncode != 0 and "Nessuna sessione con il codice «ZZZZZZZZ»" in done.stderr


@pytest.mark.parametrize("name", ["sintesi-sessione.ipynb"])
def test_reports_are_committed_without_outputs(name):
    nb = json.loads((PROJECT_ROOT / "notebooks" / "reports" / name).read_text())
    assert all(c.get("outputs", []) == [] for c in nb["cells"] if c["cell_type"] == "code")
    assert "parameters" in nb["cells"][0]["metadata"].get("tags", [])
