"""Problems for the simulator, each evaluated for a batch of ``R`` independent runs.

Parameters are a ``dict[str, Tensor]`` whose tensors carry the run index first (shape
``(R, ...)``). :meth:`Problem.evaluate` returns the per-class losses ``(R, c)`` and the
gradient of the training objective, both computed by hand (no autograd), so one step costs
only the matrix products it cannot avoid.

Losses. With ``n_k`` samples in class ``k``, per-class loss ``l_k = (1/n_k) sum_{i: y_i = k}
l_i`` and class frequencies ``pi_k = n_k / n``, the training loss is
``L = sum_k pi_k l_k = (1/n) sum_i l_i``. The *objective* is ``sum_k omega_k l_k`` with
objective weights ``omega`` (``omega = pi`` by default; K24 appendix F reweights them).

Problems:

* :class:`SimpleImbalanced` (K24 section 3.3): ``x_i = e_k`` for every sample of class
  ``k``, so the logits of class-``k`` samples are column ``k`` of ``W`` and
  ``l_k = -log softmax(W[:, k])_k``; gradient of column ``k``:
  ``omega_k (softmax(W[:, k]) - e_k)``, with ``p_kk - 1 = -sum_{j != k} p_jk`` formed without
  cancellation. No matrix product at all: ``O(c^2)`` per step.
* :class:`LinearSoftmax`: ``logits_i = W x_i + b`` with data ``(X, y)``; per-sample
  ``dl_i/dlogits_i = p_i - e_{y_i}``, so ``grad_W = D^T X``, ``grad_b = D^T 1`` with
  ``D_i = (omega_{y_i}/n_{y_i}) (p_i - e_{y_i})``. Two products per step: ``X W^T`` and
  ``D^T X``. :func:`heavy_tailed_problem` builds it on the Random Heavy-Tailed Labels data
  (K24 appendix A.2; inputs uniform, N(0,1) or N(1,1) as in appendix C.1).
* :class:`WeightedQuadratic` (K24 section 3.1): ``f = sum_k pi_k (1/2) ||w_k||^2``,
  gradient ``pi_k w_k``; per-class "loss" ``(1/2)||w_k||^2``; initialisation ``w = 1``.
* :class:`Rotated`: any problem seen through an orthogonal change of variables
  ``theta = Q vec(params)``; ``grad_theta = Q vec(grad)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from theorycheck.core.validation import (
    check_array,
    check_bool,
    check_choice,
    check_finite,
    check_int,
    check_probability_vector,
)
from theorycheck.sim.metrics import mass_groups

Params = dict  # dict[str, torch.Tensor], run index first

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` -> CUDA when available, else CPU; ``"cpu"``; ``"cuda"`` / ``"cuda:N"`` (error
    when no GPU is present)."""
    if isinstance(device, torch.device):
        device = str(device)
    if not isinstance(device, str):
        raise ValueError(f"device: must be 'auto', 'cpu' or 'cuda[:N]', got {device!r}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu":
        return torch.device("cpu")
    if device == "cuda" or (device.startswith("cuda:") and device[5:].isdigit()):
        if not torch.cuda.is_available():
            raise ValueError(f"device: {device!r} requested but no CUDA GPU is available; use 'cpu' or 'auto'")
        idx = int(device[5:]) if ":" in device else 0
        if idx >= torch.cuda.device_count():
            raise ValueError(f"device: {device!r} but only {torch.cuda.device_count()} CUDA device(s) present")
        return torch.device(device)
    raise ValueError(f"device: unknown device {device!r}; valid: 'auto', 'cpu', 'cuda', 'cuda:N'")


def resolve_dtype(dtype: Any = "float64") -> torch.dtype:
    """``"float32"`` / ``"float64"`` (or the torch dtypes)."""
    if isinstance(dtype, torch.dtype) and dtype in DTYPES.values():
        return dtype
    if isinstance(dtype, str) and dtype in DTYPES:
        return DTYPES[dtype]
    raise ValueError(f"dtype: must be one of {tuple(DTYPES)}, got {dtype!r}")


class Problem:
    """Base class. Subclasses set ``c``, ``pi`` (numpy, float64), ``groups`` (numpy int, group
    index ``0..G-1`` of every class, groups of about equal data mass), ``device``, ``dtype``,
    ``param_shapes`` (name -> shape without the run index) and implement :meth:`evaluate`."""

    name = "problem"
    c: int
    pi: np.ndarray
    groups: np.ndarray
    device: torch.device
    dtype: torch.dtype
    param_shapes: dict

    # -- parameters ---------------------------------------------------------------------
    def init_params(self, runs: int = 1) -> Params:
        """Initial parameters for ``runs`` runs (zeros unless the problem says otherwise)."""
        runs = check_int(runs, "runs", 1)
        return {k: torch.zeros((runs, *s), device=self.device, dtype=self.dtype) for k, s in self.param_shapes.items()}

    def check_params(self, params: Params) -> int:
        """Validate shapes; return the number of runs ``R``."""
        if not isinstance(params, dict) or set(params) != set(self.param_shapes):
            raise ValueError(f"params: expected keys {sorted(self.param_shapes)}, got "
                             f"{sorted(params) if isinstance(params, dict) else type(params).__name__}")
        R = None
        for k, s in self.param_shapes.items():
            t = params[k]
            if not isinstance(t, torch.Tensor) or tuple(t.shape[1:]) != tuple(s) or t.dim() != len(s) + 1:
                raise ValueError(f"params: {k!r} must have shape (R, {', '.join(map(str, s))}), got "
                                 f"{tuple(getattr(t, 'shape', ()))}")
            if R is None:
                R = t.shape[0]
            elif t.shape[0] != R:
                raise ValueError(f"params: all tensors need the same number of runs, {k!r} has {t.shape[0]} != {R}")
        return int(R)

    @property
    def n_params(self) -> int:
        return int(sum(math.prod(s) for s in self.param_shapes.values()))

    # -- evaluation ----------------------------------------------------------------------
    def evaluate(self, params: Params, need_grad: bool = True):
        """``(class_losses (R, c), grads or None)``; checks the shapes of ``params`` first
        (a mismatch is a ``ValueError``), then calls :meth:`_evaluate`."""
        self.check_params(params)
        return self._evaluate(params, check_bool(need_grad, "need_grad"))

    def _evaluate(self, params: Params, need_grad: bool):
        raise NotImplementedError

    def pi_t(self) -> torch.Tensor:
        if not hasattr(self, "_pi_t"):
            self._pi_t = torch.as_tensor(self.pi, device=self.device, dtype=self.dtype)
        return self._pi_t

    def loss(self, class_losses: torch.Tensor) -> torch.Tensor:
        """Training loss ``sum_k pi_k l_k`` per run, shape ``(R,)``."""
        return class_losses @ self.pi_t()

    def describe(self) -> dict:
        return {"problem": self.name, "classes": self.c, "params_per_run": self.n_params,
                "device": str(self.device), "dtype": str(self.dtype).replace("torch.", "")}


def _check_groups(groups) -> None:
    if groups is not None:
        check_int(groups, "groups", 1)


def _weights(omega, pi, c):
    if omega is None:
        return np.asarray(pi, dtype=np.float64)
    w = check_array(omega, "omega")
    if w.shape != (c,) or (w < 0).any():
        raise ValueError(f"omega: objective weights must be a finite non-negative vector of shape ({c},), got shape {w.shape}")
    return w


class SimpleImbalanced(Problem):
    """K24's simple imbalanced setting: ``x_i = e_k`` for class ``k``, ``W in R^{c x c}``.

    Column ``k`` of ``W`` holds the logits of every class-``k`` sample, so
    ``l_k(W) = logsumexp(W[:, k]) - W[k, k]`` and ``grad_{W[:, k]} = omega_k (softmax(W[:, k]) - e_k)``
    (K24 lemma 4). No dense product with data is formed.
    """

    name = "simple"

    def __init__(self, pi, *, omega=None, groups: int | None = None, device="auto", dtype="float64"):
        self.pi = check_probability_vector(pi, "pi")
        self.c = int(self.pi.size)
        _check_groups(groups)
        self.device, self.dtype = resolve_device(device), resolve_dtype(dtype)
        self.omega = _weights(omega, self.pi, self.c)
        self.groups = mass_groups(self.pi, groups or min(self.c, 10))
        self.param_shapes = {"W": (self.c, self.c)}
        self._om = torch.as_tensor(self.omega, device=self.device, dtype=self.dtype)
        self._eye = torch.eye(self.c, device=self.device, dtype=self.dtype)

    def _evaluate(self, params, need_grad=True):
        W = params["W"]
        logp = torch.log_softmax(W, dim=1)  # softmax over rows = over classes, for each column (sample type)
        class_losses = -torch.diagonal(logp, dim1=1, dim2=2)
        if not need_grad:
            return class_losses, None
        # gradient of column k: omega_k (p - e_k); the diagonal p_kk - 1 is formed as minus the sum
        # of the off-diagonal probabilities (no cancellation when p_kk -> 1)
        P = torch.exp(logp)
        off = P * (1 - self._eye)
        G = off - torch.diag_embed(off.sum(1))
        return class_losses, {"W": G * self._om}


def zipf_simple(c: int, alpha: float = 1.0, **kw) -> SimpleImbalanced:
    """The simple setting with Zipf frequencies ``pi_k ~ k^-alpha``."""
    from theorycheck.models.datasets import zipf_frequencies

    pi = zipf_frequencies(c, alpha)
    if (pi <= 0).any():
        raise ValueError(f"alpha: the rarest Zipf frequencies underflow float64 (alpha = {alpha!r}, c = {c})")
    return SimpleImbalanced(pi, **kw)


class WeightedQuadratic(Problem):
    """K24 section 3.1: ``f(w) = sum_k pi_k (1/2)||w_k||^2``, ``w_k in R^q``; gradient
    ``pi_k w_k``; per-class loss ``(1/2)||w_k||^2``; initialised at ``w = init`` (1 in figure 6)."""

    name = "quadratic"

    def __init__(self, pi, q: int = 1, *, init: float = 1.0, groups: int | None = None, device="auto", dtype="float64"):
        self.pi = check_probability_vector(pi, "pi")
        self.c = int(self.pi.size)
        if isinstance(q, bool) or not isinstance(q, (int, np.integer)) or q < 1:
            raise ValueError(f"q: the per-class dimension must be an integer >= 1, got {q!r}")
        _check_groups(groups)
        self.q, self.init = int(q), check_finite(init, "init", scalar=True)
        self.device, self.dtype = resolve_device(device), resolve_dtype(dtype)
        self.groups = mass_groups(self.pi, groups or min(self.c, 10))
        self.param_shapes = {"w": (self.c, self.q)}

    def init_params(self, runs=1):
        runs = check_int(runs, "runs", 1)
        return {"w": torch.full((runs, self.c, self.q), self.init, device=self.device, dtype=self.dtype)}

    def _evaluate(self, params, need_grad=True):
        w = params["w"]
        class_losses = 0.5 * (w * w).sum(-1)
        if not need_grad:
            return class_losses, None
        return class_losses, {"w": w * self.pi_t()[:, None]}


class LinearSoftmax(Problem):
    """Softmax regression ``logits = W x + b`` (bias optional) on data ``(X, y)``, labels
    ``0..c-1`` with class 0 the most frequent.

    With ``D_i = (omega_{y_i} / n_{y_i}) (softmax(W x_i + b) - e_{y_i})``:
    ``grad_W = D^T X`` and ``grad_b = sum_i D_i``. All runs share ``X`` and are evaluated with
    one product ``X [W_1; ...; W_R]^T`` and one product ``(P - Y)^T (s X)`` (the sample weights
    ``s`` folded into the data once; ``grad_b = (P - Y)^T s``).
    """

    name = "linear"

    def __init__(self, X, y, *, c: int | None = None, bias: bool = True, omega=None, class_group=None,
                 groups: int | None = None, device="auto", dtype="float64"):
        X = check_array(X, "X", ndim=2, min_size=1)
        if y is None or isinstance(y, (str, bytes)):
            raise ValueError(f"y: must be a 1-D array of integer labels, got {y!r}")
        y = np.asarray(y)
        if y.dtype.kind not in "iuf":
            raise ValueError(f"y: labels must be integers 0..c-1, got dtype {y.dtype}")
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(f"y: must be a 1-D label vector with one label per row of X ({X.shape[0]}), got shape {y.shape}")
        if y.size == 0 or not np.isfinite(y).all() or y.min() < 0 or (y != np.round(y)).any():
            raise ValueError("y: labels must be integers 0..c-1")
        y = y.astype(np.int64)
        c = int(y.max()) + 1 if c is None else check_int(c, "c", 2)
        from theorycheck.core.validation import check_memory

        check_memory(4 * c * (X.shape[1] + 2), "c", "values per run")
        bias = check_bool(bias, "bias")
        _check_groups(groups)
        if y.max() >= c or c < 2:
            raise ValueError(f"c: needs c >= 2 and labels < c, got c={c}, max label {int(y.max())}")
        counts = np.bincount(y, minlength=c)
        if (counts == 0).any():
            raise ValueError("y: every class needs at least one sample")
        self.c, self.n, self.d = c, int(X.shape[0]), int(X.shape[1])
        self.counts = counts
        self.pi = counts / counts.sum()
        self.bias = bool(bias)
        self.device, self.dtype = resolve_device(device), resolve_dtype(dtype)
        self.omega = _weights(omega, self.pi, c)
        if class_group is not None:
            cg = check_array(class_group, "class_group")
            if cg.shape != (c,) or (cg != np.round(cg)).any():
                raise ValueError(f"class_group: must be {c} integer group indices, got shape {cg.shape}")
            cg = cg.astype(np.int64)
            self.groups = np.unique(cg, return_inverse=True)[1].astype(np.int64)  # groups 0..G-1, none empty
        else:
            self.groups = mass_groups(self.pi, groups or min(c, 10))
        self.X = torch.as_tensor(X, device=self.device, dtype=self.dtype).contiguous()
        self.y = torch.as_tensor(y, device=self.device)
        self._count = torch.as_tensor(counts, device=self.device, dtype=self.dtype)
        self._sw = torch.as_tensor(self.omega[y] / counts[y], device=self.device, dtype=self.dtype)[:, None, None]
        # the sample weights are folded into the data once: grad_W = (P - Y)^T (s X), grad_b = (P - Y)^T s
        self._Xw = (self.X * self._sw[:, 0]).contiguous()
        self._s = self._sw[:, 0, 0].contiguous()
        self.param_shapes = {"W": (c, self.d)} | ({"b": (c,)} if self.bias else {})

    def logits(self, params) -> torch.Tensor:
        """``(n, R, c)`` logits ``W_r x_i + b_r``."""
        W = params["W"]
        R = W.shape[0]
        Z = (self.X @ W.reshape(R * self.c, self.d).T).view(self.n, R, self.c)
        if self.bias:
            Z = Z.add_(params["b"][None]) if not Z.requires_grad else Z + params["b"][None]
        return Z

    def _evaluate(self, params, need_grad=True):
        W = params["W"]
        R = W.shape[0]
        Z = self.logits(params)
        logp = torch.log_softmax(Z, dim=2)
        idx = self.y.view(self.n, 1, 1).expand(self.n, R, 1)
        sample_loss = -torch.gather(logp, 2, idx).squeeze(2)  # (n, R)
        sums = torch.zeros((self.c, R), device=self.device, dtype=self.dtype).index_add_(0, self.y, sample_loss)
        class_losses = (sums / self._count[:, None]).T.contiguous()
        if not need_grad:
            return class_losses, None
        D = torch.exp(logp)
        D.scatter_add_(2, idx, torch.full_like(sample_loss[..., None], -1.0))
        Dt = D.view(self.n, R * self.c).T
        grads = {"W": (Dt @ self._Xw).view(R, self.c, self.d)}
        if self.bias:
            grads["b"] = (Dt @ self._s).view(R, self.c)
        return class_losses, grads


def heavy_tailed_problem(m: int, d: int | None = None, *, inputs: str = "uniform", seed: int = 0, bias: bool = True,
                         omega=None, device="auto", dtype="float64") -> LinearSoftmax:
    """The Random Heavy-Tailed Labels problem of K24 appendix A.2 (linear model with bias),
    with frequency groups = the ``m`` groups of the data (each holds ``2^m`` samples)."""
    from theorycheck.models.datasets import heavy_tailed_labels

    if check_int(m, "m", 1) < 2:
        raise ValueError(f"m: the problem needs c = 2^m - 1 >= 2 classes, i.e. m >= 2, got {m}")
    data = heavy_tailed_labels(m, d, inputs=inputs, seed=seed)
    p = LinearSoftmax(data["X"], data["y"], c=int(data["class_sizes"].size), bias=bias, omega=omega,
                      class_group=data["class_group"], device=device, dtype=dtype)
    p.name = f"heavy_tailed(m={m}, inputs={inputs})"
    return p


class Rotated(Problem):
    """``base`` seen through the orthogonal change of variables ``theta = Q vec(params)``
    (``Q`` a ``P x P`` orthogonal matrix, ``P`` = parameters per run). The loss is
    ``f(Q^T theta)`` and ``grad_theta = Q grad_vec``: GD commutes with this map, coordinate-wise
    methods (sign descent, Adam) do not."""

    name = "rotated"

    def __init__(self, base: Problem, Q=None, *, seed: int = 0):
        if not isinstance(base, Problem):
            raise ValueError(f"base: must be a simulator Problem, got {type(base).__name__}")
        seed = check_int(seed, "seed", 0)
        if Q is not None:
            Q = check_array(Q, "Q", ndim=2)
            if not np.allclose(Q @ Q.T, np.eye(Q.shape[0]), rtol=0, atol=1e-8 * max(1, Q.shape[0])):
                raise ValueError("Q: must be an orthogonal matrix (Q Q^T = I)")
        self.base = base
        self.c, self.pi, self.groups = base.c, base.pi, base.groups
        self.omega = getattr(base, "omega", base.pi)
        self.device, self.dtype = base.device, base.dtype
        P = base.n_params
        if Q is None:
            g = torch.Generator().manual_seed(seed)
            A = torch.randn(P, P, generator=g, dtype=torch.float64)
            Qm, Rm = torch.linalg.qr(A)
            Q = Qm * torch.sign(torch.diagonal(Rm))[None, :]  # Haar-distributed
        Q = torch.as_tensor(Q, dtype=self.dtype, device=self.device)
        if Q.shape != (P, P):
            raise ValueError(f"Q: must be a {P} x {P} orthogonal matrix, got shape {tuple(Q.shape)}")
        self.Q = Q
        self.param_shapes = {"theta": (P,)}
        self.name = f"rotated({base.name})"

    def to_theta(self, params) -> Params:
        v = torch.cat([params[k].reshape(params[k].shape[0], -1) for k in self.base.param_shapes], 1)
        return {"theta": v @ self.Q.T}

    def from_theta(self, params) -> Params:
        v = params["theta"] @ self.Q
        out, i = {}, 0
        for k, s in self.base.param_shapes.items():
            n = math.prod(s)
            out[k] = v[:, i:i + n].reshape(v.shape[0], *s)
            i += n
        return out

    def init_params(self, runs=1):
        return self.to_theta(self.base.init_params(check_int(runs, "runs", 1)))

    def _evaluate(self, params, need_grad=True):
        cl, g = self.base.evaluate(self.from_theta(params), need_grad)
        if g is None:
            return cl, None
        return cl, self.to_theta(g)


# --- picklable problem specifications (for sweeps through an executor) --------------------

PROBLEM_KINDS = ("simple", "zipf", "quadratic", "heavy_tailed")


@dataclass(frozen=True)
class ProblemSpec:
    """A picklable recipe ``(kind, kwargs)`` for a problem; :meth:`build` makes it.

    ``kind``: ``"simple"`` (kwargs ``pi``), ``"zipf"`` (``c, alpha``), ``"quadratic"``
    (``pi, q``), ``"heavy_tailed"`` (``m, d, inputs, seed, omega``). ``device``/``dtype``
    as in :func:`resolve_device` / :func:`resolve_dtype`.
    """

    kind: str
    kwargs: dict = field(default_factory=dict)
    device: str = "auto"
    dtype: str = "float64"

    def __post_init__(self):
        check_choice(self.kind, "kind", PROBLEM_KINDS)
        if not isinstance(self.kwargs, dict):
            raise ValueError(f"kwargs: must be a dict of the problem's arguments, got {type(self.kwargs).__name__}")
        dev = self.device
        if not (isinstance(dev, str) and (dev in ("auto", "cpu", "cuda") or (dev.startswith("cuda:") and dev[5:].isdigit()))):
            raise ValueError(f"device: must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {dev!r}")
        check_choice(self.dtype, "dtype", tuple(DTYPES))

    def with_seed(self, seed: int) -> "ProblemSpec":
        seed = check_int(seed, "seed", 0)
        return ProblemSpec(self.kind, {**self.kwargs, "seed": seed}, self.device, self.dtype)

    def build(self) -> Problem:
        kw = dict(self.kwargs)
        if self.kind == "simple":
            kw.pop("seed", None)
            return SimpleImbalanced(device=self.device, dtype=self.dtype, **kw)
        if self.kind == "zipf":
            kw.pop("seed", None)
            return zipf_simple(device=self.device, dtype=self.dtype, **kw)
        if self.kind == "quadratic":
            kw.pop("seed", None)
            return WeightedQuadratic(device=self.device, dtype=self.dtype, **kw)
        return heavy_tailed_problem(device=self.device, dtype=self.dtype, **kw)
