"""Hostile report input, through the command line: refused in Italian, in little memory, before any kernel starts.

Each run is measured: its peak resident memory (``/usr/bin/time -v``, or ``getrusage`` of a child)
and its output folder, which must stay empty (no report was run, no kernel started).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from abitare.reports.registry import MAX_DATA_BYTES, MAX_DATA_ROWS, MAX_XLSX_UNPACKED_BYTES
from tests.reports.helpers import ABITARE

pytestmark = pytest.mark.hostile

#: A refusal must not cost more than the interpreter, the command line and pandas (≈ 150 MB) plus a little.
MAX_REFUSAL_RSS_MB = 300

SHIPPED_HEADER = (
    "id_nucleo;comune;nominativo;codice_fiscale;indirizzo;id_alloggio;anno_ingresso;componenti;eta_referente;"
    "referente_pensionato;cittadinanza;isee_erp;canone_mensile;spese_mensili\n"
)
ROW = "N00001;Carpiano;Lombardo Teresa;SNTF83X71Z999T;Via Mazzini 13;A00001;1989;2;85;sì;italiana;7036,30;63,48;73,72\n"


def measured(*args: str) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run ``abitare args…`` in a child of a fresh interpreter: (result, peak RSS in MB, seconds)."""
    code = (
        "import resource, subprocess, sys, json\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=300)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'rc': r.returncode, 'out': r.stdout, 'err': r.stderr, 'peak_kb': peak}))\n"
    )
    import json

    started = time.perf_counter()
    wrapper = subprocess.run(
        [sys.executable, "-c", code, *ABITARE, *args], capture_output=True, text=True, timeout=600, check=True
    )
    seconds = time.perf_counter() - started
    data = json.loads(wrapper.stdout)
    result = subprocess.CompletedProcess(args, data["rc"], data["out"], data["err"])
    return result, data["peak_kb"] / 1024, seconds


def refused(tmp_path: Path, *args: str) -> tuple[str, float]:
    """Run a report that must be refused: exit code 2, an Italian message, no output; (message, peak MB)."""
    out = tmp_path / "out"
    result, peak, _ = measured("report", *args, "--out", str(out))
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists() or not any(out.iterdir()), "a report ran"
    assert peak < MAX_REFUSAL_RSS_MB, peak
    return result.stderr, peak


def test_help_lists_the_data_option() -> None:
    result, _, _ = measured("report", "morosita", "--help")
    assert result.returncode == 0 and "--data" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-p", "comune", "../../../etc/passwd"], "comune"),
        (["-p", "comune", "Carpiano; rm -rf /"], "comune"),
        (["-p", "comune", "$(id)`id`|id&&id"], "comune"),
        (["-p", "soglia_riservatezza", "__import__('os').system('id')"], "numero"),
        (["-p", "soglia_riservatezza", "1"], "5"),
        (["-p", "__class__", "x"], "sconosciuto"),
        (["-p", "dati", "/etc/passwd"], "Dati non adatti"),
        (["-p", "dati", "../../../../../../nonexistent/../etc/shadow"], "non esiste"),
        (["-p", "dati", "/dev/zero"], "né un file né una cartella"),
        (["--data", "/proc"], "Dati non adatti"),
    ],
)
def test_hostile_parameters_are_refused_before_any_kernel(tmp_path: Path, args: list[str], expected: str) -> None:
    message, _ = refused(tmp_path, "morosita", *args)
    assert expected in message, message


def test_a_folder_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "dati"
    (folder / "sub").mkdir(parents=True)
    (folder / "inquilini.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (folder / "note.txt").write_text("ciao", encoding="utf-8")
    message, _ = refused(tmp_path, "morosita", "--data", str(folder))
    assert "Dati non adatti" in message or "colonna mancante" in message, message


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    binary = tmp_path / "inquilini.csv"
    binary.write_bytes(os.urandom(200_000) + b"\x00\xff\xfe")
    message, _ = refused(tmp_path, "profilo-inquilinato", "--data", str(binary))
    assert "inquilini.csv" in message, message


def test_a_1_gb_file_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "inquilini.csv"
    with big.open("wb") as stream:  # sparse: 1 GB on paper, a few KB on disk
        stream.write(SHIPPED_HEADER.encode())
        stream.truncate(1024**3)
    message, peak = refused(tmp_path, "profilo-inquilinato", "--data", str(big))
    assert f"il limite è {MAX_DATA_BYTES // 1024 // 1024} MB" in message, message
    print(f"1 GB file refused, peak RSS {peak:.0f} MB")


def _rows_file(path: Path, rows: int, row: str, header: str) -> float:
    """Write ``rows`` copies of ``row`` after ``header``, streamed in blocks; the seconds it took."""
    started = time.perf_counter()
    block = (row * 100_000).encode()
    with path.open("wb") as stream:
        stream.write(header.encode())
        for _ in range(rows // 100_000):
            stream.write(block)
    return time.perf_counter() - started


def test_a_10_million_row_csv_is_refused(tmp_path: Path) -> None:
    # short rows, so the file stays under the size limit and the row count is what refuses it
    huge = tmp_path / "inquilini.csv"
    seconds = _rows_file(huge, 10_000_000, "N1;X\n", SHIPPED_HEADER)
    assert huge.stat().st_size < MAX_DATA_BYTES
    message, peak = refused(tmp_path, "profilo-inquilinato", "--data", str(huge))
    assert f"più di {MAX_DATA_ROWS:,} righe".replace(",", ".") in message, message
    print(
        f"10,000,000-row CSV ({huge.stat().st_size / 1e6:.0f} MB, written in {seconds:.1f} s)"
        f" refused, peak {peak:.0f} MB"
    )


def test_a_10_million_row_export_in_the_shipped_format_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "inquilini.csv"
    _rows_file(huge, 10_000_000, ROW, SHIPPED_HEADER)
    message, peak = refused(tmp_path, "profilo-inquilinato", "--data", str(huge))
    assert "MB" in message and re.search(r"pesa [\d.]+ MB", message), message
    print(f"10,000,000-row export ({huge.stat().st_size / 1e6:.0f} MB) refused, peak {peak:.0f} MB")


def test_a_large_file_in_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "dati"
    folder.mkdir()
    with (folder / "morosita_mensile.csv").open("wb") as stream:
        stream.truncate(MAX_DATA_BYTES + 1)
    message, _ = refused(tmp_path, "morosita", "--data", str(folder))
    assert "morosita_mensile.csv" in message, message


def test_an_xlsx_that_unpacks_to_gigabytes_is_refused(tmp_path: Path) -> None:
    import zipfile

    bomb = tmp_path / "inquilini.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as book, book.open("xl/worksheets/sheet1.xml", "w") as sheet:
        zeros = b"0" * (1024 * 1024)
        for _ in range(MAX_XLSX_UNPACKED_BYTES // len(zeros) + 1):
            sheet.write(zeros)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    message, peak = refused(tmp_path, "profilo-inquilinato", "--data", str(bomb))
    assert "una volta aperto occupa" in message, message
    print(f"XLSX of {bomb.stat().st_size / 1e6:.1f} MB unpacking to over 200 MB refused, peak {peak:.0f} MB")


def test_getrusage_is_what_we_think() -> None:
    # the measure above: a child that allocates 200 MB reports at least that much
    code = "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 >= 200
