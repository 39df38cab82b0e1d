"""The command line's own usage errors (unknown command, bad option value...) in Italian.

Typer (on click) writes them in English; staff read Italian. Known messages are
translated; anything else keeps its detail after an Italian sentence.
"""

from __future__ import annotations

import re

__all__ = ["italian_usage_error"]

_PATTERNS: list[tuple[str, str]] = [
    (r"No such command '(.+?)'\.(?: Did you mean '(.+?)'\?)?", "comando sconosciuto: «{0}»."),
    (r"No such option: (\S+)(?: \(Possible options: (.+)\))?", "opzione sconosciuta: {0}."),
    (r"Missing argument '(.+?)'\.", "manca l'argomento {0}."),
    (r"Missing option '(.+?)'\.", "manca l'opzione {0}."),
    (r"Option '(.+?)' requires an argument\.", "l'opzione {0} vuole un valore."),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", "argomento non previsto: {0}."),
    (r"Invalid value for '(.+?)': (.+)", "valore non valido per {0}: {1}"),
]
_DETAILS: list[tuple[str, str]] = [
    (r"Input should be greater than or equal to (\S+)", "deve essere almeno {0}."),
    (r"Input should be less than or equal to (\S+)", "deve essere al massimo {0}."),
    (r"Input should be a valid integer.*", "deve essere un numero intero."),
    (r"Input should be a valid number.*", "deve essere un numero."),
    (r"'?(.+?)'? is not in the range (.+)\.", "«{0}» è fuori dall'intervallo {1}."),
    (r"'?(.+?)'? is not a valid integer\.?", "«{0}» non è un numero intero."),
    (r"'?(.+?)'? is not a valid float\.?", "«{0}» non è un numero."),
    (r"(?:File|Path|Directory) '(.+?)' does not exist\.?", "«{0}» non esiste."),
]


def _translate(text: str, table: list[tuple[str, str]]) -> str | None:
    for pattern, template in table:
        match = re.fullmatch(pattern, text.strip(), flags=re.S)
        if match:
            groups = [g or "" for g in match.groups()]
            if template.startswith("valore non valido"):
                groups[1] = _translate(groups[1], _DETAILS) or groups[1]
            return template.format(*groups)
    return None


def italian_usage_error(message: str, command: str = "abitare") -> str:
    """One line for the terminal, with where to find help."""
    said = _translate(message, _PATTERNS) or f"uso non valido ({message.strip()})."
    return f"Errore: {said} Per l'aiuto: {command} --help"
