"""Y25's unigram ("zero-layer") next-token model, in numpy (float64) with mpmath references.

Vocabulary of ``d`` tokens with Zipf frequencies ``p_k = k^{-a} / sum_j j^{-a}`` (``a = 1`` in the
paper). Parameters ``theta in R^d``, prediction ``s = softmax(theta)``, loss

    f(theta) = KL(p || softmax(theta)) = sum_k p_k log p_k - sum_k p_k theta_k + logsumexp(theta),

    grad f = s - p,        hess f = diag(s) - s s^T,        f* = 0 at theta* = log p + c 1.

Everything is computed with stable primitives (``logsumexp`` with a max shift, ``log s = theta -
lse``), so it stays finite for ``d`` up to ``10^7`` and for ``|theta_k|`` up to ``10^300``.
This module imports numpy (and mpmath/scipy inside the reference functions) only.

Algorithm NSD-WD (normalized steepest descent with weight decay, Y25 section 2):

    x_{t+1} = (1 - lambda eta_t) x_t - eta_t Delta_t,     eta_t = 2 / (lambda (t + 1)),

with ``Delta_t = sign(grad f)`` (sign descent, steepest descent for ``||.||_inf``) or
``grad f / ||grad f||_2`` (normalized GD, ``||.||_2``). With ``gamma_t = lambda eta_t = 2/(t+1)``
this is exactly Frank-Wolfe on the ball ``{||x|| <= 1/lambda}``.
"""

from __future__ import annotations

import math

import numpy as np

from theorycheck.core.validation import (
    check_array,
    check_callable,
    check_choice,
    check_classes,
    check_dps,
    check_finite,
    check_int,
    check_memory,
    check_nonnegative,
    check_positive,
    check_probability_vector,
)

NORMS = ("inf", "2")


def zipf(d: int, a: float = 1.0) -> np.ndarray:
    """Zipf frequencies ``p_k = k^{-a} / H_{d,a}``, ``k = 1..d`` (``d >= 2`` integer, ``a > 0``)."""
    d = check_classes(d, "d", integer=True)
    a = check_positive(a, "a", scalar=True)
    check_memory(2 * d, "d", "float64 values")
    k = np.arange(1, d + 1, dtype=np.float64)
    w = np.exp(-a * np.log(k))
    return w / np.sum(w[::-1])


def _check_theta(theta, p: np.ndarray, name: str = "theta") -> np.ndarray:
    th = np.atleast_1d(check_array(theta, name))
    if th.shape != p.shape:
        raise ValueError(f"{name}: must have the shape of p {p.shape}, got {th.shape}")
    return th


def _vector(theta, name: str = "theta") -> np.ndarray:
    return check_array(theta, name, ndim=1, min_size=1)


def _logsumexp(theta: np.ndarray) -> float:
    m = float(np.max(theta))
    return m + math.log(float(np.sum(np.exp(theta - m))))


def _log_softmax(theta: np.ndarray) -> np.ndarray:
    return theta - _logsumexp(theta)


def logsumexp(theta: np.ndarray) -> float:
    """``log sum_k exp(theta_k)`` with a max shift (no overflow for any finite theta; a
    non-empty finite 1-D ``theta``)."""
    return _logsumexp(_vector(theta))


def log_softmax(theta) -> np.ndarray:
    """``log softmax(theta) = theta - logsumexp(theta)`` (a non-empty finite 1-D ``theta``)."""
    return _log_softmax(_vector(theta))


def softmax(theta) -> np.ndarray:
    """``softmax(theta)`` (exp of the stable log-softmax; a non-empty finite 1-D ``theta``)."""
    return np.exp(_log_softmax(_vector(theta)))


def loss(theta, p) -> float:
    """``f(theta) = KL(p || softmax theta) = sum_k p_k (log p_k - log s_k)`` (>= 0, = 0 at theta*)."""
    p = check_probability_vector(p, "p")
    th = _check_theta(theta, p)
    return float(max(0.0, np.sum(p * (np.log(p) - _log_softmax(th)))))


