"""The seeded generator of the synthetic datasets (``abitare data generate``).

Everything is drawn with NumPy over whole columns (no Python loop per household),
so 200,000 households take seconds. Profiles follow the reported figures in
DOMAIN.md and the parameter file (pensioners, people living alone, Italian
citizens, income of historic SAP tenants); the rent follows the canone SAP rule.
The same ``households`` and ``seed`` give the same files, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from abitare.data.dictionary import load_comuni
from abitare.data.io import write_table
from abitare.parameters import load_parameters

__all__ = ["GENERATOR_VERSION", "REFERENCE_DATE", "generate"]

GENERATOR_VERSION = "1"
#: The data describe the situation on this day (end of the project's last full month).
REFERENCE_DATE = date(2026, 1, 31)
PROJECT_START = date(2024, 9, 1)
LEDGER_MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]

_SURNAMES = (
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Ferri",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
    "Messina",
    "Sala",
    "Bassi",
    "Hassan",
    "Popescu",
    "Ahmed",
    "Kaur",
    "El Amrani",
)
_NAMES = (
    "Giuseppe",
    "Maria",
    "Giovanni",
    "Anna",
    "Antonio",
    "Giuseppina",
    "Mario",
    "Rosa",
    "Luigi",
    "Angela",
    "Francesco",
    "Giovanna",
    "Angelo",
    "Teresa",
    "Vincenzo",
    "Lucia",
    "Pietro",
    "Carmela",
    "Salvatore",
    "Caterina",
    "Carlo",
    "Francesca",
    "Franco",
    "Domenico",
    "Carla",
    "Bruno",
    "Elena",
    "Paolo",
    "Laura",
    "Alessandro",
    "Sara",
    "Marco",
    "Giulia",
    "Andrea",
    "Chiara",
    "Luca",
    "Fatima",
    "Mohamed",
    "Ana",
    "Ion",
    "Priya",
    "Omar",
    "Elisa",
)
_STREETS = (
    "Via Roma",
    "Via Milano",
    "Via Dante",
    "Via Garibaldi",
    "Via Mazzini",
    "Via Cavour",
    "Viale Lombardia",
    "Via Emilia",
    "Via Volta",
    "Via Manzoni",
    "Via Verdi",
    "Via della Pace",
    "Via dei Mille",
    "Via Gramsci",
    "Via Matteotti",
    "Piazza della Vittoria",
)

Progress = Callable[[str], None]


def _allocate(total: int, weights: np.ndarray, minimum: int = 1) -> np.ndarray:
    """Split ``total`` by ``weights`` (largest remainders), each part at least ``minimum`` when possible."""
    share = weights / weights.sum() * total
    counts = np.floor(share).astype(int)
    counts[np.argsort(share - counts)[::-1][: total - counts.sum()]] += 1
    while (counts < minimum).any() and counts.max() > minimum and total >= minimum * len(counts):
        counts[np.argmax(counts)] -= 1
        counts[np.argmin(counts)] += 1
    return np.asarray(counts)


def _days(rng: np.random.Generator, start: date, end: date, n: int, skew: float = 1.0) -> pd.Series:
    span = (end - start).days
    offsets = (rng.random(n) ** (1 / skew) * span).astype(int)
    return pd.Series(pd.Timestamp(start) + pd.to_timedelta(offsets, unit="D"))


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(5, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)])


def _rent(isee: np.ndarray, surface: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Monthly canone SAP (L.R. 27/2009 art. 31), vectorised, with the parameter file's values."""
    p = load_parameters()
    cost = np.where(
        year < p.value("sap.anno_soglia_costo"),
        p.value("sap.costo_convenzionale_prima_1977"),
        p.value("sap.costo_convenzionale_dopo_1976"),
    )
    size = np.where(
        surface > p.value("sap.superficie_soglia_coefficiente_alto"),
        p.value("sap.coefficiente_oltre_70_m2"),
        np.where(
            surface >= p.value("sap.superficie_soglia_coefficiente_basso"),
            p.value("sap.coefficiente_46_70_m2"),
            p.value("sap.coefficiente_sotto_46_m2"),
        ),
    )
    locativo = p.fraction("sap.valore_locativo_percentuale") * cost * surface * size
    pct = np.select(
        [
            isee <= p.value("sap.isee_erp_protezione_max"),
            isee <= p.value("sap.isee_erp_accesso_max"),
            isee <= p.value("sap.isee_erp_permanenza_max"),
        ],
        [
            p.fraction("sap.canone_percentuale_protezione"),
            p.fraction("sap.canone_percentuale_accesso"),
            p.fraction("sap.canone_percentuale_permanenza"),
        ],
        p.fraction("sap.canone_percentuale_decadenza"),
    )
    return np.asarray(np.maximum(20.0, np.round(locativo * pct / 12, 2)))


