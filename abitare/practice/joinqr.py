"""The address that opens a session's worksheet, and its QR code as SVG.

The board shows both: participants scan the code with a phone camera (no outside
service: the QR code is drawn here by ``segno``) or type the short address.
The address is built from the one the board itself was opened with, so it
works behind a proxy or JupyterHub as long as the participants reach the same
server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = ["WORKSHEET_PAGE", "join_url", "qr_svg", "short_address"]

WORKSHEET_PAGE = "scheda.ipynb"


def join_url(code: str, environ: Mapping[str, str] | None = None) -> str:
    """The worksheet's address with the session ``code`` filled in.

    Absolute when the board's own address is known (Voilà gives it to the kernel as
    ``VOILA_REQUEST_URL``), relative to the board's page otherwise.
    """
    env = os.environ if environ is None else environ
    query = "s=" + quote(code, safe="")
    request = env.get("VOILA_REQUEST_URL", "")
    parts = urlsplit(request)
    if parts.scheme in ("http", "https") and parts.netloc:
        folder = parts.path.rsplit("/", 1)[0]
        return urlunsplit((parts.scheme, parts.netloc, f"{folder}/{WORKSHEET_PAGE}", query, ""))
    return f"{WORKSHEET_PAGE}?{query}"


def short_address(url: str) -> str:
    """What to read out or write on a whiteboard: the address without ``http://``."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return url.split("://", 1)[1]
    return url


def qr_svg(url: str, *, scale: int = 6, title: str = "Codice QR per entrare nella sessione") -> str:
    """An inline ``<svg>`` QR code of ``url`` (error correction M, quiet zone of 4 modules)."""
    import segno  # deferred: only the board draws QR codes

    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(scale=scale, border=4, title=title, svgclass="abitare-qr-code", dark="#000", light="#fff")
