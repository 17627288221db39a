"""The closed forms at the extremes of their documented range (issue 13).

Each float64 closed form is compared with its mpmath reference (``MP_DPS`` = 50 digits, working
precision raised by the digits the printed form cancels) over the whole documented range:
``tau = pi t`` from 0 to 1e300, ``pi`` down to 1e-300, ``c`` from 2 to 1e12. At the ends of the
range, *both* the function and the reference are compared with an independent truncated
expansion derived by hand (not by the library that computes the reference):

* ``W(e^y)`` for large ``y``: ``y - L + L/y + L(L-2)/(2y^2) + L(2L^2-9L+6)/(6y^3)``, ``L = log y``
  (the asymptotic series of the Lambert W function; next term ``O((L/y)^4)``);
* ``W(e^y)`` for very negative ``y``: ``x - x^2 + 3x^3/2``, ``x = e^y`` (Taylor series of ``W``);
* ``u = a - b`` of the gradient flow for small ``s = c pi t``: from ``e^u + z u = 1 + s``,
  ``u = s/c - s^2/(2c^3) + (1/(2c^5) - 1/(6c^4)) s^3 + O(s^4)``;
* ``delta(e^{1+h}) = h/2 - 7h^2/16 + 21h^3/64 + O(h^4)`` near ``x = e`` (from ``e + log1p(e) = h``
  for ``e = W(e^{1+h}) - 1``), and ``delta(e^y) = log y - y + Omega + O(y)`` as ``y -> 0+`` with the
  omega constant ``Omega = W(1)`` computed by the fixed-point iteration ``Omega = e^{-Omega}``.

The regressions the issue names are pinned at the end.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from theorycheck.core import tolerances as tol
from theorycheck.models import flows, lambertw
from theorycheck.sim import reduced

TAUS = [0.0, 1e-300, 1e-200, 1e-100, 1e-30, 1e-15, 1e-5, 0.3, 1.0, 10.0, 1e3, 1e6, 1e15, 1e20, 1e60, 1e100, 1e200,
        1e300]
CS = [2.0, 3.0, 10.0, 1e3, 1e6, 1e12]
PIS = [1.0, 1e-8, 1e-300]
TINY = np.finfo(float).tiny  # below it float64 has no relative precision (subnormals): an absolute floor


@pytest.fixture(autouse=True)
def _precision():
    """The test's own mpmath arithmetic (expansions, differences) at 80 digits."""
    with mp.workdps(80):
        yield


def _rel(got, ref) -> float:
    ref = mp.mpf(ref)
    return float(abs(mp.mpf(got) - ref) / abs(ref)) if ref != 0 else float(abs(mp.mpf(got)))


def _points(pis=PIS, cs=CS, taus=TAUS):
    for c in cs:
        for pi in pis:
            for tau in taus:
                t = tau / pi
                if math.isfinite(t):
                    yield t, pi, c


# --- independent expansions --------------------------------------------------------------------
def omega_large(y):
    """Asymptotic series of W(e^y), y -> inf (next term O((log y / y)^4))."""
    y = mp.mpf(y)
    L = mp.log(y)
    return y - L + L / y + L * (L - 2) / (2 * y**2) + L * (2 * L**2 - 9 * L + 6) / (6 * y**3)


def omega_small(y):
    """Taylor series of W(x) at x = e^y -> 0 (next term O(x^4))."""
    x = mp.exp(mp.mpf(y))
    return x - x**2 + 3 * x**3 / 2


def u_small(tau, c):
    """Root of e^u + z u = 1 + s, s = c tau, for small s (next term O(s^4))."""
    c = mp.mpf(c)
    s = c * tau
    return s / c - s**2 / (2 * c**3) + (1 / (2 * c**5) - 1 / (6 * c**4)) * s**3


def omega_constant():
    """W(1) by the fixed-point iteration Omega = exp(-Omega) (a contraction, rate Omega ~ 0.57)."""
    o = mp.mpf("0.5")
    for _ in range(400):
        o = mp.exp(-o)
    return o