@dataclass(frozen=True)
class _Households:
    """The drawn profile of each SAP household (one entry per household, in comune order)."""

    comune: np.ndarray
    pensioner: np.ndarray
    age: np.ndarray
    size: np.ndarray
    citizenship: np.ndarray
    isee: np.ndarray
    entry: np.ndarray

    @property
    def n(self) -> int:
        return len(self.comune)


@dataclass(frozen=True)
class _Units:
    """The SAP units: the table, which of them are let (in household order) and their building year."""

    table: pd.DataFrame
    let: np.ndarray
    built: np.ndarray


def generate(households: int, seed: int, out: Path, progress: Progress | None = None) -> dict[str, int]:
    """Write every table of the dictionary for ``households`` SAP households into ``out``.

    Each table is one step below, drawn from the same generator in this order: the
    order is part of the output (the same seed gives the same files, byte for byte).
    """
    if households < 50:
        raise ValueError("households must be at least 50")
    step = progress or (lambda _name: None)
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    comuni = load_comuni()
    names = np.array([c.nome for c in comuni])
    weights = np.array([c.popolazione * c.quota_sap for c in comuni], dtype=float)
    rows: dict[str, int] = {}

    def write(frame: pd.DataFrame, name: str) -> None:
        write_table(frame, name, out)
        rows[name] = len(frame)

    step("inquilini e alloggi")
    per_comune = _allocate(households, weights)
    people = _draw_households(rng, np.repeat(names, per_comune))
    units = _draw_units(rng, names, per_comune, people.size)
    inquilini = _tenant_registry(rng, people, units)
    write(units.table, "alloggi")
    write(inquilini, "inquilini")

    step("componenti dei nuclei")
    write(_members(rng, people, inquilini["id_nucleo"].to_numpy()), "componenti")

    step("morosità mensile")
    write(_arrears_ledger(rng, inquilini), "morosita_mensile")

    step("domande SAP")
    write(_waiting_list(rng, households, names, weights), "domande_sap")

    step("accoglienza temporanea")
    write(_temporary_housing(rng, households, names, weights), "accoglienza")

    step("contratti a canone concordato")
    write(_agreed_rent_contracts(rng, households, names, weights), "contratti_concordati")

    step("partecipanti al corso")
    write(_course_participants(rng, households), "partecipanti_corso")

    step("incontri delle comunità di pratica")
    write(_practice_sessions(rng, households, names, weights), "sessioni_cdp")

    step("fine")
    _write_origin(out, households, seed, rows)
    return rows


def _draw_households(rng: np.random.Generator, comune: np.ndarray) -> _Households:
    """Who the households are: pensioners, people alone, size, citizenship, ISEE-ERP, year of entry."""
    n = len(comune)
    pensioner = rng.random(n) < 0.46
    age = np.where(pensioner, rng.integers(65, 96, n), rng.integers(24, 65, n))
    alone = rng.random(n) < np.where(pensioner, 0.62, 0.22)
    size = np.where(alone, 1, np.where(pensioner, 2, rng.choice([2, 3, 4, 5, 6], n, p=[0.3, 0.3, 0.22, 0.12, 0.06])))
    citizenship = rng.choice(["italiana", "UE", "extra UE"], n, p=[0.8, 0.05, 0.15])
    isee = np.round(np.clip(rng.lognormal(np.log(9000), 0.55, n), 0, 60000), 2)
    isee[rng.random(n) < 0.06] = 0.0
    entry = np.where(pensioner, rng.integers(1975, 2016, n), rng.integers(1995, 2026, n))
    return _Households(comune, pensioner, age, size, citizenship, isee, entry)


