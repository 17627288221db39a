"""theorycheck.models.flows and theorycheck.models.lambertw: closed forms, routes, extremes, bad input."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theorycheck.core import tolerances as tol
from theorycheck.models import flows, lambertw

# --- Lambert W kernels -------------------------------------------------------------------


@pytest.mark.parametrize("y", [-700.0, -40.0, -20.7, -1.0, 0.0, 1.0, 5.0, 690.0, 1e5, 1e15, 1e300])
def test_wright_omega_matches_mpmath(y):
    ref = lambertw.wright_omega_mp(y)
    got = float(lambertw.wright_omega(y))
    assert abs(got - ref) <= tol.FLOAT64_REL * abs(ref)


def test_lambertw_exp_scaled_no_overflow():
    # (1/z) exp(f/z) with f/z = 1e15 would overflow as a float; the result is finite
    f, z = 1e18, 1e3
    got = float(lambertw.lambertw_exp_scaled(f, z))
    ref = lambertw.lambertw_exp_scaled_mp(f, z)
    assert math.isfinite(got) and abs(got - ref) <= tol.FLOAT64_REL * ref


@pytest.mark.parametrize("y", [1.001, 1.5, 23.15, 690.0, 1e8, 1e15])
def test_hh08_delta_float_vs_mp(y):
    assert abs(float(lambertw.hh08_delta(y)) - float(lambertw.hh08_delta_mp(y))) <= 1e-9 * abs(
        float(lambertw.hh08_delta_mp(y)))


def test_hh08_normalized_limits():
    assert abs(lambertw.hh08_normalized_mp("1.00000000000000000001") - 0.5) < 1e-15
    assert abs(lambertw.hh08_normalized_mp("1e100") - 1) < 1e-90


# --- gradient flow closed form ---------------------------------------------------------------


def test_initial_loss_is_log_c():
    c = np.array([2.0, 10.0, 1e6, 1e9])
    assert np.allclose(flows.gradient_flow_loss(0.0, 0.3, c), np.log(c), rtol=1e-14)
    assert np.allclose(flows.sign_flow_loss(0.0, c), np.log(c), rtol=1e-14)


def test_broadcasting_shapes():
    t = np.linspace(0, 10, 7)[:, None, None]
    pi = np.array([1.0, 0.1])[None, :, None]
    c = np.array([2.0, 5.0, 100.0])[None, None, :]
    assert flows.gradient_flow_loss(t, pi, c).shape == (7, 2, 3)
    assert flows.sign_flow_loss(t, c).shape == (7, 1, 3)
    assert isinstance(flows.gradient_flow_loss(1.0, 0.5, 3), float)


def test_loss_depends_on_pi_t_only():
    # l depends on (c, pi t): the curves collapse when plotted against pi t
    s = np.geomspace(1e-3, 1e6, 50)
    for c in (3.0, 1000.0):
        l1 = flows.gradient_flow_loss(s / 0.5, 0.5, c)
        l2 = flows.gradient_flow_loss(s / 1e-6, 1e-6, c)
        assert np.allclose(l1, l2, rtol=1e-12)


def test_closed_form_matches_printed_form_in_mpmath():
    # log1p(1/W) (our form) against log(1 + z exp(c b)) with lemma 5's b (printed form), in mpmath
    for t, pi, c in [(0.0, 1.0, 2.0), (3.0, 0.2, 7.0), (1e6, 1e-3, 1e3), (1e12, 1e-12, 1e6)]:
        with mpmath.workdps(60):
            z = mpmath.mpf(c) - 1
            f = 1 + c * mpmath.mpf(pi) * t
            w = mpmath.lambertw(mpmath.exp(f / z) / z).real
            ours = mpmath.log1p(1 / w)
        assert abs(ours - flows.gradient_flow_loss_mp(t, pi, c)) <= mpmath.mpf(10) ** -40 * ours


def test_ab_closed_form():
    t, pi, c = 7.0, 0.3, 5.0
    a, b = flows.gradient_flow_ab(t, pi, c)
    assert abs(a + (c - 1) * b) < 1e-14  # a = -(c-1) b
    loss = math.log1p((c - 1) * math.exp(b - a))
    assert abs(loss - flows.gradient_flow_loss(t, pi, c)) < 1e-14


def test_asymptotics():
    t = 1e12
    for c in (2.0, 1e3):
        assert abs(flows.gradient_flow_loss(t, 0.5, c) / flows.gf_asymptote(t, 0.5, c) - 1) < 1e-9
    assert abs(flows.sign_flow_loss(20.0, 10.0) / flows.sf_asymptote(20.0, 10.0) - 1) < 1e-15


def test_half_loss_times():
    for c in (2.0, 37.0, 1e6):
        for pi in (1.0, 1e-4):
            th = flows.gf_half_loss_time(pi, c)
            assert abs(flows.gradient_flow_loss(th, pi, c) - 0.5 * math.log(c)) < 1e-12 * math.log(c)
        ts = flows.sf_half_loss_time(c)
        assert abs(flows.sign_flow_loss(ts, c) - 0.5 * math.log(c)) < 1e-12 * math.log(c)


@settings(max_examples=60, deadline=None)
@given(
    lc=st.floats(math.log10(2.0), 9.0),
    lp=st.floats(-15.0, 0.0),
    lt=st.one_of(st.just(None), st.floats(-12.0, 15.0)),
)
def test_extremes_agree_with_mpmath(lc, lp, lt):
    c, pi = max(10.0**lc, 2.0), min(10.0**lp, 1.0)
    t = 0.0 if lt is None else 10.0**lt
    got = flows.gradient_flow_loss(t, pi, c)
    ref = flows.gradient_flow_loss_mp(t, pi, c)
    assert math.isfinite(got)
    assert abs(got - ref) <= tol.FLOAT64_REL * ref
    gs = flows.sign_flow_loss(t, c)
    rs = flows.sign_flow_loss_mp(t, c)
    assert math.isfinite(gs)
    if rs > 1e-300:
        assert abs(gs - rs) <= tol.FLOAT64_REL * rs


def test_extreme_grid_vectorized():
    c = np.array([2.0, 3.0, 1e3, 1e6, 1e9])[:, None, None]
    pi = np.array([1e-15, 1e-6, 1.0])[None, :, None]
    t = np.array([0.0, 1e-9, 1.0, 1e6, 1e15])[None, None, :]
    L = flows.gradient_flow_loss(t, pi, c)
    assert np.isfinite(L).all() and (L > 0).all()
    S = flows.sign_flow_loss(t, c)
    assert np.isfinite(S).all() and (S >= 0).all()


# --- three routes ------------------------------------------------------------------------


def test_three_routes_agree():
    pi = np.array([0.5, 0.3, 0.15, 0.05])
    t = np.array([0.0, 0.5, 3.0, 100.0, 1e4])
    _, lfull = flows.solve_full_gradient_flow(t, pi)
    a, b, lred = flows.solve_reduced_gradient_flow(t, pi, 4)
    lc = flows.gradient_flow_loss(t[None, :], pi[:, None], 4)
    assert np.max(np.abs(lfull - lc) / lc) < tol.ODE_AGREE_REL
    assert np.max(np.abs(lred - lc) / lc) < tol.ODE_AGREE_REL
    assert np.max(np.abs(a + 3 * b)) < 1e-8


def test_full_flow_columns_have_equal_offdiagonals():
    pi = np.array([0.6, 0.25, 0.1, 0.05])
    W, _ = flows.solve_full_gradient_flow([0.0, 5.0, 50.0], pi)
    for Wt in W:
        for k in range(4):
            off = np.delete(Wt[:, k], k)
            assert np.ptp(off) < 1e-9


def test_full_flow_rejects_large_c():
    with pytest.raises(ValueError, match="pi"):
        flows.solve_full_gradient_flow([1.0], np.full(65, 1 / 65))


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,name",
    [
        ((-1.0, 0.5, 3), "t"),
        ((float("nan"), 0.5, 3), "t"),
        ((1.0, 0.0, 3), "pi"),
        ((1.0, 1.5, 3), "pi"),
        ((1.0, float("nan"), 3), "pi"),
        ((1.0, 0.5, 1.5), "c"),
        ((1.0, 0.5, float("nan")), "c"),
        ((np.array([1.0, -2.0]), 0.5, 3), "t"),
    ],
)
def test_bad_input_gradient_flow(args, name):
    with pytest.raises(ValueError, match=rf"^{name}:"):
        flows.gradient_flow_loss(*args)


@pytest.mark.parametrize("args,name", [((-1.0, 3), "t"), ((1.0, 1.0), "c"), ((float("nan"), 3), "t"),
                                       ((1.0, float("nan")), "c")])
def test_bad_input_sign_flow(args, name):
    with pytest.raises(ValueError, match=rf"^{name}:"):
        flows.sign_flow_loss(*args)


def test_bad_input_mp_and_half_times():
    with pytest.raises(ValueError, match="^c:"):
        flows.gradient_flow_loss_mp(1.0, 0.5, 1.0)
    with pytest.raises(ValueError, match="^pi:"):
        flows.gf_half_loss_time(0.0, 3)
    with pytest.raises(ValueError, match="^c:"):
        flows.sf_half_loss_time(1.9)


@pytest.mark.parametrize("fn", [flows.loss_gradient, flows.loss_hessian_diag_blocks])
def test_full_problem_derivatives_reject_non_probability_pi(fn):
    W = np.zeros((3, 3))
    with pytest.raises(ValueError, match="pi"):
        fn(W, [0.5, 0.6, -0.1])  # sums to 1 but has a negative entry
    with pytest.raises(ValueError, match="pi"):
        fn(W, [0.5, 0.6, 0.1])  # does not sum to 1
    with pytest.raises(ValueError, match="W"):
        fn(np.zeros((2, 2)), [0.5, 0.3, 0.2])
    with pytest.raises(ValueError, match="W"):
        fn(np.full((3, 3), np.nan), [0.5, 0.3, 0.2])
    assert np.isfinite(fn(W, [0.5, 0.3, 0.2])).all()


def test_lambertw_kernels_reject_bad_input():
    with pytest.raises(ValueError, match="z"):
        lambertw.lambertw_exp_scaled(1.0, 0.0)  # used to warn divide-by-zero
    with pytest.raises(ValueError, match="z"):
        lambertw.lambertw_exp_scaled(1.0, -2.0)
    with pytest.raises(ValueError, match="f"):
        lambertw.lambertw_exp_scaled(float("nan"), 1.0)
    with pytest.raises(ValueError, match="y"):
        lambertw.wright_omega(float("nan"))  # used to return NaN
    with pytest.raises(ValueError, match="y"):
        lambertw.wright_omega([1.0, float("inf")])
    with pytest.raises(ValueError, match="y"):
        lambertw.hh08_delta(float("nan"))
    with pytest.raises(ValueError, match="y"):
        lambertw.hh08_delta(0.0)
