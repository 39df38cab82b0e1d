"""The shipped synthetic data, the generator, and loading staff's own exports."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from abitare.data import SHIPPED_DIR, comune_names, load_dictionary, load_table, read_table
from abitare.data.generate import generate
from abitare.errors import DataError

ABITARE = [sys.executable, "-m", "abitare.cli"]
HEADER = (
    "id_nucleo;comune;id_alloggio;anno_ingresso;componenti;eta_referente;referente_pensionato;"
    "cittadinanza;isee_erp;canone_mensile;spese_mensili"
)


def test_the_generator_is_reproducible_and_the_shipped_set_is_its_output(tmp_path):
    generate(1800, 2026, tmp_path / "a")
    for spec in load_dictionary().tabelle.values():
        assert (tmp_path / "a" / spec.file).read_bytes() == (SHIPPED_DIR / spec.file).read_bytes(), spec.file
    generate(1800, 2027, tmp_path / "b")
    assert (tmp_path / "b" / "inquilini.csv").read_bytes() != (SHIPPED_DIR / "inquilini.csv").read_bytes()


def test_every_shipped_table_loads_and_personal_columns_stay_out_by_default():
    for name, spec in load_dictionary().tabelle.items():
        frame = load_table(name)
        assert len(frame) > 0, name
        assert not set(spec.personal) & set(frame.columns), name
    with_names = load_table("inquilini", personal=True)
    assert {"nominativo", "codice_fiscale", "indirizzo"} <= set(with_names.columns)
    assert with_names["codice_fiscale"].str.startswith("SNT").all(), "fiscal codes are visibly synthetic"


def test_the_shipped_profile_follows_the_reported_figures():
    households = load_table("inquilini")
    assert set(households["comune"]) == set(comune_names())
    assert abs(households["referente_pensionato"].mean() - 0.46) < 0.04
    assert abs((households["componenti"] == 1).mean() - 0.40) < 0.06
    assert abs((households["cittadinanza"] == "italiana").mean() - 0.80) < 0.04
    assert 7000 < households["isee_erp"].median() < 12000
    # bigger municipalities have more SAP households
    per = households["comune"].value_counts()
    assert per["San Giuliano Milanese"] > per["Melegnano"] > per["Colturano"]
    members = load_table("componenti")
    assert (
        members.groupby("id_nucleo").size().sort_index().tolist()
        == households.set_index("id_nucleo")["componenti"].sort_index().tolist()
    )


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_an_italian_excel_export_loads_cp1252_decimal_comma_thousands_dots(tmp_path):
    rows = [
        HEADER + ";nominativo",
        "N1;San Donato Milanese;A1;1998;3;67;sì;italiana;12.345,67;210,50;80;Città Niccolò",
        "N2;melegnano;A2;2010;1;45;NO;extra UE;0;35;40,25;Fabrizio Pèrez",
    ]
    path = _write(tmp_path / "inquilini_2025.csv", "\r\n".join(rows) + "\r\n", "cp1252")
    frame = read_table(path)
    assert frame.attrs["tabella"] == "inquilini"
    assert frame["isee_erp"].tolist() == [12345.67, 0.0]
    assert frame["canone_mensile"].tolist() == [210.5, 35.0]
    assert frame["referente_pensionato"].tolist() == [True, False]
    assert frame["comune"].tolist() == ["San Donato Milanese", "Melegnano"]  # spelling made canonical
    assert "nominativo" in read_table(path, "inquilini").columns  # read_table keeps them; load_table drops them


def test_utf8_with_bom_comma_separated_and_xlsx_load_the_same(tmp_path):
    csv_path = _write(
        tmp_path / "accoglienza.csv",
        "\ufeffid_inserimento,comune,tipo,componenti,data_ingresso,data_uscita,esito\n"
        "T1,Dresano,housing first,2,2025-01-15,,in corso\n"
        "T2,Carpiano,housing sociale,4,15/02/2025,30/06/2025,alloggio SAP\n",
    )
    from_csv = read_table(csv_path)
    book = Workbook()
    sheet = book.active
    with csv_path.open(encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    sheet["D2"] = 2  # a real number cell
    book.save(tmp_path / "accoglienza.xlsx")
    from_xlsx = read_table(tmp_path / "accoglienza.xlsx")
    pd.testing.assert_frame_equal(from_csv.reset_index(drop=True), from_xlsx.reset_index(drop=True), check_like=True)
    assert from_csv["data_uscita"].isna().tolist() == [True, False]
    assert str(from_csv["data_ingresso"].iloc[1].date()) == "2025-02-15"


def test_a_malformed_file_names_row_column_and_reason_and_loads_nothing(tmp_path):
    rows = [
        HEADER,
        "N1;Carpiano;A1;1998;3;67;sì;italiana;9000;100;50",
        "N2;Carpiano;A2;1998;tre;67;sì;italiana;9000;100;50",
        "N3;Milano;A3;1998;2;67;forse;italiana;-5;100;50",
        "N1;Carpiano;A4;1998;2;67;no;italiana;9000;100;50",
        "N5;Carpiano;A5;1998;2;;no;italiana;1.5;100;50",
    ]
    path = _write(tmp_path / "inquilini.csv", "\n".join(rows) + "\n")
    with pytest.raises(DataError) as caught:
        read_table(path)
    shown = {(p.row, p.column): p.message for p in caught.value.problems}
    assert "non è un numero" in shown[(3, "componenti")]
    assert "non è tra i valori ammessi" in shown[(4, "comune")]
    assert "«sì» o «no»" in shown[(4, "referente_pensionato")]
    assert "deve essere tra 0 e 500.000" in shown[(4, "isee_erp")]
    assert "ripetuto" in shown[(2, "id_nucleo")] and "ripetuto" in shown[(5, "id_nucleo")]
    assert "mancante" in shown[(6, "eta_referente")]
    assert "non è un numero" in shown[(6, "isee_erp")], "1.5 is not a number in a file with decimal commas"
    text = str(caught.value)
    assert "inquilini.csv, riga 3, colonna «componenti»: «tre» non è un numero." in text

    out = subprocess.run([*ABITARE, "data", "validate", str(path)], capture_output=True, text=True)
    assert out.returncode == 2
    assert "non è stato caricato nulla" in out.stderr and "riga 4, colonna «comune»" in out.stderr
    assert "Traceback" not in out.stderr


def test_structural_problems_are_named(tmp_path):
    missing = _write(tmp_path / "inquilini.csv", "id_nucleo;comune\nN1;Carpiano\n")
    with pytest.raises(DataError, match="riga 1, colonna «componenti»: colonna mancante"):
        read_table(missing)
    ragged = _write(tmp_path / "sessioni_cdp.csv", "id_sessione;data;comune\nS1;2025-01-01;Carpiano\nS2;x;y;z;w\n")
    with pytest.raises(DataError, match=r"riga 3: la riga ha 5 campi invece di 3"):
        read_table(ragged)
    unknown = _write(tmp_path / "elenco.csv", "a;b\n1;2\n")
    with pytest.raises(DataError, match="non riconosco la tabella"):
        read_table(unknown)
    with pytest.raises(DataError, match="non è un foglio Excel"):
        read_table(_write(tmp_path / "inquilini.xlsx", "not a zip"))


def test_the_command_line_generates_with_progress_and_validates(tmp_path):
    out = subprocess.run(
        [*ABITARE, "data", "generate", "--households", "120", "--seed", "3", "--out", str(tmp_path / "g")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "inquilini" in out.stdout and "120 righe" in out.stdout
    ok = subprocess.run(
        [*ABITARE, "data", "validate", str(tmp_path / "g" / "alloggi.csv")], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "valido, tabella «alloggi»" in ok.stdout
    (tmp_path / "g" / "sessioni_cdp.csv").write_text("id_sessione;data\nS1;ieri\n", encoding="utf-8")
    folder = subprocess.run([*ABITARE, "data", "validate", str(tmp_path / "g")], capture_output=True, text=True)
    assert folder.returncode == 2
    assert "valido, tabella «inquilini», 120 righe" in folder.stdout
    assert "sessioni_cdp.csv, riga 1, colonna «comune»: colonna mancante" in folder.stderr


def test_rows_keep_their_spreadsheet_number_and_empty_yes_no_cells_are_missing(tmp_path):
    rows = [
        HEADER,
        "N1;Carpiano;A1;1998;3;67;sì;italiana;9000;100;50",
        "",
        ";;;;;;;;;;",
        "N2;Carpiano;A2;1998;3;67;;italiana;9000;100;50",
        "N3;Carpiano;A3;1998;3;67;no;italiana;nove;100;50",
    ]
    path = _write(tmp_path / "inquilini.csv", "\n".join(rows) + "\n")
    with pytest.raises(DataError) as caught:
        read_table(path)
    shown = {(p.row, p.column): p.message for p in caught.value.problems}
    assert shown == {(5, "referente_pensionato"): "valore mancante.", (6, "isee_erp"): "«nove» non è un numero."}


def test_repeated_columns_and_repeated_months_are_refused(tmp_path):
    doubled = _write(tmp_path / "sessioni_cdp.csv", "id_sessione;data;Data\nS1;2025-01-01;2025-01-02\n")
    with pytest.raises(DataError, match="riga 1, colonna «data»: due colonne hanno lo stesso nome"):
        read_table(doubled)
    ledger = _write(
        tmp_path / "morosita_mensile.csv",
        "id_nucleo;mese;dovuto;pagato\nN1;2025-01;100;100\nN1;01/2025;100;0\nN1;2025-02;100;100\n",
    )
    with pytest.raises(DataError, match=r"riga 3: combinazione di «id_nucleo» e «mese» ripetuta"):
        read_table(ledger)


def test_xlsx_cells_as_excel_stores_them(tmp_path):
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["id_nucleo", "mese", "dovuto", "pagato"])
    sheet.append(["N1", datetime(2025, 1, 1), 100.5, "1.234,56"])  # Excel turned «01/2025» into a date
    sheet.append(["N1", "2025-02", 0.00001, 12])
    book.save(tmp_path / "morosita_mensile.xlsx")
    frame = read_table(tmp_path / "morosita_mensile.xlsx")
    assert frame["mese"].tolist() == ["2025-01", "2025-02"]
    assert frame["dovuto"].tolist() == [100.5, 0.00001]
    assert frame["pagato"].tolist() == [1234.56, 12.0]


def test_a_bad_value_repeated_in_a_long_column_is_reported_on_each_of_its_rows(tmp_path):
    rows = ["id_nucleo;mese;dovuto;pagato"]
    for i in range(40):
        paid = "cento" if i in (3, 17) else "100"
        rows.append(f"N{i};2025-0{1 + i % 9};100;{paid}")
    with pytest.raises(DataError) as caught:
        read_table(_write(tmp_path / "morosita_mensile.csv", "\n".join(rows) + "\n"))
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (5, "pagato", "«cento» non è un numero."),
        (19, "pagato", "«cento» non è un numero."),
    ]


def test_the_readable_dictionary_is_up_to_date():
    from abitare.data.dictionary import dictionary_markdown

    shipped = (SHIPPED_DIR.parent / "DIZIONARIO.md").read_text(encoding="utf-8")
    assert shipped == dictionary_markdown(), "run: abitare data dictionary --out datasets/DIZIONARIO.md"
    assert "| isee_erp | ISEE-ERP del nucleo | numero | euro | da 0 a 500.000 | sì |  |" in shipped
