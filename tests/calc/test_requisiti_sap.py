"""The SAP access requirements calculator on hand-computed cases."""

import pytest

from abitare.calc import run_calculator
from abitare.errors import CalcInputError
from abitare.parameters import load_parameters


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
