"""Per-class and per-frequency-group losses (numpy; torch only through the tensors passed in).

Frequency groups follow the paper's figures: classes sorted by decreasing frequency are cut
into ``G`` groups holding about the same share of the data (K24 section 2: "for 10 groups,
the first group corresponds to ~10% of the samples from the most frequent classes").
"""

from __future__ import annotations

import numpy as np

from theorycheck.core.validation import check_array, check_int, contract


def _pi(pi) -> np.ndarray:
    pi = check_array(pi, "pi", ndim=1, min_size=1)
    if (pi <= 0).any():
        raise ValueError("pi: must be a 1-D vector of positive finite class frequencies")
    return pi


def _groups(groups, c: int) -> np.ndarray:
    g = np.asarray(groups) if not isinstance(groups, (str, bytes)) else np.array([groups])
    if g.shape != (c,) or (g.dtype.kind not in "iu" and not (g.dtype.kind == "f" and np.isfinite(g).all()
                                                               and (g == np.round(g)).all())):
        raise ValueError(f"groups: must be {c} integer group indices >= 0 (one per class of pi), got {groups!r}")
    g = g.astype(np.int64)
    if (g < 0).any():
        raise ValueError(f"groups: group indices must be >= 0, got min {g.min()}")
    return g


def mass_groups(pi, G: int) -> np.ndarray:
    """Group index ``0..G'-1`` (``G' <= G``, empty groups dropped) of every class, classes
    ranked by decreasing ``pi``: class ``k`` goes to group ``floor(G * (M_k - pi_k / 2))`` where
    ``M_k`` is the cumulative mass up to and including ``k`` (its mass midpoint), so each group
    holds about ``1/G`` of the data. Group 0 holds the most frequent classes. ``pi``: positive
    finite frequencies (normalised here), ``G >= 1`` an integer."""
    pi = _pi(pi)
    G = check_int(G, "G", 1)
    order = np.argsort(-pi, kind="stable")
    p = pi[order] / pi.sum()
    mid = np.cumsum(p) - p / 2
    g_sorted = np.minimum((mid * G).astype(np.int64), G - 1)
    g = np.empty_like(g_sorted)
    g[order] = g_sorted
    _, dense = np.unique(g, return_inverse=True)  # drop empty groups
    return dense.astype(np.int64)


def group_matrix(pi, groups) -> np.ndarray:
    """``(c, G)`` matrix ``M`` with ``M[k, g] = pi_k / sum_{j in g} pi_j`` for ``k in g``:
    ``class_losses @ M`` gives the data-weighted mean loss of every group. Every group index
    ``0..G-1`` must hold at least one class."""
    pi = _pi(pi)
    groups = _groups(groups, pi.size)
    G = int(groups.max()) + 1
    if np.unique(groups).size != G:
        raise ValueError(f"groups: every group 0..{G - 1} needs at least one class, got {np.unique(groups).tolist()}")
    M = np.zeros((pi.size, G))
    M[np.arange(pi.size), groups] = pi
    return M / M.sum(0, keepdims=True)


def group_mass(pi, groups) -> np.ndarray:
    """Data share of every group (``pi`` normalised to sum 1)."""
    pi = _pi(pi)
    groups = _groups(groups, pi.size)
    return np.bincount(groups, weights=pi / pi.sum())


def relative_progress(curve_start: np.ndarray, curve_end: np.ndarray) -> np.ndarray:
    """``(l(0) - l(T)) / l(0)``: 1 = fitted, 0 = no progress, < 0 = got worse. ``curve_start``:
    finite losses ``> 0``; ``curve_end``: finite, broadcasting with it."""
    a = check_array(curve_start, "curve_start")
    b = check_array(curve_end, "curve_end")
    if (a <= 0).any():
        raise ValueError("curve_start: the starting losses must be > 0 (progress is relative to them)")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"curve_end: shape {b.shape} does not broadcast with curve_start {a.shape}") from None
    with np.errstate(over="ignore"):
        out = (a - b) / a
    if not np.isfinite(out).all():
        raise ValueError("curve_end: the relative progress overflows float64")
    return out


@contract(nonfinite="NaN when either input is constant: the rank correlation is undefined (documented; callers "
                    "record it as such)")
def spearman(a, b) -> float:
    """Spearman rank correlation (average ranks for ties); NaN when either input is constant.
    ``a``, ``b``: finite 1-D arrays of the same length ``>= 2``."""
    from scipy.stats import spearmanr

    a, b = check_array(a, "a", ndim=1, min_size=2), check_array(b, "b", ndim=1, min_size=2)
    if a.shape != b.shape:
        raise ValueError(f"b: must have the length of a ({a.size}), got {b.size}")
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(a, b).statistic)


def loglog_slope(t, y) -> float:
    """Least-squares slope of ``log y`` against ``log t`` (``t``, ``y``: finite, ``> 0``, 1-D of
    the same length ``>= 2``, ``t`` not constant)."""
    t = check_array(t, "t", ndim=1, min_size=2)
    y = check_array(y, "y", ndim=1, min_size=2)
    if t.shape != y.shape:
        raise ValueError(f"y: must have the length of t ({t.size}), got {y.size}")
    if (t <= 0).any():
        raise ValueError("t: must be > 0 (log t)")
    if (y <= 0).any():
        raise ValueError("y: must be > 0 (log y)")
    lt = np.log(t)
    if np.ptp(lt) == 0:
        raise ValueError("t: needs at least two distinct values")
    return float(np.polyfit(lt, np.log(y), 1)[0])
