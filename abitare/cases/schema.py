"""Case simulations: the authoring format, its schema and the checks an author needs.

A case is one YAML file in ``modules/casi/``: state variables with ranges, situations
(nodes) with choices that change the state and lead to other nodes or to endings,
optional guards (``when: "fiducia >= 5"``) and seeded random events. Besides the
schema, :func:`check_case` explores every reachable (node, state) pair and reports,
with file and line: unknown targets, unreachable nodes and endings, dead ends,
loops that can repeat for ever, paths longer than :data:`MAX_STEPS`, state leaving
its declared range, guards on unknown variables, and a recommended path that
is not a real path.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from abitare.contentbase import ContentItem, Schema, lesson_exists, load_item_yaml, module_exists
from abitare.errors import ContentError, ContentIssue, UnknownCaseError
from abitare.parameters import PARAMETERS_FILE, ParameterSet, load_parameters
from abitare.validation import validate_located

log = logging.getLogger(__name__)

__all__ = [
    "MAX_STATES",
    "MAX_STEPS",
    "Case",
    "CaseFile",
    "Choice",
    "Ending",
    "Guard",
    "Node",
    "StateVar",
    "check_case",
    "load_case",
    "load_case_file",
    "parse_guard",
    "recommended_choices",
    "scan_cases",
]

#: Longest path a case may have, start to ending, in choices.
MAX_STEPS = 40
#: Upper bound on the (node, state) pairs explored; a case that needs more is too loose to check.
MAX_STATES = 100_000

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
VarName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_TERM = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+)\s*$")
_OPS = {
    "<": int.__lt__,
    "<=": int.__le__,
    ">": int.__gt__,
    ">=": int.__ge__,
    "==": int.__eq__,
    "!=": int.__ne__,
}


@dataclass(frozen=True)
class Guard:
    """``a and b or c``: a list of alternatives, each a list of comparisons (and binds first)."""

    alternatives: tuple[tuple[tuple[str, str, int], ...], ...]

    @property
    def variables(self) -> set[str]:
        return {name for alt in self.alternatives for name, _, _ in alt}

    def holds(self, state: dict[str, int]) -> bool:
        return any(all(_OPS[op](state[name], value) for name, op, value in alt) for alt in self.alternatives)


def parse_guard(text: str) -> Guard:
    """Parse a guard; raise ValueError (Italian) when it is not one."""
    alternatives = []
    for alt in re.split(r"\bor\b", text):
        terms = []
        for term in re.split(r"\band\b", alt):
            match = _TERM.match(term)
            if not match:
                raise ValueError(
                    f"condizione non valida: «{term.strip()}». Scrivi ad esempio «fiducia >= 5», "
                    "unendo più condizioni con «and» oppure «or»"
                )
            terms.append((match[1], match[2], int(match[3])))
        alternatives.append(tuple(terms))
    return Guard(tuple(alternatives))


class StateVar(Schema):
    label: Text
    unit: Literal["EUR", "months", "score", "count"]
    min: int
    max: int
    initial: int

    @model_validator(mode="after")
    def _range(self) -> StateVar:
        if not self.min <= self.initial <= self.max:
            raise ValueError(f"il valore iniziale {self.initial} è fuori dall'intervallo {self.min}–{self.max}")
        return self


class Choice(Schema):
    text: Text
    to: Slug
    effects: dict[VarName, int] = Field(default_factory=dict)
    feedback: Text | None = None
    when: Text | None = None
    recommended: bool = False

    @field_validator("when")
    @classmethod
    def _guard(cls, value: str | None) -> str | None:
        if value is not None:
            parse_guard(value)
        return value

    @property
    def guard(self) -> Guard | None:
        return parse_guard(self.when) if self.when else None


class Event(Schema):
    chance: float = Field(gt=0, le=1)
    text: Text
    effects: dict[VarName, int] = Field(default_factory=dict)


class Node(Schema):
    text: Text
    choices: list[Choice] = Field(default_factory=list)
    event: Event | None = None


class Ending(Schema):
    title: Text
    outcome: Literal["positive", "mixed", "negative"]
    debrief: Text
    lessons: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$")]] = Field(default_factory=list)


class CaseFile(Schema):
    schema_version: Literal[1]
    title: Text
    summary: Text
    module: Slug | None = None
    estimated_minutes: int = Field(gt=0, le=120)
    role: Text
    state: dict[VarName, StateVar] = Field(min_length=1, max_length=8)
    start: Slug
    nodes: dict[Slug, Node] = Field(min_length=1)
    endings: dict[Slug, Ending] = Field(min_length=1)
    recommended: list[Slug] = Field(min_length=2)


State = tuple[int, ...]


def _apply(names: list[str], state: State, effects: dict[str, int]) -> State:
    return tuple(v + effects.get(n, 0) for n, v in zip(names, state, strict=True))


Adder = Callable[[tuple[str | int, ...], str], None]
Edges = dict[tuple[str, State], dict[tuple[str, State], None]]


def check_case(case: CaseFile, display: str, line_for: dict[tuple[str | int, ...], int]) -> list[ContentIssue]:
    """Every problem an author must fix, each with its line; empty when the case is sound.

    The checks run in order; the first two stop the rest when they find something,
    since exploring a case with a missing start or a broken reference would only
    repeat the same problem in other words.
    """
    issues: list[ContentIssue] = []

    def add(loc: tuple[str | int, ...], message: str) -> None:
        key = loc
        while key and key not in line_for:
            key = key[:-1]
        issues.append(ContentIssue(display, line_for.get(key), message))

    _check_names(case, add)
    if case.start not in case.nodes:
        add(("start",), f"la situazione iniziale «{case.start}» non esiste.")
        return issues
    _check_references(case, add)
    if issues:
        return issues
    explored = _explore(case, add)
    if explored is None:
        return issues
    _check_reached(case, explored, add)
    _check_loops_and_length(explored.edges, add)
    _check_recommended(case, add)
    return issues


def _check_names(case: CaseFile, add: Adder) -> None:
    """A name is a situation or an ending, never both."""
    for name in sorted(set(case.nodes) & set(case.endings)):
        add(("endings", name), f"«{name}» è sia una situazione sia un finale: usa nomi diversi.")


def _check_references(case: CaseFile, add: Adder) -> None:
    """Every situation has choices; every target, effect and guard names something that exists."""
    declared = set(case.state)
    targets = set(case.nodes) | set(case.endings)
    for node_id, node in case.nodes.items():
        if not node.choices:
            add(
                ("nodes", node_id),
                f"la situazione «{node_id}» non ha scelte e non è un finale (vicolo cieco).",
            )
        if node.event:
            for var in set(node.event.effects) - declared:
                add(
                    ("nodes", node_id, "event", "effects", var),
                    f"la variabile «{var}» non è dichiarata in state.",
                )
        for i, choice in enumerate(node.choices):
            _check_choice(("nodes", node_id, "choices", i), choice, targets, declared, add)


def _check_choice(
    loc: tuple[str | int, ...], choice: Choice, targets: set[str], declared: set[str], add: Adder
) -> None:
    if choice.to not in targets:
        add(
            (*loc, "to"),
            f"la scelta porta a «{choice.to}», che non è né una situazione né un finale.",
        )
    for var in set(choice.effects) - declared:
        add((*loc, "effects", var), f"la variabile «{var}» non è dichiarata in state.")
    if choice.guard:
        for var in choice.guard.variables - declared:
            add((*loc, "when"), f"la condizione usa «{var}», che non è dichiarata in state.")


class _StateSpace:
    """The case's variables as a tuple of values: its start, its limits, what an effect or an event does."""

    def __init__(self, case: CaseFile) -> None:
        self.case = case
        self.names = list(case.state)
        self.lo = [case.state[n].min for n in self.names]
        self.hi = [case.state[n].max for n in self.names]
        self.start = tuple(case.state[n].initial for n in self.names)

    def out_of_range(self, state: State) -> str | None:
        for n, v, a, b in zip(self.names, state, self.lo, self.hi, strict=True):
            if not a <= v <= b:
                return f"«{n}» arriva a {v}, fuori dall'intervallo {a}–{b}"
        return None

    def apply(self, state: State, effects: dict[str, int]) -> State:
        return _apply(self.names, state, effects)

    def entered(self, node_id: str, state: State) -> list[State]:
        """The states a situation may be entered in: its random event may fire or not."""
        event = self.case.nodes[node_id].event
        if event is None:
            return [state]
        fired = self.apply(state, event.effects)
        return [fired] if event.chance >= 1 else [state, fired]

    def values(self, state: State) -> dict[str, int]:
        return dict(zip(self.names, state, strict=True))


