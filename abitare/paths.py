"""Where things are on disk, whatever the working directory of the caller.

Voilà runs each notebook with the notebook's folder as working directory and
papermill with the caller's: nothing here depends on either.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DATASETS_DIR", "MIGRATIONS_DIR", "PACKAGE_DIR", "PROJECT_ROOT", "TEMPLATES_DIR"]

PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root for an editable install (the only supported one for now).
PROJECT_ROOT = PACKAGE_DIR.parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
DATASETS_DIR = PROJECT_ROOT / "datasets"
#: Jupyter data folder holding the project's Voilà template (``voila/templates/abitare``).
TEMPLATES_DIR = PROJECT_ROOT / "share" / "jupyter"
