"""Hostile content: random YAML documents and random mutations of the shipped files, fed to every loader.

Each loader must give a valid model or a :class:`ContentError` whose issues name the file
(and, for a problem inside the file, the line): never another exception. Bounded: at most
``EXAMPLES`` examples per loader, no deadline (the machine is shared).
"""

from __future__ import annotations

import io
import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from abitare.cases.schema import load_case_file
from abitare.content import load_module_dir
from abitare.errors import ContentError
from abitare.parameters import PARAMETERS_FILE, ParameterSet, load_parameters
from abitare.paths import PROJECT_ROOT
from abitare.practice.worksheets import load_worksheet_file
from abitare.templates import load_template_file
from abitare.yamlsafe import parse_yaml

pytestmark = pytest.mark.hostile

EXAMPLES = 60
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# Values that fool YAML 1.1 readers, break syntax, or try to run code.
TRICKY = [
    "NO",
    "yes",
    "02100",
    "0x1F",
    "1e400",
    ".nan",
    ".inf",
    "-.inf",
    "2024-02-30",
    "~",
    "null",
    "''",
    '""',
    "!!python/object/apply:os.system ['id']",
    "!segreto 1",
    "*alias",
    "&a [*a]",
    "<<: {a: 1}",
    "{",
    "[",
    "]",
    "'",
    '"',
    "- x",
    ": :",
    "\t",
    "\x00",
    "\x85",
    "\u202e",
    "\u200b",
    "\ufeff",
    "%YAML 1.1",
    "---",
    "...",
    "{{ sap.inesistente }}",
    "{{",
    "}}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "x" * 10_000,
    "-1",
    "0",
    "999999999999999999999999",
    "3.5",
    "true",
    "[]",
    "{}",
    "[[[[[[[[[[",
    "?",
    "|",
    ">",
    "#",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(TRICKY),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.text(max_size=12), st.sampled_from(["id", "title", "fields", "type"])), inner, max_size=4
        ),
    ),
    max_leaves=20,
)


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a parsed document (mapping keys and list indexes)."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*prefix, i))


def _replace(data: Any, where: tuple[Any, ...], value: Any) -> Any:
    if not where:
        return value
    head, *rest = where
    if isinstance(data, dict):
        return {**data, head: _replace(data[head], tuple(rest), value)}
    copy = list(data)
    copy[head] = _replace(copy[head], tuple(rest), value)
    return copy


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """``original`` with one to three random edits: of its text, or of one value of its YAML."""
    text = original
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["delete", "duplicate", "insert", "replace_line", "indent", "truncate", "value"]))
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.one_of(st.sampled_from(TRICKY), st.text(max_size=8))) + lines[i][at:]
        elif kind == "replace_line":
            lines[i] = draw(st.one_of(st.sampled_from(TRICKY), st.text(max_size=20)))
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "   ", "\t", "        "])) + lines[i].lstrip()
        elif kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
            continue
        else:
            try:
                data = parse_yaml(text.split("\n---\n")[0] if text.startswith("---") else text, "x.yaml").data
            except ContentError:
                continue
            places = list(_paths(data))
            where = draw(st.sampled_from(places))
            changed = _replace(data, where, draw(documents))
            text = _dump(changed)
            if original.startswith("---"):  # a template: front matter then body
                text = "---\n" + text + "---\n" + original.split("\n---\n", 1)[-1]
            continue
        text = "\n".join(lines)
    return text


def _write(path: Path, text: str) -> None:
    # lone surrogates become invalid UTF-8 bytes: the loaders must say so, not crash
    path.write_bytes(text.encode("utf-8", "surrogatepass"))


def _assert_content_error_names_file(err: ContentError, name: str) -> None:
    assert err.issues, "a ContentError with no issue"
    for issue in err.issues:
        assert issue.path and issue.message, issue
        assert isinstance(issue.line, int | None)
        assert issue.line is None or issue.line >= 1, issue
    assert any(name in issue.path for issue in err.issues), [str(i) for i in err.issues]


