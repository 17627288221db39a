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

Initialisation (:meth:`Problem.init_params`): ``"zero"`` (``W = 0, b = 0``), or ``"pytorch"``,
the default of ``torch.nn.Linear`` drawn from a seeded generator: every entry of ``W`` and ``b``
uniform on ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]`` (``fan_in = d``; ``kaiming_uniform_`` with
``a = sqrt(5)``), ``W`` drawn first, so ``torch.manual_seed(s); nn.Linear(d, c)`` holds the same
numbers as ``init_params(init="pytorch", seed=s)`` (tested).

Mini-batches (:meth:`LinearSoftmax.batch_grad`): the gradient of the objective estimated on a
batch ``B`` of ``|B|`` samples, ``(n/|B|) sum_{i in B} s_i grad l_i`` (unbiased; for the plain
loss the mean loss over the batch, as ``CrossEntropyLoss`` on that batch), with batches from
:class:`BatchSampler`.

Accuracy (``evaluate(..., accuracy=True)``): per-class share of the samples whose largest
logit is their label (``argmax``; ties go to the lowest class index, as ``logits.argmax(1) == y``).
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
    check_memory,
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


INITS = ("zero", "pytorch")


#: Largest seed of a ``torch.Generator`` (``manual_seed`` takes an unsigned 64-bit integer).
TORCH_SEED_MAX = 2**64 - 1


def _check_runs(runs) -> int:
    return check_int(runs, "runs", 1)


def _check_seed(seed, name: str = "seed") -> int:
    return check_int(seed, name, 0, TORCH_SEED_MAX)


