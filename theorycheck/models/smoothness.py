"""Smoothness constants of the softmax linear model (torch; CPU or CUDA).

Model. Inputs ``X`` (n x d), labels ``y`` in ``0..c-1``, parameters ``W`` (c x d) and an
optional bias ``b`` (c). With the bias the inputs are augmented, ``x~_i = (x_i, 1)``, and the
parameters are ``W~ = [W b]`` (c x D, ``D = d + 1``); without it ``D = d``. Parameters are
flattened row-major, so parameter ``(k, a)`` has index ``k D + a``.

    L(W) = (1/n) sum_i -log softmax(W x~_i)_{y_i},    p_i = softmax(W x~_i).

Gradient and Hessian (K24 eq. 4, summed over samples)::

    grad_{w_k} L = (1/n) sum_i (p_ik - 1[y_i = k]) x~_i
    H = (1/n) sum_i A_i (x) x~_i x~_i^T,      A_i = diag(p_i) - p_i p_i^T,
    H_{(k,a),(j,b)} = (1/n) sum_i p_ik (1[k=j] - p_ij) x~_ia x~_ib.

Hessian-vector product in closed form, for ``V`` (c x D): with ``Z = X~ V^T`` (n x c),
``R = P * Z - P * rowsum(P * Z)``, ``H v = R^T X~ / n`` (O(n c D) work, no Hessian formed).

(1,1)-norm. Per sample ``sum_{k,j} |A_ikj| = 2 (1 - ||p_i||^2) =: 2 q_i`` (the diagonal
``p_ik (1 - p_ik) >= 0`` equals the sum of the off-diagonal magnitudes ``p_ik p_ij``), and
``|A (x) B|`` has entries ``|A_kj| |B_ab|``. Hence, by the triangle inequality,

    ||H||_{1,1} <= (2/n) sum_i (1 - ||p_i||^2) ||x~_i||_1^2                       (U)

with EQUALITY iff no entry has cancellations across samples, which holds when every
product ``x~_ia x~_ib`` has one sign over ``i`` -- in particular when each input
coordinate has one sign over the data set (uniform inputs on [0,1]^d, the bias 1). In
general, coordinate pairs ``(a, b)`` whose products have one sign contribute
``(2/n) |sum_i q_i x~_ia x~_ib|`` and the remaining ("mixed") pairs are summed exactly
from the c x c matrix ``M^{ab} = (1/n)(diag(P^T s) - P^T diag(s) P)``, ``s_i = x~_ia x~_ib``.
Cost: O(n (c + D)) for one-signed data against O(n c^2 D^2) time and O(c^2 D^2) memory
for the dense Hessian.

The other constants: ``lambda_max`` (Lanczos on HVPs), lower bounds on
``||H||_{inf->1} = max_{||v||_inf <= 1} v^T H v`` from sign iterations ``v <- sign(H v)``,
exact ``||H||_{inf->1}`` by brute force over ``{-1, 1}^P`` for tiny ``P``, ``P lambda_max``
(``P`` = number of parameters), and a Cauchy-sketch estimator of ``||H||_{1,1}`` for any
model given only its HVP. For PSD ``H``::

    max(tr H, lambda_max, sign-iteration bound) <= ||H||_{inf->1} <= min(||H||_{1,1}, P lambda_max).

torch is imported inside the functions (this module can be imported without it).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.core.validation import check_bool, check_callable, check_choice, check_int, check_memory

DEVICES = ("auto", "cpu", "cuda")
TRACE_VARIANTS = ("correct", "released_script")


# --------------------------------------------------------------------------------------
# input handling
# --------------------------------------------------------------------------------------
def resolve_device(device: str = "auto"):
    """``"auto"`` -> CUDA when present else CPU; ``"cpu"``; ``"cuda"`` (ValueError without a GPU)."""
    import torch

    check_choice(device, "device", DEVICES)
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device: 'cuda' was requested but no CUDA device is available; use 'auto' or 'cpu'")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(device)


def _as_tensor(a, name: str, dtype, device):
    import torch

    if isinstance(a, torch.Tensor):
        if a.is_complex():
            raise ValueError(f"{name}: must be real, got a complex tensor")
        t = a.detach().to(device=device, dtype=dtype)
    else:
        if a is None or isinstance(a, (str, bytes)):
            raise ValueError(f"{name}: must be a real array, got {a!r}")
        try:
            arr = np.asarray(a)
            if np.iscomplexobj(arr):
                raise TypeError
            t = torch.as_tensor(np.asarray(a, dtype=np.float64), dtype=dtype, device=device)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"{name}: must be a real array, got {type(a).__name__}") from None
    if not torch.isfinite(t).all():
        raise ValueError(f"{name}: must be finite (no NaN or inf)")
    return t


class Problem:
    """Data of a softmax linear model on a device: ``Xa`` (n x D, augmented when ``bias``),
    ``y`` (n), ``c`` classes. Build with :func:`problem`."""

    def __init__(self, Xa, y, c: int, bias: bool, d: int):
        import torch

        c, d, bias = check_int(c, "c", 2), check_int(d, "d", 1), check_bool(bias, "bias")
        if not isinstance(Xa, torch.Tensor) or Xa.dtype not in (torch.float32, torch.float64) or Xa.ndim != 2:
            raise ValueError("Xa: must be a 2-D float32/float64 tensor (n x D); build problems with problem()")
        if not torch.isfinite(Xa).all():
            raise ValueError("Xa: must be finite")
        if Xa.shape[0] < 1 or Xa.shape[1] != d + bias:
            raise ValueError(f"d: Xa has {Xa.shape[1]} columns, expected d + bias = {d + bias}")
        if not isinstance(y, torch.Tensor) or y.dtype != torch.long or y.shape != (Xa.shape[0],):
            raise ValueError(f"y: must be a long tensor of n = {Xa.shape[0]} labels")
        if int(y.min()) < 0 or int(y.max()) >= c:
            raise ValueError(f"y: labels must lie in 0..{c - 1}")
        self.Xa, self.y, self.c, self.bias, self.d = Xa, y, c, bias, d
        self.n, self.D = Xa.shape
        self.P = c * self.D  # number of parameters

    @property
    def device(self):
        return self.Xa.device

    @property
    def dtype(self):
        return self.Xa.dtype

    def params(self, snapshot) -> Any:
        """A snapshot -> the c x D parameter tensor ``[W b]`` (see :meth:`_params`); a bad
        snapshot is a ValueError naming ``snapshot``."""
        try:
            return self._params(snapshot)
        except ValueError as e:
            raise ValueError(f"snapshot: {e}") from None

    def _params(self, snapshot) -> Any:
        """A snapshot -> the c x D parameter tensor ``[W b]``.

        Accepts ``W`` (c x d; with a bias problem, a zero bias is NOT assumed: pass
        ``(W, b)``, a dict with keys ``W``/``b``, or a c x (d+1) array ``[W b]``)."""
        import torch

        if snapshot is None or isinstance(snapshot, (str, bytes)):
            raise ValueError(f"snapshot: must be W, (W, b), {{'W', 'b'}} or [W b], got {snapshot!r}")
        if isinstance(snapshot, dict):
            if "W" not in snapshot:
                raise ValueError("snapshot: a dict snapshot needs key 'W' (and 'b' with a bias)")
            snapshot = (snapshot["W"], snapshot.get("b"))
        if isinstance(snapshot, (tuple, list)):
            if len(snapshot) != 2:
                raise ValueError("snapshot: a tuple snapshot must be (W, b)")
            W, b = snapshot
            W = _as_tensor(W, "W", self.dtype, self.device)
            if W.shape != (self.c, self.d):
                raise ValueError(f"W: expected shape (c, d) = ({self.c}, {self.d}), got {tuple(W.shape)}")
            if self.bias:
                if b is None:
                    raise ValueError("b: the problem has a bias; the snapshot must carry b")
                b = _as_tensor(b, "b", self.dtype, self.device).reshape(-1)
                if b.shape != (self.c,):
                    raise ValueError(f"b: expected shape ({self.c},), got {tuple(b.shape)}")
                return torch.cat([W, b[:, None]], dim=1)
            if b is not None:
                raise ValueError("b: the problem was built with bias=False but the snapshot carries b")
            return W
        W = _as_tensor(snapshot, "W", self.dtype, self.device)
        if W.shape == (self.c, self.D):
            return W
        if self.bias and W.shape == (self.c, self.d):
            raise ValueError(f"W: the problem has a bias; pass (W, b) or a ({self.c}, {self.D}) array [W b]")
        raise ValueError(f"W: expected shape (c, D) = ({self.c}, {self.D}), got {tuple(W.shape)}")

    def zeros(self):
        import torch

        return torch.zeros(self.c, self.D, dtype=self.dtype, device=self.device)


def problem(X, y, c: int | None = None, *, bias: bool = True, device: str = "auto", dtype: str = "float64") -> Problem:
    """Validate the data and put it on the device.

    ``X``: (n, d) finite reals; ``y``: (n,) integers in ``0..c-1``; ``c`` defaults to
    ``max(y) + 1`` and must be >= 2; ``dtype`` is ``"float64"`` or ``"float32"``.
    """
    import torch

    dev = resolve_device(device)
    check_choice(dtype, "dtype", ("float64", "float32"))
    bias = check_bool(bias, "bias")
    dt = getattr(torch, dtype)
    X = _as_tensor(X, "X", dt, dev)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X: must be a non-empty 2-D array (n, d), got shape {tuple(X.shape)}")
    big = float(X.abs().sum(dim=1).max().double())  # the Hessian blocks scale like ||x_i||_1^2
    if not big * big < torch.finfo(dt).max:
        raise ValueError(f"X: the rows are too large for {dtype}: max ||x_i||_1 = {big:.3g}, whose square (the scale of "
                         f"the Hessian) overflows; need max ||x_i||_1 < {math.sqrt(torch.finfo(dt).max):.3g}")
    if y is None or isinstance(y, (str, bytes)):
        raise ValueError(f"y: must be 1-D with n = {X.shape[0]} integer labels, got {y!r}")
    ya = np.asarray(y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else y)
    if ya.dtype.kind not in "iuf":
        raise ValueError(f"y: labels must be integers, got dtype {ya.dtype}")
    if ya.ndim != 1 or ya.shape[0] != X.shape[0]:
        raise ValueError(f"y: must be 1-D with n = {X.shape[0]} labels, got shape {ya.shape}")
    if not np.issubdtype(ya.dtype, np.integer):
        if not np.all(np.isfinite(ya)) or np.any(ya != np.round(ya)):
            raise ValueError("y: labels must be integers")
        ya = ya.astype(np.int64)
    if c is None:
        c = int(ya.max()) + 1
        if c < 2:
            raise ValueError(f"y: the labels hold fewer than 2 classes (max label {int(ya.max())}); pass c")
    c = check_int(c, "c", 2)
    if ya.min() < 0 or ya.max() >= c:
        raise ValueError(f"y: labels must lie in 0..{c - 1}, got range [{ya.min()}, {ya.max()}]")
    n, d = X.shape
    Xa = torch.cat([X, torch.ones(n, 1, dtype=dt, device=dev)], dim=1) if bias else X
    return Problem(Xa, torch.as_tensor(ya, dtype=torch.long, device=dev), int(c), bool(bias), int(d))


def _pb(pb) -> Problem:
    if not isinstance(pb, Problem):
        raise ValueError(f"pb: must be a Problem (theorycheck.models.smoothness.problem), got {type(pb).__name__}")
    return pb


def _pw(pb, Wt):
    """``(pb, Wt)`` checked: ``Wt`` the finite ``c x D`` parameters, on the problem's device/dtype."""
    pb = _pb(pb)
    W = _as_tensor(Wt, "Wt", pb.dtype, pb.device)
    if tuple(W.shape) != (pb.c, pb.D):
        raise ValueError(f"Wt: must have shape ({pb.c}, {pb.D}) (c x D, [W b] with a bias), got {tuple(W.shape)}")
    return pb, W


