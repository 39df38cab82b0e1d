"""Turn pydantic validation errors into Italian messages with file and line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from abitare.errors import ContentError, ContentIssue
from abitare.numbers import number
from abitare.yamlsafe import Located

__all__ = ["italian_message", "validate_located"]

M = TypeVar("M", bound=BaseModel)

_MESSAGES: dict[str, str] = {
    "missing": "campo obbligatorio mancante",
    "extra_forbidden": "campo non previsto (controlla il nome: forse un errore di battitura)",
    "string_type": "deve essere un testo",
    "string_too_short": "il testo è troppo corto (minimo {min_length} caratteri)",
    "string_too_long": "il testo è troppo lungo (massimo {max_length} caratteri)",
    "string_pattern_mismatch": "formato non valido: usa solo lettere minuscole, cifre e trattini",
    "int_type": "deve essere un numero intero",
    "int_parsing": "deve essere un numero intero",
    "int_from_float": "deve essere un numero intero, senza decimali",
    "float_type": "deve essere un numero",
    "float_parsing": "deve essere un numero",
    "finite_number": "deve essere un numero finito",
    "bool_type": "deve essere true oppure false",
    "bool_parsing": "deve essere sì oppure no (true oppure false)",
    "list_type": "deve essere un elenco (righe che iniziano con '- ')",
    "dict_type": "deve essere un insieme di campi 'nome: valore'",
    "model_type": "deve essere un insieme di campi 'nome: valore'",
    "model_attributes_type": "deve essere un insieme di campi 'nome: valore'",
    "too_short": "il numero minimo di elementi è {min_length}",
    "too_long": "ci possono essere al massimo {max_length} elementi",
    "greater_than": "deve essere maggiore di {gt}",
    "greater_than_equal": "deve essere almeno {ge}",
    "less_than": "deve essere minore di {lt}",
    "less_than_equal": "deve essere al massimo {le}",
    "literal_error": "valore non ammesso: scegli tra {expected}",
    "enum": "valore non ammesso: scegli tra {expected}",
    "date_from_datetime_parsing": "data non valida (formato AAAA-MM-GG)",
    "date_parsing": "data non valida (formato AAAA-MM-GG)",
    "date_type": "data non valida (formato AAAA-MM-GG)",
    "url_parsing": "indirizzo web non valido",
    "url_scheme": "l'indirizzo deve iniziare con http:// o https://",
}


def _number(value: Any) -> Any:
    """Numbers as an Italian reader writes them: 0.0 → 0, 2.5 → 2,5."""
    if isinstance(value, float):
        return number(value, grouping=False)
    return value


def _field_name(loc: tuple[str | int, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part + 1}]")
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts)


def italian_message(error: Mapping[str, Any]) -> str:
    """One pydantic error (from ``ValidationError.errors()``) as Italian text."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        text = str(ctx["error"])
    elif kind in _MESSAGES:
        shown = {k: _number(v) for k, v in ctx.items()}
        try:
            text = _MESSAGES[kind].format(**shown).replace("' or '", "' o '")
        except (KeyError, IndexError):
            text = _MESSAGES[kind]
    else:
        text = f"valore non valido ({error.get('msg', kind)})"
    loc = tuple(p for p in error.get("loc", ()) if not (isinstance(p, str) and "[" in p))
    field = _field_name(loc)
    return f"{field}: {text}" if field else text


def validate_located(model: type[M], located: Located, **context: Any) -> M:
    """Validate ``located.data`` against ``model``; errors carry file and line."""
    try:
        return model.model_validate(located.data, context=context or None)
    except ValidationError as err:
        issues = []
        for e in err.errors(include_url=False):
            loc = tuple(e.get("loc", ()))
            issues.append(ContentIssue(located.path, located.line_for(loc), italian_message(e)))
        raise ContentError(issues) from err
