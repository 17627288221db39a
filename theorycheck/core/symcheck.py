"""Deciding symbolic identities honestly.

:func:`prove_zero` returns one of three statuses:

* ``proved``: SymPy reduced the expression to exactly ``0`` (a proof);
* ``refuted``: a high-precision evaluation at an explicit point gives a residual far above
  rounding (a counterexample, returned with the point);
* ``undecided``: neither; a numerically tiny residual is reported but is *not* a proof.

A failing ``simplify(...) == 0`` or an ``.equals()`` returning ``None`` is never read as a
pass. This module imports SymPy and mpmath only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Iterable

import mpmath
import sympy as sp

from theorycheck.core import tolerances as tol


@dataclass
class Proof:
    """Outcome of :func:`prove_zero`.

    ``status`` is ``"proved"``, ``"refuted"`` or ``"undecided"``; ``how`` names the SymPy
    step that reached 0 (or why it did not); ``counterexample`` holds the point and the
    residual for ``refuted``; ``max_rel_residual`` is the largest relative residual over
    the sampled points.
    """

    status: str
    how: str
    counterexample: dict[str, Any] | None = None
    max_rel_residual: float | None = None
    samples: int = 0
    residual_expr: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def proved(self) -> bool:
        return self.status == "proved"

    @property
    def refuted(self) -> bool:
        return self.status == "refuted"

    def as_evidence(self) -> dict[str, Any]:
        d = {"status": self.status, "how": self.how}
        if self.residual_expr is not None:
            d["residual"] = self.residual_expr
        if self.max_rel_residual is not None:
            d["max_rel_residual_sampled"] = self.max_rel_residual
            d["samples"] = self.samples
        if self.counterexample is not None:
            d["counterexample"] = self.counterexample
        return d


_SIMPLIFIERS = (
    ("expand", sp.expand),
    ("cancel", sp.cancel),
    ("together+expand", lambda e: sp.expand(sp.together(e))),
    ("simplify", sp.simplify),
    ("expand(log+power) + simplify", lambda e: sp.simplify(sp.expand_log(sp.expand_power_exp(e), force=True))),
)


#: The first rewrites are cheap (polynomial arithmetic); the rest (simplify) can be slow.
_CHEAP_REWRITES = 3


def _sample_value(s: sp.Symbol, rng: random.Random) -> sp.Rational:
    """A random rational respecting the symbol's assumptions (positive, integer, ...)."""
    if s.is_integer:
        lo = 2 if s.is_positive else -5
        return sp.Integer(rng.randint(lo, 9))
    v = sp.Rational(rng.randint(1, 997), rng.randint(101, 401))
    if s.is_positive or s.is_nonnegative:
        return v
    return v if rng.random() < 0.5 else -v


def prove_zero(
    expr: sp.Expr,
    *,
    points: Iterable[dict] | None = None,
    samples: int = tol.SYMBOLIC_SAMPLES,
    seed: int = 0,
) -> Proof:
    """Try to prove ``expr == 0`` identically.

    First a sequence of SymPy rewrites (expand, cancel, together, simplify, log/power
    expansion); if any gives exactly 0 the identity is proved. Before the expensive
    rewrites, a numeric probe (below) may already refute it. Otherwise the expression
    is evaluated with ``tol.MP_DPS`` digits at ``samples`` random rational points (which
    respect the symbols' assumptions) plus any explicit ``points``: a relative residual
    above ``tol.SYMBOLIC_REFUTE_REL`` refutes the identity with that point as the
    counterexample; otherwise the status is ``undecided``.
    """
    expr = sp.sympify(expr)
    probe = None
    for i, (name, f) in enumerate(_SIMPLIFIERS):
        if i == _CHEAP_REWRITES:
            # A false identity can never be proved: refute it numerically before the
            # expensive rewrites (simplify on a large non-zero expression can take minutes).
            probe = _numeric_probe(expr, points=points, samples=samples, seed=seed)
            if probe.refuted:
                return probe
        try:
            r = f(expr)
        except Exception:  # pragma: no cover - a rewrite that crashes decides nothing
            continue
        if r == 0:
            return Proof("proved", f"{name}(difference) == 0 exactly")
    return probe if probe is not None else _numeric_probe(expr, points=points, samples=samples, seed=seed)


def prove_equal(lhs: sp.Expr, rhs: sp.Expr, **kw) -> Proof:
    """:func:`prove_zero` applied to ``lhs - rhs``."""
    return prove_zero(sp.sympify(lhs) - sp.sympify(rhs), **kw)


def _numeric_probe(expr: sp.Expr, *, points, samples: int, seed: int) -> Proof:
    rng = random.Random(seed)
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    pts = list(points or [])
    pts += [{s: _sample_value(s, rng) for s in syms} for _ in range(samples)]
    worst = 0.0
    residual_str = _short(expr)
    terms = sp.Add.make_args(sp.expand(expr))  # the same for every point: expand once
    for pt in pts:
        sub = {k: v for k, v in pt.items()}
        with mpmath.workdps(tol.MP_DPS):
            try:
                val = complex(sp.N(expr.subs(sub), tol.MP_DPS))
            except (TypeError, ValueError):
                continue
            # scale: the magnitude of the terms, so that the residual is relative
            try:
                scale = max(abs(complex(sp.N(t.subs(sub), 20))) for t in terms)
            except (TypeError, ValueError):
                scale = 1.0
        scale = max(scale, 1e-300)
        rel = abs(val) / scale
        worst = max(worst, rel)
        if rel > tol.SYMBOLIC_REFUTE_REL:
            return Proof(
                "refuted",
                "high-precision evaluation at an explicit point",
                counterexample={"point": {str(k): str(v) for k, v in pt.items()}, "value": str(val), "relative": rel},
                max_rel_residual=rel,
                samples=len(pts),
                residual_expr=residual_str,
            )
    how = "SymPy did not reduce the difference to 0"
    if worst <= tol.SYMBOLIC_SUPPORT_REL:
        how += f"; it vanishes to {tol.MP_DPS} digits at {len(pts)} points (numerical support, not a proof)"
    return Proof("undecided", how, max_rel_residual=worst, samples=len(pts), residual_expr=residual_str)


def _short(e: sp.Expr, n: int = 300) -> str:
    s = str(e)
    return s if len(s) <= n else s[: n - 3] + "..."