def _torch_opts(seed, dtype, device):
    """``seed`` an integer >= 0; ``dtype`` None or a torch floating dtype; ``device`` None, a
    string or a torch.device."""
    import torch

    seed = check_int(seed, "seed", 0)
    if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise ValueError(f"dtype: must be None or a torch floating dtype, got {dtype!r}")
    if device is not None:
        try:
            device = torch.device(device)
        except (TypeError, RuntimeError):
            raise ValueError(f"device: must be None, a device string or a torch.device, got {device!r}") from None
    return seed, dtype, device


def _checked_hv(hv, dim: int) -> Callable:
    """``hv`` with every product checked: a finite tensor of the shape of its input."""
    import torch

    check_callable(hv, "hv")

    def wrapped(v):
        try:
            out = hv(v)
        except (RuntimeError, TypeError, IndexError) as e:
            raise ValueError(f"hv: failed on a tensor of shape {tuple(v.shape)} (does dim = {dim} match the operator?): "
                             f"{e}") from None
        if not isinstance(out, torch.Tensor) or tuple(out.shape) != tuple(v.shape):
            raise ValueError(f"hv: must map a tensor of shape {tuple(v.shape)} to one of the same shape, got "
                             f"{tuple(getattr(out, 'shape', ()))} ({type(out).__name__})")
        if not torch.isfinite(out).all():
            raise ValueError("hv: returned non-finite values (NaN or inf)")
        return out

    return wrapped


