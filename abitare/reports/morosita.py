"""Report «morosita»: arrears month by month, who is behind, who may qualify for the funds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from abitare.data import AMBITO
from abitare.parameters import load_parameters
from abitare.reports.common import AREAS, isee_area, opening, select_comune, table_of
from abitare.reports.disclosure import SECONDARY, count_part, is_hidden, part_of_parts, share
from abitare.reports.document import Report, fmt, month_label
from abitare.reports.registry import checked
from abitare.reports.tables import Tables

__all__ = ["arrears_by_month", "morosita"]

DEBT_ORDER = ("fino a 1 mese", "oltre 1 e fino a 3 mesi", "oltre 3 e fino a 6 mesi", "oltre 6 mesi")
#: Debts under one euro are rounding, not arrears.
TOLERANCE = 1.0


def arrears_by_month(ledger: pd.DataFrame) -> pd.DataFrame:
    """Per household and month: the debt carried at the end of the month (never below zero)."""
    frame = ledger.sort_values(["id_nucleo", "mese"]).copy()
    frame["saldo"] = (frame["dovuto"] - frame["pagato"]).astype(float)
    frame["debito"] = frame.groupby("id_nucleo")["saldo"].cumsum().clip(lower=0)
    return frame


@dataclass(frozen=True)
class _Scope:
    """Where the report looks (a comune or the whole Ambito) and its confidentiality threshold."""

    comune: str
    k: int

    @property
    def ambito(self) -> bool:
        return self.comune == AMBITO

    def behind_count(self, rows: pd.DataFrame, of: pd.DataFrame) -> str:
        """How many of ``rows`` are behind, as ``of``'s part; for the Ambito, also hiding what a comune hides.

        No subtracting one report from the other: a count a comune's own report hides stays hidden here.
        """
        late = rows["debito"] > TOLERANCE
        if not self.ambito:
            return count_part(int(late.sum()), len(of), self.k)
        return part_of_parts(late.groupby(rows["comune"]).sum(), of.groupby("comune").size(), self.k)


def morosita(**parameters: Any) -> Report:
    """The report; its parameters are the fields of :class:`~abitare.reports.registry.MorositaParams`."""
    given = checked("morosita", **parameters)
    scope = _Scope(given["comune"], given["soglia_riservatezza"])
    tables = Tables(given["dati"] or None)
    report = Report(
        "Monitoraggio della morosità",
        "Tutto l'Ambito Sud Est Milano" if scope.ambito else f"Comune di {scope.comune}",
    )
    opening(report, tables, scope.comune, scope.k)
    households = select_comune(tables.get("inquilini"), scope.comune)
    ledger = _payments_of(report, tables, households)
    if ledger["id_nucleo"].nunique() < scope.k:
        report.text(
            f"I nuclei con dati di pagamento sono meno di {scope.k}: per riservatezza il rapporto non viene pubblicato."
        )
        return report

    frame = arrears_by_month(ledger)
    frame["comune"] = frame["id_nucleo"].map(households.set_index("id_nucleo")["comune"])
    _month_by_month(report, frame, scope)
    behind, total_shown = _at_the_end(report, frame, households, scope)
    _who_may_qualify(report, behind, max(frame["mese"]), scope, total_shown)
    return report


def _payments_of(report: Report, tables: Tables, households: pd.DataFrame) -> pd.DataFrame:
    """The payment rows of ``households``; a note when the payments name households the registry lacks."""
    ledger = tables.get("morosita_mensile")
    if (~ledger["id_nucleo"].isin(tables.get("inquilini")["id_nucleo"])).any():
        report.note(
            "Attenzione: nei pagamenti ci sono codici di nucleo che non compaiono nell'anagrafe "
            "degli inquilini; le loro righe non sono conteggiate. "
            "Controllare che i due file siano dello stesso periodo."
        )
    return ledger[ledger["id_nucleo"].isin(households["id_nucleo"])]


def _month_by_month(report: Report, frame: pd.DataFrame, scope: _Scope) -> None:
    """The households behind at the end of each month, as a table and, when every month is shown, a chart."""
    months = sorted(frame["mese"].unique())
    report.heading("Andamento mese per mese")
    report.text(
        "Un nucleo è in morosità se a fine mese ha un debito: dall'inizio dei dati ha pagato meno di quanto "
        "doveva per canone e spese (differenze fino a 1 € non contano)."
    )
    rows = []
    all_shown = True
    for month in months:
        current = frame[frame["mese"] == month]
        behind = int((current["debito"] > TOLERANCE).sum())
        shown = scope.behind_count(current, current)
        visible = not is_hidden(shown)
        all_shown = all_shown and visible
        rows.append(
            (
                month_label(month),
                shown,
                share(behind, len(current), scope.k) if visible else "–",
                fmt(current["debito"].sum()) + " €" if visible and behind else "–",
            )
        )
    trend = pd.DataFrame(rows, columns=["Mese", "Nuclei in morosità", "Quota dei nuclei", "Debito complessivo"])
    report.table(trend, "Nuclei con un debito a fine mese")
    if all_shown:
        rates = [100 * (frame[frame["mese"] == m]["debito"] > TOLERANCE).mean() for m in months]
        report.chart(_rate_chart(months, rates), "Quota di nuclei in morosità, mese per mese")


def _rate_chart(months: list[str], rates: list[float]) -> object:
    """The share of households behind, month by month (a matplotlib figure)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    ax.plot([month_label(m)[:3] + " " + m[2:4] for m in months], rates, marker="o", color="#1d5c8f")
    ax.set_ylabel("% dei nuclei")
    ax.set_title("Quota di nuclei in morosità")
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def _at_the_end(
    report: Report, frame: pd.DataFrame, households: pd.DataFrame, scope: _Scope
) -> tuple[pd.DataFrame, bool]:
    """The last month: who is behind, by months of debt and by ISEE-ERP area.

    Returns the households behind (with ``mensilita``, their debt in months) and whether
    their number could be shown.
    """
    last = max(frame["mese"])
    current = frame[frame["mese"] == last].drop(columns="comune").merge(households, on="id_nucleo")
    behind = current[current["debito"] > TOLERANCE].copy()
    behind_shown = scope.behind_count(current, current)
    total_shown = not is_hidden(behind_shown)
    by = behind["comune"] if scope.ambito else None
    report.heading(f"La situazione a fine {month_label(last)}")
    report.text(
        f"Nuclei in morosità: **{behind_shown}** su {fmt(len(current))}. "
        "Il debito è espresso in mensilità: a quanti mesi di canone e spese corrisponde."
    )
    # a household's usual monthly amount (over the whole period): a month with nothing due is not a yardstick
    usual = frame.groupby("id_nucleo")["dovuto"].mean().astype(float)
    monthly = behind["id_nucleo"].map(usual)
    behind["mensilita"] = (behind["debito"] / monthly.where(monthly > 0)).fillna(float("inf"))
    classes = pd.cut(behind["mensilita"], [0, 1, 3, 6, float("inf")], right=True, labels=DEBT_ORDER).astype(str)
    report.table(
        table_of(classes, by, "Debito in mensilità", scope.k, DEBT_ORDER, total=total_shown),
        "Nuclei in morosità per mensilità di debito",
    )
    report.table(
        table_of(isee_area(behind["isee_erp"]), by, "Area ISEE-ERP", scope.k, AREAS, total=total_shown),
        "Nuclei in morosità per area ISEE-ERP",
    )
    return behind, total_shown


