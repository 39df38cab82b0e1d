"""The course modules: schema and loader (the whole course is listed by :mod:`abitare.overview`).

A course module is a folder ``modules/NN_slug/`` holding ``module.yaml``, lessons
in Markdown and a quiz in YAML. The module id is ``slug``; ``NN`` orders the
course. Everything is validated by pydantic models; every problem is reported
with file, line and an Italian message for the author.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    HttpUrl,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from abitare import numbers
from abitare.contentbase import Schema, check_references, display_path, load_with_parameters, read_content_text
from abitare.errors import ContentError, ContentIssue, UnknownModuleError
from abitare.parameters import ParameterSet, load_parameters
from abitare.validation import validate_located
from abitare.yamlsafe import Located, load_yaml

__all__ = [
    "INPUT_PLACEHOLDER",
    "INTRO_POSITION",
    "QUIZ_POSITION",
    "SCHEMA_VERSION",
    "SUMMARY_POSITION",
    "CourseFile",
    "InputRange",
    "Lesson",
    "Module",
    "ModuleFile",
    "Option",
    "Question",
    "QuizFile",
    "Source",
    "available_items",
    "check_quiz_lessons",
    "load_course",
    "load_module",
    "scan",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: Position keys of a module's opening page, quiz and closing summary
#: (lessons use their own id, so these names are reserved).
INTRO_POSITION = "presentazione"
QUIZ_POSITION = "verifica"
SUMMARY_POSITION = "riepilogo"
RESERVED_POSITIONS = frozenset({INTRO_POSITION, QUIZ_POSITION, SUMMARY_POSITION})

_FOLDER = re.compile(r"^(?P<order>\d{2})_(?P<slug>[a-z0-9][a-z0-9-]*)$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Source(Schema):
    """A source cited at the end of a module."""

    title: Text
    url: HttpUrl | None = None


class GlossaryEntry(Schema):
    """A term of the module's glossary."""

    term: Text
    definition: Text


class Related(Schema):
    """A case, calculator or worksheet that fits the module; shown once it exists."""

    kind: Literal["case", "calculator", "worksheet"]
    id: Slug


class Option(Schema):
    """One answer option, with the feedback shown when it is chosen."""

    text: Text
    correct: bool = False
    feedback: Text


#: ``{name}`` in the text of a calculated question: an input, printed Italian-style.
INPUT_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)\}(?!\})")
#: Most input combinations run at load to check a calculated question (corners of the ranges).
MAX_CORNERS = 64


def _decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text or "E" in text:
        return 6
    _head, _, tail = text.partition(".")
    return 0 if tail == "0" else len(tail)


