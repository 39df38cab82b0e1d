"""The reports staff can run: their notebooks, their declared parameters, the tables they read.

Parameters are pydantic models: the command line checks them before any kernel
starts (unknown name, wrong type, unknown comune), with Italian messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from abitare.data import AMBITO, resolve_comune
from abitare.errors import AbitareError
from abitare.paths import PROJECT_ROOT
from abitare.reports.base import MIN_CELL
from abitare.validation import italian_message

__all__ = ["REPORTS", "REPORTS_DIR", "ParameterError", "ReportSpec", "checked", "validate_parameters"]

REPORTS_DIR = PROJECT_ROOT / "notebooks" / "reports"


class ParameterError(AbitareError):
    """Report parameters that cannot be used; nothing was run."""


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    soglia_riservatezza: int = Field(
        default=MIN_CELL,
        ge=MIN_CELL,
        le=100,
        description=(
            "Soglia di riservatezza (minimo 5): i conteggi inferiori compaiono come «<5», o «<10» con soglia 10."
        ),
    )


class _DataParams(_Params):
    dati: str = Field(default="", description="Cartella o file dei dati; se vuoto, i dati sintetici del progetto.")

    @field_validator("dati")
    @classmethod
    def _exists(cls, value: str) -> str:
        if value and not Path(value).exists():
            raise ValueError(f"il file o la cartella «{value}» non esiste")
        return value


class _ComuneParams(_DataParams):
    comune: str = Field(default=AMBITO, description="Un comune dell'Ambito, oppure «Ambito» per tutti e nove insieme.")

    @field_validator("comune")
    @classmethod
    def _known(cls, value: str) -> str:
        return resolve_comune(value)  # UnknownComuneError is a ValueError: pydantic reports it


class ProfiloParams(_ComuneParams):
    pass


class MorositaParams(_ComuneParams):
    pass


class MonitoraggioParams(_ComuneParams):
    dal: date = Field(default=date(2024, 9, 1), description="Inizio del periodo (AAAA-MM-GG).")
    al: date = Field(default=date(2026, 2, 28), description="Fine del periodo (AAAA-MM-GG).")

    @model_validator(mode="after")
    def _ordered(self) -> MonitoraggioParams:
        if self.dal > self.al:
            raise ValueError("la data «dal» viene dopo la data «al»")
        return self


class ValutazioneParams(_DataParams):
    edizione: int = Field(default=0, ge=0, le=20, description="Edizione del corso (0 per tutte).")


class SintesiParams(_Params):
    codice_sessione: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=16)] = Field(
        description="Codice della sessione (quello comunicato ai partecipanti)."
    )
    anonimo: bool = Field(default=True, description="Se True, la sintesi non riporta i nomi dei partecipanti.")


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
