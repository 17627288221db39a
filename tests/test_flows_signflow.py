"""theorycheck.models.signflow: event-driven sign flow (switches, sliding) against exact solutions and
discrete sign descent."""

import numpy as np
import pytest

from theorycheck.core import tolerances as tol
from theorycheck.models import flows, signflow


def _quad(A, m):
    A, m = np.asarray(A, float), np.asarray(m, float)
    return (lambda w: A @ (w - m)), (lambda w: A)


def test_diagonal_quadratic_exact():
    # f = sum_i d_i (w_i - m_i)^2 / 2: each coordinate runs at unit speed to m_i, then slides
    d, m = np.array([1.0, 3.0, 0.5]), np.array([1.0, -2.0, 0.3])
    g, H = _quad(np.diag(d), m)
    path = signflow.integrate_sign_flow(g, H, np.zeros(3), 5.0)
    ts = np.linspace(0, 5, 101)
    exact = m + np.sign(-m) * np.maximum(np.abs(m) - ts[:, None], 0)
    assert np.max(np.abs(path(ts) - exact)) < 1e-12
    kinds = [(e["index"], e["kind"]) for e in path.events]
    assert (2, "slide") in kinds and (0, "slide") in kinds and (1, "slide") in kinds
    assert path.events[-1]["kind"] == "stationary"


def test_coupled_quadratic_sliding_vs_discrete():
    g, H = _quad([[2.0, 1.5], [1.5, 2.0]], [1.0, -0.5])
    path = signflow.integrate_sign_flow(g, H, np.zeros(2), 3.0)
    # first event: g_1 = 3.5 t - 0.5 hits 0 at t = 1/7 and coordinate 1 slides
    assert abs(path.events[0]["t"] - 1 / 7) < 1e-12 and path.events[0]["kind"] == "slide"
    assert any(len(s.sliding) == 1 and not s.linear for s in path.segments)
    h = 1e-3
    D = signflow.sign_descent(g, np.zeros(2), h, 3000)
    assert np.max(np.abs(path(np.arange(3001) * h) - D)) <= tol.SIGNFLOW_DISCRETE_GAP_STEPS * h
    assert np.allclose(path(3.0)[0], [1.0, -0.5], atol=1e-9)


def test_crossing_is_not_sliding():
    # |H_10 v_0| > H_11: coordinate 1's gradient crosses zero and its velocity flips
    g, H = _quad([[4.0, 1.5], [1.5, 1.0]], [1.0, 0.2])
    path = signflow.integrate_sign_flow(g, H, np.zeros(2), 3.0)
    assert path.events[0]["kind"] == "cross" and path.events[0]["index"] == 1
    assert path.segments[1].velocity.tolist() == [1.0, -1.0]
    for h in (4e-3, 1e-3):  # O(h) agreement with a fixed constant
        n = int(round(3.0 / h))
        D = signflow.sign_descent(g, np.zeros(2), h, n)
        assert np.max(np.abs(path(np.arange(n + 1) * h) - D)) <= tol.SIGNFLOW_DISCRETE_GAP_STEPS * h


def test_softmax_regression_vs_discrete():
    # a generic softmax problem (non-orthogonal inputs) has switches and sliding modes
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 2))
    y = np.array([0, 1, 2, 0, 1, 2])
    Y = np.eye(3)[y]

    def grad(wf):
        W = wf.reshape(3, 2)
        Z = X @ W.T
        P = np.exp(Z - Z.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        return ((P - Y).T @ X / 6).ravel() + 0.05 * wf  # small ridge: a minimiser exists

    def hess(wf):
        W = wf.reshape(3, 2)
        Z = X @ W.T
        P = np.exp(Z - Z.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        Hm = np.zeros((6, 6))
        for i in range(6):
            S = np.diag(P[i]) - np.outer(P[i], P[i])
            Hm += np.kron(S, np.outer(X[i], X[i])) / 6
        return Hm + 0.05 * np.eye(6)

    T, h = 4.0, 1e-3
    path = signflow.integrate_sign_flow(grad, hess, np.zeros(6), T)
    assert len(path.events) > 0
    D = signflow.sign_descent(grad, np.zeros(6), h, int(T / h))
    gap = np.max(np.abs(path(np.arange(int(T / h) + 1) * h) - D))
    print("softmax gap / h", gap / h)
    assert gap <= tol.SIGNFLOW_DISCRETE_GAP_STEPS * h


@pytest.mark.parametrize("c", [2, 5, 16])
def test_simple_setting_a_t_b_minus_t(c):
    pi = flows_pi = np.arange(c, 0, -1.0)
    pi = flows_pi / flows_pi.sum()
    t = np.linspace(0, 4, 9)
    W, loss, path = signflow.sign_flow_simple_setting(t, pi)
    assert path.events == []
    expected = t[:, None, None] * (2 * np.eye(c) - 1)[None]
    assert np.max(np.abs(W - expected)) < 1e-12
    assert np.allclose(loss, flows.sign_flow_loss(t[None, :], c), rtol=1e-12)


def test_simple_setting_vs_discrete_sign_descent():
    pi = np.array([0.5, 0.3, 0.2])
    g, _ = signflow.simple_setting_problem(pi)
    D = signflow.sign_descent(g, np.zeros(9), 1e-2, 200)
    W, _, _ = signflow.sign_flow_simple_setting(np.arange(201) * 1e-2, pi)
    assert np.max(np.abs(W.reshape(201, -1) - D)) < 1e-12


def test_bad_input():
    g, H = _quad(np.eye(2), [1.0, 1.0])
    with pytest.raises(ValueError, match="^t_end:"):
        signflow.integrate_sign_flow(g, H, np.zeros(2), -1.0)
    with pytest.raises(ValueError, match="^step:"):
        signflow.sign_descent(g, np.zeros(2), 0.0, 10)
    with pytest.raises(ValueError, match="^pi:"):
        signflow.sign_flow_simple_setting([1.0], np.array([0.7, 0.7]))


def test_extreme_horizons_and_the_event_guard_give_finite_answers_or_named_errors():
    """Regressions (issue 13): a subnormal t_end made the default max_step t_end / 64 underflow to 0
    (ZeroDivisionError); the Zeno guard raised RuntimeError instead of a ValueError naming max_events."""
    g, H = _quad(np.diag([1.0, 2.0]), [1.0, 2.0])
    for t_end in (5e-324, 1e-310, 1e-300):
        path = signflow.integrate_sign_flow(g, H, np.zeros(2), t_end)
        assert np.all(np.isfinite(path(np.array([0.0, t_end]))))
    with pytest.raises(ValueError, match="max_events"):
        signflow.integrate_sign_flow(g, H, np.zeros(2), 5.0, max_events=0)
