"""The calculators on the command line: status 2 and Italian messages for bad input, the JSON keys."""

import json
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--superficie-alloggio", "-5"], "Superficie dell'alloggio (m²): deve essere maggiore di 0"),
        (["--superficie-alloggio", "ottanta"], "deve essere un numero"),
        (["--superficie-alloggio", "70", "--anno-costruzione", "2999"], "è nel futuro"),
        (["--superficie-alloggio", "70", "--piani", "3"], "opzione sconosciuta «--piani»"),
        (["--superficie-alloggio", "inf"], "deve essere un numero finito"),
    ],
)
def test_command_line_refuses_bad_input_with_status_2(args, words):
    out = subprocess.run(
        [sys.executable, "-m", "abitare.cli", "calc", "canone-sap", *args], capture_output=True, text=True
    )
    assert out.returncode == 2 and words in out.stderr


def test_command_line_json_has_the_promised_keys():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "abitare.cli",
            "calc",
            "canone-sap",
            "--superficie-alloggio",
            "80",
            "--balconi",
            "8",
            "--cantine",
            "4",
            "--anno-costruzione",
            "1970",
            "--isee-erp",
            "8000",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert {
        "superficie_convenzionale",
        "valore_convenzionale",
        "valore_locativo",
        "fascia",
        "canone_annuo",
    } <= set(data)
    assert data["canone_annuo"] == 1037.5
    prop = subprocess.run(
        [
            sys.executable,
            "-m",
            "abitare.cli",
            "calc",
            "proprietario",
            "--canone-concordato-mensile",
            "600",
            "--canone-libero-mensile",
            "800",
            "--superficie",
            "60",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert set(json.loads(prop.stdout)["netto_annuo"]) == {"concordato", "libero"}


def _calc(*args):
    return subprocess.run(
        [sys.executable, "-m", "abitare.cli", "calc", "requisiti-sap", *args], capture_output=True, text=True
    )


def test_command_line_requisiti_sap():
    data = json.loads(
        _calc("--isee", "12000", "--patrimonio", "24000", "--componenti", "2", "--pse", "1.8", "--json").stdout
    )
    assert data["soglia_patrimonio"] == 25000 and data["pse"] == 1.8 and data["ammissibile"]
    assert len(data["da_verificare"]) == 4
    text = _calc("--isee", "12000", "--patrimonio", "24000", "--componenti", "2")
    assert text.returncode == 0
    assert "23.850,00 €" in text.stdout and "PSE 1,57" in text.stdout and "Da verificare con il nucleo" in text.stdout
    bad = _calc("--isee", "12000", "--patrimonio", "24000", "--componenti", "2", "--pse", "0")
    assert bad.returncode == 2 and "Parametro della scala di equivalenza (PSE) dell'ISEE" in bad.stderr
