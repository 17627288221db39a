"""Optimizers as pure update rules (optax style), batched over runs, with an in-place fast path.

An :class:`Optimizer` is a pair of pure functions

* ``init(params) -> state``
* ``update(grads, state, lr, params=None) -> (updates, new_state)``

where ``params``/``grads``/``updates`` are ``dict[str, Tensor]`` with the run index first
(shape ``(R, ...)``) and ``lr`` is a tensor of ``R`` step sizes, one per run. The new
parameters are ``params + updates``. Inputs are never modified. ``params`` is needed only by
rules that read the current point (AdamW's decoupled weight decay).

Every optimizer also carries ``inplace(params, grads, state, lr) -> state``, the same step done
in place: it adds the update to ``params``, updates the state buffers in place and *consumes*
``grads`` (their memory is reused as scratch: the caller donates them). Adam's pure update
allocates four parameter-sized tensors per step; its in-place step allocates none. The
simulator uses the in-place path; ``tests/test_sim_optimizers.py`` checks that both paths give the
same iterates (float64 round-off) for every optimizer. :meth:`Optimizer.apply_` runs either.

Update rules (K24 appendix A.6; ``g_t`` the gradient, ``m_0 = 0``):

* direction ``d_t = g_t`` (GD), ``g_t / ||g_t||_2`` (normalized GD, the ell_2 norm over *all*
  parameters of the run), ``sign(g_t)`` (sign descent), ``sign(g_t) ||g_t||_1`` (rescaled sign
  descent: the sign direction with the ell_1 norm of the whole gradient as magnitude, so the
  step is the steepest descent step in the ell_inf norm), or ``g_B / ||g_B||_p`` for every
  parameter tensor ``B`` (block-normalized GD; a zero block does not move);
* heavy-ball momentum on the transformed direction: ``m_t = beta m_{t-1} + d_t``,
  ``x_{t+1} = x_t - alpha m_t`` (``beta = 0``: no momentum, no buffer);
* Signum: ``m_t = beta m_{t-1} + (1 - beta) g_t``, ``x_{t+1} = x_t - alpha sign(m_t)``;
* Adam exactly as ``torch.optim.Adam`` (no weight decay, no amsgrad):
  ``m_t = beta1 m + (1-beta1) g``, ``v_t = beta2 v + (1-beta2) g^2``,
  ``x_{t+1} = x_t - (alpha / (1 - beta1^t)) m_t / (sqrt(v_t) / sqrt(1 - beta2^t) + eps)``;
* AdamW as ``torch.optim.AdamW``: ``x <- x (1 - alpha lambda)``, then the Adam step;
* Adagrad as ``torch.optim.Adagrad`` (no learning-rate decay):
  ``s_t = s_{t-1} + g_t^2`` (``s_0`` = ``initial_accumulator_value``),
  ``x_{t+1} = x_t - alpha g_t / (sqrt(s_t) + eps)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch

from theorycheck.core.validation import check_beta, check_finite, check_positive


@dataclass(frozen=True)
class Optimizer:
    """A named pair of pure functions plus the in-place fast path (see the module docstring)."""

    name: str
    init: Callable
    update: Callable
    hyper: tuple = ()
    inplace: Callable | None = None

    def __repr__(self) -> str:  # pragma: no cover
        return f"Optimizer({self.name}, {dict(self.hyper)})"

    def apply_(self, params: dict, grads: dict, state, lr: torch.Tensor, *, fast: bool = True):
        """One step in place on ``params``; returns the new state. With ``fast`` (and an
        in-place rule) ``grads`` are consumed; otherwise the pure :attr:`update` runs and
        ``grads`` are left untouched."""
        if fast and self.inplace is not None:
            return self.inplace(params, grads, state, lr)
        upd, state = self.update(grads, state, lr, params=params)
        for k in params:
            params[k].add_(upd[k])
        return state


def _bshape(lr: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    return lr.view(-1, *([1] * (t.dim() - 1)))


def _check_beta(beta, name):
    return check_beta(beta, name)


def _check_nonneg(x, name):
    x = check_finite(x, name)
    if x < 0:
        raise ValueError(f"{name}: must be >= 0, got {x!r}")
    return float(x)


def _global_norm(tree, p: float = 2.0) -> torch.Tensor:
    """Per-run ell_p norm (``p`` in ``{1, 2}``) over every tensor of the tree, shape ``(R,)``."""
    acc = None
    for t in tree.values():
        flat = t.reshape(t.shape[0], -1)
        s = flat.abs().sum(1) if p == 1 else (flat * flat).sum(1)
        acc = s if acc is None else acc + s
    return acc if p == 1 else torch.sqrt(acc)


def _safe_inv(nrm: torch.Tensor) -> torch.Tensor:
    """``1 / nrm`` where ``nrm > 0``, else 0 (a zero gradient does not move)."""
    return torch.where(nrm > 0, 1.0 / torch.where(nrm > 0, nrm, torch.ones_like(nrm)), torch.zeros_like(nrm))


DIRECTIONS = ("gd", "ngd", "sign", "rsign", "bngd")


def _direction(kind: str, p: float = 2.0) -> Callable:
    """``direction(g, inplace) -> d``; with ``inplace`` the tensors of ``g`` are overwritten."""
    if kind == "gd":
        return lambda g, inplace=False: g
    if kind == "sign":
        def sign(g, inplace=False):
            return {k: (v.sign_() if inplace else torch.sign(v)) for k, v in g.items()}
        return sign
    if kind in ("ngd", "rsign"):
        def scaled(g, inplace=False):
            nrm = _global_norm(g, 2.0 if kind == "ngd" else 1.0)
            scale = _safe_inv(nrm) if kind == "ngd" else nrm
            out = {}
            for k, v in g.items():
                s = _bshape(scale, v)
                if kind == "rsign":
                    out[k] = v.sign_().mul_(s) if inplace else torch.sign(v) * s
                else:
                    out[k] = v.mul_(s) if inplace else v * s
            return out
        return scaled
    if kind == "bngd":
        def block(g, inplace=False):
            out = {}
            for k, v in g.items():
                flat = v.reshape(v.shape[0], -1)
                nrm = torch.linalg.vector_norm(flat, ord=p, dim=1)
                s = _bshape(_safe_inv(nrm), v)
                out[k] = v.mul_(s) if inplace else v * s
            return out
        return block
    raise ValueError(f"kind: unknown direction {kind!r}; valid: {DIRECTIONS}")


def heavy_ball(kind: str, beta: float = 0.0, name: str | None = None, *, p: float = 2.0) -> Optimizer:
    """Direction ``kind`` in :data:`DIRECTIONS` with heavy-ball momentum ``beta`` (K24 A.6):
    ``m_t = beta m_{t-1} + d_t``, ``x_{t+1} = x_t - alpha m_t``. ``p`` is the block norm of
    ``"bngd"`` (``||g_B||_p``, ``p >= 1``)."""
    if kind not in DIRECTIONS:
        raise ValueError(f"kind: unknown direction {kind!r}; valid: {DIRECTIONS}")
    beta = _check_beta(beta, "beta")
    p = check_positive(p, "p")
    if p < 1:
        raise ValueError(f"p: the block norm needs p >= 1, got {p!r}")
    direction = _direction(kind, p)

    def init(params):
        if beta == 0:
            return {}
        return {"m": {k: torch.zeros_like(v) for k, v in params.items()}}

    def update(grads, state, lr, params=None):
        d = direction(grads)
        if beta == 0:
            return {k: v * (-_bshape(lr, v)) for k, v in d.items()}, state
        m = {k: (state["m"][k] * beta).add_(d[k]) for k in d}
        return {k: v * (-_bshape(lr, v)) for k, v in m.items()}, {"m": m}

    def inplace(params, grads, state, lr):
        d = direction(grads, inplace=True)
        if beta:
            for k in d:
                state["m"][k].mul_(beta).add_(d[k])
            d = state["m"]
        for k, v in d.items():
            params[k].addcmul_(v, _bshape(lr, v), value=-1.0)
        return state

    hyper = (("kind", kind), ("beta", beta)) + ((("p", p),) if kind == "bngd" else ())
    return Optimizer(name or (kind + ("+m" if beta else "")), init, update, hyper, inplace)


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


def rescaled_sign_descent(momentum: float = 0.0) -> Optimizer:
    """Rescaled sign descent ``d = sign(g) ||g||_1`` (ell_1 norm over all parameters of the
    run), optionally with heavy-ball momentum: steepest descent in the ell_inf norm."""
    return heavy_ball("rsign", momentum, "RSign+m" if momentum else "RSign")


def block_normalized_gd(momentum: float = 0.0, p: float = 2.0) -> Optimizer:
    """Block-normalized GD: ``d_B = g_B / ||g_B||_p`` for every parameter tensor ``B`` (``W``
    and ``b`` of the linear model), optionally with heavy-ball momentum."""
    return heavy_ball("bngd", momentum, "BNGD+m" if momentum else "BNGD", p=p)


def signum(beta: float = 0.9) -> Optimizer:
    """Signum: ``m = beta m + (1 - beta) g``, step ``-alpha sign(m)``."""
    beta = _check_beta(beta, "beta")

    def init(params):
        return {"m": {k: torch.zeros_like(v) for k, v in params.items()}}

    def update(grads, state, lr, params=None):
        m = {k: beta * state["m"][k] + (1 - beta) * grads[k] for k in grads}
        return {k: -_bshape(lr, v) * torch.sign(v) for k, v in m.items()}, {"m": m}

    def inplace(params, grads, state, lr):
        for k, g in grads.items():
            m = state["m"][k].mul_(beta).add_(g.mul_(1 - beta))
            params[k].addcmul_(torch.sign(m, out=g), _bshape(lr, g), value=-1.0)
        return state

    return Optimizer("Signum", init, update, (("beta", beta),), inplace)


def _adam_rule(beta1, beta2, eps, weight_decay, label, hyper) -> Optimizer:
    def init(params):
        return {"t": 0, "m": {k: torch.zeros_like(v) for k, v in params.items()},
                "v": {k: torch.zeros_like(v) for k, v in params.items()}}

    def update(grads, state, lr, params=None):
        if weight_decay and params is None:
            raise ValueError("params: AdamW's weight decay needs the current parameters (update(..., params=params))")
        t = state["t"] + 1
        bc1 = 1 - beta1 ** t
        bc2s = math.sqrt(1 - beta2 ** t)
        m, v, upd = {}, {}, {}
        for k, g in grads.items():  # new tensors, updated in place: the inputs are never modified
            m[k] = torch.lerp(state["m"][k], g, 1 - beta1)
            v[k] = (state["v"][k] * beta2).addcmul_(g, g, value=1 - beta2)
            denom = v[k].sqrt().div_(bc2s).add_(eps)
            upd[k] = torch.div(m[k], denom).mul_(_bshape(lr, m[k]) / (-bc1))
            if weight_decay:
                upd[k].add_(params[k] * (_bshape(lr, m[k]) * (-weight_decay)))
        return upd, {"t": t, "m": m, "v": v}

    def inplace(params, grads, state, lr):
        t = state["t"] + 1
        bc1 = 1 - beta1 ** t
        bc2s = math.sqrt(1 - beta2 ** t)
        for k, g in grads.items():  # no parameter-sized temporary: g is the scratch buffer
            m, v = state["m"][k], state["v"][k]
            m.lerp_(g, 1 - beta1)
            v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
            torch.sqrt(v, out=g)
            g.div_(bc2s).add_(eps)
            torch.div(m, g, out=g)
            lrb = _bshape(lr, g)
            if weight_decay:
                params[k].mul_(1 - lrb * weight_decay)
            params[k].addcmul_(g, lrb, value=-1.0 / bc1)
        state["t"] = t
        return state

    return Optimizer(label, init, update, hyper, inplace)


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, name: str | None = None) -> Optimizer:
    """Adam as defined by ``torch.optim.Adam`` (see the module docstring)."""
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    eps = _check_nonneg(eps, "eps")
    label = name or ("Adam+m" if beta1 else "Adam-m")
    return _adam_rule(beta1, beta2, eps, 0.0, label, (("beta1", beta1), ("beta2", beta2), ("eps", eps)))


def adamw(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, weight_decay: float = 1e-2,
          name: str | None = None) -> Optimizer:
    """AdamW as defined by ``torch.optim.AdamW``: ``x <- x (1 - alpha lambda)`` (``lambda`` =
    ``weight_decay``, default 0.01 as in PyTorch), then the Adam step."""
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    eps = _check_nonneg(eps, "eps")
    weight_decay = _check_nonneg(weight_decay, "weight_decay")
    return _adam_rule(beta1, beta2, eps, weight_decay, name or "AdamW",
                      (("beta1", beta1), ("beta2", beta2), ("eps", eps), ("weight_decay", weight_decay)))


def adagrad(eps: float = 1e-10, initial_accumulator_value: float = 0.0) -> Optimizer:
    """Adagrad as defined by ``torch.optim.Adagrad`` with ``lr_decay = 0``, ``weight_decay = 0``:
    ``s += g^2``, ``x -= alpha g / (sqrt(s) + eps)``."""
    eps = _check_nonneg(eps, "eps")
    acc0 = _check_nonneg(initial_accumulator_value, "initial_accumulator_value")

    def init(params):
        return {"s": {k: torch.full_like(v, acc0) for k, v in params.items()}}

    def update(grads, state, lr, params=None):
        s = {k: state["s"][k].addcmul(g, g) for k, g in grads.items()}
        return {k: (g / s[k].sqrt().add_(eps)).mul_(-_bshape(lr, g)) for k, g in grads.items()}, {"s": s}

    def inplace(params, grads, state, lr):
        for k, g in grads.items():
            s = state["s"][k].addcmul_(g, g)
            g.div_(s.sqrt().add_(eps))
            params[k].addcmul_(g, _bshape(lr, g), value=-1.0)
        return state

    return Optimizer("Adagrad", init, update, (("eps", eps), ("initial_accumulator_value", acc0)), inplace)


#: Named optimizers of K24 figures 5 / 19 / 20 (momentum 0.9 where "+m").
OPTIMIZERS: dict[str, Callable[[], Optimizer]] = {
    "GD": lambda: gd(0.0),
    "GD+m": lambda: gd(0.9),
    "NGD": lambda: normalized_gd(0.0),
    "NGD+m": lambda: normalized_gd(0.9),
    "Sign": lambda: sign_descent(0.0),
    "Sign+m": lambda: sign_descent(0.9),
    "RSign": lambda: rescaled_sign_descent(0.0),
    "RSign+m": lambda: rescaled_sign_descent(0.9),
    "BNGD": lambda: block_normalized_gd(0.0),
    "BNGD+m": lambda: block_normalized_gd(0.9),
    "Adam-m": lambda: adam(beta1=0.0),
    "Adam+m": lambda: adam(beta1=0.9),
    "AdamW": lambda: adamw(),
    "Adagrad": lambda: adagrad(),
    "Signum": lambda: signum(0.9),
}

#: Families accepted by :func:`make` as ``(family, kwargs)``.
FAMILIES: dict[str, Callable[..., Optimizer]] = {
    "gd": gd, "ngd": normalized_gd, "sign": sign_descent, "rsign": rescaled_sign_descent, "bngd": block_normalized_gd,
    "adam": adam, "adamw": adamw, "adagrad": adagrad, "signum": signum,
}


def make(spec) -> Optimizer:
    """An optimizer from a name of :data:`OPTIMIZERS`, an ``(family, kwargs)`` pair with family in
    :data:`FAMILIES`, or an :class:`Optimizer` (returned as is)."""
    if isinstance(spec, Optimizer):
        return spec
    if isinstance(spec, str):
        if spec not in OPTIMIZERS:
            raise ValueError(f"spec: unknown optimizer name {spec!r}; known: {sorted(OPTIMIZERS)}")
        return OPTIMIZERS[spec]()
    if isinstance(spec, (tuple, list)) and len(spec) == 2 and isinstance(spec[1], dict):
        name, kw = spec
        if name not in FAMILIES:
            raise ValueError(f"optimizer: unknown family {name!r}; known: {sorted(FAMILIES)}")
        return FAMILIES[name](**kw)
    raise ValueError(f"optimizer: expected a name, (family, kwargs) or Optimizer, got {spec!r}")
