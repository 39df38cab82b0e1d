"""The reports staff can run: their notebooks, their declared parameters, the tables they read.

A report's parameters are declared here, once: a pydantic model whose fields carry
the type, the default and the help text. The command line checks them before any
kernel starts (unknown name, wrong type, unknown comune), with Italian messages; the
report function checks them again when plain papermill calls it; the notebook's
``parameters`` cell is written from the model (:mod:`abitare.reports.notebook`,
``abitare report sync``) and a test fails when the two drift.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from abitare.data import AMBITO, resolve_comune
from abitare.errors import ParameterError
from abitare.numbers import number
from abitare.paths import PROJECT_ROOT
from abitare.reports.disclosure import MIN_CELL
from abitare.validation import italian_message

__all__ = ["REPORTS", "REPORTS_DIR", "ReportSpec", "checked", "validate_parameters"]

REPORTS_DIR = PROJECT_ROOT / "notebooks" / "reports"


#: The largest data file a report reads, and its most rows. Checked before anything is read (the size from
#: the file system, the rows by counting line ends in 1 MB blocks), so a huge or runaway export is refused at
#: once, in a few MB of memory, before any kernel starts. A whole Ambito's real export is far smaller: about
#: 3,000 SAP households and 5 years of monthly arrears are ~200,000 rows, ~5 MB.
MAX_DATA_BYTES = 50 * 1024 * 1024
MAX_DATA_ROWS = 500_000
#: An XLSX is a zip: what it unpacks to is checked too (a small file can unpack to gigabytes).
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
_DATA_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def _too_big(path: Path) -> str | None:
    """Why the file at ``path`` is too big to read, or ``None``."""
    size = path.stat().st_size
    if size > MAX_DATA_BYTES:
        return (
            f"il file «{path.name}» pesa {number(size / 1024 / 1024, 0)} MB: "
            f"il limite è {MAX_DATA_BYTES // 1024 // 1024} MB (dividere i dati, ad esempio un file per comune)"
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            with zipfile.ZipFile(path) as book:
                unpacked = sum(member.file_size for member in book.infolist())
        except (zipfile.BadZipFile, OSError):
            return None  # not a workbook: the table loader says so
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            return (
                f"il file «{path.name}» una volta aperto occupa {number(unpacked / 1024 / 1024, 0)} MB: il limite è"
                f" {MAX_XLSX_UNPACKED_BYTES // 1024 // 1024} MB (dividere i dati, ad esempio un file per comune)"
            )
    if path.suffix.lower() in (".csv", ".txt", ""):
        lines = 0
        with path.open("rb") as stream:
            while block := stream.read(1024 * 1024):
                lines += block.count(b"\n")
                if lines > MAX_DATA_ROWS + 1:
                    return (
                        f"il file «{path.name}» ha più di {number(MAX_DATA_ROWS)} righe: "
                        f"il limite è {number(MAX_DATA_ROWS)} (dividere i dati, ad esempio un file per comune)"
                    )
    return None


def _existing(value: str) -> str:
    if not value:
        return value
    path = Path(value)
    if not path.exists():
        raise ValueError(f"il file o la cartella «{value}» non esiste")
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = [f for f in path.iterdir() if f.suffix.lower() in _DATA_SUFFIXES and f.is_file()]
    else:
        raise ValueError(f"«{value}» non è né un file né una cartella")
    for file in files:
        problem = _too_big(file)
        if problem:
            raise ValueError(problem)
    return value


#: The parameter types several reports share: each carries its check; the help text is the field's.
Soglia = Annotated[int, Field(ge=MIN_CELL, le=100)]
Comune = Annotated[str, AfterValidator(resolve_comune)]  # UnknownComuneError is a ValueError: pydantic reports it
Dati = Annotated[str, AfterValidator(_existing)]

SOGLIA_HELP = "Soglia di riservatezza (minimo 5): i conteggi inferiori compaiono come «<5» (o «<10»)."
COMUNE_HELP = "Un comune dell'Ambito, oppure «Ambito» per tutti e nove insieme."


class _Params(BaseModel):
    """A report's parameters, in the order the notebook's ``parameters`` cell lists them."""

    model_config = ConfigDict(extra="forbid")


class ProfiloParams(_Params):
    comune: Comune = Field(default=AMBITO, description=COMUNE_HELP)
    dati: Dati = Field(
        default="",
        description=(
            "Cartella dei dati, o un file CSV o XLSX degli inquilini; se vuoto, i dati sintetici del progetto."
        ),
    )
    soglia_riservatezza: Soglia = Field(default=MIN_CELL, description=SOGLIA_HELP)


class MorositaParams(_Params):
    comune: Comune = Field(default=AMBITO, description=COMUNE_HELP)
    dati: Dati = Field(
        default="",
        description="Cartella con le tabelle inquilini e morosita_mensile; se vuoto, i dati sintetici del progetto.",
    )
    soglia_riservatezza: Soglia = Field(default=MIN_CELL, description=SOGLIA_HELP)


class MonitoraggioParams(_Params):
    comune: Comune = Field(default=AMBITO, description=COMUNE_HELP)
    dal: date = Field(default=date(2024, 9, 1), description="Inizio del periodo (AAAA-MM-GG).")
    al: date = Field(default=date(2026, 2, 28), description="Fine del periodo (AAAA-MM-GG).")
    dati: Dati = Field(default="", description="Cartella dei dati; se vuoto, i dati sintetici del progetto.")
    soglia_riservatezza: Soglia = Field(default=MIN_CELL, description=SOGLIA_HELP)

    @model_validator(mode="after")
    def _ordered(self) -> MonitoraggioParams:
        if self.dal > self.al:
            raise ValueError("la data «dal» viene dopo la data «al»")
        return self


class ValutazioneParams(_Params):
    edizione: int = Field(default=0, ge=0, le=20, description="Edizione del corso (0 per tutte).")
    dati: Dati = Field(
        default="",
        description=(
            "Cartella dei dati, o un file CSV o XLSX dei partecipanti; se vuoto, i dati sintetici del progetto."
        ),
    )
    soglia_riservatezza: Soglia = Field(default=MIN_CELL, description=SOGLIA_HELP)


class SintesiParams(_Params):
    codice_sessione: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=16)] = Field(
        description="Codice della sessione (quello comunicato ai partecipanti)."
    )
    anonimo: bool = Field(default=True, description="Se True, la sintesi non riporta i nomi dei partecipanti.")
    soglia_riservatezza: Soglia = Field(default=MIN_CELL, description=SOGLIA_HELP)


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str
    description: str
    params: type[_Params]
    #: Tables the report cannot do without, and tables whose sections it leaves out when missing.
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    per_comune: bool = False

    @property
    def notebook(self) -> Path:
        return REPORTS_DIR / f"{self.name}.ipynb"

    @property
    def function(self) -> tuple[str, str]:
        """Module and name of the function that builds the report: ``morosita`` in ``abitare.reports.morosita``.

        By convention the module is the name's first word and the function the whole name
        (``monitoraggio-progetto`` is ``monitoraggio_progetto`` in ``abitare.reports.monitoraggio``).
        """
        return f"abitare.reports.{self.name.split('-')[0]}", self.name.replace("-", "_")


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "profilo-inquilinato",
            "Profilo dell'inquilinato SAP",
            "chi abita negli alloggi SAP (nuclei, età, ISEE-ERP, alloggi)",
            ProfiloParams,
            ("inquilini",),
            ("componenti", "alloggi"),
            per_comune=True,
        ),
        ReportSpec(
            "morosita",
            "Monitoraggio della morosità",
            "andamento mensile, debiti, chi potrebbe accedere ai contributi",
            MorositaParams,
            ("inquilini", "morosita_mensile"),
            per_comune=True,
        ),
        ReportSpec(
            "monitoraggio-progetto",
            "Monitoraggio del progetto",
            "indicatori delle macro-azioni in un periodo scelto",
            MonitoraggioParams,
            ("accoglienza", "contratti_concordati", "sessioni_cdp", "domande_sap"),
            ("partecipanti_corso",),
            per_comune=True,
        ),
        ReportSpec(
            "valutazione-corso",
            "Valutazione del corso",
            "test d'ingresso e test finale, soddisfazione dei partecipanti",
            ValutazioneParams,
            ("partecipanti_corso",),
        ),
        ReportSpec(
            "sintesi-sessione",
            "Sintesi di una sessione",
            "le risposte date in un incontro della comunità di pratica (lette dal database)",
            SintesiParams,
        ),
    )
}


def validate_parameters(spec: ReportSpec, raw: dict[str, Any]) -> dict[str, Any]:
    """Checked parameters, as papermill will inject them; :class:`ParameterError` otherwise."""
    known = spec.params.model_fields
    unknown = [key for key in raw if key not in known]
    if unknown:
        what = "Parametro sconosciuto" if len(unknown) == 1 else "Parametri sconosciuti"
        raise ParameterError(f"{what} per «{spec.name}»: {', '.join(unknown)}. Parametri ammessi: {', '.join(known)}.")
    try:
        model = spec.params.model_validate(raw)
    except ValidationError as err:
        messages = [italian_message(e) for e in err.errors(include_url=False)]
        raise ParameterError("Parametri non validi: " + "; ".join(messages)) from None
    return model.model_dump(mode="json")


def checked(name: str, **raw: Any) -> dict[str, Any]:
    """The parameters a report function was called with, checked as the command line checks them.

    Plain papermill calls the report functions directly: they check their own input too.
    """
    return validate_parameters(REPORTS[name], raw)
