"""deploy/jupyterhub/jupyterhub_config.py read as JupyterHub reads it, with a stand-in spawner."""

from __future__ import annotations

import runpy
from types import SimpleNamespace

import pytest
from traitlets.config import Config

from tests.deploy.hubrun import HUB_CONFIG


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    for key in (
        "ABITARE_DB_URL", "ABITARE_FACILITATORS", "ABITARE_FACILITATOR_GROUP", "ABITARE_STAFF_GROUP",
        "ABITARE_IDLE_CULLER", "ABITARE_USER_MEM", "ABITARE_USER_CPU", "ABITARE_USER_PYTHON",
    ):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    c = Config()
    runpy.run_path(str(HUB_CONFIG), init_globals={"get_config": lambda: c})
    return c


def spawner(*groups: str) -> SimpleNamespace:
    user = SimpleNamespace(name="anna", groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(
        user=user, environment={"FROM_THE_CHART": "1"}, cmd=["jupyterhub-singleuser"], default_url=""
    )


def test_trainees_get_the_workspace_with_their_groups(monkeypatch):
    c = load(monkeypatch, ABITARE_DB_URL="postgresql+psycopg://abitare@db/abitare", ABITARE_FACILITATORS="giulia")
    s = spawner("corso-2026", "abitare-facilitatori")
    c.Spawner.pre_spawn_hook(s)
    assert s.cmd[:3] == ["python3", "-m", "abitare.hub_proxy"]
    assert s.cmd[-5:] == ["python3", "-m", "abitare.hub", "--port", "{port}"]
    assert s.default_url == "/voila/render/home.ipynb"
    assert s.environment["FROM_THE_CHART"] == "1"  # the platform's own variables are kept
    assert s.environment["ABITARE_DB_URL"] == "postgresql+psycopg://abitare@db/abitare"
    assert s.environment["ABITARE_HUB_GROUPS"](s) == "abitare-facilitatori,corso-2026"
    assert c.JupyterHub.load_groups["abitare-facilitatori"] == {"users": ["giulia"]}
    assert c.JupyterHub.default_url == "/hub/user-redirect/voila/render/home.ipynb"
    assert c.Spawner.mem_limit == "1G" and c.Spawner.cpu_limit == 1.0
    assert [s["name"] for s in c.JupyterHub.services] == ["idle-culler"]


def test_staff_get_jupyterlab(monkeypatch):
    c = load(monkeypatch)
    s = spawner("abitare-staff")
    c.Spawner.pre_spawn_hook(s)
    assert s.cmd == ["jupyterhub-singleuser"] and s.default_url == "/lab"


def test_the_platform_culler_can_take_over(monkeypatch):
    c = load(monkeypatch, ABITARE_IDLE_CULLER="0", ABITARE_USER_MEM="768M")
    assert "services" not in c.JupyterHub
    assert c.Spawner.mem_limit == "768M"


def test_a_spawn_never_changes_the_shared_configuration(monkeypatch):
    c = load(monkeypatch)
    shared = dict(c.Spawner.environment)
    first, second = spawner("abitare-staff"), spawner()
    c.Spawner.pre_spawn_hook(first)
    c.Spawner.pre_spawn_hook(second)
    assert dict(c.Spawner.environment) == shared and "FROM_THE_CHART" not in c.Spawner.environment
    assert first.environment is not second.environment
