"""Where things are on disk, whatever the working directory of the caller.

Voilà runs each notebook with the notebook's folder as working directory and
papermill with the caller's: nothing here depends on either.

Two ways to be installed, one layout:

- **the checkout** (``pip install -e .``, what ``make start`` does): the files are
  where the repository has them, ``PROJECT_ROOT`` is the repository;
- **an installed copy** (``pip install abitare-….whl``: a JupyterHub image, a
  server without git): the wheel ships the course (``modules/``), the datasets,
  the notebooks and the Voilà template inside the package, in ``abitare/_files/``,
  laid out as in the repository, and ``PROJECT_ROOT`` is that folder. Its run-time
  files (the SQLite database, caches) cannot live inside the installed package,
  which may be read-only: they go to ``$XDG_DATA_HOME/abitare`` (usually
  ``~/.local/share/abitare``) unless ``ABITARE_DATA_DIR`` says otherwise.

``ABITARE_CONTENT_DIR`` still points either one to another course folder.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "DATASETS_DIR",
    "DEFAULT_DATA_DIR",
    "INSTALLED",
    "MIGRATIONS_DIR",
    "PACKAGE_DIR",
    "PROJECT_ROOT",
    "SHIPPED_DIR",
    "TEMPLATES_DIR",
]

PACKAGE_DIR = Path(__file__).resolve().parent
#: the course, datasets, notebooks and template shipped inside a wheel (absent in the checkout)
SHIPPED_DIR = PACKAGE_DIR / "_files"
#: True for an installed copy (the wheel's files are there), False for the editable checkout
INSTALLED = (SHIPPED_DIR / "modules").is_dir()
#: the folder laid out as the repository: the checkout itself, or the files a wheel ships
PROJECT_ROOT = SHIPPED_DIR if INSTALLED else PACKAGE_DIR.parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
DATASETS_DIR = PROJECT_ROOT / "datasets"
#: Jupyter data folder holding the project's Voilà template (``voila/templates/abitare``).
TEMPLATES_DIR = PROJECT_ROOT / "share" / "jupyter"


def _user_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "abitare"


#: where the SQLite file and caches go when ``ABITARE_DATA_DIR`` is not set
DEFAULT_DATA_DIR = _user_data_dir() if INSTALLED else PROJECT_ROOT / "var"
