"""The whole course at a glance: what ``abitare check`` loads, counts and finds wrong.

It sits above every kind of content (modules, cases, worksheets, templates) and the
quiz lint, so none of them needs to import another to be listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from abitare import quizlint
from abitare.cases.schema import scan_cases
from abitare.content import load_course, scan
from abitare.errors import ContentError
from abitare.practice.worksheets import scan_worksheets
from abitare.templates import scan_templates

__all__ = ["inventory"]


def inventory(content_dir: Path) -> dict[str, Any]:
    """What ``abitare check --json`` prints: modules, cases, worksheets, templates and errors."""
    modules, issues = scan(content_dir)
    cases, case_issues = scan_cases(content_dir) if content_dir.is_dir() else ([], [])
    sheets, sheet_issues = scan_worksheets(content_dir) if content_dir.is_dir() else ([], [])
    templates, template_issues = scan_templates(content_dir) if content_dir.is_dir() else ([], [])
    issues = [*issues, *case_issues, *sheet_issues, *template_issues]
    giveaways = quizlint.lint_modules(modules, content_dir)
    warnings = [] if quizlint.BLOCKING else giveaways
    if quizlint.BLOCKING:
        issues = [*issues, *giveaways]
    if content_dir.is_dir():
        try:
            load_course(content_dir)
        except ContentError as err:
            issues = [*err.issues, *issues]
    return {
        "modules": [
            {
                "id": m.id,
                "title": m.title,
                "lessons": len(m.lessons),
                "questions": len(m.questions),
                "words": m.words,
            }
            for m in modules
        ],
        "cases": [
            {
                "id": c.id,
                "title": c.title,
                "module": c.data.module,
                "nodes": len(c.data.nodes),
                "endings": len(c.data.endings),
            }
            for c in cases
        ],
        "worksheets": [
            {"id": ws.id, "title": ws.title, "module": ws.data.module, "fields": len(ws.data.fields)} for ws in sheets
        ],
        "templates": [
            {"id": t.id, "title": t.title, "lessons": list(t.data.lessons), "fields": len(t.data.fields)}
            for t in templates
        ],
        "errors": [i.as_dict() for i in issues],
        "warnings": [i.as_dict() for i in warnings],
    }