def _draw_units(rng: np.random.Generator, names: np.ndarray, per_comune: np.ndarray, size: np.ndarray) -> _Units:
    """The units of each comune: one per household, let, plus about 7% empty or being renovated."""
    n = int(per_comune.sum())
    vacant = np.maximum(1, np.round(per_comune * 0.07).astype(int))
    units_per_comune = per_comune + vacant
    m = int(units_per_comune.sum())
    unit_comune = np.repeat(names, units_per_comune)
    unit_ids = _ids("A", m)
    # the first per_comune[i] units of each municipality are let, the rest are empty
    starts = np.concatenate([[0], np.cumsum(units_per_comune)[:-1]])
    let = np.zeros(m, dtype=bool)
    for start, k in zip(starts, per_comune, strict=True):
        let[start : start + k] = True
    surface_unit = np.round(np.clip(rng.normal(62, 16, m), 28, 130), 1)
    surface_unit[let] = np.round(np.clip(32 + 11 * size + rng.normal(0, 8, n), 28, 130), 1)
    decade = rng.choice(np.arange(1920, 2020, 10), m, p=[0.02, 0.03, 0.05, 0.18, 0.22, 0.22, 0.12, 0.08, 0.05, 0.03])
    built = decade + rng.integers(0, 10, m)
    floor = rng.integers(0, 7, m)
    state = np.where(let, "locato", rng.choice(["sfitto", "in ristrutturazione"], m, p=[0.7, 0.3]))
    alloggi = pd.DataFrame(
        {
            "id_alloggio": unit_ids,
            "comune": unit_comune,
            "superficie": surface_unit,
            "superficie_balconi": np.where(rng.random(m) < 0.7, np.round(rng.uniform(2, 15, m), 1), 0.0),
            "anno_costruzione": built,
            "piano": floor,
            "ascensore": rng.random(m) < np.where(floor > 2, 0.75, 0.35),
            "stato": state,
        }
    )
    return _Units(alloggi, let, built)


def _tenant_registry(rng: np.random.Generator, people: _Households, units: _Units) -> pd.DataFrame:
    """The anagrafe of the households, with the identifying columns and the canone SAP of their unit."""
    n = people.n
    household_unit = np.flatnonzero(units.let)
    surface = units.table["superficie"].to_numpy()[household_unit]
    built = units.built[household_unit]
    rent = _rent(people.isee, surface, built)
    return pd.DataFrame(
        {
            "id_nucleo": _ids("N", n),
            "comune": people.comune,
            "nominativo": pd.Series(rng.choice(_SURNAMES, n)) + " " + pd.Series(rng.choice(_NAMES, n)),
            "codice_fiscale": [
                f"SNT{a}{b:02d}X{c:02d}Z999{d}"
                for a, b, c, d in zip(
                    rng.choice(list("ABCDEFGHLMNPRST"), n),
                    rng.integers(0, 100, n),
                    rng.integers(1, 72, n),
                    rng.choice(list("ABCDEFGHLMNPRST"), n),
                    strict=True,
                )
            ],
            "indirizzo": pd.Series(rng.choice(_STREETS, n)) + " " + pd.Series(rng.integers(1, 120, n)).astype(str),
            "id_alloggio": units.table["id_alloggio"].to_numpy()[household_unit],
            "anno_ingresso": np.maximum(people.entry, np.minimum(built, 2025)),
            "componenti": people.size,
            "eta_referente": people.age,
            "referente_pensionato": people.pensioner,
            "cittadinanza": people.citizenship,
            "isee_erp": people.isee,
            "canone_mensile": rent,
            "spese_mensili": np.round(25 + 0.7 * surface + rng.normal(0, 8, n).clip(-20, 40), 2),
        }
    )


def _members(rng: np.random.Generator, people: _Households, household_ids: np.ndarray) -> pd.DataFrame:
    """Every member of every household: the head, a partner for most, children of a plausible age."""
    size, age, pensioner = people.size, people.age, people.pensioner
    owner = np.repeat(np.arange(people.n), size)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(size) - size, size) + 1
    ref_age = age[owner]
    partner = (position == 2) & (rng.random(len(owner)) < 0.65)
    child_age = np.clip(ref_age - 22 - rng.integers(0, 18, len(owner)), 0, 60)
    member_age = np.where(
        position == 1,
        ref_age,
        np.where(partner, np.clip(ref_age + rng.integers(-6, 6, len(owner)), 18, 100), child_age),
    )
    working = rng.choice(["occupato", "disoccupato", "casalinga/o", "altro"], len(owner), p=[0.55, 0.2, 0.15, 0.1])
    condition = np.select(
        [member_age < 6, member_age < 20, (position == 1) & pensioner[owner], member_age >= 67],
        ["altro", "studente", "pensionato", "pensionato"],
        working,
    )
    return pd.DataFrame(
        {
            "id_nucleo": household_ids[owner],
            "progressivo": position,
            "eta": member_age,
            "sesso": rng.choice(["F", "M"], len(owner)),
            "condizione": condition,
            "disabilita": rng.random(len(owner)) < np.where(member_age >= 70, 0.2, 0.06),
        }
    )


