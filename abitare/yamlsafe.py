"""A strict, safe YAML 1.2 loader that remembers the line of every value.

Why not ``yaml.safe_load``: PyYAML speaks YAML 1.1 (``NO`` is ``false``,
``02100`` is octal), loses line numbers, and turns an impossible date into a bare
``ValueError``. Here the document is *composed* by ruamel.yaml (YAML 1.2) and
turned into plain Python values by our own small constructor, which:

- accepts only the standard tags (no ``!!python/...``, no custom tags);
- keeps timestamps as text, so the schema validates dates and names the line;
- refuses duplicate keys and merge keys (``<<``);
- refuses alias bombs: the document, with its aliases expanded, may not exceed
  :data:`MAX_NODES` values, and an alias may not contain itself.

Every problem becomes a :class:`~abitare.errors.ContentError` with file and line.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from abitare.errors import ContentError
from abitare.numbers import number

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Located", "load_yaml", "parse_yaml"]

#: Upper bound on the number of values in a document once aliases are expanded.
MAX_NODES = 50_000
#: Upper bound on the size of a content file; a course file is a few kB.
MAX_BYTES = 1_000_000
#: Upper bound on nesting (lists in lists in maps...); course files use fewer than 10 levels.
MAX_DEPTH = 50

Loc = tuple[str | int, ...]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass
class Located:
    """Plain data from a YAML document with the line of each value.

    ``lines`` maps a path such as ``("questions", 0, "text")`` to its 1-based line.
    """

    data: Any
    path: str
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_for(self, loc: Sequence[str | int]) -> int | None:
        """Line of the deepest known value on ``loc`` (a pydantic error location)."""
        key = tuple(loc)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


def _tag(node: Node) -> str:
    tag = node.tag
    return str(getattr(tag, "value", tag))


class _Builder:
    def __init__(self, display: str) -> None:
        self.display = display
        self.count = 0
        self.lines: dict[Loc, int] = {}

    def fail(self, node: Node, message: str) -> ContentError:
        return ContentError.single(self.display, node.start_mark.line + 1, message)

    def build(self, node: Node, loc: Loc, stack: tuple[int, ...]) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                node,
                f"il documento, con gli alias (*nome) espansi, supera {number(MAX_NODES)} valori: "
                "troppe ripetizioni (un 'alias bomb'). Scrivi i valori per esteso.",
            )
        if id(node) in stack:
            raise self.fail(node, "un alias (*nome) contiene sé stesso: non è ammesso.")
        if len(loc) > MAX_DEPTH:
            raise self.fail(node, f"il documento è annidato su più di {MAX_DEPTH} livelli.")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        inner = (*stack, id(node))
        if isinstance(node, SequenceNode):
            if _tag(node) != f"{_STD}seq":
                raise self.fail(node, f"etichetta YAML non ammessa: {_tag(node)}")
            return [self.build(child, (*loc, i), inner) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if _tag(node) != f"{_STD}map":
                raise self.fail(node, f"etichetta YAML non ammessa: {_tag(node)}")
            return self.mapping(node, loc, inner)
        raise self.fail(node, "elemento YAML non riconosciuto.")  # pragma: no cover

    def mapping(self, node: MappingNode, loc: Loc, stack: tuple[int, ...]) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "una chiave deve essere un testo semplice.")
            if _tag(key_node) == f"{_STD}merge" or key_node.value == "<<":
                raise self.fail(key_node, "le chiavi di unione '<<' non sono ammesse.")
            if _tag(key_node) not in _SCALAR_TAGS:
                raise self.fail(key_node, f"etichetta YAML non ammessa: {_tag(key_node)}")
            key = key_node.value  # keys are names: '1' and 'true' stay text
            if key in out:
                raise self.fail(key_node, f"la chiave '{key}' compare due volte.")
            self.lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*loc, key), stack)
        return out

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = _tag(node), node.value
        if tag not in _SCALAR_TAGS:
            raise self.fail(node, f"etichetta YAML non ammessa: {tag}. Scrivi il valore senza '!'.")
        kind = tag.removeprefix(_STD)
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() == "true"
        try:
            if kind == "int":
                return _to_int(text)
            if kind == "float":
                return _to_float(text)
        except ValueError as err:
            raise self.fail(node, f"'{text}' non è un numero valido.") from err
        return text  # str and timestamp: the schema decides what a date is


def _to_int(text: str) -> int | str:
    clean = text.replace("_", "")
    if len(clean.lstrip("+-")) > 1 and clean.lstrip("+-").startswith("0") and clean.isdigit():
        return text  # '02100' is a code, not a number: keep it as written
    return int(clean, 0)


def _to_float(text: str) -> float:
    low = text.lower()
    if low in (".inf", "+.inf"):
        return math.inf
    if low == "-.inf":
        return -math.inf
    if low == ".nan":
        return math.nan
    return float(text.replace("_", ""))


def _syntax_message(err: MarkedYAMLError) -> str:
    problem = (err.problem or err.context or "").strip()
    hint = ""
    if "\\t" in problem or "\t" in problem or "tab" in problem.lower():
        hint = " Per i rientri usa spazi, non tabulazioni."
    elif "mapping values" in problem:
        hint = " Forse manca uno spazio dopo ':' o un testo con ':' va messo tra virgolette."
    elif "could not find expected ':'" in problem or "simple key" in problem:
        hint = " Forse manca ':' dopo una chiave o un rientro è sbagliato."
    elif "another document" in problem or "document" in (err.context or ""):
        return "il file contiene più documenti YAML (separati da '---'): ne è ammesso uno solo."
    elif "found undefined alias" in problem:
        return "usa un alias (*nome) che non è stato definito prima con &nome."
    return f"sintassi YAML non valida (dettaglio tecnico: {problem}).{hint}"


def _line_of(text: str, position: int | None) -> int | None:
    return None if position is None else text.count("\n", 0, position) + 1


#: Parsed documents by (display name, text): the pure-Python parser takes about a second
#: for the whole course, and a page kernel reads the same files again on every view.
_PARSED: dict[tuple[str, str], Located] = {}
_PARSED_MAX = 256


def parse_yaml(text: str, display: str) -> Located:
    """Parse YAML ``text``; ``display`` names the file in error messages.

    A document already parsed in this process is returned from memory (a deep copy,
    so callers may change it); errors are never cached.
    """
    key = (display, text)
    cached = _PARSED.get(key)
    if cached is None:
        cached = _parse_yaml(text, display)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = cached
    return copy.deepcopy(cached)


def _parse_yaml(text: str, display: str) -> Located:
    text = text.removeprefix("\ufeff")  # a BOM left by Windows editors
    directive = re.search(r"^%YAML\s+(\S+)", text, re.M)
    if directive and directive[1] != "1.2":
        raise ContentError.single(
            display,
            _line_of(text, directive.start()),
            f"i file del corso sono in YAML 1.2: togli la riga '%YAML {directive[1]}'.",
        )
    yaml = YAML(typ="safe", pure=True)
    try:
        root = yaml.compose(text)
        if root is None:
            return Located(data=None, path=display)
        builder = _Builder(display)
        data = builder.build(root, (), ())
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ContentError.single(display, line, _syntax_message(err)) from err
    except ReaderError as err:
        raise ContentError.single(
            display,
            _line_of(text, err.position),
            f"il file contiene un carattere non ammesso (codice {err.character!r}): eliminalo.",
        ) from err
    except YAMLError as err:
        raise ContentError.single(display, None, f"YAML non valido (dettaglio tecnico: {err}).") from err
    except RecursionError as err:
        raise ContentError.single(display, None, "il documento è annidato troppo in profondità.") from err
    return Located(data=data, path=display, lines=builder.lines)


def load_yaml(path: Path, display: str | None = None) -> Located:
    """Read and parse a YAML file (UTF-8)."""
    name = display or str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ContentError.single(name, None, f"il file supera {MAX_BYTES // 1_000_000} MB: è troppo grande.")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ContentError.single(name, None, "il file non è in UTF-8: salvalo con codifica UTF-8.") from err
    except OSError as err:
        raise ContentError.single(name, None, f"il file non si può leggere ({err.strerror}).") from err
    return parse_yaml(text, name)
