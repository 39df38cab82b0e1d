"""A case simulation played by the whole room.

The facilitator starts any case for a live session. At each step every participant
votes on their phone for one of the open choices (one vote each, changeable until
the step is decided); the facilitator sees the votes arrive, reveals them to the
room, discusses, and confirms a choice — the majority's or another one, and the
room is told which. The state and the path move on for everyone: the room's run
is :class:`~abitare.cases.run.CaseRun` replayed from the confirmed choices with the
session's own seed, so every page rebuilds the same run. Each confirmed step keeps
its vote split for the debrief and the synthesis.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from abitare.cases.run import CaseRun
from abitare.cases.schema import Case, recommended_choices
from abitare.errors import AbitareError, UnknownCaseError
from abitare.practice.sessions import Member, Session
from abitare.storage import room_case_runs, room_case_steps, room_case_votes

__all__ = [
    "DECISIONS",
    "DecidedStep",
    "RoomCase",
    "RoomCaseStore",
    "RoomCaseSummary",
    "StepSummary",
    "decision",
    "room_case_markdown",
    "room_case_summary",
    "room_seed",
]

#: how the facilitator's confirmation of a step reads (the synthesis, the class view)
DECISIONS = {
    "majority": "la più votata",
    "facilitator": "un'altra, scelta da chi conduce",
    "no_votes": "scelta da chi conduce (nessun voto)",
}


def _now() -> datetime:
    return datetime.now(UTC)


def room_seed(session_id: int, run_id: int, case_id: str) -> str:
    return f"sala:{session_id}:{run_id}:{case_id}"


@dataclass(frozen=True)
class DecidedStep:
    node: str
    choice: int
    majority: bool
    split: dict[int, int]  # choice index -> votes


def decision(step: DecidedStep) -> str:
    """Who decided a step, a key of :data:`DECISIONS`: the same answer on the phones, the board, the exports.

    A tie between the most voted choices counts as the majority's choice whichever of them was
    confirmed; a step nobody voted on was the facilitator's choice, not one against the majority.
    """
    if not step.split:
        return "no_votes"
    return "majority" if step.split.get(step.choice, 0) == max(step.split.values()) else "facilitator"


@dataclass
class RoomCase:
    """The room's run as it stands: the replayed run, the steps decided, the votes of the open step."""

    run_id: int
    case: Case
    run: CaseRun
    decided: list[DecidedStep]
    revealed: bool
    votes: Counter[int] = field(default_factory=Counter)

    @property
    def step(self) -> int:
        return len(self.decided)

    def majority(self) -> int | None:
        """The most voted open choice (ties: the first in the situation), None without votes."""
        if not self.votes:
            return None
        top = max(self.votes.values())
        return min(i for i, n in self.votes.items() if n == top)

    def followed_recommended(self) -> bool:
        return [(d.node, d.choice) for d in self.decided] == recommended_choices(self.case.data)


@dataclass(frozen=True)
class StepSummary:
    """One decided step, for the synthesis and the class view: counts only, no names."""

    number: int
    chosen: str
    recommended: str | None  # the recommended path's choice at this step, None past its end
    as_recommended: bool  # same situation and same choice as the recommended path
    split: tuple[tuple[str, int], ...]  # every choice open at the step, with its votes
    decision: str  # a key of DECISIONS

    @property
    def voters(self) -> int:
        return sum(n for _, n in self.split)


@dataclass(frozen=True)
class RoomCaseSummary:
    run_id: int
    case_id: str
    title: str
    steps: tuple[StepSummary, ...]
    ending: str | None  # None while the case has not reached an ending
    followed_recommended: bool

    @property
    def as_recommended(self) -> int:
        return sum(s.as_recommended for s in self.steps)

    @property
    def overridden(self) -> list[int]:
        """Steps where the facilitator confirmed another choice than the most voted one."""
        return [s.number for s in self.steps if s.decision == "facilitator"]


