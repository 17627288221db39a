"""Heavy-tailed gradient noise and sign-based optimizers (Y26).

Yu, Tao, Wan, Luo, Zhang, "Sign-Based Optimizers Are Effective Under Heavy-Tailed Noise"
(arXiv 2602.07425, 2026; seed 002, abstract only) analyse SignSGD, Lion, Muon and Muonlight
under a generalized heavy-tailed noise condition (finite ``p``-th moments, ``p in (1, 2]``,
possibly growing with the gradient). This module is numpy/scipy only and provides

* samplers of heavy-tailed noise with a known tail index: symmetric alpha-stable
  (Chambers-Mallows-Stuck, seeded; :func:`sample_sas`) and Student-t (:func:`sample_t`);
* the exact fractional moment ``E|X|^p`` of a standard symmetric alpha-stable variable
  (:func:`sas_abs_moment`);
* tail-index estimators: Hill (:func:`hill`) and the block-sum (log-moment) estimator of
  Mohammadi, Mohammadpour, Ogata (2015) used by Simsekli, Sagun, Gurbuzbalaban (ICML 2019)
  (:func:`block_sum_index`);
* the optimizers SGD, SignSGD, Signum, Lion, Muon, each as the authors define it (see
  :data:`METHODS` and the docstrings), vectorised over step sizes and seeds
  (:func:`run_method`). **Muonlight is not implemented**: its definition (from Y26 itself)
  could not be found in any accessible source (only the abstract is available), and it is
  not invented here.
* a heavy-tailed linear-regression problem whose stochastic-gradient noise grows with the
  gradient (:func:`regression_noise`), for the noise-condition check.
"""

from __future__ import annotations

import math

import numpy as np

from theorycheck.core.validation import (
    check_array,
    check_beta,
    check_callable,
    check_choice,
    check_finite,
    check_int,
    check_memory,
    check_positive,
    check_real,
    check_returned,
    check_seed,
    contract,
)
from theorycheck.models import msign as _msign

#: method -> (source, defaults)
METHODS = {
    "sgd": ("Robbins & Monro (1951): x <- x - lr g", {}),
    "signsgd": ("Bernstein, Wang, Azizzadenesheli, Anandkumar, 'signSGD: compressed optimisation for non-convex "
                "problems', ICML 2018 (signSGD): x <- x - lr sign(g)", {}),
    "signum": ("Bernstein et al. (ICML 2018), Signum (sign of momentum): m <- beta m + (1-beta) g; x <- x - lr sign(m)",
               {"beta": 0.9}),
    "lion": ("Chen et al., 'Symbolic discovery of optimization algorithms' (NeurIPS 2023), Lion pseudo-code, and "
             "google/automl lion/lion_pytorch.py: c = b1 m + (1-b1) g; x <- x - lr sign(c) (weight decay 0); "
             "m <- b2 m + (1-b2) g", {"beta1": 0.9, "beta2": 0.99}),
    "muon": ("Jordan et al., 'Muon: an optimizer for hidden layers' (2024), KellerJordan/Muon muon.py: "
             "m <- beta m + (1-beta) g; u = (1-beta) g + beta m (Nesterov); x <- x - lr NS5(u) max(1, rows/cols)^0.5, "
             "NS5 = 5 quintic Newton-Schulz steps (3.4445, -4.7750, 2.0315) after u/(||u||_F + 1e-7); "
             "run here in float64 instead of bfloat16", {"beta": 0.95, "ns_steps": 5}),
}
MISSING = {"muonlight": "definition not found (Y26's full text and code were not available); left out, not invented"}


# ------------------------------------------------------------------------------ samplers
def _check_size(size, name: str = "size"):
    """A numpy sample size: an integer >= 0 or a tuple of them."""
    if isinstance(size, (tuple, list)):
        return tuple(check_int(n, name, 0) for n in size)
    return check_int(size, name, 0)


