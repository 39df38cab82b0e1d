"""Requisiti di accesso SAP: ISEE, patrimonio, household size and PSE → eligible or not, and why.

The assets limit (R.R. Lombardia 4/2017, art. 7, c. 1, lett. c) is a fixed amount for a person
living alone; from two members it is a fixed share plus an amount multiplied by the household's
ISEE equivalence-scale parameter (PSE), not by the number of members. The PSE is best read from
the household's ISEE (it may include maggiorazioni); without it, the base scale is used.
"""

from __future__ import annotations

from pydantic import Field

from abitare.calc.base import Calculator, Inputs, Result, Step, register
from abitare.errors import CalcInputError
from abitare.numbers import euro, number
from abitare.parameters import ParameterSet

__all__ = ["RequisitiInputs", "access_checklist", "base_pse", "patrimonio_limit", "requisiti_sap"]

#: ``isee.pse_componenti_3``: the base PSE of a household of 3, as listed in the parameter file.
PSE_KEY = "isee.pse_componenti_{}"
PSE_EXTRA_KEY = "isee.pse_componente_ulteriore"


class RequisitiInputs(Inputs):
    isee: float = Field(ge=0, title="ISEE del nucleo (€)")
    patrimonio: float = Field(ge=0, title="Patrimonio del nucleo (€)")
    componenti: int = Field(ge=1, le=20, title="Componenti del nucleo")
    pse: float | None = Field(
        default=None,
        ge=1,
        le=20,
        title="Parametro della scala di equivalenza (PSE) dell'ISEE",
    )


def base_pse(members: int, p: ParameterSet) -> tuple[float, tuple[str, ...], str]:
    """The base PSE for ``members`` (no maggiorazioni), its parameters and how it was found."""
    listed = members
    while listed > 1 and PSE_KEY.format(listed) not in p.parameters:
        listed -= 1
    key = PSE_KEY.format(listed)
    value = p.value(key)
    extra = members - listed
    if not extra:
        return value, (key,), f"{number(value, 2)}, valore di base della scala per {members} componenti"
    each = p.value(PSE_EXTRA_KEY)
    total = round(value + each * extra, 2)
    return (
        total,
        (key, PSE_EXTRA_KEY),
        f"{number(value, 2)} per {listed} componenti + {number(each, 2)} × {extra} componenti in più = "
        f"{number(total, 2)}, valore di base della scala per {members} componenti",
    )


def patrimonio_limit(members: int, pse: float, p: ParameterSet) -> tuple[float, tuple[str, ...], str]:
    """The asset limit, the parameters it comes from, and how it was computed."""
    if members == 1:
        value = p.value("sap.patrimonio_persona_sola")
        return value, ("sap.patrimonio_persona_sola",), f"persona sola: {euro(value)}"
    base, per_pse = p.value("sap.patrimonio_base"), p.value("sap.patrimonio_per_pse")
    value = round(base + per_pse * pse, 2)
    return (
        value,
        ("sap.patrimonio_base", "sap.patrimonio_per_pse"),
        f"{euro(base)} + {euro(per_pse)} × PSE {number(pse, 2)} = {euro(value)}",
    )


def access_checklist(p: ParameterSet) -> list[str]:
    """The access requirements (R.R. 4/2017, art. 7) that the calculator cannot check."""
    permit = p["sap.permesso_durata_minima"].formatted()
    years = p["sap.anni_senza_sfratto_decadenza"].formatted()
    return [
        "Residenza anagrafica o attività di lavoro in Lombardia al momento della domanda.",
        "Cittadinanza italiana o di un altro Stato dell'Unione europea, oppure permesso di soggiorno UE "
        "per soggiornanti di lungo periodo, oppure permesso di soggiorno di durata non inferiore a "
        f"{permit} con una regolare attività di lavoro, dipendente o autonomo.",
        "Nessun diritto di proprietà (o altro diritto reale di godimento) su un alloggio adeguato alle "
        "esigenze del nucleo, in Italia o all'estero.",
        f"Negli ultimi {years} nessuno sfratto per morosità da un alloggio SAP, nessuna decadenza "
        "dall'assegnazione e nessuna occupazione senza titolo di un alloggio SAP.",
    ]


def _pse_of(i: RequisitiInputs, p: ParameterSet) -> tuple[float, tuple[str, ...], str]:
    base, keys, how = base_pse(i.componenti, p)
    if i.pse is None:
        return base, keys, f"{how} (nessun PSE indicato: si usa il valore di base, senza maggiorazioni)"
    if i.pse < base:
        title = RequisitiInputs.model_fields["pse"].title
        raise CalcInputError(
            [
                f"{title}: {number(i.pse, 2)} è inferiore a {number(base, 2)}, il valore di base per "
                f"{i.componenti} componenti; controlla il PSE sull'attestazione ISEE o il numero dei componenti"
            ]
        )
    return i.pse, (), f"{number(i.pse, 2)}, indicato (dall'attestazione ISEE del nucleo)"


def requisiti_sap(i: RequisitiInputs, p: ParameterSet) -> Result:
    limit_isee = p.value("sap.isee_accesso")
    isee_ok = i.isee <= limit_isee
    pse, pse_keys, pse_how = _pse_of(i, p)
    if i.componenti == 1:
        pse_how += "; per la persona sola il limite del patrimonio non dipende dal PSE"
    limit_assets, keys, how = patrimonio_limit(i.componenti, pse, p)
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
            "Parametro della scala di equivalenza (PSE)",
            pse_how,
            "Il PSE si legge sull'attestazione ISEE del nucleo e può comprendere maggiorazioni; "
            "se non è indicato si usa il valore di base per il numero dei componenti.",
            pse_keys,
        ),
        Step(
            "Patrimonio",
            f"{euro(i.patrimonio)} {'≤' if assets_ok else '>'} {euro(limit_assets)} ({how}): "
            + ("requisito rispettato" if assets_ok else "requisito non rispettato"),
            "Per la persona sola il limite del patrimonio è fisso; dai due componenti è una quota fissa "
            "più un importo moltiplicato per il PSE del nucleo, non per il numero dei componenti.",
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
            "pse": pse,
            "pse_indicato": i.pse is not None,
            "soglia_patrimonio": limit_assets,
        },
        steps=steps,
        notes=[
            "Il calcolo controlla solo i requisiti economici (ISEE e patrimonio). "
            "Il requisito degli anni di residenza in Lombardia non si applica più "
            "(Corte costituzionale, sentenza 44/2020). Le regole precise sono nell'avviso pubblico."
        ],
        checklist=access_checklist(p),
    )


register(
    Calculator(
        name="requisiti-sap",
        title="Requisiti di accesso SAP",
        description="ISEE, patrimonio e componenti del nucleo: si può fare domanda di un alloggio SAP? "
        "Il PSE si legge sull'attestazione ISEE; se lo lasci vuoto si usa il valore di base.",
        inputs=RequisitiInputs,
        compute=requisiti_sap,
    )
)