def linear_default_init(out_features: int, in_features: int, bias: bool, seed: int, dtype=torch.float64) -> Params:
    """``torch.nn.Linear(in_features, out_features)``'s default initialisation from
    ``torch.Generator().manual_seed(seed)`` (CPU): ``W`` then ``b``, every entry uniform on
    ``[-B, B]`` with ``B = sqrt(3) gain / sqrt(fan_in)``, ``gain = sqrt(2 / (1 + 5))`` for ``W``
    (``kaiming_uniform_(a=sqrt(5))``, i.e. ``B = 1/sqrt(fan_in)``) and ``B = 1/sqrt(fan_in)``
    for ``b``."""
    out_features = check_int(out_features, "out_features", 1)
    in_features = check_int(in_features, "in_features", 1)
    bias = check_bool(bias, "bias")
    seed = _check_seed(seed)
    dtype = resolve_dtype(dtype)
    check_memory(float(out_features) * (in_features + 1), "out_features", "parameters", itemsize=8)
    g = torch.Generator().manual_seed(seed)
    gain = math.sqrt(2.0 / (1 + 5))
    bound_w = math.sqrt(3.0) * (gain / math.sqrt(in_features))
    out = {"W": torch.empty((out_features, in_features), dtype=dtype).uniform_(-bound_w, bound_w, generator=g)}
    if bias:
        bound_b = 1 / math.sqrt(in_features)
        out["b"] = torch.empty((out_features,), dtype=dtype).uniform_(-bound_b, bound_b, generator=g)
    return out


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
    def init_params(self, runs: int = 1, *, init: str = "zero", seed: int = 0) -> Params:
        """Initial parameters for ``runs`` runs, all runs at the same point: ``init="zero"``
        (zeros unless the problem says otherwise) or ``"pytorch"`` (``torch.nn.Linear``'s
        default, seeded; only for problems with a linear layer, see the module docstring)."""
        runs = _check_runs(runs)
        check_choice(init, "init", INITS)
        seed = _check_seed(seed)
        check_memory(float(runs) * self.n_params, "runs", "parameters", itemsize=self._itemsize())
        if init == "pytorch":
            one = self._pytorch_init(seed)
            return {k: v.to(self.device).expand(runs, *v.shape).clone() for k, v in one.items()}
        return {k: torch.zeros((runs, *s), device=self.device, dtype=self.dtype) for k, s in self.param_shapes.items()}

    def _pytorch_init(self, seed: int) -> Params:
        raise ValueError(f"init: 'pytorch' needs a problem with a linear layer; {self.name} supports only 'zero'")

    def _itemsize(self) -> int:
        return torch.empty((), dtype=self.dtype).element_size()

    def batch_grad(self, params: Params, idx: torch.Tensor) -> Params:
        """Gradient of the objective estimated on the samples ``idx`` (see the module docstring);
        only problems with samples (:class:`LinearSoftmax`) have one."""
        raise ValueError(f"idx: mini-batches need a problem with samples (LinearSoftmax), not {self.name}")

    def check_params(self, params: Params) -> int:
        """Validate the names, shapes (run index first, the same ``R`` for all), dtype and device
        of ``params`` (metadata only: no pass over the data); return the number of runs ``R``."""
        if not isinstance(params, dict) or set(params) != set(self.param_shapes):
            raise ValueError(f"params: expected keys {sorted(self.param_shapes)}, got "
                             f"{sorted(params) if isinstance(params, dict) else type(params).__name__}")
        R = None
        for k, s in self.param_shapes.items():
            t = params[k]
            if not isinstance(t, torch.Tensor) or tuple(t.shape[1:]) != tuple(s) or t.dim() != len(s) + 1:
                raise ValueError(f"params: {k!r} must have shape (R, {', '.join(map(str, s))}), got "
                                 f"{tuple(getattr(t, 'shape', ()))}")
            if t.dtype != self.dtype or t.device.type != self.device.type or t.shape[0] < 1:
                raise ValueError(f"params: {k!r} must be a {self.dtype} tensor on {self.device} with R >= 1 runs, "
                                 f"got {t.dtype} on {t.device} with {t.shape[0]} runs")
            if R is None:
                R = t.shape[0]
            elif t.shape[0] != R:
                raise ValueError(f"params: all tensors need the same number of runs, {k!r} has {t.shape[0]} != {R}")
        return int(R)

    @property
    def n_params(self) -> int:
        return int(sum(math.prod(s) for s in self.param_shapes.values()))

    # -- evaluation ----------------------------------------------------------------------
    def evaluate(self, params: Params, need_grad: bool = True, *, accuracy: bool = False):
        """``(class_losses (R, c), grads or None)``, and with ``accuracy`` a third item, the
        per-class accuracy ``(R, c)``; checks the shapes of ``params`` first (a mismatch is a
        ``ValueError``), then calls :meth:`_evaluate`. Non-finite parameters (a run that blew up)
        give non-finite losses: the simulator records them as the run's divergence."""
        self.check_params(params)
        need_grad = check_bool(need_grad, "need_grad")
        if not check_bool(accuracy, "accuracy"):
            return self._evaluate(params, need_grad)
        return self._evaluate_acc(params, need_grad)

    def _evaluate(self, params: Params, need_grad: bool):
        raise NotImplementedError

    def _evaluate_acc(self, params: Params, need_grad: bool):
        raise ValueError(f"accuracy: {self.name} has no classifier, so no accuracy")

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

    def _evaluate_acc(self, params, need_grad=True):
        cl, g = self._evaluate(params, need_grad)
        pred = params["W"].argmax(dim=1)  # (R, c): predicted class of the class-k samples
        acc = (pred == torch.arange(self.c, device=self.device)).to(self.dtype)
        return cl, g, acc

    def _pytorch_init(self, seed):
        # column k of W is W_dense e_k: the simple setting's W is nn.Linear(c, c, bias=False).weight
        return linear_default_init(self.c, self.c, False, seed, self.dtype)


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
        q = check_int(q, "q", 1)  # the per-class dimension
        check_memory(float(self.c) * q, "q", "parameters per run")
        _check_groups(groups)
        self.q, self.init = int(q), check_finite(init, "init", scalar=True)
        self.device, self.dtype = resolve_device(device), resolve_dtype(dtype)
        self.groups = mass_groups(self.pi, groups or min(self.c, 10))
        self.param_shapes = {"w": (self.c, self.q)}

    def init_params(self, runs=1, *, init="zero", seed=0):
        """``w = init`` (the problem's own start, figure 6); ``init="pytorch"`` is refused."""
        runs = _check_runs(runs)
        check_choice(init, "init", INITS)
        _check_seed(seed)
        check_memory(float(runs) * self.n_params, "runs", "parameters", itemsize=self._itemsize())
        if init == "pytorch":
            self._pytorch_init(seed)
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
    one product ``X [W_1; ...; W_R]^T`` and one product ``D^T X``; the sample weights are applied
    to ``D`` (``n x Rc``, smaller than ``X`` whenever ``Rc < d``), so only one copy of ``X`` is
    kept. ``X`` is stored in the problem's dtype; a numpy array already in that dtype on the
    CPU is used without a copy.

    ``split``: the frequency groups of the metrics: an integer ``G`` (the figures' split into
    ``G`` groups of about equal data share,
    :func:`theorycheck.models.datasets.frequency_splits`), or ``class_group`` (a group label per
    class) when given; default ``min(c, 10)`` groups of equal data mass.
    """

    name = "linear"

    def __init__(self, X, y, *, c: int | None = None, bias: bool = True, omega=None, class_group=None,
                 groups: int | None = None, device="auto", dtype="float64"):
        if isinstance(X, torch.Tensor):
            if X.is_complex() or X.dtype == torch.bool:
                raise ValueError(f"X: must be a real array, got a {X.dtype} tensor")
        else:
            if X is None or isinstance(X, (str, bytes)):
                raise ValueError(f"X: must be a 2-D real array (n, d), got {type(X).__name__}")
            try:
                X = np.asarray(X)
            except (TypeError, ValueError):
                raise ValueError("X: must be a 2-D real array (n, d)") from None
            if X.dtype.kind not in "iuf":
                raise ValueError(f"X: must be a 2-D real array (n, d), got dtype {X.dtype}")
        if y is None or isinstance(y, (str, bytes)):
            raise ValueError(f"y: must be a 1-D array of integer labels, got {type(y).__name__}")
        try:
            y = np.asarray(y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else y)
        except (TypeError, ValueError):
            raise ValueError("y: must be a 1-D array of integer labels") from None
        if y.dtype.kind not in "iuf":
            raise ValueError(f"y: labels must be integers 0..c-1, got dtype {y.dtype}")
        if X.ndim != 2:
            raise ValueError(f"X: must be a 2-D array (n, d), got shape {tuple(X.shape)}")
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(f"y: must be a 1-D label vector with one label per row of X ({X.shape[0]}), got shape {y.shape}")
        if y.size == 0 or not np.isfinite(y).all() or y.min() < 0 or (y != np.round(y)).any():
            raise ValueError("y: labels must be integers 0..c-1")
        y = y.astype(np.int64)
        c = int(y.max()) + 1 if c is None else check_int(c, "c", 2)
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
            cg = check_array(class_group, "class_group", shape=(c,))
            if (cg != np.round(cg)).any():
                raise ValueError(f"class_group: must be {c} integer group labels (one per class)")
            # groups 0..G-1 in the order of the labels, none empty (labels 1..m give 0..m-1)
            self.groups = np.unique(cg.astype(np.int64), return_inverse=True)[1].astype(np.int64).reshape(c)
        elif groups is not None:
            from theorycheck.models.datasets import frequency_splits

            check_memory(float(c) * groups, "groups", "comparisons of the frequency split", itemsize=1)
            self.groups = frequency_splits(counts, groups)
        else:
            self.groups = mass_groups(self.pi, min(c, 10))
        self.X = torch.as_tensor(X, device=self.device, dtype=self.dtype).contiguous()  # no copy when it can be avoided
        _check_finite_rows(self.X, "X")
        self.y = torch.as_tensor(y, device=self.device)
        self._count = torch.as_tensor(counts, device=self.device, dtype=self.dtype)
        self._sw = torch.as_tensor(self.omega[y] / counts[y], device=self.device, dtype=self.dtype)[:, None, None]
        self.param_shapes = {"W": (c, self.d)} | ({"b": (c,)} if self.bias else {})

    def _pytorch_init(self, seed):
        return linear_default_init(self.c, self.d, self.bias, seed, self.dtype)

    def logits(self, params, X=None) -> torch.Tensor:
        """``(n, R, c)`` logits ``W_r x_i + b_r`` (of the rows ``X``, default the data)."""
        X = self.X if X is None else X
        W = params["W"]
        R = W.shape[0]
        Z = (X @ W.reshape(R * self.c, self.d).T).view(X.shape[0], R, self.c)
        if self.bias:
            Z = Z.add_(params["b"][None]) if not Z.requires_grad else Z + params["b"][None]
        return Z

    def _grads(self, logp, y, X, sw):
        """``grad_W = D^T X``, ``grad_b = sum_i D_i`` with ``D_i = sw_i (p_i - e_{y_i})``
        (``logp`` is consumed)."""
        n, R = logp.shape[0], logp.shape[1]
        idx = y.view(n, 1, 1).expand(n, R, 1)
        D = logp.exp_()
        D.scatter_add_(2, idx, torch.full((n, R, 1), -1.0, device=D.device, dtype=D.dtype))
        D.mul_(sw)
        grads = {"W": (D.view(n, R * self.c).T @ X).view(R, self.c, self.d)}
        if self.bias:
            grads["b"] = D.sum(0)
        return grads

    def _losses(self, logp):
        R = logp.shape[1]
        idx = self.y.view(self.n, 1, 1).expand(self.n, R, 1)
        sample_loss = -torch.gather(logp, 2, idx).squeeze(2)  # (n, R)
        sums = torch.zeros((self.c, R), device=self.device, dtype=self.dtype).index_add_(0, self.y, sample_loss)
        return (sums / self._count[:, None]).T.contiguous()

    def _evaluate(self, params, need_grad=True):
        logp = torch.log_softmax(self.logits(params), dim=2)
        class_losses = self._losses(logp)
        if not need_grad:
            return class_losses, None
        return class_losses, self._grads(logp, self.y, self.X, self._sw)

    def _evaluate_acc(self, params, need_grad=True):
        logp = torch.log_softmax(self.logits(params), dim=2)
        class_losses = self._losses(logp)
        R = logp.shape[1]
        hit = (logp.argmax(dim=2) == self.y[:, None]).to(self.dtype)  # (n, R)
        acc = (torch.zeros((self.c, R), device=self.device, dtype=self.dtype).index_add_(0, self.y, hit)
               / self._count[:, None]).T.contiguous()
        return class_losses, (self._grads(logp, self.y, self.X, self._sw) if need_grad else None), acc

    def batch_grad(self, params, idx):
        """Unbiased mini-batch gradient ``(n/|B|) sum_{i in B} s_i grad l_i`` on the rows ``idx``
        (a 1-D integer tensor of sample indices in ``[0, n-1]``; repeats count as often as they
        appear). Checks its arguments, then calls :meth:`_batch_grad`."""
        R = self.check_params(params)
        if not isinstance(idx, torch.Tensor) or idx.dim() != 1 or idx.numel() < 1 or idx.dtype not in (torch.int64, torch.int32):
            raise ValueError("idx: must be a non-empty 1-D integer tensor of sample indices")
        check_memory(float(idx.numel()) * (R * self.c + self.d), "idx", "values of the batch", itemsize=self._itemsize())
        if int(idx.min()) < 0 or int(idx.max()) >= self.n:
            raise ValueError(f"idx: sample indices must lie in [0, {self.n - 1}]")
        return self._batch_grad(params, idx)

    def _batch_grad(self, params, idx):
        """:meth:`batch_grad` without the checks (the simulator's per-step call: its sampler
        draws valid indices)."""
        idx = idx.to(self.device)
        Xb = self.X.index_select(0, idx)
        logp = torch.log_softmax(self.logits(params, Xb), dim=2)
        sw = self._sw.index_select(0, idx) * (self.n / idx.numel())
        return self._grads(logp, self.y.index_select(0, idx), Xb, sw)


def _check_finite_rows(X: torch.Tensor, name: str, rows: int = 1024) -> None:
    """``ValueError`` unless every entry of ``X`` is finite (checked in row chunks: no
    ``X``-sized temporary)."""
    for a in range(0, X.shape[0], rows):
        if not bool(torch.isfinite(X[a:a + rows]).all()):
            raise ValueError(f"{name}: must be finite")


class BatchSampler:
    """Seeded mini-batches of sample indices: every epoch a fresh random permutation of
    ``0..n-1`` (``torch.randperm`` with a ``torch.Generator`` seeded once with ``seed``) cut into
    consecutive batches of ``batch_size``; the last, incomplete batch of an epoch is dropped
    (``drop_last=True``), so every batch has the same size and the gradient estimate the same
    scale. ``batch_size = n`` gives full batches."""

    def __init__(self, n: int, batch_size: int, seed: int = 0):
        n = check_int(n, "n", 1)
        check_memory(n, "n", "sample indices (one permutation)")
        batch_size = check_int(batch_size, "batch_size", 1, n)
        self.n, self.batch_size, self.seed = n, batch_size, _check_seed(seed)
        self._g = torch.Generator().manual_seed(self.seed)
        self._perm, self._pos = None, self.n

    def next(self) -> torch.Tensor:
        """The next batch (CPU int64 tensor of ``batch_size`` distinct indices)."""
        if self._pos + self.batch_size > self.n:
            self._perm, self._pos = torch.randperm(self.n, generator=self._g), 0
        out = self._perm[self._pos: self._pos + self.batch_size]
        self._pos += self.batch_size
        return out


def heavy_tailed_problem(m: int, d: int | None = None, *, inputs: str = "uniform", seed: int = 0, bias: bool = True,
                         omega=None, split: str | int = "data", device="auto", dtype="float64") -> LinearSoftmax:
    """The Random Heavy-Tailed Labels problem of K24 appendix A.2 (linear model with bias).

    ``split``: the frequency groups of the metrics: ``"data"`` (the ``m`` groups of the data,
    each holding ``2^m`` samples) or an integer ``G`` (the figures' split into ``G`` groups of
    about equal data share, :func:`theorycheck.models.datasets.frequency_splits`; ``G = m``
    gives the data groups). The data are generated directly in ``dtype`` (one copy of ``X``).

    ``m``: ``2 <= m <= 24`` (``c = 2^m - 1`` classes, ``n = m 2^m`` samples); ``d >= 1``
    (default ``(m+1) 2^m``); ``inputs`` one of ``"uniform"``, ``"normal0"``, ``"normal1"``;
    ``seed >= 0``. The data must fit in this machine's memory."""
    from theorycheck.models.datasets import (
        INPUT_DISTRIBUTIONS,
        M_MAX,
        heavy_tailed_labels,
    )

    m = check_int(m, "m", 2, M_MAX)  # c = 2^m - 1 >= 2 classes
    if d is not None:
        d = check_int(d, "d", 1)
    check_choice(inputs, "inputs", INPUT_DISTRIBUTIONS)
    seed = check_int(seed, "seed", 0)
    bias = check_bool(bias, "bias")
    if not ((isinstance(split, str) and split == "data")
            or (isinstance(split, (int, np.integer)) and not isinstance(split, bool) and split >= 1)):
        raise ValueError(f"split: must be 'data' or an integer number of groups >= 1, got {split!r}")
    dt = resolve_dtype(dtype)
    resolve_device(device)
    n = m * 2**m
    check_memory(float(n) * ((m + 1) * 2**m if d is None else d), "m" if d is None else "d",
                 "values of the data set X", itemsize=4 if dt == torch.float32 else 8)
    data = heavy_tailed_labels(m, d, inputs=inputs, seed=seed, dtype=np.float32 if dt == torch.float32 else np.float64)
    kw = {"class_group": data["class_group"]} if split == "data" else {"groups": int(split)}
    p = LinearSoftmax(data.pop("X"), data["y"], c=int(data["class_sizes"].size), bias=bias, omega=omega,
                      device=device, dtype=dtype, **kw)
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

    def init_params(self, runs=1, *, init="zero", seed=0):
        return self.to_theta(self.base.init_params(runs, init=init, seed=seed))

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
