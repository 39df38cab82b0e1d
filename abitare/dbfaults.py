"""What a database failure means, said in Italian to whoever can act on it.

A driver's message ("attempt to write a readonly database", "database or disk is full",
"canceling statement due to lock timeout") means nothing to staff starting the workspace;
:func:`reason` turns the failures someone can fix into a short Italian clause, and
:func:`where` names the database without its password.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

__all__ = ["reason", "where"]

_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("disk is full", "no space left", "could not extend file", "disk full"),
        "il disco che contiene il database è pieno: libera spazio e riprova",
    ),
    (
        ("readonly", "read-only", "read only"),
        "il database è in sola lettura: controlla i permessi del file e della sua cartella",
    ),
    (
        ("unable to open database file",),
        "il file del database non si può aprire in scrittura: controlla che la cartella esista, "
        "che non sia in sola lettura e che ci sia spazio libero",
    ),
    (
        ("database is locked", "lock timeout", "lock_timeout", "statement timeout", "could not obtain lock"),
        "il database è occupato da un'altra operazione da troppo tempo: riprova tra poco",
    ),
)


def reason(err: BaseException) -> str | None:
    """An Italian clause for a failure the user can do something about, else ``None``."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:  # the driver's error is in the chain
        seen.add(id(current))
        text = " ".join(str(a) for a in current.args).lower()
        for needles, clause in _REASONS:
            if any(n in text for n in needles):
                return clause
        current = getattr(current, "orig", None) or current.__cause__
    return None


def where(url: str) -> str:
    """The database as a person would name it: the SQLite file, or host and name (no password)."""
    try:
        parsed = make_url(url)
    except Exception:  # an unreadable URL is reported elsewhere
        return "database"
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database or "in memoria")
    return f"{parsed.host or 'localhost'}/{parsed.database or ''}"
