"""The parameter file: valid, formatted the Italian way, every value sourced and dated."""

import pytest

from abitare.parameters import load_parameters


def test_every_parameter_has_a_source_and_a_date():
    params = load_parameters()
    assert len(params.parameters) >= 40
    for key, p in params.parameters.items():
        assert p.source.strip() and p.valid_from.year >= 1978, key


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("sap.isee_accesso", "16.000 €"),
        ("aler.morosita_2023", "20,5%"),
        ("sap.altezza_locali_bassi", "1,70 m"),
        ("inquilino.detrazione_reddito_basso", "495,80 €"),
        ("sap.costo_convenzionale_dopo_1976", "1.250 €/m²"),
        ("sap.coefficiente_46_70_m2", "1,10 (valore indicativo)"),
        ("solidarieta.anzianita_mesi", "24 mesi"),
    ],
)
def test_values_are_shown_the_italian_way(key, shown):
    assert load_parameters()[key].formatted() == shown


def test_indicative_values_are_marked_and_sources_shown_in_html():
    params = load_parameters()
    html = params.fill_html("<p>Soglia {{ sap.isee_erp_accesso_max }} e {{ sap.isee_accesso }}</p>")
    assert "abitare-indicative" in html and "(valore indicativo)" in html
    assert 'title="Fonte: R.R. Lombardia 4 agosto 2017' in html and "16.000 €" in html


def test_unknown_references_are_listed():
    assert load_parameters().unknown_references("{{ sap.isee_accesso }} {{ non.esiste }}") == ["non.esiste"]


def test_changing_the_file_changes_the_text(tmp_path):
    from abitare.paths import PACKAGE_DIR

    copy = tmp_path / "parameters.yaml"
    copy.write_text(
        (PACKAGE_DIR / "parameters.yaml").read_text().replace("value: 16000\n", "value: 17000\n", 1),
        encoding="utf-8",
    )
    assert load_parameters(copy).fill_text("{{ sap.isee_accesso }}") == "17.000 €"