# --------------------------------------------------------------------------------------
# loss, probabilities, gradient, Hessian
# --------------------------------------------------------------------------------------
def probabilities(pb: Problem, Wt):
    """``P`` (n x c), ``P_ik = softmax(W~ x~_i)_k`` (stable: ``torch.softmax``)."""
    pb, Wt = _pw(pb, Wt)
    import torch

    return torch.softmax(pb.Xa @ Wt.T, dim=1)


def loss(pb: Problem, Wt) -> float:
    """``L = (1/n) sum_i -log softmax(W~ x~_i)_{y_i}`` (via ``log_softmax``)."""
    pb, Wt = _pw(pb, Wt)
    import torch

    lp = torch.log_softmax(pb.Xa @ Wt.T, dim=1)
    return float(-lp[torch.arange(pb.n, device=pb.device), pb.y].mean())


def gradient(pb: Problem, Wt):
    """``G = (1/n) (P - Y)^T X~`` (c x D), ``Y`` the one-hot labels."""
    pb, Wt = _pw(pb, Wt)
    import torch

    R = probabilities(pb, Wt).clone()
    R[torch.arange(pb.n, device=pb.device), pb.y] -= 1.0
    return R.T @ pb.Xa / pb.n


def hessian(pb: Problem, Wt):
    """Dense Hessian (P x P, P = c D): ``H = (1/n) sum_i (diag(p_i) - p_i p_i^T) (x) x~_i x~_i^T``.

    Built as block-diagonal ``(1/n) sum_i p_ik x~_i x~_i^T`` minus ``U^T U / n`` with
    ``U_i = p_i (x) x~_i``. Memory ``P^2``: small problems only."""
    pb, Wt = _pw(pb, Wt)
    import torch

    P = probabilities(pb, Wt)
    X = pb.Xa
    U = (P[:, :, None] * X[:, None, :]).reshape(pb.n, -1)
    H = -(U.T @ U) / pb.n
    diag_blocks = torch.einsum("ik,ia,ib->kab", P, X, X) / pb.n
    H4 = H.view(pb.c, pb.D, pb.c, pb.D)
    idx = torch.arange(pb.c, device=pb.device)
    H4[idx, :, idx, :] += diag_blocks
    return H


def hessian_autograd(pb: Problem, Wt):
    """Reference Hessian by automatic differentiation (``torch.func.hessian``) of the loss."""
    pb, Wt = _pw(pb, Wt)
    import torch

    X, y = pb.Xa, pb.y

    def f(theta):
        lp = torch.log_softmax(X @ theta.view(pb.c, pb.D).T, dim=1)
        return -lp[torch.arange(pb.n, device=X.device), y].mean()

    return torch.func.hessian(f)(Wt.reshape(-1).clone())


def hvp_fn(pb: Problem, Wt) -> Callable:
    """Closed-form batched HVP: ``v`` of shape (..., P) -> ``H v`` of the same shape.

    ``Z = X~ V^T``, ``R = P*Z - P*rowsum(P*Z)``, ``Hv = R^T X~ / n``; O(n c D) per vector."""
    pb, Wt = _pw(pb, Wt)
    import torch

    Pt = probabilities(pb, Wt).T.contiguous()  # c x n
    X = pb.Xa

    def hv(v):
        shape = v.shape
        V = v.reshape(-1, pb.c, pb.D)
        Z = torch.matmul(V, X.T)  # (t, c, n): Z[t, k, i] = v_k . x~_i
        PZ = Pt * Z
        R = PZ - Pt * PZ.sum(dim=1, keepdim=True)
        return (torch.matmul(R, X) / pb.n).reshape(shape)

    return hv


def autograd_hvp_fn(loss_fn: Callable, theta) -> Callable:
    """Generic HVP of any scalar ``loss_fn(theta)`` by forward-over-reverse
    (``torch.func.jvp`` of ``torch.func.grad``), batched over a leading axis with ``vmap``."""
    import torch

    check_callable(loss_fn, "loss_fn")
    if not isinstance(theta, torch.Tensor) or not theta.is_floating_point():
        raise ValueError(f"theta: must be a floating torch tensor, got {type(theta).__name__}")
    if not torch.isfinite(theta).all():
        raise ValueError("theta: must be finite")
    g = torch.func.grad(loss_fn)

    def one(v):
        return torch.func.jvp(g, (theta,), (v,))[1]

    batched = torch.func.vmap(one)

    def hv(v):
        return one(v) if v.ndim == theta.ndim else batched(v)

    return hv


