"""The wheel a deployer builds (`pip wheel .`) runs on its own, outside the checkout.

The test builds the wheel, installs it into a new virtual environment in a temporary
folder and, from there, runs `abitare check` and serves the home page.

To stay fast and offline, the new environment takes the *dependencies* from the
project's own .venv (a ``.pth`` line naming its site-packages: Voilà, pandas… are
not reinstalled) and only **abitare itself from the wheel** (`pip install --no-deps`).
The test checks that this is so: ``abitare.__file__`` and ``abitare_widgets.__file__``
are under the new environment, and the current folder is not the checkout. (A venv
made with ``--system-site-packages`` would see the base interpreter's packages, not
.venv's, hence the ``.pth`` line.) Voilà's base templates live in .venv's
``share/jupyter``: ``JUPYTER_PATH`` names it, as a real install's prefix would.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from pathlib import Path

import pytest

from abitare.paths import PROJECT_ROOT
from abitare.serve import wait_for_port
from tests.ui.conftest import free_port

VENV = Path(sys.prefix)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(PROJECT_ROOT)],
        check=True,
        cwd=out,
    )
    (found,) = out.glob("abitare-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv outside the checkout with abitare from the wheel; returns its folder."""
    root = tmp_path_factory.mktemp("deploy")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(  # into the empty venv first: pip must not see (nor touch) the checkout's install
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)],
        check=True,
        cwd=root,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    Path(purelib, "zz-abitare-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ABITARE_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env["HOME"] = str(root / "home")
    env["ABITARE_DATA_DIR"] = str(root / "dati")
    env["JUPYTER_PATH"] = str(VENV / "share" / "jupyter")
    env["PATH"] = f"{root / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_the_wheel_holds_what_the_code_reads(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "abitare/calc/canone_sap.py",
        "abitare/data/io.py",
        "abitare/reports/registry.py",
        "abitare/parameters.yaml",
        "abitare/migrations/script.py.mako",
        "abitare_widgets/app.py",
        "abitare/_files/modules/course.yaml",
        "abitare/_files/datasets/dizionario.yaml",
        "abitare/_files/datasets/ambito/inquilini.csv",
        "abitare/_files/notebooks/home.ipynb",
        "abitare/_files/notebooks/reports/morosita.ipynb",
        "abitare/_files/share/jupyter/voila/templates/abitare/index.html.j2",
        "abitare/_files/share/jupyter/voila/templates/abitare/voila-chunks.txt",
        "abitare/_files/share/jupyter/kernels/python3/kernel.json",
    ):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]
    migrations = {p.name for p in (PROJECT_ROOT / "abitare" / "migrations" / "versions").glob("*.py")}
    assert migrations <= {Path(n).name for n in names if n.startswith("abitare/migrations/versions/")}


def test_installed_copy_checks_and_serves_the_home_page(installed: Path):
    root = installed.parent
    env = _env(root)
    where = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import abitare, abitare_widgets, abitare.paths as p; print(abitare.__file__); "
            "print(abitare_widgets.__file__); print(p.INSTALLED)",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
    ).stdout.split()
    assert all(Path(f).is_relative_to(installed) for f in where[:2]), where
    assert where[2] == "True"
    assert not Path.cwd().is_relative_to(installed)

    check = subprocess.run(
        [str(installed / "bin" / "abitare"), "check"], capture_output=True, text=True, cwd=root, env=env
    )
    assert check.returncode == 0, check.stderr
    assert "nessun errore" in check.stdout

    port = free_port()
    with (root / "serve.log").open("w") as log:  # the server keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [str(installed / "bin" / "abitare"), "serve", "--port", str(port), "--pool", "0"],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert wait_for_port("127.0.0.1", port, 90, alive=lambda: proc.poll() is None), (root / "serve.log").read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/home.ipynb", timeout=60) as resp:
            status, html = resp.status, resp.read().decode("utf-8")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    assert status == 200
    assert re.search(r'<html lang="it"', html)
    assert "<title>Corso di gestione sociale" in html
    assert (root / "dati" / "abitare.sqlite").is_file()  # the database went to ABITARE_DATA_DIR