# --- gradient flow --------------------------------------------------------------------------------
@pytest.mark.parametrize("c", CS)
def test_gradient_flow_loss_matches_mpmath_over_the_range(c):
    for t, pi, cc in _points(cs=[c]):
        got = flows.gradient_flow_loss(t, pi, cc)
        with mp.workdps(tol.MP_DPS):
            ref = flows.gradient_flow_loss_mp(t, pi, cc)
        assert math.isfinite(got) and got > 0, (t, pi, cc, got)
        assert _rel(got, ref) <= tol.FLOAT64_REL, (t, pi, cc, got, ref)


@pytest.mark.parametrize("c", CS)
def test_gradient_flow_ab_matches_mpmath_over_the_range(c):
    for t, pi, cc in _points(cs=[c]):
        a, b = flows.gradient_flow_ab(t, pi, cc)
        ra, rb = flows.gradient_flow_ab_mp(t, pi, cc)
        if ra == 0:  # t = 0
            assert a == 0 and b == 0
            continue
        assert _rel(a, ra) <= tol.FLOAT64_REL, (t, pi, cc, a, ra)
        assert _rel(b, rb) <= tol.FLOAT64_REL, (t, pi, cc, b, rb)


def test_sim_reduced_gradient_flow_matches_the_models_and_mpmath():
    for c in (2, 10, 10**6, 10**12):
        for tau in TAUS:
            got = float(reduced.gradient_flow_loss(c, tau))
            ref = reduced.gradient_flow_loss_mp(c, tau)
            assert got == flows.gradient_flow_loss(tau, 1.0, c)
            assert _rel(got, ref) <= tol.FLOAT64_REL, (c, tau, got, ref)


@pytest.mark.parametrize("c", CS)
def test_gradient_flow_ends_against_independent_expansions(c):
    z = mp.mpf(c) - 1
    # large tau: l = log1p(1/omega(y)), omega from its asymptotic series; the omitted term is
    # (L/y)^4 relative to omega, i.e. below 1e-40 for y >= 1e15
    for tau in (1e20, 1e60, 1e100, 1e300):
        with mp.workdps(tol.MP_DPS + 20):
            y = (1 + mp.mpf(c) * mp.mpf(tau)) / z - mp.log(z)
            assert (mp.log(y) / y) ** 4 < mp.mpf("1e-40")
            expansion = mp.log1p(1 / omega_large(y))
        ref = flows.gradient_flow_loss_mp(tau, 1.0, c)
        assert _rel(ref, expansion) <= tol.EXPANSION_MP_REL, (c, tau)
        assert _rel(flows.gradient_flow_loss(tau, 1.0, c), expansion) <= tol.FLOAT64_REL, (c, tau)
    # small tau: u = a - b from its series (omitted term O(s^4) relative s^3 / c^3 < 1e-40 for s <= 1e-15)
    for tau in (1e-300, 1e-100, 1e-30):
        for pi in (1.0, 1e-300):
            t = tau / pi
            with mp.workdps(tol.MP_DPS + 20):
                tau_eff = mp.mpf(pi) * mp.mpf(t)  # the product of the two doubles the functions receive
                assert (mp.mpf(c) * tau_eff) ** 3 < mp.mpf("1e-40")
                u = u_small(tau_eff, c)
                ea, eb = z / c * u, -u / c
                el = mp.log1p(z * mp.exp(-u))
            ra, rb = flows.gradient_flow_ab_mp(t, pi, c)
            assert _rel(ra, ea) <= tol.EXPANSION_MP_REL and _rel(rb, eb) <= tol.EXPANSION_MP_REL, (c, tau, pi)
            a, b = flows.gradient_flow_ab(t, pi, c)
            assert _rel(a, ea) <= tol.FLOAT64_REL and _rel(b, eb) <= tol.FLOAT64_REL, (c, tau, pi, a, ea)
            assert _rel(flows.gradient_flow_loss_mp(t, pi, c), el) <= tol.EXPANSION_MP_REL
            assert _rel(flows.gradient_flow_loss(t, pi, c), el) <= tol.FLOAT64_REL


