"""Playing a case: state, available choices, random events, the path, the ending.

A run is fully determined by its seed and the choices made, so a trainee's run is
stored as its choices and rebuilt by replaying them (:meth:`CaseRun.replay`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from abitare.cases.schema import Case, Choice, Ending

__all__ = ["CaseRun", "Step", "run_seed"]


def run_seed(participant_id: int, case_id: str, attempt: int) -> str:
    """The seed of a participant's attempt: the same events on every replay."""
    return f"{participant_id}:{case_id}:{attempt}"


@dataclass(frozen=True)
class Step:
    """One choice made: where, which, where it led, and any event met on arrival."""

    node: str
    choice: int
    to: str
    event: str | None


@dataclass
class CaseRun:
    """One attempt at a case."""

    case: Case
    seed: str
    state: dict[str, int] = field(init=False)
    node: str = field(init=False)
    steps: list[Step] = field(init=False, default_factory=list)
    ending: str | None = field(init=False, default=None)
    last_event: str | None = field(init=False, default=None)
    clamped: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        data = self.case.data
        self._rng = random.Random(self.seed)
        self.state = {name: var.initial for name, var in data.state.items()}
        self.node = data.start
        self.last_event = self._enter(data.start)

    @classmethod
    def replay(cls, case: Case, seed: str, choices: list[int]) -> CaseRun:
        run = cls(case, seed)
        for index in choices:
            run.choose(index)
        return run

    def _enter(self, node_id: str) -> str | None:
        event = self.case.data.nodes[node_id].event
        if event is not None and self._rng.random() < event.chance:
            self._apply(event.effects)
            return event.text
        return None

    def _apply(self, effects: dict[str, int]) -> None:
        for name, delta in effects.items():
            var = self.case.data.state[name]
            # the checker proves effects stay in range; clamping only guards edited files
            raw = self.state[name] + delta
            self.state[name] = min(max(raw, var.min), var.max)
            self.clamped = self.clamped or raw != self.state[name]

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def ending_data(self) -> Ending | None:
        return self.case.data.endings[self.ending] if self.ending else None

    def available(self) -> list[tuple[int, Choice]]:
        """The choices open now (their guard holds), with their index in the node."""
        if self.finished:
            return []
        node = self.case.data.nodes[self.node]
        return [(i, c) for i, c in enumerate(node.choices) if c.guard is None or c.guard.holds(self.state)]

    def choose(self, index: int) -> Choice:
        """Make choice ``index`` of the current node; raise ValueError if it is not open."""
        open_now = dict(self.available())
        if index not in open_now:
            raise ValueError(f"choice {index} is not available in {self.node!r}")
        choice = open_now[index]
        self._apply(choice.effects)
        event = None
        if choice.to in self.case.data.endings:
            self.ending = choice.to
        else:
            event = self._enter(choice.to)
        self.steps.append(Step(self.node, index, choice.to, event))
        self.last_event = event
        if not self.finished:
            self.node = choice.to
        return choice

    @property
    def path(self) -> list[str]:
        """Nodes visited, then the ending if reached."""
        return [self.case.data.start, *(s.to for s in self.steps)]
