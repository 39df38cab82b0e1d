"""Proprietario: canone concordato or free market? Net yearly yield of each, side by side."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from abitare.calc.base import Calculator, Inputs, Result, Step, register
from abitare.numbers import euro, number
from abitare.parameters import ParameterSet

__all__ = ["ProprietarioInputs", "proprietario"]


class ProprietarioInputs(Inputs):
    canone_concordato_mensile: float = Field(gt=0, title="Canone concordato mensile (€)")
    canone_libero_mensile: float = Field(gt=0, title="Canone di mercato libero mensile (€)")
    superficie: float = Field(gt=0, le=1000, title="Superficie dell'alloggio (m²)")
    fascia_min: float | None = Field(default=None, ge=0, title="Fascia dell'accordo territoriale: minimo (€/m² anno)")
    fascia_max: float | None = Field(default=None, ge=0, title="Fascia dell'accordo territoriale: massimo (€/m² anno)")
    regime: Literal["cedolare", "irpef"] = Field(default="cedolare", title="Regime fiscale")
    aliquota_irpef: float | None = Field(default=None, ge=0, le=100, title="Aliquota IRPEF marginale (%)")
    imu_ordinaria: float = Field(default=0, ge=0, title="IMU ordinaria annua (€)")
    mesi_sfitto_libero: float = Field(default=0, ge=0, le=12, title="Mesi di sfitto all'anno, mercato libero")
    mesi_sfitto_concordato: float = Field(default=0, ge=0, le=12, title="Mesi di sfitto all'anno, canone concordato")
    morosita_libero: float = Field(default=0, ge=0, le=100, title="Canoni non pagati attesi, mercato libero (%)")
    morosita_concordato: float = Field(default=0, ge=0, le=100, title="Canoni non pagati attesi, canone concordato (%)")
    reddito_inquilino: float | None = Field(default=None, ge=0, title="Reddito dell'inquilino (€)")

    @model_validator(mode="after")
    def _coherent(self) -> ProprietarioInputs:
        if self.regime == "irpef" and self.aliquota_irpef is None:
            raise ValueError("con il regime IRPEF serve l'aliquota marginale (in %)")
        if self.fascia_min is not None and self.fascia_max is not None and self.fascia_min > self.fascia_max:
            raise ValueError("il minimo della fascia supera il massimo")
        return self


def _option(
    name: str,
    monthly: float,
    empty: float,
    unpaid: float,
    agreed: bool,
    i: ProprietarioInputs,
    p: ParameterSet,
) -> tuple[float, list[Step]]:
    months = 12 - empty
    collected = monthly * months * (1 - unpaid / 100)
    steps = [
        Step(
            f"{name}: canoni incassati",
            f"{euro(monthly)} × {number(months, 1)} mesi × {number(100 - unpaid, 1)}% = {euro(collected)}",
            "Canone mensile per i mesi affittati, meno la quota che si prevede non venga pagata.",
        )
    ]
    if i.regime == "cedolare":
        key = "concordato.cedolare_secca" if agreed else "mercato_libero.cedolare_secca"
        tax = collected * p.fraction(key)
        steps.append(
            Step(
                f"{name}: cedolare secca",
                f"{euro(collected)} × {number(p.value(key), 0)}% = {euro(tax)}",
                "Con la cedolare secca l'imposta sostituisce IRPEF e imposta di registro.",
                (key,),
            )
        )
        registration = 0.0
    else:
        assert i.aliquota_irpef is not None
        base = collected * (1 - p.fraction("concordato.riduzione_imponibile_irpef")) if agreed else collected
        tax = base * i.aliquota_irpef / 100
        steps.append(
            Step(
                f"{name}: IRPEF",
                f"{euro(base)} × {number(i.aliquota_irpef, 1)}% = {euro(tax)}",
                "Imponibile ridotto per il canone concordato, per l'aliquota marginale del proprietario.",
                ("concordato.riduzione_imponibile_irpef",) if agreed else (),
            )
        )
        share = p.fraction("concordato.base_imposta_registro") if agreed else 1.0
        registration = monthly * 12 * share * p.fraction("concordato.imposta_registro")
        steps.append(
            Step(
                f"{name}: imposta di registro",
                f"{euro(monthly * 12)} × {number(share * 100, 0)}% × "
                f"{number(p.value('concordato.imposta_registro'), 0)}%"
                f" = {euro(registration)}",
                "Dovuta senza cedolare secca, sul canone annuo (per il concordato su una parte ridotta).",
                ("concordato.imposta_registro", "concordato.base_imposta_registro")
                if agreed
                else ("concordato.imposta_registro",),
            )
        )
    imu = i.imu_ordinaria * (p.fraction("concordato.quota_imu") if agreed else 1.0)
    steps.append(
        Step(
            f"{name}: IMU",
            f"{euro(imu)}",
            "Per il canone concordato l'IMU è ridotta a una quota dell'importo ordinario.",
            ("concordato.quota_imu",) if agreed else (),
        )
    )
    net = collected - tax - registration - imu
    steps.append(Step(f"{name}: rendimento netto annuo", euro(net), "Canoni incassati meno imposte e IMU."))
    return net, steps


def proprietario(i: ProprietarioInputs, p: ParameterSet) -> Result:
    agreed, agreed_steps = _option(
        "Canone concordato",
        i.canone_concordato_mensile,
        i.mesi_sfitto_concordato,
        i.morosita_concordato,
        True,
        i,
        p,
    )
    free, free_steps = _option(
        "Mercato libero", i.canone_libero_mensile, i.mesi_sfitto_libero, i.morosita_libero, False, i, p
    )
    notes = []
    per_m2 = i.canone_concordato_mensile * 12 / i.superficie
    if (i.fascia_min is not None and per_m2 < i.fascia_min) or (i.fascia_max is not None and per_m2 > i.fascia_max):
        notes.append(
            f"Il canone concordato indicato ({number(per_m2, 2)} €/m² l'anno) è fuori dalla fascia dell'accordo "
            "territoriale: va ricalcolato."
        )
    notes.append("Le fasce degli accordi territoriali dei Comuni dell'Ambito sono indicative: verificale.")
    deduction = None
    deduction_steps = []
    if i.reddito_inquilino is not None:
        if i.reddito_inquilino <= p.value("inquilino.soglia_reddito_basso"):
            key = "inquilino.detrazione_reddito_basso"
        elif i.reddito_inquilino <= p.value("inquilino.soglia_reddito_medio"):
            key = "inquilino.detrazione_reddito_medio"
        else:
            key = None
        deduction = p.value(key) if key else 0.0
        deduction_steps.append(
            Step(
                "Detrazione per l'inquilino a canone concordato",
                euro(deduction),
                "L'inquilino con un contratto a canone concordato detrae un importo fisso, secondo il reddito.",
                (("inquilino.soglia_reddito_basso", "inquilino.soglia_reddito_medio") + ((key,) if key else ())),
            )
        )
    return Result(
        figures={
            "netto_annuo": {"concordato": round(agreed, 2), "libero": round(free, 2)},
            "differenza_annua": round(agreed - free, 2),
            "canone_concordato_m2_anno": round(per_m2, 2),
            "detrazione_inquilino": None if deduction is None else round(deduction, 2),
        },
        steps=agreed_steps + free_steps + deduction_steps,
        notes=notes,
    )


register(
    Calculator(
        name="proprietario",
        title="Proprietario: canone concordato o mercato libero?",
        description="Il rendimento netto annuo delle due scelte, con imposte, IMU, sfitto e morosità.",
        inputs=ProprietarioInputs,
        compute=proprietario,
    )
)
