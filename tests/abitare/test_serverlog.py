"""The server's log lines for a request show its path, never its query string (codes travel there)."""

from __future__ import annotations

import pytest
from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine
from tornado.web import Application, RequestHandler

from abitare.serverlog import request_repr, request_summary

pytestmark = pytest.mark.hostile


class _Connection:
    def set_close_callback(self, callback: object) -> None:
        pass


def test_a_logged_request_has_no_query_string() -> None:
    request = HTTPServerRequest(
        start_line=RequestStartLine("GET", "/voila/render/scheda.ipynb?s=ABCD2345&p=Zelinda", "HTTP/1.1"),
        headers=HTTPHeaders({"Host": "127.0.0.1"}),
        connection=_Connection(),  # type: ignore[arg-type]
    )
    handler = RequestHandler(Application(), request)
    assert request_summary(handler).startswith("GET /voila/render/scheda.ipynb (")
    for text in (request_summary(handler), request_repr(request)):
        assert "ABCD2345" not in text and "Zelinda" not in text
