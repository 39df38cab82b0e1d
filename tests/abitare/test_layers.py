"""The core library stays plain Python, and its public API does not drift."""

import subprocess
import sys

import abitare

PUBLIC = {
    "AbitareError",
    "AnswerRecord",
    "ContentError",
    "ContentIssue",
    "DatabaseNotReadyError",
    "Lesson",
    "Module",
    "Participant",
    "ParticipantCodeError",
    "ProgressStore",
    "Question",
    "QuizFile",
    "Settings",
    "StorageError",
    "get_settings",
    "inventory",
    "load_module",
    "scan",
}


def test_core_never_imports_widgets_or_ipython():
    code = (
        "import sys, abitare, abitare.cli, abitare.serve, abitare.text, abitare.storage, abitare.data,"
        " abitare.reports.profilo, abitare.reports.runner;"
        "bad = [m for m in ('ipywidgets', 'IPython', 'ipykernel') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_is_explicit():
    assert set(abitare.__all__) == PUBLIC
    for name in abitare.__all__:
        assert getattr(abitare, name) is not None