def grad(theta, p) -> np.ndarray:
    """``grad f(theta) = softmax(theta) - p``."""
    p = check_probability_vector(p, "p")
    th = _check_theta(theta, p)
    return np.exp(_log_softmax(th)) - p


def hess(theta, p=None) -> np.ndarray:
    """``hess f(theta) = diag(s) - s s^T`` with ``s = softmax(theta)`` (dense; small ``d`` only).
    The Hessian does not depend on ``p`` (checked when given: a probability vector of the
    shape of ``theta``)."""
    th = _vector(theta)
    if p is not None:
        _check_theta(th, check_probability_vector(p, "p"))
    s = np.exp(_log_softmax(th))
    return np.diag(s) - np.outer(s, s)


def hess_quadform(s, v) -> float:
    """``v^T (diag s - s s^T) v = Var_s(v) = sum s_k v_k^2 - (sum s_k v_k)^2`` (centred, stable)."""
    s = _vector(s, "s")
    v = _vector(v, "v")
    if v.shape != s.shape:
        raise ValueError(f"v: must have the shape of s {s.shape}, got {v.shape}")
    m = float(np.dot(s, v))
    with np.errstate(over="ignore"):
        out = float(np.dot(s, (v - m) ** 2))
    if not math.isfinite(out):
        raise ValueError("v: the quadratic form overflows float64")
    return out


def minimizer(p, norm: str = "2") -> np.ndarray:
    """The minimiser ``theta* = log p + c 1`` of smallest ``||.||_2`` (``c = -mean log p``) or
    ``||.||_inf`` (``c = -(max + min)/2`` of ``log p``)."""
    p = check_probability_vector(p, "p")
    check_choice(norm, "norm", NORMS)
    lp = np.log(p)
    c = -float(np.mean(lp)) if norm == "2" else -0.5 * (float(lp.max()) + float(lp.min()))
    return lp + c


def min_norm_inf(d: int, a: float = 1.0) -> float:
    """``min_c ||log p + c||_inf = (log p_1 - log p_d)/2 = (a/2) log d`` for Zipf(a)."""
    d = check_classes(d, "d", integer=True)
    return 0.5 * check_positive(a, "a", scalar=True) * math.log(d)


#: above this d, :func:`var_log_k` uses the exact Hurwitz-zeta form (:func:`var_log_k_mp`) instead
#: of a length-d array (8 MB at the cutoff)
VAR_LOG_K_ARRAY_MAX_D = 10**6


def var_log_k(d: int) -> float:
    """``V_d = Var_{k ~ Unif[d]} log k`` in float64, for any integer ``d >= 2``: a centred two-pass
    sum for ``d <= VAR_LOG_K_ARRAY_MAX_D``, above it the exact closed form of :func:`var_log_k_mp`
    (``V_d = S_2/d - (S_1/d)^2`` with ``S_1 = log Gamma(d+1)``, ``S_2`` via Hurwitz zeta) rounded to
    float, so no length-d array is ever allocated."""
    d = check_classes(d, "d", integer=True)
    if d > VAR_LOG_K_ARRAY_MAX_D:
        return float(var_log_k_mp(d))
    a = np.log(np.arange(1, d + 1, dtype=np.float64) / d)
    m = float(np.mean(a))
    return float(np.mean((a - m) ** 2))


def var_log_k_mp(d, dps: int = 50):
    """``V_d`` with mpmath at ``dps`` digits, without summing: with the Hurwitz zeta function,
    ``sum_{k<=d} log k = log Gamma(d+1)`` and ``sum_{k<=d} log^2 k = zeta''(0, 1) - zeta''(0, d+1)``,
    so ``V_d = S_2/d - (S_1/d)^2`` (cost independent of ``d``)."""
    import mpmath as mp

    d = check_classes(d, "d", integer=True)
    dps = check_dps(dps)
    with mp.workdps(dps):
        dd = mp.mpf(d)
        s2 = mp.zeta(0, 1, 2) - mp.zeta(0, dd + 1, 2)
        s1 = mp.loggamma(dd + 1)
        return +(s2 / dd - (s1 / dd) ** 2)


