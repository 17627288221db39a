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
same iterates (float64 round-off) for every optimizer. :meth:`Optimizer.apply_` runs either
(after checking its arguments; the simulator checks them once per run and calls the unchecked
:meth:`Optimizer._apply` every step).

Reductions (the norms of normalized GD, rescaled sign descent and block-normalized GD) are
taken on the CPU by numpy (pairwise summation on one thread), so the iterates do not depend
on the number of torch threads; on a GPU torch reduces.

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

import inspect
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from theorycheck.core.validation import (
    check_beta,
    check_bool,
    check_choice,
    check_real,
    check_step,
    check_str,
)


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

    def apply_(self, params: dict, grads: dict, state, lr, *, fast: bool = True):
        """One step in place on ``params``; returns the new state. With ``fast`` (and an
        in-place rule) ``grads`` are consumed; otherwise the pure :attr:`update` runs and
        ``grads`` are left untouched.

        ``params``: dict name -> floating tensor ``(R, ...)`` (run index first, the same ``R``
        for every tensor); ``grads``: the same names, shapes, dtypes and devices; ``state``:
        what :attr:`init` (or a previous step) returned for these parameters, or ``None`` for a
        fresh one (``init(params)``); ``lr``: one step size ``> 0`` for every run, or a tensor /
        array of ``R`` of them. A ``ValueError`` names the argument that does not fit."""
        R = _check_tree(params, "params")
        _check_like(grads, params, "grads")
        fast = check_bool(fast, "fast")
        if state is None:
            state = self.init(params)
        else:
            self._check_state(state, params)
        ref = next(iter(params.values()))
        vals = np.asarray(check_step(lr, "lr"), dtype=np.float64)
        if vals.ndim and vals.shape != (R,):
            raise ValueError(f"lr: must be one step size or {R} of them (one per run), got shape {vals.shape}")
        lr_t = torch.as_tensor(np.broadcast_to(vals, (R,)).copy(), device=ref.device, dtype=ref.dtype)
        with torch.no_grad():  # a step is not differentiated (as torch.optim's step)
            return self._apply(params, grads, state, lr_t, fast=fast)

    def _apply(self, params: dict, grads: dict, state, lr: torch.Tensor, *, fast: bool = True):
        """:meth:`apply_` without the checks (the simulator's per-step call; ``lr`` a tensor of
        ``R`` step sizes on the parameters' device)."""
        if fast and self.inplace is not None:
            return self.inplace(params, grads, state, lr)
        upd, state = self.update(grads, state, lr, params=params)
        for k in params:
            params[k].add_(upd[k])
        return state

    def _check_state(self, state, params: dict) -> None:
        """``state`` has the structure :attr:`init` gives for ``params`` (the same keys, buffers
        of the parameters' shapes, a step count ``>= 0``); ``ValueError`` naming ``state`` else."""
        ref = self.init({k: v[:0] for k, v in params.items()})  # the structure, without the buffers
        if not isinstance(state, dict) or set(state) != set(ref):
            raise ValueError(f"state: must be the {self.name} state of these params (keys {sorted(ref)}), got "
                             f"{sorted(state) if isinstance(state, dict) else type(state).__name__}")
        for key, r in ref.items():
            v = state[key]
            if isinstance(r, dict):
                _check_like(v, params, f"state[{key!r}]")
            elif isinstance(r, (int, np.integer)) and (isinstance(v, bool) or not isinstance(v, (int, np.integer))
                                                        or v < 0):
                raise ValueError(f"state: {key!r} must be a step count >= 0, got {v!r}")


def _check_tree(tree, name: str) -> int:
    """A non-empty dict name -> floating tensor ``(R, ...)`` with one ``R >= 1`` for all; returns ``R``."""
    if not isinstance(tree, dict) or not tree:
        raise ValueError(f"{name}: must be a non-empty dict name -> tensor (run index first), got {type(tree).__name__}")
    R = None
    for k, v in tree.items():
        if not isinstance(v, torch.Tensor) or not v.is_floating_point() or v.dim() < 1 or v.shape[0] < 1:
            raise ValueError(f"{name}: {k!r} must be a floating tensor of shape (R, ...) with R >= 1, got "
                             f"{type(v).__name__}{tuple(getattr(v, 'shape', ()))}")
        if R is not None and v.shape[0] != R:
            raise ValueError(f"{name}: every tensor needs the same number of runs, {k!r} has {v.shape[0]} != {R}")
        R = v.shape[0]
    return int(R)


def _check_like(tree, params: dict, name: str) -> None:
    """``tree`` has the names of ``params`` and tensors of the same shapes, dtypes and devices."""
    if not isinstance(tree, dict) or set(tree) != set(params):
        raise ValueError(f"{name}: must be a dict with the keys of params {sorted(params)}, got "
                         f"{sorted(map(str, tree)) if isinstance(tree, dict) else type(tree).__name__}")
    for k, p in params.items():
        v = tree[k]
        if (not isinstance(v, torch.Tensor) or v.shape != p.shape or v.dtype != p.dtype
                or v.device != p.device):
            raise ValueError(f"{name}: {k!r} must be a {p.dtype} tensor of shape {tuple(p.shape)} on {p.device}, got "
                             f"{getattr(v, 'dtype', type(v).__name__)} {tuple(getattr(v, 'shape', ()))}")


