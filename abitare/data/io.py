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
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from abitare.data.dictionary import FieldSpec, TableSpec, limit_label, load_dictionary
from abitare.errors import DataError, DataProblem
from abitare.numbers import number
from abitare.paths import DATASETS_DIR

__all__ = ["SHIPPED_DIR", "detect_table", "load_table", "read_table", "table_file", "write_table"]

#: The synthetic dataset shipped with the project.
SHIPPED_DIR = DATASETS_DIR / "ambito"
MAX_PROBLEMS = 200
_TRUE = {"sì", "si", "s", "vero", "true", "1", "x", "yes", "y"}
_FALSE = {"no", "n", "falso", "false", "0", ""}
_NUMBER = {
    ",": re.compile(r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"),
    ".": re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"),
}


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
        rest = rows[MAX_PROBLEMS + 1 :]
        self.total += len(rest)
        self.seen.update((int(index) + 2, column) for index in rest)  # not counted again by the schema check

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


def _with_header(raw: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """First row as column names; data rows keep an index such that ``index + 2`` is the spreadsheet row."""
    if raw.empty:
        problems.add(None, None, "il file è vuoto.")
        problems.raise_if_any()
    names = [str(c).strip().lstrip("\ufeff").lower() for c in raw.iloc[0].fillna("")]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            problems.add(1, name, "due colonne hanno lo stesso nome.")
        seen.add(name)
    problems.raise_if_any()
    frame = raw.iloc[1:].fillna("")
    frame.columns = names
    frame.index = raw.index[1:] - 1
    blank = (frame == "").all(axis=1)
    return frame[~blank]


def _read_csv_text(path: Path, problems: _Problems) -> tuple[pd.DataFrame, str]:
    text = _decode(path.read_bytes(), problems)
    header = text.split("\n", 1)[0]
    sep = max([";", ",", "\t"], key=header.count)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            header=None,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
        )
    except pd.errors.EmptyDataError:
        raw = pd.DataFrame()
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
    return _with_header(raw, problems), sep


def _xlsx_cell(v: Any) -> str:
    """A spreadsheet cell as the text an Italian CSV would hold (numbers with a decimal comma)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, pd.Timestamp | datetime):
        return str(v.strftime("%Y-%m-%d"))
    if isinstance(v, bool):
        return "sì" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return number(v, grouping=False)
    return str(v)


def _read_xlsx(path: Path, problems: _Problems) -> pd.DataFrame:
    try:
        raw = pd.read_excel(path, dtype=object, engine="openpyxl", header=None)
    except Exception as err:  # openpyxl raises many kinds for a bad file
        problems.add(None, None, "il file non è un foglio Excel (.xlsx) leggibile.")
        problems.raise_if_any()
        raise AssertionError("unreachable") from err
    return _with_header(raw.map(_xlsx_cell), problems)


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
    problems.add_rows(text.index[~ok], values, spec.nome, "«{v}» non è un numero.")
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
    return result.mask(text == "", pd.NA)  # an empty cell is missing, not «no»


def _parse_date(values: pd.Series, spec: FieldSpec, problems: _Problems) -> pd.Series:
    text = values.str.strip().str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", regex=True)
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    italian = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    parsed = iso.fillna(italian)
    bad = parsed.isna() & (text != "")
    problems.add_rows(text.index[bad], values, spec.nome, "«{v}» non è una data (AAAA-MM-GG oppure GG/MM/AAAA).")
    return parsed


def _parse_month(values: pd.Series, spec: FieldSpec, problems: _Problems) -> pd.Series:
    text = values.str.strip()
    iso = text.str.extract(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")  # a full date stands for its month
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


class _PerValue:
    """Problems found while parsing the distinct values of a column, reported on every row holding them."""

    def __init__(self, problems: _Problems, codes: np.ndarray, values: pd.Series) -> None:
        self.problems, self.codes, self.values = problems, codes, values

    def add_rows(self, positions: pd.Index, _distinct: pd.Series, column: str, message: str) -> None:
        if len(positions):
            rows = self.values.index[np.isin(self.codes, np.asarray(positions))]
            self.problems.add_rows(rows, self.values, column, message)


def _by_distinct_value(values: pd.Series, parse: Any, spec: FieldSpec, problems: _Problems, *extra: Any) -> pd.Series:
    """``parse`` run once per distinct value: a column of 2.4 million months has twelve."""
    codes, distinct = pd.factorize(values)
    if len(distinct) * 2 > len(values):
        return parse(values, spec, *extra, problems)
    parsed = parse(pd.Series(distinct, dtype=object), spec, *extra, _PerValue(problems, codes, values))
    out = parsed.iloc[codes]
    out.index = values.index
    return out


def _parse(frame: pd.DataFrame, table: TableSpec, decimal: str, problems: _Problems) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    for spec in table.campi:
        if spec.nome not in frame:
            continue
        values = frame[spec.nome].astype(str)
        if spec.tipo in ("intero", "decimale"):
            out[spec.nome] = _by_distinct_value(values, _parse_numbers, spec, problems, decimal)
        elif spec.tipo == "booleano":
            out[spec.nome] = _by_distinct_value(values, _parse_bool, spec, problems)
        elif spec.tipo == "data":
            out[spec.nome] = _by_distinct_value(values, _parse_date, spec, problems)
        elif spec.tipo == "mese":
            out[spec.nome] = _by_distinct_value(values, _parse_month, spec, problems)
        elif spec.tipo == "categoria":
            out[spec.nome] = _by_distinct_value(values, _parse_category, spec, problems)
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
                message = f"deve essere tra {limit_label(lo)} e {limit_label(hi)}"
            elif spec.min is not None:
                message = f"non può essere minore di {limit_label(lo)}"
            else:
                message = f"non può essere maggiore di {limit_label(hi)}"
            checks.append(pa.Check.in_range(lo, hi, error=message))
        columns[spec.nome] = pa.Column(
            checks=checks, nullable=not spec.obbligatorio, unique=spec.unico, required=not spec.personale
        )
    return pa.DataFrameSchema(columns, strict=False, unique=list(table.chiave) if table.chiave else None)


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
            column = None if pd.isna(case.column) else str(case.column)
            if check == "multiple_fields_uniqueness":
                together = " e ".join(f"«{c}»" for c in table.chiave or ())
                column, message = None, f"combinazione di {together} ripetuta: ogni riga deve averne una diversa."
            else:
                message = _PANDERA_MESSAGES.get(check) or f"«{_short(case.failure_case)}»: {check}."
            problems.add(row, column, message, once=True)


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
    problems.raise_if_any()
    numeric = [f.nome for f in spec.campi if f.tipo in ("intero", "decimale")]
    decimal = "," if sep == "xlsx" else _decimal_mark(frame, sep, numeric)
    parsed = _parse(frame, spec, decimal, problems)
    _check(parsed, spec, problems)
    problems.raise_if_any()
    parsed = parsed.reset_index(drop=True)
    parsed.attrs["tabella"] = name
    return parsed


def table_file(folder: Path, name: str) -> Path | None:
    """Where table ``name`` is in ``folder``: its CSV (``inquilini.csv``), else an XLSX of the same name."""
    csv_path = folder / load_dictionary().table(name).file
    for candidate in (csv_path, csv_path.with_suffix(".xlsx")):
        if candidate.is_file():
            return candidate
    return None


def load_table(name: str, data: Path | str | None = None, *, personal: bool = False) -> pd.DataFrame:
    """Table ``name`` from a folder (default: the shipped dataset) or from one file.

    Identifying columns (names, fiscal codes, addresses) are dropped unless
    ``personal`` is true: the reports never see them.
    """
    source = Path(data) if data is not None else SHIPPED_DIR
    spec = load_dictionary().table(name)
    path = (table_file(source, name) or source / spec.file) if source.is_dir() else source
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
