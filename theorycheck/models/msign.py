"""Muon's ``msign`` (the polar factor ``U V^T`` of ``G = U S V^T``): by SVD, and by Newton-Schulz
iterations (numpy only). One implementation behind ``theorycheck.models.separable`` (T26.muon:
``msign_svd``, ``msign_newton_schulz``) and ``theorycheck.models.heavytail`` (Y26: ``newton_schulz5``).

Newton-Schulz. ``X_0 = G / (||G||_F + eps)`` (transposed when rows > cols, so ``X X^T`` is the
smaller Gram matrix), then ``X <- a X + b (X X^T) X + c (X X^T)^2 X``. With ``G = U S V^T`` this
maps every singular value ``s <- a s + b s^3 + c s^5`` and keeps the singular vectors exactly.
"""

from __future__ import annotations

import numpy as np

from theorycheck.core.validation import check_array, check_choice, check_int, check_nonnegative

#: Newton-Schulz coefficient sets ``(a, b, c)`` of ``X <- a X + b (X X^T) X + c (X X^T)^2 X``.
#: "cubic": (3/2, -1/2, 0), the classical iteration for the polar factor; every singular value in
#: (0, sqrt(3)) converges to 1 (quadratically near 1). "muon": (3.4445, -4.7750, 2.0315), the
#: quintic of Muon's public code (Keller Jordan, 2024, ``zeropower_via_newtonschulz5``): tuned for
#: fast growth of small singular values; it does NOT converge to 1: after 5 steps the singular
#: values lie in about [0.68, 1.2] (smaller for ill-conditioned inputs; T26.muon records them).
NS_COEFFS = {"cubic": (1.5, -0.5, 0.0), "muon": (3.4445, -4.7750, 2.0315)}


def newton_schulz(G, steps: int, coeffs: tuple, eps: float = 0.0) -> np.ndarray:
    """``steps`` Newton-Schulz iterations with coefficients ``coeffs = (a, b, c)`` from
    ``X_0 = G / (||G||_F + eps)``, batched over leading axes (``G``: ``(..., m, n)`` finite), float64.
    A zero matrix maps to zero. Checked entry point of :func:`_newton_schulz` (the unchecked
    iteration that hot loops call, where non-finite input propagates so that divergence stays
    visible)."""
    G = check_array(G, "G", min_size=1)
    if G.ndim < 2:
        raise ValueError(f"G: must be a matrix or a stack (..., m, n), got shape {G.shape}")
    steps = check_int(steps, "steps", 0)
    if isinstance(coeffs, (str, bytes)) or not hasattr(coeffs, "__len__") or len(coeffs) != 3:
        raise ValueError(f"coeffs: must be three finite reals (a, b, c), got {coeffs!r}")
    coeffs = tuple(float(x) for x in check_array(list(coeffs), "coeffs"))
    eps = check_nonnegative(eps, "eps", scalar=True)
    with np.errstate(over="ignore", invalid="ignore"):
        X = _newton_schulz(G, steps, coeffs, eps)
    if not np.isfinite(X).all():
        raise ValueError(f"coeffs: the iteration diverged (non-finite entries after {steps} steps with {coeffs})")
    return X


def _newton_schulz(G, steps: int, coeffs: tuple, eps: float = 0.0) -> np.ndarray:
    """The iteration of :func:`newton_schulz` without input checks (non-finite input propagates)."""
    a, b, c = coeffs
    X = np.asarray(G, dtype=float)
    tr = X.shape[-2] > X.shape[-1]
    if tr:
        X = np.swapaxes(X, -1, -2)
    nrm = np.linalg.norm(X, axis=(-2, -1), keepdims=True) + eps
    X = X / np.where(nrm == 0, 1.0, nrm)  # a zero matrix stays zero; NaN/inf propagate (divergence stays visible)
    for _ in range(steps):
        A = X @ np.swapaxes(X, -1, -2)
        B = b * A + c * A @ A if c else b * A  # (c A) A: the rounding of Muon's reference code
        X = a * X + B @ X
    return np.swapaxes(X, -1, -2) if tr else X


def msign_newton_schulz(G, steps: int = 30, coeffs: str = "cubic") -> np.ndarray:
    """Newton-Schulz approximation of ``msign(G)`` for a matrix ``G``: ``X_0 = G / ||G||_F`` (so
    every singular value lies in (0, 1], inside the cubic's basin (0, sqrt 3)), then ``steps``
    iterations with the coefficient set ``coeffs`` of :data:`NS_COEFFS` (see :func:`newton_schulz`)."""
    G = check_array(G, "G", ndim=2, min_size=1)
    check_choice(coeffs, "coeffs", tuple(NS_COEFFS))
    steps = check_int(steps, "steps", 0)
    return newton_schulz(G, steps, NS_COEFFS[coeffs])


def msign_svd(G) -> np.ndarray:
    """``msign(G) = U V^T`` from the compact SVD ``G = U diag(s) V^T``, keeping only singular
    values above ``max(m, n) * eps * s_max`` (so ``msign`` of a rank-``r`` matrix is the partial
    isometry ``U_r V_r^T``; ``msign(0) = 0``). Independent of the Newton-Schulz code (the T26.muon
    cross-check compares the two)."""
    G = check_array(G, "G", ndim=2, min_size=1)
    U, s, Vt = np.linalg.svd(G, full_matrices=False)
    if s.size == 0 or s[0] == 0:
        return np.zeros_like(G)
    keep = s > max(G.shape) * np.finfo(float).eps * s[0]
    return U[:, keep] @ Vt[keep]