def _arrears_ledger(rng: np.random.Generator, inquilini: pd.DataFrame) -> pd.DataFrame:
    """What each household owed and paid month by month: a household falls into difficulty and out of it."""
    n = len(inquilini)
    due = np.round(inquilini["canone_mensile"].to_numpy() + inquilini["spese_mensili"].to_numpy(), 2)
    trouble = rng.random(n) < 0.14
    debt = np.zeros(n)
    paid_months = []
    for _month in LEDGER_MONTHS:
        trouble = np.where(trouble, rng.random(n) > 0.12, rng.random(n) < 0.025)
        partial = rng.uniform(0.2, 0.7, n)
        pays = np.where(trouble, np.where(rng.random(n) < 0.5, 0.0, np.round(due * partial, 2)), due)
        catch_up = ~trouble & (debt > 0) & (rng.random(n) < 0.35)
        pays = np.where(catch_up, pays + np.round(np.minimum(debt, due * 0.5), 2), pays)
        debt = np.round(debt + due - pays, 2)
        paid_months.append(pays)
    return pd.DataFrame(
        {
            "id_nucleo": np.tile(inquilini["id_nucleo"].to_numpy(), len(LEDGER_MONTHS)),
            "mese": np.repeat(LEDGER_MONTHS, n),
            "dovuto": np.tile(due, len(LEDGER_MONTHS)),
            "pagato": np.concatenate(paid_months),
        }
    )


