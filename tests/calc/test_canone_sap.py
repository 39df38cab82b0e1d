"""The SAP rent calculator on hand-computed cases, with the parameter file as the only source of numbers."""

from abitare.calc import run_calculator
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
