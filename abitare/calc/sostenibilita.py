"""Sostenibilità del costo abitativo: housing costs over income against the 30% and 40% thresholds."""

from __future__ import annotations

from pydantic import Field

from abitare.calc.base import Calculator, Inputs, Result, Step, register
from abitare.numbers import euro, number
from abitare.parameters import ParameterSet

__all__ = ["SostenibilitaInputs", "sostenibilita"]


class SostenibilitaInputs(Inputs):
    reddito_mensile: float = Field(gt=0, title="Reddito disponibile mensile del nucleo (€)")
    affitto_mensile: float = Field(ge=0, title="Affitto mensile (€)")
    spese_mensili: float = Field(default=0, ge=0, title="Spese condominiali e utenze mensili (€)")


def sostenibilita(i: SostenibilitaInputs, p: ParameterSet) -> Result:
    cost = i.affitto_mensile + i.spese_mensili
    share = cost / i.reddito_mensile
    rule, overburden = p.fraction("sostenibilita.regola_30"), p.fraction("sostenibilita.soglia_sovraccarico")
    if share > overburden:
        verdict = "sovraccarico"
        text = "Il costo dell'abitare supera la soglia di sovraccarico: il nucleo è in difficoltà."
    elif share > rule:
        verdict = "attenzione"
        text = "Il costo supera la regola pratica ma non la soglia di sovraccarico: va tenuto d'occhio."
    else:
        verdict = "sostenibile"
        text = "Il costo dell'abitare è entro la regola pratica."
    steps = [
        Step(
            "Costo dell'abitare",
            f"{euro(i.affitto_mensile)} + {euro(i.spese_mensili)} = {euro(cost)} al mese",
            "Affitto più spese condominiali e utenze.",
        ),
        Step(
            "Incidenza sul reddito",
            f"{euro(cost)} ÷ {euro(i.reddito_mensile)} = {number(share * 100, 1)}%",
            "Quota del reddito disponibile che va all'abitare, confrontata con la regola pratica del 30% "
            "(una convenzione) e con la soglia di sovraccarico usata da Eurostat.",
            ("sostenibilita.regola_30", "sostenibilita.soglia_sovraccarico"),
        ),
    ]
    return Result(
        figures={
            "incidenza_percento": round(share * 100, 1),
            "esito": verdict,
            "costo_mensile": round(cost, 2),
            "affitto_massimo_regola_30": round(i.reddito_mensile * rule - i.spese_mensili, 2),
        },
        steps=steps,
        notes=[text],
    )


register(
    Calculator(
        name="sostenibilita",
        title="Sostenibilità del costo abitativo",
        description="Quanto pesa l'abitare sul reddito, rispetto alle soglie del 30% e del 40%.",
        inputs=SostenibilitaInputs,
        compute=sostenibilita,
    )
)
