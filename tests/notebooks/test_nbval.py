"""Every Voilà notebook is executed by nbval (lax mode), as a trainee's page would be.

nbval runs in a subprocess so that the kernels get a controlled environment: a
fresh database and, in the second run, the query string Voilà would pass.
The pages catch their own errors, so the test also reads the kernels' log.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from abitare.paths import PROJECT_ROOT
from abitare.settings import Settings
from abitare.storage import make_engine, participants, upgrade

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))


def run_nbval(data_dir: Path, query: str | None) -> subprocess.CompletedProcess:
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(data_dir),
        "ABITARE_DATA_DIR": str(data_dir),
    }
    if query is not None:
        env["QUERY_STRING"] = query
        env["SCRIPT_NAME"] = "/voila/render/modulo.ipynb"  # the application opens the module view
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q", *map(str, NOTEBOOKS)],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=300,
    )


def test_there_are_notebooks_and_they_are_committed_without_outputs():
    # one application notebook serves every trainee page; the facilitators have their own
    assert {p.name for p in NOTEBOOKS} == {"home.ipynb", "lavagna.ipynb", "classe.ipynb"}
    for path in NOTEBOOKS:
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        assert cells, f"{path.name} has no code"
        for cell in cells:
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name} has outputs"


@pytest.mark.parametrize("query", [None, "m=sistema-abitativo&p=nbval-test"], ids=["no-query", "participant"])
def test_every_notebook_runs(tmp_path, query):
    settings = Settings(data_dir=tmp_path)
    upgrade(settings.database_url)
    out = run_nbval(tmp_path, query)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(NOTEBOOKS)} passed" in out.stdout, out.stdout
    for level in ("ERROR", "WARNING"):
        assert f"[abitare {level}" not in out.stderr, out.stderr
    with make_engine(settings.database_url).connect() as conn:
        codes = set(conn.execute(select(participants.c.code)).scalars())
    # the pages ran for real: with a code in the address, the module view identified the participant
    assert codes == ({"nbval-test"} if query else set())
