"""Running claims and presenting their outcomes (table, per-claim summary, JSON).

A check that raises *anything* (an exception, ``SystemExit`` from ``sys.exit()``, a
``KeyboardInterrupt`` it raised itself, ...) is recorded as a :class:`Crash` of that claim and the
next claim runs: no check can end the run or decide its exit status. Only the user's Ctrl-C
(a real SIGINT, told apart by :func:`watch_sigint`) stops the run.
"""

from __future__ import annotations

import json
import shlex
import signal
import sys
import textwrap
import threading
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, TextIO

from theorycheck.core.registry import Claim, Outcome
from theorycheck.core.result import Verdict
from theorycheck.core.version import __version__

#: Verdicts that make ``--strict`` exit 1.
STRICT_REJECTS = (Verdict.CORRECTED, Verdict.FAILS, Verdict.INCONCLUSIVE)


class Crash:
    """A check that raised (or exited): recorded so the remaining checks still run."""

    def __init__(self, claim: Claim, exc: BaseException, seconds: float):
        self.claim = claim
        self.exc = exc
        self.seconds = seconds
        self.trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))

    @property
    def verdict(self) -> str:
        return "crash"

    @property
    def message(self) -> str:
        """One line: the exception's type and message (``SystemExit(0)`` says the check exited)."""
        if isinstance(self.exc, SystemExit):
            return f"SystemExit: the check called sys.exit({self.exc.code!r})"
        if isinstance(self.exc, KeyboardInterrupt):
            return "KeyboardInterrupt raised by the check itself (not a Ctrl-C)"
        return f"{type(self.exc).__name__}: {self.exc}"


class _SigintWatch:
    """Remembers whether a real SIGINT arrived (see :func:`watch_sigint`)."""

    def __init__(self) -> None:
        self.fired = False  # a real SIGINT arrived
        self.blind = False  # SIGINT could not be watched: every KeyboardInterrupt is the user's


@contextmanager
def watch_sigint() -> Iterator[_SigintWatch]:
    """While active, a real SIGINT (Ctrl-C) sets ``watch.fired`` and raises ``KeyboardInterrupt``
    as usual, so a ``KeyboardInterrupt`` raised by a check's own code can be told apart from the
    user's. When SIGINT is ignored (a process started in the background by a shell), no Ctrl-C
    can arrive, so every ``KeyboardInterrupt`` is a check's own. Outside the main thread, or when
    SIGINT has another handler, every ``KeyboardInterrupt`` counts as the user's."""
    w = _SigintWatch()
    main = threading.current_thread() is threading.main_thread()
    if main and signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield w
        return
    if not main or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        w.blind = True
        yield w
        return

    def handler(signum, frame):
        w.fired = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, handler)
    try:
        yield w
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def run_claims(
    claims: Iterable[Claim],
    profile: str = "quick",
    on_start: Callable[[Claim], None] | None = None,
    on_done: Callable[["Outcome | Crash"], None] | None = None,
) -> list["Outcome | Crash"]:
    """Run each claim's check; a crash (any exception, ``SystemExit``, a ``KeyboardInterrupt``
    the check raised itself) is recorded and the next claim runs. The user's Ctrl-C propagates
    as ``KeyboardInterrupt``."""
    import time

    out: list[Outcome | Crash] = []
    with watch_sigint() as sigint:
        for c in claims:
            if on_start:
                on_start(c)
            t0 = time.perf_counter()
            try:
                o: Outcome | Crash = c.run(profile)
            except KeyboardInterrupt as e:
                if sigint.fired or sigint.blind:
                    raise
                o = Crash(c, e, time.perf_counter() - t0)
            except BaseException as e:  # noqa: BLE001 - SystemExit included: reported, exit status 2
                if sigint.fired:  # the check turned the user's Ctrl-C into another exception
                    raise KeyboardInterrupt from e
                o = Crash(c, e, time.perf_counter() - t0)
            out.append(o)
            if on_done:
                on_done(o)
    return out


