"""Calculators on hand-computed cases, with the parameter file as the only source of numbers."""

import ast
import json
import subprocess
import sys

import pytest

from abitare.calc import CALCULATORS, CalcInputError, run_calculator
from abitare.parameters import load_parameters
from abitare.paths import PACKAGE_DIR


def test_canone_sap_by_hand():
    r = run_calculator(
        "canone-sap",
        {"superficie_alloggio": 80, "balconi": 8, "cantine": 4, "anno_costruzione": 1970, "isee_erp": 8000},
    ).figures
    # 80 × 1,00 + 25% × 12 = 83 m²; × 1.000 €/m² = 83.000 €; × 5% = 4.150 €; protezione 25% = 1.037,50 €
    assert r["superficie_convenzionale"] == 83 and r["valore_convenzionale"] == 83_000
    assert r["valore_locativo"] == 4150 and r["fascia"] == "protezione" and r["canone_annuo"] == 1037.5


def test_canone_sap_small_recent_flat_in_permanenza():
    r = run_calculator(
        "canone-sap",
        {"superficie_alloggio": 50, "locali_bassi": 10, "anno_costruzione": 1990, "isee_erp": 20000},
    ).figures
    # 50 × 1,10 = 55; − 30% × 10 = 52 m²; × 1.250 = 65.000; × 5% = 3.250; permanenza 90% = 2.925
    assert r["superficie_convenzionale"] == 52 and r["valore_locativo"] == 3250
    assert r["fascia"] == "permanenza" and r["canone_annuo"] == 2925


def test_a_renovation_year_counts_as_construction_year():
    old = run_calculator("canone-sap", {"superficie_alloggio": 80, "anno_costruzione": 1960}).figures
    renewed = run_calculator(
        "canone-sap", {"superficie_alloggio": 80, "anno_costruzione": 1960, "anno_ristrutturazione": 2005}
    ).figures
    assert renewed["valore_convenzionale"] == old["valore_convenzionale"] * 1.25


def test_changing_the_parameter_file_changes_the_result(tmp_path):
    text = (PACKAGE_DIR / "parameters.yaml").read_text()
    changed = tmp_path / "parameters.yaml"
    changed.write_text(
        text.replace(
            "  sap.valore_locativo_percentuale:\n    value: 5\n",
            "  sap.valore_locativo_percentuale:\n    value: 6\n",
        ),
        encoding="utf-8",
    )
    r = run_calculator("canone-sap", {"superficie_alloggio": 80}, load_parameters(changed)).figures
    assert r["valore_locativo"] == 6000  # 80 m² × 1.250 €/m² (no year: recent) × 6%


def test_requisiti_single_and_family():
    ok = run_calculator("requisiti-sap", {"isee": 15000, "patrimonio": 20000, "componenti": 1}).figures
    assert ok["ammissibile"] and ok["motivi"] == []
    no = run_calculator("requisiti-sap", {"isee": 17000, "patrimonio": 27000, "componenti": 3}).figures
    # 16.000 + 5.000 × 2,04 (base PSE for 3) = 26.200 < 27.000; ISEE 17.000 > 16.000
    assert not no["ammissibile"] and no["soglia_patrimonio"] == 26200 and len(no["motivi"]) == 2


def _assets_limit(raw):
    return run_calculator("requisiti-sap", {"isee": 10000, "patrimonio": 0, **raw}).figures["soglia_patrimonio"]


def test_requisiti_assets_limit_by_hand():
    assert _assets_limit({"componenti": 1}) == 22000  # persona sola: fixed
    assert _assets_limit({"componenti": 2}) == 23850  # 16.000 + 5.000 × 1,57 (base PSE), not 26.000
    assert _assets_limit({"componenti": 2, "pse": 1.8}) == 25000  # 16.000 + 5.000 × 1,80
    assert _assets_limit({"componenti": 4}) == 28300  # 16.000 + 5.000 × 2,46
    assert _assets_limit({"componenti": 7}) == 33750  # PSE 2,85 + 0,35 × 2 = 3,55 → 16.000 + 17.750
    assert _assets_limit({"componenti": 1, "pse": 1.2}) == 22000  # a single's limit ignores the PSE


