"""environment.yml and pyproject.toml list the same dependencies with the same bounds."""

import re
import tomllib

from ruamel.yaml import YAML

from abitare.paths import PROJECT_ROOT


def _norm(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", spec)
    assert match, spec
    name = re.sub(r"[-_.]+", "-", match[1].lower())  # extras such as [binary] are pip-only
    return name, match[3].replace(" ", "")


def test_environment_matches_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_norm(s) for s in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_norm(s) for s in extra}
    env = YAML(typ="safe").load((PROJECT_ROOT / "environment.yml").read_text())
    conda = {_norm(s) for s in env["dependencies"] if isinstance(s, str)}
    conda -= {_norm("pip")}
    conda = {(n, v) for n, v in conda if n != "python"}
    assert conda == wanted
