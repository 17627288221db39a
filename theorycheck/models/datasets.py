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

from theorycheck.core.validation import check_choice, check_classes, check_int, check_memory, check_positive

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


def heavy_tailed_labels(m: int, d: int | None = None, *, inputs: str = "uniform", seed: int = 0,
                        dtype=np.float64) -> dict[str, np.ndarray]:
    """The Random Heavy-Tailed Labels data set.

    Returns ``{"X": (n, d), "y": (n,), "class_sizes": (c,), "class_group": (c,)}``, with
    labels ``0..c-1`` (class 0 the most frequent). ``d`` defaults to ``(m+1) 2^m``.
    ``inputs`` is ``"uniform"`` (on [0,1], appendix A.2), ``"normal0"`` (N(0,1)) or
    ``"normal1"`` (N(1,1), appendix C.1).
    """
    sizes, groups = heavy_tailed_class_sizes(m)
    if d is None:
        d = (m + 1) * 2**m
    d = check_int(d, "d", 1)
    check_choice(inputs, "inputs", INPUT_DISTRIBUTIONS)
    seed = check_int(seed, "seed", 0)
    try:
        if dtype is None:
            raise TypeError
        dtype = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"dtype: must be a numpy floating dtype, got {dtype!r}") from None
    if dtype.kind != "f" or dtype == np.float16:
        raise ValueError(f"dtype: must be float32 or float64, got {dtype}")
    n_samples = m * 2**m
    check_memory(n_samples * (d + 1), "d", "float64 values of the data set")
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(sizes.size), sizes)
    n = y.size
    if inputs == "uniform":
        X = rng.random((n, d))
    else:
        X = rng.standard_normal((n, d)) + (1.0 if inputs == "normal1" else 0.0)
    return {"X": X.astype(dtype, copy=False), "y": y, "class_sizes": sizes, "class_group": groups}


def zipf_frequencies(c: int, alpha: float = 1.0) -> np.ndarray:
    """``pi_k = k^-alpha / sum_j j^-alpha`` for ``k = 1..c`` (computed with ``math.fsum``-grade
    accuracy by summing the smallest terms first)."""
    c = check_classes(c, "c", integer=True)
    alpha = check_positive(alpha, "alpha", scalar=True)
    check_memory(3 * c, "c", "float64 values")
    k = np.arange(1, c + 1, dtype=np.float64)
    w = k ** (-alpha)
    return w / np.sum(w[::-1])
