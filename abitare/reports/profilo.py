"""Report «profilo-inquilinato»: who lives in the SAP units of a municipality or of the Ambito."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from abitare.data import AMBITO, load_comuni
from abitare.parameters import load_parameters
from abitare.reports.common import (
    AREAS,
    distribution_chart,
    exposed,
    isee_area,
    mean_or_dash,
    opening,
    select_comune,
    table_of,
)
from abitare.reports.disclosure import count_part, count_table, part_of_parts, protect, share, share_of_parts
from abitare.reports.document import Report, fmt
from abitare.reports.registry import checked
from abitare.reports.tables import Tables

__all__ = ["profilo_inquilinato"]

SIZE_ORDER = ("1 persona", "2 persone", "3 persone", "4 persone", "5 o più persone")
AGE_ORDER = ("meno di 35 anni", "35-49 anni", "50-64 anni", "65-74 anni", "75 anni e più")


def _size_label(n: pd.Series) -> pd.Series:
    return n.clip(upper=5).map(dict(zip(range(1, 6), SIZE_ORDER, strict=True)))


def _age_label(age: pd.Series) -> pd.Series:
    bins = [0, 35, 50, 65, 75, 200]
    return pd.cut(age.astype(int), bins=bins, right=False, labels=AGE_ORDER).astype(str)


@dataclass(frozen=True)
class _Scope:
    """The households the report describes, where they live, and the confidentiality threshold."""

    comune: str
    k: int
    households: pd.DataFrame

    @property
    def by(self) -> pd.Series | None:
        """For the Ambito, each household's comune: every figure also hides what a comune's own report hides.

        No subtracting one report from the other. ``None`` for a comune's own report.
        """
        return self.households["comune"] if self.comune == AMBITO else None


def profilo_inquilinato(**parameters: Any) -> Report:
    """The report; its parameters are the fields of :class:`~abitare.reports.registry.ProfiloParams`."""
    given = checked("profilo-inquilinato", **parameters)
    comune, k = given["comune"], given["soglia_riservatezza"]
    tables = Tables(given["dati"] or None)
    report = Report(
        "Profilo dell'inquilinato SAP",
        "Tutto l'Ambito Sud Est Milano" if comune == AMBITO else f"Comune di {comune}",
    )
    opening(report, tables, comune, k)
    scope = _Scope(comune, k, select_comune(tables.get("inquilini"), comune))
    if len(scope.households) < k:
        report.text(f"I nuclei assegnatari sono meno di {k}: per riservatezza il profilo non viene pubblicato.")
        return report
    _summary(report, scope)
    _household_sizes(report, scope)
    _age_and_citizenship(report, scope)
    _isee_areas(report, scope)
    if tables.has("componenti"):
        _people(report, scope, tables.get("componenti"))
    else:
        report.note("La tabella dei componenti non è tra i dati indicati: la sezione sulle persone è omessa.")
    if tables.has("alloggi"):
        _units(report, scope, select_comune(tables.get("alloggi"), comune))
    else:
        report.note("La tabella degli alloggi non è tra i dati indicati: la sezione sugli alloggi è omessa.")
    if comune == AMBITO:
        _comuni_compared(report, scope, tables.get("inquilini"))
    return report


def _summary(report: Report, scope: _Scope) -> None:
    """The main indicators, and Milan's historic tenants for comparison."""
    households, k, by = scope.households, scope.k, scope.by
    n = len(households)
    report.heading("In sintesi")

    def share_of(mask: pd.Series) -> str:
        if by is None:
            return share(int(mask.sum()), n, k)
        return share_of_parts(mask.groupby(by).sum(), by.value_counts(), k)

    summary = pd.DataFrame(
        [
            ("Nuclei assegnatari", fmt(n)),
            ("Persone nei nuclei", fmt(int(households["componenti"].sum()))),
            ("Componenti per nucleo, in media", fmt(households["componenti"].mean(), 2)),
            ("Età media dell'intestatario", fmt(households["eta_referente"].mean(), 1) + " anni"),
            ("Nuclei di una sola persona", share_of(households["componenti"] == 1)),
            ("Intestatari pensionati", share_of(households["referente_pensionato"].astype(bool))),
            ("Intestatari con cittadinanza italiana", share_of(households["cittadinanza"] == "italiana")),
            ("ISEE-ERP mediano", fmt(households["isee_erp"].median()) + " €"),
            ("Canone mensile medio", fmt(households["canone_mensile"].mean()) + " €"),
        ],
        columns=["Indicatore", "Valore"],
    )
    report.table(summary, "Indicatori principali")
    p = load_parameters()
    report.text(
        "Per confronto: tra gli inquilini SAP storici di Milano i pensionati sarebbero circa il "
        f"{fmt(p.value('milano.inquilini_storici_pensionati'))}% e le persone che vivono sole circa il "
        f"{fmt(p.value('milano.inquilini_storici_soli'))}% (valori indicativi; la fonte è indicata nel file "
        "dei parametri)."
    )


def _household_sizes(report: Report, scope: _Scope) -> None:
    """Households by number of members: a table and the chart of what it may show."""
    k = scope.k
    report.heading("Nuclei per numero di componenti")
    size_labels = _size_label(scope.households["componenti"])
    sizes, hide = size_labels.value_counts(), exposed(size_labels, scope.by, k, SIZE_ORDER)
    report.table(
        count_table(sizes, label="Componenti", threshold=k, order=SIZE_ORDER, force=hide), "Nuclei per ampiezza"
    )
    distribution_chart(
        report,
        sizes.reindex(SIZE_ORDER, fill_value=0),
        "Nuclei per numero di componenti",
        "Nuclei per ampiezza",
        k,
        force=hide,
    )