def _who_may_qualify(report: Report, behind: pd.DataFrame, last: str, scope: _Scope, total_shown: bool) -> None:
    """The households behind that meet the economic requirements of the two funds, and what the data cannot say."""
    p = load_parameters()
    k = scope.k
    report.heading("Chi potrebbe accedere ai contributi")
    year = int(last[:4])
    months_needed = int(p.value("solidarieta.anzianita_mesi"))
    seniority_ok = (year - behind["anno_ingresso"].astype(int)) * 12 >= months_needed
    solidarity = behind[seniority_ok & (behind["isee_erp"] < p.value("solidarieta.isee_max"))]
    fund = behind[behind["isee_erp"] <= p.value("morosita_incolpevole.isee_max")]

    def counted(group: pd.DataFrame) -> tuple[str, str]:
        # part of the households behind, whose number and debt are shown above: hide it when it or the rest is small
        if scope.ambito:
            shown = part_of_parts(group.groupby("comune").size(), behind.groupby("comune").size(), k)
        else:
            shown = count_part(len(group), len(behind), k)
        if not total_shown:
            shown = SECONDARY if len(group) else shown
        return shown, fmt(group["debito"].sum()) + " €" if shown == fmt(len(group)) and len(group) else "–"

    eligible = pd.DataFrame(
        [
            (
                "Contributo regionale di solidarietà",
                f"ISEE sotto {fmt(p.value('solidarieta.isee_max'))} € e almeno {months_needed} mesi di locazione",
                *counted(solidarity),
            ),
            (
                "Fondo morosità incolpevole",
                f"ISEE fino a {fmt(p.value('morosita_incolpevole.isee_max'))} € "
                "(la causa della morosità va verificata a parte)",
                *counted(fund),
            ),
        ],
        columns=["Misura", "Requisiti verificabili nei dati", "Nuclei in morosità", "Debito dei nuclei"],
    )
    report.table(eligible, "Nuclei in morosità che rispettano i requisiti economici")
    report.text(
        "Sono stime per orientare il lavoro: i dati non dicono se la morosità sia incolpevole né se ci sia "
        "uno sfratto in corso, e ogni misura ha il suo bando. Il confronto usa l'ISEE-ERP presente nei dati "
        "al posto dell'ISEE. Il contributo di solidarietà copre prima le spese per i servizi e poi il debito, "
        "con un piano di rientro; il fondo morosità incolpevole copre fino a "
        f"{fmt(p.value('morosita_incolpevole.sanare_max'))} € per sanare il debito (massimo "
        f"{fmt(p.value('morosita_incolpevole.totale_max'))} € per nucleo) ed è pensato soprattutto per chi "
        "è in affitto sul mercato privato. Requisiti e importi vanno verificati sul bando del Comune."
    )