def test_gradient_flow_vectorized_over_the_whole_grid():
    t = np.array(TAUS)[None, None, :]
    pi = np.array([1.0, 0.5])[None, :, None]
    c = np.array(CS)[:, None, None]
    L = flows.gradient_flow_loss(t, pi, c)
    a, b = flows.gradient_flow_ab(t, pi, c)
    assert L.shape == (len(CS), 2, len(TAUS))
    assert np.isfinite(L).all() and (L > 0).all() and np.isfinite(a).all() and np.isfinite(b).all()
    assert (np.diff(L, axis=-1) <= 0).all()  # the loss decreases in t
    assert (np.diff(a, axis=-1) >= 0).all()


def test_gradient_flow_beyond_1e300_stays_finite():
    # pi t up to the largest double: y overflows; the loss is (z/c)/(pi t) to float precision
    for t in (1e305, 1e308, np.finfo(float).max):
        for c in (2.0, 1e12):
            got = flows.gradient_flow_loss(t, 1.0, c)
            assert math.isfinite(got) and 0 < got <= 1e-304
            assert abs(got - (c - 1) / c / t) <= tol.FLOAT64_REL * got + TINY
            a, b = flows.gradient_flow_ab(t, 1.0, c)
            assert math.isfinite(a) and math.isfinite(b)


# --- sign flow ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("c", CS)
def test_sign_flow_loss_matches_mpmath_and_its_expansions(c):
    for t in [0.0, 1e-300, 1e-30, 1e-5, 0.5, 3.0, 30.0, 300.0, 360.0, 400.0, 1e5, 1e300]:
        got = flows.sign_flow_loss(t, c)
        ref = flows.sign_flow_loss_mp(t, c)
        assert math.isfinite(got) and got >= 0
        assert abs(mp.mpf(got) - ref) <= tol.FLOAT64_REL * ref + TINY, (t, c, got, ref)
    z = mp.mpf(c) - 1
    for t in (400.0, 1e5):  # large t: l = x - x^2/2 + x^3/3, x = z e^{-2t} (omitted x^4 relative x^3)
        x = z * mp.exp(-2 * mp.mpf(t))
        assert _rel(flows.sign_flow_loss_mp(t, c), x - x**2 / 2 + x**3 / 3) <= tol.EXPANSION_MP_REL
    for t in (1e-300, 1e-30):  # small t: l = log c - 2 t z/c + 2 t^2 z/c^2 (omitted O(t^3))
        T = mp.mpf(t)
        e = mp.log(mp.mpf(c)) - 2 * T * z / c + 2 * T**2 * z / mp.mpf(c) ** 2
        assert _rel(flows.sign_flow_loss_mp(t, c), e) <= tol.EXPANSION_MP_REL
        assert _rel(flows.sign_flow_loss(t, c), e) <= tol.FLOAT64_REL


def test_half_loss_times_over_the_range():
    for c in CS:
        for pi in (1.0, 1e-8, 1e-300):
            th = flows.gf_half_loss_time(pi, c)
            with mp.workdps(tol.MP_DPS):
                C, P = mp.mpf(c), mp.mpf(pi)
                ref = ((C - 1) * mp.log1p(mp.sqrt(C)) + mp.sqrt(C)) / (C * P)
            assert _rel(th, ref) <= tol.FLOAT64_REL
            half = flows.gradient_flow_loss_mp(th, pi, c)
            assert _rel(half, mp.log(c) / 2) <= tol.FLOAT64_REL  # the loss is half its start there
    with pytest.raises(ValueError, match="pi"):
        flows.gf_half_loss_time(1e-308, 1e12)  # the time itself exceeds float64


