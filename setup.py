"""The part of the packaging that pyproject.toml cannot say (metadata and dependencies live there).

- **Packages are found, not listed**: every folder under ``abitare/`` with Python
  files is a package (namespace folders such as ``abitare/reports`` included), so a
  new sub-package cannot be left out of the wheel again; ``widgets/`` is installed
  as ``abitare_widgets`` (see the README, "How it is built").
- **The wheel carries what the code reads at run time**: the course (``modules/``),
  the datasets, the notebooks and the Voilà template (``share/``) are copied into
  ``abitare/_files/`` of the wheel, laid out as in the repository, where
  ``abitare.paths`` finds them. An editable install (``make start``) copies nothing:
  it reads the repository itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: repository folders shipped inside the wheel, under abitare/_files/
SHIPPED = ("modules", "datasets", "notebooks", "share")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".DS_Store")


class BuildWithFiles(build_py):
    """``build_py`` that also copies the shipped folders into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "abitare" / "_files"
        for name in SHIPPED:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(ROOT / name, target / name, ignore=IGNORED)


setup(
    packages=[
        *find_namespace_packages(include=["abitare", "abitare.*"], exclude=["*__pycache__*", "abitare._files*"]),
        "abitare_widgets",
    ],
    package_dir={"abitare_widgets": "widgets"},
    cmdclass={"build_py": BuildWithFiles},
)
