"""Storing case runs (each choice, in a transaction) and what the class chose."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from abitare.cases.schema import Case
from abitare.errors import StorageError, database_errors
from abitare.storage import case_choices

__all__ = ["CaseStats", "CaseStore"]

log = logging.getLogger(__name__)

_UNREADABLE = "Non è stato possibile leggere il tuo percorso nel caso."


@dataclass
class CaseStats:
    """How a group chose: counts per node and choice, endings reached, people playing."""

    case: Case
    participants: int = 0
    finished: int = 0
    choices: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    endings: Counter[str] = field(default_factory=Counter)


class CaseStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def latest_attempt(self, participant_id: int, case_id: str) -> int:
        """The participant's current attempt number (0 before the first choice)."""
        stmt = select(func.max(case_choices.c.attempt)).where(
            case_choices.c.participant_id == participant_id, case_choices.c.case_id == case_id
        )
        with database_errors(_UNREADABLE, log), self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar() or 0)

    def choices(self, participant_id: int, case_id: str, attempt: int) -> list[int]:
        """The choices of one attempt, in order."""
        stmt = (
            select(case_choices.c.choice_index)
            .where(
                case_choices.c.participant_id == participant_id,
                case_choices.c.case_id == case_id,
                case_choices.c.attempt == attempt,
            )
            .order_by(case_choices.c.step)
        )
        with database_errors(_UNREADABLE, log), self.engine.connect() as conn:
            return [int(i) for i in conn.execute(stmt).scalars()]

    def record_choice(
        self,
        participant_id: int,
        case_id: str,
        attempt: int,
        step: int,
        node_id: str,
        choice_index: int,
        to_id: str,
        group: str = "",
    ) -> None:
        """Store one choice; a second write of the same step (two open tabs) is refused."""
        row = {
            "participant_id": participant_id,
            "case_id": case_id,
            "attempt": attempt,
            "step": step,
            "node_id": node_id,
            "choice_index": choice_index,
            "to_id": to_id,
            "group_code": group,
            "chosen_at": datetime.now(UTC),
        }
        with database_errors("La scelta non è stata salvata. Riprova tra poco.", log):
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(case_choices).values(**row))
            except IntegrityError as err:
                raise StorageError(
                    "Questa scelta risulta già fatta in un'altra finestra: ricarica la pagina per continuare."
                ) from err

    def class_stats(self, case: Case, group: str | None = None) -> CaseStats:
        """Choices of each participant's latest attempt (of ``group``, or everyone)."""
        cols = case_choices.c
        stmt = select(cols.participant_id, cols.attempt, cols.node_id, cols.choice_index, cols.to_id).where(
            cols.case_id == case.id
        )
        if group:
            stmt = stmt.where(cols.group_code == group)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        latest: dict[int, int] = {}
        for r in rows:
            latest[r.participant_id] = max(latest.get(r.participant_id, 0), r.attempt)
        stats = CaseStats(case, participants=len(latest))
        for r in rows:
            if r.attempt != latest[r.participant_id]:
                continue
            stats.choices[r.node_id][r.choice_index] += 1
            if r.to_id in case.data.endings:
                stats.endings[r.to_id] += 1
                stats.finished += 1
        return stats
