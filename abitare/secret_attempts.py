"""Wrong secrets stay slow to guess across reloads and servers: the attempts are counted in the database.

A facilitator proves the role with a secret (the class view) or a session's secret (the board).
Each wrong attempt in a row waits twice as long as the last (0.5 s, 1 s, 2 s … up to 8 s). The
count and the moment until which the next attempt waits are kept in the table ``secret_attempts``,
one row per key: :data:`FACILITATORS_KEY` for the facilitators' secrets (typed alone, with no
name, so the attempts against any of them are counted together) and ``session:<id>`` for a
session. Reloading the page, opening another one or reaching another server therefore does not
reset the wait: an attempt first waits out what the last wrong one left. When the database
cannot be written the count falls back to this process's own (guessing is never made faster
than in one kernel, and signing in never fails because of the count).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from abitare.storage import secret_attempts

__all__ = ["FACILITATORS_KEY", "FORGET_AFTER", "MAX_WAIT_SECONDS", "SecretThrottle", "session_key"]

log = logging.getLogger(__name__)

#: A wrong attempt waits 0.5 s, the next 1 s, then 2 s … up to this (and every later one as long).
MAX_WAIT_SECONDS = 8.0
#: Wrong attempts older than this are forgotten: the count starts again from 0.5 s.
FORGET_AFTER = timedelta(hours=1)
FACILITATORS_KEY = "facilitators"


def session_key(session_id: int) -> str:
    return f"session:{session_id}"


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes: they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def delay(failures: int) -> float:
    """The wait after ``failures`` wrong attempts in a row."""
    return min(0.5 * 2.0 ** (failures - 1), MAX_WAIT_SECONDS)


class SecretThrottle:
    """Wrong-secret attempts counted in the database, per key (see the module's description)."""

    def __init__(self, engine: Engine, key: str = FACILITATORS_KEY) -> None:
        self.engine = engine
        self.key = key
        self.failures = 0  # this process's own count, used when the database cannot be written

    def wait_turn(self, key: str | None = None) -> float:
        """Wait until the last wrong attempt's delay is over (at most 8 s); the seconds waited."""
        try:
            with self.engine.connect() as conn:
                until = conn.execute(
                    select(secret_attempts.c.locked_until).where(secret_attempts.c.key == (key or self.key))
                ).scalar_one_or_none()
        except SQLAlchemyError as err:
            log.error("cannot read the wrong-secret attempts", exc_info=err)
            return 0.0
        if until is None:
            return 0.0
        wait = min((_aware(until) - datetime.now(UTC)).total_seconds(), MAX_WAIT_SECONDS)
        if wait <= 0:
            return 0.0
        time.sleep(wait)
        return wait

    def _record_failure(self, key: str) -> int:
        """Count one more wrong attempt for ``key`` in the database; the count."""
        for _ in range(3):  # two pages failing at once may both insert the first row: one retries
            try:
                with self.engine.begin() as conn:
                    now = datetime.now(UTC)
                    row = conn.execute(
                        select(secret_attempts.c.failures, secret_attempts.c.last_failed_at)
                        .where(secret_attempts.c.key == key)
                        .with_for_update()
                    ).first()
                    recent = row is not None and now - _aware(row.last_failed_at) < FORGET_AFTER
                    failures = int(row.failures) + 1 if row is not None and recent else 1
                    values = {
                        "failures": failures,
                        "last_failed_at": now,
                        "locked_until": now + timedelta(seconds=delay(failures)),
                    }
                    if row is None:
                        conn.execute(insert(secret_attempts).values(key=key, **values))
                    else:
                        conn.execute(update(secret_attempts).where(secret_attempts.c.key == key).values(**values))
                return failures
            except IntegrityError:
                continue
        raise SQLAlchemyError("the wrong-secret attempts row kept changing")

    def failed(self, what: str, key: str | None = None) -> None:
        """Count a wrong attempt and wait its delay."""
        failures = self.failures + 1
        try:
            failures = self._record_failure(key or self.key)
        except SQLAlchemyError as err:
            log.error("cannot store a wrong-secret attempt; counting in this process only", exc_info=err)
        self.failures = failures
        log.warning("%s (attempt %d)", what, failures)
        time.sleep(delay(failures))

    def succeeded(self, key: str | None = None) -> None:
        """A right secret: the count for ``key`` starts again."""
        self.failures = 0
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(secret_attempts).where(secret_attempts.c.key == (key or self.key)))
        except SQLAlchemyError as err:
            log.error("cannot clear the wrong-secret attempts", exc_info=err)
