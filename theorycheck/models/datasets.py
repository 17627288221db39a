"""Synthetic data sets of the papers, built from their descriptions (numpy only).

The "Random Heavy-Tailed Labels" data of K24 appendix A.2: ``m`` groups of classes,
group ``j`` (``j = 1..m``) has ``2^(j-1)`` classes of ``2^(m-j+1)`` samples each, so every
group holds ``2^m`` samples. Inputs are drawn independently of the label, uniform on
``[0, 1]^d`` (appendix C.1 also uses ``N(0, 1)`` and ``N(1, 1)``).

Class sizes follow the *description* of the groups; the counts it implies are computed
here, never copied from the paper's printed totals (which the claim ``K24.A2.data``
checks against them).
"""

from __future__ import annotations

import numpy as np

from theorycheck.core.validation import (
    check_array,
    check_choice,
    check_classes,
    check_int,
    check_memory,
    check_positive,
)

INPUT_DISTRIBUTIONS = ("uniform", "normal0", "normal1")


#: Largest number of groups: ``c = 2^m - 1`` classes and ``n = m 2^m`` samples (m = 24: 4e8
#: samples); beyond it the data set does not fit in memory.
M_MAX = 24


def _check_m(m) -> int:
    return check_int(m, "m", 1, M_MAX)