def _check_alpha(alpha, name="alpha"):
    a = check_positive(alpha, name)
    if np.ndim(a):
        raise ValueError(f"{name}: must be a scalar, got shape {np.shape(a)}")
    if not (0 < a <= 2):
        raise ValueError(f"{name}: the stability index must satisfy 0 < alpha <= 2, got {alpha!r}")
    return float(a)


def sample_sas(alpha: float, size, rng=None, scale: float = 1.0) -> np.ndarray:
    """Symmetric alpha-stable samples, characteristic function ``exp(-|scale t|^alpha)``.

    Chambers, Mallows, Stuck (1976), symmetric case (Weron 1996, eq. 2.3): with
    ``U ~ Unif(-pi/2, pi/2)``, ``W ~ Exp(1)`` independent,
    ``X = sin(alpha U) / cos(U)^{1/alpha} * (cos((1 - alpha) U) / W)^{(1 - alpha)/alpha}``
    (``alpha = 1``: ``X = tan U``, Cauchy). Tail index ``alpha`` for ``alpha < 2``;
    ``alpha = 2`` is Gaussian with variance ``2 scale^2``.
    """
    a = _check_alpha(alpha)
    size = _check_size(size)
    scale = check_positive(scale, "scale", scalar=True)
    check_memory(np.prod(size, dtype=float) * 3, "size", "float64 values")
    rng = np.random.default_rng(check_seed(rng, "rng"))
    U = rng.uniform(-np.pi / 2, np.pi / 2, size)
    W = rng.exponential(1.0, size)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if a == 1.0:
            X = np.tan(U)
        else:
            X = np.sin(a * U) / np.cos(U) ** (1 / a) * (np.cos((1 - a) * U) / W) ** ((1 - a) / a)
        X = scale * X
    if not np.isfinite(X).all():
        raise ValueError(f"alpha: samples overflow float64 (alpha = {a!r}, scale = {scale!r}: the tail is too heavy "
                         f"for double precision)")
    return X


def sample_t(nu: float, size, rng=None, scale: float = 1.0) -> np.ndarray:
    """Student-t samples with ``nu`` degrees of freedom (tail index ``nu``: ``P(|X| > x) ~ c x^-nu``)."""
    nu = check_positive(nu, "nu", scalar=True)
    size = _check_size(size)
    scale = check_positive(scale, "scale", scalar=True)
    check_memory(np.prod(size, dtype=float), "size", "float64 values")
    with np.errstate(over="ignore", invalid="ignore"):
        X = scale * np.random.default_rng(check_seed(rng, "rng")).standard_t(nu, size)
    if not np.isfinite(X).all():
        raise ValueError(f"nu: samples overflow float64 (nu = {nu!r}: the tail is too heavy for double precision)")
    return X


def sample_noise(kind: str, index: float, size, rng=None, scale: float = 1.0) -> np.ndarray:
    """``kind = "sas"`` (stability index ``index``) or ``"t"`` (``index`` degrees of freedom)."""
    check_choice(kind, "kind", ("sas", "t"))
    index = check_positive(index, "index", scalar=True)
    if kind == "sas" and index > 2:
        raise ValueError(f"index: the stability index of 'sas' must satisfy 0 < index <= 2, got {index!r}")
    try:
        return sample_sas(index, size, rng, scale) if kind == "sas" else sample_t(index, size, rng, scale)
    except ValueError as e:
        msg = str(e)
        for inner in ("alpha:", "nu:"):
            if msg.startswith(inner):
                raise ValueError("index:" + msg[len(inner):]) from None
        raise


