"""Facilitator credentials: a secret typed into a password field, stored only as a hash.

The hash is scrypt (Python's standard library) with a random salt per secret, in
the form ``scrypt$n$r$p$salt$hash``. Secrets never appear in URLs or logs; a wrong
secret makes the next attempt wait longer, so guessing is slow.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from abitare.errors import FacilitatorError, database_errors
from abitare.secret_attempts import FACILITATORS_KEY, SecretThrottle
from abitare.storage import facilitators

__all__ = ["FacilitatorStore", "Throttle", "hash_secret", "verify_secret"]

log = logging.getLogger(__name__)

MIN_SECRET = 10
_N, _R, _P = 2**14, 8, 1


class Throttle:
    """Each wrong attempt in a row waits twice as long as the last (0.5 s, 1 s, 2 s … up to 8 s)."""

    def __init__(self) -> None:
        self.failures = 0

    def failed(self, what: str) -> None:
        self.failures += 1
        log.warning("%s (attempt %d)", what, self.failures)
        time.sleep(min(0.5 * 2 ** (self.failures - 1), 8))

    def succeeded(self) -> None:
        self.failures = 0


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(secret.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


class FacilitatorStore:
    """Set and check facilitator secrets; wrong attempts are slowed down per process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.throttle = SecretThrottle(engine, FACILITATORS_KEY)  # counted in the database: a reload keeps it

    def set_secret(self, name: str, secret: str) -> None:
        """Create the facilitator ``name`` or change their secret."""
        name = " ".join(name.split())
        if not name:
            raise FacilitatorError("Serve un nome per chi tiene il corso.")
        if len(secret) < MIN_SECRET:
            raise FacilitatorError(f"La parola segreta deve avere almeno {MIN_SECRET} caratteri.")
        hashed, now = hash_secret(secret), datetime.now(UTC)
        with database_errors("Non è stato possibile salvare la parola segreta.", log), self.engine.begin() as conn:
            done = conn.execute(update(facilitators).where(facilitators.c.name == name).values(secret_hash=hashed))
            if not done.rowcount:
                conn.execute(insert(facilitators).values(name=name, secret_hash=hashed, created_at=now))

    def check(self, secret: str) -> str | None:
        """The facilitator's name if ``secret`` is one of theirs, else None (after a delay)."""
        self.throttle.wait_turn()  # the last wrong attempt's delay, even if made from another page
        with database_errors("Non è stato possibile verificare la parola segreta.", log), self.engine.connect() as conn:
            rows = conn.execute(select(facilitators.c.name, facilitators.c.secret_hash)).all()
        for row in rows:
            if verify_secret(secret, row.secret_hash):
                self.throttle.succeeded()
                log.info("a facilitator signed in")  # no name: no personal datum in the log
                return str(row.name)
        self.throttle.failed("wrong facilitator secret")
        return None

    def any(self) -> bool:
        """Whether at least one facilitator credential exists."""
        with self.engine.connect() as conn:
            return conn.execute(select(facilitators.c.id).limit(1)).first() is not None
