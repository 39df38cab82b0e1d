"""Piano di rientro dalla morosità: funds first, then a month-by-month schedule."""

from __future__ import annotations

import math

from pydantic import Field

from abitare.calc.base import Calculator, Inputs, Result, Step, register
from abitare.numbers import euro
from abitare.parameters import ParameterSet

__all__ = ["PianoInputs", "piano_rientro"]

#: Longest schedule shown; a plan longer than this is not a plan.
MAX_MONTHS = 120


class PianoInputs(Inputs):
    arretrato: float = Field(gt=0, title="Arretrato (€)")
    capacita_mensile: float = Field(gt=0, title="Quanto il nucleo può versare al mese (€)")
    isee: float | None = Field(default=None, ge=0, title="ISEE del nucleo (€)")
    ise: float | None = Field(default=None, ge=0, title="ISE del nucleo (€)")
    inquilino_sap: bool = Field(default=False, title="Inquilino SAP")
    mesi_in_sap: int = Field(default=0, ge=0, le=1200, title="Mesi di locazione SAP")
    anni_residui_contratto: float = Field(default=0, ge=0, le=99, title="Anni residui del contratto")
    contributo_solidarieta: float = Field(default=0, ge=0, title="Contributo di solidarietà riconosciuto (€)")
    sfratto_intimato: bool = Field(default=False, title="Intimazione di sfratto per morosità già ricevuta")


def piano_rientro(i: PianoInputs, p: ParameterSet) -> Result:
    steps: list[Step] = []
    notes: list[str] = []
    remaining = i.arretrato

    solidarity_ok = (
        i.inquilino_sap
        and i.mesi_in_sap >= p.value("solidarieta.anzianita_mesi")
        and i.isee is not None
        and i.isee < p.value("solidarieta.isee_max")
    )
    cap = p.value("solidarieta.importo_max")
    solidarity = min(i.contributo_solidarieta, cap, remaining) if solidarity_ok else 0.0
    if i.contributo_solidarieta and not solidarity_ok:
        notes.append("Il contributo di solidarietà indicato non si applica: mancano i requisiti.")
    elif solidarity_ok and i.contributo_solidarieta > cap:
        notes.append(f"Il contributo di solidarietà indicato supera il massimo annuo per nucleo: si conta {euro(cap)}.")
    steps.append(
        Step(
            "Contributo regionale di solidarietà",
            ("spettante: " + euro(solidarity)) if solidarity_ok else "non spettante",
            "Per gli inquilini SAP da almeno il numero di mesi previsto e con ISEE sotto la soglia, fino al "
            "massimo annuo per nucleo; copre prima le spese per i servizi, poi l'arretrato.",
            ("solidarieta.anzianita_mesi", "solidarieta.isee_max", "solidarieta.importo_max"),
        )
    )
    remaining -= solidarity

    economic_ok = (i.ise is not None and i.ise <= p.value("morosita_incolpevole.ise_max")) or (
        i.isee is not None and i.isee <= p.value("morosita_incolpevole.isee_max")
    )
    long_enough = i.anni_residui_contratto >= p.value("morosita_incolpevole.anni_residui")
    # the fund is for a private-market tenant already served with an eviction notice (DOMAIN.md)
    why_not = (
        "non applicabile: è per gli inquilini del mercato privato, non SAP"
        if i.inquilino_sap
        else "non applicabile: serve un'intimazione di sfratto già ricevuta"
        if not i.sfratto_intimato
        else "requisiti economici non rispettati"
        if not economic_ok
        else "contratto troppo breve"
        if not long_enough
        else ""
    )
    fund = 0.0
    if not why_not:
        fund = min(remaining, p.value("morosita_incolpevole.sanare_max"), p.value("morosita_incolpevole.totale_max"))
    steps.append(
        Step(
            "Fondo morosità incolpevole (per sanare l'arretrato)",
            euro(fund) if fund else (why_not or "nessun arretrato da sanare"),
            "Per l'inquilino del mercato privato che ha già ricevuto un'intimazione di sfratto per morosità "
            "incolpevole, con ISE o ISEE sotto le soglie e un contratto con abbastanza anni residui: il fondo "
            "può sanare l'arretrato fino al massimo previsto (verifica l'avviso del tuo Comune).",
            (
                "morosita_incolpevole.ise_max",
                "morosita_incolpevole.isee_max",
                "morosita_incolpevole.anni_residui",
                "morosita_incolpevole.sanare_max",
                "morosita_incolpevole.totale_max",
            ),
        )
    )
    checklist = (
        [
            "residenza nell'alloggio da almeno "
            + p["morosita_incolpevole.residenza_min"].formatted()
            + ", con un contratto di locazione registrato",
            "morosità dovuta alla perdita o alla riduzione del reddito (per esempio licenziamento, malattia, "
            "separazione), non a una scelta",
            "avviso del Comune aperto e risorse disponibili",
        ]
        if fund
        else []
    )
    remaining -= fund

    months = math.ceil(round(remaining, 2) / i.capacita_mensile) if remaining > 0 else 0
    steps.append(
        Step(
            "Piano di rientro",
            f"{euro(remaining)} ÷ {euro(i.capacita_mensile)} al mese = {months} rate",
            "Quello che resta si divide per quanto il nucleo può versare davvero ogni mese.",
        )
    )
    if months > MAX_MONTHS:
        notes.append(
            f"Servirebbero {months} rate: oltre {MAX_MONTHS // 12} anni il piano non è sostenibile. "
            "Rivedi la capacità di pagamento con il nucleo e cerca altri sostegni."
        )
    table = []
    left = remaining
    for month in range(1, min(months, MAX_MONTHS) + 1):
        rata = min(i.capacita_mensile, left)
        left = round(left - rata, 2)
        table.append({"mese": month, "rata": round(rata, 2), "residuo": left})
    return Result(
        figures={
            "contributo_solidarieta": round(solidarity, 2),
            "fondo_morosita": round(fund, 2),
            "da_rateizzare": round(remaining, 2),
            "rate": months,
            "sostenibile": months <= MAX_MONTHS,
        },
        steps=steps,
        table=table,
        notes=notes,
        checklist=checklist,
    )


register(
    Calculator(
        name="piano-rientro",
        title="Piano di rientro dalla morosità",
        description="Contributo di solidarietà, fondo morosità incolpevole e rate mese per mese.",
        inputs=PianoInputs,
        compute=piano_rientro,
    )
)
