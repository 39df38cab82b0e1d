"""Who is on the page: a pseudonymous participant code, or the JupyterHub user.

The identity travels in the page's query string (``?p=<code>``). Voilà puts it in
``QUERY_STRING``; a preheated kernel (only the trainee application is preheated)
receives it only when a page claims the kernel, so :func:`wait_for_request` waits
for it without blocking the kernel, with a few lines instead of importing
``voila.utils`` (which costs seconds of CPU in every kernel).
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import parse_qs

from abitare.errors import ParticipantCodeError

__all__ = [
    "DEFAULT_FACILITATOR_GROUP",
    "HUB_GROUPS_ENV",
    "HUB_USER_ENV",
    "display_code",
    "hub_facilitator",
    "hub_groups",
    "hub_user",
    "is_preheated",
    "normalize_code",
    "parse_query",
    "request_page",
    "request_query",
    "wait_for_request",
]

log = logging.getLogger(__name__)

HUB_USER_ENV = "JUPYTERHUB_USER"
#: the hub groups of the user, comma separated, set by the hub's spawner (deploy/jupyterhub)
HUB_GROUPS_ENV = "ABITARE_HUB_GROUPS"
#: members of this hub group open the facilitators' pages with no secret (ABITARE_FACILITATOR_GROUP)
DEFAULT_FACILITATOR_GROUP = "abitare-facilitatori"
MAX_CODE = 40
_ALLOWED = re.compile(r"^[^\W_][\w .'’-]*$", re.UNICODE)


def display_code(raw: str) -> str:
    """The code as the participant typed it, tidied: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", raw).split())


MAX_HUB_NAME = 80


def normalize_code(raw: str, *, trusted: bool = False) -> str:
    """The key under which a participant is stored.

    Case and repeated spaces do not matter ("Mario Rossi" = "mario  rossi"), so a
    trainee who comes back days later finds their work however they type it.
    ``trusted`` names (the JupyterHub user, which may be an e-mail address) skip
    the character rules, which exist for codes typed on the home page.
    """
    shown = display_code(raw)
    if trusted:
        if not 0 < len(shown) <= MAX_HUB_NAME:
            raise ParticipantCodeError(f"Il nome utente deve avere da 1 a {MAX_HUB_NAME} caratteri.")
        return shown.casefold()
    if len(shown) < 3:
        raise ParticipantCodeError("Il codice deve avere almeno 3 caratteri.")
    if len(shown) > MAX_CODE:
        raise ParticipantCodeError(f"Il codice può avere al massimo {MAX_CODE} caratteri.")
    if not _ALLOWED.match(shown):
        raise ParticipantCodeError(
            "Il codice può contenere solo lettere, cifre, spazi, punti, apostrofi e trattini,"
            " e deve iniziare con una lettera o una cifra."
        )
    return shown.casefold()


def hub_user(environ: Mapping[str, str] | None = None) -> str | None:
    """The JupyterHub user name when running under a hub, else None."""
    env = os.environ if environ is None else environ
    return env.get(HUB_USER_ENV) or None


def hub_groups(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """The hub groups the spawner passed for this user (empty outside a hub)."""
    env = os.environ if environ is None else environ
    return frozenset(g.strip() for g in env.get(HUB_GROUPS_ENV, "").split(",") if g.strip())


def hub_facilitator(group: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The hub user's name when they are a member of the facilitators' ``group``, else None.

    The spawner writes the groups into the server's environment from the hub's own
    records when the server starts (a trainee cannot change them; a change of
    membership counts from the user's next server start).
    """
    user = hub_user(environ)
    return user if user and group and group in hub_groups(environ) else None


def _query_url(environ: Mapping[str, str]) -> str:
    """Where a preheated kernel learns the request that claimed it (Voilà's query socket)."""
    protocol = environ.get("VOILA_WS_PROTOCOL", "ws")
    host = environ.get("VOILA_APP_IP", "127.0.0.1")
    port = environ.get("VOILA_APP_PORT", "8866")
    base = environ.get("VOILA_WS_BASE_URL", environ.get("VOILA_SERVER_URL", "/"))
    kernel = environ.get("VOILA_KERNEL_ID", "")
    return f"{protocol}://{host}:{port}{base}voila/query/{kernel}"


def is_preheated(environ: Mapping[str, str] | None = None) -> bool:
    """True in a kernel Voilà started in advance, before any page asked for it."""
    env = os.environ if environ is None else environ
    return env.get("VOILA_PREHEAT") == "True" and bool(env.get("VOILA_KERNEL_ID"))


async def wait_for_request(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Wait, without blocking the kernel, until a page claims this preheated kernel.

    Returns the request's CGI-style variables (``QUERY_STRING``, ``SCRIPT_NAME``…),
    also copied into ``os.environ``; an empty dict if the server cannot be reached.
    """
    from tornado.websocket import websocket_connect  # tornado runs the kernel already

    env = os.environ if environ is None else environ
    url = _query_url(env)
    try:
        ws = await websocket_connect(url)
        raw = await ws.read_message()  # the page may come long after the kernel was preheated
        ws.close()
        info = json.loads(raw) if isinstance(raw, str) else {}
    except Exception as err:  # network errors of any kind: the page then starts with no query
        log.warning("request of preheated kernel not received from %s: %r", url, err)
        return {}
    found = {str(k): str(v) for k, v in info.items()}
    os.environ.update(found)
    return found


def parse_query(raw: str) -> dict[str, str]:
    """Query string → first value of each parameter."""
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=False).items() if v}


def request_page(environ: Mapping[str, str] | None = None) -> str:
    """The page name the browser asked for (``modulo.ipynb``), from ``SCRIPT_NAME``."""
    env = os.environ if environ is None else environ
    return env.get("SCRIPT_NAME", "").rstrip("/").rsplit("/", 1)[-1]


def request_query(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The query parameters of a page started for its request (first value of each), empty outside Voilà.

    The facilitators' pages are never preheated; the trainee application, which is, reads
    its request with :func:`wait_for_request`.
    """
    env = os.environ if environ is None else environ
    return parse_query(env.get("QUERY_STRING", ""))
