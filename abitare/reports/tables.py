"""The table loader of the reports: the shipped dataset, a folder, or one file staff exported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abitare.data import SHIPPED_DIR, detect_table, load_table, table_file
from abitare.errors import AbitareError

__all__ = ["Tables"]


class Tables:
    """The tables a report reads: from the shipped dataset, a folder, or one file.

    With one file, only the table that file holds is available; a report shows the
    sections it can and says which it left out.
    """

    def __init__(self, data: str | Path | None = None) -> None:
        self.source = Path(data) if data else SHIPPED_DIR
        self.synthetic = self.source.resolve() == SHIPPED_DIR.resolve()
        self._cache: dict[str, pd.DataFrame] = {}
        self.file_table: str | None = None
        if self.source.is_file():
            self.file_table = detect_table(self.source, _header(self.source))
        elif not self.source.is_dir():
            raise AbitareError(f"Dati non trovati: «{self.source}» non è né un file né una cartella.")

    def path(self, name: str) -> Path | None:
        """The file holding table ``name``, or ``None`` when the data do not include it."""
        if self.source.is_file():
            return self.source if name == self.file_table else None
        return table_file(self.source, name)

    def has(self, name: str) -> bool:
        return self.path(name) is not None

    def get(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            if not self.has(name):
                raise AbitareError(f"Manca la tabella «{name}» nei dati indicati.")
            self._cache[name] = load_table(name, self.source)
        return self._cache[name]

    def describe(self) -> str:
        if self.synthetic:
            return "dati sintetici distribuiti con il progetto (nessuna persona reale)"
        return f"dati forniti per questo rapporto ({self.source.name})"


def _header(path: Path) -> list[str]:
    """Column names of a file, cheaply (for telling which table it holds)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return [str(c) for c in pd.read_excel(path, nrows=0, engine="openpyxl").columns]
        except Exception as err:  # openpyxl raises many kinds for a damaged file
            raise AbitareError(f"«{path.name}» non è un foglio Excel (.xlsx) leggibile.") from err
    raw = path.read_bytes()[:4096]
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    first = text[0] if text else ""
    sep = max([";", ",", "\t"], key=first.count)
    return [c.strip().strip('"') for c in first.split(sep)]
