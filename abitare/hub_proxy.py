"""``jhsingle-native-proxy`` as the user's server under JupyterHub, fit for Tornado ≥ 6.6.

jhsingle-native-proxy checks with the hub that the browser belongs to the user, then
proxies to the workspace's Voilà. Its websocket handler calls ``check_origin`` for
every websocket; since Tornado 6.6 the default ``check_origin`` is meant for
cross-origin requests only and refuses them all, so every kernel websocket got a 403
and no page could work. This wrapper restores the same-origin check (the page's
``Origin`` must be the address it was served from, ``Host``) and runs the proxy.

Started by the hub (deploy/jupyterhub/jupyterhub_config.py) as
``python -m abitare.hub_proxy [jhsingle-native-proxy options] -- python -m abitare.hub --port {port}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

__all__ = ["main", "same_origin"]


def same_origin(handler: Any, origin: str) -> bool:
    """True when the websocket comes from a page of this very address."""
    host = handler.request.headers.get("Host") or ""
    return bool(host) and urlparse(origin).netloc.lower() == host.lower()


def main() -> None:
    from jhsingle_native_proxy import websocket  # type: ignore[import-untyped]
    from jhsingle_native_proxy.main import run  # type: ignore[import-untyped]

    websocket.WebSocketHandlerMixin.check_origin = same_origin
    run()


if __name__ == "__main__":
    main()
