"""Numerically stable numpy kernels of the softmax linear model (numpy only).

Model: ``c`` classes, inputs ``x_i`` in ``R^d``, parameters ``W`` in ``R^{c x d}`` (rows
``w_k``) and optionally a bias ``b`` in ``R^c``; logits ``z_i = W x_i (+ b)``,
probabilities ``p_i = softmax(z_i)``, loss

    l(W, x_i, y_i) = -log p_{i, y_i} = logsumexp(z_i) - z_{i, y_i},
    L(W) = (1/n) sum_i l(W, x_i, y_i).

Derivatives (proved symbolically in :mod:`theorycheck.models.softmax_symbolic`):

    grad_{w_k} L = (1/n) sum_i (p_ik - 1[y_i = k]) x_i
    H_kj        = (1/n) sum_i p_ik (1[k = j] - p_ij) x_i x_i^T
    T_kj        = Tr(H_kj) = (1/n) sum_i p_ik (1[k = j] - p_ij) ||x_i||^2.

With a bias, ``x_i`` is replaced by ``(x_i, 1)`` (so the blocks are ``(d+1)``-dimensional,
the last coordinate being the bias).

Stability: logits are shifted by their row maximum and ``logsumexp = m + log1p(sum of
the other exp(z_j - m))``, so the log-probability of a dominant class keeps its tiny
deficit (``log p = -log1p(s)`` instead of ``0``). ``1 - p`` is computed as
``-expm1(log p)``, accurate to relative precision even when ``p`` is within ``1e-300``
of 1. Nothing overflows at logits of magnitude ``1e300``.

Bad input (NaN/inf, wrong shapes, labels outside ``0..c-1``) raises ``ValueError``
naming the parameter.
"""

from __future__ import annotations

import numpy as np

from theorycheck.core.validation import check_array, check_int

__all__ = [
    "log_softmax", "softmax", "one_minus_softmax", "per_sample_loss", "loss", "gradient",
    "per_sample_gradient", "hessian_block", "hessian", "block_traces", "grad_block_norms",
    "class_moments",
]


# --- validation -----------------------------------------------------------------------------

def _finite_array(a, name: str, ndim: int) -> np.ndarray:
    return check_array(a, name, ndim=ndim)


def _prepare(W, X, y=None, b=None, need_y=False):
    """Validate and return ``(Wa, Xa, y)`` with the bias folded in (``Wa = [W, b]``,
    ``Xa = [X, 1]``); ``need_y``: the labels are required."""
    W = _finite_array(W, "W", 2)
    X = _finite_array(X, "X", 2)
    c, d = W.shape
    if c < 2:
        raise ValueError(f"W: needs c >= 2 classes (rows), got shape {W.shape}")
    if X.shape[1] != d:
        raise ValueError(f"X: inputs have {X.shape[1]} features but W has d = {d} columns")
    if X.shape[0] < 1:
        raise ValueError("X: needs at least one sample")
    if b is not None:
        b = _finite_array(b, "b", 1)
        if b.shape[0] != c:
            raise ValueError(f"b: the bias must have c = {c} entries, got {b.shape[0]}")
        W = np.concatenate([W, b[:, None]], axis=1)
        X = np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)
    if y is None and need_y:
        raise ValueError("y: the labels are required (a 1-D array of n integers in [0, c-1])")
    if y is not None:
        if isinstance(y, (str, bytes)):
            raise ValueError(f"y: must be a 1-D array of n = {X.shape[0]} integer labels, got {y!r}")
        ya = np.asarray(y)
        if ya.dtype.kind not in "iuf":
            raise ValueError(f"y: labels must be integers in [0, c-1], got dtype {ya.dtype}")
        if ya.ndim != 1 or ya.shape[0] != X.shape[0]:
            raise ValueError(f"y: must be a 1-D array of n = {X.shape[0]} labels, got shape {ya.shape}")
        if ya.size and not np.issubdtype(ya.dtype, np.integer):
            if not np.issubdtype(ya.dtype, np.floating) or np.isnan(ya).any() or (ya != np.round(ya)).any():
                raise ValueError("y: labels must be integers in [0, c-1]")
            ya = ya.astype(np.int64)
        if ya.size and (ya.min() < 0 or ya.max() >= c):
            raise ValueError(f"y: labels must lie in [0, {c - 1}], got range [{ya.min()}, {ya.max()}]")
        y = ya.astype(np.int64)
    return W, X, y


