"""The address bar and the kernel in step: moving between pages without a new page.

Every trainee page (home, module, case, calculator, glossary, simulation, worksheet)
is a *view* of one application kept by one kernel. This small front-end piece
(an anywidget: a few lines of JavaScript, no build step) catches clicks on links
to those pages, puts the new address in the browser's history and asks the
kernel to show the view; the browser's back and forward buttons do the same.
Links to anything else (the facilitator's pages, downloads, other sites) are
left alone. When the page is closed it tells the server, so the kernel is shut
down at once instead of waiting for the idle cull.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

__all__ = ["Router"]

_ESM = r"""
function pageOf(href, pages) {
  const url = new URL(href, window.location.href);
  if (url.origin !== window.location.origin) return null;
  const name = url.pathname.split("/").pop();
  return pages.includes(name) ? url : null;
}

function render({ model, el }) {
  el.style.display = "none";
  const pages = model.get("pages");
  const go = (url, how) => {
    model.send({ go: url.pathname.split("/").pop() + url.search, how: how });
  };
  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self")) return;
    const url = pageOf(link.getAttribute("href"), pages);
    if (!url) return;
    event.preventDefault();
    if (url.href !== window.location.href) window.history.pushState({ abitare: true }, "", url.href);
    go(url, "link");
  };
  const onPop = () => {
    const url = pageOf(window.location.href, pages);
    if (url) go(url, "history");
  };
  const onHide = () => {
    const kernel = model.get("kernel_id");
    const close = model.get("close_url");
    if (kernel && close && navigator.sendBeacon) navigator.sendBeacon(close + kernel);
  };
  const onMessage = (msg) => {
    if (msg && msg.url) {
      const url = new URL(msg.url, window.location.href);
      if (msg.how === "replace") window.history.replaceState({ abitare: true }, "", url.href);
      else if (url.href !== window.location.href) window.history.pushState({ abitare: true }, "", url.href);
    }
    if (msg && msg.title) document.title = msg.title;
    if (msg && msg.shown) {
      window.scrollTo(0, 0);
      const main = document.querySelector(".abitare-view h1, .abitare-view h2");
      if (main) { main.setAttribute("tabindex", "-1"); main.focus({ preventScroll: true }); }
    }
  };
  document.addEventListener("click", onClick);
  window.addEventListener("popstate", onPop);
  window.addEventListener("pagehide", onHide);
  model.on("msg:custom", onMessage);
  return () => {
    document.removeEventListener("click", onClick);
    window.removeEventListener("popstate", onPop);
    window.removeEventListener("pagehide", onHide);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
"""


class Router(anywidget.AnyWidget):
    """Catches in-app links and history moves; ``on_go`` receives ``(page_and_query, how)``."""

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    pages = traitlets.List(traitlets.Unicode(), help="page names shown inside the app").tag(sync=True)
    kernel_id = traitlets.Unicode("", help="this page's kernel, shut down when the page closes").tag(sync=True)
    close_url = traitlets.Unicode("", help="where the page posts its kernel id when it closes").tag(sync=True)

    def __init__(self, pages: list[str], on_go: Callable[[str, str], None], **kwargs: Any) -> None:
        super().__init__(pages=pages, **kwargs)
        self._on_go = on_go
        self.on_msg(self._handle)

    def _handle(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and isinstance(content.get("go"), str):
            self._on_go(content["go"][:2000], str(content.get("how", "link")))

    def show(
        self, url: str | None = None, *, replace: bool = False, title: str | None = None, moved: bool = True
    ) -> None:
        """Tell the browser the view changed: new address (pushed or replaced), title; when
        ``moved``, scroll to the top and put the focus on the new view's heading."""
        msg: dict[str, Any] = {"shown": moved}
        if url is not None:
            msg["url"] = url
            msg["how"] = "replace" if replace else "push"
        if title:
            msg["title"] = title
        self.send(msg)
