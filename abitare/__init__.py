"""abitare: the core library of the gestione sociale course workspace.

Plain Python, no widgets: content, storage, progress, identity, settings, datasets,
reports. The names below are loaded on first use, so a report kernel or the
command line that needs only part of the library does not pay for the rest.

The public names are written once, in the ``if TYPE_CHECKING:`` block: type
checkers read it as it is, and :func:`_public_names` reads the same lines at run
time (``__all__``, the lazy loader and the API test all derive from it). To add a
name, add it there, as ``Name as Name`` (the explicit re-export strict mypy needs).
"""

from __future__ import annotations

import ast
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from abitare.content import Lesson as Lesson
    from abitare.content import Module as Module
    from abitare.content import Question as Question
    from abitare.content import QuizFile as QuizFile
    from abitare.content import load_module as load_module
    from abitare.content import scan as scan
    from abitare.errors import AbitareError as AbitareError
    from abitare.errors import ContentError as ContentError
    from abitare.errors import ContentIssue as ContentIssue
    from abitare.errors import DatabaseNotReadyError as DatabaseNotReadyError
    from abitare.errors import ParticipantCodeError as ParticipantCodeError
    from abitare.errors import StorageError as StorageError
    from abitare.overview import inventory as inventory
    from abitare.progress import AnswerRecord as AnswerRecord
    from abitare.progress import Participant as Participant
    from abitare.progress import ProgressStore as ProgressStore
    from abitare.settings import Settings as Settings
    from abitare.settings import get_settings as get_settings


def _public_names() -> dict[str, str]:
    """Each public name and the module it comes from, read from this file's ``TYPE_CHECKING`` block."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    where: dict[str, str] = {}
    for statement in tree.body:
        if (
            isinstance(statement, ast.If)
            and isinstance(statement.test, ast.Name)
            and statement.test.id == "TYPE_CHECKING"
        ):
            for node in statement.body:
                if isinstance(node, ast.ImportFrom) and node.module:
                    where.update({alias.asname or alias.name: node.module for alias in node.names})
    return where


_WHERE = _public_names()

__all__ = sorted(_WHERE)  # derived from the TYPE_CHECKING block, the one list

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'abitare' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
