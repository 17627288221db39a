"""Quadratics with a fixed spectrum, their ell_inf geometry, and the optimizers of X24.

Xie, Mohamadi, Li (ICLR 2025, "Adam exploits ell_inf-geometry ...", seed 004) argue that
Adam's advantage comes from the ell_inf geometry of the loss, measured on a quadratic
``f(x) = (1/2) x^T H x`` (``H`` symmetric PSD) by

* ``||H||_{1,1} = sum_ij |H_ij|``                       (:func:`norm_11`),
* ``||H||_{inf->1} = max_{||v||_inf <= 1} v^T H v``     (:func:`norm_inf_to_1`; the ell_inf
  smoothness constant of ``f``: ``|f(y) - f(x) - <grad f(x), y - x>| <= (L/2)||y - x||_inf^2``
  holds with ``L = ||H||_{inf->1}`` and no smaller ``L``),
* ``d * lambda_max(H)``                                  (the ell_2 constant scaled to ell_inf).

This module is numpy/scipy only (no torch). It provides

* fixed-spectrum quadratics and rotations ``H(s) = R(s) D R(s)^T``, ``R(s) = expm(s A)`` with
  ``A`` skew-symmetric, which keep every eigenvalue (so ``lambda_max``) while moving
  ``||H||_{1,1}`` from ``trace(D)`` (``s = 0``) upwards (:func:`rotation_path`);
* the optimizers, vectorised over a grid of step sizes: GD, Adam (any ``beta1``; PyTorch's
  update with bias correction), AdaSGD (one adaptive scalar ``v = b2 v + (1-b2)||g||^2/d``) and
  blockwise Adam (one adaptive scalar per block; block size 1 is Adam, one block is AdaSGD)
  (:func:`run_optimizer`);
* the Cauchy-probe estimator of row ell_1 norms / ``||H||_{1,1}`` and Lanczos for
  ``lambda_max``, both from a Hessian-vector-product callable only
  (:func:`cauchy_row_l1`, :func:`lanczos_lambda_max`; X24's half-interquartile-range
  estimator next to the median one in :func:`cauchy_row_l1_estimators`), and
  :func:`hvp_geometry`, the same measurements for any model given its HVP (the hook for the
  softmax linear model of K24).
"""

from __future__ import annotations

import itertools
import math
from typing import Callable

import numpy as np

from theorycheck.core.validation import (
    check_array,
    check_beta,
    check_bool,
    check_callable,
    check_choice,
    check_finite,
    check_int,
    check_memory,
    check_nonnegative,
    check_positive,
    check_real,
    check_returned,
    check_seed,
    contract,
)

OPTIMIZERS = ("gd", "adam", "adasgd", "blockwise")