def test_requisiti_shows_the_pse_in_the_steps():
    default = run_calculator("requisiti-sap", {"isee": 10000, "patrimonio": 23000, "componenti": 2})
    assert default.figures["pse"] == 1.57 and not default.figures["pse_indicato"]
    step = next(s for s in default.steps if s.label.startswith("Parametro della scala di equivalenza"))
    assert "1,57" in step.value and step.parameters == ("isee.pse_componenti_2",)
    assets = next(s for s in default.steps if s.label == "Patrimonio")
    assert "16.000,00 € + 5.000,00 € × PSE 1,57 = 23.850,00 €" in assets.value
    given = run_calculator("requisiti-sap", {"isee": 10000, "patrimonio": 24000, "componenti": 2, "pse": 1.8})
    assert given.figures["pse"] == 1.8 and given.figures["pse_indicato"] and given.figures["ammissibile"]
    step = next(s for s in given.steps if s.label.startswith("Parametro della scala di equivalenza"))
    assert "1,80" in step.value and "indicato" in step.value


def test_requisiti_lists_what_it_cannot_check():
    result = run_calculator("requisiti-sap", {"isee": 10000, "patrimonio": 1000, "componenti": 3})
    text = " ".join(result.checklist).lower()
    for words in ("lombardia", "cittadinanza", "permesso di soggiorno", "alloggio adeguato", "ultimi 5 anni"):
        assert words in text
    assert result.as_dict(load_parameters())["da_verificare"] == result.checklist


@pytest.mark.parametrize(
    ("pse", "words"),
    [
        (0.5, "Parametro della scala di equivalenza (PSE) dell'ISEE: deve essere almeno 1"),
        ("alto", "Parametro della scala di equivalenza (PSE) dell'ISEE: deve essere un numero"),
        (1.2, "Parametro della scala di equivalenza (PSE) dell'ISEE: 1,20 è inferiore a 1,57"),
    ],
)
def test_requisiti_refuses_an_invalid_pse(pse, words):
    with pytest.raises(CalcInputError) as info:
        run_calculator("requisiti-sap", {"isee": 10000, "patrimonio": 1000, "componenti": 2, "pse": pse})
    assert words in str(info.value)


def test_proprietario_cedolare_by_hand():
    r = run_calculator(
        "proprietario",
        {
            "canone_concordato_mensile": 600,
            "canone_libero_mensile": 800,
            "superficie": 60,
            "imu_ordinaria": 900,
            "mesi_sfitto_libero": 1,
        },
    ).figures
    # concordato 7.200 − 10% − IMU 75% (675) = 5.805; libero 8.800 − 21% − 900 = 6.052
    assert r["netto_annuo"] == {"concordato": 5805, "libero": 6052}


def test_proprietario_irpef_by_hand():
    r = run_calculator(
        "proprietario",
        {
            "canone_concordato_mensile": 500,
            "canone_libero_mensile": 700,
            "superficie": 50,
            "regime": "irpef",
            "aliquota_irpef": 35,
            "reddito_inquilino": 14000,
        },
    ).figures
    # concordato: 6.000 − 35% × 70% × 6.000 (1.470) − 2% × 70% × 6.000 (84) = 4.446
    # libero: 8.400 − 35% × 8.400 (2.940) − 2% × 8.400 (168) = 5.292
    assert r["netto_annuo"] == {"concordato": 4446, "libero": 5292}
    assert r["detrazione_inquilino"] == 495.8


def test_sostenibilita_thresholds():
    r = run_calculator("sostenibilita", {"reddito_mensile": 1500, "affitto_mensile": 500, "spese_mensili": 100})
    assert r.figures["incidenza_percento"] == 40 and r.figures["esito"] == "attenzione"
    over = run_calculator("sostenibilita", {"reddito_mensile": 1000, "affitto_mensile": 450})
    assert over.figures["esito"] == "sovraccarico"