# --- presentation ----------------------------------------------------------------------------

def rerun_command(claim: Claim, profile: str = "quick", claims_file: str | None = None) -> str:
    """The shell command (quoted with :func:`shlex.join`) that recomputes exactly this check and
    prints its summary. ``claims_file``: the ``--claims`` file a user claim comes from."""
    cmd = ["theorycheck", "verify"]
    if claims_file:
        cmd += ["--claims", claims_file]
    cmd += ["--only", claim.id]
    if profile != "quick":
        cmd += ["--profile", profile]
    cmd += ["--fresh", "-v"]
    return shlex.join(cmd)


def user_claims_file(claim: Claim) -> str | None:
    """The file a claim loaded with ``--claims FILE`` came from (relative to the working folder
    when possible), else ``None``."""
    import os

    if not claim.module.startswith("theorycheck_user_"):
        return None
    f = getattr(sys.modules.get(claim.module), "__file__", None)
    if not f:
        return None
    try:
        rel = os.path.relpath(f)
    except ValueError:
        return f
    return f if rel.startswith("..") else rel


def claim_rerun(claim: Claim, profile: str = "quick") -> str:
    """:func:`rerun_command` with the ``--claims`` file of a user claim filled in."""
    return rerun_command(claim, profile, user_claims_file(claim))


def _row(r: "Outcome | Crash") -> tuple[str, ...]:
    if isinstance(r, Crash):
        return (r.claim.id, "CRASH", "-", r.claim.provenance, r.message, f"{r.seconds:.2f}")
    return (r.claim.id, r.verdict.value, r.result.strength, r.claim.provenance, r.result.finding, f"{r.seconds:.2f}")