def _waiting_list(rng: np.random.Generator, n: int, names: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    """Applications for a SAP unit; over the ISEE access limit they are excluded."""
    k = max(20, int(n * 0.45))
    applicant_isee = np.round(np.clip(rng.lognormal(np.log(7000), 0.7, k), 0, 40000), 2)
    indigent = applicant_isee < 3000
    outcome = np.where(
        applicant_isee > load_parameters().value("sap.isee_accesso"),
        "esclusa",
        rng.choice(["in graduatoria", "assegnata", "rinuncia"], k, p=[0.82, 0.13, 0.05]),
    )
    return pd.DataFrame(
        {
            "id_domanda": _ids("D", k),
            "comune": np.repeat(names, _allocate(k, weights)),
            "data_presentazione": _days(rng, date(2023, 1, 1), REFERENCE_DATE, k),
            "componenti": rng.choice([1, 2, 3, 4, 5, 6], k, p=[0.32, 0.22, 0.2, 0.15, 0.08, 0.03]),
            "isee": applicant_isee,
            "punteggio_isbar": np.round(np.clip(rng.beta(2.2, 3.0, k) * 100 + indigent * 15, 0, 100), 1),
            "indigenza": indigent,
            "stato": outcome,
        }
    )


def _temporary_housing(rng: np.random.Generator, n: int, names: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    """Stays in temporary housing since the project started, with where each household went next."""
    k = max(18, int(n * 0.06))
    entered = _days(rng, PROJECT_START, date(2025, 12, 31), k)
    stay = pd.to_timedelta(rng.integers(45, 540, k), unit="D")
    left = entered + stay
    ongoing = left > pd.Timestamp(REFERENCE_DATE)
    exit_to = rng.choice(
        ["alloggio SAP", "canone concordato", "mercato libero", "rientro in famiglia", "altro"],
        k,
        p=[0.25, 0.27, 0.15, 0.13, 0.2],
    )
    return pd.DataFrame(
        {
            "id_inserimento": _ids("T", k),
            "comune": np.repeat(names, _allocate(k, weights)),
            "tipo": rng.choice(
                ["servizio abitativo transitorio", "housing first", "housing sociale"], k, p=[0.55, 0.15, 0.3]
            ),
            "componenti": rng.choice([1, 2, 3, 4, 5], k, p=[0.35, 0.25, 0.2, 0.13, 0.07]),
            "data_ingresso": entered,
            "data_uscita": left.where(~ongoing),
            "esito": np.where(ongoing, "in corso", exit_to),
        }
    )


def _agreed_rent_contracts(rng: np.random.Generator, n: int, names: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    """Agreed-rent (canone concordato) contracts brokered by the Agenzia."""
    k = max(18, int(n * 0.04))
    area = np.round(rng.uniform(38, 110, k), 1)
    return pd.DataFrame(
        {
            "id_contratto": _ids("C", k),
            "comune": np.repeat(names, _allocate(k, weights)),
            "data_stipula": _days(rng, date(2024, 10, 1), REFERENCE_DATE, k, skew=1.6),
            "tipo": rng.choice(["3+2", "transitorio", "studenti"], k, p=[0.8, 0.15, 0.05]),
            "superficie": area,
            "canone_annuo": np.round(area * rng.uniform(60, 110, k), -1),
            "cedolare_secca": rng.random(k) < 0.85,
            "contributo_agenzia": np.where(rng.random(k) < 0.6, np.round(rng.uniform(500, 3000, k), -1), 0.0),
        }
    )


def _course_participants(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """The course's participants: who they work for, modules completed, entry and final test, satisfaction."""
    k = int(np.clip(n // 15, 40, 2000))
    body = rng.choice(["comune", "ETS", "ASSEMI", "altro"], k, p=[0.5, 0.35, 0.1, 0.05])
    role = np.select(
        [body == "comune", body == "ETS", body == "ASSEMI"],
        [
            rng.choice(["operatore comunale", "assistente sociale"], k, p=[0.55, 0.45]),
            "operatore ETS",
            "assistente sociale",
        ],
        "altro",
    )
    modules = rng.choice(np.arange(7), k, p=[0.04, 0.04, 0.05, 0.07, 0.1, 0.2, 0.5])
    pre = np.round(np.clip(rng.normal(55, 12, k), 10, 95), 0)
    post = np.round(np.clip(pre + rng.normal(16, 9, k), 0, 100), 0)
    took_post = (modules >= 4) | (rng.random(k) < 0.2)
    satisfaction = rng.choice([1, 2, 3, 4, 5], k, p=[0.02, 0.05, 0.15, 0.45, 0.33]).astype(float)
    satisfaction[rng.random(k) < 0.15] = np.nan
    return pd.DataFrame(
        {
            "id_partecipante": _ids("P", k),
            "ente": body,
            "ruolo": role,
            "edizione": rng.choice([1, 2], k, p=[0.55, 0.45]),
            "moduli_completati": modules,
            "punteggio_pre": pre,
            "punteggio_post": np.where(took_post, post, np.nan),
            "soddisfazione": pd.array(satisfaction, dtype="Float64").astype("Int64"),
        }
    )


def _practice_sessions(rng: np.random.Generator, n: int, names: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    """Meetings of the communities of practice: when, where, on what, how many took part."""
    k = int(np.clip(n // 75, 12, 500))
    return pd.DataFrame(
        {
            "id_sessione": _ids("S", k),
            "data": _days(rng, date(2024, 10, 1), REFERENCE_DATE, k).sort_values().to_numpy(),
            "comune": rng.choice(names, k, p=weights / weights.sum()),
            "tema": rng.choice(
                [
                    "soluzioni temporanee",
                    "prevenzione della morosità",
                    "accompagnamento all'abitare",
                    "mediazione dei conflitti",
                    "lavoro di rete",
                ],
                k,
            ),
            "partecipanti": rng.integers(6, 31, k),
            "enti_ets": rng.integers(1, 9, k),
            "durata_minuti": rng.choice([90, 120, 150, 180], k),
        }
    )


def _write_origin(out: Path, households: int, seed: int, rows: dict[str, int]) -> None:
    """``origine.yaml``: how the dataset was made, so anyone can make it again."""
    lines = [
        "# Synthetic dataset made by `abitare data generate`: no real person is in it.",
        f"generatore: {GENERATOR_VERSION}",
        f"nuclei: {households}",
        f"seme: {seed}",
        f"data_di_riferimento: {REFERENCE_DATE.isoformat()}",
        "righe:",
        *[f"  {name}: {count}" for name, count in rows.items()],
    ]
    (out / "origine.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
