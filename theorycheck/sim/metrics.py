"""Per-class and per-frequency-group losses (numpy; torch only through the tensors passed in).

Frequency groups follow the paper's figures: classes sorted by decreasing frequency are cut
into ``G`` groups holding about the same share of the data (K24 section 2: "for 10 groups,
the first group corresponds to ~10% of the samples from the most frequent classes").
"""

from __future__ import annotations

import numpy as np


def mass_groups(pi, G: int) -> np.ndarray:
    """Group index ``0..G'-1`` (``G' <= G``, empty groups dropped) of every class, classes
    ranked by decreasing ``pi``: class ``k`` goes to group ``floor(G * (M_k - pi_k / 2))`` where
    ``M_k`` is the cumulative mass up to and including ``k`` (its mass midpoint), so each group
    holds about ``1/G`` of the data. Group 0 holds the most frequent classes."""
    pi = np.asarray(pi, dtype=np.float64)
    if pi.ndim != 1 or pi.size < 1 or (pi <= 0).any():
        raise ValueError("pi: must be a 1-D vector of positive class frequencies")
    if isinstance(G, bool) or not isinstance(G, (int, np.integer)) or G < 1:
        raise ValueError(f"G: the number of groups must be an integer >= 1, got {G!r}")
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
    ``class_losses @ M`` gives the data-weighted mean loss of every group."""
    pi = np.asarray(pi, dtype=np.float64)
    groups = np.asarray(groups, dtype=np.int64)
    G = int(groups.max()) + 1
    M = np.zeros((pi.size, G))
    M[np.arange(pi.size), groups] = pi
    return M / M.sum(0, keepdims=True)


def group_mass(pi, groups) -> np.ndarray:
    """Data share of every group."""
    return np.bincount(np.asarray(groups), weights=np.asarray(pi, dtype=np.float64))


def relative_progress(curve_start: np.ndarray, curve_end: np.ndarray) -> np.ndarray:
    """``(l(0) - l(T)) / l(0)``: 1 = fitted, 0 = no progress, < 0 = got worse."""
    return (np.asarray(curve_start) - np.asarray(curve_end)) / np.asarray(curve_start)


def spearman(a, b) -> float:
    """Spearman rank correlation (average ranks for ties); NaN when either input is constant."""
    from scipy.stats import spearmanr

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(a, b).statistic)


def loglog_slope(t, y) -> float:
    """Least-squares slope of ``log y`` against ``log t``."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    return float(np.polyfit(np.log(t), np.log(y), 1)[0])
