"""The workspace's Voilà for one user under JupyterHub (started by :mod:`abitare.hub`).

:class:`abitare.voila_app.AbitareVoila` with one more address: the server's root
(``/user/<name>/``, where the hub's "Start My Server" button and old bookmarks lead)
opens the home page instead of an empty 404.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler

from abitare.serve import HOME_NOTEBOOK
from abitare.voila_app import AbitareVoila

__all__ = ["HubVoila", "main"]


class HubVoila(AbitareVoila):
    """AbitareVoila whose root address redirects to the home page."""

    def init_handlers(self) -> list[Any]:
        home = url_path_join(self.base_url, "voila", "render", HOME_NOTEBOOK)
        root = (url_path_join(self.server_url, "/?") + "$", RedirectHandler, {"url": home})
        return [root, *super().init_handlers()]


def main() -> None:
    """``python -m abitare.hub_voila``: what ``abitare.hub`` runs."""
    from abitare import serverlog

    serverlog.install()  # no query string (participant code) in the server log
    HubVoila.launch_instance()


if __name__ == "__main__":
    main()