def var_log_k_asymptotic(d, dps: int = 50):
    """Two-term expansion (derived here by Euler-Maclaurin / Stirling):
    ``V_d = 1 - [log^2 d / 2 + (log 2pi - 1) log d - log 2pi - zeta''(0)] / d + O(log^2 d / d^2)``."""
    import mpmath as mp

    d = check_classes(d, "d", integer=True)
    dps = check_dps(dps)
    with mp.workdps(dps):
        L = mp.log(d)
        return 1 - (L**2 / 2 + (mp.log(2 * mp.pi) - 1) * L - (mp.log(2 * mp.pi) + mp.zeta(0, 1, 2))) / d


def var_log_k_increments(dmax: int) -> np.ndarray:
    """Sign-deciding quantity for ``V_{n+1} - V_n``, ``n = 1..dmax-1`` (Welford's update):
    ``V_{n+1} - V_n = [n/(n+1) (log(n+1) - m_n)^2 - V_n] / (n+1)`` with ``m_n = log(n!)/n``.
    Returns the bracket (an O(1) quantity, so its sign is decided reliably in float64)."""
    from scipy.special import gammaln

    dmax = check_classes(dmax, "dmax", integer=True)
    check_memory(8 * dmax, "dmax", "float64 values")
    n = np.arange(1, dmax, dtype=np.float64)
    m = gammaln(n + 1) / n
    x = np.log(n + 1)
    # V_n recursively via Welford's M2 (stable): M2_{n+1} = M2_n + (x - m_n)(x - m_{n+1})
    m_next = gammaln(n + 2) / (n + 1)
    incr = (x - m) * (x - m_next)
    M2 = np.concatenate([[0.0], np.cumsum(incr)])[:-1]  # M2_n for n = 1..dmax-1
    V = M2 / n
    return n / (n + 1) * (x - m) ** 2 - V


def nsd_wd(p, norm: str, T: int, lam: float, x0=None, record=None, eta=None) -> dict:
    """Run NSD-WD for ``T`` steps from ``x0`` (default 0) with ``eta_t = 2/(lam (t+1))``
    (or ``eta_t = eta(t)`` when a callable ``eta`` is given; each value must be finite and >= 0).

    ``norm="inf"``: ``Delta_t = sign(grad f)``; ``norm="2"``: ``Delta_t = grad f/||grad f||_2``
    (``Delta_t = 0`` when the gradient is exactly 0). Returns ``{"t": steps recorded, "gap":
    f(x_t) - f*, "x": x_T}``; ``record`` is an increasing array of steps to record (default all).
    """
    p = check_probability_vector(p, "p")
    check_choice(norm, "norm", NORMS)
    T = check_int(T, "T", 0)
    lam = check_positive(lam, "lam", scalar=True)
    if record is None:
        check_memory(3 * (T + 1), "T", "recorded steps")
    x = np.zeros_like(p) if x0 is None else _check_theta(x0, p, "x0").copy()
    if record is None:
        rec = np.arange(T + 1)
    else:
        ra = check_array(record, "record", ndim=(0, 1))
        if (ra != np.round(ra)).any():
            raise ValueError("record: steps must be integers")
        rec = np.unique(ra.astype(np.int64))
    if rec.size and (rec[0] < 0 or rec[-1] > T):
        raise ValueError(f"record: steps must lie in [0, T={T}]")
    if eta is not None:
        check_callable(eta, "eta")
    logp = np.log(p)
    out_t, out_gap = [], []
    j = 0
    for t in range(T + 1):
        ls = _log_softmax(x)
        if j < rec.size and rec[j] == t:
            out_t.append(t)
            out_gap.append(max(0.0, float(np.sum(p * (logp - ls)))))
            j += 1
        if t == T:
            break
        g = np.exp(ls) - p
        if norm == "inf":
            delta = np.sign(g)
        else:
            ng = float(np.linalg.norm(g))
            delta = g / ng if ng > 0 else np.zeros_like(g)
        if eta is None:
            eta_t = 2.0 / (lam * (t + 1))
        else:
            try:
                eta_t = float(eta(t))
            except (TypeError, ValueError):
                raise ValueError(f"eta: must return a real step size, got {eta(t)!r} at t = {t}") from None
            if not math.isfinite(eta_t) or eta_t < 0:
                raise ValueError(f"eta: the step size at t = {t} must be finite and >= 0, got {eta_t!r}")
        x = (1.0 - lam * eta_t) * x - eta_t * delta
        if not np.isfinite(x).all():
            raise ValueError(f"eta: the iterate overflows float64 at t = {t} (eta_t = {eta_t!r}, lam = {lam!r})")
    return {"t": np.array(out_t), "gap": np.array(out_gap), "x": x}