@dataclass
class _Explored:
    """The (situation, state) graph reachable from the start, and what it reaches."""

    edges: Edges = field(default_factory=dict)  # ordered: reports are stable
    reached_nodes: set[str] = field(default_factory=set)
    reached_endings: set[str] = field(default_factory=set)
    #: problems already reported, so a situation met in many states is reported once
    reported: set[tuple[str, ...]] = field(default_factory=set)


def _explore(case: CaseFile, add: Adder) -> _Explored | None:
    """Visit every (situation, state) pair reachable from the start; ``None`` when there are too many."""
    space = _StateSpace(case)
    explored = _Explored()
    queue: deque[tuple[str, State]] = deque((case.start, s) for s in space.entered(case.start, space.start))
    while queue:
        key = queue.popleft()
        if key in explored.edges:
            continue
        explored.edges[key] = {}
        explored.reached_nodes.add(key[0])
        if len(explored.edges) > MAX_STATES:
            add(
                ("nodes",),
                f"il caso ha più di {MAX_STATES} combinazioni di situazione e stato: semplificalo.",
            )
            return None
        queue.extend(_visit(case, space, key, explored, add))
    return explored


def _visit(
    case: CaseFile, space: _StateSpace, key: tuple[str, State], explored: _Explored, add: Adder
) -> list[tuple[str, State]]:
    """One situation in one state: what goes wrong there, and the pairs its open choices lead to."""
    node_id, state = key
    reported = explored.reported
    problem = space.out_of_range(state)
    if problem and ("event", node_id) not in reported:
        reported.add(("event", node_id))
        add(("nodes", node_id, "event"), f"l'evento casuale fa uscire lo stato dai limiti: {problem}.")
        return []
    values = space.values(state)
    open_choices = [(i, c) for i, c in enumerate(case.nodes[node_id].choices) if not c.guard or c.guard.holds(values)]
    if not open_choices and ("dead", node_id) not in reported:
        reported.add(("dead", node_id))
        shown = ", ".join(f"{n} = {v}" for n, v in values.items())
        add(
            ("nodes", node_id),
            f"in «{node_id}» nessuna scelta è disponibile quando {shown}: aggiungi una scelta senza «when».",
        )
    following: list[tuple[str, State]] = []
    for i, choice in open_choices:
        after = space.apply(state, choice.effects)
        problem = space.out_of_range(after)
        if problem:
            if ("range", node_id, str(i)) not in reported:
                reported.add(("range", node_id, str(i)))
                add(
                    ("nodes", node_id, "choices", i, "effects"),
                    f"questa scelta può portare fuori dai limiti: {problem}.",
                )
            continue
        if choice.to in case.endings:
            explored.reached_endings.add(choice.to)
            explored.edges[key][(f"ending:{choice.to}", ())] = None
            continue
        for s in space.entered(choice.to, after):
            explored.edges[key][(choice.to, s)] = None
            following.append((choice.to, s))
    return following


