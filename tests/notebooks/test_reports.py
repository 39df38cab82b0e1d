"""The reports, run with papermill as staff run them, and what they produced read back.

Expected figures are computed here from the CSV files with the standard library,
not with the code under test.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from abitare.data.generate import REFERENCE_DATE
from abitare.paths import PROJECT_ROOT
from abitare.practice.sessions import SessionStore
from abitare.practice.worksheets import load_worksheet
from abitare.reports.registry import REPORTS, validate_parameters
from abitare.reports.runner import plan, run_batch
from abitare.settings import Settings
from abitare.storage import upgrade
from tests.conftest import CONTENT_DIR
from tests.reports.helpers import abitare, html_tables, number, read_csv

REPORTS_DIR = PROJECT_ROOT / "notebooks" / "reports"


def env_for(home: Path, data_dir: Path | None = None) -> dict[str, str]:
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(home)}
    if data_dir is not None:
        env["ABITARE_DATA_DIR"] = str(data_dir)
    return env


def papermill(
    tmp_path: Path, name: str, data_dir: Path | None = None, **params
) -> tuple[subprocess.CompletedProcess, Path]:
    """Plain papermill, exactly as the README shows it."""
    out = tmp_path / f"{name}.ipynb"
    args = [sys.executable, "-m", "papermill", str(REPORTS_DIR / f"{name}.ipynb"), str(out), "--cwd", str(tmp_path)]
    for key, value in params.items():
        args += ["-p", key, str(value)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=240, env=env_for(tmp_path, data_dir))
    return done, out


def shown_html(notebook: Path) -> str:
    nb = json.loads(notebook.read_text())
    return "\n".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"] for o in c.get("outputs", []))


def fmt(x: float, decimals: int = 0) -> str:
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def test_profilo_shows_the_figures_of_the_registry(tmp_path, small_data):
    households = [r for r in read_csv(small_data / "inquilini.csv") if r["comune"] == "Melegnano"]
    n = len(households)
    people = sum(int(r["componenti"]) for r in households)
    alone = sum(r["componenti"] == "1" for r in households)
    age = sum(int(r["eta_referente"]) for r in households) / n
    done, out = papermill(tmp_path, "profilo-inquilinato", comune="Melegnano", dati=small_data)
    assert done.returncode == 0, done.stderr[-2000:]
    tables = html_tables(shown_html(out))
    main = tables["Indicatori principali"]
    assert main["Nuclei assegnatari"] == [fmt(n)]
    assert main["Persone nei nuclei"] == [fmt(people)]
    assert main["Età media dell'intestatario"] == [fmt(age, 1) + " anni"]
    assert main["Nuclei di una sola persona"] == [fmt(100 * alone / n, 1) + "%"]
    assert tables["Nuclei per ampiezza"]["1 persona"][0] == fmt(alone)


def test_morosita_counts_the_households_behind_at_the_end(tmp_path, small_data):
    in_comune = {r["id_nucleo"] for r in read_csv(small_data / "inquilini.csv") if r["comune"] == "San Donato Milanese"}
    debt: dict[str, float] = defaultdict(float)
    for r in sorted(read_csv(small_data / "morosita_mensile.csv"), key=lambda r: (r["id_nucleo"], r["mese"])):
        if r["id_nucleo"] in in_comune:
            debt[r["id_nucleo"]] = max(0.0, debt[r["id_nucleo"]] + number(r["dovuto"]) - number(r["pagato"]))
    behind = sum(v > 1 for v in debt.values())
    done, out = papermill(tmp_path, "morosita", comune="San Donato Milanese", dati=small_data)
    assert done.returncode == 0, done.stderr[-2000:]
    trend = html_tables(shown_html(out))["Nuclei con un debito a fine mese"]
    assert trend["dicembre 2025"][0] == fmt(behind)
    assert trend["dicembre 2025"][2] == fmt(sum(debt.values())) + " €"


def test_valutazione_compares_entry_and_final_tests(tmp_path, small_data):
    rows = [r for r in read_csv(small_data / "partecipanti_corso.csv") if r["punteggio_post"]]
    pre = sum(number(r["punteggio_pre"]) for r in rows) / len(rows)
    post = sum(number(r["punteggio_post"]) for r in rows) / len(rows)
    done, out = papermill(tmp_path, "valutazione-corso", dati=small_data)
    assert done.returncode == 0, done.stderr[-2000:]
    table = html_tables(shown_html(out))["Test d'ingresso e test finale (punteggi da 0 a 100)"]
    assert table["Persone con entrambi i test"] == [fmt(len(rows))]
    assert table["Punteggio medio d'ingresso"] == [fmt(pre, 1)]
    assert table["Punteggio medio finale"] == [fmt(post, 1)]


def test_monitoraggio_counts_what_happened_in_the_period(tmp_path, small_data):
    start, end = "2025-01-01", "2025-06-30"
    contracts = [r for r in read_csv(small_data / "contratti_concordati.csv") if start <= r["data_stipula"] <= end]
    sessions = [r for r in read_csv(small_data / "sessioni_cdp.csv") if start <= r["data"] <= end]
    done, out = papermill(tmp_path, "monitoraggio-progetto", dal=start, al=end, dati=small_data)
    assert done.returncode == 0, done.stderr[-2000:]
    tables = html_tables(shown_html(out))
    expected = fmt(len(contracts)) if len(contracts) >= 5 else "<5"
    assert tables["Indicatori dell'azione 1"]["Contratti a canone concordato con l'Agenzia"] == [expected]
    assert tables["Incontri delle comunità di pratica"]["Incontri"] == [
        fmt(len(sessions)) if len(sessions) >= 5 or not sessions else "<5"
    ]


def test_a_planted_cell_of_three_is_published_as_under_five(tmp_path):
    header = (
        "id_nucleo;comune;id_alloggio;anno_ingresso;componenti;eta_referente;referente_pensionato;"
        "cittadinanza;isee_erp;canone_mensile;spese_mensili;nominativo;codice_fiscale;indirizzo"
    )
    rows = [header]
    for i in range(20):
        size = 1 if i < 3 else 2
        rows.append(
            f"N{i};Colturano;A{i};2001;{size};70;sì;italiana;8500;90;40;Rossi Anna{i};SNTXYZ{i:02d};Via Roma {i}"
        )
    registry = tmp_path / "inquilini_colturano.csv"
    registry.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    done = abitare(
        "report",
        "profilo-inquilinato",
        "--comune",
        "Colturano",
        "--data",
        str(registry),
        "--out",
        str(out_dir),
        env=env_for(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    html = (out_dir / "profilo-inquilinato-colturano.html").read_text()
    sizes = html_tables(html)["Nuclei per ampiezza"]
    assert sizes["1 persona"] == ["<5", "–"]
    assert sizes["2 persone"] == ["riservato", "–"], "or 20 - 17 would give the 3 away"
    assert html_tables(html)["Indicatori principali"]["Nuclei di una sola persona"] == ["–"]
    assert "Rossi" not in html and "SNTXYZ" not in html and "Via Roma" not in html
    assert "la sezione sulle persone è omessa" in html, "a single file: the sections it cannot feed are named"


def test_the_batch_makes_nine_offline_pages_and_an_index(tmp_path, small_data):
    out_dir = tmp_path / "out"
    done = abitare(
        "report",
        "profilo-inquilinato",
        "--comune",
        "all",
        "--data",
        str(small_data),
        "--out",
        str(out_dir),
        env=env_for(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "9 rapporti prodotti su 9" in done.stdout
    pages = sorted(out_dir.glob("profilo-inquilinato-*.html"))
    assert len(pages) == 9 and len(list(out_dir.glob("*.ipynb"))) == 9
    index = (out_dir / "indice.html").read_text()
    assert "data:image/png;base64," in (out_dir / "profilo-inquilinato-san-giuliano-milanese.html").read_text()
    personal = read_csv(small_data / "inquilini.csv")
    secrets = {r["codice_fiscale"] for r in personal} | {r["nominativo"] for r in personal}
    secrets |= {r["indirizzo"] for r in personal}
    for page in pages:
        assert f"href='{page.name}'" in index
        html = page.read_text()
        assert "<h1>Profilo dell'inquilinato SAP</h1>" in html
        assert "profilo_inquilinato(" not in html and "import" not in html, "no input cells"
        assert not re.search(r"(src|href)=['\"]?(https?:)?//", html), "nothing loaded from the network"
        assert not [s for s in secrets if s in html], "no names, fiscal codes or addresses"
        assert "Traceback" not in html


def test_one_failed_report_does_not_stop_the_others(tmp_path, small_data, monkeypatch):
    settings = Settings(data_dir=tmp_path / "var")
    upgrade(settings.database_url)
    good = plan(
        REPORTS["valutazione-corso"],
        validate_parameters(REPORTS["valutazione-corso"], {"dati": str(small_data)}),
        False,
    )
    bad = plan(
        REPORTS["sintesi-sessione"],
        validate_parameters(REPORTS["sintesi-sessione"], {"codice_sessione": "ZZZZZZZZ"}),
        False,
    )
    monkeypatch.setenv("ABITARE_DATA_DIR", str(settings.data_dir))  # the workers inherit it
    results = run_batch(bad + good, tmp_path / "out", workers=2)
    assert [r.ok for r in results] == [False, True]
    assert results[0].error == "Nessuna sessione con il codice «ZZZZZZZZ»."
    index = (tmp_path / "out" / "indice.html").read_text()
    assert "non riuscito: Nessuna sessione con il codice «ZZZZZZZZ»." in index
    assert "valutazione-corso.html" in index
    # a second run into the same folder adds to the index; a failure leaves no stale page behind
    again = run_batch(good, tmp_path / "out", workers=1)
    assert again[0].ok
    index = (tmp_path / "out" / "indice.html").read_text()
    assert "non riuscito: Nessuna sessione" in index and index.count("valutazione-corso.html") == 1
    assert not (tmp_path / "out" / "sintesi-sessione-zzzzzzzz.html").exists()


def test_the_session_synthesis_reads_a_session_and_suppresses_small_counts(tmp_path):
    settings = Settings(data_dir=tmp_path / "var")
    upgrade(settings.database_url)
    from abitare.progress import open_store

    sheet = load_worksheet(CONTENT_DIR, "retrospettiva-pratica")
    sessions = SessionStore(open_store(settings).engine)
    session, _ = sessions.create(sheet, "Retrospettiva di novembre", date(2026, 11, 25))
    scale = next(f for f in sheet.data.fields if f.type == "scale")
    text = next(f for f in sheet.data.fields if f.type in ("long_text", "short_text"))
    values = [4] * 6 + [3] * 5 + [2] * 2
    members = []
    for i, value in enumerate(values):
        member = sessions.join(session, f"Persona{i:02d}")
        members.append(member)
        sessions.save(sheet, member, scale.id, value)
        sessions.save(sheet, member, text.id, f"Osservazione numero {i} <script>alert(1)</script>")
    # the room plays a case: 6 votes for the recommended first choice, 5 and 2 for the others; the facilitator
    # confirms the second (not the majority's)
    from abitare.cases.schema import load_case
    from abitare.practice.roomcase import RoomCaseStore

    case = load_case(CONTENT_DIR, "anziano-solo")
    cases = RoomCaseStore(sessions.engine)
    run_id = cases.start(session, case)
    room = cases.load(session, case, run_id)
    for member, choice in zip(members, [0] * 6 + [1] * 5 + [2] * 2, strict=True):
        cases.vote(room, member, choice)
    cases.confirm(cases.load(session, case, run_id), 1)
    done, out = papermill(tmp_path, "sintesi-sessione", settings.data_dir, codice_sessione=session.code)
    assert done.returncode == 0, done.stderr[-2000:]
    html = shown_html(out)
    assert "Retrospettiva di novembre" in html and "Risposte: 13" in html and "Media: 3,3" in html
    counts = html_tables(html)[scale.label]
    assert counts["4"][0] == "6" and counts["2"][0] == "<5" and counts["3"][0] == "riservato"
    assert "Osservazione numero 7 &lt;script&gt;" in html and "<script>alert" not in html
    assert "Persona0" not in html, "anonymous by default"
    assert "iVBORw0KGg" in html  # the chart of the publishable counts is embedded
    assert f"Caso giocato dalla sala: {case.title}" in html
    assert "al passo 1 chi conduce ha confermato una scelta diversa da quella più votata" in html
    table = html_tables(html)["Il percorso della sala e quello consigliato"]
    path = dict(zip(table["Passo"], table["1"], strict=True))
    assert path["Scelta della sala"].startswith("Lasci al signore un biglietto")
    assert path["Percorso consigliato"].startswith("Vai subito al palazzo")
    assert path["Votanti"] == "13" and path["Decisione"] == "un'altra, scelta da chi conduce"
    votes = path["Voti per scelta"]
    assert "gas.: 6 · " in votes and "ufficio: non vuoi invadere la sua casa.: riservato · " in votes
    assert votes.endswith("manutenzione.: <5")


def test_an_unknown_code_fails_with_an_italian_message(tmp_path):
    settings = Settings(data_dir=tmp_path / "var")
    upgrade(settings.database_url)
    done, _ = papermill(tmp_path, "sintesi-sessione", settings.data_dir, codice_sessione="ZZZZZZZZ")
    assert done.returncode != 0 and "Nessuna sessione con il codice «ZZZZZZZZ»" in done.stderr


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_reports_are_committed_without_outputs_and_declare_the_registry_parameters(name):
    from papermill.translators import PythonTranslator

    nb = json.loads((REPORTS_DIR / f"{name}.ipynb").read_text())
    assert all(c.get("outputs", []) == [] for c in nb["cells"] if c["cell_type"] == "code")
    first = nb["cells"][0]
    assert "parameters" in first["metadata"].get("tags", [])
    declared = {p.name for p in PythonTranslator.inspect({"source": "".join(first["source"])})}
    assert declared == set(REPORTS[name].params.model_fields)


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_parameters_cell_says_what_the_model_says(name):
    """Name, order, type, default and help of each parameter, as papermill reads them, are the model's."""
    from papermill.translators import PythonTranslator

    nb = json.loads((REPORTS_DIR / f"{name}.ipynb").read_text())
    in_cell = PythonTranslator.inspect({"source": "".join(nb["cells"][0]["source"])})
    model = REPORTS[name].params.model_fields
    assert [p.name for p in in_cell] == list(model)
    for p, info in zip(in_cell, model.values(), strict=True):
        default = "" if info.is_required() else info.default
        default = default.isoformat() if isinstance(default, date) else default
        assert ast.literal_eval(p.default) == default, p.name
        assert p.inferred_type_name == {str: "str", int: "int", bool: "bool", date: "str"}[info.annotation], p.name
        assert p.help == info.description, p.name


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_the_committed_notebook_is_the_one_the_registry_writes(name):
    """Any drift (a cell edited by hand, a model changed without ``abitare report sync``) fails here."""
    from abitare.reports.notebook import sync_notebook

    assert not sync_notebook(REPORTS[name], write=False), "run: abitare report sync"


def test_the_reference_date_is_inside_the_project():
    assert date(2024, 9, 1) <= REFERENCE_DATE <= date(2026, 2, 28)


def test_plain_papermill_checks_the_parameters_too(tmp_path):
    done, _ = papermill(tmp_path, "profilo-inquilinato", soglia_riservatezza=1)
    assert done.returncode != 0 and "soglia_riservatezza: deve essere almeno 5" in done.stderr
    done, out = papermill(tmp_path, "profilo-inquilinato", comune="  melegnano ")
    assert done.returncode == 0 and "Comune di Melegnano" in shown_html(out)
