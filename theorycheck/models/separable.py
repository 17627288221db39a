"""T26's setting: separable quadratics, SignSGD and SGD under separable noise, Muon's msign (numpy).

Problem ``f(x) = (1/2) sum_i L_i x_i^2`` (separable smoothness constants ``L_i``; by T26.lemma1
it is ell_inf-smooth with ``L_inf = ||L||_1``). A stochastic gradient is ``g = grad f(x) + xi``
with independent coordinates ``xi_i ~ N(0, sigma_i^2)``, averaged over a mini-batch of ``B``
(so ``E|g_i - grad_i f|^2 = sigma_i^2 / B``). Noise density
``phi(sigma) = ||sigma||_1^2 / (d ||sigma||_2^2)`` in ``[1/d, 1]``: one noisy coordinate gives
``1/d`` (sparse), equal ``sigma_i`` give 1 (dense).

SignSGD: ``x <- x - eta sign(g)`` with ``sign(0) = 0``; SGD: ``x <- x - eta g``.

Runs are vectorised over a batch of ``R`` independent runs (rows), each with its own step size,
so a step-size grid times several seeds is one array computation. numpy only (no torch).
"""

from __future__ import annotations

import math

import numpy as np

from theorycheck.core.validation import (
    check_array,
    check_choice,
    check_finite,
    check_int,
    check_memory,
    check_nonnegative,
    check_positive,
    check_real,
    contract,
)
from theorycheck.models.msign import NS_COEFFS, msign_newton_schulz, msign_svd  # noqa: F401  (re-exported: T26's names)

METHODS = ("signsgd", "sgd")
#: The curves :func:`run` can record.
METRICS = ("loss", "grad_l1")


def phi(sigma) -> float:
    """Noise density ``||sigma||_1^2 / (d ||sigma||_2^2)`` (in ``[1/d, 1]``)."""
    s = np.abs(np.atleast_1d(check_finite(sigma, "sigma")))
    if s.size == 0 or s.max() == 0:
        raise ValueError("sigma: phi is undefined for zero noise (||sigma||_2 = 0)")
    s = s / s.max()  # phi is scale-invariant: no overflow of sum(sigma^2) at sigma ~ 1e300
    return float(np.sum(s)) ** 2 / (s.size * float(np.sum(s**2)))


def sparse_sigma(d: int, scale: float) -> np.ndarray:
    """Noise on coordinate 1 only: ``sigma = (scale, 0, ..., 0)`` (``phi = 1/d``)."""
    _check_dim(d)
    check_memory(d, "d", "float64 values")
    s = np.zeros(d)
    s[0] = check_positive(scale, "scale", scalar=True)
    return s


def dense_sigma(d: int, scale: float) -> np.ndarray:
    """Equal noise ``sigma_i = scale / sqrt(d)`` on every coordinate (``phi = 1``,
    ``||sigma||_2 = scale``, ``||sigma||_1 = scale sqrt(d)``)."""
    _check_dim(d)
    check_memory(d, "d", "float64 values")
    return np.full(d, check_positive(scale, "scale", scalar=True) / math.sqrt(d))


def _check_dim(d) -> int:
    return check_int(d, "d", 1)


def quad_loss(x, L) -> np.ndarray:
    """``f(x) = (1/2) sum_i L_i x_i^2`` row-wise (``x`` of shape ``(R, d)`` or ``(d,)``; an array of
    shape ``(R,)`` or ``()``)."""
    x = check_array(x, "x", ndim=(1, 2))
    L = np.atleast_1d(check_positive(L, "L"))
    if L.ndim != 1 or x.shape[-1] != L.size and L.size != 1:
        raise ValueError(f"L: must have one entry per coordinate of x ({x.shape[-1]}), got shape {L.shape}")
    with np.errstate(over="ignore"):
        out = 0.5 * np.sum(L * x**2, axis=-1)
    if not np.isfinite(out).all():
        raise ValueError("x: the loss overflows float64 (|x| too large)")
    return np.asarray(out)


