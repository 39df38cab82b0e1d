"""No traceback ever reaches a trainee.

Errors of the project (:class:`~abitare.errors.AbitareError`) carry an Italian
message that is shown as it is. Anything else is a bug: the full traceback goes
to the server log (the kernel's real stderr, which Voilà's console shows) and
the page says, in Italian, that something went wrong.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from html import escape
from typing import Any, TypeVar

import ipywidgets as w

from abitare.errors import AbitareError, DatabaseUnavailableError

__all__ = ["DATABASE_MESSAGE", "GENERIC_MESSAGE", "ErrorBanner", "guarded", "setup_kernel_logging"]

log = logging.getLogger(__name__)

DATABASE_MESSAGE = (
    "Il database del corso non è disponibile in questo momento. Riprova tra poco; "
    "se il problema continua, avvisa chi tiene il corso."
)

GENERIC_MESSAGE = (
    "Si è verificato un problema imprevisto e l'operazione non è stata completata. "
    "Riprova; se il problema continua, avvisa chi tiene il corso."
)

F = TypeVar("F", bound=Callable[..., Any])
_configured = False


def setup_kernel_logging(level: int = logging.INFO) -> None:
    """Send the project's log records to the kernel's real stderr (the server console)."""
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setFormatter(logging.Formatter("[abitare %(levelname)s %(name)s] %(message)s"))
    for name in ("abitare", "abitare_widgets"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    _configured = True


class ErrorBanner(w.HTML):
    """A line of text for errors and confirmations, announced to screen readers."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(value="", **kwargs)
        self.add_class("abitare-message")

    def clear(self) -> None:
        self.value = ""

    def info(self, text: str) -> None:
        self.value = f'<div role="status" class="abitare-info">{escape(text, quote=False)}</div>'

    def error(self, text: str) -> None:
        self.value = f'<div role="alert" class="abitare-error">{escape(text, quote=False)}</div>'

    def report(self, err: BaseException) -> None:
        """Show ``err`` to the user in Italian; log it in full if it is a bug."""
        if isinstance(err, DatabaseUnavailableError):
            log.error("database unavailable: %s", err)
            self.error(DATABASE_MESSAGE)
        elif isinstance(err, AbitareError):
            log.warning("shown to user: %s", err)
            self.error(str(err))
        else:
            log.error("unexpected error in a widget callback", exc_info=err)
            self.error(GENERIC_MESSAGE)


def guarded(method: F) -> F:
    """Decorate a component's callback: errors go to ``self.message`` (an ErrorBanner)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as err:
            self.message.report(err)
            return None

    return wrapper  # type: ignore[return-value]