def _age_and_citizenship(report: Report, scope: _Scope) -> None:
    households, k, by = scope.households, scope.k, scope.by
    report.heading("Età e cittadinanza dell'intestatario")
    report.table(
        table_of(_age_label(households["eta_referente"]), by, "Età", k, AGE_ORDER), "Intestatari per classe d'età"
    )
    report.table(
        table_of(households["cittadinanza"], by, "Cittadinanza", k, ("italiana", "UE", "extra UE")),
        "Intestatari per cittadinanza",
    )


def _isee_areas(report: Report, scope: _Scope) -> None:
    """Households by ISEE-ERP area, the average rent in each, and the thresholds used."""
    households, k, by = scope.households, scope.k, scope.by
    p = load_parameters()
    report.heading("Area ISEE-ERP (canone sopportabile)")
    areas = isee_area(households["isee_erp"])
    report.table(table_of(areas, by, "Area", k, AREAS), "Nuclei per area")
    rent = households.assign(area=areas).groupby("area")["canone_mensile"]
    rent_rows = [
        (a, mean_or_dash(rent.get_group(a), k) + " €" if a in rent.groups and len(rent.get_group(a)) >= k else "–")
        for a in AREAS
    ]
    report.table(pd.DataFrame(rent_rows, columns=["Area", "Canone mensile medio"]), "Canone medio per area")
    report.text(
        "Le soglie delle aree sono quelle del file dei parametri: protezione fino a "
        f"{fmt(p.value('sap.isee_erp_protezione_max'))} € di ISEE-ERP, accesso fino a "
        f"{fmt(p.value('sap.isee_erp_accesso_max'))} €, permanenza fino a "
        f"{fmt(p.value('sap.isee_erp_permanenza_max'))} €, decadenza oltre questa soglia "
        "(le soglie di accesso e permanenza sono indicative)."
    )


def _people(report: Report, scope: _Scope, members: pd.DataFrame) -> None:
    """The members of the households: occupation, minors, disability."""
    households, k = scope.households, scope.k
    report.heading("Le persone")
    members = members[members["id_nucleo"].isin(households["id_nucleo"])]
    member_by = None if scope.by is None else members["id_nucleo"].map(households.set_index("id_nucleo")["comune"])
    report.table(
        table_of(members["condizione"], member_by, "Condizione", k),
        "Componenti per condizione professionale",
    )

    def people_count(mask: pd.Series) -> str:
        if member_by is None:
            return count_part(int(mask.sum()), len(members), k)
        return part_of_parts(mask.groupby(member_by).sum(), member_by.value_counts(), k)

    people = pd.DataFrame(
        [
            ("Minori di 18 anni", people_count(members["eta"] < 18)),
            ("Persone con invalidità o disabilità", people_count(members["disabilita"].astype(bool))),
        ],
        columns=["Persone", "Numero"],
    )
    report.table(people, "Minori e persone con invalidità o disabilità")


def _units(report: Report, scope: _Scope, units: pd.DataFrame) -> None:
    """The SAP units: let or empty, when they were built, how large they are."""
    k = scope.k
    report.heading("Gli alloggi")
    unit_by = units["comune"] if scope.by is not None else None
    report.table(
        table_of(units["stato"], unit_by, "Stato", k, ("locato", "sfitto", "in ristrutturazione")),
        "Alloggi per stato",
    )
    cutoff = int(load_parameters().value("sap.anno_soglia_costo"))
    period = pd.Series(
        ["prima del " + str(cutoff) if y < cutoff else f"dal {cutoff}" for y in units["anno_costruzione"]],
        index=units.index,
    )
    report.table(table_of(period, unit_by, "Costruzione", k), "Alloggi per epoca di costruzione")
    surface = pd.cut(
        units["superficie"].astype(float),
        [0, 46, 70, 95, 1000],
        right=False,
        labels=["meno di 46 m²", "46-69 m²", "70-94 m²", "95 m² e più"],
    ).astype(str)
    report.table(
        table_of(surface, unit_by, "Superficie", k, ("meno di 46 m²", "46-69 m²", "70-94 m²", "95 m² e più")),
        "Alloggi per superficie",
    )


def _comuni_compared(report: Report, scope: _Scope, registry: pd.DataFrame) -> None:
    """For the Ambito: households per comune and per 1,000 residents."""
    k = scope.k
    report.heading("Confronto tra i comuni")
    comuni = load_comuni()
    per = registry["comune"].value_counts().reindex([c.nome for c in comuni], fill_value=0)
    shown_per = protect(per, k)  # the Ambito's total is shown above
    rows = []
    for c in comuni:
        count = int(per[c.nome])
        shown = shown_per[c.nome]
        rate = fmt(1000 * count / c.popolazione, 1) if shown == fmt(count) and count else "–"
        rows.append((c.nome, shown, fmt(c.popolazione) + ("*" if c.indicativo else ""), rate))
    report.table(
        pd.DataFrame(rows, columns=["Comune", "Nuclei", "Residenti", "Nuclei ogni 1.000 residenti"]),
        "Nuclei assegnatari per comune",
    )
    report.note("Residenti: dati ISTAT arrotondati; l'asterisco (*) indica un valore indicativo, da verificare.")