class InputRange(Schema):
    """A range an input of a calculated question is drawn from: ``min``, ``min + step``, … up to ``max``."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    min: float
    max: float
    step: float = Field(gt=0)

    @model_validator(mode="after")
    def _check(self) -> InputRange:
        if self.max < self.min:
            raise ValueError(f"'max' ({_number_text(self.max)}) è minore di 'min' ({_number_text(self.min)})")
        if (self.max - self.min) / self.step > 100_000:
            raise ValueError("l'intervallo ha più di 100.000 valori: aumenta 'step'")
        return self

    @property
    def integral(self) -> bool:
        return float(self.min).is_integer() and float(self.step).is_integer()

    def count(self) -> int:
        """How many values can be drawn."""
        return int((self.max - self.min) / self.step + 1e-9) + 1

    def value(self, k: int) -> float | int:
        """The ``k``-th value of the range (0-based)."""
        raw = self.min + k * self.step
        if self.integral:
            return round(raw)
        return round(raw, max(_decimals(self.min), _decimals(self.step)))

    def ends(self) -> tuple[float | int, float | int]:
        return self.value(0), self.value(self.count() - 1)


def _number_text(value: float) -> str:
    return numbers.number(value, grouping=False)


def _fixed_value(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value
    raise ValueError("deve essere un valore fisso (un numero, true/false o un testo) o un intervallo {min, max, step}")


def _input_kind(value: Any) -> str:
    return "intervallo[]" if isinstance(value, dict) else "valore[]"


#: An input of a calculated question: a fixed value or a range (tags hidden from messages).
InputValue = Annotated[
    Annotated[InputRange, Tag("intervallo[]")]
    | Annotated[bool | int | float | str, BeforeValidator(_fixed_value), Tag("valore[]")],
    Discriminator(_input_kind),
]


class Question(Schema):
    """A quiz question.

    ``single`` and ``true_false`` have exactly one right option, ``multiple`` at least
    one; ``ordering`` lists its options in the right order (shown shuffled) and marks none.
    ``calculated`` has no options: the learner types a number, checked against the result
    of one of the project's calculators (``abitare.calc``) on inputs drawn from ranges.
    ``lesson`` is the stem of the lesson file the question is about (checked against the
    module's lessons when the module is loaded).
    """

    id: Slug
    type: Literal["single", "multiple", "true_false", "ordering", "calculated"] = "single"
    lesson: Slug | None = None
    text: Text
    options: Annotated[list[Option], Field(min_length=2, max_length=8)] | None = None
    explanation: Text
    calculator: Slug | None = None
    inputs: dict[str, InputValue] | None = None
    answer: Annotated[str, StringConstraints(min_length=1)] | None = None
    tolerance: float = Field(default=0, ge=0, allow_inf_nan=False)
    unit: Text | None = None

    @model_validator(mode="after")
    def _check_correct(self) -> Question:
        if self.type == "calculated":
            return self._check_calculated()
        extra = [name for name in ("calculator", "inputs", "answer", "unit") if getattr(self, name) is not None]
        if self.tolerance:
            extra.append("tolerance")
        if extra:
            raise ValueError(
                f"i campi {', '.join(repr(n) for n in extra)} valgono solo per le domande di tipo 'calculated'"
            )
        if self.options is None:
            raise ValueError("options: campo obbligatorio mancante")
        right = sum(o.correct for o in self.options)
        if self.type == "ordering":
            if right:
                raise ValueError(
                    "in una domanda 'ordering' le opzioni si scrivono nell'ordine giusto, senza 'correct: true'"
                )
            if len(self.options) < 3:
                raise ValueError("una domanda 'ordering' deve avere almeno tre elementi da ordinare")
        if self.type in ("single", "true_false") and right != 1:
            raise ValueError(
                f"una domanda di tipo '{self.type}' deve avere esattamente un'opzione "
                f"con 'correct: true' (ne ha {right})"
            )
        if self.type == "multiple" and right < 1:
            raise ValueError("una domanda di tipo 'multiple' deve avere almeno un'opzione con 'correct: true'")
        if self.type == "true_false" and len(self.options) != 2:
            raise ValueError("una domanda di tipo 'true_false' deve avere esattamente due opzioni (Vero e Falso)")
        texts = [o.text.casefold() for o in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("due opzioni hanno lo stesso testo")
        return self

    def _check_calculated(self) -> Question:
        from abitare.calc import CALCULATORS, CalcInputError  # calculators load parameters: import late

        if self.options is not None:
            raise ValueError("una domanda di tipo 'calculated' non ha 'options': chi risponde scrive un numero")
        missing = [n for n in ("calculator", "inputs", "answer", "unit") if getattr(self, n) is None]
        if missing:
            raise ValueError(
                "a una domanda di tipo 'calculated' mancano i campi " + ", ".join(repr(n) for n in missing)
            )
        assert self.calculator is not None and self.inputs is not None and self.answer is not None
        calculator = CALCULATORS.get(self.calculator)
        if calculator is None:
            raise ValueError(
                f"calculator: il calcolatore '{self.calculator}' non esiste; scegli tra "
                + ", ".join(sorted(CALCULATORS))
            )
        accepted = calculator.inputs.model_fields
        unknown = [name for name in self.inputs if name not in accepted]
        if unknown:
            raise ValueError(
                f"inputs: il calcolatore '{self.calculator}' non ha i dati "
                + ", ".join(repr(n) for n in unknown)
                + "; quelli ammessi sono "
                + ", ".join(sorted(accepted))
            )
        used = {m[1] for field_text in (self.text, self.explanation) for m in INPUT_PLACEHOLDER.finditer(field_text)}
        stray = sorted(used - set(self.inputs))
        if stray:
            raise ValueError(
                "il testo usa " + ", ".join("{" + n + "}" for n in stray) + ", che non è tra gli 'inputs' della domanda"
            )
        unseen = sorted(n for n, v in self.inputs.items() if isinstance(v, InputRange) and n not in used)
        if unseen:
            raise ValueError(
                "il valore estratto di "
                + ", ".join(repr(n) for n in unseen)
                + " non compare nel testo: scrivi "
                + ", ".join("{" + n + "}" for n in unseen)
                + " nel testo della domanda"
            )
        for values in self._corners():
            try:
                result = calculator.compute(calculator.inputs.model_validate(values), _parameters())
            except CalcInputError as err:
                raise ValueError(f"con i dati {_shown(values)} il calcolatore risponde: {err}") from err
            except Exception as err:  # a pydantic ValidationError: say which input is refused
                raise ValueError(
                    f"con i dati {_shown(values)} il calcolatore non accetta gli 'inputs': {_brief(err)}"
                ) from err
            if self.answer not in result.figures:
                raise ValueError(
                    f"answer: il calcolatore '{self.calculator}' non dà la cifra '{self.answer}'; "
                    "quelle che dà sono " + ", ".join(sorted(result.figures))
                )
            value = result.figures[self.answer]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(
                    f"answer: la cifra '{self.answer}' del calcolatore non è un numero "
                    f"(con i dati {_shown(values)} vale {value!r})"
                )
        return self

    def _corners(self) -> list[dict[str, Any]]:
        """The inputs at the ends of the ranges: every combination when there are few ranges,
        otherwise all low, all high and each range high alone (fixed inputs as they are)."""
        assert self.inputs is not None
        ranges = {n: v.ends() for n, v in self.inputs.items() if isinstance(v, InputRange)}
        fixed = {n: v for n, v in self.inputs.items() if not isinstance(v, InputRange)}
        if 2 ** len(ranges) <= MAX_CORNERS:
            picks = list(itertools.product((0, 1), repeat=len(ranges)))
        else:
            picks = [(0,) * len(ranges), (1,) * len(ranges)]
            picks += [tuple(int(j == i) for j in range(len(ranges))) for i in range(len(ranges))]
        combos = [
            {**fixed, **{n: ends[p] for (n, ends), p in zip(ranges.items(), pick, strict=True)}} for pick in picks
        ]
        unique: list[dict[str, Any]] = []
        for combo in combos:
            if combo not in unique:
                unique.append(combo)
        return unique

    @property
    def correct_indexes(self) -> frozenset[int]:
        return frozenset(i for i, o in enumerate(self.options or ()) if o.correct)

    def accepts(self, choice: Iterable[int]) -> bool:
        """Whether ``choice`` is a possible answer to this question as it is written now.

        An answer stored before an author removed an option may no longer be.
        """
        if self.type == "calculated":
            return False  # a calculated answer is a number, checked by abitare.quizbank
        options = self.options or []
        picked = list(choice)
        if not picked or len(set(picked)) != len(picked):
            return False
        if self.type == "ordering":
            return sorted(picked) == list(range(len(options)))
        if self.type != "multiple" and len(picked) != 1:
            return False
        return all(0 <= i < len(options) for i in picked)

    def is_correct(self, choice: Iterable[int]) -> bool:
        """Whether ``choice`` (option indexes; for ``ordering``, in the order given) is right."""
        if self.type == "calculated":
            return False
        if self.type == "ordering":
            return list(choice) == list(range(len(self.options or ())))
        return frozenset(choice) == self.correct_indexes

    @property
    def choices(self) -> list[Option]:
        """The options (none for a calculated question)."""
        return list(self.options or ())


def _parameters() -> ParameterSet:
    return load_parameters()


def _shown(values: dict[str, Any]) -> str:
    return ", ".join(
        f"{k}={_number_text(v) if isinstance(v, float) and not isinstance(v, bool) else v}" for k, v in values.items()
    )


def _brief(err: Exception) -> str:
    from pydantic import ValidationError

    from abitare.validation import italian_message

    if isinstance(err, ValidationError):
        return "; ".join(italian_message(e) for e in err.errors(include_url=False))
    return str(err)


class QuizFile(Schema):
    """The YAML file of a module's quiz.

    With ``draw: N`` each attempt shows N questions drawn from the bank, at least one
    per lesson (so every question needs ``lesson``, checked when the module is loaded).
    """

    schema_version: Literal[1]
    title: Text = "Verifica"
    draw: int | None = Field(default=None, gt=0)
    questions: list[Question] = Field(min_length=1)

    @field_validator("questions")
    @classmethod
    def _unique_ids(cls, questions: list[Question]) -> list[Question]:
        seen: set[str] = set()
        for q in questions:
            if q.id in seen:
                raise ValueError(f"l'id di domanda '{q.id}' è usato più di una volta")
            seen.add(q.id)
        return questions

    @model_validator(mode="after")
    def _draw_fits(self) -> QuizFile:
        if self.draw is not None and self.draw > len(self.questions):
            raise ValueError(
                f"draw: si estraggono {self.draw} domande per tentativo ma il file ne ha solo {len(self.questions)}"
            )
        return self


def check_quiz_lessons(quiz: QuizFile, located: Located, lessons: Iterable[str]) -> list[ContentIssue]:
    """Each question's ``lesson`` names a lesson of the module; with ``draw`` every question
    has one, every lesson has a question, and ``draw`` can cover every lesson."""
    known = list(lessons)
    issues: list[ContentIssue] = []
    covered: set[str] = set()
    for i, q in enumerate(quiz.questions):
        if q.lesson is None:
            if quiz.draw is not None:
                issues.append(
                    ContentIssue(
                        located.path,
                        located.line_for(("questions", i)),
                        f"questions[{i + 1}]: la domanda '{q.id}' non ha 'lesson'; con 'draw' ogni domanda "
                        "deve dire a quale lezione si riferisce (il nome del file della lezione senza .md)",
                    )
                )
            continue
        if q.lesson not in known:
            issues.append(
                ContentIssue(
                    located.path,
                    located.line_for(("questions", i, "lesson")),
                    f"questions[{i + 1}].lesson: la lezione '{q.lesson}' non è tra le lezioni del modulo "
                    f"({', '.join(known)})",
                )
            )
        covered.add(q.lesson)
    if quiz.draw is not None:
        line = located.line_for(("draw",))
        if quiz.draw < len(known):
            issues.append(
                ContentIssue(
                    located.path,
                    line,
                    f"draw: si estraggono {quiz.draw} domande ma il modulo ha {len(known)} lezioni; "
                    "servono almeno tante domande quante lezioni, per coprirle tutte",
                )
            )
        for lesson in known:
            if lesson not in covered:
                issues.append(
                    ContentIssue(
                        located.path,
                        line,
                        f"draw: la lezione '{lesson}' non ha nessuna domanda; con 'draw' ogni lezione "
                        "deve averne almeno una",
                    )
                )
    return issues


class CourseFile(Schema):
    """``modules/course.yaml``: the course as a whole, shown on the home page."""

    schema_version: Literal[1]
    title: Text
    subtitle: Text
    intro: Text
    identity_help: Text


class ModuleFile(Schema):
    """``module.yaml``: what the module is and which files make it."""

    schema_version: Literal[1]
    title: Text
    summary: Text
    estimated_minutes: int = Field(gt=0, le=600)
    objectives: list[Text] = Field(min_length=1)
    lessons: list[Text] = Field(min_length=1)
    quiz: Text | None = None
    sources: list[Source] = Field(default_factory=list)
    glossary: list[GlossaryEntry] = Field(default_factory=list)
    related: list[Related] = Field(default_factory=list)


@dataclass(frozen=True)
class Lesson:
    """A lesson: its id (the file name without ``.md``), title and Markdown body."""

    id: str
    title: str
    markdown: str
    words: int


@dataclass(frozen=True)
class Module:
    """A course module ready to be shown."""

    id: str
    order: int
    folder: Path
    title: str
    summary: str
    estimated_minutes: int
    objectives: tuple[str, ...]
    lessons: tuple[Lesson, ...]
    quiz: QuizFile | None
    sources: tuple[Source, ...] = field(default_factory=tuple)
    glossary: tuple[GlossaryEntry, ...] = field(default_factory=tuple)
    related: tuple[Related, ...] = field(default_factory=tuple)
    #: the quiz file, for tools that point at its lines (``abitare check``'s quiz lint)
    quiz_path: Path | None = None

    @property
    def positions(self) -> tuple[str, ...]:
        """The places a trainee can be in, in order: opening, lessons, quiz, summary."""
        keys = tuple(lesson.id for lesson in self.lessons)
        quiz = (QUIZ_POSITION,) if self.quiz else ()
        return (INTRO_POSITION, *keys, *quiz, SUMMARY_POSITION)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(self.quiz.questions) if self.quiz else ()

    @property
    def words(self) -> int:
        return sum(lesson.words for lesson in self.lessons)


def count_words(text: str) -> int:
    """Words of running text (Markdown markup and numbers are not words)."""
    return len(_WORD.findall(text))


MAX_LESSON_ID = 60


_LINK = re.compile(r"\]\(([^)\s]+)\)")
#: a lesson may link a report page, served by Voilà beside the trainee pages (notebooks/reports/)
_REPORT_PAGE = re.compile(r"^reports/[a-z0-9-]+\.ipynb$")


def _check_links(text: str, path: Path, display: str, content_dir: Path) -> list[ContentIssue]:
    """An issue for each relative Markdown link whose target is missing or outside the course."""
    issues = []
    root = content_dir.resolve()
    for m in _LINK.finditer(text):
        target = m[1].split("#", 1)[0]
        if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, anchors
            continue
        if _REPORT_PAGE.match(target) and (content_dir.parent / "notebooks" / target).is_file():
            continue
        resolved = (path.parent / target).resolve()
        line = text.count("\n", 0, m.start()) + 1
        if not resolved.is_relative_to(root):
            issues.append(ContentIssue(display, line, f"il collegamento '{m[1]}' porta fuori dal corso."))
        elif not resolved.exists():
            issues.append(ContentIssue(display, line, f"il collegamento '{m[1]}' porta a un file che non esiste."))
    return issues


def _read_lesson(path: Path, display: str, params: ParameterSet, content_dir: Path) -> Lesson:
    if len(path.stem) > MAX_LESSON_ID:
        raise ContentError.single(
            display, None, f"il nome del file della lezione supera {MAX_LESSON_ID} caratteri: accorcialo."
        )
    text = read_content_text(path, display)
    issues = check_references(text, display, params) + _check_links(text, path, display, content_dir)
    if issues:
        raise ContentError(issues)
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.startswith("# ") and line[2:].strip():
            body = "\n".join(lines[number:]).strip()
            if not body:
                raise ContentError.single(display, number, "la lezione non ha testo dopo il titolo.")
            title = params.fill_text(line[2:].strip())
            return Lesson(path.stem, title, body, count_words(params.fill_text(body)))
        raise ContentError.single(display, number, "la prima riga della lezione deve essere il titolo: '# Titolo'.")
    raise ContentError.single(display, None, "il file della lezione è vuoto.")


def _inside(folder: Path, relative: str, display: str, line: int | None) -> Path:
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise ContentError.single(display, line, f"il file '{relative}' è fuori dalla cartella del modulo.")
    if not target.is_file():
        raise ContentError.single(display, line, f"il file '{relative}' non esiste.")
    return target


#: a file modified this recently may still change within the same timestamp tick
_SETTLED_NS = 2_000_000_000
#: modules already loaded: (folder, content folder) -> (the files' signature, the parameters, the module)
_LOADED: dict[tuple[Path, Path], tuple[tuple[tuple[str, int, int, int], ...], ParameterSet, Module]] = {}


def _signature(folder: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Every file of a module folder with its modification time, size and inode: a change to any
    shows (an editor that saves by replacing the file gives it a new inode)."""
    files = []
    for path in sorted(folder.rglob("*")):
        with contextlib.suppress(OSError):  # a file removed while we look: the loader will say so
            st = path.stat()
            files.append((str(path.relative_to(folder)), st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(files)


def load_module_dir(folder: Path, content_dir: Path, params: ParameterSet | None = None) -> Module:
    """Load and validate one module folder; all its problems at once.

    A module already loaded in this process, whose files and parameters have not changed
    since, is not read again: a kernel reads the course once before its trainee arrives
    (``TraineeApp.prepare``), and a module page opened later costs no YAML.
    """
    params = params or load_parameters()
    key, signature = (folder, content_dir), _signature(folder)
    cached = _LOADED.get(key)
    if cached is not None and cached[0] == signature and cached[1] is params:
        return cached[2]
    module = _read_module_dir(folder, content_dir, params)
    # kept only when every file is older than the clock's coarsest step: a file rewritten with the same
    # size within the same tick of its modification time would otherwise look unchanged ("racy git")
    settled = time.time_ns() - _SETTLED_NS
    if all(mtime < settled for _, mtime, _, _ in signature):
        _LOADED[key] = (signature, params, module)
    return module


def _read_module_dir(folder: Path, content_dir: Path, params: ParameterSet) -> Module:
    match = _FOLDER.match(folder.name)
    if not match:
        raise ContentError.single(
            display_path(folder, content_dir),
            None,
            "il nome della cartella deve essere NN_nome (due cifre, un trattino basso '_', poi lettere"
            " minuscole, cifre e trattini),"
            " ad esempio 01_sistema-abitativo.",
        )
    yaml_path = folder / "module.yaml"
    display = display_path(yaml_path, content_dir)
    if not yaml_path.is_file():
        raise ContentError.single(display, None, "manca il file module.yaml.")
    located = load_with_parameters(yaml_path, display, params)
    meta = validate_located(ModuleFile, located)

    issues: list[ContentIssue] = []
    lessons: list[Lesson] = []
    for i, name in enumerate(meta.lessons):
        try:
            path = _inside(folder, name, display, located.line_for(("lessons", i)))
            lessons.append(_read_lesson(path, display_path(path, content_dir), params, content_dir))
        except ContentError as err:
            issues.extend(err.issues)
    ids = [lesson.id for lesson in lessons]
    if len(set(ids)) != len(ids) or RESERVED_POSITIONS & set(ids):
        issues.append(
            ContentIssue(
                display,
                located.line_for(("lessons",)),
                "due lezioni hanno lo stesso nome di file, oppure una usa un nome riservato "
                f"({', '.join(sorted(RESERVED_POSITIONS))}).",
            )
        )
    quiz = None
    quiz_path = None
    if meta.quiz:
        try:
            path = quiz_path = _inside(folder, meta.quiz, display, located.line_for(("quiz",)))
            quiz_display = display_path(path, content_dir)
            quiz_located = load_with_parameters(path, quiz_display, params)
            quiz = validate_located(QuizFile, quiz_located)
            lesson_issues = check_quiz_lessons(quiz, quiz_located, [Path(name).stem for name in meta.lessons])
            if lesson_issues:
                raise ContentError(lesson_issues)
        except ContentError as err:
            issues.extend(err.issues)
    if issues:
        raise ContentError(issues)
    return Module(
        id=match["slug"],
        order=int(match["order"]),
        folder=folder,
        title=meta.title,
        summary=meta.summary,
        estimated_minutes=meta.estimated_minutes,
        objectives=tuple(meta.objectives),
        lessons=tuple(lessons),
        quiz=quiz,
        sources=tuple(meta.sources),
        glossary=tuple(meta.glossary),
        related=tuple(meta.related),
        quiz_path=quiz_path,
    )


def _module_folders(content_dir: Path) -> list[Path]:
    if not content_dir.is_dir():
        raise ContentError.single(str(content_dir), None, "la cartella dei contenuti non esiste.")
    # cases, worksheets and document templates (abitare.templates) live beside the modules
    special = {*RELATED_FOLDERS.values(), "modelli"}
    return sorted(
        p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")) and p.name not in special
    )


def scan(content_dir: Path) -> tuple[list[Module], list[ContentIssue]]:
    """Every module that loads, and every problem found, in course order."""
    modules: list[Module] = []
    issues: list[ContentIssue] = []
    try:
        folders = _module_folders(content_dir)
        params = load_parameters()
    except ContentError as err:
        return [], err.issues
    for folder in folders:
        try:
            modules.append(load_module_dir(folder, content_dir, params))
        except ContentError as err:
            issues.extend(err.issues)
        except Exception as err:  # a bug must not hide the other modules
            log.exception("unexpected error loading %s", folder)
            issues.append(ContentIssue(display_path(folder, content_dir), None, f"errore imprevisto: {err}"))
    seen: dict[str, Module] = {}
    unique: list[Module] = []
    for module in sorted(modules, key=lambda m: m.folder.name):
        if module.id in seen:
            issues.append(
                ContentIssue(
                    display_path(module.folder, content_dir),
                    None,
                    f"l'id del modulo '{module.id}' è già usato dalla cartella {seen[module.id].folder.name}.",
                )
            )
            continue
        seen[module.id] = module
        unique.append(module)
    return sorted(unique, key=lambda m: (m.order, m.id)), issues


def load_module(content_dir: Path, module_id: str) -> Module:
    """Load the module whose id is ``module_id``; only its own folder is read."""
    for folder in _module_folders(content_dir):
        match = _FOLDER.match(folder.name)
        if match and match["slug"] == module_id:
            return load_module_dir(folder, content_dir)
    raise UnknownModuleError(module_id)


COURSE_FILE = "course.yaml"

#: Where the content tree keeps the items a module's ``related`` list may point to.
#: Calculators are code, not content: they will register themselves in abitare.
RELATED_FOLDERS = {"case": "casi", "worksheet": "schede"}


def available_items(content_dir: Path) -> frozenset[tuple[str, str]]:
    """The related items that exist now, as (kind, id), so links appear only for them."""
    from abitare.calc import CALCULATORS  # calculators are code: they register themselves

    found: set[tuple[str, str]] = {("calculator", name) for name in CALCULATORS}
    for kind, folder in RELATED_FOLDERS.items():
        found.update((kind, path.stem) for path in (content_dir / folder).glob("*.yaml"))
    return frozenset(found)


def load_course(content_dir: Path) -> CourseFile:
    """The course description (``course.yaml`` at the root of the content)."""
    path = content_dir / COURSE_FILE
    display = display_path(path, content_dir)
    if not path.is_file():
        raise ContentError.single(display, None, f"manca il file {COURSE_FILE}.")
    return validate_located(CourseFile, load_yaml(path, display))