def heavy_tailed_class_sizes(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-class sample counts and the group (1..m) of each class, classes sorted by
    decreasing frequency: group ``j`` has ``2^(j-1)`` classes with ``2^(m-j+1)`` samples."""
    m = _check_m(m)
    sizes, groups = [], []
    for j in range(1, m + 1):
        k = 2 ** (j - 1)
        sizes += [2 ** (m - j + 1)] * k
        groups += [j] * k
    return np.array(sizes, dtype=np.int64), np.array(groups, dtype=np.int64)


def heavy_tailed_counts(m: int) -> dict[str, int]:
    """``c``, ``n`` from the group description, and ``d = (m+1) 2^m`` as the paper sets it."""
    sizes, _ = heavy_tailed_class_sizes(m)
    return {"m": int(m), "c": int(sizes.size), "n": int(sizes.sum()), "d": int((m + 1) * 2**m)}


#: Rows generated per chunk by :func:`heavy_tailed_labels` (float64 scratch of
#: ``DATA_CHUNK_ROWS * d`` numbers, cast into the output: the full float64 array never exists).
DATA_CHUNK_ROWS = 256


def heavy_tailed_labels(m: int, d: int | None = None, *, inputs: str = "uniform", seed: int = 0,
                        dtype=np.float64) -> dict[str, np.ndarray]:
    """The Random Heavy-Tailed Labels data set.

    Returns ``{"X": (n, d), "y": (n,), "class_sizes": (c,), "class_group": (c,)}``, with
    labels ``0..c-1`` (class 0 the most frequent). ``d`` defaults to ``(m+1) 2^m``.
    ``inputs`` is ``"uniform"`` (on [0,1], appendix A.2), ``"normal0"`` (N(0,1)) or
    ``"normal1"`` (N(1,1), appendix C.1).

    ``X`` is allocated once in ``dtype`` (``float32`` or ``float64``) and filled in chunks of
    :data:`DATA_CHUNK_ROWS` rows drawn in float64 from one ``numpy.random.default_rng(seed)``
    stream, so the values are those of the float64 data rounded to ``dtype`` (the same data
    whatever the dtype) and the peak memory is one ``dtype`` copy of ``X`` plus one chunk.

    Valid range: ``1 <= m <= M_MAX``, ``d`` an integer ``>= 1`` (``X`` must fit in memory),
    ``inputs`` one of :data:`INPUT_DISTRIBUTIONS`, ``seed`` an integer ``>= 0``; else ``ValueError``
    naming the parameter.
    """
    sizes, groups = heavy_tailed_class_sizes(m)
    d = (m + 1) * 2**m if d is None else check_int(d, "d", 1)
    check_choice(inputs, "inputs", INPUT_DISTRIBUTIONS)
    seed = check_int(seed, "seed", 0)
    if dtype is None:
        raise ValueError("dtype: must be float32 or float64, got None")
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        raise ValueError(f"dtype: must be float32 or float64, got {dtype!r}") from None
    if dt not in (np.float32, np.float64):
        raise ValueError(f"dtype: must be float32 or float64, got {dtype!r}")
    check_memory(float(sizes.sum()) * d, "d", f"{dt.name} inputs (n x d)", itemsize=dt.itemsize)
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(sizes.size), sizes)
    n = y.size
    X = np.empty((n, d), dtype=dt)
    for a in range(0, n, DATA_CHUNK_ROWS):
        b = min(n, a + DATA_CHUNK_ROWS)
        if inputs == "uniform":
            X[a:b] = rng.random((b - a, d))
        else:
            X[a:b] = rng.standard_normal((b - a, d)) + (1.0 if inputs == "normal1" else 0.0)
    return {"X": X, "y": y, "class_sizes": sizes, "class_group": groups}


def frequency_splits(counts, n_splits: int) -> np.ndarray:
    """The frequency groups of the figures: classes sorted by decreasing count are cut at the
    data shares ``j / G`` (``j = 1..G-1``, ``G = n_splits``); class ``k`` (in that order) joins
    group ``#{j : C_{k-1} >= j / G}`` where ``C_{k-1}`` is the share of the data held by the
    classes before it. A class that straddles a cut stays in the earlier group, so groups
    ``0..j`` together hold at least ``(j+1)/G`` of the data, and group 0 holds the most frequent
    classes.
    The comparison is done in integers (``G * count_before >= j * n``), so cuts that fall exactly
    on a class boundary (e.g. ``G = m`` on the Random Heavy-Tailed Labels data, whose ``m``
    groups hold ``2^m`` samples each) are exact. Equal counts keep their label order.

    Returns the group index ``0..G'-1`` of every class (labels in the input order); groups
    left empty (fewer classes than cuts) are dropped, so ``G' <= G``.

    Valid range: ``counts`` a non-empty 1-D array of positive integers (integer-valued floats
    accepted), ``n_splits`` an integer ``>= 1``, and ``n_splits * sum(counts) < 2^62`` (the
    integer comparison stays exact in int64); else ``ValueError`` naming the parameter.
    """
    if isinstance(counts, (str, bytes)) or counts is None:
        raise ValueError(f"counts: must be a 1-D array of positive integer class counts, got {counts!r}")
    raw = np.asarray(counts)
    if raw.dtype.kind not in "biuf" or raw.dtype.kind == "b":
        raise ValueError(f"counts: must be a 1-D array of positive integer class counts, got dtype {raw.dtype}")
    counts = check_array(raw, "counts", ndim=1, min_size=1)
    if (counts <= 0).any() or (counts != np.round(counts)).any():
        raise ValueError("counts: class counts must be positive integers")
    G = check_int(n_splits, "n_splits", 1)
    # the comparison G * count_before >= j * n is done in int64: it must not overflow
    if float(counts.sum()) * G >= 2.0**62:
        raise ValueError(f"counts: the total count times n_splits must stay below 2^62 (exact int64 arithmetic), "
                         f"got total {float(counts.sum())!r} and n_splits = {G}")
    check_memory(counts.size * float(G - 1), "n_splits", "comparisons (classes x cuts)")
    counts = raw.astype(np.int64)
    order = np.argsort(-counts, kind="stable")
    before = np.concatenate([[0], np.cumsum(counts[order])[:-1]])
    n = int(counts.sum())
    j = np.arange(1, G)
    g_sorted = (G * before[:, None] >= j[None, :] * n).sum(1)
    g = np.empty_like(g_sorted)
    g[order] = g_sorted
    _, dense = np.unique(g, return_inverse=True)
    return dense.astype(np.int64)


def zipf_frequencies(c: int, alpha: float = 1.0) -> np.ndarray:
    """``pi_k = k^-alpha / sum_j j^-alpha`` for ``k = 1..c`` (computed with ``math.fsum``-grade
    accuracy by summing the smallest terms first)."""
    c = check_classes(c, "c", integer=True)
    alpha = check_positive(alpha, "alpha", scalar=True)
    check_memory(3 * c, "c", "float64 values")
    k = np.arange(1, c + 1, dtype=np.float64)
    w = k ** (-alpha)
    return w / np.sum(w[::-1])