def _finite_out(out, name: str = "X"):
    """The result of a kernel, or ValueError when it left float64 (|x| ~ 1e300 squared)."""
    if not np.isfinite(out).all():
        raise ValueError(f"{name}: the result overflows float64 (entries too large: products of inputs exceed ~1e308)")
    return out


# --- stable primitives ------------------------------------------------------------------------

def log_softmax(Z) -> np.ndarray:
    """Row-wise ``log softmax(z) = z - logsumexp(z)``, stable for any finite logits.

    ``logsumexp(z) = m + log1p(sum_{j != argmax} exp(z_j - m))`` with ``m = max_j z_j``;
    the ``log1p`` keeps the deficit of a dominant class (``log p_max = -log1p(s)``).
    """
    Z = _finite_array(Z, "Z", 2)
    m = Z.max(axis=1, keepdims=True)
    S = Z - m
    am = np.argmax(Z, axis=1)
    E = np.exp(S)
    E[np.arange(Z.shape[0]), am] = 0.0
    s = E.sum(axis=1, keepdims=True)
    return S - np.log1p(s)


def softmax(Z) -> np.ndarray:
    """Row-wise ``softmax(z) = exp(log_softmax(z))``."""
    return np.exp(log_softmax(Z))


def one_minus_softmax(Z) -> np.ndarray:
    """``1 - softmax(z)`` to full relative precision, as ``-expm1(log_softmax(z))``."""
    return -np.expm1(log_softmax(Z))


# --- loss and gradient --------------------------------------------------------------------------

def per_sample_loss(W, X, y, b=None) -> np.ndarray:
    """``l_i = -log softmax(W x_i + b)_{y_i}``, shape ``(n,)``."""
    W, X, y = _prepare(W, X, y, b, need_y=True)
    with np.errstate(over="ignore", invalid="ignore"):
        Z = X @ W.T
    LP = log_softmax(_finite_out(Z))
    return -LP[np.arange(X.shape[0]), y]


def loss(W, X, y, b=None) -> float:
    """``L = (1/n) sum_i l_i``."""
    return float(np.mean(per_sample_loss(W, X, y, b)))


def per_sample_gradient(W, x, y: int, b=None) -> np.ndarray:
    """``grad_W l(W, x, y)``, shape ``(c, d)`` (``(c, d+1)`` with bias): row ``k`` is
    ``(p_k - 1[y = k]) x``."""
    x = check_array(x, "x", ndim=1, min_size=1)
    y = check_int(y, "y", 0)
    W = check_array(W, "W", ndim=2)
    if x.size != W.shape[1]:
        raise ValueError(f"x: must have d = {W.shape[1]} entries (the columns of W), got {x.size}")
    return gradient(W, x[None, :], np.array([y]), b)


def gradient(W, X, y, b=None) -> np.ndarray:
    """``grad_W L``, shape ``(c, d)`` (``(c, d+1)`` with bias, last column the bias):
    ``G = (1/n) (P - Y)^T X`` with ``Y`` the one-hot labels."""
    W, X, y = _prepare(W, X, y, b, need_y=True)
    with np.errstate(over="ignore", invalid="ignore"):
        Z = X @ W.T
    R = softmax(_finite_out(Z))
    R[np.arange(X.shape[0]), y] -= 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_out(R.T @ X / X.shape[0])


def grad_block_norms(W, X, y, b=None) -> np.ndarray:
    """``||grad_{w_k} L||_2`` for every class, shape ``(c,)``."""
    with np.errstate(over="ignore"):
        return _finite_out(np.linalg.norm(gradient(W, X, y, b), axis=1))


# --- Hessian ----------------------------------------------------------------------------------

def _probs(W, X):
    with np.errstate(over="ignore", invalid="ignore"):
        Z = X @ W.T
    LP = log_softmax(_finite_out(Z))
    return np.exp(LP), -np.expm1(LP)


