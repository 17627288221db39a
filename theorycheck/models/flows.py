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
    check_classes,
    check_frequency,
    check_probability_vector,
    check_time,
)
from theorycheck.models.lambertw import lambertw_exp_scaled_mp, wright_omega

__all__ = [
    "gradient_flow_loss",
    "gradient_flow_ab",
    "gradient_flow_loss_mp",
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


def _inputs(t, pi, c):
    t = check_time(t, "t")
    pi = check_frequency(pi, "pi")
    c = check_classes(c, "c")
    return np.asarray(t, float), np.asarray(pi, float), np.asarray(c, float)


def _omega_arg(t, pi, c):
    """``y = f/z - log z`` with ``f = 1 + c pi t``, ``z = c - 1``."""
    z = c - 1.0
    return (1.0 + c * pi * t) / z - np.log(z)


def gradient_flow_loss(t, pi, c):
    """Per-class loss under gradient flow from ``W = 0``, closed form, float64, vectorized.

    ``l_k(t) = log(1 + 1/omega(y))`` with ``y = (1 + c pi t)/(c-1) - log(c-1)`` and
    ``omega(y) = W(e^y)`` (equal to ``log(1 + (c-1) e^{c b_k(t)})`` of K24 lemma 6, with
    K24 lemma 5's ``b_k``). ``t``, ``pi`` and ``c`` broadcast against each other.

    Never overflows: ``W((1/z) e^{f/z})`` is evaluated as ``wrightomega(f/z - log z)``.
    Valid for ``t >= 0``, ``0 < pi <= 1``, ``c >= 2`` (anything else raises ``ValueError``
    naming the parameter). ``l_k(0) = log c`` and ``l_k(t) ~ (c-1)/(c pi t)``.
    """
    t, pi, c = _inputs(t, pi, c)
    w = wright_omega(_omega_arg(t, pi, c))
    out = np.log1p(1.0 / w)
    return out if out.ndim else float(out)


def gradient_flow_ab(t, pi, c):
    """``(a_k(t), b_k(t))`` under gradient flow, float64: ``a = (z/c) log(z omega)``,
    ``b = -(1/c) log(z omega)``, ``omega = W(e^y)`` (see :func:`gradient_flow_loss`).

    ``log(z omega)`` equals ``f/z - W((1/z) e^{f/z})`` (K24 lemma 5's ``c a / z``) without its
    cancellation at large ``t``.
    """
    t, pi, c = _inputs(t, pi, c)
    z = c - 1.0
    u = np.log(z) + np.log(wright_omega(_omega_arg(t, pi, c)))
    a, b = z / c * u, -u / c
    return (a, b) if a.ndim else (float(a), float(b))


def gradient_flow_loss_mp(t, pi, c, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """Reference value of :func:`gradient_flow_loss` with ``dps`` digits: the printed closed
    form ``log(1 + z exp(c b))``, ``b = -(1/(zc)) (f - z W((1/z) e^{f/z}))``, evaluated with
    :func:`mpmath.lambertw` on ``mpmath.exp(f/z)/z`` (a route independent of Wright omega).

    The exponent ``c b = -(f - zW)/z`` is a difference of two numbers of size ``f/z``: the
    working precision is raised by ``log10(f/z)`` digits to pay for it.
    """
    check_time(t, "t"), check_frequency(pi, "pi"), check_classes(c, "c")
    with mpmath.workdps(dps + 30):
        t, pi, c = mpmath.mpf(t), mpmath.mpf(pi), mpmath.mpf(c)
        z = c - 1
        f = 1 + c * pi * t
        extra = int(mpmath.log10(f / z + 1)) + 10
    with mpmath.workdps(dps + extra):
        t, pi, c = mpmath.mpf(t), mpmath.mpf(pi), mpmath.mpf(c)
        z = c - 1
        f = 1 + c * pi * t
        w = lambertw_exp_scaled_mp(f, z, dps + extra)
        cb = -(f - z * w) / z
        return +mpmath.log1p(z * mpmath.exp(cb))


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
    out = np.log1p(np.exp(np.log(c - 1.0) - 2.0 * t))
    return out if out.ndim else float(out)


def sign_flow_loss_mp(t, c, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """Reference value of :func:`sign_flow_loss` with ``dps`` digits, from ``a = t, b = -t``:
    ``-log(e^a / (e^a + (c-1) e^b)) = log1p((c-1) e^{b-a})``."""
    check_time(t, "t"), check_classes(c, "c")
    with mpmath.workdps(dps):
        t, c = mpmath.mpf(t), mpmath.mpf(c)
        a, b = t, -t
        return +mpmath.log1p((c - 1) * mpmath.exp(b - a))


def gf_asymptote(t, pi, c):
    """Gradient-flow asymptote ``(c-1) / (c pi t)`` (``l_k(t)`` divided by it tends to 1)."""
    t = np.asarray(check_time(t, "t"), float)
    pi = np.asarray(check_frequency(pi, "pi"), float)
    c = np.asarray(check_classes(c, "c"), float)
    with np.errstate(divide="ignore"):
        return (c - 1.0) / (c * pi * t)


def sf_asymptote(t, c):
    """Sign-flow asymptote ``(c-1) e^{-2t}``."""
    t = np.asarray(check_time(t, "t"), float)
    c = np.asarray(check_classes(c, "c"), float)
    return np.exp(np.log(c - 1.0) - 2.0 * t)


def gf_half_loss_time(pi, c):
    """Time at which class ``k`` first has half its initial loss under gradient flow.

    ``l_k`` decreases strictly from ``log c``; ``l = (1/2) log c`` iff ``omega = 1/(sqrt c - 1)``,
    and ``y = omega + log omega`` gives ``c pi t = (c-1) log(1 + sqrt c) + sqrt c``:

        t_half = ((c-1) log(1 + sqrt c) + sqrt c) / (c pi)   (~ log(c) / (2 pi) for large c).
    """
    pi = np.asarray(check_frequency(pi, "pi"), float)
    c = np.asarray(check_classes(c, "c"), float)
    r = np.sqrt(c)
    return ((c - 1.0) * np.log1p(r) + r) / (c * pi)


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
    W = np.asarray(W, float)
    if W.ndim != 2 or W.shape != (pi.size, pi.size):
        raise ValueError(f"W: must be a c x c matrix with c = len(pi) = {pi.size}, got shape {W.shape}")
    if not np.isfinite(W).all():
        raise ValueError("W: must be finite (no NaN or inf)")
    return W, pi


def _loss_gradient(W: np.ndarray, pi: np.ndarray) -> np.ndarray:
    return (_softmax_cols(W) - np.eye(W.shape[0])) * pi[None, :]


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
    stack ``(..., c, c)``; the result is ``(c,)`` or ``(..., c)``."""
    W = np.asarray(W, float)
    return special.logsumexp(W, axis=-2) - np.diagonal(W, axis1=-2, axis2=-1)


def _log_time(t_eval):
    t_eval = np.asarray(check_time(t_eval, "t_eval"), float).ravel()
    if t_eval.size == 0 or np.any(np.diff(t_eval) < 0):
        raise ValueError("t_eval: must be a non-empty non-decreasing array of times >= 0")
    return t_eval, np.log1p(t_eval)


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
    c = float(check_classes(c, "c"))
    z = c - 1.0
    logz = math.log(z)
    n = pi.size

    def rhs(s, y):
        a, b = y[:n], y[n:]
        g = special.expit(logz - (a - b))  # z / (e^{a-b} + z)
        scale = math.exp(s) * pi  # dt/ds = 1 + t = e^s
        return np.concatenate([scale * g, -scale * g / z])

    sol = solve_ivp(rhs, (0.0, float(s_eval[-1])), np.zeros(2 * n), method=method, t_eval=s_eval,
                    rtol=rtol, atol=atol)
    if not sol.success:  # pragma: no cover - reported, never silenced
        raise RuntimeError(f"solve_ivp failed on the reduced flow: {sol.message}")
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
    W0 = np.zeros((c, c)) if W0 is None else np.asarray(W0, float).reshape(c, c)

    def rhs(s, y):
        return -math.exp(s) * _loss_gradient(y.reshape(c, c), pi).ravel()

    sol = solve_ivp(rhs, (0.0, float(s_eval[-1])), W0.ravel(), method=method, t_eval=s_eval, rtol=rtol, atol=atol)
    if not sol.success:  # pragma: no cover
        raise RuntimeError(f"solve_ivp failed on the full flow: {sol.message}")
    W = sol.y.T.reshape(-1, c, c)
    loss = per_class_loss(W).T
    return W, loss
