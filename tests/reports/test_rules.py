"""The rules every report follows, checked without a kernel: suppression, parameters, the command line."""

from __future__ import annotations

import pandas as pd
import pytest

from abitare.data import resolve_comune
from abitare.errors import ParameterError, UnknownComuneError
from abitare.reports.disclosure import count_table, share
from abitare.reports.registry import REPORTS, validate_parameters
from tests.reports.helpers import abitare


def test_a_planted_cell_of_three_shows_as_under_five_and_cannot_be_worked_out():
    table = count_table(pd.Series({"1 persona": 3, "2 persone": 40, "3 persone": 12}), label="Componenti")
    rows = {r["Componenti"]: (r["Numero"], r["Quota"]) for r in table.to_dict("records")}
    assert rows["1 persona"] == ("<5", "–")
    # with the total shown, one hidden cell would be total minus the others: the next smallest goes too
    assert rows["3 persone"] == ("riservato", "–"), "12 is not under 5: it is hidden, not said to be small"
    assert rows["2 persone"] == ("40", "72,7%") and rows["Totale"] == ("55", "100%")
    assert "3" not in table["Numero"].tolist()


def test_two_small_cells_hide_each_other_and_zero_is_not_secret():
    table = count_table(pd.Series({"a": 2, "b": 4, "c": 30, "d": 0}), label="x")
    assert table["Numero"].tolist() == ["<5", "<5", "30", "0", "36"]


def test_a_share_that_would_reveal_a_small_count_is_a_dash():
    assert share(3, 20) == "–" and share(18, 20) == "–" and share(10, 20) == "50,0%"


def test_comune_names_are_matched_loosely_and_unknown_ones_refused():
    assert resolve_comune("  san  donato milanese ") == "San Donato Milanese"
    assert resolve_comune("ambito") == "Ambito"
    with pytest.raises(UnknownComuneError, match="«Milano» non è un comune dell'Ambito"):
        resolve_comune("Milano")


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("profilo-inquilinato", {"comune": "Milano"}, "«Milano» non è un comune dell'Ambito"),
        ("profilo-inquilinato", {"soglia_riservatezza": "tre"}, "deve essere un numero intero"),
        ("profilo-inquilinato", {"soglia_riservatezza": "3"}, "deve essere almeno 5"),
        ("profilo-inquilinato", {"colore": "blu"}, "Parametro sconosciuto per «profilo-inquilinato»: colore"),
        ("monitoraggio-progetto", {"dal": "31/12/2025"}, "data non valida"),
        ("monitoraggio-progetto", {"dal": "2026-01-01", "al": "2025-01-01"}, "viene dopo"),
        ("valutazione-corso", {"dati": "/non/esiste"}, "non esiste"),
        ("sintesi-sessione", {}, "codice_sessione: campo obbligatorio mancante"),
    ],
)
def test_wrong_parameters_are_refused_in_italian(name, raw, message):
    with pytest.raises(ParameterError, match=message):
        validate_parameters(REPORTS[name], raw)


def test_parameters_are_converted_for_papermill():
    params = validate_parameters(REPORTS["monitoraggio-progetto"], {"comune": "dresano", "soglia_riservatezza": "10"})
    assert params == {
        "comune": "Dresano",
        "dal": "2024-09-01",
        "al": "2026-02-28",
        "dati": "",
        "soglia_riservatezza": 10,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["profilo-inquilinato", "--comune", "Milano"], "«Milano» non è un comune dell'Ambito"),
        (["profilo-inquilinato", "-p", "soglia_riservatezza", "molti"], "deve essere un numero intero"),
        (["morosita", "-p", "mesi", "3"], "Parametro sconosciuto per «morosita»: mesi"),
        (["valutazione-corso", "--comune", "Dresano"], "non è per comune"),
        (["profilo-inquilinato", "-p", "comune"], "vuole un nome e un valore"),
        (["profilo-inquilinato", "Melegnano"], "Argomento non previsto: «Melegnano»"),
    ],
)
def test_the_command_line_refuses_before_any_kernel_starts(tmp_path, args, message):
    out_dir = tmp_path / "rapporti"
    done = abitare("report", *args, "--out", str(out_dir))
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not out_dir.exists(), "nothing ran"


