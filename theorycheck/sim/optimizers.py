"""Optimizers as pure update rules (optax style), batched over runs.

An :class:`Optimizer` is a pair of pure functions

* ``init(params) -> state``
* ``update(grads, state, lr) -> (updates, new_state)``

where ``params``/``grads``/``updates`` are ``dict[str, Tensor]`` with the run index first
(shape ``(R, ...)``) and ``lr`` is a tensor of ``R`` step sizes, one per run. The new
parameters are ``params + updates``. Inputs are never modified.

Update rules (K24 appendix A.6; ``g_t`` the gradient, ``m_0 = 0``):

* direction ``d_t = g_t`` (GD), ``g_t / ||g_t||_2`` (normalized GD, the ell_2 norm over *all*
  parameters of the run) or ``sign(g_t)`` (sign descent);
* heavy-ball momentum on the transformed direction: ``m_t = beta m_{t-1} + d_t``,
  ``x_{t+1} = x_t - alpha m_t`` (``beta = 0``: no momentum, no buffer);
* Signum: ``m_t = beta m_{t-1} + (1 - beta) g_t``, ``x_{t+1} = x_t - alpha sign(m_t)``;
* Adam exactly as ``torch.optim.Adam`` (no weight decay, no amsgrad):
  ``m_t = beta1 m + (1-beta1) g``, ``v_t = beta2 v + (1-beta2) g^2``,
  ``x_{t+1} = x_t - (alpha / (1 - beta1^t)) m_t / (sqrt(v_t) / sqrt(1 - beta2^t) + eps)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch

from theorycheck.core.validation import check_beta, check_choice, check_finite, check_str


@dataclass(frozen=True)
class Optimizer:
    """A named pair of pure functions (see the module docstring)."""

    name: str
    init: Callable
    update: Callable
    hyper: tuple = ()

    def __repr__(self) -> str:  # pragma: no cover
        return f"Optimizer({self.name}, {dict(self.hyper)})"


def _bshape(lr: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    return lr.view(-1, *([1] * (t.dim() - 1)))


def _check_beta(beta, name):
    return check_beta(beta, name)


def _global_norm(tree) -> torch.Tensor:
    """Per-run ell_2 norm over every tensor of the tree, shape ``(R,)``.

    On the CPU the sum of squares is taken by numpy (pairwise summation on one thread), so the
    result does not depend on the number of torch threads: torch splits a long reduction across
    its threads, and with THEORYCHECK_THREADS=2 normalized GD's loss on the m = 7 heavy-tailed
    problem (step 1) differed from the 1-thread run from step 5 on, by 85% at step 300."""
    sq = None
    for t in tree.values():
        flat = t.reshape(t.shape[0], -1)
        if flat.device.type == "cpu":
            a = flat.detach().numpy()
            s = torch.from_numpy((a * a).sum(axis=1))
        else:
            s = (flat * flat).sum(1)
        sq = s if sq is None else sq + s
    return torch.sqrt(sq)


def _direction(kind: str) -> Callable:
    if kind == "gd":
        return lambda g: g
    if kind == "sign":
        return lambda g: {k: torch.sign(v) for k, v in g.items()}
    if kind == "ngd":
        def ngd(g):
            nrm = _global_norm(g)
            inv = torch.where(nrm > 0, 1.0 / nrm, torch.zeros_like(nrm))  # zero gradient: no move
            return {k: v * _bshape(inv, v) for k, v in g.items()}
        return ngd
    raise ValueError(f"kind: unknown direction {kind!r}")


def heavy_ball(kind: str, beta: float = 0.0, name: str | None = None) -> Optimizer:
    """Direction ``kind`` in ``{"gd", "ngd", "sign"}`` with heavy-ball momentum ``beta`` (K24 A.6)."""
    check_choice(kind, "kind", ("gd", "ngd", "sign"))
    if name is not None:
        check_str(name, "name")
    beta = _check_beta(beta, "beta")
    direction = _direction(kind)

    def init(params):
        if beta == 0:
            return {}
        return {"m": {k: torch.zeros_like(v) for k, v in params.items()}}

    def update(grads, state, lr):
        d = direction(grads)
        if beta == 0:
            return {k: v * (-_bshape(lr, v)) for k, v in d.items()}, state
        m = {k: (state["m"][k] * beta).add_(d[k]) for k in d}
        return {k: v * (-_bshape(lr, v)) for k, v in m.items()}, {"m": m}

    return Optimizer(name or (kind + ("+m" if beta else "")), init, update, (("kind", kind), ("beta", beta)))


def gd(momentum: float = 0.0) -> Optimizer:
    """Gradient descent, optionally with heavy-ball momentum."""
    check_beta(momentum, "momentum")
    return heavy_ball("gd", momentum, "GD+m" if momentum else "GD")


def normalized_gd(momentum: float = 0.0) -> Optimizer:
    """Normalized GD ``d = g / ||g||_2`` (global norm per run), optionally with momentum."""
    check_beta(momentum, "momentum")
    return heavy_ball("ngd", momentum, "NGD+m" if momentum else "NGD")


def sign_descent(momentum: float = 0.0) -> Optimizer:
    """Sign descent ``d = sign(g)``, optionally with heavy-ball momentum on ``sign(g)``."""
    check_beta(momentum, "momentum")
    return heavy_ball("sign", momentum, "Sign+m" if momentum else "Sign")


def signum(beta: float = 0.9) -> Optimizer:
    """Signum: ``m = beta m + (1 - beta) g``, step ``-alpha sign(m)``."""
    beta = _check_beta(beta, "beta")

    def init(params):
        return {"m": {k: torch.zeros_like(v) for k, v in params.items()}}

    def update(grads, state, lr):
        m = {k: beta * state["m"][k] + (1 - beta) * grads[k] for k in grads}
        return {k: -_bshape(lr, v) * torch.sign(v) for k, v in m.items()}, {"m": m}

    return Optimizer("Signum", init, update, (("beta", beta),))


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, name: str | None = None) -> Optimizer:
    """Adam as defined by ``torch.optim.Adam`` (see the module docstring)."""
    if name is not None:
        check_str(name, "name")
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    eps = check_finite(eps, "eps", scalar=True)
    if eps < 0:
        raise ValueError(f"eps: must be >= 0, got {eps!r}")

    def init(params):
        z = {k: torch.zeros_like(v) for k, v in params.items()}
        return {"t": 0, "m": z, "v": {k: torch.zeros_like(v) for k, v in params.items()}}

    def update(grads, state, lr):
        t = state["t"] + 1
        bc1 = 1 - beta1 ** t
        bc2s = math.sqrt(1 - beta2 ** t)
        m, v, upd = {}, {}, {}
        for k, g in grads.items():  # new tensors, updated in place: the inputs are never modified
            m[k] = torch.lerp(state["m"][k], g, 1 - beta1)
            v[k] = (state["v"][k] * beta2).addcmul_(g, g, value=1 - beta2)
            denom = v[k].sqrt().div_(bc2s).add_(eps)
            upd[k] = torch.div(m[k], denom).mul_(_bshape(lr, m[k]) / (-bc1))
        return upd, {"t": t, "m": m, "v": v}

    label = name or ("Adam+m" if beta1 else "Adam-m")
    return Optimizer(label, init, update, (("beta1", beta1), ("beta2", beta2), ("eps", eps)))


#: Named optimizers of K24 figure 5 / 19 (momentum 0.9 where "+m").
OPTIMIZERS: dict[str, Callable[[], Optimizer]] = {
    "GD": lambda: gd(0.0),
    "GD+m": lambda: gd(0.9),
    "NGD": lambda: normalized_gd(0.0),
    "NGD+m": lambda: normalized_gd(0.9),
    "Sign": lambda: sign_descent(0.0),
    "Sign+m": lambda: sign_descent(0.9),
    "Adam-m": lambda: adam(beta1=0.0),
    "Adam+m": lambda: adam(beta1=0.9),
    "Signum": lambda: signum(0.9),
}


def make(spec) -> Optimizer:
    """An optimizer from a name of :data:`OPTIMIZERS`, an ``(name, kwargs)`` pair with name in
    ``{"gd", "ngd", "sign", "adam", "signum"}``, or an :class:`Optimizer` (returned as is)."""
    if isinstance(spec, Optimizer):
        return spec
    if isinstance(spec, str):
        if spec not in OPTIMIZERS:
            raise ValueError(f"spec: unknown optimizer name {spec!r}; known: {sorted(OPTIMIZERS)}")
        return OPTIMIZERS[spec]()
    if isinstance(spec, (tuple, list)) and len(spec) == 2 and isinstance(spec[1], dict):
        name, kw = spec
        builders = {"gd": gd, "ngd": normalized_gd, "sign": sign_descent, "adam": adam, "signum": signum}
        if name not in builders:
            raise ValueError(f"spec: unknown optimizer family {name!r}; known: {sorted(builders)}")
        try:
            return builders[name](**kw)
        except TypeError as e:
            raise ValueError(f"spec: bad keyword arguments for {name!r}: {e}") from None
    raise ValueError(f"spec: expected an optimizer name, (family, kwargs) or Optimizer, got {spec!r}")
