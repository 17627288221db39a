"""The exact reduced recurrence of the simple imbalanced setting in discrete time (numpy only).

Setting: ``x_i = e_k`` for class ``k``, ``W in R^{c x c}``, ``W_0 = 0``, objective weights
``omega`` (``= pi``). The gradient of column ``k`` is ``omega_k (softmax(W[:, k]) - e_k)``: it
depends on column ``k`` only, and treats the ``z = c - 1`` off-diagonal entries of the column
alike. So if a column starts with all off-diagonal entries equal (as at ``W_0 = 0``), they stay
equal under any optimizer that acts coordinate-wise (GD, sign descent, Adam, Signum, heavy
ball) or through a global norm (normalized GD), and the ``c^2`` dense parameters reduce
*exactly* to ``2c`` numbers ``a_k = W_kk``, ``b_k = W_jk`` (``j != k``):

* ``s_k = e^{a_k} / (e^{a_k} + z e^{b_k}) = expit(a_k - b_k - log z)``,
  ``l_k = log(1 + z e^{b_k - a_k})``;
* ``g_{a_k} = -omega_k (1 - s_k)``, ``g_{b_k} = omega_k (1 - s_k) / z``;
* the global norm counts ``b_k`` ``z`` times: ``||g||^2 = sum_k g_{a_k}^2 + z g_{b_k}^2``;
* then the optimizer's update on the pair ``(a_k, b_k)``.

Consequences derived from it (checked in :mod:`theorycheck.claims.ext.discrete`):

* GD: with ``u = a - b``: ``u_{t+1} = u_t + alpha omega_k (c/z) sigma(log z - u_t)``, ``u_0 = 0``
  (``sigma`` the logistic function): one scalar recurrence per class in which ``alpha`` and
  ``omega_k`` enter only through their product;
* sign descent: ``a_k(t) = alpha t``, ``b_k(t) = -alpha t``, so ``l_k(t) = log(1 + z e^{-2 alpha t})``
  for every class, independently of ``pi``;
* normalized GD: ``u_k`` moves by ``alpha omega_k (c/z)(1 - s_k) / ||g_t||``: the per-class
  increments stay proportional to ``omega_k`` at every step.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit

from theorycheck.core import tolerances as tol
from theorycheck.core.validation import (
    check_array,
    check_beta,
    check_choice,
    check_classes,
    check_int,
    check_nonnegative,
    check_step,
    check_time,
)

FAMILIES = ("gd", "ngd", "sign", "adam", "signum")


def _ab(a, b):
    a, b = check_array(a, "a"), check_array(b, "b")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"a: the shapes of a {a.shape} and b {b.shape} do not broadcast") from None
    return a, b


def reduced_losses(a: np.ndarray, b: np.ndarray, c: int) -> np.ndarray:
    """``l_k = log(1 + z e^{b_k - a_k})``, stable for any sign of the exponent (``a``, ``b``
    finite arrays that broadcast, ``c >= 2`` an integer)."""
    a, b = _ab(a, b)
    c = check_classes(c, "c", integer=True)
    with np.errstate(over="ignore"):
        d = b - a
    if not np.isfinite(d).all():
        raise ValueError("a: b - a overflows float64")
    return np.logaddexp(0.0, math.log(c - 1) + d)


def reduced_grads(a, b, omega, c):
    """``(g_a, g_b)`` of the reduced problem (see the module docstring); ``omega`` finite
    weights ``>= 0`` broadcasting with ``a`` and ``b``."""
    a, b = _ab(a, b)
    omega = check_nonnegative(omega, "omega")
    c = check_classes(c, "c", integer=True)
    try:
        np.broadcast_shapes(a.shape, b.shape, np.shape(omega))
    except ValueError:
        raise ValueError(f"omega: shape {np.shape(omega)} does not broadcast with a {a.shape} and b {b.shape}") from None
    with np.errstate(over="ignore"):
        d = b - a
    if not np.isfinite(d).all():
        raise ValueError("a: b - a overflows float64")
    one_minus_s = expit(math.log(c - 1) + d)
    return -omega * one_minus_s, omega * one_minus_s / (c - 1)


def simulate_reduced(omega, steps: int, lr: float, family: str = "gd", *, beta: float = 0.0, beta1: float = 0.9,
                     beta2: float = 0.999, eps: float = 1e-8, a0=None, b0=None, pi=None) -> dict:
    """Run the reduced recurrence for ``steps`` steps; returns ``a, b`` ``(T+1, c)`` and the
    per-class losses ``(T+1, c)``. ``omega``: the ``c >= 2`` objective weights (finite, ``>= 0``);
    ``family`` in ``("gd", "ngd", "sign", "adam", "signum")``;
    ``beta`` is the heavy-ball momentum of gd/ngd/sign (``m = beta m + d``) or Signum's EMA;
    ``beta1, beta2, eps`` are Adam's (PyTorch definition). ``a0``, ``b0``: starting points
    (``(c,)``, default 0). ``pi`` is accepted for symmetry with the dense problems and not used
    (the recurrence depends on the weights ``omega`` only); if given it must have ``c`` entries.
    ValueError when the iterates overflow float64 (a step size near 1e308)."""
    omega = check_array(omega, "omega", ndim=1)
    if omega.size < 2 or (omega < 0).any():
        raise ValueError(f"omega: needs c >= 2 finite weights >= 0, got {omega!r}")
    c = omega.size
    z = c - 1
    steps = check_int(steps, "steps", 0)
    lr = check_step(lr, "lr", scalar=True)
    check_choice(family, "family", FAMILIES)
    beta, beta1, beta2 = check_beta(beta, "beta"), check_beta(beta1, "beta1"), check_beta(beta2, "beta2")
    eps = check_nonnegative(eps, "eps", scalar=True)
    a = np.zeros(c) if a0 is None else check_array(a0, "a0", shape=(c,)).copy()
    b = np.zeros(c) if b0 is None else check_array(b0, "b0", shape=(c,)).copy()
    if pi is not None:
        check_array(pi, "pi", shape=(c,))
    A, B = [a.copy()], [b.copy()]
    ma, mb = np.zeros(c), np.zeros(c)
    va, vb = np.zeros(c), np.zeros(c)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for t in range(1, steps + 1):
            one_minus_s = expit(math.log(z) + b - a)
            ga, gb = -omega * one_minus_s, omega * one_minus_s / z
            if family == "adam":
                ma = beta1 * ma + (1 - beta1) * ga
                mb = beta1 * mb + (1 - beta1) * gb
                va = beta2 * va + (1 - beta2) * ga * ga
                vb = beta2 * vb + (1 - beta2) * gb * gb
                bc1, bc2 = 1 - beta1 ** t, math.sqrt(1 - beta2 ** t)
                da, db = np.sqrt(va) / bc2 + eps, np.sqrt(vb) / bc2 + eps
                a = a - (lr / bc1) * np.divide(ma, da, out=np.zeros(c), where=da > 0)
                b = b - (lr / bc1) * np.divide(mb, db, out=np.zeros(c), where=db > 0)
            elif family == "signum":
                ma = beta * ma + (1 - beta) * ga
                mb = beta * mb + (1 - beta) * gb
                a, b = a - lr * np.sign(ma), b - lr * np.sign(mb)
            else:
                if family == "gd":
                    da, db = ga, gb
                elif family == "sign":
                    da, db = np.sign(ga), np.sign(gb)
                else:
                    nrm = math.sqrt(float(np.sum(ga * ga) + z * np.sum(gb * gb)))
                    da, db = (ga / nrm, gb / nrm) if nrm > 0 else (0 * ga, 0 * gb)
                ma, mb = beta * ma + da, beta * mb + db
                a, b = a - lr * ma, b - lr * mb
            if not (np.isfinite(a).all() and np.isfinite(b).all()):
                raise ValueError(f"lr: the iterates overflow float64 at step {t} (lr = {lr!r}); take a smaller step")
            A.append(a.copy())
            B.append(b.copy())
    A, B = np.array(A), np.array(B)
    return {"a": A, "b": B, "loss": reduced_losses(A, B, c)}


def gd_u_recurrence(alpha_omega: np.ndarray, c: int, steps: int) -> np.ndarray:
    """GD on the simple setting reduced to one scalar per class:
    ``u_{t+1} = u_t + alpha omega_k (c/z) sigma(log z - u_t)``, ``u_0 = 0``; returns the losses
    ``l = log(1 + z e^{-u})`` ``(T+1, c)``. ``alpha_omega``: finite values ``>= 0`` (scalar or
    1-D), ``c >= 2`` an integer, ``steps >= 0`` an integer."""
    x = np.atleast_1d(check_nonnegative(alpha_omega, "alpha_omega"))
    if x.ndim != 1:
        raise ValueError(f"alpha_omega: must be a scalar or 1-D, got shape {x.shape}")
    c = check_classes(c, "c", integer=True)
    steps = check_int(steps, "steps", 0)
    z = c - 1
    u = np.zeros_like(x)
    out = [u.copy()]
    with np.errstate(over="ignore"):
        for _ in range(steps):
            u = u + x * (c / z) * expit(math.log(z) - u)
            out.append(u.copy())
    U = np.array(out)
    if not np.isfinite(U).all():
        raise ValueError("alpha_omega: u overflows float64 (alpha * omega near 1e308)")
    return np.logaddexp(0.0, math.log(z) - U)


def sign_loss_closed_form(c: int, alpha: float, t) -> np.ndarray:
    """Sign descent on the simple setting: ``l(t) = log(1 + z e^{-2 alpha t})`` (every class;
    ``c >= 2`` an integer, ``alpha > 0``, steps ``t >= 0``)."""
    c = check_classes(c, "c", integer=True)
    alpha = check_step(alpha, "alpha", scalar=True)
    t = np.asarray(check_time(t, "t"), dtype=float)
    with np.errstate(over="ignore"):
        e = math.log(c - 1) - 2 * alpha * t  # -inf at worst: logaddexp(0, -inf) = 0
    return np.asarray(np.logaddexp(0.0, e))


def gradient_flow_loss(c: int, tau) -> np.ndarray:
    """Gradient flow on the simple setting at rescaled time ``tau = pi t`` (K24 lemma 5):
    ``l = log(1 + z e^{-u})`` with ``u = a c / z = f/z - W((1/z) e^{f/z})``, ``f = 1 + c tau``.

    Computed as :func:`theorycheck.models.flows.gradient_flow_loss` at ``(t, pi) = (tau, 1)``:
    ``u = log(z omega(y))`` and ``l = log1p(1/omega(y))`` with the Wright omega function, no
    cancellation. (The printed ``(f - z W)/c`` in float64 loses ``log10(f)`` digits: it was 4.6%
    off at ``tau = 1e15`` and returned ``log c`` from ``tau = 1e20`` on.) ``c >= 2``, ``tau >= 0``
    (up to 1.8e308)."""
    from theorycheck.models.flows import gradient_flow_loss as _gf

    c = check_classes(c, "c", integer=True)
    tau = check_time(tau, "tau")
    return np.asarray(_gf(tau, 1.0, float(c)), dtype=float)


def gradient_flow_loss_mp(c: int, tau, dps: int = tol.MP_DPS) -> float:
    """:func:`gradient_flow_loss` in mpmath at ``dps`` digits (the printed form with
    :func:`mpmath.lambertw`, working precision raised by the ``log10(f)`` digits that
    ``f - z W`` cancels: without that it returned ``log c`` at ``tau = 1e60``); a float.
    ``c >= 2`` an integer, ``tau >= 0`` a scalar."""
    from theorycheck.models.flows import gradient_flow_loss_mp as _gf_mp

    c = check_classes(c, "c", integer=True)
    tau = check_time(tau, "tau")
    if np.ndim(tau):
        raise ValueError(f"tau: must be a scalar, got shape {np.shape(tau)}")
    return float(_gf_mp(tau, 1.0, float(c), dps))