def _check_reached(case: CaseFile, explored: _Explored, add: Adder) -> None:
    """Every situation and every ending can be reached from the start."""
    for node_id in case.nodes:
        if node_id not in explored.reached_nodes:
            add(("nodes", node_id), f"la situazione «{node_id}» non si raggiunge mai dall'inizio.")
    for ending_id in case.endings:
        if ending_id not in explored.reached_endings:
            add(("endings", ending_id), f"il finale «{ending_id}» non si raggiunge mai.")


def _check_loops_and_length(edges: Edges, add: Adder) -> None:
    """The (node, state) graph must be free of cycles and no path longer than MAX_STEPS."""
    import networkx as nx

    graph = nx.DiGraph()
    for source, targets in edges.items():
        graph.add_node(source)
        for target in targets:
            graph.add_edge(source, target)
    try:
        cycle = nx.find_cycle(graph, source=list(edges))  # every state, in exploration order
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        node_id = cycle[0][0][0]
        add(
            ("nodes", node_id),
            f"da «{node_id}» si può tornare a «{node_id}» nello stesso stato, e girare all'infinito: "
            "fai avanzare una variabile (ad esempio i mesi) e chiudi il giro con una condizione «when».",
        )
        return
    longest = nx.dag_longest_path_length(graph) if graph.number_of_nodes() else 0
    if longest > MAX_STEPS:
        add(("nodes",), f"un percorso arriva a {longest} scelte prima di un finale: il massimo è {MAX_STEPS}.")
    stuck = {n[0] for n in graph.nodes if not n[0].startswith("ending:") and graph.out_degree(n) == 0}
    for node_id in sorted(stuck):
        add(("nodes", node_id), f"da «{node_id}» non si arriva a nessun finale.")


def _check_recommended(case: CaseFile, add: Adder) -> None:
    path = case.recommended
    if path[0] != case.start:
        add(("recommended", 0), f"il percorso consigliato deve iniziare da «{case.start}».")
    if path[-1] not in case.endings:
        add(("recommended", len(path) - 1), "il percorso consigliato deve finire con un finale.")
    for i, (a, b) in enumerate(itertools.pairwise(path)):
        node = case.nodes.get(a)
        if node is None or all(c.to != b for c in node.choices):
            add(
                ("recommended", i + 1),
                f"nel percorso consigliato, da «{a}» non c'è una scelta che porti a «{b}».",
            )
            continue
        leading = [j for j, c in enumerate(node.choices) if c.to == b]
        marked = [j for j in leading if node.choices[j].recommended]
        if len(leading) > 1 and len(marked) != 1:
            add(
                ("nodes", a),
                f"da «{a}» più scelte portano a «{b}»: segna con «recommended: true» quella consigliata (una sola).",
            )


