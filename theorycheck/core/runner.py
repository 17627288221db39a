"""Running claims and presenting their outcomes (table and JSON)."""

from __future__ import annotations

import json
import sys
import textwrap
import traceback
from typing import Callable, Iterable, TextIO

from theorycheck.core.registry import Claim, Outcome
from theorycheck.core.result import Verdict
from theorycheck.core.version import __version__

#: Verdicts that make ``--strict`` exit 1.
STRICT_REJECTS = (Verdict.CORRECTED, Verdict.FAILS, Verdict.INCONCLUSIVE)


class Crash:
    """A check that raised: recorded so the remaining checks still run."""

    def __init__(self, claim: Claim, exc: BaseException, seconds: float):
        self.claim = claim
        self.exc = exc
        self.seconds = seconds
        self.trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def run_claims(
    claims: Iterable[Claim],
    profile: str = "quick",
    on_start: Callable[[Claim], None] | None = None,
    on_done: Callable[["Outcome | Crash"], None] | None = None,
) -> list["Outcome | Crash"]:
    """Run each claim's check; a crash is recorded and the next claim runs."""
    import time

    out: list[Outcome | Crash] = []
    for c in claims:
        if on_start:
            on_start(c)
        t0 = time.perf_counter()
        try:
            o: Outcome | Crash = c.run(profile)
        except KeyboardInterrupt:
            raise
        except Exception as e:  # noqa: BLE001 - reported, and makes the exit non-zero
            o = Crash(c, e, time.perf_counter() - t0)
        out.append(o)
        if on_done:
            on_done(o)
    return out


def format_table(results: list["Outcome | Crash"], width: int = 60) -> str:
    """A plain-text table: ID, verdict, strength, provenance, one-line finding, seconds."""
    rows = [("ID", "verdict", "strength", "provenance", "finding", "seconds")]
    for r in results:
        if isinstance(r, Crash):
            rows.append((r.claim.id, "CRASH", "-", r.claim.provenance, _one_line(f"{type(r.exc).__name__}: {r.exc}", width),
                         f"{r.seconds:.2f}"))
        else:
            rows.append((r.claim.id, r.verdict.value, r.result.strength, r.claim.provenance,
                         _one_line(r.result.finding, width), f"{r.seconds:.2f}"))
    n = len(rows[0])
    widths = [max(len(row[i]) for row in rows) for i in range(n)]
    lines = []
    for j, row in enumerate(rows):
        cells = [row[i].ljust(widths[i]) if i < n - 1 else row[i].rjust(widths[i]) for i in range(n)]
        lines.append("  ".join(cells).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


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
                    "finding": f"{type(r.exc).__name__}: {r.exc}",
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


def describe(o: Outcome) -> str:
    """Multi-line description of one outcome: verdict, finding, correction, evidence."""
    r = o.result
    lines = [f"{o.claim.id}  [{r.verdict.value}]  ({r.method}; strength {r.strength}; {o.seconds:.2f} s)",
             f"  source:    {o.claim.source}  [{o.claim.provenance}]"]
    lines += _wrap("statement: ", o.claim.statement)
    lines += _wrap("finding:   ", r.finding)
    if r.correction:
        lines += _wrap("correction:", " " + r.correction)
    ev = json.dumps(r.to_dict()["evidence"], indent=2, allow_nan=False)
    lines.append("  evidence:")
    lines += ["    " + ln for ln in ev.splitlines()]
    return "\n".join(lines)


def _wrap(head: str, text: str) -> list[str]:
    return textwrap.wrap(text, 100, initial_indent="  " + head + " ", subsequent_indent=" " * (len(head) + 3)) or ["  " + head]


def _one_line(s: str, width: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 3] + "..."