# --------------------------------------------------------------------------- matrix norms
def _sym(H) -> np.ndarray:
    H = check_array(H, "H", ndim=2, min_size=1)
    if H.shape[0] != H.shape[1]:
        raise ValueError(f"H: must be a square matrix, got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=0, atol=1e-12 * max(1.0, np.abs(H).max())):
        raise ValueError("H: must be symmetric")
    return H


def norm_11(H) -> float:
    """``||H||_{1,1} = sum_ij |H_ij|`` (entrywise ell_1 norm)."""
    return float(np.abs(_sym(H)).sum())


def lambda_max(H) -> float:
    """Largest eigenvalue of the symmetric matrix ``H`` (LAPACK ``eigvalsh``)."""
    return float(np.linalg.eigvalsh(_sym(H))[-1])


#: brute force over the 2^d sign vectors is limited to this dimension
MAX_BRUTE_FORCE_D = 22


def norm_inf_to_1(H, chunk: int = 1 << 14) -> float:
    """``max_{||v||_inf <= 1} v^T H v`` by brute force over the ``2^d`` vertices ``v in {-1,1}^d``.

    For PSD ``H`` the quadratic form is convex, so its maximum over the cube is attained at a
    vertex and this is exact; it equals ``||H||_{inf->1} = max_{||v||_inf<=1} ||H v||_1`` then.
    ``v`` and ``-v`` give the same value, so the first coordinate is fixed to ``+1``.
    Exponential in ``d``: ``d <= MAX_BRUTE_FORCE_D``.
    """
    H = _sym(H)
    chunk = check_int(chunk, "chunk", 1)
    d = H.shape[0]
    if d > MAX_BRUTE_FORCE_D:
        raise ValueError(f"H: brute force needs d <= {MAX_BRUTE_FORCE_D}, got d = {d}")
    if d == 1:
        return float(H[0, 0])
    n = 1 << (d - 1)
    best = -np.inf
    bits = np.arange(d - 1)
    for start in range(0, n, chunk):
        idx = np.arange(start, min(n, start + chunk))
        V = np.ones((idx.size, d))
        V[:, 1:] = 1.0 - 2.0 * ((idx[:, None] >> bits[None, :]) & 1)
        q = np.einsum("ki,ij,kj->k", V, H, V)
        best = max(best, float(q.max()))
    return best


def inf_to_1_lower_bound(H, restarts: int = 20, rng=None) -> float:
    """A lower bound on ``||H||_{inf->1}`` for any ``d``: the iteration ``v <- sign(H v)``
    (monotone ascent of ``v^T H v`` over the cube for PSD ``H``) from random sign vectors."""
    H = _sym(H)
    restarts = check_int(restarts, "restarts", 1)
    rng = np.random.default_rng(check_seed(rng, "rng"))
    best = -np.inf
    for _ in range(restarts):
        v = rng.choice([-1.0, 1.0], size=H.shape[0])
        for _ in range(100):
            w = np.sign(H @ v)
            w[w == 0] = 1.0
            if np.array_equal(w, v):
                break
            v = w
        best = max(best, float(v @ H @ v))
    return best


# --------------------------------------------------------------------- fixed-spectrum problems
def haar_rotation(d: int, rng=None) -> np.ndarray:
    """A Haar-distributed orthogonal matrix (QR of a Gaussian matrix with the sign fix of
    Mezzadri 2007: ``Q <- Q diag(sign(diag R))``); ``d >= 1``."""
    d = check_int(d, "d", 1)
    check_memory(4 * d * d, "d", "float64 values")
    rng = np.random.default_rng(check_seed(rng, "rng"))
    Z = rng.standard_normal((d, d))
    Q, R = np.linalg.qr(Z)
    return Q * np.sign(np.diag(R))[None, :]


def random_skew(d: int, rng=None) -> np.ndarray:
    """A random skew-symmetric generator ``A = (Z - Z^T)/sqrt(2 d)``, ``Z`` Gaussian (``d >= 1``)."""
    d = check_int(d, "d", 1)
    check_memory(3 * d * d, "d", "float64 values")
    rng = np.random.default_rng(check_seed(rng, "rng"))
    Z = rng.standard_normal((d, d))
    return (Z - Z.T) / np.sqrt(2.0 * d)


def rotation(A: np.ndarray, s: float) -> np.ndarray:
    """``R(s) = expm(s A)`` for skew-symmetric ``A`` (orthogonal for every real ``s``)."""
    from scipy.linalg import expm

    A = _skew(A)
    s = check_real(s, "s", scalar=True)
    with np.errstate(over="ignore", invalid="ignore"):
        R = expm(s * A)
    if not np.isfinite(R).all():
        raise ValueError(f"s: expm(s A) is not finite in float64 (|s| ||A|| too large), s = {s!r}")
    return R


def _skew(A) -> np.ndarray:
    A = check_array(A, "A", ndim=2, min_size=1)
    if A.shape[0] != A.shape[1] or not np.allclose(A, -A.T, rtol=0, atol=1e-12 * max(1.0, np.abs(A).max())):
        raise ValueError(f"A: must be a skew-symmetric square matrix, got shape {A.shape}")
    return A


def rotation_path(eigs, A: np.ndarray, s_grid) -> list[np.ndarray]:
    """``H(s) = R(s) diag(eigs) R(s)^T`` for ``s`` in ``s_grid``: the same spectrum (hence the
    same ``lambda_max``) with ``||H(s)||_{1,1}`` moving away from ``sum(eigs)`` at ``s = 0``."""
    eigs = check_array(eigs, "eigs", ndim=1, min_size=1)
    A = _skew(A)
    if A.shape[0] != eigs.size:
        raise ValueError(f"A: must be {eigs.size} x {eigs.size} to match eigs, got {A.shape}")
    s_grid = np.atleast_1d(check_array(s_grid, "s_grid", ndim=(0, 1)))
    out = []
    for s in s_grid:
        try:
            R = rotation(A, s)
        except ValueError as e:
            raise ValueError(f"s_grid: {e}") from None
        H = (R * eigs[None, :]) @ R.T
        out.append((H + H.T) / 2)
    return out


def power_spectrum(d: int, power: float = 1.0, top: float = 1.0) -> np.ndarray:
    """Eigenvalues ``top * i^{-power}``, ``i = 1..d``: a heterogeneous spectrum."""
    top = check_positive(top, "top", scalar=True)
    d = check_int(d, "d", 1)
    check_memory(2 * d, "d", "float64 values")
    power = check_finite(power, "power", scalar=True)
    with np.errstate(over="ignore", under="ignore"):
        out = top * np.exp(-power * np.log(np.arange(1, d + 1, dtype=float)))
    if not np.isfinite(out).all():
        raise ValueError(f"power: top * i^-power overflows float64 (power = {power!r}, d = {d})")
    return out


# ------------------------------------------------------------------------------ optimizers
def _block_ids(d: int, block: int) -> np.ndarray:
    block = check_int(block, "block", 1)
    if not (1 <= block <= d):
        raise ValueError(f"block: block size must satisfy 1 <= block <= d = {d}, got {block}")
    return np.arange(d) // block


@contract(nonfinite="losses of runs that blew up are inf (documented)")
def run_optimizer(
    name: str,
    H: np.ndarray,
    x0: np.ndarray,
    lrs,
    steps: int,
    *,
    beta1: float = 0.0,
    beta2: float = 0.999,
    eps: float = 1e-12,
    block: int | None = None,
    record: bool = False,
):
    """Run ``name`` on ``f(x) = (1/2) x^T H x`` from ``x0`` for every step size in ``lrs`` at once.

    Updates (``g_t = H x_t``, ``m_0 = v_0 = 0``, ``t = 1, 2, ...``):

    * ``gd``:        ``x <- x - lr g``
    * ``adam``:      ``m <- b1 m + (1-b1) g``, ``v <- b2 v + (1-b2) g^2`` (coordinate-wise),
      ``x <- x - lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)`` (PyTorch's Adam)
    * ``adasgd``:    as Adam with one scalar ``v <- b2 v + (1-b2) ||g||_2^2 / d``
    * ``blockwise``: as Adam with one scalar per contiguous block ``B`` of size ``block``:
      ``v_B <- b2 v_B + (1-b2) ||g_B||_2^2 / |B|`` (``block = 1``: Adam; ``block = d``: AdaSGD)

    Returns the losses ``f(x_T)`` (shape ``(len(lrs),)``; ``inf`` where the run blew up), and
    with ``record=True`` also the iterates ``(steps+1, len(lrs), d)``.
    """
    check_choice(name, "name", OPTIMIZERS)
    H = _sym(H)
    d = H.shape[0]
    lrs = np.atleast_1d(check_positive(lrs, "lrs")).astype(float)
    if lrs.ndim != 1:
        raise ValueError(f"lrs: must be a scalar or 1-D, got shape {lrs.shape}")
    steps = check_int(steps, "steps", 0)
    beta1, beta2 = check_beta(beta1, "beta1"), check_beta(beta2, "beta2")
    eps = check_nonnegative(eps, "eps", scalar=True)
    record = check_bool(record, "record")
    x0 = check_array(x0, "x0")
    if x0.shape != (d,):
        raise ValueError(f"x0: must have shape ({d},) to match H, got {x0.shape}")
    if block is not None:
        block = check_int(block, "block", 1)
    if record:
        check_memory((steps + 1) * lrs.size * d, "steps", "float64 values of the recorded iterates")
    X = np.repeat(x0[None, :], lrs.size, axis=0)
    lr = lrs[:, None]
    if name == "blockwise":
        if block is None:
            raise ValueError("block: blockwise Adam needs a block size")
        ids = _block_ids(d, int(block))
        nb = int(ids[-1]) + 1
        sizes = np.bincount(ids, minlength=nb).astype(float)
    m = np.zeros_like(X)
    v = np.zeros_like(X) if name == "adam" else (np.zeros((lrs.size, 1)) if name == "adasgd" else None)
    if name == "blockwise":
        v = np.zeros((lrs.size, nb))
    traj = [X.copy()] if record else None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            G = X @ H
            if name == "gd":
                X = X - lr * G
            else:
                m = beta1 * m + (1 - beta1) * G
                if name == "adam":
                    v = beta2 * v + (1 - beta2) * G * G
                    vv = v
                elif name == "adasgd":
                    v = beta2 * v + (1 - beta2) * (G * G).sum(axis=1, keepdims=True) / d
                    vv = v
                else:
                    gb = np.zeros((lrs.size, nb))
                    for b in range(nb):
                        sl = ids == b
                        gb[:, b] = (G[:, sl] * G[:, sl]).sum(axis=1) / sizes[b]
                    v = beta2 * v + (1 - beta2) * gb
                    vv = v[:, ids]
                mhat = m / (1 - beta1**t)
                vhat = vv / (1 - beta2**t)
                X = X - lr * mhat / (np.sqrt(vhat) + eps)
            if record:
                traj.append(X.copy())
        loss = 0.5 * np.einsum("ki,ij,kj->k", X, H, X)
    loss = np.where(np.isfinite(loss), loss, np.inf)
    if record:  # the iterates of diverged runs are kept as they are (inf/NaN mark the blow-up)
        return loss, np.array(traj)
    return loss


@contract(nonfinite="inf when every step size of the grid blew up (documented)")
def tuned_loss(name: str, H, x0, lrs, steps: int, **kw) -> tuple[float, float]:
    """``min over lr in lrs of f(x_T) / f(x_0)`` and the step size attaining it (a grid search,
    as in the papers' tuned comparisons)."""
    H = _sym(H)
    x0 = check_array(x0, "x0")
    if x0.shape != (H.shape[0],):
        raise ValueError(f"x0: must have shape ({H.shape[0]},) to match H, got {x0.shape}")
    f0 = 0.5 * float(x0 @ H @ x0)
    if not (f0 > 0 and math.isfinite(f0)):
        raise ValueError(f"x0: the starting loss x0^T H x0 / 2 must be finite and > 0, got {f0!r}")
    if kw.get("record"):
        raise ValueError("record: tuned_loss returns the best loss only (record=True is not supported)")
    if np.size(lrs) == 0:
        raise ValueError("lrs: needs at least one step size")
    loss = run_optimizer(name, H, x0, lrs, steps, **kw) / f0
    i = int(np.argmin(loss))
    return float(loss[i]), float(np.atleast_1d(lrs)[i])


# ----------------------------------------------------------------- estimators from HVPs only
HVP = Callable[[np.ndarray], np.ndarray]


def _apply(hvp: HVP, V: np.ndarray) -> np.ndarray:
    """Apply ``hvp`` to every column of ``V`` (``hvp`` may accept a matrix; else column-wise);
    the products must be finite with the shape of their input (else ValueError on ``hvp``)."""
    try:
        out = np.asarray(hvp(V), dtype=float)
        if out.shape == V.shape:
            return check_returned(out, "hvp")
    except ValueError as e:
        if str(e).startswith("hvp:"):
            raise
    except Exception:  # noqa: BLE001 - a vector-only HVP: fall back to columns
        pass
    cols = []
    for k in range(V.shape[1]):
        try:
            col = check_returned(hvp(V[:, k]), "hvp")
        except ValueError as e:
            if str(e).startswith("hvp:"):
                raise
            raise ValueError(f"hvp: failed on a vector of length {V.shape[0]} (does d match the operator?): {e}") from None
        except Exception as e:  # noqa: BLE001 - the user's callable failed
            raise ValueError(f"hvp: failed on a vector of length {V.shape[0]}: {type(e).__name__}: {e}") from None
        if col.shape != (V.shape[0],):
            raise ValueError(f"hvp: must map a vector of length {V.shape[0]} to one of the same length, got {col.shape}")
        cols.append(col)
    return np.stack(cols, axis=1)


def _cauchy_products(hvp, d, probes, rng) -> np.ndarray:
    """``H V`` for ``probes`` standard Cauchy probe vectors (the columns of ``V``, shape ``(d, probes)``),
    after checking the arguments of the row-ell_1 estimators."""
    check_callable(hvp, "hvp")
    d = check_int(d, "d", 1)
    probes = check_int(probes, "probes", 1)
    check_memory(3 * d * probes, "probes", "float64 values (d x probes)")
    rng = np.random.default_rng(check_seed(rng, "rng"))
    V = rng.standard_cauchy((d, probes))
    return _apply(hvp, V)


def cauchy_row_l1(hvp: HVP, d: int, probes: int, rng=None) -> np.ndarray:
    """Estimate the row ell_1 norms ``r_i = sum_j |H_ij|`` from ``probes`` HVPs with Cauchy vectors.

    With ``v_j`` iid standard Cauchy, ``(H v)_i = sum_j H_ij v_j`` is Cauchy with scale
    ``sum_j |H_ij| = r_i`` (the characteristic function is ``prod_j exp(-|H_ij t|) =
    exp(-r_i |t|)``). The median of ``|Cauchy(0, r)|`` is ``r``, so the estimate is the sample
    median of ``|(H v^(k))_i|`` over the probes; its relative standard deviation is
    ``~ pi / (2 sqrt(probes))`` (asymptotic variance of a sample median,
    ``1 / (4 n f(m)^2)`` with the half-Cauchy density ``f(r) = 1/(pi r)``).
    ``sum_i r_i = ||H||_{1,1}`` and ``mean_i r_i = ||H||_{1,1} / d``.
    """
    HV = _cauchy_products(hvp, d, probes, rng)
    return np.median(np.abs(HV), axis=1)


def cauchy_row_l1_estimators(hvp: HVP, d: int, probes: int, rng=None) -> dict[str, np.ndarray]:
    """Both estimators of the row ell_1 norms ``r_i = sum_j |H_ij|`` from the same ``probes``
    Cauchy HVPs ``(H v^(k))_i ~ Cauchy(0, r_i)``, side by side:

    * ``"half_iqr"``: half the interquartile range of ``(H v^(k))_i`` over the probes, X24's
      estimator (the quartiles of ``Cauchy(0, r)`` are ``+-r``, so ``(Q3 - Q1)/2 -> r``; relative
      standard deviation ``~ pi / (2 sqrt(probes))``, asymptotic variance ``(pi r)^2 / (4 probes)``
      of the half-IQR);
    * ``"median_abs"``: the median of ``|(H v^(k))_i|`` (``|Cauchy(0, r)|`` has median ``r``), as
      :func:`cauchy_row_l1`; the same asymptotic variance.

    Quartiles and medians are numpy's linear interpolation between order statistics.
    Returns ``{"half_iqr": (d,), "median_abs": (d,)}``.

    Valid range: ``hvp`` a callable returning finite products of the shape of its input,
    ``d >= 1`` and ``probes >= 1`` integers (a ``d x probes`` array must fit in memory), ``rng`` as
    for :func:`theorycheck.core.validation.check_seed`; else ``ValueError`` naming the parameter.
    """
    HV = _cauchy_products(hvp, d, probes, rng)
    q1, q3 = np.percentile(HV, [25, 75], axis=1)
    return {"half_iqr": (q3 - q1) / 2, "median_abs": np.median(np.abs(HV), axis=1)}


def lanczos_lambda_max(hvp: HVP, d: int, rng=None, tol: float = 0.0) -> float:
    """``lambda_max`` from HVPs only: ARPACK's implicitly restarted Lanczos (``eigsh``, ``LA``)."""
    from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, eigsh

    check_callable(hvp, "hvp")
    d = check_int(d, "d", 1)
    check_memory(30 * d, "d", "float64 values (Lanczos vectors)")
    rng = np.random.default_rng(check_seed(rng, "rng"))
    tol = check_nonnegative(tol, "tol", scalar=True)
    op = LinearOperator((d, d), matvec=lambda x: _apply(hvp, np.asarray(x).reshape(-1, 1))[:, 0], dtype=float)
    if d <= 2:
        M = _apply(hvp, np.eye(d))
        return float(np.linalg.eigvalsh((M + M.T) / 2)[-1])
    try:
        vals = eigsh(op, k=1, which="LA", v0=rng.standard_normal(d), tol=tol, return_eigenvectors=False)
    except (ArpackError, ArpackNoConvergence) as e:
        raise ValueError(f"hvp: ARPACK did not converge on this operator (is it symmetric?): {e}") from None
    return float(vals[0])


def hvp_geometry(hvp: HVP, d: int, probes: int = 200, rng=None, exact_if_d_le: int = 16) -> dict:
    """The X24 geometry of any twice-differentiable model at one point, from its HVP alone.

    Returns ``norm11_over_d`` (Cauchy estimate of ``||H||_{1,1}/d``), ``lambda_max`` (Lanczos),
    ``d_lambda_max``, their ratio, and, when ``d <= exact_if_d_le``, the exact ``||H||_{1,1}``,
    ``lambda_max`` and ``||H||_{inf->1}`` from the dense Hessian built column by column.

    This is the entry point for "the same measurements on the softmax linear model of K24":
    pass ``hvp = lambda v: hessian_vector_product(W, v)`` from the K24 smoothness tools
    (``theorycheck.models.smoothness``, integrated separately); nothing here depends on the model.
    """
    check_callable(hvp, "hvp")
    d = check_int(d, "d", 1)
    probes = check_int(probes, "probes", 1)
    exact_if_d_le = check_int(exact_if_d_le, "exact_if_d_le", 0)
    check_memory(3 * d * probes, "probes", "float64 values (d x probes)")
    check_memory(30 * d + (d * d if d <= exact_if_d_le else 0), "d", "float64 values")
    rng = np.random.default_rng(check_seed(rng, "rng"))
    r = cauchy_row_l1(hvp, d, probes, rng)
    lm = lanczos_lambda_max(hvp, d, rng)
    out = {"d": d, "probes": probes, "norm11_over_d": float(r.mean()), "lambda_max": lm, "d_lambda_max": d * lm}
    out["ratio_d_lambda_max_over_norm11"] = out["d_lambda_max"] / max(out["norm11_over_d"] * d, 1e-300)
    if d <= exact_if_d_le:
        M = _apply(hvp, np.eye(d))
        M = (M + M.T) / 2
        out["exact"] = {"norm11": norm_11(M), "lambda_max": lambda_max(M),
                        "inf_to_1": norm_inf_to_1(M) if np.linalg.eigvalsh(M)[0] >= -1e-12 else None}
    return out


def k24_softmax_geometry(hvp: HVP, d: int, probes: int = 200, rng=None) -> dict:
    """Hook for the softmax linear model of K24: identical to :func:`hvp_geometry`.

    Kept as a separate name so that integration wires the K24 model's HVP (from
    ``theorycheck.models.smoothness``) here without touching the quadratic experiments.
    """
    return hvp_geometry(hvp, d, probes=probes, rng=rng)


def blockwise_constant(H, block: int) -> float:
    """``sum_{B,B'} sqrt(|B| |B'|) ||H_{B B'}||_2`` for contiguous blocks of size ``block``.

    An upper bound on ``max x^T H x`` over ``{x : ||x_B||_2 <= sqrt(|B|) for every block}``
    (Cauchy-Schwarz block by block), the smoothness constant matching blockwise Adam's norm
    ``max_B ||x_B||_2 / sqrt(|B|)``. ``block = 1`` gives ``||H||_{1,1}``; ``block = d`` gives
    ``d ||H||_2`` (``= d lambda_max`` for PSD ``H``). Derived here, not transcribed.
    """
    H = _sym(H)
    d = H.shape[0]
    ids = _block_ids(d, block)
    nb = int(ids[-1]) + 1
    total = 0.0
    for a, b in itertools.product(range(nb), repeat=2):
        A = H[np.ix_(ids == a, ids == b)]
        total += np.sqrt(A.shape[0] * A.shape[1]) * np.linalg.norm(A, 2)
    return float(total)


def cauchy_median_moments(k: int) -> tuple[float, float]:
    """Exact relative bias and relative standard deviation of the row estimate of
    :func:`cauchy_row_l1` with an odd number ``k = 2m + 1`` of probes: ``E[med]/r - 1`` and
    ``sd[med]/r``.

    ``|Cauchy(0, r)| = r tan(pi U / 2)`` with ``U`` uniform, and the median of ``k = 2m+1``
    values is the order statistic ``U_(m+1) ~ Beta(m+1, m+1)``, so the moments are
    ``int_0^1 tan(pi u/2)^p u^m (1-u)^m du / B(m+1, m+1)`` (mpmath, ``MP_DPS`` digits). The
    variance is finite for ``k >= 5``; the bias is ``O(1/k)`` and the standard deviation
    ``~ pi / (2 sqrt(k))`` (the asymptotic variance of a sample median). Even ``k`` (where
    ``np.median`` averages two order statistics) is refused.
    """
    import mpmath as mp

    from theorycheck.core import tolerances as tol

    k = check_int(k, "k")
    if k < 5 or k % 2 == 0:
        raise ValueError(f"k: needs an odd number of probes k >= 5 (finite variance of the median), got {k}")
    m = k // 2
    with mp.workdps(tol.MP_DPS):
        c = 1 / mp.beta(m + 1, m + 1)
        t = lambda u: mp.tan(mp.pi * u / 2)  # noqa: E731
        m1 = mp.quad(lambda u: t(u) * c * (u * (1 - u)) ** m, [0, 0.5, 1])
        m2 = mp.quad(lambda u: t(u) ** 2 * c * (u * (1 - u)) ** m, [0, 0.5, 1])
        return float(m1 - 1), float(mp.sqrt(m2 - m1**2))
