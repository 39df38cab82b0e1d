"""abitare_widgets: the interactive pieces of the workspace, built on abitare.

Imported as ``abitare_widgets`` (the folder is ``widgets/``): a top-level package
called ``widgets`` would clash with other installed distributions.
No course text and no domain rules live here: they come from ``abitare``.
"""

from abitare_widgets.home import HomeApp
from abitare_widgets.pages import (
    board_page,
    calculator_page,
    case_page,
    class_page,
    glossary_page,
    home_page,
    module_page,
    simulation_page,
    worksheet_page,
)
from abitare_widgets.player import ModulePlayer
from abitare_widgets.quiz import QuestionView
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = [
    "ErrorBanner",
    "HomeApp",
    "ModulePlayer",
    "QuestionView",
    "board_page",
    "calculator_page",
    "case_page",
    "class_page",
    "glossary_page",
    "guarded",
    "home_page",
    "module_page",
    "simulation_page",
    "worksheet_page",
]