def hessian_block(W, X, k: int, j: int, b=None) -> np.ndarray:
    """``H_kj = (1/n) sum_i p_ik (1[k = j] - p_ij) x_i x_i^T``, shape ``(d, d)``.

    For ``k = j`` the weight ``p_ik (1 - p_ik)`` uses the accurate ``1 - p``."""
    W, X, _ = _prepare(W, X, None, b)
    c = W.shape[0]
    for name, v in (("k", k), ("j", j)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < c:
            raise ValueError(f"{name}: block index must be an integer in [0, {c - 1}], got {v!r}")
    P, Q = _probs(W, X)
    wgt = P[:, k] * Q[:, k] if k == j else -P[:, k] * P[:, j]
    with np.errstate(over="ignore", invalid="ignore"):
        return _finite_out((X * wgt[:, None]).T @ X / X.shape[0])


def hessian(W, X, b=None) -> np.ndarray:
    """The full Hessian ``d^2 L / dvec(W)^2`` (``vec`` row by row), shape ``(c d, c d)``
    (``c (d+1)`` with bias). Memory ``O(n c d + (c d)^2)``: for small models only."""
    W, X, _ = _prepare(W, X, None, b)
    n = X.shape[0]
    c, d = W.shape
    P, Q = _probs(W, X)
    # A_i = Diag(p_i) - p_i p_i^T, with the diagonal p (1 - p) computed accurately
    A = -P[:, :, None] * P[:, None, :]
    idx = np.arange(c)
    A[:, idx, idx] = P * Q
    with np.errstate(over="ignore", invalid="ignore"):
        XX = X[:, :, None] * X[:, None, :]
        H = np.einsum("ikj,iab->kajb", A, XX) / n
    return _finite_out(H.reshape(c * d, c * d))


def block_traces(W, X, b=None) -> np.ndarray:
    """``T_kj = Tr(H_kj) = (1/n) sum_i p_ik (1[k=j] - p_ij) ||x_i||^2``, shape ``(c, c)``.

    Computed as ``(1/n) [Diag(sum_i s_i p_i (1 - p_i)) ...]``: off-diagonal
    ``-(1/n) P^T Diag(s) P`` and diagonal from the accurate ``p (1 - p)``."""
    W, X, _ = _prepare(W, X, None, b)
    n = X.shape[0]
    P, Q = _probs(W, X)
    with np.errstate(over="ignore", invalid="ignore"):
        s = np.einsum("ij,ij->i", X, X)
        T = -(P * s[:, None]).T @ P / n
        np.fill_diagonal(T, (s[:, None] * P * Q).sum(axis=0) / n)
    return _finite_out(T)


# --- data moments -------------------------------------------------------------------------------

def class_moments(X, y, c: int) -> dict[str, np.ndarray]:
    """Class frequencies and moments of the data (K24 notation).

    ``pi_k = n_k / n``, ``xbar = (1/n) sum_i x_i``, ``xbar_k = (1/n_k) sum_{y_i = k} x_i``,
    ``tr_Hbar = Tr((1/n) sum_i x_i x_i^T)``, ``tr_Hbar_k = Tr((1/n_k) sum_{y_i=k} x_i x_i^T)``
    (``nan`` moments for empty classes are never produced: an empty class gets zeros and
    ``pi_k = 0``).
    """
    if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c < 2:
        raise ValueError(f"c: the number of classes must be an integer >= 2, got {c!r}")
    X = _finite_array(X, "X", 2)
    from theorycheck.core.validation import check_memory

    check_memory(3 * c * max(X.shape[1], 1), "c", "float64 values")
    Wdummy = np.zeros((c, X.shape[1]))
    _, _, y = _prepare(Wdummy, X, y, need_y=True)
    n = X.shape[0]
    counts = np.bincount(y, minlength=c).astype(np.float64)
    sums = np.zeros((c, X.shape[1]))
    np.add.at(sums, y, X)
    with np.errstate(over="ignore", invalid="ignore"):
        sq = np.bincount(y, weights=np.einsum("ij,ij->i", X, X), minlength=c)
    safe = np.where(counts > 0, counts, 1.0)
    with np.errstate(over="ignore"):
        tr = float(np.einsum("ij,ij->", X, X) / n)
    if not (np.isfinite(sq).all() and np.isfinite(tr) and np.isfinite(sums).all()):
        raise ValueError("X: the second moments overflow float64 (|x| too large)")
    return {
        "pi": counts / n,
        "counts": counts,
        "xbar": X.mean(axis=0),
        "xbar_k": sums / safe[:, None],
        "tr_Hbar": tr,
        "tr_Hbar_k": sq / safe,
    }
