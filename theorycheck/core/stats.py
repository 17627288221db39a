"""Statistics for empirical claims: intervals over seeds and qualitative words as criteria.

Tactics a check (or a user's claim) calls:

* :func:`mean_interval`: Student-t interval of a mean over independent seeds;
* :func:`ratio_interval`: interval of a ratio ``a/b`` of positive quantities over seeds, on the
  log scale (geometric mean; paired when the seeds are shared);
* :func:`judge`: a qualitative word ("far below", "orders of magnitude", ...) is a
  :class:`Criterion` defined once in :mod:`theorycheck.core.tolerances`; the verdict comes from
  the interval: ``holds`` when the whole interval satisfies it, ``fails`` when none of it does,
  ``undecided`` otherwise. A single seed gives no interval and is always ``undecided``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Interval:
    """``estimate`` with a two-sided ``level`` confidence interval ``[lo, hi]`` from ``n`` samples."""

    estimate: float
    lo: float
    hi: float
    n: int
    level: float
    method: str

    def as_evidence(self) -> dict:
        return {"estimate": self.estimate, "interval": [self.lo, self.hi], "n": self.n, "level": self.level,
                "method": self.method}


@dataclass(frozen=True)
class Criterion:
    """What a qualitative word means: the measured quantity (a ratio, a fraction, a correlation)
    must be ``>= threshold`` (``direction="above"``) or ``<= threshold`` (``"below"``). ``reason``
    says why that threshold reads the word."""

    word: str
    threshold: float
    direction: str
    reason: str

    def __post_init__(self):
        if self.direction not in ("above", "below"):
            raise ValueError(f"direction: must be 'above' or 'below', got {self.direction!r}")
        if not math.isfinite(self.threshold):
            raise ValueError(f"threshold: must be finite, got {self.threshold!r}")


def _samples(x, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float).ravel()
    if a.size == 0:
        raise ValueError(f"{name}: need at least one sample")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: samples must be finite, got {a.tolist()}")
    return a


def _level(level: float) -> float:
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ValueError(f"level: must be in (0, 1), got {level!r}")
    return float(level)


def mean_interval(samples, level: float = 0.95) -> Interval:
    """Student-t interval ``mean +- t_{(1+level)/2, n-1} s / sqrt(n)`` of independent samples.

    With one sample the interval is ``(-inf, inf)`` around it: one seed is not a reproduction.
    """
    from scipy import stats

    a = _samples(samples, "samples")
    level = _level(level)
    m = float(a.mean())
    if a.size == 1:
        return Interval(m, -math.inf, math.inf, 1, level, "t (one sample: no interval)")
    half = float(stats.t.ppf((1 + level) / 2, a.size - 1) * a.std(ddof=1) / math.sqrt(a.size))
    return Interval(m, m - half, m + half, int(a.size), level, "t")


def ratio_interval(a, b, level: float = 0.95, paired: bool = True) -> Interval:
    """Interval of the (geometric-mean) ratio ``a/b`` of positive quantities over seeds.

    Paired (seed ``i`` of ``a`` with seed ``i`` of ``b``): a t-interval of ``log(a_i/b_i)``,
    exponentiated. Unpaired: Welch's interval of ``mean log a - mean log b``.
    """
    from scipy import stats

    x, y = _samples(a, "a"), _samples(b, "b")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("a, b: a ratio interval needs positive quantities")
    level = _level(level)
    if paired:
        if x.size != y.size:
            raise ValueError(f"a, b: paired samples need equal sizes, got {x.size} and {y.size}")
        iv = mean_interval(np.log(x) - np.log(y), level)
        return Interval(math.exp(iv.estimate), math.exp(iv.lo) if math.isfinite(iv.lo) else 0.0,
                        math.exp(iv.hi) if math.isfinite(iv.hi) else math.inf, iv.n, level, "paired t on log ratio")
    lx, ly = np.log(x), np.log(y)
    d = float(lx.mean() - ly.mean())
    if x.size < 2 or y.size < 2:
        return Interval(math.exp(d), 0.0, math.inf, int(min(x.size, y.size)), level, "Welch (too few samples)")
    vx, vy = lx.var(ddof=1) / x.size, ly.var(ddof=1) / y.size
    se = math.sqrt(vx + vy)
    dof = (vx + vy) ** 2 / ((vx**2 / (x.size - 1)) + (vy**2 / (y.size - 1))) if se > 0 else x.size + y.size - 2
    half = float(stats.t.ppf((1 + level) / 2, dof) * se)
    return Interval(math.exp(d), math.exp(d - half), math.exp(d + half), int(min(x.size, y.size)), level,
                    "Welch t on log ratio")


def judge(interval: Interval, criterion: Criterion) -> str:
    """``"holds"`` if the whole interval meets the criterion, ``"fails"`` if none of it does,
    ``"undecided"`` if it straddles the threshold (more seeds may decide)."""
    t = criterion.threshold
    if criterion.direction == "above":
        if interval.lo >= t:
            return "holds"
        if interval.hi < t:
            return "fails"
    else:
        if interval.hi <= t:
            return "holds"
        if interval.lo > t:
            return "fails"
    return "undecided"


def word_for_factor(interval: Interval, criteria) -> str | None:
    """The strongest word among ``criteria`` (``direction="above"`` criteria on a factor) that the
    interval supports, or ``None``: a finding uses no stronger word than its numbers allow."""
    ok = [c for c in criteria if c.direction == "above" and judge(interval, c) == "holds"]
    return max(ok, key=lambda c: c.threshold).word if ok else None


# --- i10b: a distribution-free interval for a median (heavy-tailed samples, ratios that may be infinite) ---
def median_interval(samples, level: float = 0.95) -> Interval:
    """Distribution-free interval of the median from order statistics: ``[x_(k), x_(n-k+1)]`` with the
    largest ``k`` such that ``P(Bin(n, 1/2) <= k - 1) <= (1 - level)/2`` (coverage >= ``level``).

    No moment is needed, so it suits heavy-tailed samples and ratios that are ``inf`` (a run that
    diverged): ``+-inf`` are allowed, ``nan`` is not. With too few samples for the level (``n <= 5``
    at 95%) the interval is ``(-inf, inf)``.
    """
    from scipy import stats

    a = np.asarray(samples, dtype=float).ravel()
    if a.size == 0:
        raise ValueError("samples: need at least one sample")
    if np.any(np.isnan(a)):
        raise ValueError(f"samples: must not contain nan, got {a.tolist()}")
    level = _level(level)
    x = np.sort(a)
    n = x.size
    k = 0
    for j in range(1, n // 2 + 1):
        if stats.binom.cdf(j - 1, n, 0.5) <= (1 - level) / 2:
            k = j
    med = float(np.median(x))
    if math.isnan(med):  # -inf and +inf in the middle
        med = float(x[n // 2])
    if k == 0:
        return Interval(med, -math.inf, math.inf, int(n), level, "order statistics (too few samples)")
    return Interval(med, float(x[k - 1]), float(x[n - k]), int(n), level, f"order statistics x_({k}), x_({n - k + 1})")