@contract(nonfinite="E|X|^p is infinite for p >= alpha < 2 (documented: math.inf)")
def sas_abs_moment(alpha: float, p: float) -> float:
    """``E|X|^p`` for the standard symmetric alpha-stable ``X`` (cf ``exp(-|t|^alpha)``), ``-1 < p < alpha``:
    ``2^p Gamma((1+p)/2) Gamma(1 - p/alpha) / (sqrt(pi) Gamma(1 - p/2))`` (Shanbhag & Sreehari 1977;
    at ``alpha = 2`` the Gaussian ``N(0, 2)`` moment). Infinite for ``p >= alpha < 2``."""
    a = _check_alpha(alpha)
    p = check_real(p, "p", -1.0, None, lo_open=True, scalar=True)
    if not (p < a or a == 2):
        return math.inf
    if a == 2 and p > 340:
        raise ValueError(f"p: the Gaussian moment E|X|^p overflows float64 for p > ~340, got {p!r}")
    if a == 2:
        return 2**p * math.gamma((1 + p) / 2) / math.sqrt(math.pi)
    return 2**p * math.gamma((1 + p) / 2) * math.gamma(1 - p / a) / (math.sqrt(math.pi) * math.gamma(1 - p / 2))


# ------------------------------------------------------------------------ tail-index estimators
def hill(x, k: int | None = None) -> float:
    """Hill (1975) estimator of the tail index from the ``k`` largest ``|x|``:
    ``1/alpha_hat = (1/k) sum_{i<=k} log |x|_(i) - log |x|_(k+1)`` (descending order statistics).
    Default ``k = floor(sqrt(n))``. Consistent for ``k -> inf``, ``k/n -> 0``; biased when the
    tail is only asymptotically Pareto (e.g. alpha-stable with alpha near 2)."""
    a = np.sort(np.abs(np.asarray(check_finite(x, "x"), dtype=float)).ravel())[::-1]
    n = a.size
    if n < 2:
        raise ValueError(f"x: the Hill estimator needs at least 2 samples, got {n}")
    k = int(math.isqrt(n)) if k is None else check_int(k, "k", 1)
    if not (1 <= k < n):
        raise ValueError(f"k: must satisfy 1 <= k < n = {n}, got {k}")
    if a[k] <= 0:
        raise ValueError("x: the (k+1)-th largest |x| is 0; not enough tail samples")
    inv = float(np.mean(np.log(a[:k])) - np.log(a[k]))
    if not inv > 0:
        raise ValueError("x: the k largest |x| are all equal: the Hill estimate is undefined")
    return 1.0 / inv


