"""The server's log names no session code, participant code or other query value.

Links carry the participant's code and the session's join code in the query string
(``?p=…``, ``?s=…``). Tornado writes the whole address into the log whenever a request
fails or is logged (``404 GET /voila/render/x.ipynb?s=CODE&p=NAME``), and the request's
``repr`` (with the address) after an uncaught exception. :func:`install` makes both
show the path only; the query string never reaches the log.
"""

from __future__ import annotations

from tornado.httputil import HTTPServerRequest
from tornado.web import RequestHandler

__all__ = ["install", "request_repr", "request_summary"]


def request_summary(handler: RequestHandler) -> str:
    """``GET /path (ip)``: what Tornado writes for a request, without its query string."""
    request = handler.request
    return f"{request.method} {request.path} ({request.remote_ip})"


def request_repr(request: HTTPServerRequest) -> str:
    return f"{type(request).__name__}(protocol={request.protocol!r}, method={request.method!r}, path={request.path!r})"


def install() -> None:
    """Patch Tornado, in this process only (the server), so its log omits query strings."""
    RequestHandler._request_summary = request_summary  # type: ignore[method-assign,assignment]
    HTTPServerRequest.__repr__ = request_repr  # type: ignore[method-assign]
