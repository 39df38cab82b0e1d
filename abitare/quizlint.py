"""Quiz items that give their answer away, found by ``abitare check``.

Three checks, no stricter than the authors' rules for the question bank:

- a qualifier in brackets at the end of some options only («(valore indicativo)»,
  «(da verificare)»…): the reader learns which options the author doubts;
- the right option is the longest in more than half of a quiz's single-choice items;
- every true/false item of a quiz has the same key.

Each problem names the quiz file, the line and the item id, in Italian.
"""

from __future__ import annotations

import re
from pathlib import Path

from abitare.content import Module, Question
from abitare.errors import ContentError, ContentIssue
from abitare.yamlsafe import Located, load_yaml

__all__ = ["BLOCKING", "lint_module", "lint_modules"]

#: Whether ``abitare check`` fails on these problems (on: the shipped quizzes pass; a trainer
#: who writes a quiz that gives its answer away is told so before the class sees it).
BLOCKING = True

#: A bracketed remark at the end of an option (a final full stop allowed after it).
_SUFFIX = re.compile(r"\(([^()]*)\)\s*\.?\s*$")
#: What makes such a remark a qualifier of the option's truth rather than a gloss.
_QUALIFIER = re.compile(
    r"indicativ|verificat|da verificare|stimat|approssimativ|\bcirca\b|\bvalore\b|\bfonte\b|ufficial|aggiornat|"
    r"in vigore|\bforse\b|incert|presunt",
    re.IGNORECASE,
)


def _qualifier(text: str) -> str | None:
    match = _SUFFIX.search(text)
    if match and _QUALIFIER.search(match[1]):
        return f"({match[1].strip()})"
    return None


def _is_true(text: str) -> bool:
    return text.strip().casefold().startswith("vero")


def lint_module(module: Module, content_dir: Path) -> list[ContentIssue]:
    """The giveaways in a module's quiz (none when it has no quiz)."""
    quiz = module.quiz
    if quiz is None:
        return []
    path = module.quiz_path or module.folder / "quiz.yaml"
    try:
        display = str(path.relative_to(content_dir.parent))
    except ValueError:
        display = str(path)
    try:
        located: Located | None = load_yaml(path, display)
    except ContentError:  # it loaded a moment ago; without lines the messages still name the item
        located = None

    issues: list[ContentIssue] = []
    index = {q.id: i for i, q in enumerate(quiz.questions)}

    def issue(q: Question | None, message: str) -> ContentIssue:
        loc = ("questions", index[q.id]) if q is not None else ("questions",)
        return ContentIssue(display, located.line_for(loc) if located else None, message)

    for q in quiz.questions:
        if q.type not in ("single", "multiple"):
            continue
        marked = [(i, _qualifier(o.text)) for i, o in enumerate(q.choices)]
        with_suffix = [(i, s) for i, s in marked if s]
        if with_suffix and len(with_suffix) < len(marked):
            shown = ", ".join(sorted({s for _, s in with_suffix if s}))
            issues.append(
                issue(
                    q,
                    f"domanda '{q.id}': solo alcune opzioni finiscono con {shown}; una nota così dice a chi "
                    "risponde quali opzioni sono dubbie. Toglila, oppure mettila su tutte o nella spiegazione.",
                )
            )

    singles = [q for q in quiz.questions if q.type == "single"]
    longest = []
    for q in singles:
        lengths = [len(o.text) for o in q.choices]
        right = next(i for i, o in enumerate(q.choices) if o.correct)
        if lengths[right] == max(lengths) and lengths.count(max(lengths)) == 1:
            longest.append(q.id)
    if singles and len(longest) * 2 > len(singles):
        issues.append(
            issue(
                None,
                f"la risposta giusta è l'opzione più lunga in {len(longest)} domande a risposta singola su "
                f"{len(singles)} (più della metà): chi non sa la risposta la indovina scegliendo la più lunga. "
                f"Rendi le opzioni di lunghezza simile, per esempio in: {', '.join(longest)}.",
            )
        )

    true_false = [
        (q, _is_true(next(o.text for o in q.choices if o.correct))) for q in quiz.questions if q.type == "true_false"
    ]
    if len(true_false) >= 2 and len({key for _, key in true_false}) == 1:
        key = "Vero" if true_false[0][1] else "Falso"
        every = "entrambe le" if len(true_false) == 2 else f"tutte le {len(true_false)}"
        issues.append(
            issue(
                true_false[0][0],
                f"{every} domande vero/falso hanno come risposta giusta «{key}» "
                f"({', '.join(q.id for q, _ in true_false)}): chi risponde sempre «{key}» le indovina tutte. "
                "Alterna le affermazioni vere e quelle false.",
            )
        )
    return issues


def lint_modules(modules: list[Module], content_dir: Path) -> list[ContentIssue]:
    """The giveaways of every module's quiz, in course order."""
    return [i for m in modules for i in lint_module(m, content_dir)]