def thm21_bound(L: float, lam: float, x0_norm: float, T):
    """Y25.thm21's bound ``2 L (1 + B lam)^2 / (lam^2 (T + 2))``, ``B = max(1/lam, ||x_0||)``
    (``L``, ``lam`` > 0, ``x0_norm`` >= 0, ``T`` >= 0, all finite; else ValueError)."""
    L = check_positive(L, "L", scalar=True)
    lam = check_positive(lam, "lam", scalar=True)
    x0_norm = check_finite(x0_norm, "x0_norm", scalar=True)
    if x0_norm < 0:
        raise ValueError(f"x0_norm: must be >= 0, got {x0_norm!r}")
    if isinstance(T, bool):
        raise ValueError(f"T: must be an integer >= 0 (or an array of them), got {T!r}")
    Ta = check_nonnegative(T, "T")
    if np.any(np.asarray(Ta) != np.round(Ta)):
        raise ValueError(f"T: steps must be integers >= 0, got {T!r}")
    L, lam, x0_norm = np.float64(L), np.float64(lam), np.float64(x0_norm)  # overflow -> inf, not OverflowError
    # (1 + B lam)^2 / lam^2 written as (1/lam + B)^2: no overflow of lam^2 at lam ~ 1e300
    with np.errstate(over="ignore"):
        B = max(1.0 / lam, x0_norm)
        out = 2.0 * L * (1.0 / lam + B) ** 2 / (np.asarray(T, dtype=float) + 2.0)
    if not np.isfinite(out).all():
        raise ValueError(f"L: the bound overflows float64 (L = {L!r}, lam = {lam!r}, x0_norm = {x0_norm!r})")
    return out


def max_var_inf_ball(s) -> float:
    """``max_{||v||_inf <= 1} v^T (diag s - s s^T) v``: the quadratic form is convex, so the max
    is at a vertex ``v in {-1, 1}^d`` where it equals ``1 - (sum_k s_k v_k)^2``; the value is
    ``1 - (min over signs |sum_k +-s_k|)^2`` (a partition problem: exact by enumeration for
    ``d <= 20``; for larger ``d`` a greedy signing gives a lower bound)."""
    s = _vector(s, "s")
    if (s < 0).any() or (s > 1).any() or math.fsum(s.tolist()) > 1 + 1e-9:
        raise ValueError("s: must be a vector of probabilities (entries in [0, 1], summing to at most 1)")
    d = s.size
    if d <= 20:
        best = math.inf
        for mask in range(1 << (d - 1)):  # v_1 = +1 w.l.o.g.
            signs = np.array([1.0] + [(-1.0 if (mask >> i) & 1 else 1.0) for i in range(d - 1)])
            best = min(best, abs(float(np.dot(signs, s))))
        return 1.0 - best**2
    acc = 0.0
    for sk in np.sort(s)[::-1]:
        acc = acc - sk if acc > 0 else acc + sk
    return 1.0 - acc**2
