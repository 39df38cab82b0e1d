"""JupyterHub for the abitare workspace: each user's server is the workspace, in Voilà.

Used as it is (``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py``), as a snippet of
The Littlest JupyterHub (copied into ``/opt/tljh/config/jupyterhub_config.d/``, see
deploy/tljh/README.md), and by the hub test (tests/deploy/test_hub.py loads this file,
then sets only the authenticator, spawner and addresses of the test).

What it sets:

- **the user's server is the workspace**: ``jhsingle-native-proxy`` (it checks with the
  hub that the browser is that user's, then proxies; run through ``abitare.hub_proxy``,
  which fixes its websocket check for Tornado >= 6.6) starts ``python -m abitare.hub``,
  the same Voilà as ``abitare serve`` at the user's prefix. The hub opens it at the
  home page (``default_url``): no JupyterLab, no code to type. Members of the staff
  group (``ABITARE_STAFF_GROUP``, default ``abitare-staff``) get JupyterLab instead
  (``jupyterhub-singleuser``), for the reports.
- **the participant is the hub user**: the hub gives every server ``JUPYTERHUB_USER``,
  which the workspace uses as the participant (abitare.identity.hub_user).
- **facilitators are a hub group** (``ABITARE_FACILITATOR_GROUP``, default
  ``abitare-facilitatori``): the spawner writes the user's hub groups into
  ``ABITARE_HUB_GROUPS`` when the server starts; members open «La classe» with no secret,
  other users are refused. ``ABITARE_FACILITATORS=giulia,marco`` adds users to the group
  at hub start; the admin page (``/hub/admin``) or the API manage it later (a change
  counts from the user's next server start).
- **one shared database**: ``ABITARE_DB_URL`` (PostgreSQL, e.g.
  ``postgresql+psycopg://abitare:…@dbhost/abitare``) is passed to every server. Run
  ``abitare db upgrade`` with it once before the hub starts (and after each upgrade).
- **idle servers are stopped**: the ``jupyterhub-idle-culler`` service stops a server
  unused for ``ABITARE_CULL_TIMEOUT`` seconds (default 3600). The workspace tells the
  hub it is in use while a page is open (abitare.hub). ``ABITARE_IDLE_CULLER=0`` leaves
  culling to the platform's own culler (TLJH, Z2JH).
- **limits per user** (``ABITARE_USER_MEM``, default ``1G``; ``ABITARE_USER_CPU``,
  default ``1``): sized from the measured memory of a trainee's server (README, "Deploy
  for a class, for the Ambito"). Spawners that enforce them: SystemdSpawner (TLJH),
  KubeSpawner (Z2JH), DockerSpawner; a plain local process spawner does not.

Authentication is the deployment's own (TLJH and Z2JH set theirs); this file does not
choose one.
"""

from __future__ import annotations

import os
import sys

c = get_config()  # type: ignore[name-defined]  # noqa: F821  (provided by JupyterHub)

FACILITATOR_GROUP = os.environ.get("ABITARE_FACILITATOR_GROUP", "abitare-facilitatori")
STAFF_GROUP = os.environ.get("ABITARE_STAFF_GROUP", "abitare-staff")
FACILITATORS = [u.strip() for u in os.environ.get("ABITARE_FACILITATORS", "").split(",") if u.strip()]
DB_URL = os.environ.get("ABITARE_DB_URL", "")
PYTHON = os.environ.get("ABITARE_USER_PYTHON", "python3")  # the Python of the users' environment
HOME_URL = "/voila/render/home.ipynb"

if not DB_URL:
    print(
        "abitare: ABITARE_DB_URL is not set: every user's server would keep its own SQLite file and the "
        "facilitators would see nobody. Set it to the shared PostgreSQL (README: Deploy for a class, for the Ambito).",
        file=sys.stderr,
    )


def user_groups(spawner) -> str:  # type: ignore[no-untyped-def]
    """The user's hub groups, comma separated, for ABITARE_HUB_GROUPS."""
    return ",".join(sorted(group.name for group in spawner.user.groups))


# --- the user's server: the workspace in Voilà ---------------------------------------------
WORKSPACE_CMD = [
    PYTHON,
    "-m",
    "abitare.hub_proxy",  # jhsingle-native-proxy, with a websocket origin check fit for Tornado >= 6.6
    "--authtype=oauth",
    "--destport=0",  # a free local port for Voilà
    "--ready-timeout=120",
    "--request-timeout=300",
    "--last-activity-interval=0",  # the workspace reports activity itself (abitare.hub)
    "--",
    PYTHON,
    "-m",
    "abitare.hub",
    "--port",
    "{port}",
]
WORKSPACE_ENV = {
    "ABITARE_DB_URL": DB_URL,
    "ABITARE_FACILITATOR_GROUP": FACILITATOR_GROUP,
    "ABITARE_HUB_GROUPS": user_groups,
}
c.Spawner.cmd = WORKSPACE_CMD
c.Spawner.default_url = HOME_URL
c.Spawner.environment = WORKSPACE_ENV
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.mem_limit = os.environ.get("ABITARE_USER_MEM", "1G")
c.Spawner.cpu_limit = float(os.environ.get("ABITARE_USER_CPU", "1"))
# after logging in, straight to the workspace's home page (the hub starts the server if needed)
c.JupyterHub.default_url = "/hub/user-redirect" + HOME_URL


def abitare_spawn(spawner) -> None:  # type: ignore[no-untyped-def]
    """Per user, at each start: the workspace (or JupyterLab for staff) and its environment.

    Set here as well as above because platform spawners (KubeSpawner in Zero to JupyterHub)
    may set their own ``cmd``/``environment`` from the chart's values, which would win over
    ``c.Spawner``. New objects are assigned, never the shared configuration changed in place.
    """
    groups = {group.name for group in spawner.user.groups}
    spawner.environment = {**spawner.environment, **WORKSPACE_ENV}
    if STAFF_GROUP in groups:
        spawner.cmd = ["jupyterhub-singleuser"]
        spawner.default_url = "/lab"
    else:
        spawner.cmd = list(WORKSPACE_CMD)
        spawner.default_url = HOME_URL


c.Spawner.pre_spawn_hook = abitare_spawn

# --- groups --------------------------------------------------------------------------------
c.JupyterHub.load_groups = {
    FACILITATOR_GROUP: {"users": FACILITATORS},
    STAFF_GROUP: {"users": []},
}

# --- idle servers are stopped --------------------------------------------------------------
# ABITARE_IDLE_CULLER=0 leaves it to the platform (TLJH's services.cull, Z2JH's cull: section)
if os.environ.get("ABITARE_IDLE_CULLER", "1") != "0":
    c.JupyterHub.load_roles = [
        {
            "name": "abitare-idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        }
    ]
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={int(os.environ.get('ABITARE_CULL_TIMEOUT', '3600'))}",
                "--cull-every=300",
            ],
        }
    ]
