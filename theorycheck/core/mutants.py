"""The kill matrix: every claim run against its declared variants.

A claim declares, next to its printed statement, wrong forms of it (a wrong constant, a flipped
sign, a wrong exponent, a wrong dependence on each parameter, a pair with one part left wrong) and
true-but-stronger forms (:class:`~theorycheck.core.registry.Variant`). A check has *power* when it
rejects every wrong form (verdict ``corrected`` or ``fails``) and does not reject a stronger true
one. ``inconclusive`` on a wrong form counts as *survived*: the check could not tell.

Checks that simulate should cache the simulation keyed by everything it depends on (and never by
the statement being compared), so a variant that changes only the comparison reuses the run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterable

from theorycheck.core.registry import Claim, Variant
from theorycheck.core.result import Verdict


@dataclass
class MutantOutcome:
    """One cell of the kill matrix."""

    claim: Claim
    variant: Variant
    verdict: str  # a Verdict value, or "crash"
    finding: str
    seconds: float

    @property
    def ok(self) -> bool:
        """Wrong variant rejected, or stronger variant not rejected."""
        if self.verdict == "crash":
            return False
        v = Verdict(self.verdict)
        return v.rejects_printed if self.variant.expect == "reject" else not v.rejects_printed

    @property
    def status(self) -> str:
        """``killed`` / ``survived`` for wrong variants, ``accepted`` / ``rejected`` for stronger
        ones, ``crash`` when the check raised."""
        if self.verdict == "crash":
            return "crash"
        if self.variant.expect == "reject":
            return "killed" if self.ok else "survived"
        return "accepted" if self.ok else "rejected"

    def to_dict(self) -> dict:
        return {"claim": self.claim.id, "variant": self.variant.name, "kind": self.variant.kind,
                "param": self.variant.param, "expect": self.variant.expect, "verdict": self.verdict,
                "status": self.status, "finding": self.finding, "seconds": round(self.seconds, 4)}


def run_variants(claim: Claim, profile: str = "quick",
                 on_done: Callable[[MutantOutcome], None] | None = None) -> list[MutantOutcome]:
    """Run ``claim``'s check on each declared variant (a crash is recorded, not raised)."""
    out = []
    for v in claim.declared_variants():
        t0 = time.perf_counter()
        try:
            o = claim.run(profile, printed=v.printed)
            verdict, finding = o.verdict.value, o.result.finding
        except KeyboardInterrupt:
            raise
        except (Exception, SystemExit) as e:  # noqa: BLE001 - a crash (or a check calling sys.exit) is a cell of the matrix
            verdict, finding = "crash", f"{type(e).__name__}: {e}"
        m = MutantOutcome(claim, v, verdict, finding, time.perf_counter() - t0)
        out.append(m)
        if on_done:
            on_done(m)
    return out


def kill_matrix(claims: Iterable[Claim], profile: str = "quick",
                on_done: Callable[[MutantOutcome], None] | None = None) -> list[MutantOutcome]:
    """Every declared variant of every claim in ``claims``."""
    out: list[MutantOutcome] = []
    for c in claims:
        out.extend(run_variants(c, profile, on_done))
    return out


def kill_counts(cells: Iterable[MutantOutcome]) -> dict[str, dict[str, int]]:
    """Per claim: ``{"wrong": n, "killed": k, "stronger": s, "accepted": a}``."""
    counts: dict[str, dict[str, int]] = {}
    for m in cells:
        c = counts.setdefault(m.claim.id, {"wrong": 0, "killed": 0, "stronger": 0, "accepted": 0})
        if m.variant.expect == "reject":
            c["wrong"] += 1
            c["killed"] += m.ok
        else:
            c["stronger"] += 1
            c["accepted"] += m.ok
    return counts


def declaration_problems(claim: Claim, min_wrong: int = 3) -> list[str]:
    """What is missing from a claim's declared variants: at least ``min_wrong`` wrong ones, and a
    ``dependence`` variant for each of ``claim.parameters``."""
    vs = claim.declared_variants()
    wrong = [v for v in vs if v.expect == "reject"]
    out = []
    if len(wrong) < min_wrong:
        out.append(f"{claim.id}: {len(wrong)} wrong variants declared, at least {min_wrong} needed")
    covered = {v.param for v in vs if v.kind == "dependence"}
    for p in claim.parameters:
        if p not in covered:
            out.append(f"{claim.id}: no 'dependence' variant for parameter {p!r}")
    return out


def format_matrix(cells: list[MutantOutcome], width: int = 70) -> str:
    """A plain-text matrix: claim, variant, kind, expected, verdict, status."""
    rows = [("claim", "variant", "kind", "expect", "verdict", "status")]
    for m in cells:
        name = m.variant.name if len(m.variant.name) <= width else m.variant.name[: width - 3] + "..."
        kind = m.variant.kind + (f":{m.variant.param}" if m.variant.param else "")
        rows.append((m.claim.id, name, kind, m.variant.expect, m.verdict, m.status))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(6)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    counts = kill_counts(cells)
    wrong = sum(c["wrong"] for c in counts.values())
    killed = sum(c["killed"] for c in counts.values())
    stronger = sum(c["stronger"] for c in counts.values())
    accepted = sum(c["accepted"] for c in counts.values())
    lines.append(f"{len(counts)} claims: {killed}/{wrong} wrong variants killed, {accepted}/{stronger} stronger variants accepted")
    return "\n".join(lines)