def format_table(results: list["Outcome | Crash"], width: int | None = None) -> str:
    """A plain-text table: ID, verdict, strength, provenance, one-line finding, seconds.

    ``width`` is the line width to fit (default: the terminal's, see :func:`terminal_width`). The
    finding takes what the other columns leave (at least 20 characters); on a narrow terminal
    the provenance, then the strength column is dropped first.
    """
    width = terminal_width() if width is None else width
    head = ("ID", "verdict", "strength", "provenance", "finding", "seconds")
    body = [_row(r) for r in results]
    keep = list(range(6))
    for drop in (None, 3, 2):
        if drop is not None:
            keep.remove(drop)
        fixed = sum(max(len(row[i]) for row in [head, *body]) for i in keep if i != 4) + 2 * (len(keep) - 1)
        if width - fixed >= 30:
            break
    room = max(width - fixed, 20)
    rows = [tuple(head[i] for i in keep)] + [tuple(_one_line(row[i], room) if i == 4 else row[i] for i in keep)
                                             for row in body]
    n = len(keep)
    widths = [max(len(row[j]) for row in rows) for j in range(n)]
    lines = []
    for j, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) if i < n - 1 else row[i].rjust(widths[i]) for i in range(n)]
        lines.append("  ".join(cells).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def terminal_width(default: int = 120) -> int:
    """The terminal's width (``$COLUMNS`` or the tty's), ``default`` when not on a terminal."""
    import os
    import shutil

    if os.environ.get("COLUMNS", "").isdigit():
        return max(int(os.environ["COLUMNS"]), 40)
    try:
        if sys.stdout.isatty():
            return max(shutil.get_terminal_size((default, 24)).columns, 40)
    except (AttributeError, ValueError):
        pass
    return default


def summary_line(results: list["Outcome | Crash"]) -> str:
    counts: dict[str, int] = {}
    for r in results:
        k = "crash" if isinstance(r, Crash) else r.verdict.value
        counts[k] = counts.get(k, 0) + 1
    total = sum(r.seconds for r in results)
    parts = [f"{counts[k]} {k}" for k in [v.value for v in Verdict] + ["crash"] if k in counts]
    return f"{len(results)} claims: " + ", ".join(parts) + f"  ({total:.1f} s)"


def to_json(results: list["Outcome | Crash"]) -> dict:
    claims = []
    for r in results:
        if isinstance(r, Crash):
            claims.append(
                {
                    "id": r.claim.id,
                    "source": r.claim.source,
                    "statement": r.claim.statement,
                    "provenance": r.claim.provenance,
                    "verdict": "crash",
                    "method": None,
                    "strength": None,
                    "finding": r.message,
                    "correction": None,
                    "evidence": {"traceback": r.trace},
                    "seconds": round(r.seconds, 4),
                }
            )
        else:
            claims.append(r.to_dict())
    return {"version": __version__, "claims": claims}


def write_json(results, dest: str, stream: TextIO | None = None) -> None:
    text = json.dumps(to_json(results), indent=2, allow_nan=False)
    if dest == "-":
        (stream or sys.stdout).write(text + "\n")
    else:
        with open(dest, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")


def describe(o: "Outcome | Crash", evidence: bool = True, width: int = 100, profile: str = "quick") -> str:
    """Several lines on one outcome: verdict, source, statement, finding, correction, then the
    evidence: the full JSON when ``evidence`` is true, else a short summary (one line per part
    of a combined check, the scalar values, the names of longer entries); and the re-run command."""
    if isinstance(o, Crash):
        lines = [f"{o.claim.id}  [CRASH]  ({o.seconds:.2f} s)", f"  source:     {o.claim.source}"]
        lines += _wrap("error:      ", o.message, width)
        if evidence:
            lines += ["  traceback:"] + ["    " + ln for ln in o.trace.rstrip().splitlines()]
        lines.append(f"  re-run:     {claim_rerun(o.claim, profile)}")
        return "\n".join(lines)
    r = o.result
    lines = [f"{o.claim.id}  [{r.verdict.value}]  ({r.method}; strength {r.strength}; {o.seconds:.2f} s"
             + ("; reused from the store" if getattr(o, "cached", False) else "") + ")"]
    lines += _wrap("source:     ", f"{o.claim.source}  [{o.claim.provenance}]", width)
    lines += _wrap("statement:  ", o.claim.statement, width)
    lines += _wrap("finding:    ", r.finding, width)
    if r.correction:
        label = "stronger:   " if r.verdict is Verdict.SHARPENED else "correction: "
        lines += _wrap(label, r.correction, width)
    ev = r.to_dict()["evidence"]
    if evidence:
        lines.append("  evidence:")
        lines += ["    " + ln for ln in json.dumps(ev, indent=2, allow_nan=False).splitlines()]
    else:
        summ = evidence_summary(ev, width - 6)
        if summ:
            lines.append("  evidence:   (--evidence prints all of it)")
            lines += [f"    - {s}" for s in summ]
    lines.append(f"  re-run:     {claim_rerun(o.claim, profile)}")
    return "\n".join(lines)


def evidence_summary(ev: dict, width: int = 94) -> list[str]:
    """Short lines summarising evidence: ``part [verdict, strength]: finding`` for each part of a
    combined check, ``key = value`` for scalars, and one line naming the longer entries."""
    out: list[str] = []
    longer: list[str] = []
    for k, v in ev.items():
        if isinstance(v, dict) and "verdict" in v and "finding" in v:
            tag = v["verdict"] + (f", {v['strength']}" if v.get("strength") else "")
            out.append(_one_line(f"{k} [{tag}]: {v['finding']}", width))
        elif isinstance(v, (dict, list)):
            longer.append(k)
        else:
            out.append(_one_line(f"{k} = {_fmt_scalar(v)}", width))
    if longer:
        out.append(_one_line("also: " + ", ".join(longer), width))
    return out


def _fmt_scalar(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def _wrap(head: str, text: str, width: int = 100) -> list[str]:
    return textwrap.wrap(" ".join(str(text).split()), max(width, 40), initial_indent="  " + head,
                         subsequent_indent=" " * (len(head) + 2)) or ["  " + head]


def _one_line(s: str, width: int) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= width else s[: max(width - 3, 1)] + "..."