def model_loss_fn(pb: Problem) -> Callable:
    """``theta`` (flat, P) -> loss, for :func:`autograd_hvp_fn`."""
    pb = _pb(pb)
    import torch

    ar = torch.arange(pb.n, device=pb.device)

    def f(theta):
        lp = torch.log_softmax(pb.Xa @ theta.view(pb.c, pb.D).T, dim=1)
        return -lp[ar, pb.y].mean()

    return f


# --------------------------------------------------------------------------------------
# lambda_max
# --------------------------------------------------------------------------------------
def _norm(w):
    """``||w||_2`` (a 0-d tensor); where the sum of squares overflows (entries beyond ~1e154), as
    ``m ||w / m||_2`` with ``m = max |w_i|`` (the direct value everywhere else, unchanged)."""
    n = w.norm()
    if bool(n.isfinite()):
        return n
    m = w.abs().max()
    return m * (w / m).norm()


def lanczos(hv: Callable, dim: int, *, iters: int = tol.LANCZOS_ITERS, seed: int = 0, dtype=None, device=None):
    """Largest eigenpair of a symmetric operator from ``iters`` Lanczos steps with full
    reorthogonalisation. Returns ``(ritz_value, ritz_vector)``; the Ritz value is a lower
    bound on ``lambda_max`` that converges to it (exact once ``iters >= dim``)."""
    import torch

    dim = check_int(dim, "dim", 1)
    iters = check_int(iters, "iters", 1)
    check_memory((min(iters, dim) + 3) * dim, "dim", "values (Lanczos basis)")
    seed, dtype, device = _torch_opts(seed, dtype, device)
    hv = _checked_hv(hv, dim)
    dtype = dtype or torch.float64
    g = torch.Generator(device="cpu").manual_seed(seed)
    q = torch.randn(dim, generator=g, dtype=torch.float64).to(device=device, dtype=dtype)
    q = q / q.norm()
    k = min(iters, dim)
    Q = torch.zeros(k, dim, dtype=dtype, device=device)
    alpha, beta = [], []
    for j in range(k):
        Q[j] = q
        w = hv(q)
        a = torch.dot(w, q)
        w = w - Q[: j + 1].T @ (Q[: j + 1] @ w)  # full reorthogonalisation (twice is enough)
        w = w - Q[: j + 1].T @ (Q[: j + 1] @ w)
        alpha.append(float(a))
        bnorm = float(_norm(w))
        if j == k - 1 or bnorm <= tol.LANCZOS_BREAKDOWN * max(1.0, abs(alpha[0])):
            break
        beta.append(bnorm)
        q = w / bnorm
    m = len(alpha)
    T = np.diag(alpha) + np.diag(beta[: m - 1], 1) + np.diag(beta[: m - 1], -1)
    evals, evecs = np.linalg.eigh(T)
    vec = Q[:m].T @ torch.as_tensor(evecs[:, -1], dtype=dtype, device=Q.device)
    return float(evals[-1]), vec / vec.norm()


def power_iteration(hv: Callable, dim: int, *, iters: int = 500, seed: int = 0, dtype=None, device=None) -> float:
    """``lambda_max`` of a PSD operator by power iteration (Rayleigh quotient of the last iterate)."""
    import torch

    dim = check_int(dim, "dim", 1)
    iters = check_int(iters, "iters", 0)
    check_memory(4 * dim, "dim", "values")
    seed, dtype, device = _torch_opts(seed, dtype, device)
    hv = _checked_hv(hv, dim)
    dtype = dtype or torch.float64
    g = torch.Generator(device="cpu").manual_seed(seed)
    v = torch.randn(dim, generator=g, dtype=torch.float64).to(device=device, dtype=dtype)
    v = v / v.norm()
    for _ in range(iters):
        w = hv(v)
        nw = _norm(w)
        if float(nw) == 0.0:
            return 0.0
        v = w / nw
    return float(torch.dot(v, hv(v)))


# --------------------------------------------------------------------------------------
# (1,1)-norm
# --------------------------------------------------------------------------------------
def l11_dense(H) -> float:
    """``||H||_{1,1} = sum_ij |H_ij|`` of a dense finite matrix (a tensor or an array; summed in
    its own precision, float64 for arrays)."""
    import torch

    H = H if isinstance(H, torch.Tensor) and H.is_floating_point() else _as_tensor(H, "H", torch.float64, "cpu")
    if H.ndim != 2:
        raise ValueError(f"H: must be a matrix, got shape {tuple(H.shape)}")
    if not torch.isfinite(H).all():
        raise ValueError("H: must be finite (no NaN or inf)")
    out = float(H.abs().sum(dtype=H.dtype))
    if not math.isfinite(out):
        raise ValueError("H: the sum of |H_ij| overflows")
    return out


def l11_upper(pb: Problem, Wt) -> float:
    """The closed form (U): ``(2/n) sum_i (1 - ||p_i||^2) ||x~_i||_1^2`` -- an upper bound on
    ``||H||_{1,1}`` in general, equal to it when each coordinate product has one sign."""
    pb, Wt = _pw(pb, Wt)
    P = probabilities(pb, Wt)
    q = 1.0 - (P * P).sum(dim=1)
    return float(2.0 * (q * pb.Xa.abs().sum(dim=1) ** 2).sum() / pb.n)