def block_sum_index(x, k1: int | None = None) -> float:
    """Block-sum (log-moment) estimator of the stability index (Mohammadi, Mohammadpour, Ogata,
    Metrika 2015, Corollary 2.4; used by Simsekli, Sagun, Gurbuzbalaban, ICML 2019, for SGD noise):
    split ``n = k1 k2`` samples into ``k2`` blocks of ``k1``, ``Y_i`` = block sums; then
    ``1/alpha_hat = (mean log|Y| - mean log|X|) / log k1``, since ``Y =_d k1^{1/alpha} X`` for
    strictly stable ``X``. For Student-t with ``nu < 2`` it is consistent only as ``k1 -> inf``
    (block sums are then in the domain of attraction of a ``nu``-stable law)."""
    a = np.asarray(check_finite(x, "x"), dtype=float).ravel()
    n = a.size
    if n < 4:
        raise ValueError(f"x: the block-sum estimator needs at least 4 samples, got {n}")
    k1 = int(math.isqrt(n)) if k1 is None else check_int(k1, "k1", 2)
    if not (2 <= k1 <= n // 2):
        raise ValueError(f"k1: must satisfy 2 <= k1 <= n/2 = {n // 2}, got {k1}")
    k2 = n // k1
    a = a[: k1 * k2]
    Y = a.reshape(k2, k1).sum(axis=1)
    if (a == 0).any() or (Y == 0).any() or not np.isfinite(Y).all():
        raise ValueError("x: the log-moment estimator needs nonzero samples and nonzero, finite block sums")
    inv = (np.mean(np.log(np.abs(Y))) - np.mean(np.log(np.abs(a)))) / np.log(k1)
    if not inv > 0:
        raise ValueError(f"x: the block sums do not grow with k1 (1/alpha estimate {inv:.3g} <= 0): not a stable sample")
    return float(1.0 / inv)


# --------------------------------------------------------------------------------- optimizers
#: Muon's quintic Newton-Schulz coefficients (the "muon" set of :data:`theorycheck.models.msign.NS_COEFFS`).
NS_COEFFS = _msign.NS_COEFFS["muon"]


def newton_schulz5(G: np.ndarray, steps: int = 5) -> np.ndarray:
    """Muon's orthogonalisation (KellerJordan/Muon ``zeropower_via_newtonschulz5``), batched over
    the leading axes, float64: ``X = G/(||G||_F + 1e-7)`` (transposed if rows > cols), then
    ``steps`` times ``A = X X^T``, ``X <- a X + (b A + c A A) X`` with ``(a, b, c) = NS_COEFFS``.
    Approximates ``U V^T`` (``G = U S V^T``) with singular values in ~[0.7, 1.2]. The iteration is
    :func:`theorycheck.models.msign.newton_schulz` (shared with T26's ``msign_newton_schulz``)."""
    return _msign.newton_schulz(G, steps, NS_COEFFS, eps=1e-7)


def _ns5(G: np.ndarray, steps: int) -> np.ndarray:
    """:func:`newton_schulz5` without the input checks (the optimizer loop: a blow-up propagates)."""
    return _msign._newton_schulz(G, steps, NS_COEFFS, eps=1e-7)


@contract(nonfinite="non-finite entries of X_T mark runs that blew up (documented)")
def run_method(method: str, grad_fn, x0: np.ndarray, lrs, noise: np.ndarray, **hyper):
    """Run ``method`` with every step size in ``lrs`` on the noise streams ``noise``.

    ``x0`` has shape ``(rows, cols)`` (Muon orthogonalises it as a matrix; the others are
    coordinate-wise). ``noise`` has shape ``(steps, seeds, rows, cols)``; the stochastic gradient
    at step ``t`` is ``g = grad_fn(X) + noise[t]``, the same stream for every step size (common
    random numbers, so that the step-size comparison is not blurred by sampling).
    Returns the iterates' final values ``X_T`` with shape ``(len(lrs), seeds, rows, cols)``;
    non-finite entries mark blow-ups. Update rules: see :data:`METHODS`.
    """
    check_choice(method, "method", tuple(METHODS))
    check_callable(grad_fn, "grad_fn")
    x0 = check_array(x0, "x0", ndim=2, min_size=1)
    lrs = np.atleast_1d(check_positive(lrs, "lrs")).astype(float)
    if lrs.ndim != 1:
        raise ValueError(f"lrs: must be a scalar or 1-D, got shape {lrs.shape}")
    unknown = set(hyper) - set(METHODS[method][1])
    if unknown:
        raise ValueError(f"hyper: {method} has no hyper-parameter(s) {sorted(unknown)}; known: {sorted(METHODS[method][1])}")
    p = {**METHODS[method][1], **hyper}
    for k in ("beta", "beta1", "beta2"):
        if k in p:
            p[k] = check_beta(p[k], k)
    if "ns_steps" in p:
        p["ns_steps"] = check_int(p["ns_steps"], "ns_steps", 0)
    noise = check_array(noise, "noise")
    if noise.ndim != 4 or noise.shape[2:] != np.shape(x0):
        raise ValueError(f"noise: must have shape (steps, seeds) + x0.shape = (*, *) + {np.shape(x0)}, got {noise.shape}")
    steps, seeds = noise.shape[:2]
    shape = (lrs.size, seeds) + tuple(np.shape(x0))
    X = np.broadcast_to(np.asarray(x0, dtype=float), shape).copy()
    m = np.zeros(shape)
    lr = lrs.reshape((-1,) + (1,) * (len(shape) - 1))
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            G = np.asarray(grad_fn(X), dtype=float) + noise[t][None]
            if method == "sgd":
                X = X - lr * G
            elif method == "signsgd":
                X = X - lr * np.sign(G)
            elif method == "signum":
                m = p["beta"] * m + (1 - p["beta"]) * G
                X = X - lr * np.sign(m)
            elif method == "lion":
                c = p["beta1"] * m + (1 - p["beta1"]) * G
                X = X - lr * np.sign(c)
                m = p["beta2"] * m + (1 - p["beta2"]) * G
            else:  # muon
                m = p["beta"] * m + (1 - p["beta"]) * G
                u = (1 - p["beta"]) * G + p["beta"] * m
                rows, cols = shape[-2], shape[-1]
                X = X - lr * _ns5(u, p["ns_steps"]) * max(1.0, rows / cols) ** 0.5
    return X


# ----------------------------------------------------------------------------- noise condition
def regression_noise(u: np.ndarray, n: int, nu: float, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Least squares ``f(x) = E (a^T x - b)^2 / 2`` with ``a`` iid Student-t(``nu``) coordinates
    (``nu > 2``), ``b = a^T x* + eps``, ``eps ~ t(nu)``; at ``x = x* + u`` the stochastic gradient
    ``g = a (a^T u - eps)`` has mean ``grad f = s2 u`` (``s2 = nu/(nu-2)``) and noise
    ``g - grad f = (a a^T - s2 I) u - a eps``: its size grows with ``||grad f||``, and its tail
    index is ``nu/2`` (from ``a_i^2 u_i``). Returns ``(grad f, noise samples (n, d))``."""
    nu = check_positive(nu, "nu", scalar=True)
    if nu <= 2:
        raise ValueError(f"nu: the regression problem needs a finite covariance, nu > 2, got {nu}")
    n = check_int(n, "n", 1)
    rng = np.random.default_rng(check_seed(rng, "rng"))
    u = check_array(u, "u", ndim=1, min_size=1)
    check_memory(4 * n * u.size, "n", "float64 values")
    d = u.size
    s2 = nu / (nu - 2)
    a = rng.standard_t(nu, (n, d))
    eps = rng.standard_t(nu, n)
    g = a * (a @ u - eps)[:, None]
    return s2 * u, g - s2 * u[None, :]


def moment_growth(samples_fn, p: float, n: int, factor: int = 100, repeats: int = 5, rng=None) -> dict:
    """Median over ``repeats`` of ``mean(|Z|^p over factor*n samples) / mean(|Z|^p over n samples)``.

    For a finite ``p``-th moment the ratio tends to 1; for an infinite one (``p > tail index``)
    the sample mean grows like ``n^{p/alpha - 1}``, so the ratio is about ``factor^{p/alpha - 1}``."""
    check_callable(samples_fn, "samples_fn")
    p = check_positive(p, "p", scalar=True)
    n = check_int(n, "n", 1)
    factor = check_int(factor, "factor", 2)
    repeats = check_int(repeats, "repeats", 1)
    check_memory(3 * factor * n, "n", "samples (factor * n, three arrays)")
    rng = np.random.default_rng(check_seed(rng, "rng"))
    ratios, small = [], []
    for _ in range(repeats):
        z = np.abs(check_returned(samples_fn(factor * n, rng), "samples_fn")).ravel()
        if z.size != factor * n:
            raise ValueError(f"samples_fn: must return factor * n = {factor * n} samples, got {z.size}")
        with np.errstate(over="ignore"):
            z = z ** p
        if not np.isfinite(z).all() or z[:n].mean() == 0:
            raise ValueError("p: |Z|^p overflows float64 or the first n samples are all 0")
        small.append(float(z[:n].mean()))
        ratios.append(float(z.mean() / z[:n].mean()))
    return {"median_ratio": float(np.median(ratios)), "ratios": ratios, "n": n, "factor": factor, "p": p}
