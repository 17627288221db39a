"""The numpy kernels of the softmax linear model: cross-checks against torch autograd
(torch.func.grad / hessian) and mpmath, including logits of magnitude 1000; property-based
tests; bad input."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theorycheck.core import tolerances as tol
from theorycheck.models import kernels as K

torch = pytest.importorskip("torch")


def _close(a, b, scale=None):
    a, b = np.asarray(a), np.asarray(b)
    ref = np.max(np.abs(b)) if scale is None else scale
    return np.max(np.abs(a - b)) <= tol.FLOAT64_REL * ref + tol.FLOAT64_ABS


def _problem(rng, c, d, n, logit_scale, bias):
    """Random problem whose logits have magnitude ~logit_scale but O(1) gaps between classes."""
    X = rng.standard_normal((n, d))
    W = rng.standard_normal((c, d))
    b = rng.standard_normal(c) if bias else None
    if logit_scale > 1:
        # shift all logits by ~logit_scale through a common input direction: x_0 = 1 column
        X[:, 0] = 1.0
        W[:, 0] = logit_scale + rng.standard_normal(c)
    y = rng.integers(0, c, n)
    return W, X, y, b


def _torch_loss(c, d, X, y, bias):
    Xt = torch.tensor(X)
    yt = torch.tensor(y)

    def f(theta):
        Wb = theta.reshape(c, d + (1 if bias else 0))
        Z = Xt @ Wb[:, :d].T
        if bias:
            Z = Z + Wb[:, d]
        return -torch.log_softmax(Z, dim=1)[torch.arange(len(y)), yt].mean()

    return f


@pytest.mark.parametrize("c,d", [(3, 2), (4, 3)])
@pytest.mark.parametrize("logit_scale", [1.0, 1000.0])
@pytest.mark.parametrize("bias", [False, True])
def test_against_torch_autograd(c, d, logit_scale, bias):
    rng = np.random.default_rng(c * 100 + d + int(bias))
    W, X, y, b = _problem(rng, c, d, 7, logit_scale, bias)
    theta = np.concatenate([W, b[:, None]], axis=1) if bias else W
    f = _torch_loss(c, d, X, y, bias)
    th = torch.tensor(theta.reshape(-1))
    loss_t = float(f(th))
    g_t = torch.func.grad(f)(th).numpy().reshape(theta.shape)
    h_t = torch.func.hessian(f)(th).numpy()
    loss_k = K.loss(W, X, y, b)
    g_k = K.gradient(W, X, y, b)
    h_k = K.hessian(W, X, b)
    assert np.isfinite(loss_k) and np.isfinite(g_k).all() and np.isfinite(h_k).all()
    assert abs(loss_k - loss_t) <= tol.FLOAT64_REL * abs(loss_t) + tol.FLOAT64_ABS
    assert _close(g_k, g_t)
    assert _close(h_k, h_t)
    # blocks and traces agree with the full Hessian
    dd = theta.shape[1]
    for k in range(c):
        for j in range(c):
            blk = h_k[k * dd:(k + 1) * dd, j * dd:(j + 1) * dd]
            assert _close(K.hessian_block(W, X, k, j, b), blk)
    T = K.block_traces(W, X, b)
    Tt = np.array([[np.trace(h_t[k * dd:(k + 1) * dd, j * dd:(j + 1) * dd]) for j in range(c)] for k in range(c)])
    assert _close(T, Tt)


def test_naive_softmax_overflows_where_the_kernel_does_not():
    Z = np.array([[1000.0, 999.0, -1000.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(Z) / np.exp(Z).sum()
    assert np.isnan(naive).any()
    p = K.softmax(Z)
    assert np.isfinite(p).all() and abs(p.sum() - 1) < 1e-15
    assert abs(p[0, 1] - 1 / (1 + math.e)) < 1e-15


def test_dominant_class_keeps_its_deficit_against_mpmath():
    """p_1 = 1 - ~e^-60: 1 - p and p (1 - p) must be right to relative precision."""
    z = [0.0, -60.0, -61.5]
    with mpmath.workdps(60):
        ez = [mpmath.exp(v) for v in z]
        s = sum(ez)
        one_minus = float((ez[1] + ez[2]) / s)
    q = K.one_minus_softmax(np.array([z]))[0, 0]
    assert abs(q - one_minus) <= tol.FLOAT64_REL * one_minus
    # Hessian diagonal weight with x = 1: p (1 - p)
    H = K.hessian_block(np.array([[0.0], [-60.0], [-61.5]]), np.array([[1.0]]), 0, 0)
    assert abs(H[0, 0] - (1 - one_minus) * one_minus) <= tol.FLOAT64_REL * one_minus


def test_million_classes_and_single_sample_gradient():
    """c = 10^6 logits spanning [-1000, 1000]: probabilities finite and summing to 1; the
    per-sample gradient is (p - e_y) x^T."""
    rng = np.random.default_rng(1)
    z = rng.uniform(-1000, 1000, size=(1, 10**6))
    p = K.softmax(z)
    assert np.isfinite(p).all() and abs(math.fsum(p[0]) - 1) < 1e-12
    W = rng.standard_normal((5, 3))
    x = rng.standard_normal(3)
    g = K.per_sample_gradient(W, x, 2)
    pz = K.softmax((W @ x)[None, :])[0]
    pz[2] -= 1
    assert _close(g, np.outer(pz, x))


# --- property-based --------------------------------------------------------------------------

@st.composite
def problems(draw):
    c = draw(st.integers(2, 6))
    d = draw(st.integers(1, 4))
    n = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**31 - 1))
    shift = draw(st.floats(-1000.0, 1000.0))
    spread = draw(st.sampled_from([0.1, 1.0, 10.0, 100.0]))
    bias = draw(st.booleans())
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    W = rng.standard_normal((c, d)) * spread
    b = rng.standard_normal(c) * spread + shift if bias else None
    y = rng.integers(0, c, n)
    return W, X, y, b


@settings(max_examples=40, deadline=None)
@given(problems())
def test_properties(prob):
    W, X, y, b = prob
    c = W.shape[0]
    L = K.per_sample_loss(W, X, y, b)
    assert np.isfinite(L).all() and (L >= 0).all()
    G = K.gradient(W, X, y, b)
    assert np.isfinite(G).all()
    # gradient blocks sum to 0 (sum_k (p_ik - 1[y_i=k]) = 0)
    assert np.abs(G.sum(axis=0)).max() <= tol.FLOAT64_REL * max(1.0, np.abs(G).max()) * c + tol.FLOAT64_ABS
    T = K.block_traces(W, X, b)
    diag = np.diag(T)
    assert (diag >= 0).all() and (T - np.diag(diag) <= 0).all()
    # rows of T sum to 0 (weak diagonal dominance with equality)
    assert np.abs(T.sum(axis=1)).max() <= 4 * tol.FLOAT64_REL * max(diag.max(), 1e-300) + tol.FLOAT64_ABS
    H = K.hessian(W, X, b)
    assert np.allclose(H, H.T, rtol=0, atol=tol.FLOAT64_ABS)
    ev = np.linalg.eigvalsh(H)
    assert ev.min() >= -tol.FLOAT64_REL * max(1.0, ev.max())


@settings(max_examples=25, deadline=None)
@given(problems(), st.floats(-500.0, 500.0))
def test_shift_invariance_and_mpmath_loss(prob, shift):
    """Adding the same constant to every logit (via the bias) leaves the loss unchanged;
    the loss agrees with a 50-digit mpmath evaluation."""
    W, X, y, b = prob
    c = W.shape[0]
    b0 = np.zeros(c) if b is None else b
    L1 = K.per_sample_loss(W, X, y, b0)
    L2 = K.per_sample_loss(W, X, y, b0 + shift)
    Z = X @ W.T + b0
    # float64 rounding of logits of size |z| is eps |z|: the loss cannot be more exact than that
    eps = np.finfo(np.float64).eps
    zmax = float(np.abs(Z).max())
    assert np.allclose(L1, L2, rtol=tol.FLOAT64_REL, atol=8 * eps * (1 + zmax + abs(shift)))
    with mpmath.workdps(tol.MP_DPS):
        for i in range(X.shape[0]):
            zi = [mpmath.mpf(float(v)) for v in Z[i]]
            ref = float(mpmath.log(sum(mpmath.exp(v) for v in zi)) - zi[int(y[i])])
            assert abs(L1[i] - ref) <= tol.FLOAT64_REL * max(1.0, abs(ref)) + 8 * eps * (1 + zmax)


# --- bad input ---------------------------------------------------------------------------------

def test_bad_input_names_the_parameter():
    W = np.zeros((3, 2))
    X = np.ones((4, 2))
    y = np.array([0, 1, 2, 0])
    with pytest.raises(ValueError, match="W: contains NaN"):
        K.loss(np.full((3, 2), np.nan), X, y)
    with pytest.raises(ValueError, match="X: contains NaN"):
        K.gradient(W, np.full((4, 2), np.nan), y)
    with pytest.raises(ValueError, match="X: inputs have 3 features"):
        K.loss(W, np.ones((4, 3)), y)
    with pytest.raises(ValueError, match=r"y: labels must lie in \[0, 2\]"):
        K.loss(W, X, np.array([0, 1, 3, 0]))
    with pytest.raises(ValueError, match="y: labels must lie"):
        K.loss(W, X, np.array([0, -1, 2, 0]))
    with pytest.raises(ValueError, match="y: must be a 1-D array of n = 4"):
        K.loss(W, X, np.array([0, 1]))
    with pytest.raises(ValueError, match="y: labels must be integers"):
        K.loss(W, X, np.array([0.5, 1, 2, 0]))
    with pytest.raises(ValueError, match="b: the bias must have c = 3"):
        K.loss(W, X, y, b=np.zeros(2))
    with pytest.raises(ValueError, match="W: needs c >= 2"):
        K.loss(np.zeros((1, 2)), X, np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="W: must be finite"):
        K.loss(np.full((3, 2), np.inf), X, y)
    with pytest.raises(ValueError, match="k: block index"):
        K.hessian_block(W, X, 3, 0)
    with pytest.raises(ValueError, match="c: the number of classes"):
        K.class_moments(X, y, 1)
    with pytest.raises(ValueError, match="Z: contains NaN"):
        K.log_softmax(np.array([[np.nan, 1.0]]))


def test_class_moments():
    X = np.array([[1.0, 0.0], [3.0, 0.0], [0.0, 2.0]])
    y = np.array([0, 0, 1])
    mo = K.class_moments(X, y, 3)
    assert np.allclose(mo["pi"], [2 / 3, 1 / 3, 0])
    assert np.allclose(mo["xbar_k"][0], [2.0, 0.0]) and np.allclose(mo["tr_Hbar_k"][:2], [5.0, 4.0])
    assert np.isclose(mo["tr_Hbar"], 14 / 3)