# --- Lambert W kernels ---------------------------------------------------------------------------
def test_wright_omega_over_the_range_and_its_ends():
    for y in [-745.0, -700.0, -100.0, -1.0, 0.0, 1.0, 10.0, 1e3, 1e15, 1e100, 1e300]:
        got = float(lambertw.wright_omega(y))
        ref = lambertw.wright_omega_mp(y)
        assert abs(mp.mpf(got) - ref) <= tol.FLOAT64_REL * ref + TINY, (y, got, ref)
    for y in (1e20, 1e100, 1e300):
        e = omega_large(y)
        assert _rel(lambertw.wright_omega_mp(y), e) <= tol.EXPANSION_MP_REL
        assert _rel(lambertw.wright_omega(y), e) <= tol.FLOAT64_REL
    for y in (-100.0, -700.0):  # x = e^y: omitted term x^4 relative to x is below e^-300
        e = omega_small(y)
        assert _rel(lambertw.wright_omega_mp(y), e) <= tol.EXPANSION_MP_REL
        assert _rel(lambertw.wright_omega(y), e) <= tol.FLOAT64_REL


HH08_YS = [1e-300, 1e-10, 0.3, 0.5, 0.9, 1 - 1e-10, 1.0, 1 + 1e-10, 1.5, 2.0, 10.0, 1e5, 1e15, 1e100, 1e300]


def test_hh08_delta_over_the_whole_range():
    for y in HH08_YS:
        got = float(lambertw.hh08_delta(y))
        ref = lambertw.hh08_delta_mp(y)
        assert math.isfinite(got), y
        if ref == 0:
            assert got == 0
        else:
            assert _rel(got, ref) <= tol.FLOAT64_REL, (y, got, ref)
    v = lambertw.hh08_delta(np.array(HH08_YS))
    assert np.isfinite(v).all()


def test_hh08_delta_ends_against_independent_expansions():
    for h in ("1e-20", "-1e-20"):  # near x = e: omitted term O(h^4), relative h^3 = 1e-60
        h = mp.mpf(h)
        e = h / 2 - 7 * h**2 / 16 + 21 * h**3 / 64
        y = 1 + h
        with mp.workdps(80):
            assert _rel(lambertw.hh08_delta_mp(y), e) <= tol.EXPANSION_MP_REL
    for h in (1e-10, -1e-10):  # in float64, y - 1 = h exactly (Sterbenz), and the series error is 5e-31
        e = mp.mpf(h) / 2 - 7 * mp.mpf(h) ** 2 / 16 + 21 * mp.mpf(h) ** 3 / 64
        yf = 1.0 + h
        ef = e + (mp.mpf(yf) - 1 - mp.mpf(h)) / 2  # the float y is 1 + h up to one ulp of 1
        assert _rel(lambertw.hh08_delta(yf), ef) <= tol.FLOAT64_REL
    om = omega_constant()
    for y in ("1e-300", "1e-100"):  # y -> 0+: delta = log y - y + omega(y), omega(y) = Omega + O(y)
        Y = mp.mpf(y)
        e = mp.log(Y) - Y + om
        assert _rel(lambertw.hh08_delta_mp(Y), e) <= tol.EXPANSION_MP_REL
        assert _rel(lambertw.hh08_delta(float(Y)), e) <= tol.FLOAT64_REL
    for y in (1e100, 1e300):  # large y: delta = log1p(log(w)/w), w from the series
        with mp.workdps(80):
            w = omega_large(y)
            e = mp.log1p(mp.log(w) / w)
        assert _rel(lambertw.hh08_delta_mp(y), e) <= tol.EXPANSION_MP_REL
        assert _rel(lambertw.hh08_delta(y), e) <= tol.FLOAT64_REL


def test_hh08_normalized_over_the_range_and_at_e():
    for y in HH08_YS:
        got = float(lambertw.hh08_normalized(y))
        ref = lambertw.hh08_normalized_mp(y)
        assert _rel(got, ref) <= tol.FLOAT64_REL, (y, got, ref)
    assert lambertw.hh08_normalized(1.0) == 0.5 and lambertw.hh08_normalized_mp(1) == mp.mpf(1) / 2


# --- the regressions of the issue ------------------------------------------------------------------
def test_sim_reduced_gradient_flow_regressions():
    # before: 4.6% off at tau = 1e15 and log c from tau = 1e20 on; the mp reference gave log c at 1e60
    for tau in (1e15, 1e20, 1e60, 1e300):
        got = float(reduced.gradient_flow_loss(10, tau))
        assert abs(got * tau - 0.9) < 1e-9  # l ~ (c-1)/(c tau)
        assert abs(reduced.gradient_flow_loss_mp(10, tau) * tau - 0.9) < 1e-9


