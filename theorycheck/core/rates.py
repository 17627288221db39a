"""Rates in every parameter: fit ``q ~ C x^a`` in each variable with an interval on ``a`` and ``C``.

A Theta-rate claim such as ``l_k(t) = Theta(1/(pi_k t))`` states a dependence on each of its
parameters; checking it in ``t`` alone lets wrong dependences on ``pi`` through. The tactic:

* :func:`fit_power`: least squares on ``log q = log C + a log x`` with Student-t intervals on the
  exponent ``a`` and the constant ``C``;
* :func:`sweep_rates`: vary each parameter in turn around a base point and fit the exponent in
  each (``{"t": Fit, "pi": Fit, ...}``);
* :func:`compare_exponent`: ``"agrees"`` when the printed exponent is inside the interval
  widened by a stated tolerance, ``"differs"`` when it is outside, ``"undecided"`` when the
  interval is wider than the tolerance allows to decide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np


@dataclass(frozen=True)
class Fit:
    """``q ~ constant * x^exponent`` with ``level`` intervals; ``n`` points, ``r2`` on the log scale."""

    exponent: float
    exponent_ci: tuple[float, float]
    constant: float
    constant_ci: tuple[float, float]
    r2: float
    n: int
    level: float

    def as_evidence(self) -> dict:
        return {"exponent": self.exponent, "exponent_ci": list(self.exponent_ci), "constant": self.constant,
                "constant_ci": list(self.constant_ci), "r2": self.r2, "n": self.n, "level": self.level}


def fit_power(x, q, level: float = 0.95) -> Fit:
    """Fit ``log q = log C + a log x`` by least squares; t-intervals from the residual variance.

    With exactly two points (or a perfect fit) the interval has zero width: the caller states the
    tolerance it compares with.
    """
    xa = np.asarray(x, dtype=float).ravel()
    qa = np.asarray(q, dtype=float).ravel()
    if xa.size != qa.size:
        raise ValueError(f"x, q: need the same number of points, got {xa.size} and {qa.size}")
    if xa.size < 2:
        raise ValueError(f"x: need at least 2 points to fit a rate, got {xa.size}")
    if not (np.all(np.isfinite(xa)) and np.all(xa > 0)):
        raise ValueError("x: must be finite and > 0")
    if not (np.all(np.isfinite(qa)) and np.all(qa > 0)):
        raise ValueError("q: must be finite and > 0 (a power law is fitted on the log scale)")
    if not (0 < level < 1):
        raise ValueError(f"level: must be in (0, 1), got {level!r}")
    return fit_power_logs(np.log(xa), np.log(qa), level)


def fit_power_logs(log_x, log_q, level: float = 0.95) -> Fit:
    """:func:`fit_power` on values given by their logarithms (for quantities beyond the float
    range, e.g. ``e^{-c t}`` at large ``c t``, computed in mpmath; and, with ``log_x = t``, for
    exponential rates ``q ~ C e^{a t}``). Same least squares and intervals."""
    from scipy import stats

    lx = np.asarray(log_x, dtype=float).ravel()
    lq = np.asarray(log_q, dtype=float).ravel()
    if lx.size != lq.size:
        raise ValueError(f"log_x, log_q: need the same number of points, got {lx.size} and {lq.size}")
    if lx.size < 2:
        raise ValueError(f"log_x: need at least 2 points to fit a rate, got {lx.size}")
    if not (np.all(np.isfinite(lx)) and np.all(np.isfinite(lq))):
        raise ValueError("log_x, log_q: must be finite")
    if not (0 < level < 1):
        raise ValueError(f"level: must be in (0, 1), got {level!r}")
    if np.ptp(lx) == 0:
        raise ValueError("x: needs at least two distinct values")
    A = np.vstack([np.ones_like(lx), lx]).T
    coef, *_ = np.linalg.lstsq(A, lq, rcond=None)
    resid = lq - A @ coef
    n = lx.size
    ss_tot = float(np.sum((lq - lq.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid**2)) / ss_tot if ss_tot > 0 else 1.0
    if n > 2:
        s2 = float(np.sum(resid**2)) / (n - 2)
        cov = s2 * np.linalg.inv(A.T @ A)
        tq = float(stats.t.ppf((1 + level) / 2, n - 2))
        ha, hc = tq * math.sqrt(cov[1, 1]), tq * math.sqrt(cov[0, 0])
    else:
        ha = hc = 0.0
    a, lc = float(coef[1]), float(coef[0])
    return Fit(a, (a - ha, a + ha), _exp(lc), (_exp(lc - hc), _exp(lc + hc)), r2, n, level)


def _exp(v: float) -> float:
    """``exp(v)``, ``inf`` / ``0.0`` beyond the float range (constants of values given by logs)."""
    return math.inf if v > 709.0 else math.exp(v)


def sweep_rates(fn: Callable[..., float], base: Mapping[str, float], grids: Mapping[str, Sequence[float]],
                level: float = 0.95) -> dict[str, Fit]:
    """For each parameter ``p`` in ``grids``: evaluate ``fn(**{**base, p: v})`` over ``grids[p]``
    and fit the exponent in ``p`` (the other parameters held at ``base``)."""
    out = {}
    for p, vals in grids.items():
        if p not in base:
            raise ValueError(f"grids: parameter {p!r} is not in base {sorted(base)}")
        qs = [fn(**{**base, p: v}) for v in vals]
        out[p] = fit_power(vals, qs, level)
    return out


def compare_exponent(fit: Fit, printed: float, tol: float) -> str:
    """Compare a fitted exponent with the printed one.

    ``"agrees"``: ``printed`` lies within ``[lo - tol, hi + tol]`` and the interval is narrower than
    ``2 tol`` (so it could have told a wrong exponent ``tol`` away); ``"differs"``: ``printed`` lies
    outside that widened interval; ``"undecided"``: the interval is too wide to tell.
    """
    if not (math.isfinite(printed) and math.isfinite(tol) and tol >= 0):
        raise ValueError(f"printed, tol: must be finite (tol >= 0), got {printed!r}, {tol!r}")
    lo, hi = fit.exponent_ci
    if printed < lo - tol or printed > hi + tol:
        return "differs"
    if hi - lo > 2 * tol:
        return "undecided"
    return "agrees"
