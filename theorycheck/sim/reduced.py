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

FAMILIES = ("gd", "ngd", "sign", "adam", "signum")


def reduced_losses(a: np.ndarray, b: np.ndarray, c: int) -> np.ndarray:
    """``l_k = log(1 + z e^{b_k - a_k})``, stable for any sign of the exponent."""
    return np.logaddexp(0.0, math.log(c - 1) + b - a)


def reduced_grads(a, b, omega, c):
    """``(g_a, g_b)`` of the reduced problem (see the module docstring)."""
    one_minus_s = expit(math.log(c - 1) + b - a)
    return -omega * one_minus_s, omega * one_minus_s / (c - 1)


def simulate_reduced(omega, steps: int, lr: float, family: str = "gd", *, beta: float = 0.0, beta1: float = 0.9,
                     beta2: float = 0.999, eps: float = 1e-8, a0=None, b0=None, pi=None) -> dict:
    """Run the reduced recurrence for ``steps`` steps; returns ``a, b`` ``(T+1, c)`` and the
    per-class losses ``(T+1, c)``. ``family`` in ``("gd", "ngd", "sign", "adam", "signum")``;
    ``beta`` is the heavy-ball momentum of gd/ngd/sign (``m = beta m + d``) or Signum's EMA;
    ``beta1, beta2, eps`` are Adam's (PyTorch definition)."""
    omega = np.asarray(omega, dtype=np.float64)
    c = omega.size
    z = c - 1
    if family not in FAMILIES:
        raise ValueError(f"family: must be one of {FAMILIES}, got {family!r}")
    a = np.zeros(c) if a0 is None else np.array(a0, dtype=float)
    b = np.zeros(c) if b0 is None else np.array(b0, dtype=float)
    A, B = [a.copy()], [b.copy()]
    ma, mb = np.zeros(c), np.zeros(c)
    va, vb = np.zeros(c), np.zeros(c)
    for t in range(1, steps + 1):
        ga, gb = reduced_grads(a, b, omega, c)
        if family == "adam":
            ma = beta1 * ma + (1 - beta1) * ga
            mb = beta1 * mb + (1 - beta1) * gb
            va = beta2 * va + (1 - beta2) * ga * ga
            vb = beta2 * vb + (1 - beta2) * gb * gb
            bc1, bc2 = 1 - beta1 ** t, math.sqrt(1 - beta2 ** t)
            a = a - (lr / bc1) * ma / (np.sqrt(va) / bc2 + eps)
            b = b - (lr / bc1) * mb / (np.sqrt(vb) / bc2 + eps)
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
        A.append(a.copy())
        B.append(b.copy())
    A, B = np.array(A), np.array(B)
    return {"a": A, "b": B, "loss": reduced_losses(A, B, c)}


def gd_u_recurrence(alpha_omega: np.ndarray, c: int, steps: int) -> np.ndarray:
    """GD on the simple setting reduced to one scalar per class:
    ``u_{t+1} = u_t + alpha omega_k (c/z) sigma(log z - u_t)``, ``u_0 = 0``; returns the losses
    ``l = log(1 + z e^{-u})`` ``(T+1, c)``."""
    x = np.asarray(alpha_omega, dtype=float)
    z = c - 1
    u = np.zeros_like(x)
    out = [u.copy()]
    for _ in range(steps):
        u = u + x * (c / z) * expit(math.log(z) - u)
        out.append(u.copy())
    U = np.array(out)
    return np.logaddexp(0.0, math.log(z) - U)


def sign_loss_closed_form(c: int, alpha: float, t) -> np.ndarray:
    """Sign descent on the simple setting: ``l(t) = log(1 + z e^{-2 alpha t})`` (every class)."""
    return np.logaddexp(0.0, math.log(c - 1) - 2 * alpha * np.asarray(t, dtype=float))


def gradient_flow_loss(c: int, tau) -> np.ndarray:
    """Gradient flow on the simple setting at rescaled time ``tau = pi t`` (K24 lemma 5, computed
    here with ``W(e^x) = wrightomega(x)``): ``a = (1/c)(f - z W((1/z) e^{f/z}))``, ``f = 1 + c tau``,
    ``u = a - b = a c / z``, ``l = log(1 + z e^{-u})``."""
    from scipy.special import wrightomega

    z = c - 1
    f = 1 + c * np.asarray(tau, dtype=float)
    w = np.real(wrightomega(f / z - math.log(z)))
    a = (f - z * w) / c
    u = a * c / z
    return np.logaddexp(0.0, math.log(z) - u)


def gradient_flow_loss_mp(c: int, tau) -> float:
    """:func:`gradient_flow_loss` in mpmath at ``MP_DPS`` digits (no cancellation at huge
    ``tau``; ``f - z W(.)`` loses ~log10(f) digits in float64)."""
    import mpmath as mp

    from theorycheck.core.tolerances import MP_DPS

    with mp.workdps(MP_DPS):
        z = mp.mpf(c - 1)
        f = 1 + c * mp.mpf(tau)
        w = mp.lambertw(mp.exp(f / z) / z).real
        u = (f - z * w) / z
        return mp.log1p(z * mp.exp(-u))
