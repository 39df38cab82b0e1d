"""Requisiti di accesso SAP: ISEE, patrimonio and household size → eligible or not, and why."""

from __future__ import annotations

from pydantic import Field

from abitare.calc.base import Calculator, Inputs, Result, Step, euro, register
from abitare.parameters import ParameterSet

__all__ = ["RequisitiInputs", "requisiti_sap"]


class RequisitiInputs(Inputs):
    isee: float = Field(ge=0, title="ISEE del nucleo (€)")
    patrimonio: float = Field(ge=0, title="Patrimonio del nucleo (€)")
    componenti: int = Field(ge=1, le=20, title="Componenti del nucleo")


def patrimonio_limit(members: int, p: ParameterSet) -> tuple[float, tuple[str, ...], str]:
    """The asset limit, the parameters it comes from, and how it was computed."""
    if members == 1:
        value = p.value("sap.patrimonio_persona_sola")
        return value, ("sap.patrimonio_persona_sola",), f"persona sola: {euro(value)}"
    base, each = p.value("sap.patrimonio_base"), p.value("sap.patrimonio_per_componente")
    value = base + each * members
    return (
        value,
        ("sap.patrimonio_base", "sap.patrimonio_per_componente"),
        (f"{euro(base)} + {euro(each)} × {members} componenti = {euro(value)}"),
    )


def requisiti_sap(i: RequisitiInputs, p: ParameterSet) -> Result:
    limit_isee = p.value("sap.isee_accesso")
    isee_ok = i.isee <= limit_isee
    limit_assets, keys, how = patrimonio_limit(i.componenti, p)
    assets_ok = i.patrimonio <= limit_assets
    steps = [
        Step(
            "ISEE",
            f"{euro(i.isee)} {'≤' if isee_ok else '>'} {euro(limit_isee)}: "
            + ("requisito rispettato" if isee_ok else "requisito non rispettato"),
            "Per accedere ai servizi abitativi pubblici l'ISEE non deve superare la soglia regionale.",
            ("sap.isee_accesso",),
        ),
        Step(
            "Patrimonio",
            f"{euro(i.patrimonio)} {'≤' if assets_ok else '>'} {euro(limit_assets)} ({how}): "
            + ("requisito rispettato" if assets_ok else "requisito non rispettato"),
            "Il limite del patrimonio cresce con il numero dei componenti (scala di equivalenza).",
            keys,
        ),
    ]
    reasons = []
    if not isee_ok:
        reasons.append(f"l'ISEE supera {euro(limit_isee)}")
    if not assets_ok:
        reasons.append(f"il patrimonio supera {euro(limit_assets)}")
    return Result(
        figures={
            "ammissibile": isee_ok and assets_ok,
            "motivi": reasons,
            "soglia_isee": limit_isee,
            "soglia_patrimonio": limit_assets,
        },
        steps=steps,
        notes=[
            "Il requisito degli anni di residenza in Lombardia non si applica più "
            "(Corte costituzionale, sentenza 44/2020). Altri requisiti sono nell'avviso pubblico."
        ],
    )


register(
    Calculator(
        name="requisiti-sap",
        title="Requisiti di accesso SAP",
        description="ISEE, patrimonio e componenti del nucleo: si può fare domanda di un alloggio SAP?",
        inputs=RequisitiInputs,
        compute=requisiti_sap,
    )
)