def _bshape(lr: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    return lr.view(-1, *([1] * (t.dim() - 1)))


def _check_beta(beta, name):
    return check_beta(beta, name)


def _check_nonneg(x, name):
    return float(check_real(x, name, 0.0, None, scalar=True))


def _check_name(name):
    if name is not None:
        check_str(name, "name")
    return name


def _row_sums(flat: torch.Tensor, p: float) -> torch.Tensor:
    """``sum_j |flat[r, j]|^p`` for every row ``r`` (``p = 2``: squares, ``p = 1``: absolute values).

    On the CPU the sum is taken by numpy (pairwise summation on one thread), so the result does
    not depend on the number of torch threads: torch splits a long reduction across its threads,
    and with THEORYCHECK_THREADS=2 normalized GD's loss on the m = 7 heavy-tailed problem (step 1)
    differed from the 1-thread run from step 5 on, by 85% at step 300. On a GPU torch reduces."""
    if flat.device.type == "cpu":
        a = flat.detach().numpy()
        if p == 2:
            s = (a * a).sum(axis=1)
        elif p == 1:
            s = np.abs(a).sum(axis=1)
        else:
            s = (np.abs(a) ** p).sum(axis=1)
        return torch.from_numpy(np.ascontiguousarray(s))
    if p == 2:
        return (flat * flat).sum(1)
    if p == 1:
        return flat.abs().sum(1)
    return flat.abs().pow(p).sum(1)


def _global_norm(tree, p: float = 2.0) -> torch.Tensor:
    """Per-run ell_p norm (``p`` in ``{1, 2}``) over every tensor of the tree, shape ``(R,)``
    (reduced as in :func:`_row_sums`)."""
    acc = None
    for t in tree.values():
        s = _row_sums(t.reshape(t.shape[0], -1), p)
        acc = s if acc is None else acc + s
    return acc if p == 1 else torch.sqrt(acc)


def _block_norm(t: torch.Tensor, p: float) -> torch.Tensor:
    """Per-run ell_p norm ``(sum_j |t_rj|^p)^(1/p)`` of one tensor, shape ``(R,)`` (reduced as in
    :func:`_row_sums` on the CPU, ``torch.linalg.vector_norm`` on a GPU)."""
    flat = t.reshape(t.shape[0], -1)
    if flat.device.type != "cpu":
        return torch.linalg.vector_norm(flat, ord=p, dim=1)
    s = _row_sums(flat, p)
    if p == 1:
        return s
    if p == 2:
        return torch.sqrt(s)
    return s.pow(1.0 / p)


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
                s = _bshape(_safe_inv(_block_norm(v, p)), v)
                out[k] = v.mul_(s) if inplace else v * s
            return out
        return block
    raise ValueError(f"kind: unknown direction {kind!r}; valid: {DIRECTIONS}")


def heavy_ball(kind: str, beta: float = 0.0, name: str | None = None, *, p: float = 2.0) -> Optimizer:
    """Direction ``kind`` in :data:`DIRECTIONS` with heavy-ball momentum ``beta`` (K24 A.6):
    ``m_t = beta m_{t-1} + d_t``, ``x_{t+1} = x_t - alpha m_t``. ``p`` is the block norm of
    ``"bngd"`` (``||g_B||_p``, ``p >= 1``)."""
    check_choice(kind, "kind", DIRECTIONS)
    _check_name(name)
    beta = _check_beta(beta, "beta")
    p = float(check_real(p, "p", 1.0, None, scalar=True))  # the block norm needs p >= 1
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
    check_beta(momentum, "momentum")
    return heavy_ball("rsign", momentum, "RSign+m" if momentum else "RSign")


def block_normalized_gd(momentum: float = 0.0, p: float = 2.0) -> Optimizer:
    """Block-normalized GD: ``d_B = g_B / ||g_B||_p`` for every parameter tensor ``B`` (``W``
    and ``b`` of the linear model), optionally with heavy-ball momentum; ``p >= 1`` (finite)."""
    check_beta(momentum, "momentum")
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
    _check_name(name)
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    eps = _check_nonneg(eps, "eps")
    label = name or ("Adam+m" if beta1 else "Adam-m")
    return _adam_rule(beta1, beta2, eps, 0.0, label, (("beta1", beta1), ("beta2", beta2), ("eps", eps)))


def adamw(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, weight_decay: float = 1e-2,
          name: str | None = None) -> Optimizer:
    """AdamW as defined by ``torch.optim.AdamW``: ``x <- x (1 - alpha lambda)`` (``lambda`` =
    ``weight_decay``, default 0.01 as in PyTorch), then the Adam step."""
    _check_name(name)
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
        if not isinstance(name, str) or name not in FAMILIES:
            raise ValueError(f"spec: unknown optimizer family {name!r}; known: {sorted(FAMILIES)}")
        if not all(isinstance(k, str) for k in kw):
            raise ValueError(f"spec: the keyword arguments of {name!r} need string names, got {sorted(map(repr, kw))}")
        params = inspect.signature(FAMILIES[name]).parameters
        unknown = sorted(set(kw) - set(params))
        if unknown:
            raise ValueError(f"spec: unknown keyword arguments {unknown} for {name!r}; valid: {sorted(params)}")
        try:
            return FAMILIES[name](**kw)
        except ValueError as e:
            raise ValueError(f"spec: {name!r}: {e}") from None
    raise ValueError(f"spec: expected an optimizer name, (family, kwargs) or Optimizer, got {spec!r}")
