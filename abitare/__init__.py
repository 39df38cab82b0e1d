"""abitare: the core library of the gestione sociale course workspace.

Plain Python, no widgets: content, storage, progress, identity, settings, datasets,
reports. The names below are loaded on first use, so a report kernel or the
command line that needs only part of the library does not pay for the rest.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from abitare.content import Lesson, Module, Question, QuizFile, inventory, load_module, scan
    from abitare.errors import (
        AbitareError,
        ContentError,
        ContentIssue,
        DatabaseNotReadyError,
        ParticipantCodeError,
        StorageError,
    )
    from abitare.progress import AnswerRecord, Participant, ProgressStore
    from abitare.settings import Settings, get_settings

_WHERE = {
    "Lesson": "content",
    "Module": "content",
    "Question": "content",
    "QuizFile": "content",
    "inventory": "content",
    "load_module": "content",
    "scan": "content",
    "AbitareError": "errors",
    "ContentError": "errors",
    "ContentIssue": "errors",
    "DatabaseNotReadyError": "errors",
    "ParticipantCodeError": "errors",
    "StorageError": "errors",
    "AnswerRecord": "progress",
    "Participant": "progress",
    "ProgressStore": "progress",
    "Settings": "settings",
    "get_settings": "settings",
}

__all__ = [
    "AbitareError",
    "AnswerRecord",
    "ContentError",
    "ContentIssue",
    "DatabaseNotReadyError",
    "Lesson",
    "Module",
    "Participant",
    "ParticipantCodeError",
    "ProgressStore",
    "Question",
    "QuizFile",
    "Settings",
    "StorageError",
    "get_settings",
    "inventory",
    "load_module",
    "scan",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f"abitare.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'abitare' has no attribute {name!r}")
