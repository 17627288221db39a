"""Verdicts and the result a check returns.

A check never returns a bare boolean: it returns a :class:`Result` with one of five
verdicts and the evidence behind it (computed vs claimed values, residuals, the tolerance
used, the method). The constructor refuses results that would mislead a reader: a
``corrected`` or ``sharpened`` verdict without the corrected statement, a ``fails``
verdict without a counterexample, an ``inconclusive`` one without a reason.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any, Iterable


class Verdict(str, enum.Enum):
    """The verdict on one claim.

    ======================  ===============================================================
    ``holds``               true as printed
    ``sharpened``           true, and a strictly stronger statement is established
    ``corrected``           false as printed, but a corrected statement holds
    ``fails``               false; a counterexample is given
    ``inconclusive``        could not be decided; the finding says why
    ======================  ===============================================================
    """

    HOLDS = "holds"
    SHARPENED = "sharpened"
    CORRECTED = "corrected"
    FAILS = "fails"
    INCONCLUSIVE = "inconclusive"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value

    @property
    def accepts_printed(self) -> bool:
        """True when the statement *as printed* was confirmed (holds or sharpened)."""
        return self in (Verdict.HOLDS, Verdict.SHARPENED)

    @property
    def rejects_printed(self) -> bool:
        """True when the statement as printed was shown false (corrected or fails)."""
        return self in (Verdict.CORRECTED, Verdict.FAILS)


#: Methods a check may report; combine with ``+`` (e.g. ``"symbolic+numeric"``).
METHODS = ("symbolic", "numeric", "simulation", "exact")

#: How strong the evidence behind a verdict is, weakest first:
#:
#: ===================  ===================================================================
#: ``empirical``        simulation, with its seeds and statistics
#: ``sampled``          float or mpmath evaluations at sampled points (not a certificate)
#: ``exact-instances``  exact (rational/symbolic) arithmetic at stated parameter values only
#: ``certified``        rigorous enclosures (ball arithmetic) over a stated range
#: ``proved``           symbolic, for every parameter value the statement quantifies over
#: ===================  ===================================================================
#:
#: A combined result takes its weakest part.
STRENGTHS = ("empirical", "sampled", "exact-instances", "certified", "proved")

#: The strength assumed when a check does not state one: the weakest that its method allows, so
#: that an unstated strength never over-claims (a symbolic computation is only ``proved`` when
#: the check says it holds for every parameter value).
_DEFAULT_STRENGTH = {"simulation": "empirical", "numeric": "sampled", "exact": "exact-instances",
                     "symbolic": "exact-instances"}


def weakest(strengths) -> str:
    """The weakest of ``strengths`` (names from :data:`STRENGTHS`)."""
    strengths = list(strengths)
    if not strengths:
        raise ValueError("strengths: need at least one")
    for s in strengths:
        if s not in STRENGTHS:
            raise ValueError(f"strength: must be one of {STRENGTHS}, got {s!r}")
    return min(strengths, key=STRENGTHS.index)


def default_strength(method: str) -> str:
    """The weakest strength any of the ``+``-joined methods allows (see :data:`_DEFAULT_STRENGTH`)."""
    return weakest(_DEFAULT_STRENGTH[m] for m in method.split("+") if m in _DEFAULT_STRENGTH)


@dataclass
class Result:
    """What a check found.

    Parameters
    ----------
    verdict:
        One of :class:`Verdict`.
    finding:
        One line a reader sees in the table: what was found.
    method:
        ``symbolic`` (a SymPy proof), ``numeric`` (high-precision or float numerics over a
        stated range), ``simulation`` (running an optimizer), ``exact`` (exact integer or
        rational arithmetic), or several joined with ``+``.
    evidence:
        JSON-able mapping: computed and claimed values, residuals, tolerances, ranges.
    correction:
        The corrected (``corrected``) or stronger (``sharpened``) statement; ``None`` otherwise.
    strength:
        How strong the evidence is, one of :data:`STRENGTHS`. When not given, the weakest that
        the method allows (:func:`default_strength`): a check must say ``"proved"`` or
        ``"certified"`` explicitly. ``"proved"`` needs a symbolic method and ``"certified"`` the
        range in the evidence (``evidence["range"]``).
    """

    verdict: Verdict
    finding: str
    method: str
    evidence: dict[str, Any] = field(default_factory=dict)
    correction: str | None = None
    strength: str | None = None

    def __post_init__(self) -> None:
        self.verdict = Verdict(self.verdict)
        if not self.finding or not self.finding.strip():
            raise ValueError("finding: a result needs a one-line finding")
        parts = self.method.split("+")
        bad = [p for p in parts if p not in METHODS]
        if bad:
            raise ValueError(f"method: {bad} not in {METHODS} (join several with '+')")
        needs_correction = self.verdict in (Verdict.CORRECTED, Verdict.SHARPENED)
        if needs_correction and not self.correction:
            raise ValueError(f"correction: a '{self.verdict.value}' verdict must give the corrected statement")
        if not needs_correction and self.correction is not None:
            raise ValueError(f"correction: must be None for a '{self.verdict.value}' verdict")
        if self.verdict is Verdict.FAILS and "counterexample" not in self.evidence:
            raise ValueError("evidence: a 'fails' verdict must carry evidence['counterexample']")
        if self.strength is None:
            self.strength = default_strength(self.method)
        if self.strength not in STRENGTHS:
            raise ValueError(f"strength: must be one of {STRENGTHS}, got {self.strength!r}")
        if self.strength == "proved" and "symbolic" not in parts:
            raise ValueError("strength: 'proved' needs a symbolic method")
        if self.strength == "certified" and not _has_range(self.evidence):
            raise ValueError("strength: 'certified' needs the certified range in evidence['range']")

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "finding": self.finding,
            "method": self.method,
            "evidence": jsonable(self.evidence),
            "correction": self.correction,
            "strength": self.strength,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Result":
        return cls(
            verdict=Verdict(d["verdict"]),
            finding=d["finding"],
            method=d["method"],
            evidence=d.get("evidence", {}),
            correction=d.get("correction"),
            strength=d.get("strength"),
        )


def _has_range(evidence: dict[str, Any]) -> bool:
    """True when ``evidence`` (or a part's evidence, for combined results) states a ``range``."""
    if "range" in evidence:
        return True
    return any(isinstance(v, dict) and "range" in v for v in evidence.values())


def jsonable(obj: Any) -> Any:
    """Convert evidence to plain JSON types.

    SymPy objects become their string form, numpy scalars and arrays become Python
    numbers and lists, mpmath numbers become strings with their full precision, and
    non-finite floats become the strings ``"inf"``, ``"-inf"``, ``"nan"`` (JSON has no
    literal for them).
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else str(obj)
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    mod = type(obj).__module__ or ""
    if mod.startswith("numpy"):
        if hasattr(obj, "tolist"):
            return jsonable(obj.tolist())
    if mod.startswith("mpmath"):
        return str(obj)
    if mod.startswith("sympy"):
        return str(obj)
    if mod.startswith("torch") and hasattr(obj, "tolist"):
        return jsonable(obj.tolist())
    return str(obj)


#: How parts of a claim combine: the first verdict in this order that any part has wins.
_PRECEDENCE = (Verdict.FAILS, Verdict.CORRECTED, Verdict.INCONCLUSIVE, Verdict.SHARPENED, Verdict.HOLDS)


def combine(parts: dict[str, Result], *, holds: str | None = None, cross_checks: Iterable[str] = ()) -> Result:
    """Combine the results of the parts of one claim into one result.

    The verdict is the first of ``fails, corrected, inconclusive, sharpened, holds`` that
    any part has; the strength is the weakest part's. The finding lists the parts that did not hold; the correction joins the
    parts' corrections (each prefixed with its part name); the evidence keeps every
    part's evidence under its name. ``holds`` is the finding used when all parts hold.

    ``cross_checks`` names parts that re-derive what another part already established (e.g. an
    exact computation at a few instances beside a general proof): they count for the verdict (a
    disagreeing cross-check still shows), but not for the strength.
    """
    if not parts:
        raise ValueError("parts: need at least one part")
    verdict = next(v for v in _PRECEDENCE if any(p.verdict is v for p in parts.values()))
    methods = []
    for p in parts.values():
        for m in p.method.split("+"):
            if m not in methods:
                methods.append(m)
    off = [f"{k}: {p.finding}" for k, p in parts.items() if p.verdict is not Verdict.HOLDS]
    if off:
        finding = "; ".join(off)
    else:
        finding = holds or "; ".join(p.finding for p in parts.values())
    corr = [f"({k}) {p.correction}" for k, p in parts.items() if p.correction]
    correction = " ".join(corr) if verdict in (Verdict.CORRECTED, Verdict.SHARPENED) and corr else None
    if verdict in (Verdict.CORRECTED, Verdict.SHARPENED) and correction is None:  # pragma: no cover
        raise ValueError("parts: a corrected/sharpened part must carry its correction")
    cross = set(cross_checks)
    evidence: dict[str, Any] = {k: {"verdict": p.verdict.value, "finding": p.finding, "strength": p.strength,
                                    **({"cross_check": True} if k in cross else {}), **p.evidence}
                                for k, p in parts.items()}
    fails = [k for k, p in parts.items() if p.verdict is Verdict.FAILS]
    if fails:
        evidence["counterexample"] = {k: parts[k].evidence["counterexample"] for k in fails}
    unknown = cross - set(parts)
    if unknown:
        raise ValueError(f"cross_checks: {sorted(unknown)} are not parts ({sorted(parts)})")
    counted = [p.strength for k, p in parts.items() if k not in cross] or [p.strength for p in parts.values()]
    strength = weakest(counted)
    return Result(verdict, finding, "+".join(methods), evidence=evidence, correction=correction, strength=strength)