def one_signed_pairs(pb: Problem):
    """Boolean D x D mask: pairs ``(a, b)`` for which ``x~_ia x~_ib`` has one sign over ``i``
    (zeros allowed). Every diagonal pair is one-signed."""
    pb = _pb(pb)
    X = pb.Xa
    pos = (X > 0).to(X.dtype)
    neg = (X < 0).to(X.dtype)
    n_pos = pos.T @ pos + neg.T @ neg
    n_neg = pos.T @ neg + neg.T @ pos
    return (n_pos == 0) | (n_neg == 0)


def l11_exact(pb: Problem, Wt, *, chunk: int = 256) -> dict:
    """Exact ``||H||_{1,1}`` without forming ``H``.

    One-signed pairs ``(a, b)`` contribute ``(2/n) |sum_i q_i x~_ia x~_ib|`` with
    ``q_i = 1 - ||p_i||^2``; mixed pairs are summed from ``M^{ab} = (1/n)(diag(P^T s) -
    P^T diag(s) P)``, ``s_i = x~_ia x~_ib``, in chunks (memory ``chunk * c^2``).
    Returns ``{"value", "upper", "mixed_pairs", "pairs"}``."""
    pb, Wt = _pw(pb, Wt)
    import torch

    chunk = check_int(chunk, "chunk", 1)
    X = pb.Xa
    P = probabilities(pb, Wt)
    q = 1.0 - (P * P).sum(dim=1)
    mask = one_signed_pairs(pb)
    G = (X * q[:, None]).T @ X  # sum_i q_i x_ia x_ib
    value = 2.0 * float((G.abs() * mask).sum()) / pb.n
    iu = torch.triu_indices(pb.D, pb.D, offset=1, device=pb.device)
    mixed = ~mask[iu[0], iu[1]]
    a_idx, b_idx = iu[0][mixed], iu[1][mixed]
    total_mixed = 0.0
    for s0 in range(0, a_idx.numel(), chunk):
        a, b = a_idx[s0 : s0 + chunk], b_idx[s0 : s0 + chunk]
        S = X[:, a] * X[:, b]  # n x B
        M = -torch.einsum("ik,ij,ib->bkj", P, P, S)
        diag = (P.T @ S).T  # B x c
        M = M + torch.diag_embed(diag)
        total_mixed += 2.0 * float(M.abs().sum()) / pb.n  # (a,b) and (b,a)
    return {"value": value + total_mixed, "upper": l11_upper(pb, Wt), "mixed_pairs": int(mixed.sum()) * 2,
            "pairs": pb.D * pb.D}


def cauchy_l11(hv: Callable, dim: int, *, probes: int, seed: int = 0, dtype=None, device=None, batch: int = 64) -> dict:
    """Cauchy-sketch estimate of ``||H||_{1,1}`` from ``probes`` HVPs (any model).

    With ``v`` iid standard Cauchy, ``(H v)_r = sum_j H_rj v_j`` is Cauchy with scale
    ``sum_j |H_rj| = ||H_r||_1`` (1-stability), and the median of ``|Cauchy(0, s)|`` is
    ``s``. So ``est_r = median_t |(H v_t)_r|`` estimates the row norm and ``sum_r est_r``
    estimates ``||H||_{1,1}``; the per-row relative standard error is asymptotically
    ``(pi/2)/sqrt(T)`` (the sample median has variance ``1/(4 T f(s)^2)``, ``f(s) = 1/(pi s)``).
    Returns ``{"estimate", "rows"}``."""
    import torch

    dim = check_int(dim, "dim", 1)
    probes = check_int(probes, "probes", 1)
    batch = check_int(batch, "batch", 1)
    check_memory(3 * probes * dim, "probes", "values (probes x dim)")
    seed, dtype, device = _torch_opts(seed, dtype, device)
    hv = _checked_hv(hv, dim)
    dtype = dtype or torch.float64
    g = torch.Generator(device="cpu").manual_seed(seed)
    out = []
    for s0 in range(0, probes, batch):
        t = min(batch, probes - s0)
        u = torch.rand(t, dim, generator=g, dtype=torch.float64)
        v = torch.tan(math.pi * (u - 0.5)).to(device=device, dtype=dtype)
        out.append(hv(v).abs())
    A = torch.cat(out, dim=0)
    S, _ = torch.sort(A, dim=0)
    T = S.shape[0]
    med = S[T // 2] if T % 2 else 0.5 * (S[T // 2 - 1] + S[T // 2])
    return {"estimate": float(med.sum()), "rows": med}


# --------------------------------------------------------------------------------------
# ||H||_{inf->1}
# --------------------------------------------------------------------------------------
def inf1_sign_iterations(hv: Callable, dim: int, *, restarts: int = tol.SIGN_RESTARTS, iters: int = tol.SIGN_ITERS,
                         seed: int = 0, starts=None, dtype=None, device=None) -> dict:
    """Lower bound on ``||H||_{inf->1} = max_{||v||_inf<=1} v^T H v`` (PSD ``H``).

    From each start ``v in {-1,1}^P``, iterate ``v <- sign(H v)`` (``sign(0) = +1``). For PSD
    ``H`` the objective never decreases: ``f(v') - f(v) >= 2 (v' - v)^T H v = 2(||Hv||_1 - v^T H v) >= 0``
    (convexity of ``f``). Starts: ``restarts`` random sign vectors plus the rows of ``starts``.
    Returns ``{"value", "v", "history"}`` (best value after each sweep)."""
    import torch

    dim = check_int(dim, "dim", 1)
    restarts = check_int(restarts, "restarts", 0)
    iters = check_int(iters, "iters", 0)
    check_memory(4 * (restarts + 2) * dim, "restarts", "values (starts x dim)")
    seed, dtype, device = _torch_opts(seed, dtype, device)
    hv = _checked_hv(hv, dim)
    dtype = dtype or torch.float64
    g = torch.Generator(device="cpu").manual_seed(seed)
    V = torch.where(torch.rand(restarts, dim, generator=g) < 0.5, -1.0, 1.0).to(device=device, dtype=dtype)
    if starts is not None:
        S = _as_tensor(starts, "starts", dtype, device)
        if S.numel() == 0 or S.numel() % dim:
            raise ValueError(f"starts: must hold whole vectors of length dim = {dim}, got shape {tuple(S.shape)}")
        S = S.reshape(-1, dim)
        V = torch.cat([V, torch.where(S >= 0, 1.0, -1.0).to(dtype)], dim=0)
    if V.shape[0] == 0:
        raise ValueError("restarts: need at least one start")
    history = []
    for _ in range(iters):
        HV = hv(V)
        vals = (V * HV).sum(dim=1)
        history.append(float(vals.max()))
        Vn = torch.where(HV >= 0, 1.0, -1.0).to(dtype)
        if torch.equal(Vn, V):
            break
        V = Vn
    vals = (V * hv(V)).sum(dim=1)
    i = int(torch.argmax(vals))
    history.append(float(vals[i]))
    return {"value": max(history), "v": V[i], "history": history}


def inf1_brute_force(H, *, max_dim: int = tol.BRUTE_FORCE_MAX_DIM, batch_bits: int = 14) -> float:
    """Exact ``max_{v in {-1,1}^P} v^T H v`` (= ``||H||_{inf->1}`` for PSD ``H``, the maximum of a
    convex function over the cube being at a vertex) by enumerating ``2^(P-1)`` vectors
    (``v`` and ``-v`` give the same value). Only for ``P <= max_dim``."""
    import torch

    max_dim = check_int(max_dim, "max_dim", 1, 40)
    batch_bits = check_int(batch_bits, "batch_bits", 0, 24)
    H = _as_tensor(H, "H", torch.float64, H.device if isinstance(H, torch.Tensor) else "cpu")
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] < 1:
        raise ValueError(f"H: must be a non-empty square matrix, got shape {tuple(H.shape)}")
    Pd = H.shape[0]
    if Pd > max_dim:
        raise ValueError(f"H: brute force over {{-1,1}}^P needs P <= {max_dim}, got P = {Pd}")
    if Pd == 1:
        return float(H[0, 0])
    nfree = Pd - 1
    bits = torch.arange(nfree, device=H.device)
    best = -math.inf
    step = 1 << min(batch_bits, nfree)
    for s0 in range(0, 1 << nfree, step):
        codes = torch.arange(s0, min(s0 + step, 1 << nfree), device=H.device)
        V = ((codes[:, None] >> bits) & 1).to(torch.float64) * 2 - 1
        V = torch.cat([torch.ones(V.shape[0], 1, dtype=torch.float64, device=H.device), V], dim=1)
        best = max(best, float(((V @ H) * V).sum(dim=1).max()))
    return best