def test_piano_di_rientro_uses_the_funds_then_schedules():
    # a private-market tenant served with an eviction notice: the fund first, then instalments
    r = run_calculator(
        "piano-rientro",
        {
            "arretrato": 12000,
            "capacita_mensile": 250,
            "isee": 9000,
            "sfratto_intimato": True,
            "anni_residui_contratto": 3,
        },
    )
    # 12.000 − 8.000 (fondo, massimo per sanare) = 4.000 → 16 rate da 250
    assert r.figures["fondo_morosita"] == 8000 and r.figures["da_rateizzare"] == 4000 and r.figures["rate"] == 16
    assert r.table[-1] == {"mese": 16, "rata": 250, "residuo": 0}
    assert any("contratto di locazione registrato" in item for item in r.checklist)


def test_the_fondo_morosita_incolpevole_is_not_for_sap_tenants_nor_before_an_eviction_notice():
    # DOMAIN.md: for a private-market tenant already served with an eviction notice
    sap = run_calculator(
        "piano-rientro",
        {
            "arretrato": 12000,
            "capacita_mensile": 250,
            "isee": 9000,
            "inquilino_sap": True,
            "mesi_in_sap": 30,
            "contributo_solidarieta": 1000,
            "anni_residui_contratto": 3,
            "sfratto_intimato": True,
        },
    )
    # 12.000 − 1.000 (solidarietà) = 11.000 → 44 rate da 250; no fund for a SAP tenant
    assert sap.figures["fondo_morosita"] == 0 and sap.figures["rate"] == 44
    assert "mercato privato" in sap.steps[1].value
    private = run_calculator(
        "piano-rientro", {"arretrato": 3000, "capacita_mensile": 250, "isee": 9000, "anni_residui_contratto": 3}
    )
    assert private.figures["fondo_morosita"] == 0 and "intimazione di sfratto" in private.steps[1].value


def test_the_solidarity_contribution_stops_at_its_yearly_cap():
    r = run_calculator(
        "piano-rientro",
        {
            "arretrato": 6000,
            "capacita_mensile": 100,
            "isee": 8000,
            "inquilino_sap": True,
            "mesi_in_sap": 36,
            "contributo_solidarieta": 5000,
        },
    )
    # DOMAIN.md: at most 2.700 € a year per household → 6.000 − 2.700 = 3.300 → 33 rate
    assert r.figures["contributo_solidarieta"] == 2700 and r.figures["rate"] == 33
    assert any("massimo annuo" in note for note in r.notes)


def test_invalid_inputs_name_the_field_in_italian():
    with pytest.raises(CalcInputError) as info:
        run_calculator("canone-sap", {"superficie_alloggio": -3})
    assert "Superficie dell'alloggio (m²): deve essere maggiore di 0" in str(info.value)
    with pytest.raises(CalcInputError, match="ISEE del nucleo"):
        run_calculator("requisiti-sap", {"isee": "tanto", "patrimonio": 1, "componenti": 1})
    with pytest.raises(CalcInputError, match="nel futuro"):
        run_calculator("canone-sap", {"superficie_alloggio": 70, "anno_costruzione": 2999})


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


ALLOWED_LITERALS = {0, 1, 2, 12, 100, 1000}  # counting, months in a year, percent, per mille


def _domain_literals(tree: ast.AST) -> list[ast.Constant]:
    """Numeric literals, except in the declaration of input fields: Field(default=10, gt=0, le=1000)
    gives a form's starting value and bounds, not a rule."""
    bounds = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Field"
        for kw in node.keywords
        if kw.arg in ("default", "gt", "ge", "lt", "le")
        for inner in ast.walk(kw.value)  # -10 is a minus applied to 10
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float) and id(node) not in bounds
    ]


def test_no_domain_number_is_written_in_calculator_or_simulation_code():
    values = {p.value for p in load_parameters().parameters.values()}
    files = sorted((PACKAGE_DIR / "calc").glob("*.py")) + sorted(PACKAGE_DIR.glob("simulation*.py"))
    found = [
        f"{path.name}:{node.lineno}: {node.value}"
        for path in files
        for node in _domain_literals(ast.parse(path.read_text()))
        if node.value in values and node.value not in ALLOWED_LITERALS
    ]
    assert found == [], "domain numbers belong in abitare/parameters.yaml"


def test_every_calculator_is_registered():
    assert set(CALCULATORS) == {
        "canone-sap",
        "requisiti-sap",
        "proprietario",
        "sostenibilita",
        "piano-rientro",
    }
