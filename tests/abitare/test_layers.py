"""The core library stays plain Python, every module imports, and the public API is what ``__init__`` declares."""

import importlib
import json
import pkgutil
import subprocess
import sys

import abitare
import abitare_widgets

#: Modules that only run inside another program, so importing them on their own is not a test of them.
RUN_ONLY_BY = {
    "abitare.migrations.env": "Alembic's environment script: it reads alembic's context at import time",
}
#: Importing any of these means the core pulled in the user interface.
UI_MODULES = ("ipywidgets", "IPython", "ipykernel")


def all_modules(package) -> list[str]:
    """Every module of ``package``, found by walking its folders (so a new module is covered at once)."""
    names = [package.__name__]
    names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    return sorted(n for n in names if n not in RUN_ONLY_BY)


def imported_after(modules: list[str]) -> dict[str, object]:
    """Import ``modules`` in a fresh interpreter; return which failed and which UI modules came along."""
    code = (
        "import importlib, json, sys\n"
        f"failed = {{}}\nfor name in {modules!r}:\n"
        "    try:\n        importlib.import_module(name)\n"
        "    except Exception as err:\n        failed[name] = repr(err)\n"
        f"print(json.dumps({{'failed': failed, 'ui': [m for m in {UI_MODULES!r} if m in sys.modules]}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_the_walk_finds_the_whole_library():
    core = all_modules(abitare)
    # a package without __init__ (a namespace package) is not walked: these prove the walk goes everywhere
    for name in ("abitare.reports.profilo", "abitare.data.generate", "abitare.calc.canone_sap", "abitare.cli"):
        assert name in core
    assert len(core) > 50
    assert "abitare_widgets.pages" in all_modules(abitare_widgets)


def test_core_never_imports_widgets_or_ipython():
    result = imported_after(all_modules(abitare))
    assert result["failed"] == {}
    assert result["ui"] == []


def test_every_widget_module_imports():
    assert imported_after(all_modules(abitare_widgets))["failed"] == {}


def test_public_api_is_explicit():
    """Each public name exists where ``__init__`` says it lives, and nothing else is exported by accident."""
    assert abitare.__all__ == sorted(abitare._WHERE)
    assert len(abitare.__all__) == len(set(abitare.__all__)) > 10
    for name in abitare.__all__:
        home = importlib.import_module(abitare._WHERE[name])
        assert getattr(abitare, name) is getattr(home, name), name
        assert name in getattr(home, "__all__", [name]), f"{name} is not public in {home.__name__}"
    assert set(dir(abitare)) >= set(abitare.__all__)