@contract(nonfinite="runs that diverged report inf (documented, never NaN)")
def run(method: str, L, x0, etas, T: int, sigma=None, B: int = 1, seed: int = 0,
        record_every: int = 0, metric: str = "loss") -> dict:
    """Run SignSGD or SGD on ``f = (1/2) sum L_i x_i^2`` for ``T`` steps, one run per step size.

    ``etas``: array of ``R`` step sizes (one run each, same start ``x0``); ``sigma``: per-
    coordinate noise std (``None`` = deterministic); ``B``: mini-batch size; each run draws its
    own noise from ``numpy.random.default_rng(seed)``. Returns ``{"final_loss" (R,),
    "final_grad_l1" (R,), "avg_grad_l1" (R,) = (1/T) sum_{t<T} ||grad f(x_t)||_1, "curve"
    (n_rec, R) of ``metric`` every ``record_every`` steps (if > 0), "x" (R, d)}``. Diverging runs
    give ``inf`` (never NaN): coordinates are clipped to +-1e150 and flagged.
    """
    check_choice(method, "method", METHODS)
    L = np.atleast_1d(check_positive(L, "L"))
    if L.ndim != 1 or L.size == 0:
        raise ValueError(f"L: must be a non-empty 1-D vector of smoothness constants, got shape {L.shape}")
    d = L.size
    etas = np.atleast_1d(check_positive(etas, "etas"))
    T = check_int(T, "T", 1)
    B = check_int(B, "B", 1)
    seed = check_int(seed, "seed", 0)
    record_every = check_int(record_every, "record_every", 0)
    if record_every:
        check_memory((T // record_every + 2) * etas.size, "record_every", "float64 values of the curve")
    check_choice(metric, "metric", METRICS)
    x0 = np.atleast_1d(check_finite(x0, "x0"))
    R = etas.size
    if x0.shape[-1] != d or (x0.ndim == 2 and x0.shape[0] != R) or x0.ndim > 2:
        raise ValueError(f"x0: must have shape ({d},) or ({R}, {d}) (d = len(L), R = len(etas)), got {x0.shape}")
    x = np.broadcast_to(x0, (R, d)).astype(float).copy()
    sig = None
    if sigma is not None:
        sig = np.abs(np.atleast_1d(check_finite(sigma, "sigma")))
        if sig.size != d:
            raise ValueError(f"sigma: must have {d} entries, got {sig.size}")
        nz = np.flatnonzero(sig)
        sig_nz = sig[nz] / math.sqrt(B)
    rng = np.random.default_rng(seed)
    eta = etas[:, None]
    avg = np.zeros(R)
    curve = []
    diverged = np.zeros(R, dtype=bool)
    big = 1e150
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T):
            gf = L * x
            avg += np.sum(np.abs(gf), axis=1)
            if record_every and t % record_every == 0:
                curve.append(_metric(x, L, metric))
            g = gf
            if sig is not None and nz.size:
                g = gf.copy()
                g[:, nz] += rng.standard_normal((R, nz.size)) * sig_nz
            x = x - eta * (np.sign(g) if method == "signsgd" else g)
            bad = ~np.isfinite(x) | (np.abs(x) > big)
            if bad.any():
                diverged |= bad.any(axis=1)
                x = np.clip(np.nan_to_num(x, nan=big, posinf=big, neginf=-big), -big, big)
    if record_every:
        curve.append(_metric(x, L, metric))
    fl = quad_loss(x, L)
    g1 = np.sum(np.abs(L * x), axis=1)
    fl[diverged] = np.inf
    g1[diverged] = np.inf
    avg = avg / T
    avg[diverged] = np.inf
    return {"final_loss": fl, "final_grad_l1": g1, "avg_grad_l1": avg,
            "curve": np.array(curve) if record_every else None, "x": x, "diverged": diverged}


def _metric(x, L, metric):
    if metric == "loss":
        return quad_loss(x, L)
    return np.sum(np.abs(L * x), axis=-1)


TUNE_METRICS = ("final_loss", "final_grad_l1", "avg_grad_l1")


@contract(nonfinite="the table holds inf for step sizes whose runs diverged (documented)")
def tune(method: str, L, x0s, grid, T: int, sigma=None, B: int = 1, metric: str = "final_loss",
         seed: int = 0) -> dict:
    """Tune the step size on ``grid``: every (step size, start) pair is one run (all in one
    vectorised call, independent noise per run); the chosen step size minimises the mean of
    ``metric`` over the starts. Returns the table (``mean``, ``per_seed``) and the best.
    """
    grid = np.atleast_1d(check_positive(grid, "grid"))
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError(f"grid: must be a non-empty 1-D array of step sizes, got shape {grid.shape}")
    x0s = np.atleast_2d(check_array(x0s, "x0s", ndim=(1, 2), min_size=1))
    check_choice(metric, "metric", TUNE_METRICS)
    if x0s.shape[-1] != np.atleast_1d(check_positive(L, "L")).size:
        raise ValueError(f"x0s: starts must have one entry per coordinate of L ({np.size(L)}), got shape {x0s.shape}")
    S = x0s.shape[0]
    r = run(method, L, np.tile(x0s, (grid.size, 1)), np.repeat(grid, S), T, sigma=sigma, B=B, seed=seed)
    vals = r[metric].reshape(grid.size, S)
    with np.errstate(invalid="ignore"):
        mean = np.mean(vals, axis=1)
    i = int(np.argmin(np.where(np.isfinite(mean), mean, np.inf)))
    return {"grid": grid, "mean": mean, "per_seed": vals, "best_eta": float(grid[i]),
            "best": float(mean[i]), "best_per_seed": vals[i]}


# --- Muon's msign ----------------------------------------------------------------------------

# msign_svd, msign_newton_schulz and NS_COEFFS live in theorycheck.models.msign (one implementation for
# T26 and Y26's newton_schulz5) and are re-exported at the top of this module.

def ns_steps_needed(s_min_ratio: float, tol: float) -> int:
    """Iterations of the cubic Newton-Schulz map ``s <- (3 s - s^3)/2`` that bring the smallest
    normalised singular value ``s_min_ratio = s_min/||G||_F`` (the worst case) within ``tol``
    of 1 (computed by iterating the scalar map)."""
    s = check_positive(s_min_ratio, "s_min_ratio", scalar=True)
    tol = check_real(tol, "tol", 0.0, 1.0, lo_open=True, hi_open=True, scalar=True)
    if s >= math.sqrt(3):
        raise ValueError("s_min_ratio: the cubic Newton-Schulz iteration needs singular values in (0, sqrt(3))")
    n = 0
    while abs(1 - s) > tol:
        s = 1.5 * s - 0.5 * s**3
        n += 1
        if n > 10_000:  # pragma: no cover - the map converges quadratically near 1
            raise ValueError(f"tol: not reached after 10000 iterations (tol = {tol!r})")
    return n


# --- one-coordinate reductions (exact for SGD, Monte Carlo for SignSGD) ----------------------

def _check_curve_args(a, L, sigma, eta, T):
    """Validate the arguments of the expected-|x_t| curves (ValueError naming the parameter)."""
    a = check_real(a, "a", scalar=True)
    L = check_real(L, "L", 0.0, None, lo_open=True, scalar=True)
    sigma = check_real(sigma, "sigma", 0.0, None, scalar=True)
    eta = check_real(eta, "eta", 0.0, None, lo_open=True, scalar=True)
    T = check_int(T, "T", 0)
    # numpy scalars: an overflow (a diverging chain, sigma ~ 1e300) gives inf, not Python's OverflowError
    return np.float64(a), np.float64(L), np.float64(sigma), np.float64(eta), T


@contract(nonfinite="E|x_t| of an unstable chain (|1 - eta L| > 1) leaves float64: inf from there on (documented)")
def sgd_expected_abs_curve(a: float, L: float, sigma: float, eta: float, T: int) -> np.ndarray:
    """``E|x_t|``, ``t = 0..T``, for SGD on the coordinate ``f_i = (L/2) x^2`` from ``x_0 = a``
    with noise ``N(0, sigma^2)``: ``x_t ~ N(m_t, v_t)``, ``m_t = r^t a``, ``r = 1 - eta L``,
    ``v_t = eta^2 sigma^2 (1 - r^{2t}) / (1 - r^2)``; the folded-normal mean is
    ``E|x| = sqrt(2 v/pi) exp(-m^2/(2v)) + m (1 - 2 Phi(-m/sqrt v))`` (exact; ``|m_t|`` if ``v = 0``).
    Entries beyond float64 (a diverging chain) are ``inf``."""
    from scipy.special import erf

    a, L, sigma, eta, T = _check_curve_args(a, L, sigma, eta, T)
    check_memory(8 * (T + 1), "T", "float64 values")
    t = np.arange(T + 1, dtype=float)
    r = 1.0 - eta * L
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        rt = np.abs(r) ** t  # |r|^t once: m_t and r^{2t} = (|r|^t)^2 reuse it
        if r < 0:
            m = np.where(np.arange(T + 1) % 2 == 1, -rt, rt) * a
        else:
            m = rt * a if r != 0 else np.where(t == 0, a, 0.0)
        if sigma == 0:
            return np.abs(m)
        one_m_r2 = 1.0 - r * r
        v = eta**2 * sigma**2 * (t if one_m_r2 == 0 else (1.0 - rt * rt) / one_m_r2)
        sd = np.sqrt(v)
        out = np.where(sd > 0, sd * math.sqrt(2 / math.pi) * np.exp(-0.5 * (m / np.where(sd > 0, sd, 1)) ** 2)
                       + m * erf(m / (math.sqrt(2) * np.where(sd > 0, sd, 1))), np.abs(m))
    return np.where(np.isfinite(out), out, np.inf)


def signsgd_expected_abs_curve(a: float, L: float, sigma: float, eta: float, T: int, paths: int = 2000,
                               seed: int = 0) -> np.ndarray:
    """``E|x_t|``, ``t = 0..T``, for SignSGD on ``f_i = (L/2) x^2`` from ``x_0 = a``: exact when
    ``sigma = 0`` (one deterministic path), else the mean over ``paths`` independent paths."""
    a, L, sigma, eta, T = _check_curve_args(a, L, sigma, eta, T)
    paths = check_int(paths, "paths", 1)
    seed = check_int(seed, "seed", 0)
    check_memory(T + 1, "T", "float64 values")
    check_memory(3 * paths, "paths", "float64 values")
    n = 1 if sigma == 0 else paths
    rng = np.random.default_rng(seed)
    x = np.full(n, float(a))
    out = np.empty(T + 1)
    out[0] = abs(a)
    for t in range(T):
        g = L * x
        if sigma:
            g = g + sigma * rng.standard_normal(n)
        x = x - eta * np.sign(g)
        out[t + 1] = float(np.mean(np.abs(x)))
    return out


def _check_groups(groups) -> list:
    """``[(count, L, sigma), ...]``: integer counts >= 1, ``L > 0``, ``sigma >= 0`` finite."""
    if isinstance(groups, (str, bytes)) or not isinstance(groups, (list, tuple)) or not groups:
        raise ValueError(f"groups: must be a non-empty list of (count, L, sigma) triples, got {groups!r}")
    out = []
    for g in groups:
        if not isinstance(g, (list, tuple)) or len(g) != 3:
            raise ValueError(f"groups: each group is a (count, L, sigma) triple, got {g!r}")
        out.append((check_int(g[0], "groups", 1), check_positive(g[1], "groups", scalar=True),
                    check_nonnegative(g[2], "groups", scalar=True)))
    return out


def sample_complexity(method: str, groups, a: float, eps: float, grid, T_cap: int, paths: int = 400,
                      seed: int = 0) -> dict:
    """Measured sample complexity ``N(eps)`` (``B = 1``, so steps = samples): the first step ``t``
    at which ``E||grad f(x_t)||_1 <= eps`` for some constant step size of ``grid`` (minimum over
    the grid), on a separable quadratic made of ``groups = [(count, L, sigma), ...]`` of identical
    coordinates all started at ``x_0 = a``. ``E||grad f(x_t)||_1 = sum_g count_g L_g E|x_{g,t}|``,
    each group a 1-D chain: the exact folded-normal curve for SGD; for SignSGD ``paths`` Monte Carlo
    paths per noisy group (one exact path for noise-free ones), all step sizes run together and
    the run stops at the first hit. Returns ``{"N", "eta", "reached"}`` (``N = T_cap + 1`` if no
    step size reaches ``eps`` within ``T_cap``)."""
    check_choice(method, "method", METHODS)
    groups = _check_groups(groups)
    a = check_finite(a, "a", scalar=True)
    eps = check_positive(eps, "eps", scalar=True)
    grid = np.atleast_1d(check_positive(grid, "grid"))
    T_cap = check_int(T_cap, "T_cap", 0)
    paths = check_int(paths, "paths", 1)
    seed = check_int(seed, "seed", 0)
    check_memory(3 * grid.size * paths * len(groups), "paths", "float64 values")
    if method == "sgd":
        best, best_eta = T_cap + 1, None
        for eta in grid:
            horizon = min(1024, T_cap)
            while True:  # double the horizon until a hit, the cap, or the best time so far
                tot = np.zeros(horizon + 1)
                for cnt, L, sg in groups:
                    tot += cnt * L * sgd_expected_abs_curve(a, L, sg, float(eta), horizon)
                hit = np.flatnonzero(tot <= eps)
                if hit.size or horizon >= min(T_cap, best):
                    break
                horizon = min(2 * horizon, T_cap)
            if hit.size and hit[0] < best:
                best, best_eta = int(hit[0]), float(eta)
        return {"N": best, "eta": best_eta, "reached": best <= T_cap}
    rng = np.random.default_rng(seed)
    E = grid[:, None]
    xs = [np.full((grid.size, 1 if sg == 0 else paths), float(a)) for _, _, sg in groups]
    for t in range(T_cap + 1):
        val = sum(cnt * L * np.mean(np.abs(x), axis=1) for (cnt, L, _), x in zip(groups, xs))
        hit = np.flatnonzero(val <= eps)
        if hit.size:
            j = int(hit[np.argmin(val[hit])])
            return {"N": t, "eta": float(grid[j]), "reached": True}
        for i, (cnt, L, sg) in enumerate(groups):
            g = L * xs[i]
            if sg:
                g = g + sg * rng.standard_normal(xs[i].shape)
            xs[i] = xs[i] - E * np.sign(g)
    return {"N": T_cap + 1, "eta": None, "reached": False}


def stiff_instance(d: int, Linf: float, sigma: float, regime: str):
    """The sweep's instance: ``L_1 = L_inf/2``, ``L_i = L_inf/(2(d-1))`` for ``i >= 2`` (so
    ``||L||_1 = L_inf``); noise ``sigma`` on coordinate 1 only (``regime="sparse"``, ``phi = 1/d``)
    or ``sigma/sqrt(d)`` on every coordinate (``"dense"``, ``phi = 1``; same ``||sigma||_2``).
    Returns the groups ``[(count, L, sigma_i), ...]`` for :func:`sample_complexity`."""
    d = _check_dim(d)
    if d < 2:
        raise ValueError("d: the sweep instance needs d >= 2")
    Linf = check_positive(Linf, "Linf", scalar=True)
    sigma = check_nonnegative(sigma, "sigma", scalar=True)
    check_choice(regime, "regime", ("sparse", "dense"))
    L1, Lr = Linf / 2, Linf / (2 * (d - 1))
    s1, sr = (sigma, 0.0) if regime == "sparse" else (sigma / math.sqrt(d), sigma / math.sqrt(d))
    return [(1, L1, s1), (d - 1, Lr, sr)]
