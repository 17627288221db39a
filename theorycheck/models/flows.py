"""Gradient flow and sign flow on K24's simple imbalanced setting (section 3.3, appendix I).

Setting: ``c`` classes with frequencies ``pi_k``; every sample of class ``k`` is ``e_k``, so
``W`` is ``c x c`` and the loss is ``L(W) = sum_k pi_k l_k(W)`` with
``l_k(W) = -log softmax(W e_k)_k = logsumexp(w^k) - w_kk`` (``w^k`` = column ``k``).
Its gradient is ``dL/dw_jk = pi_k (softmax(w^k)_j - 1[j = k])``: the columns decouple.

**Gradient flow** ``W' = -grad L(W)`` from ``W = 0`` keeps every column of the form
``w_kk = a_k``, ``w_jk = b_k`` (``j != k``) with (``z = c - 1``)

    a' = pi z / (e^{a-b} + z),     b' = -pi / (e^{a-b} + z),     a(0) = b(0) = 0.

So ``a + z b`` is conserved (= 0), and ``u = a - b = c a / z`` solves
``(e^u + z) u' = c pi``, i.e. ``e^u + z u = f(t) := 1 + c pi t``. Hence, with
``omega = W(e^y)`` the Wright omega function and ``y = f/z - log z``,

    u(t) = f/z - W((1/z) e^{f/z}) = log(z omega(y)),
    a(t) = (z/c) u(t),   b(t) = -(1/c) u(t),
    l_k(t) = log(1 + z e^{-u}) = log(1 + 1/omega(y)),

the last because ``z e^{-u} = 1/omega``. Three independent routes are provided and must
agree: the full ``c x c`` flow (:func:`solve_full_gradient_flow`), the reduced 2-D systems
(:func:`solve_reduced_gradient_flow`) and the closed form (:func:`gradient_flow_loss`).
Consequences derived here: ``pi t l(t) -> (c-1)/c`` as ``t -> inf``, and class ``k`` reaches
half its initial loss ``log c`` at ``t = ((c-1) log(1 + sqrt c) + sqrt c) / (c pi_k)``.

**Sign flow** ``W' = -sign(grad L(W))``: the diagonal gradient ``pi_k (s_k - 1)`` is always
negative and the off-diagonal one ``pi_k s_j`` always positive, so ``a = t``, ``b = -t`` for
every ``pi`` and ``l_k(t) = log(1 + (c-1) e^{-2t})`` (:func:`sign_flow_loss`); the
event-driven integrator of :mod:`theorycheck.models.signflow` confirms it on the full matrix.

numpy / scipy / mpmath only.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
from scipy import special
from scipy.integrate import solve_ivp

from theorycheck.core import tolerances as tol
from theorycheck.core.validation import (
    ODE_METHODS,
    check_array,
    check_choice,
    check_classes,
    check_dps,
    check_frequency,
    check_probability_vector,
    check_real,
    check_time,
    check_tolerances,
)
from theorycheck.models.lambertw import lambertw_exp_scaled_mp, wright_omega

__all__ = [
    "gradient_flow_loss",
    "gradient_flow_ab",
    "gradient_flow_loss_mp",
    "gradient_flow_ab_mp",
    "sign_flow_loss",
    "sign_flow_loss_mp",
    "gf_asymptote",
    "sf_asymptote",
    "gf_half_loss_time",
    "sf_half_loss_time",
    "loss_gradient",
    "loss_hessian_diag_blocks",
    "per_class_loss",
    "solve_reduced_gradient_flow",
    "solve_full_gradient_flow",
    "FULL_C_MAX",
]

#: The full ``c x c`` gradient flow integrates ``c^2`` variables: allowed up to this ``c``.
FULL_C_MAX = 64
#: The ODE routes integrate in log-time ``s = log(1 + t)`` up to this ``t`` (``s ~ 69``); the
#: closed forms cover every ``t`` (measured: DOP853 at rtol 1e-10 takes ~1 s to reach it).
ODE_T_MAX = 1e300


def _inputs(t, pi, c):
    t = check_time(t, "t")
    pi = check_frequency(pi, "pi")
    c = check_classes(c, "c")
    t, pi, c = np.asarray(t, float), np.asarray(pi, float), np.asarray(c, float)
    _broadcast(t=t, pi=pi, c=c)
    return t, pi, c


def _omega_arg(t, pi, c):
    """``y = f/z - log z`` with ``f = 1 + c pi t``, ``z = c - 1``, formed as
    ``(c/z)(pi t) + 1/z - log z`` so that ``c pi t`` is never formed (it overflows at
    ``c = 1e12``, ``pi t = 1e300``). ``inf`` where even ``y`` overflows (``pi t > ~1e308``)."""
    z = c - 1.0
    with np.errstate(over="ignore"):
        return (c / z) * (pi * t) + (1.0 / z - np.log(z))


def _u(t, pi, c):
    """``u = a - b = log(z omega(y))``, the root of ``e^u + z u = 1 + s``, ``s = c pi t``.

    ``log z + log omega`` cancels when ``z omega ~ 1`` (small ``pi t``: at ``pi t = 1e-15`` it
    kept no correct digit). Where ``u < 30`` it is refined by Newton on
    ``F(u) = expm1(u) + z u - s`` (``F' = e^u + z >= c``): the start is within
    ``~eps |log z|`` and two steps bring the relative error to a few ulps, down to
    ``pi t = 1e-300`` (then ``u = s/c - s^2/(2 c^3) + ...``). ``s`` is formed only there
    (no overflow). Where ``y`` overflows, ``u = log(c pi t) + O(log(pi t)/(pi t))`` to float
    precision."""
    z = c - 1.0
    y = _omega_arg(t, pi, c)
    big = ~np.isfinite(y)
    yb = np.where(big, 0.0, y)
    with np.errstate(divide="ignore"):
        u = np.log(z) + np.log(wright_omega(yb))
    u = np.where(big, np.log(c) + np.log(pi) + np.log(np.where(big, t, 1.0)), u)
    small = (u < 30.0) & ~big
    if np.any(small):
        us = np.where(small, np.maximum(u, 0.0), 0.0)
        with np.errstate(over="ignore"):
            s = np.where(small, c * pi * t, 0.0)
        for _ in range(3):
            us = us - (np.expm1(us) + z * us - s) / (np.exp(us) + z)
        u = np.where(small, us, u)
    return u


def gradient_flow_loss(t, pi, c):
    """Per-class loss under gradient flow from ``W = 0``, closed form, float64, vectorized.

    ``l_k(t) = log(1 + 1/omega(y))`` with ``y = (1 + c pi t)/(c-1) - log(c-1)`` and
    ``omega(y) = W(e^y)`` (equal to ``log(1 + (c-1) e^{c b_k(t)})`` of K24 lemma 5/6, with
    K24 lemma 5's ``b_k``). ``t``, ``pi`` and ``c`` broadcast against each other.

    Never overflows: ``W((1/z) e^{f/z})`` is evaluated as ``wrightomega(f/z - log z)`` with
    ``f/z`` formed as ``(c/z)(pi t) + 1/z``. Where even ``y`` overflows (``pi t > ~1e308``), the
    loss is ``log1p(1/omega) = 1/y (1 + O(log y / y))``, i.e. ``(z/c)/(pi t)`` to float precision.
    Valid for ``t >= 0``, ``0 < pi <= 1``, ``c >= 2`` (anything else raises ``ValueError``
    naming the parameter). ``l_k(0) = log c`` and ``l_k(t) ~ (c-1)/(c pi t)``.
    """
    t, pi, c = _inputs(t, pi, c)
    y = _omega_arg(t, pi, c)
    big = ~np.isfinite(y)
    w = wright_omega(np.where(big, 0.0, y))
    out = np.where(big, ((c - 1.0) / c) / (pi * np.where(big, t, 1.0)), np.log1p(1.0 / w))
    return out if out.ndim else float(out)


def gradient_flow_ab(t, pi, c):
    """``(a_k(t), b_k(t))`` under gradient flow, float64: ``a = (z/c) u``, ``b = -u/c`` with
    ``u = log(z omega(y))`` (see :func:`gradient_flow_loss`).

    ``log(z omega)`` equals ``f/z - W((1/z) e^{f/z})`` (K24 lemma 5's ``c a / z``) without its
    cancellation at large ``t``; at small ``pi t`` (``u -> 0``), where ``log z + log omega``
    cancels, ``u`` is refined by Newton on ``e^u + z u = 1 + c pi t`` (relative precision kept
    down to ``pi t = 1e-300``, where ``u = pi t - c (pi t)^2 / 2 + ...``).
    """
    t, pi, c = _inputs(t, pi, c)
    z = c - 1.0
    u = _u(t, pi, c)
    a, b = z / c * u, -u / c
    return (a, b) if a.ndim else (float(a), float(b))


def _mp_args(t, pi, c, dps):
    dps = check_dps(dps)
    check_time(t, "t"), check_frequency(pi, "pi"), check_classes(c, "c")
    for name, v in (("t", t), ("pi", pi), ("c", c)):
        if np.ndim(v):
            raise ValueError(f"{name}: the mpmath references take scalars, got shape {np.shape(v)}")
    return float(t), float(pi), float(c), dps


def gradient_flow_loss_mp(t, pi, c, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """Reference value of :func:`gradient_flow_loss` with ``dps`` digits: the printed closed
    form ``log(1 + z exp(c b))``, ``b = -(1/(zc)) (f - z W((1/z) e^{f/z}))``, evaluated with
    :func:`mpmath.lambertw` on ``mpmath.exp(f/z)/z`` (a route independent of Wright omega).

    The exponent ``c b = -(f - zW)/z`` is a difference of two numbers of size ``f/z``: the
    working precision is raised by ``log10(f/z)`` digits to pay for it. Scalars only.
    """
    t, pi, c, dps = _mp_args(t, pi, c, dps)
    extra = _mp_extra_digits(t, pi, c)
    with mpmath.workdps(dps + extra):
        t, pi, c = mpmath.mpf(t), mpmath.mpf(pi), mpmath.mpf(c)
        z = c - 1
        f = 1 + c * pi * t
        w = lambertw_exp_scaled_mp(f, z, dps + extra)
        cb = -(f - z * w) / z
        return +mpmath.log1p(z * mpmath.exp(cb))


def _mp_extra_digits(t, pi, c) -> int:
    """Guard digits for ``f - z W``: ``log10(f/z)`` (both terms are of size ``f/z``) plus
    ``log10(1/s)`` (the difference is ``z u ~ z s / c`` for small ``s = c pi t``)."""
    with mpmath.workdps(30):
        t, pi, c = mpmath.mpf(t), mpmath.mpf(pi), mpmath.mpf(c)
        z = c - 1
        s = c * pi * t
        big = mpmath.log10(1 + (1 + s) / z)
        small = -mpmath.log10(s) if 0 < s < 1 else 0
        return int(big + small) + 10


def gradient_flow_ab_mp(t, pi, c, dps: int = tol.MP_DPS) -> tuple:
    """Reference ``(a, b)`` of :func:`gradient_flow_ab` with ``dps`` digits, from K24 lemma 5 as
    printed: ``a = (1/c)(f - z W((1/z) e^{f/z}))``, ``b = -a/z``, with :func:`mpmath.lambertw`
    and the working precision raised by the digits ``f - zW`` cancels (:func:`_mp_extra_digits`)."""
    t, pi, c, dps = _mp_args(t, pi, c, dps)
    extra = _mp_extra_digits(t, pi, c)
    with mpmath.workdps(dps + extra):
        t, pi, c = mpmath.mpf(t), mpmath.mpf(pi), mpmath.mpf(c)
        z = c - 1
        f = 1 + c * pi * t
        a = (f - z * lambertw_exp_scaled_mp(f, z, dps + extra)) / c
        b = -a / z
    with mpmath.workdps(dps):
        return +a, +b


def sign_flow_loss(t, c):
    """Per-class loss under sign flow ``W' = -sign(grad L)`` from ``W = 0``, float64.

    ``a_k(t) = t``, ``b_k(t) = -t`` for every class, hence
    ``l_k(t) = log(1 + (c-1) e^{-2t})`` (not ``log(1 + (c-1) e^{-ct})`` as K24 lemma 7
    prints: the identity ``l = log(1 + z e^{cb})`` needs ``a = -z b``, true for gradient
    flow only). Independent of ``pi``. Evaluated as ``log1p(exp(log(c-1) - 2t))``: no overflow,
    underflows gracefully to 0 once the loss is below ~1e-308.
    """
    t = np.asarray(check_time(t, "t"), float)
    c = np.asarray(check_classes(c, "c"), float)
    _broadcast(t=t, c=c)
    out = np.log1p(np.exp(np.log(c - 1.0) - 2.0 * t))
    return out if out.ndim else float(out)


def _broadcast(**arrays) -> None:
    try:
        np.broadcast_shapes(*(np.shape(a) for a in arrays.values()))
    except ValueError:
        first = next(iter(arrays))
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"{first}: the shapes {shapes} do not broadcast") from None


def sign_flow_loss_mp(t, c, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """Reference value of :func:`sign_flow_loss` with ``dps`` digits, from ``a = t, b = -t``:
    ``-log(e^a / (e^a + (c-1) e^b)) = log1p((c-1) e^{b-a})`` (scalars)."""
    t, _, c, dps = _mp_args(t, 1.0, c, dps)
    with mpmath.workdps(dps):
        t, c = mpmath.mpf(t), mpmath.mpf(c)
        a, b = t, -t
        return +mpmath.log1p((c - 1) * mpmath.exp(b - a))


def _finite_result(out, name: str, why: str):
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name}: {why}")
    return out


def gf_asymptote(t, pi, c):
    """Gradient-flow asymptote ``(c-1) / (c pi t)`` (``l_k(t)`` divided by it tends to 1), for
    ``t > 0`` (it is infinite at ``t = 0``: ValueError), formed as ``((c-1)/c) / (pi t)``."""
    t = np.asarray(check_real(t, "t", 0.0, None, lo_open=True), float)
    pi = np.asarray(check_frequency(pi, "pi"), float)
    c = np.asarray(check_classes(c, "c"), float)
    _broadcast(t=t, pi=pi, c=c)
    with np.errstate(over="ignore", divide="ignore"):
        out = ((c - 1.0) / c) / (pi * t)
    return _finite_result(out, "t", "the asymptote (c-1)/(c pi t) overflows float64 (pi t below ~1e-308)")


def sf_asymptote(t, c):
    """Sign-flow asymptote ``(c-1) e^{-2t}`` (``t >= 0``; underflows to 0 for ``t > ~370``)."""
    t = np.asarray(check_time(t, "t"), float)
    c = np.asarray(check_classes(c, "c"), float)
    _broadcast(t=t, c=c)
    return np.exp(np.log(c - 1.0) - 2.0 * t)


def gf_half_loss_time(pi, c):
    """Time at which class ``k`` first has half its initial loss under gradient flow.

    ``l_k`` decreases strictly from ``log c``; ``l = (1/2) log c`` iff ``omega = 1/(sqrt c - 1)``,
    and ``y = omega + log omega`` gives ``c pi t = (c-1) log(1 + sqrt c) + sqrt c``:

        t_half = ((c-1) log(1 + sqrt c) + sqrt c) / (c pi)   (~ log(c) / (2 pi) for large c).

    Formed as ``((1 - 1/c) log1p(sqrt c) + 1/sqrt c) / pi`` (no ``c^2``-sized intermediate).
    ValueError when the time exceeds float64 (``pi`` below ~1e-307).
    """
    pi = np.asarray(check_frequency(pi, "pi"), float)
    c = np.asarray(check_classes(c, "c"), float)
    _broadcast(pi=pi, c=c)
    r = np.sqrt(c)
    with np.errstate(over="ignore"):
        out = ((1.0 - 1.0 / c) * np.log1p(r) + 1.0 / r) / pi
    return _finite_result(out, "pi", "the half-loss time overflows float64 (pi too small)")


def sf_half_loss_time(c):
    """Time at which every class has half its initial loss under sign flow:
    ``(c-1) e^{-2t} = sqrt c - 1``, i.e. ``t_half = (1/2) log(1 + sqrt c)`` (no ``pi``)."""
    c = np.asarray(check_classes(c, "c"), float)
    return 0.5 * np.log1p(np.sqrt(c))


# --- the full c x c problem ---------------------------------------------------------------


def _softmax_cols(W: np.ndarray) -> np.ndarray:
    return special.softmax(W, axis=0)


def _check_W_pi(W, pi) -> tuple[np.ndarray, np.ndarray]:
    """``W`` a finite ``c x c`` matrix and ``pi`` a probability vector of length ``c``."""
    pi = check_probability_vector(pi, "pi")
    W = check_array(W, "W", shape=(pi.size, pi.size))
    return W, pi


def _loss_gradient(W: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """``pi_k (softmax(w^k) - e_k)`` with the diagonal ``s_kk - 1`` formed as
    ``-sum_{j != k} s_jk`` (no cancellation when ``s_kk -> 1``: the flow's late phase)."""
    S = _softmax_cols(W)
    np.fill_diagonal(S, 0.0)
    np.fill_diagonal(S, -S.sum(axis=0))
    return S * pi[None, :]


def loss_gradient(W, pi) -> np.ndarray:
    """``grad L(W)`` for the simple setting: ``dL/dw_jk = pi_k (softmax(w^k)_j - 1[j=k])``
    (``W`` is ``c x c``, column ``k`` holds the logits of the class-``k`` sample; ``pi`` a
    probability vector, else ValueError)."""
    W, pi = _check_W_pi(W, pi)
    return _loss_gradient(W, pi)


def loss_hessian_diag_blocks(W, pi) -> np.ndarray:
    """Hessian of ``L`` w.r.t. each column ``w^k`` (it is block diagonal over columns):
    array ``(c, c, c)``, block ``k`` = ``pi_k (diag(s) - s s^T)``, ``s = softmax(w^k)``
    (``pi`` a probability vector, else ValueError)."""
    W, pi = _check_W_pi(W, pi)
    S = _softmax_cols(W)
    blocks = np.einsum("jk,ij->kij", S, np.eye(W.shape[0])) - np.einsum("ik,jk->kij", S, S)
    return blocks * pi[:, None, None]


def per_class_loss(W) -> np.ndarray:
    """``l_k(W) = logsumexp(w^k) - w_kk`` for every class (stable). ``W`` is ``(c, c)`` or a
    stack ``(..., c, c)`` of finite reals, ``c >= 2``; the result is ``(c,)`` or ``(..., c)``."""
    W = check_array(W, "W")
    if W.ndim < 2 or W.shape[-1] != W.shape[-2] or W.shape[-1] < 2:
        raise ValueError(f"W: must be a c x c matrix (c >= 2) or a stack (..., c, c), got shape {W.shape}")
    # l_k = log1p(sum_{j != k} e^{w_jk - w_kk}) where w_kk is the column maximum (no cancellation
    # when the loss is tiny); logsumexp(w^k) - w_kk (>= log 2) elsewhere
    d = np.diagonal(W, axis1=-2, axis2=-1)
    c = W.shape[-1]
    off = np.where(np.eye(c, dtype=bool), -np.inf, W)
    with np.errstate(over="ignore"):
        tail = special.logsumexp(off - d[..., None, :], axis=-2)  # log sum_{j != k} e^{w_jk - w_kk}
    return np.where(tail <= 0.0, np.log1p(np.exp(np.minimum(tail, 0.0))),
                    special.logsumexp(W, axis=-2) - d)


def _log_time(t_eval):
    t_eval = np.atleast_1d(np.asarray(check_time(t_eval, "t_eval"), float))
    if t_eval.ndim != 1 or t_eval.size == 0 or np.any(np.diff(t_eval) < 0):
        raise ValueError("t_eval: must be a non-empty non-decreasing array of times >= 0")
    if t_eval[-1] > ODE_T_MAX:
        raise ValueError(f"t_eval: the ODE routes integrate up to t = {ODE_T_MAX:g} (use the closed forms beyond), "
                         f"got {t_eval[-1]!r}")
    return t_eval, np.log1p(t_eval)


def _ode_options(rtol, atol, method):
    rtol, atol = check_tolerances(rtol, atol)
    check_choice(method, "method", ODE_METHODS)
    return rtol, atol, method


def solve_reduced_gradient_flow(t_eval, pi, c, *, rtol: float = tol.ODE_RTOL, atol: float = tol.ODE_ATOL,
                                method: str = "DOP853"):
    """Integrate the reduced systems of K24 lemma 4 for every class at once.

    ``a' = pi z/(e^{a-b} + z)``, ``b' = -pi/(e^{a-b} + z)`` (written with ``expit`` so that
    nothing overflows), in log-time ``s = log(1 + t)`` (the ``1/t`` dynamics become O(1)).
    ``pi`` is an array of frequencies (any values in (0, 1]; need not sum to 1), ``c`` the
    number of classes entering the softmax. Returns ``(a, b, loss)``, each
    ``(len(pi), len(t_eval))``.
    """
    t_eval, s_eval = _log_time(t_eval)
    pi = np.atleast_1d(np.asarray(check_frequency(pi, "pi"), float))
    if pi.ndim != 1 or pi.size == 0:
        raise ValueError(f"pi: must be a scalar or a non-empty 1-D array of frequencies, got shape {pi.shape}")
    c = check_classes(c, "c")
    if np.ndim(c):
        raise ValueError(f"c: must be a scalar number of classes, got shape {np.shape(c)}")
    c = float(c)
    rtol, atol, method = _ode_options(rtol, atol, method)
    z = c - 1.0
    logz = math.log(z)
    n = pi.size

    def rhs(s, y):
        a, b = y[:n], y[n:]
        g = special.expit(logz - (a - b))  # z / (e^{a-b} + z)
        scale = math.exp(s) * pi  # dt/ds = 1 + t = e^s
        return np.concatenate([scale * g, -scale * g / z])

    if s_eval[-1] == 0:  # every time is 0: the initial state
        a, b = np.zeros((n, t_eval.size)), np.zeros((n, t_eval.size))
        return a, b, np.logaddexp(0.0, logz + b - a)
    sol = solve_ivp(rhs, (0.0, float(s_eval[-1])), np.zeros(2 * n), method=method, t_eval=s_eval,
                    rtol=rtol, atol=atol)
    if not sol.success:  # reported, never silenced
        raise ValueError(f"atol: solve_ivp failed on the reduced flow with rtol = {rtol!r}, atol = {atol!r}: "
                         f"{sol.message} (tolerances too strict for float64?)")
    a, b = sol.y[:n], sol.y[n:]
    loss = np.logaddexp(0.0, logz + b - a)
    return a, b, loss


def solve_full_gradient_flow(t_eval, pi, *, W0=None, rtol: float = tol.ODE_RTOL, atol: float = tol.ODE_ATOL,
                             method: str = "DOP853"):
    """Integrate the full ``c x c`` gradient flow ``W' = -grad L(W)`` (no reduction assumed).

    ``pi`` is the probability vector of the ``c`` classes (``c <= FULL_C_MAX``). Log-time
    ``s = log(1+t)`` as in :func:`solve_reduced_gradient_flow`. Returns ``(W, loss)`` with
    ``W`` of shape ``(len(t_eval), c, c)`` and ``loss`` ``(c, len(t_eval))``.
    """
    t_eval, s_eval = _log_time(t_eval)
    pi = check_probability_vector(pi, "pi")
    c = pi.size
    if c > FULL_C_MAX:
        raise ValueError(f"pi: the full c x c flow is limited to c <= {FULL_C_MAX}, got c = {c}")
    W0 = np.zeros((c, c)) if W0 is None else check_array(W0, "W0", shape=(c, c))
    rtol, atol, method = _ode_options(rtol, atol, method)

    def rhs(s, y):
        return -math.exp(s) * _loss_gradient(y.reshape(c, c), pi).ravel()

    if s_eval[-1] == 0:  # every time is 0: the initial state
        W = np.broadcast_to(W0, (t_eval.size, c, c)).copy()
        return W, per_class_loss(W).T
    sol = solve_ivp(rhs, (0.0, float(s_eval[-1])), W0.ravel(), method=method, t_eval=s_eval, rtol=rtol, atol=atol)
    if not sol.success:  # reported, never silenced
        raise ValueError(f"atol: solve_ivp failed on the full flow with rtol = {rtol!r}, atol = {atol!r}: "
                         f"{sol.message} (tolerances too strict for float64?)")
    W = sol.y.T.reshape(-1, c, c)
    loss = per_class_loss(W).T
    return W, loss
