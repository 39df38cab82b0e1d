"""Calculators: what the rules say, step by step, from the parameter file.

Each calculator is a pydantic input model (Italian labels and messages) and a
function returning a :class:`Result`: named figures plus the steps that led to
them, each with the rule and the parameters it used. No domain number is written
in this package: every one comes from ``abitare/parameters.yaml`` (a test checks it).
"""

from __future__ import annotations

from abitare.calc import canone_sap, piano_rientro, proprietario, requisiti_sap, sostenibilita
from abitare.calc.base import CALCULATORS, CHECKLIST_TITLE, Calculator, Result, Step, run_calculator
from abitare.errors import CalcInputError

# the calculators register themselves on import
_ = (canone_sap, piano_rientro, proprietario, requisiti_sap, sostenibilita)

__all__ = ["CALCULATORS", "CHECKLIST_TITLE", "CalcInputError", "Calculator", "Result", "Step", "run_calculator"]
