"""abitare: the core library of the gestione sociale course workspace.

Plain Python, no widgets: content, storage, progress, identity, settings.
"""

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