# --------------------------------------------------------------------------------------
# per-block quantities (figures 7 and 8)
# --------------------------------------------------------------------------------------
def diag_block_traces(P, X, weights=None, *, variant: str = "correct"):
    """Traces of the diagonal Hessian blocks of a softmax linear model from the probabilities
    ``P`` (n x c), the inputs ``X`` (n x d, the coordinates of ``w_k`` to trace over) and
    sample weights ``s`` (n; default ``1/n``, the plain mean loss):

    ``correct``: ``Tr(H_kk) = sum_i s_i p_ik (1 - p_ik) ||x_i||^2`` (K24 eq. 4).
    ``released_script``: the K24 analysis script's diagonal, with ``x`` where ``x^2``
    belongs: ``sum_i s_i p_ik (1 - p_ik) sum_a x_ia`` (kept to show how it differs).

    The one implementation behind :func:`block_traces` and ``theorycheck.sim.run.block_stats``."""
    import torch

    check_choice(variant, "variant", TRACE_VARIANTS)
    P = _as_tensor(P, "P", P.dtype if isinstance(P, torch.Tensor) and P.is_floating_point() else torch.float64,
                   P.device if isinstance(P, torch.Tensor) else "cpu")
    if P.ndim != 2 or (P < 0).any() or (P > 1).any():
        raise ValueError(f"P: must be an n x c matrix of probabilities in [0, 1], got shape {tuple(P.shape)}")
    X = _as_tensor(X, "X", P.dtype, P.device)
    if X.ndim != 2 or X.shape[0] != P.shape[0]:
        raise ValueError(f"X: must be n x d with n = {P.shape[0]} rows (as P), got shape {tuple(X.shape)}")
    if weights is not None:
        weights = _as_tensor(weights, "weights", P.dtype, P.device)
        if tuple(weights.shape) != (P.shape[0],) or (weights < 0).any():
            raise ValueError(f"weights: must be {P.shape[0]} sample weights >= 0, got shape {tuple(weights.shape)}")
    feat = (X * X).sum(dim=1) if variant == "correct" else X.sum(dim=1)
    w = feat / X.shape[0] if weights is None else feat * weights
    out = (P * (1.0 - P) * w[:, None]).sum(dim=0)
    if not torch.isfinite(out).all():
        raise ValueError("X: the traces overflow (|x|^2 beyond the float range)")
    return out


def block_traces(pb: Problem, Wt, *, variant: str = "correct") -> dict:
    """Per class ``k``: ``||grad_{w_k} L||`` and ``Tr(H_kk)`` for the rows ``w_k`` of ``W``
    (the input coordinates only; the bias coordinate is excluded); the traces are
    :func:`diag_block_traces` (``variant``: ``correct`` or the released script's ``x`` for ``x^2``)."""
    pb, Wt = _pw(pb, Wt)
    check_choice(variant, "variant", TRACE_VARIANTS)
    P = probabilities(pb, Wt)
    G = gradient(pb, Wt)[:, : pb.d]
    return {"grad_norm": G.norm(dim=1), "trace": diag_block_traces(P, pb.Xa[:, : pb.d], variant=variant)}


