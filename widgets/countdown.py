"""A timer the browser counts down by itself: the kernel sends the seconds left once.

The page ticks every half second without asking the kernel; the kernel sends a new
value only when the facilitator starts, changes or stops the timer. Times are
relative (seconds left), so the clocks of the server and of the phones need not agree.
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

__all__ = ["Countdown"]

_ESM = r"""
function render({ model, el }) {
  el.classList.add("abitare-timer");
  el.setAttribute("role", "timer");
  let deadline = null;
  const fmt = (s) => {
    s = Math.ceil(s);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  };
  const tick = () => {
    if (deadline === null) { el.hidden = true; el.textContent = ""; return; }
    el.hidden = false;
    const left = (deadline - Date.now()) / 1000;
    el.classList.toggle("abitare-timer-done", left <= 0);
    el.textContent = left > 0 ? model.get("label") + " " + fmt(left) : model.get("done_label");
  };
  const sync = () => {
    const s = model.get("seconds");
    deadline = s < 0 ? null : Date.now() + s * 1000;
    tick();
  };
  model.on("change:seconds", sync);
  model.on("change:version", sync);
  sync();
  const timer = setInterval(tick, 500);
  return () => clearInterval(timer);
}
export default { render };
"""


class Countdown(anywidget.AnyWidget):
    """``set(seconds)`` starts it, ``set(None)`` hides it."""

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    seconds = traitlets.Float(-1.0).tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    label = traitlets.Unicode("Tempo rimasto:").tag(sync=True)
    done_label = traitlets.Unicode("Tempo scaduto").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: float | None = None

    def set(self, seconds: float | None, *, key: Any = None) -> None:
        """Show ``seconds`` left (None: no timer); ``key`` identifies the timer so an
        unchanged one is not sent again at every poll."""
        marker = None if seconds is None else key
        if marker == self._shown and marker is not None:
            return
        self._shown = marker
        self.seconds = -1.0 if seconds is None else float(seconds)
        self.version += 1
