"""What every calculator shares: Italian input errors, no domain number in code, the registry."""

import ast

import pytest

from abitare.calc import CALCULATORS, run_calculator
from abitare.errors import CalcInputError
from abitare.parameters import load_parameters
from abitare.paths import PACKAGE_DIR


def test_invalid_inputs_name_the_field_in_italian():
    with pytest.raises(CalcInputError) as info:
        run_calculator("canone-sap", {"superficie_alloggio": -3})
    assert "Superficie dell'alloggio (m²): deve essere maggiore di 0" in str(info.value)
    with pytest.raises(CalcInputError, match="ISEE del nucleo"):
        run_calculator("requisiti-sap", {"isee": "tanto", "patrimonio": 1, "componenti": 1})
    with pytest.raises(CalcInputError, match="nel futuro"):
        run_calculator("canone-sap", {"superficie_alloggio": 70, "anno_costruzione": 2999})


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