def _indices(idx, name: str, n: int) -> list[int]:
    """A non-empty sequence of distinct integers in ``[0, n)``."""
    if isinstance(idx, (str, bytes)) or not hasattr(idx, "__iter__"):
        raise ValueError(f"{name}: must be a non-empty sequence of distinct integers in [0, {n - 1}], got {idx!r}")
    out = [check_int(i, name, 0, n - 1) for i in idx]
    if not out or len(set(out)) != len(out):
        raise ValueError(f"{name}: must be a non-empty sequence of distinct integers in [0, {n - 1}], got {out}")
    return out


def hessian_subset(pb: Problem, Wt, classes: Sequence[int], dims: Sequence[int]):
    """The Hessian restricted to parameters ``(k, a)``, ``k in classes``, ``a in dims``
    (row-major over (class, dim)): ``(1/n) sum_i (diag(p_iK) - p_iK p_iK^T) (x) x_iA x_iA^T``."""
    pb, Wt = _pw(pb, Wt)
    import torch

    K = torch.as_tensor(_indices(classes, "classes", pb.c), dtype=torch.long, device=pb.device)
    A = torch.as_tensor(_indices(dims, "dims", pb.D), dtype=torch.long, device=pb.device)
    P = probabilities(pb, Wt)[:, K]
    X = pb.Xa[:, A]
    kc, da = K.numel(), A.numel()
    U = (P[:, :, None] * X[:, None, :]).reshape(pb.n, -1)
    H = -(U.T @ U) / pb.n
    H4 = H.view(kc, da, kc, da)
    idx = torch.arange(kc, device=pb.device)
    H4[idx, :, idx, :] += torch.einsum("ik,ia,ib->kab", P, X, X) / pb.n
    return H


def block_trace_matrix(pb: Problem, Wt, classes: Sequence[int] | None = None):
    """``T_kj = Tr(H_kj) = (1/n) sum_i p_ik (1[k=j] - p_ij) ||x~_i||^2`` (c x c, or restricted
    to ``classes``); rows sum to zero (K24 H.1)."""
    pb, Wt = _pw(pb, Wt)
    import torch

    P = probabilities(pb, Wt)
    if classes is not None:
        P = P[:, torch.as_tensor(_indices(classes, "classes", pb.c), dtype=torch.long, device=pb.device)]
    r = (pb.Xa * pb.Xa).sum(dim=1)
    T = -(P * r[:, None]).T @ P / pb.n
    return T + torch.diag((P * r[:, None]).sum(dim=0) / pb.n)


def diag_offdiag_ratios(Hsub, n_classes: int) -> dict:
    """Magnitudes of diagonal vs off-diagonal blocks of a (class, dim)-ordered Hessian subset:
    medians and means of ``|H|`` over the entries of diagonal blocks and of off-diagonal blocks,
    and their ratios; the same for the block traces."""
    import torch

    kc = check_int(n_classes, "n_classes", 2)
    Hsub = _as_tensor(Hsub, "Hsub", torch.float64, Hsub.device if isinstance(Hsub, torch.Tensor) else "cpu")
    if Hsub.ndim != 2 or Hsub.shape[0] != Hsub.shape[1] or Hsub.shape[0] % kc or Hsub.shape[0] == 0:
        raise ValueError(f"Hsub: must be a square matrix whose size is a multiple of n_classes = {kc}, got "
                         f"{tuple(Hsub.shape)}")
    da = Hsub.shape[0] // kc
    H4 = Hsub.abs().view(kc, da, kc, da)
    eye = torch.eye(kc, dtype=torch.bool, device=Hsub.device)
    blocks = H4.permute(0, 2, 1, 3).reshape(kc, kc, -1)  # [k, j, entries]
    dvals = blocks[eye].reshape(-1)
    ovals = blocks[~eye].reshape(-1)
    tr = torch.diagonal(Hsub.view(kc, da, kc, da), dim1=1, dim2=3).sum(-1).abs()  # |Tr(H_kj)|
    td, to = tr[eye], tr[~eye]
    med = lambda t: float(torch.median(t))  # noqa: E731
    if med(ovals) == 0 or med(to) == 0 or float(ovals.mean()) == 0 or (tr.masked_fill(eye, 0).max(dim=1).values == 0).any():
        raise ValueError("Hsub: the off-diagonal blocks (or their traces) vanish: the diagonal / off-diagonal ratios "
                         "are undefined")
    return {
        "entry_median_diag": med(dvals), "entry_median_offdiag": med(ovals),
        "entry_median_ratio": med(dvals) / med(ovals),
        "entry_mean_ratio": float(dvals.mean() / ovals.mean()),
        "trace_median_diag": med(td), "trace_median_offdiag": med(to),
        "trace_median_ratio": med(td) / med(to),
        "trace_min_row_ratio": float((td / tr.masked_fill(eye, 0).max(dim=1).values).min()),
    }


# --------------------------------------------------------------------------------------
# everything at one point, and along a path
# --------------------------------------------------------------------------------------
def smoothness_at(pb: Problem, Wt, *, lanczos_iters: int = tol.LANCZOS_ITERS, restarts: int = tol.SIGN_RESTARTS,
                  sign_iters: int = tol.SIGN_ITERS, cauchy_probes: int = 0, dense: bool | None = None,
                  seed: int = 0) -> dict:
    """All smoothness constants at one point.

    Keys: ``loss``, ``P`` (parameters), ``lambda_max`` (Lanczos), ``P_lambda_max``,
    ``l11`` (exact, :func:`l11_exact`), ``l11_upper`` (closed form (U)), ``inf1_lower``
    (best of sign iterations and ``tr H``), ``trace`` (``tr H``), optional ``l11_cauchy``;
    with ``dense`` (default: ``P <= tol.DENSE_MAX_PARAMS``) also ``lambda_max_dense``."""
    pb, Wt = _pw(pb, Wt)
    lanczos_iters = check_int(lanczos_iters, "lanczos_iters", 1)
    restarts = check_int(restarts, "restarts", 0)
    sign_iters = check_int(sign_iters, "sign_iters", 0)
    cauchy_probes = check_int(cauchy_probes, "cauchy_probes", 0)
    check_memory(3 * cauchy_probes * pb.P, "cauchy_probes", "values (probes x parameters)")
    if dense is not None:
        dense = check_bool(dense, "dense")
    seed = check_int(seed, "seed", 0)
    try:
        return _smoothness_at(pb, Wt, lanczos_iters, restarts, sign_iters, cauchy_probes, dense, seed)
    except ValueError as e:
        if str(e).startswith("hv:"):  # the HVPs of this problem overflow: the Hessian ~ x x^T exceeds float64
            raise ValueError(f"pb: the Hessian-vector products of this problem exceed float64 (inputs too large, "
                             f"|x|^2 beyond 1.8e308): {e}") from None
        raise


