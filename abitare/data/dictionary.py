"""The data dictionary (``datasets/dizionario.yaml``) and the municipalities (``datasets/comuni.yaml``).

Both are data: a field added to the dictionary is checked on every load, and the
list of municipalities is the one the reports accept for ``comune``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from abitare.errors import UnknownComuneError
from abitare.numbers import number
from abitare.paths import DATASETS_DIR
from abitare.validation import validate_located
from abitare.yamlsafe import load_yaml

__all__ = [
    "AMBITO",
    "Comune",
    "DataDictionary",
    "FieldSpec",
    "TableSpec",
    "comune_names",
    "dictionary_markdown",
    "load_comuni",
    "load_dictionary",
    "resolve_comune",
]

#: What the reports call the whole Ambito (all nine municipalities together).
AMBITO = "Ambito"

FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
FieldType = Literal["testo", "intero", "decimale", "booleano", "data", "mese", "categoria"]


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nome: FieldName
    tipo: FieldType
    significato: Annotated[str, StringConstraints(min_length=3)]
    unita: str | None = None
    min: float | None = None
    max: float | None = None
    #: Allowed values of a ``categoria``; the word ``comune`` means the nine municipalities.
    valori: list[str] | Literal["comune"] | None = None
    obbligatorio: bool = True
    unico: bool = False
    personale: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if (self.tipo == "categoria") != (self.valori is not None):
            raise ValueError("«valori» serve alle categorie, e solo a quelle")
        if (self.min is not None or self.max is not None) and self.tipo not in ("intero", "decimale"):
            raise ValueError("«min» e «max» valgono solo per i numeri")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("«min» è maggiore di «max»")
        return self

    def allowed(self) -> list[str] | None:
        if self.valori == "comune":
            return comune_names()
        return self.valori


class TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    file: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+\.csv$")]
    riga: str
    #: Fields that together identify a row (each combination at most once).
    chiave: list[FieldName] | None = None
    campi: list[FieldSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> TableSpec:
        names = [f.nome for f in self.campi]
        if len(names) != len(set(names)):
            raise ValueError("due campi hanno lo stesso nome")
        if self.chiave and not set(self.chiave) <= set(names):
            raise ValueError("la «chiave» nomina campi che la tabella non ha")
        return self

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.campi if f.nome == name)

    @property
    def names(self) -> list[str]:
        return [f.nome for f in self.campi]

    @property
    def personal(self) -> list[str]:
        return [f.nome for f in self.campi if f.personale]


class DataDictionary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tabelle: dict[FieldName, TableSpec] = Field(min_length=1)

    def table(self, name: str) -> TableSpec:
        return self.tabelle[name]


class Comune(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nome: Annotated[str, StringConstraints(min_length=2)]
    popolazione: int = Field(gt=0)
    indicativo: bool
    quota_sap: float = Field(gt=0, le=10)


class ComuniFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fonte_popolazione: str
    comuni: list[Comune] = Field(min_length=1)


@lru_cache(maxsize=4)
def load_dictionary(path: Path = DATASETS_DIR / "dizionario.yaml") -> DataDictionary:
    return validate_located(DataDictionary, load_yaml(path, path.name))


@lru_cache(maxsize=4)
def _comuni(path: Path) -> ComuniFile:
    return validate_located(ComuniFile, load_yaml(path, path.name))


def load_comuni(path: Path = DATASETS_DIR / "comuni.yaml") -> list[Comune]:
    return list(_comuni(path).comuni)


def comune_names() -> list[str]:
    return [c.nome for c in load_comuni()]


def resolve_comune(name: str) -> str:
    """The canonical spelling of a municipality, or ``Ambito``, ignoring case and spaces.

    Raises :class:`UnknownComuneError` (Italian message listing the nine) otherwise.
    """
    wanted = " ".join(name.split()).casefold()
    for candidate in [AMBITO, *comune_names()]:
        if candidate.casefold() == wanted:
            return candidate
    raise UnknownComuneError(name, comune_names())


def limit_label(x: float) -> str:
    """A range limit the Italian way: ``500.000``, ``2,5``; four-digit whole numbers (years) without a dot."""
    whole = float(x).is_integer()
    return number(x, 0 if whole else 2, grouping=not (whole and abs(x) < 10_000))


_TYPES = {
    "testo": "testo",
    "intero": "numero intero",
    "decimale": "numero",
    "booleano": "sì/no",
    "data": "data",
    "mese": "mese (AAAA-MM)",
    "categoria": "categoria",
}


def _range(spec: FieldSpec) -> str:
    def num(x: float) -> str:
        return limit_label(x)

    if spec.valori == "comune":
        return "uno dei nove comuni dell'Ambito"
    if spec.valori:
        return ", ".join(spec.valori)
    if spec.min is not None and spec.max is not None:
        return f"da {num(spec.min)} a {num(spec.max)}"
    if spec.min is not None:
        return f"almeno {num(spec.min)}"
    if spec.max is not None:
        return f"al massimo {num(spec.max)}"
    return ""


def dictionary_markdown(dictionary: DataDictionary | None = None) -> str:
    """The data dictionary as a readable Markdown page (``datasets/DIZIONARIO.md``)."""
    d = dictionary or load_dictionary()
    lines = [
        "# Dizionario dei dati",
        "",
        "Generato da `datasets/dizionario.yaml` con `abitare data dictionary`: non modificarlo a mano.",
        "Ogni file viene controllato con queste regole a ogni caricamento. I campi *personali* (nomi, codici",
        "fiscali, indirizzi) sono controllati e poi scartati: nessun rapporto li vede.",
        "",
    ]
    for name, table in d.tabelle.items():
        lines += [f"## {name} (`{table.file}`)", "", f"Una riga è {table.riga}."]
        if table.chiave:
            lines.append(f"Ogni combinazione di {' e '.join(table.chiave)} compare una sola volta.")
        lines += [
            "",
            "| campo | significato | tipo | unità | valori ammessi | obbligatorio | note |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in table.campi:
            notes = ", ".join(n for n, on in (("unico", f.unico), ("personale", f.personale)) if on)
            required = "sì" if f.obbligatorio and not f.personale else "no"
            kind = _TYPES[f.tipo]
            lines.append(
                f"| {f.nome} | {f.significato} | {kind} | {f.unita or ''} | {_range(f)} | {required} | {notes} |"
            )
        lines.append("")
    return "\n".join(lines)