def test_bad_data_stop_the_batch_before_it_starts_with_row_and_column(tmp_path):
    bad = tmp_path / "inquilini.csv"
    bad.write_text(
        "id_nucleo;comune;id_alloggio;anno_ingresso;componenti;eta_referente;referente_pensionato;"
        "cittadinanza;isee_erp;canone_mensile;spese_mensili\n"
        "N1;Carpiano;A1;1998;3;67;sì;italiana;novemila;100;50\n",
        encoding="utf-8",
    )
    done = abitare("report", "profilo-inquilinato", "--comune", "all", "--data", str(bad), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "riga 2, colonna «isee_erp»: «novemila» non è un numero" in done.stderr
    assert not (tmp_path / "o").exists()
    wrong_table = abitare("report", "morosita", "--data", str(bad), "--out", str(tmp_path / "o"))
    assert wrong_table.returncode == 2 and "servono: inquilini, morosita_mensile" in wrong_table.stderr


def test_report_list_names_every_report_and_its_parameters():
    done = abitare("report", "list")
    assert done.returncode == 0
    for name in ("profilo-inquilinato", "morosita", "sintesi-sessione", "valutazione-corso", "monitoraggio-progetto"):
        assert name in done.stdout
    assert "soglia_riservatezza" in done.stdout and "predefinito: 2024-09-01" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "nessuno"], "Errore: comando sconosciuto: «nessuno». Per l'aiuto: abitare report --help"),
        (["data", "generate", "--households", "10", "--out", "x"], "valore non valido per --households: deve essere"),
        (["data", "validate"], "manca l'argomento"),
        (["check", "troppo"], "argomento non previsto: troppo"),
    ],
)
def test_usage_errors_are_italian_with_status_2(args, message):
    done = abitare(*args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "No such" not in done.stderr


@pytest.mark.parametrize("build", ["profilo", "morosita"])
def test_the_ambito_report_cannot_be_subtracted_from_the_comune_reports(build):
    """Where exactly one comune hides a cell, the Ambito hides it too (on the shipped data)."""
    from abitare.data import comune_names
    from abitare.reports.disclosure import is_hidden
    from abitare.reports.morosita import morosita
    from abitare.reports.profilo import profilo_inquilinato

    make = profilo_inquilinato if build == "profilo" else morosita

    def cells(comune: str) -> dict[tuple[str, str], str]:
        out = {}
        for block in make(comune=comune).blocks:
            if block.frame is not None and "Numero" in block.frame.columns:
                for row in block.frame.itertuples(index=False):
                    out[(block.text, str(row[0]))] = str(row[1])
        return out

    ambito = cells("Ambito")
    parts = [cells(c) for c in comune_names()]
    checked = 0
    for key, shown in ambito.items():
        hidden_parts = sum(is_hidden(p.get(key, "0")) for p in parts)
        if hidden_parts == 1:
            checked += 1
            assert is_hidden(shown), f"{key}: the Ambito shows {shown} while one comune hides its cell"
    assert checked, "the shipped data exercise the rule"


@pytest.mark.parametrize(
    ("line", "drift"),
    [
        (0, 'comune: str = "Melegnano"  # '),  # a default
        (2, "soglia_riservatezza: str = 5  # "),  # a type
        (1, 'dati: str = ""  # Un altro aiuto.'),  # a help text
    ],
)
def test_a_drifted_parameters_cell_is_caught(tmp_path, line, drift):
    """The notebook check compares the whole cell with the model: a changed default, type or help fails it."""
    import json

    from abitare.reports.notebook import parameters_source, sync_notebook

    spec = REPORTS["morosita"]
    copy = tmp_path / "morosita.ipynb"
    copy.write_text(spec.notebook.read_text(encoding="utf-8"), encoding="utf-8")
    assert not sync_notebook(spec, write=False, path=copy)
    lines = parameters_source(spec).split("\n")
    lines[line] = drift + (lines[line].split("  # ", 1)[1] if drift.endswith("# ") else "")
    nb = json.loads(copy.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "\n".join(lines)
    copy.write_text(json.dumps(nb), encoding="utf-8")
    assert sync_notebook(spec, write=False, path=copy)
    assert sync_notebook(spec, path=copy) and not sync_notebook(spec, write=False, path=copy), "sync repairs it"