def _smoothness_at(pb: Problem, Wt, lanczos_iters: int, restarts: int, sign_iters: int, cauchy_probes: int,
                   dense: bool | None, seed: int) -> dict:
    import torch

    hv = hvp_fn(pb, Wt)
    lam, vec = lanczos(hv, pb.P, iters=lanczos_iters, seed=seed, dtype=pb.dtype, device=pb.device)
    P = probabilities(pb, Wt)
    # tr H = (1/n) sum_i (1 - ||p_i||^2) ||x~_i||^2
    trace = float(((1.0 - (P * P).sum(dim=1)) * (pb.Xa * pb.Xa).sum(dim=1)).sum() / pb.n)
    # structured start: balanced class signs times the sign of the mean input
    s = torch.where(torch.arange(pb.c, device=pb.device) % 2 == 0, 1.0, -1.0).to(pb.dtype)
    xs = torch.where(pb.Xa.mean(dim=0) >= 0, 1.0, -1.0).to(pb.dtype)
    starts = torch.stack([vec, (s[:, None] * xs[None, :]).reshape(-1)])
    si = inf1_sign_iterations(hv, pb.P, restarts=restarts, iters=sign_iters, seed=seed, starts=starts,
                              dtype=pb.dtype, device=pb.device)
    ex = l11_exact(pb, Wt)
    out = {"loss": loss(pb, Wt), "P": pb.P, "lambda_max": lam, "P_lambda_max": pb.P * lam,
           "l11": ex["value"], "l11_upper": ex["upper"], "inf1_sign": si["value"], "trace": trace,
           "inf1_lower": max(si["value"], trace, lam)}
    if cauchy_probes:
        out["l11_cauchy"] = cauchy_l11(hv, pb.P, probes=cauchy_probes, seed=seed + 1, dtype=pb.dtype,
                                       device=pb.device)["estimate"]
    if dense is None:
        dense = pb.P <= tol.DENSE_MAX_PARAMS
    if dense:
        out["lambda_max_dense"] = float(torch.linalg.eigvalsh(hessian(pb, Wt))[-1])
    return out


def smoothness_along_path(snapshots: Iterable, X, y, c: int | None = None, *, bias: bool = True,
                          device: str = "auto", dtype: str = "float64", **kw) -> dict:
    """Smoothness constants along a path of parameter snapshots.

    ``snapshots``: iterable of ``W`` / ``(W, b)`` / ``{"W", "b"}`` / ``[W b]`` (see
    :meth:`Problem.params`). Returns a dict of lists, one entry per snapshot, with the keys
    of :func:`smoothness_at`, plus ``ratio_l11_over_Plambda`` and ``ratio_l11_over_inf1_lower``."""
    pb = problem(X, y, c, bias=bias, device=device, dtype=dtype)
    if isinstance(snapshots, (str, bytes)) or not hasattr(snapshots, "__iter__"):
        raise ValueError(f"snapshots: must be an iterable of parameter snapshots, got {snapshots!r}")
    rows = []
    for i, snap in enumerate(snapshots):
        try:
            Wt = pb.params(snap)
        except ValueError as e:
            raise ValueError(f"snapshots: snapshot {i}: {e}") from None
        rows.append(smoothness_at(pb, Wt, **kw))  # problem() has refused X whose Hessian scale overflows
    if not rows:
        raise ValueError("snapshots: need at least one snapshot")
    out = {k: [r[k] for r in rows] for k in rows[0]}
    out["ratio_l11_over_Plambda"] = [r["l11"] / r["P_lambda_max"] for r in rows]
    out["ratio_l11_over_inf1_lower"] = [r["l11"] / r["inf1_lower"] for r in rows]
    return out


def init_constants(pb: Problem) -> dict:
    """Closed forms at ``W = 0`` (``p_i = 1/c``), ``H_0 = (1/c)(I - 11^T/c) (x) Hbar~``:

    * ``||H_0||_{1,1} = 2 (1 - 1/c) M`` when every coordinate product is one-signed, with
      ``M = (1/n) sum_i ||x~_i||_1^2`` (else (U) is an upper bound);
    * ``lambda_max(H_0) = lambda_max(Hbar~)/c``, so ``P lambda_max = D lambda_max(Hbar~)``;
    * for one-signed input coordinates, ``(1 - (c mod 2)/c^2) M <= ||H_0||_{inf->1} <= M``: the upper
      bound from ``v^T H_0 v <= (1/c) sum_k v_k^T Hbar~ v_k <= M``, the lower one from
      ``v = s (x) sign(x~)`` with ``sum_k s_k`` in ``{0, 1}``."""
    pb = _pb(pb)
    import torch

    X = pb.Xa
    M = float((X.abs().sum(dim=1) ** 2).mean())
    Hbar = X.T @ X / pb.n
    lam_bar = float(torch.linalg.eigvalsh(Hbar)[-1])
    c = pb.c
    return {"M": M, "l11": 2 * (1 - 1 / c) * M, "lambda_max": lam_bar / c, "P_lambda_max": pb.D * lam_bar,
            "inf1_lower": (1 - (c % 2) / c**2) * M, "inf1_upper": M}