def room_case_summary(room: RoomCase) -> RoomCaseSummary:
    """The room's path beside the recommended one, the vote split and who decided, step by step.

    A tie between the most voted choices counts as the majority's choice whichever of them
    was confirmed.
    """
    data = room.case.data
    advised = recommended_choices(data)
    run = CaseRun(room.case, room.run.seed)  # replayed step by step: which choices were open at each
    steps = []
    for i, d in enumerate(room.decided):
        choices = data.nodes[d.node].choices
        open_now = [k for k, _ in run.available()] if run.node == d.node else sorted(d.split)
        shown = sorted(set(open_now) | set(d.split) | {d.choice})
        split = tuple((choices[k].text, int(d.split.get(k, 0))) for k in shown)
        recommended = data.nodes[advised[i][0]].choices[advised[i][1]].text if i < len(advised) else None
        steps.append(
            StepSummary(
                i + 1,
                choices[d.choice].text,
                recommended,
                i < len(advised) and advised[i] == (d.node, d.choice),
                split,
                decision(d),
            )
        )
        if not run.finished and run.node == d.node:
            run.choose(d.choice)
    ending = room.run.ending_data.title if room.run.finished and room.run.ending_data is not None else None
    return RoomCaseSummary(
        room.run_id, room.case.id, room.case.title, tuple(steps), ending, room.followed_recommended()
    )


class RoomCaseStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _db(self, failure: str) -> Any:
        from abitare.progress import _database

        return _database(failure)

    def start(self, session: Session, case: Case) -> int:
        with self._db("Non è stato possibile avviare il caso."), self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(room_case_runs)
                    .values(session_id=session.id, case_id=case.id, revealed=False, started_at=_now())
                    .returning(room_case_runs.c.id)
                ).scalar_one()
            )

    def current_case_id(self, session: Session) -> tuple[int, str] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(room_case_runs.c.id, room_case_runs.c.case_id)
                .where(room_case_runs.c.session_id == session.id)
                .order_by(room_case_runs.c.id.desc())
                .limit(1)
            ).first()
        return (row.id, row.case_id) if row else None

    def runs(self, session: Session) -> list[tuple[int, str]]:
        """Every case the room played in the session, the first started first: (run, case)."""
        with self._db("Non è stato possibile leggere i casi della sala."), self.engine.connect() as conn:
            rows = conn.execute(
                select(room_case_runs.c.id, room_case_runs.c.case_id)
                .where(room_case_runs.c.session_id == session.id)
                .order_by(room_case_runs.c.id)
            ).all()
        return [(r.id, r.case_id) for r in rows]

    def summaries(self, session: Session, load_case: Callable[[str], Case]) -> list[RoomCaseSummary]:
        """Each case the room played with at least one step decided.

        Cases gone from the content, or changed since they were played, are left out.
        """
        out = []
        for run_id, case_id in self.runs(session):
            try:
                summary = room_case_summary(self.load(session, load_case(case_id), run_id))
            except (UnknownCaseError, ValueError, KeyError, IndexError):  # gone, or changed since it was played
                continue
            if summary.steps:
                out.append(summary)
        return out

    def load(self, session: Session, case: Case, run_id: int) -> RoomCase:
        with self._db("Non è stato possibile leggere il caso della sala."), self.engine.connect() as conn:
            revealed = conn.execute(select(room_case_runs.c.revealed).where(room_case_runs.c.id == run_id)).scalar_one()
            steps = conn.execute(
                select(room_case_steps).where(room_case_steps.c.run_id == run_id).order_by(room_case_steps.c.step)
            ).all()
            decided = [
                DecidedStep(s.node_id, s.choice_index, bool(s.majority), {int(k): v for k, v in s.split.items()})
                for s in steps
            ]
            votes = Counter(
                conn.execute(
                    select(room_case_votes.c.choice_index).where(
                        room_case_votes.c.run_id == run_id, room_case_votes.c.step == len(decided)
                    )
                ).scalars()
            )
        run = CaseRun.replay(case, room_seed(session.id, run_id, case.id), [d.choice for d in decided])
        return RoomCase(run_id, case, run, decided, bool(revealed), votes)

    def vote(self, room: RoomCase, member: Member, choice: int) -> None:
        """A participant's vote for the open step (the latest counts)."""
        if room.run.finished:
            raise AbitareError("Il caso è finito: non si vota più.")
        if choice not in dict(room.run.available()):
            raise AbitareError("Questa scelta non è disponibile ora.")
        where = (
            room_case_votes.c.run_id == room.run_id,
            room_case_votes.c.step == room.step,
            room_case_votes.c.member_id == member.id,
        )
        with self._db("Il voto non è stato salvato."), self.engine.begin() as conn:
            decided = conn.execute(
                select(func.count()).select_from(room_case_steps).where(room_case_steps.c.run_id == room.run_id)
            ).scalar_one()
            if decided != room.step:  # the page shows a step already decided: the vote would count nowhere
                raise AbitareError(
                    "La sala è già passata al passo successivo: guarda la nuova situazione e vota di nuovo."
                )
            if conn.execute(
                update(room_case_votes).where(*where).values(choice_index=choice, voted_at=_now())
            ).rowcount:
                return
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(room_case_votes).values(
                            run_id=room.run_id,
                            step=room.step,
                            member_id=member.id,
                            choice_index=choice,
                            voted_at=_now(),
                        )
                    )
            except IntegrityError:  # the same person's other tab
                conn.execute(update(room_case_votes).where(*where).values(choice_index=choice, voted_at=_now()))

    def reveal(self, room: RoomCase, shown: bool) -> None:
        with self._db("Non è stato possibile mostrare i voti."), self.engine.begin() as conn:
            conn.execute(update(room_case_runs).where(room_case_runs.c.id == room.run_id).values(revealed=shown))

    def confirm(self, room: RoomCase, choice: int) -> DecidedStep:
        """The facilitator confirms a choice for the room; votes are hidden again for the next step.

        The step keeps the votes as they are in the database when it is confirmed, not the
        board's copy (up to a poll old): a vote that arrived meanwhile counts in the split.
        """
        if choice not in dict(room.run.available()):
            raise AbitareError("Questa scelta non è disponibile ora.")
        with self._db("Non è stato possibile confermare la scelta."), self.engine.begin() as conn:
            # a write first, changing nothing: it locks the run (PostgreSQL) or opens the transaction
            # (SQLite, where pysqlite opens none for reads), so the votes read and the step written agree
            conn.execute(
                update(room_case_runs)
                .where(room_case_runs.c.id == room.run_id)
                .values(revealed=room_case_runs.c.revealed)
            )
            votes = Counter(
                conn.execute(
                    select(room_case_votes.c.choice_index).where(
                        room_case_votes.c.run_id == room.run_id, room_case_votes.c.step == room.step
                    )
                ).scalars()
            )
            now = RoomCase(room.run_id, room.case, room.run, room.decided, room.revealed, votes)
            step = DecidedStep(room.run.node, choice, choice == now.majority(), dict(votes))
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(room_case_steps).values(
                            run_id=room.run_id,
                            step=room.step,
                            node_id=step.node,
                            choice_index=choice,
                            majority=step.majority,
                            split={str(k): v for k, v in step.split.items()},
                            decided_at=_now(),
                        )
                    )
            except IntegrityError as err:
                raise AbitareError("Questo passo è già stato deciso (forse da un'altra finestra).") from err
            conn.execute(update(room_case_runs).where(room_case_runs.c.id == room.run_id).values(revealed=False))
            conn.execute(
                delete(room_case_votes).where(
                    room_case_votes.c.run_id == room.run_id, room_case_votes.c.step > room.step
                )
            )
        return step


def room_case_markdown(room: RoomCase) -> list[str]:
    """The room's path beside the recommended one, with the vote split at each step (for the synthesis)."""
    data = room.case.data
    lines = [f"## Caso giocato dalla sala: {room.case.title}", ""]
    for i, d in enumerate(room.decided, start=1):
        choices = data.nodes[d.node].choices
        split = ", ".join(f"{choices[k].text}: {n}" for k, n in sorted(d.split.items())) or "nessun voto"
        how = {
            "majority": "scelta della maggioranza",
            "facilitator": "scelta di chi conduce, diversa dalla maggioranza",
            "no_votes": "scelta di chi conduce",
        }[decision(d)]
        lines.append(f"{i}. {choices[d.choice].text} ({how}; voti: {split})")
    lines += ["", "Percorso consigliato:", ""]
    lines += [f"{i}. {data.nodes[n].choices[k].text}" for i, (n, k) in enumerate(recommended_choices(data), start=1)]
    if room.run.finished and room.run.ending_data is not None:
        lines += ["", f"Finale: {room.run.ending_data.title}"]
    return lines
