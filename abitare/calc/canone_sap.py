"""Canone SAP (L.R. 27/2009 art. 31, Allegato B): from the flat and the ISEE-ERP to the rent."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from abitare.calc.base import Calculator, Inputs, Result, Step, register
from abitare.numbers import euro, number
from abitare.parameters import ParameterSet

__all__ = ["CanoneSapInputs", "canone_sap"]

BANDS = ("protezione", "accesso", "permanenza", "decadenza")


class CanoneSapInputs(Inputs):
    superficie_alloggio: float = Field(gt=0, le=1000, title="Superficie dell'alloggio (m²)")
    balconi: float = Field(default=0, ge=0, le=1000, title="Balconi e terrazze (m²)")
    cantine: float = Field(default=0, ge=0, le=1000, title="Cantine e simili (m²)")
    aree_private: float = Field(default=0, ge=0, le=10000, title="Aree scoperte a uso esclusivo (m²)")
    verde_comune: float = Field(default=0, ge=0, le=100000, title="Verde condominiale (m²)")
    millesimi: float = Field(default=0, ge=0, le=1000, title="Millesimi dell'alloggio")
    locali_bassi: float = Field(default=0, ge=0, le=1000, title="Locali più bassi di 1,70 m (m²)")
    anno_costruzione: int | None = Field(default=None, ge=1800, title="Anno di costruzione")
    anno_ristrutturazione: int | None = Field(default=None, ge=1800, title="Anno di fine ristrutturazione")
    coefficiente_caratteristiche: float | None = Field(
        default=None, gt=0, le=3, title="Coefficiente delle caratteristiche"
    )
    isee_erp: float | None = Field(default=None, ge=0, title="ISEE-ERP del nucleo (€)")

    @model_validator(mode="after")
    def _coherent(self) -> CanoneSapInputs:
        this_year = date.today().year
        for name in ("anno_costruzione", "anno_ristrutturazione"):
            year = getattr(self, name)
            if year is not None and year > this_year:
                title = type(self).model_fields[name].title
                raise ValueError(f"{title}: l'anno {year} è nel futuro")
        if self.locali_bassi > self.superficie_alloggio:
            raise ValueError("i locali bassi non possono superare la superficie dell'alloggio")
        return self


def band_of(isee_erp: float, p: ParameterSet) -> str:
    if isee_erp <= p.value("sap.isee_erp_protezione_max"):
        return "protezione"
    if isee_erp <= p.value("sap.isee_erp_accesso_max"):
        return "accesso"
    if isee_erp <= p.value("sap.isee_erp_permanenza_max"):
        return "permanenza"
    return "decadenza"


def canone_sap(i: CanoneSapInputs, p: ParameterSet) -> Result:
    steps: list[Step] = []
    high, low = (
        p.value("sap.superficie_soglia_coefficiente_alto"),
        p.value("sap.superficie_soglia_coefficiente_basso"),
    )
    if i.superficie_alloggio > high:
        size_key = "sap.coefficiente_oltre_70_m2"
    elif i.superficie_alloggio >= low:
        size_key = "sap.coefficiente_46_70_m2"
    else:
        size_key = "sap.coefficiente_sotto_46_m2"
    size = p.value(size_key)
    own = i.superficie_alloggio * size
    steps.append(
        Step(
            "Superficie dell'alloggio con il coefficiente di dimensione",
            f"{number(i.superficie_alloggio, 2)} m² × {number(size, 2)} = {number(own, 2)} m²",
            "Alla superficie propria dell'alloggio si applica un coefficiente che dipende dalla sua dimensione.",
            ("sap.superficie_soglia_coefficiente_alto", "sap.superficie_soglia_coefficiente_basso", size_key),
        )
    )
    accessories = p.fraction("sap.quota_balconi_cantine") * (i.balconi + i.cantine)
    private = p.fraction("sap.quota_aree_private") * i.aree_private
    green = p.fraction("sap.quota_verde_comune") * i.verde_comune * i.millesimi / 1000
    low_rooms = p.fraction("sap.riduzione_locali_bassi") * i.locali_bassi
    surface = own + accessories + private + green - low_rooms
    steps.append(
        Step(
            "Superficie convenzionale",
            f"{number(own, 2)} + {number(accessories, 2)} + {number(private, 2)} + {number(green, 2)} "
            f"− {number(low_rooms, 2)} "
            f"= {number(surface, 2)} m²",
            "Si aggiungono quote di balconi, terrazze e cantine, delle aree scoperte private e del verde "
            "condominiale (in proporzione ai millesimi); si toglie una quota dei locali più bassi di 1,70 m.",
            (
                "sap.quota_balconi_cantine",
                "sap.quota_aree_private",
                "sap.quota_verde_comune",
                "sap.riduzione_locali_bassi",
                "sap.altezza_locali_bassi",
            ),
        )
    )
    notes = []
    year = i.anno_ristrutturazione or i.anno_costruzione
    if year is None:
        cost_key = "sap.costo_convenzionale_dopo_1976"
        notes.append("Anno di costruzione non indicato: si usa il costo convenzionale degli alloggi più recenti.")
    else:
        recent = year >= p.value("sap.anno_soglia_costo")
        cost_key = "sap.costo_convenzionale_dopo_1976" if recent else "sap.costo_convenzionale_prima_1977"
    cost = p.value(cost_key)
    features_key = "sap.coefficiente_caratteristiche"
    features = i.coefficiente_caratteristiche or p.value(features_key)
    conventional = cost * surface * features
    steps.append(
        Step(
            "Valore convenzionale",
            f"{euro(cost)}/m² × {number(surface, 2)} m² × {number(features, 2)} = {euro(conventional)}",
            "Costo convenzionale (secondo l'anno di costruzione o di fine ristrutturazione) × superficie "
            "convenzionale × coefficiente delle caratteristiche dell'alloggio.",
            ("sap.anno_soglia_costo", cost_key)
            if i.coefficiente_caratteristiche
            else ("sap.anno_soglia_costo", cost_key, features_key),
        )
    )
    share = p.fraction("sap.valore_locativo_percentuale")
    rental = conventional * share
    steps.append(
        Step(
            "Valore locativo annuo",
            f"{euro(conventional)} × {number(share * 100, 0)}% = {euro(rental)}",
            "Il valore locativo è una percentuale fissa del valore convenzionale.",
            ("sap.valore_locativo_percentuale",),
        )
    )
    band = None
    annual = None
    if i.isee_erp is None:
        notes.append("ISEE-ERP non indicato: la fascia e il canone sopportabile non si possono calcolare.")
    else:
        band = band_of(i.isee_erp, p)
        band_key = f"sap.canone_percentuale_{band}"
        annual = rental * p.fraction(band_key)
        steps.append(
            Step(
                "Fascia ISEE-ERP",
                f"ISEE-ERP {euro(i.isee_erp)}: area di {band}",
                "Le soglie ISEE-ERP dividono i nuclei in aree: protezione, accesso, permanenza, decadenza.",
                ("sap.isee_erp_protezione_max", "sap.isee_erp_accesso_max", "sap.isee_erp_permanenza_max"),
            )
        )
        steps.append(
            Step(
                "Canone sopportabile annuo",
                f"{euro(rental)} × {number(p.value(band_key), 0)}% = {euro(annual)} (al mese {euro(annual / 12)})",
                "Il canone è una percentuale del valore locativo che dipende dall'area ISEE-ERP del nucleo.",
                (band_key,),
            )
        )
    return Result(
        figures={
            "superficie_convenzionale": round(surface, 2),
            "valore_convenzionale": round(conventional, 2),
            "valore_locativo": round(rental, 2),
            "fascia": band,
            "canone_annuo": None if annual is None else round(annual, 2),
            "canone_mensile": None if annual is None else round(annual / 12, 2),
        },
        steps=steps,
        notes=notes,
    )


register(
    Calculator(
        name="canone-sap",
        title="Canone SAP",
        description="Dalla superficie convenzionale al canone sopportabile (L.R. 27/2009, art. 31).",
        inputs=CanoneSapInputs,
        compute=canone_sap,
    )
)