def recommended_choices(case: CaseFile) -> list[tuple[str, int]]:
    """The recommended path as (situation, choice index) pairs."""
    out = []
    for a, b in itertools.pairwise(case.recommended):
        leading = [j for j, c in enumerate(case.nodes[a].choices) if c.to == b]
        marked = [j for j in leading if case.nodes[a].choices[j].recommended]
        out.append((a, (marked or leading)[0]))
    return out


CASES_FOLDER = "casi"


@dataclass(frozen=True)
class Case(ContentItem[CaseFile]):
    """A checked case, ready to play."""


#: bump when the checker changes what it accepts: older "already checked" marks no longer count
CHECK_VERSION = "1"


def _check_mark(path: Path) -> str:
    """What a deep check depends on: the checker, the case file and the parameter file."""
    digest = hashlib.sha256(CHECK_VERSION.encode())
    for part in (path, PARAMETERS_FILE):
        digest.update(part.read_bytes())
    return digest.hexdigest()


def _checked_file() -> Path:
    from abitare.settings import get_settings  # the data folder of this server

    return get_settings().data_dir / "cache" / "casi-controllati.txt"


def _already_checked(mark: str) -> bool:
    try:
        return mark in _checked_file().read_text(encoding="ascii").split()
    except OSError:
        return False


def _remember_checked(mark: str) -> None:
    try:
        target = _checked_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="ascii") as f:
            f.write(mark + "\n")
    except OSError as err:  # only a cache: the next page checks again
        log.warning("cannot remember a checked case: %s", err)


def load_case_file(
    path: Path, content_dir: Path, params: ParameterSet | None = None, *, deep: bool = True, use_cache: bool = False
) -> Case:
    """Load, validate and check one case file; every problem at once, with lines.

    ``deep=False`` skips the exploration of every state (seconds for a whole course):
    enough to list cases on a page; ``abitare check`` and playing a case always check deeply.
    ``use_cache``: skip the exploration when this very file (with these parameters) passed
    it before; the server checks every case when it starts, so a trainee's kernel neither
    spends the CPU nor loads the graph library (about 30 MB) to play one.
    """
    located, display = load_item_yaml(path, content_dir, params or load_parameters())
    case = validate_located(CaseFile, located)
    mark = _check_mark(path) if deep and use_cache else ""
    explore = deep and not (mark and _already_checked(mark))
    issues = check_case(case, display, located.lines) if explore else []
    for ending_id, ending in case.endings.items():
        for i, ref in enumerate(ending.lessons):
            if not lesson_exists(content_dir, ref):
                issues.append(
                    ContentIssue(
                        display,
                        located.line_for(("endings", ending_id, "lessons", i)),
                        f"la lezione «{ref}» non esiste (modulo/nome-del-file-senza-.md).",
                    )
                )
    if case.module and not module_exists(content_dir, case.module):
        issues.append(ContentIssue(display, located.line_for(("module",)), f"il modulo «{case.module}» non esiste."))
    if issues:
        raise ContentError(issues)
    if mark and explore:
        _remember_checked(mark)
    return Case(path.stem, path, case)


def case_files(content_dir: Path) -> list[Path]:
    return sorted((content_dir / CASES_FOLDER).glob("*.yaml"))


def scan_cases(
    content_dir: Path, *, deep: bool = True, use_cache: bool = False
) -> tuple[list[Case], list[ContentIssue]]:
    """Every case that loads, and every problem found (``deep``, ``use_cache``: see :func:`load_case_file`)."""
    cases: list[Case] = []
    issues: list[ContentIssue] = []
    try:
        params = load_parameters()
    except ContentError as err:
        return [], err.issues
    for path in case_files(content_dir):
        try:
            cases.append(load_case_file(path, content_dir, params, deep=deep, use_cache=use_cache))
        except ContentError as err:
            issues.extend(err.issues)
        except Exception as err:  # a checker bug must not take the pages down
            log.exception("unexpected error checking %s", path)
            issues.append(ContentIssue(str(path.name), None, f"errore imprevisto nel controllo del caso: {err}"))
    return cases, issues


def load_case(content_dir: Path, case_id: str) -> Case:
    path = content_dir / CASES_FOLDER / f"{case_id}.yaml"
    if not re.match(r"^[a-z0-9][a-z0-9-]{0,79}$", case_id) or not path.is_file():  # no 10,000-char file name
        raise UnknownCaseError(case_id)
    return load_case_file(path, content_dir, use_cache=True)
