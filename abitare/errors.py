"""One hierarchy of errors for the whole library.

Every message is Italian (it reaches authors, trainees and staff) and says what
failed, where, and how to fix it. Widgets catch only these errors; anything else
is a bug, logged in full and shown to the user as a short generic message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

__all__ = [
    "AbitareError",
    "AnswerError",
    "CalcInputError",
    "ContentError",
    "ContentIssue",
    "DataError",
    "DataProblem",
    "DatabaseNotReadyError",
    "DatabaseUnavailableError",
    "FacilitatorError",
    "IdeaError",
    "ParameterError",
    "ParticipantCodeError",
    "ServeConfigError",
    "SessionError",
    "StorageError",
    "UnknownCaseError",
    "UnknownComuneError",
    "UnknownModuleError",
    "database_errors",
]


class AbitareError(Exception):
    """Base of every error the project raises on purpose."""


@dataclass(frozen=True)
class ContentIssue:
    """One problem found in a content file.

    Parameters
    ----------
    path
        The file, relative to the content root when possible.
    line
        1-based line number, or ``None`` when the problem concerns the whole file.
    message
        What is wrong, in Italian, with the field concerned.
    """

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "message": self.message}


class ContentError(AbitareError):
    """A content file (YAML or Markdown) cannot be used as it is."""

    def __init__(self, issues: list[ContentIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    @classmethod
    def single(cls, path: Path | str, line: int | None, message: str) -> ContentError:
        return cls([ContentIssue(str(path), line, message)])


class StorageError(AbitareError):
    """The database could not be reached or written."""


@contextmanager
def database_errors(message: str, log: logging.Logger) -> Iterator[None]:
    """Turn a database failure inside the block into a :class:`StorageError` saying ``message``.

    The driver's details go to ``log`` (the caller's logger), never to the user. An
    :class:`AbitareError` raised inside the block passes through unchanged, so a caller can
    say something more precise first (a second tab that already saved, for instance).
    """
    try:
        yield
    except SQLAlchemyError as err:
        log.error("database operation failed: %s", message, exc_info=err)
        raise StorageError(message) from err


class DatabaseUnavailableError(StorageError):
    """The database cannot be used at all (unreachable, no folder, bad address).

    The message is for whoever runs the service; a trainee sees a generic one.
    """


class DatabaseNotReadyError(DatabaseUnavailableError):
    """The database is reachable but its schema is missing or out of date."""


class ParticipantCodeError(AbitareError):
    """A participant code is empty, too long or has characters we do not accept."""


class CalcInputError(AbitareError):
    """An input to a calculator is missing or wrong; the message names the field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class FacilitatorError(AbitareError):
    """A facilitator secret is too weak, or the credential cannot be set."""


class ServeConfigError(AbitareError, ValueError):
    """A server configuration that cannot work on this machine (message in Italian).

    It is also a ``ValueError``, as it was before it joined the hierarchy.
    """


class SessionError(AbitareError):
    """A session cannot be joined or written (closed, wrong code, bad name)."""


class AnswerError(AbitareError):
    """What a participant sent for a field does not fit the field."""


class IdeaError(AbitareError):
    """An idea, question or vote that cannot be taken (closed, too long, no votes left)."""


class ParameterError(AbitareError):
    """Report parameters that cannot be used; nothing was run."""


def shown_id(raw: str, limit: int = 40) -> str:
    """An id taken from a page address, as a message may repeat it: one line, at most
    ``limit`` characters (an address can carry anything, 10,000 characters included)."""
    flat = " ".join(raw.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class UnknownModuleError(AbitareError):
    """No course module has the id asked for."""

    def __init__(self, module_id: str) -> None:
        self.module_id = module_id
        super().__init__(f"Il modulo '{shown_id(module_id)}' non esiste (forse l'indirizzo è incompleto).")


class UnknownCaseError(AbitareError):
    """No case simulation has the id asked for."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(f"Il caso '{shown_id(case_id)}' non esiste (forse l'indirizzo è incompleto).")


class UnknownComuneError(AbitareError, ValueError):
    """A name that is neither one of the nine comuni of the Ambito nor the whole Ambito.

    It is also a ``ValueError``, so that a pydantic validator reports it as a field error.
    """

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        super().__init__(
            f"«{name}» non è un comune dell'Ambito Sud Est Milano: scegli tra {', '.join(known)} "
            "oppure «Ambito» per tutti e nove."
        )


@dataclass(frozen=True)
class DataProblem:
    """One problem in a data file: the row as the user counts it (the header is row 1)."""

    path: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.row is not None:
            where += f", riga {self.row}"
        if self.column:
            where += f", colonna «{self.column}»"
        return f"{where}: {self.message}"


class DataError(AbitareError):
    """A data file cannot be loaded; nothing of it was loaded."""

    def __init__(self, problems: list[DataProblem], total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        lines = [str(p) for p in self.problems[:20]]
        if self.total > len(lines):
            lines.append(f"... e altri {self.total - len(lines)} problemi.")
        super().__init__("\n".join(lines))
