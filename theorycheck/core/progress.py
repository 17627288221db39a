"""Progress on a terminal: which claim runs, and an estimate of what remains.

The estimate of a claim is the time its last stored run took (from the results store); on a
first run, the time recorded with the package (``docs/results.json``, the ``fallback`` timings);
claims with neither count as the median of the known ones (and the estimate says so). The same
display serves any list of named steps (``theorycheck plot`` shows one line per figure).
Progress is written to stderr, one line rewritten in place, and only when both stdout and
stderr are terminals: CI logs and pipes stay quiet.

:func:`track` does the same for the steps of a long computation (a simulation's sweep)::

    for point in track(grid, label="sweep"):
        ...
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Iterable, Iterator, TextIO, TypeVar

T = TypeVar("T")


def is_interactive(stream: TextIO | None = None) -> bool:
    """True when stdout and ``stream`` (default stderr) are terminals."""
    s = stream or sys.stderr
    try:
        return sys.stdout.isatty() and s.isatty()
    except (AttributeError, ValueError):
        return False


def fmt_seconds(s: float) -> str:
    """``12s``, ``3m05s``, ``1h02m``."""
    s = max(0.0, s)
    if s < 60:
        return f"{s:.0f}s"
    if s < 3600:
        return f"{int(s // 60)}m{int(s % 60):02d}s"
    return f"{int(s // 3600)}h{int(s % 3600 // 60):02d}m"


class Progress:
    """Progress of a ``verify`` run.

    ``plan(total, reused, estimates)`` is called once (``estimates``: claim ID -> past
    seconds or ``None`` for the claims that will run), then ``start(id)`` / ``done(id, s)``
    per claim that runs, then ``close()``. ``enabled=None`` means: only on a terminal.
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None,
                 fallback: dict[str, float] | None = None, noun: str = "claims"):
        self.fallback = dict(fallback or {})
        self.noun = noun
        self.from_fallback = 0
        self.stream = stream or sys.stderr
        self.enabled = is_interactive(self.stream) if enabled is None else enabled
        self.total = 0
        self.finished = 0
        self.est: dict[str, float | None] = {}
        self.guess = 0.0
        self.any_known = False
        self._t0 = 0.0
        self._current: str | None = None
        self._width = 0

    def plan(self, total: int, reused: int, estimates: dict[str, float | None]) -> None:
        est = dict(estimates)
        self.from_fallback = 0
        for k, v in est.items():
            if v is None and self.fallback.get(k) is not None:
                est[k] = float(self.fallback[k])
                self.from_fallback += 1
        self.total, self.finished, self.est = total, reused, est
        known = [v for v in est.values() if v is not None]
        self.guess = statistics.median(known) if known else 0.0
        self.any_known = bool(known)
        if reused:
            self._write(f"{reused}/{total} {self.noun} reused from the store", newline=True)

    def remaining(self) -> tuple[float, int]:
        """(estimated seconds left, how many of the remaining claims have no past timing)."""
        left = [v for k, v in self.est.items()]
        unknown = sum(v is None for v in left)
        secs = sum(v if v is not None else self.guess for v in left)
        if self._current is not None:
            cur = self.est.get(self._current)
            elapsed = time.perf_counter() - self._t0
            secs -= min(elapsed, cur if cur is not None else self.guess)
        return max(secs, 0.0), unknown

    def line(self) -> str:
        secs, unknown = self.remaining()
        notes = []
        if self.from_fallback:
            notes.append("first run: times recorded in docs/results.json")
        if unknown:
            notes.append(f"{unknown} never timed")
        est = f"~{fmt_seconds(secs)} left" + (f" ({'; '.join(notes)})" if notes else "")
        if not self.any_known:
            est = "time left unknown (no past timings)"
        return f"[{self.finished + 1}/{self.total}] {self._current}  {est}"

    def start(self, claim_id: str) -> None:
        self._current = claim_id
        self._t0 = time.perf_counter()
        self._write(self.line())

    def done(self, claim_id: str, seconds: float) -> None:
        self.est.pop(claim_id, None)
        self.finished += 1
        self._current = None

    def close(self) -> None:
        self._write("")

    def _write(self, text: str, newline: bool = False) -> None:
        if not self.enabled:
            return
        import shutil

        cols = shutil.get_terminal_size((120, 24)).columns
        if len(text) > cols - 1:  # a wrapped line cannot be rewritten in place
            text = text[: max(cols - 4, 10)] + "..."
        pad = max(self._width - len(text), 0)
        self.stream.write("\r" + text + " " * pad + ("\n" if newline else "\r" if not text else ""))
        self.stream.flush()
        self._width = 0 if newline else len(text)


def track(items: Iterable[T], total: int | None = None, label: str = "", stream: TextIO | None = None,
          enabled: bool | None = None, every: float = 0.5) -> Iterator[T]:
    """Yield ``items`` unchanged while showing ``label i/n, ~time left`` on a terminal.

    The time left is extrapolated from the mean time per item so far; the line is
    refreshed at most every ``every`` seconds. Quiet when not on a terminal.
    """
    s = stream or sys.stderr
    on = is_interactive(s) if enabled is None else enabled
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    t0 = last = time.perf_counter()
    i = 0
    width = 0
    for i, x in enumerate(items, 1):
        yield x
        now = time.perf_counter()
        if on and (now - last >= every or i == total):
            last = now
            rate = (now - t0) / i
            left = f", ~{fmt_seconds(rate * (total - i))} left" if total else ""
            text = f"{label} {i}/{total if total else '?'}{left}"
            s.write("\r" + text + " " * max(width - len(text), 0))
            s.flush()
            width = len(text)
    if on and width:
        s.write("\r" + " " * width + "\r")
        s.flush()
