"""Reading tables: the shipped datasets and staff's own exports, checked on every load.

A file may be CSV (separator ``;``, ``,`` or tab; decimal comma with thousands dots,
or decimal point; UTF-8 with or without BOM, or Windows cp1252, detected) or XLSX.
Every value is parsed by the type the data dictionary gives its column, then a
pandera schema built from the same dictionary checks ranges, allowed values,
missing and repeated values. Problems name the row as a spreadsheet shows it
(the header is row 1), the column and the reason, in Italian; a file with any
problem loads nothing.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abitare.data.dictionary import FieldSpec, TableSpec, load_dictionary
from abitare.errors import DataError, DataProblem
from abitare.paths import DATASETS_DIR

__all__ = ["SHIPPED_DIR", "detect_table", "load_table", "read_table", "write_table"]

#: The synthetic dataset shipped with the project.
SHIPPED_DIR = DATASETS_DIR / "ambito"
MAX_PROBLEMS = 200
_TRUE = {"sì", "si", "s", "vero", "true", "1", "x", "yes", "y"}
_FALSE = {"no", "n", "falso", "false", "0", ""}
_NUMBER = {
    ",": re.compile(r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"),
    ".": re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"),
}


def _it(x: float) -> str:
    text = f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


class _Problems:
    def __init__(self, display: str) -> None:
        self.display = display
        self.items: list[DataProblem] = []
        self.total = 0
        self.seen: set[tuple[int | None, str | None]] = set()

    def add(self, row: int | None, column: str | None, message: str, *, once: bool = False) -> None:
        """Record a problem; with ``once``, not when that cell already has one (a value that did not parse)."""
        if once and (row, column) in self.seen:
            return
        self.seen.add((row, column))
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(DataProblem(self.display, row, column, message))

    def add_rows(self, rows: pd.Index, values: pd.Series, column: str, message: str) -> None:
        """One problem per offending row; ``message`` may use ``{v}`` for the value."""
        for index in rows[: MAX_PROBLEMS + 1]:
            self.add(int(index) + 2, column, message.format(v=_short(values.loc[index])))
        self.total += max(0, len(rows) - MAX_PROBLEMS - 1)

    def raise_if_any(self) -> None:
        if self.total:
            self.items.sort(key=lambda p: (p.row or 0, p.column or ""))
            raise DataError(self.items, self.total)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _decode(raw: bytes, problems: _Problems) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        problems.add(None, None, "codifica dei caratteri non riconosciuta (usare UTF-8 o Windows-1252).")
        problems.raise_if_any()
        raise AssertionError("unreachable") from None


def _read_csv_text(path: Path, problems: _Problems) -> tuple[pd.DataFrame, str]:
    text = _decode(path.read_bytes(), problems)
    header = text.split("\n", 1)[0]
    sep = max([";", ",", "\t"], key=header.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=True
        )
    except pd.errors.ParserError as err:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
        if match:
            expected, line, seen = match.groups()
            problems.add(int(line), None, f"la riga ha {seen} campi invece di {expected} (separatore «{sep}»).")
        else:
            problems.add(None, None, "il file non è un CSV leggibile.")
        problems.raise_if_any()
        raise AssertionError("unreachable") from err
    except (csv.Error, ValueError) as err:
        problems.add(None, None, "il file non è un CSV leggibile.")
        problems.raise_if_any()
        raise AssertionError("unreachable") from err
    return frame.fillna(""), sep


def _read_xlsx(path: Path, problems: _Problems) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except Exception as err:  # openpyxl raises many kinds for a bad file
        problems.add(None, None, "il file non è un foglio Excel (.xlsx) leggibile.")
        problems.raise_if_any()
        raise AssertionError("unreachable") from err

    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, pd.Timestamp):
            return str(v.strftime("%Y-%m-%d"))
        if isinstance(v, bool):
            return "sì" if v else "no"
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    result: pd.DataFrame = frame.map(cell)
    return result


def _decimal_mark(frame: pd.DataFrame, sep: str, numeric: list[str]) -> str:
    if sep == ";":
        return ","
    if sep == ",":
        return "."
    sample = pd.concat([frame[c] for c in numeric if c in frame]) if numeric else pd.Series([], dtype=str)
    return "," if sample.str.contains(r"\d,\d", regex=True).any() else "."


def _parse_numbers(values: pd.Series, spec: FieldSpec, decimal: str, problems: _Problems) -> pd.Series:
    text = values.str.strip().str.replace("€", "", regex=False).str.replace(r"[\s\u00a0]", "", regex=True)
    empty = text == ""
    ok = text.str.fullmatch(_NUMBER[decimal]) | empty
    bad = text.index[~ok]
    problems.add_rows(bad, values, spec.nome, "«{v}» non è un numero.")
    thousands = "." if decimal == "," else ","
    cleaned = text.where(ok & ~empty, "").str.replace(thousands, "", regex=False).str.replace(decimal, ".", regex=False)
    numbers = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce")
    if spec.tipo == "intero":
        fractional = numbers.notna() & (numbers != numbers.round())
        problems.add_rows(numbers.index[fractional], values, spec.nome, "«{v}» deve essere un numero intero.")
        return numbers.round().astype("Int64")
    return numbers.astype("Float64")


def _parse_bool(values: pd.Series, spec: FieldSpec, problems: _Problems) -> pd.Series:
    text = values.str.strip().str.lower()
    known = text.isin(_TRUE | _FALSE)
    problems.add_rows(text.index[~known], values, spec.nome, "«{v}» non è «sì» o «no».")
    result = pd.Series(pd.array(text.isin(_TRUE), dtype="boolean"), index=values.index)
    if spec.obbligatorio:
        return result
    return result.mask(text == "", pd.NA)


def _parse_date(values: pd.Series, spec: FieldSpec, problems: _Problems) -> pd.Series:
    text = values.str.strip().str.replace(r" 00:00:00$", "", regex=True)
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    italian = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    parsed = iso.fillna(italian)
    bad = parsed.isna() & (text != "")
    problems.add_rows(text.index[bad], values, spec.nome, "«{v}» non è una data (AAAA-MM-GG oppure GG/MM/AAAA).")
    return parsed


def _parse_month(values: pd.Series, spec: FieldSpec, problems: _Problems) -> pd.Series:
    text = values.str.strip()
    iso = text.str.extract(r"^(\d{4})-(\d{1,2})$")
    italian = text.str.extract(r"^(\d{1,2})/(\d{4})$")
    year = iso[0].fillna(italian[1])
    month = pd.to_numeric(iso[1].fillna(italian[0]), errors="coerce")
    bad = (year.isna() | ~month.between(1, 12)) & (text != "")
    problems.add_rows(text.index[bad], values, spec.nome, "«{v}» non è un mese (AAAA-MM oppure MM/AAAA).")
    good = ~bad & (text != "")
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    out[good] = year[good] + "-" + month[good].astype(int).astype(str).str.zfill(2)
    return out


def _parse_category(values: pd.Series, spec: FieldSpec, problems: _Problems) -> pd.Series:
    allowed = spec.allowed() or []
    canonical = {v.casefold(): v for v in allowed}
    text = values.str.strip().str.replace(r"\s+", " ", regex=True)
    mapped = text.str.casefold().map(canonical)
    bad = mapped.isna() & (text != "")
    shown = ", ".join(allowed) if len(allowed) <= 10 else ", ".join(allowed[:10]) + ", ..."
    problems.add_rows(text.index[bad], values, spec.nome, "«{v}» non è tra i valori ammessi (" + shown + ").")
    return mapped.astype("string")


def _parse(frame: pd.DataFrame, table: TableSpec, decimal: str, problems: _Problems) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    for spec in table.campi:
        if spec.nome not in frame:
            continue
        values = frame[spec.nome].astype(str)
        if spec.tipo in ("intero", "decimale"):
            out[spec.nome] = _parse_numbers(values, spec, decimal, problems)
        elif spec.tipo == "booleano":
            out[spec.nome] = _parse_bool(values, spec, problems)
        elif spec.tipo == "data":
            out[spec.nome] = _parse_date(values, spec, problems)
        elif spec.tipo == "mese":
            out[spec.nome] = _parse_month(values, spec, problems)
        elif spec.tipo == "categoria":
            out[spec.nome] = _parse_category(values, spec, problems)
        else:
            text = values.str.strip()
            out[spec.nome] = text.where(text != "", None).astype("string")
    return pd.DataFrame(out, index=frame.index)


def _schema(table: TableSpec) -> Any:
    import pandera.pandas as pa

    columns = {}
    for spec in table.campi:
        checks = []
        if spec.min is not None or spec.max is not None:
            lo = -np.inf if spec.min is None else spec.min
            hi = np.inf if spec.max is None else spec.max
            if spec.min is not None and spec.max is not None:
                message = f"deve essere tra {_it(lo)} e {_it(hi)}"
            elif spec.min is not None:
                message = f"non può essere minore di {_it(lo)}"
            else:
                message = f"non può essere maggiore di {_it(hi)}"
            checks.append(pa.Check.in_range(lo, hi, error=message))
        columns[spec.nome] = pa.Column(
            checks=checks, nullable=not spec.obbligatorio, unique=spec.unico, required=not spec.personale
        )
    return pa.DataFrameSchema(columns, strict=False)


_PANDERA_MESSAGES = {
    "not_nullable": "valore mancante.",
    "field_uniqueness": "valore ripetuto: in questa colonna ogni riga deve avere un valore diverso.",
}


def _check(frame: pd.DataFrame, table: TableSpec, problems: _Problems) -> None:
    import pandera.errors

    try:
        _schema(table).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases
        for case in cases.itertuples(index=False):
            index = case.index
            row = None if index is None or pd.isna(index) else int(index) + 2
            check = str(case.check)
            message = _PANDERA_MESSAGES.get(check)
            if message is None:
                message = f"«{_short(case.failure_case)}»: {check}."
            problems.add(row, None if pd.isna(case.column) else str(case.column), message, once=True)


def detect_table(path: Path, columns: list[str] | None = None) -> str | None:
    """The table a file holds: by its name (``inquilini_2025.csv``), else by its columns."""
    dictionary = load_dictionary()
    stem = path.stem.lower()
    for name in sorted(dictionary.tabelle, key=len, reverse=True):
        if stem == name or stem.startswith(name + "_") or stem.startswith(name + "-"):
            return name
    if columns:
        given = {c.strip().lower() for c in columns}
        for name, table in dictionary.tabelle.items():
            needed = {f.nome for f in table.campi if not f.personale}
            if needed <= given:
                return name
    return None


def read_table(path: Path | str, table: str | None = None, *, display: str | None = None) -> pd.DataFrame:
    """Read and check one file; :class:`DataError` lists every problem and nothing is returned."""
    path = Path(path)
    problems = _Problems(display or path.name)
    if not path.is_file():
        problems.add(None, None, "il file non esiste.")
        problems.raise_if_any()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frame, sep = _read_xlsx(path, problems), "xlsx"
    elif suffix in (".csv", ".txt", ""):
        frame, sep = _read_csv_text(path, problems)
    else:
        problems.add(None, None, f"formato «{suffix}» non previsto: usare CSV o XLSX.")
        problems.raise_if_any()
    frame.columns = [str(c).strip().lstrip("\ufeff").lower() for c in frame.columns]
    name = table or detect_table(path, list(frame.columns))
    dictionary = load_dictionary()
    if name is None or name not in dictionary.tabelle:
        known = ", ".join(dictionary.tabelle)
        problems.add(
            None,
            None,
            f"non riconosco la tabella: dare al file un nome che inizi con quello di una tabella ({known}), "
            "per esempio «inquilini_2025.csv».",
        )
        problems.raise_if_any()
        raise AssertionError("unreachable")
    spec = dictionary.table(name)
    for field in spec.campi:
        if field.nome not in frame and not field.personale:
            problems.add(1, field.nome, "colonna mancante.")
    if len(set(frame.columns)) != len(frame.columns):
        problems.add(1, None, "due colonne hanno lo stesso nome.")
    problems.raise_if_any()
    frame.index = pd.RangeIndex(len(frame))
    numeric = [f.nome for f in spec.campi if f.tipo in ("intero", "decimale")]
    decimal = "." if sep == "xlsx" else _decimal_mark(frame, sep, numeric)
    parsed = _parse(frame, spec, decimal, problems)
    _check(parsed, spec, problems)
    problems.raise_if_any()
    parsed.attrs["tabella"] = name
    return parsed


def load_table(name: str, data: Path | str | None = None, *, personal: bool = False) -> pd.DataFrame:
    """Table ``name`` from a folder (default: the shipped dataset) or from one file.

    Identifying columns (names, fiscal codes, addresses) are dropped unless
    ``personal`` is true: the reports never see them.
    """
    source = Path(data) if data is not None else SHIPPED_DIR
    spec = load_dictionary().table(name)
    path = source / spec.file if source.is_dir() else source
    if source.is_dir() and not path.exists():
        xlsx = path.with_suffix(".xlsx")
        path = xlsx if xlsx.exists() else path
    frame = read_table(path, name)
    if not personal:
        frame = frame.drop(columns=[c for c in spec.personal if c in frame])
    return frame


def write_table(frame: pd.DataFrame, name: str, folder: Path) -> Path:
    """Write a table as Italian spreadsheets expect it: ``;``, decimal comma, UTF-8 with BOM."""
    spec = load_dictionary().table(name)
    out = frame[[c for c in spec.names if c in frame]].copy()
    for field in spec.campi:
        if field.nome not in out:
            continue
        column = out[field.nome]
        if field.tipo == "booleano":
            out[field.nome] = column.map({True: "sì", False: "no"}).fillna("")
        elif field.tipo == "data":
            out[field.nome] = pd.to_datetime(column).dt.strftime("%Y-%m-%d").fillna("")
    path = folder / spec.file
    out.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig", float_format="%.2f")
    return path