def _check(load: Callable[[], object], name: str) -> None:
    try:
        result = load()
    except ContentError as err:
        _assert_content_error_names_file(err, name)
    else:
        assert result is not None


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the shipped course (the mutations are written into it)."""
    root = tmp_path_factory.mktemp("hostile") / "modules"
    shutil.copytree(PROJECT_ROOT / "modules", root)
    return root


@pytest.fixture(scope="module")
def params() -> ParameterSet:
    return load_parameters()


def _shipped(course: Path, pattern: str) -> list[Path]:
    found = sorted(course.glob(pattern))
    assert found, pattern
    return found


class _Restore:
    """Write a mutated text into a shipped file for one example, then put the original back."""

    def __init__(self, path: Path) -> None:
        self.path, self.original = path, path.read_bytes()

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        self.path.write_bytes(self.original)


def _texts(files: list[Path]) -> st.SearchStrategy[tuple[int, str]]:
    """(index of the file, text): a mutation of a shipped file or a random YAML document."""
    originals = [p.read_text(encoding="utf-8") for p in files]
    return st.integers(0, len(files) - 1).flatmap(
        lambda i: st.tuples(
            st.just(i),
            st.one_of(mutated(originals[i]), documents.map(_dump), st.text(max_size=200)),
        )
    )


def _fuzz(files: list[Path], load: Callable[[Path], object], named: Callable[[Path], str] = lambda p: p.name) -> None:
    """Overwrite one of ``files`` with each drawn text, load it, and check that it loads or that the
    error names ``named(file)`` (then restore the file)."""

    @SETTINGS
    @given(_texts(files))
    def run(example: tuple[int, str]) -> None:
        i, text = example
        with _Restore(files[i]) as path:
            _write(path, text)
            _check(lambda: load(path), named(path))

    run()


@pytest.mark.parametrize("what", ["module", "quiz", "lesson"])
def test_modules_quizzes_and_lessons(course: Path, params: ParameterSet, what: str) -> None:
    pattern = {
        "module": "[0-9][0-9]_*/module.yaml",
        "quiz": "[0-9][0-9]_*/quiz.yaml",
        "lesson": "[0-9][0-9]_*/lezioni/*.md",
    }

    def folder(path: Path) -> Path:
        return path.parent if what != "lesson" else path.parent.parent

    _fuzz(
        _shipped(course, pattern[what]),
        lambda path: load_module_dir(folder(path), course, params),
        named=lambda path: folder(path).name,
    )


def test_cases(course: Path, params: ParameterSet) -> None:
    _fuzz(_shipped(course, "casi/*.yaml"), lambda path: load_case_file(path, course, params, deep=True))


def test_worksheets(course: Path) -> None:
    _fuzz(_shipped(course, "schede/*.yaml"), lambda path: load_worksheet_file(path, course))


def test_templates(course: Path, params: ParameterSet) -> None:
    _fuzz(_shipped(course, "modelli/*.md"), lambda path: load_template_file(path, course, params))


def test_parameters(tmp_path: Path) -> None:
    counter = itertools.count()

    @SETTINGS
    @given(_texts([PARAMETERS_FILE]))
    def run(example: tuple[int, str]) -> None:
        _, text = example
        path = tmp_path / f"parameters-{next(counter)}.yaml"  # a new file each time: the loader caches by path
        _write(path, text)
        _check(lambda: load_parameters(path), path.name)

    run()


def test_raw_yaml_parser() -> None:
    @SETTINGS
    @given(st.one_of(documents.map(_dump), st.text(max_size=300), st.sampled_from(TRICKY)))
    def run(text: str) -> None:
        try:
            parse_yaml(text, "random.yaml")
        except ContentError as err:
            _assert_content_error_names_file(err, "random.yaml")

    run()