def test_gradient_flow_ab_small_pi_t_regression():
    # before: 33% off at pi = 1e-15 (t = 1): log z + log omega cancelled
    a, b = flows.gradient_flow_ab(1.0, 1e-15, 10.0)
    ra, rb = flows.gradient_flow_ab_mp(1.0, 1e-15, 10.0)
    assert _rel(a, ra) <= tol.FLOAT64_REL and _rel(b, rb) <= tol.FLOAT64_REL


def test_sign_flow_rare_classes_regression():
    from theorycheck.models.signflow import sign_flow_simple_setting

    # before: 0.2814 against the exact 0.2395 at pi = 2e-9, LinAlgError below 1e-9
    exact = flows.sign_flow_loss(1.0, 3)
    for e in (2e-9, 1e-10, 1e-300):
        pi = np.array([0.7 - e, 0.3, e])
        _, loss, _ = sign_flow_simple_setting(np.array([0.0, 0.5, 1.0]), pi)
        assert np.allclose(loss[:, -1], exact, rtol=tol.FLOAT64_REL)


def test_hh08_delta_lower_end_regression():
    # before: NaN for valid y near 0 (log1p(log(w)/w) reached log1p(-1))
    y = np.array([1e-300, 1e-200, 1e-17, 1e-10])
    assert np.isfinite(lambertw.hh08_delta(y)).all()


@pytest.mark.parametrize("rtol, atol", [(float("nan"), 1e-12), (1e-10, 0.0), (1e-10, float("nan")), (0.0, 1e-12),
                                        (1.5, 1e-12), (1e-10, -1.0)])
def test_ode_tolerances_are_checked(rtol, atol):
    # before: a NaN rtol or atol = 0 hung forever
    name = "rtol" if not (0 < rtol < 1) else "atol"
    with pytest.raises(ValueError, match=name):
        flows.solve_reduced_gradient_flow([0.0, 1.0], 0.5, 3.0, rtol=rtol, atol=atol)
    with pytest.raises(ValueError, match=name):
        flows.solve_full_gradient_flow([0.0, 1.0], [0.5, 0.5], rtol=rtol, atol=atol)


@pytest.mark.parametrize("fn, args", [(flows.gradient_flow_loss_mp, (1.0, 0.5, 3.0)), (flows.sign_flow_loss_mp, (1.0, 3.0)),
                                      (lambertw.wright_omega_mp, (1.0,)), (lambertw.hh08_delta_mp, (2.0,)),
                                      (reduced.gradient_flow_loss_mp, (3, 1.0))])
def test_dps_is_checked(fn, args):
    # before: dps = 0 was accepted and gave one digit
    for dps in (0, 5, 1.5, float("nan"), 10**6):
        with pytest.raises(ValueError, match="dps"):
            fn(*args, dps=dps)


def test_sign_flow_over_the_smallest_positive_time():
    # before: ZeroDivisionError (the default max_step t_end / 64 underflowed to 0 at t_end = 5e-324)
    from theorycheck.models.signflow import integrate_sign_flow

    path = integrate_sign_flow(lambda w: 2 * (w - 1.0), lambda w: 2 * np.eye(w.size), np.zeros(3), 5e-324)
    assert np.isfinite(path(np.array([0.0, 5e-324]))).all()


def test_smoothness_problem_refuses_rows_whose_square_overflows():
    # before: X = 1e300 was accepted and smoothness_along_path failed inside the Hessian-vector
    # product with a ValueError naming "hv", which is not a parameter of the call
    from theorycheck.models import smoothness as sm

    X, y = np.full((4, 2), 1e300), np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"^X: .*overflows"):
        sm.problem(X, y, 2, device="cpu")
    with pytest.raises(ValueError, match=r"^X: "):
        sm.smoothness_along_path([np.zeros((2, 3))], X, y, 2, device="cpu")
    assert sm.problem(np.full((4, 2), 1e150), y, 2, device="cpu").n == 4  # large but representable: accepted
