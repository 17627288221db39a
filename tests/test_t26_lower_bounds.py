"""T26.thm2 / T26.thm3: the hard instances, their exact and Monte Carlo values, the upper-bound test."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from theorycheck.claims.t26 import lower_bounds as L
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import get
from theorycheck.core.result import Verdict
from theorycheck.models import lower_bounds as lb
from theorycheck.models import separable as s


def test_two_point_noise_has_mean_zero_and_variance_s2():
    for q in (0.5, 0.1, 1e-3):
        a, b = lb.two_point_noise(2.0, q)
        assert abs(q * a - (1 - q) * b) < 1e-12
        assert abs(q * a * a + (1 - q) * b * b - 4.0) < 1e-9
    with pytest.raises(ValueError, match="q:"):
        lb.two_point_noise(1.0, 1.0)
    with pytest.raises(ValueError, match="s:"):
        lb.two_point_noise(-1.0, 0.5)


def test_sgd_instance_respects_the_smoothness_budget():
    g = lb.sgd_instance(10, 0.05, L=1.0, Delta=2.0, s=1.0)
    assert sum(c * Li for c, Li, _, _ in g) <= 1.0 + 1e-12
    assert abs(sum(c * Li * x0 ** 2 / 2 for c, Li, x0, _ in g) - 2.0) < 1e-12
    with pytest.raises(ValueError, match="lam"):
        lb.sgd_instance(10, 0.1, L=1.0)
    with pytest.raises(ValueError, match="noise"):
        lb.sgd_instance(10, 0.01, noise="heavy")


def test_sgd_value_is_exact_against_monte_carlo():
    g = lb.sgd_instance(4, 0.05, L=1.0, Delta=1.0, s=1.0, noise="dense")
    eta, T = 0.3, 40
    exact = lb.sgd_value(g, eta, T)
    Ls = np.array([Li for c, Li, _, _ in g for _ in range(c)])
    x0 = np.array([x for c, _, x, _ in g for _ in range(c)])
    sig = np.array([sg for c, _, _, sg in g for _ in range(c)])
    r = s.run("sgd", Ls, x0, np.full(4000, eta), T, sigma=sig, seed=3)
    mc, se = r["avg_grad_l1"].mean(), r["avg_grad_l1"].std(ddof=1) / math.sqrt(4000)
    assert abs(mc - exact) < 4 * se
    assert lb.sgd_value(g, 4.5, T) == math.inf  # beyond 2/L_s = 4


def test_signsgd_values_noise_free_match_the_reference_runner():
    etas = np.array([0.05, 0.2])
    v = lb.signsgd_values([0.5], 0.0, 30, etas, [1], L=2.0, Delta=1.0)
    r = s.run("signsgd", [2.0], [1.0], etas, 30)  # x0 = sqrt(2 Delta / L) = 1
    assert np.allclose(v[0, 0], r["avg_grad_l1"], rtol=1e-12)


def test_signsgd_sign_probabilities_against_direct_sampling():
    """The exact binomial sign probabilities against a direct simulation drawing the noise itself."""
    q, s_, B, T, eta = 0.2, 1.5, 3, 25, 0.05
    v = lb.signsgd_values([q], s_, B * T, [eta], [B], paths=4000, seed=1)[0, 0, 0]
    rng = np.random.default_rng(5)
    a, b = lb.two_point_noise(s_, q)
    x = np.full(4000, math.sqrt(2.0))
    acc = np.zeros(4000)
    for _ in range(T):
        acc += np.abs(x)
        noise = np.where(rng.random((4000, B)) < q, a, -b).mean(1)
        x = x - eta * np.sign(x + noise)
    ref = acc / T
    assert abs(v - ref.mean()) < 4 * ref.std(ddof=1) / math.sqrt(4000) * math.sqrt(2)


def test_exceeds_detects_terms_above_the_upper_bound():
    params = L.PARAMS["sgd"]
    ub = [L.exponents(u, params) for u in L.upper_bound("sgd")]
    ok = [L.exponents(t, params) for t in L.printed_thm3()["terms"]]
    assert not any(lb.exceeds(e, ub, "T", params, ("d",), ("sigma_2",))["exceeds"] for e in ok)
    too_big = {**ok[0], "d": 1.0}
    r = lb.exceeds(too_big, ub, "T", params, ("d",), ("sigma_2",))
    assert r["exceeds"] and r["scenario"] == "sigma_2 = 0" and r["direction"].get("d", 0) > 0
    slow = {**ok[1], "T": -0.125}
    assert lb.exceeds(slow, ub, "T", params, ("d",), ("sigma_2",))["direction"] == {"T": "+inf"}


def test_exponents_reject_non_monomials():
    S = L._syms()
    with pytest.raises(ValueError, match="monomial"):
        L.exponents(S["N"] + S["Delta"], ("N", "Delta"))


def test_wrong_term_is_corrected_and_the_correction_names_it():
    sp = L._sp()
    S = L._syms()
    p = L.printed_thm2()
    bad = {**p, "terms": [p["terms"][0], (S["sigma_1"] ** 4 * S["L_inf"] * S["Delta"] / S["N"]) ** sp.Rational(1, 4)]}
    r = get("T26.thm2").run("quick", printed=bad).result
    assert r.verdict is Verdict.CORRECTED
    assert "sigma_1" in r.correction and "too large" in r.correction
    assert "transcription" in r.finding  # seed-abstract note


def test_scaling_symmetry_of_the_sgd_lower_bound():
    m = L.measure("sgd", "quick")
    sc = m["scaling"]
    assert abs(sc["scaled/6"] - sc["base"]) <= 1e-9 * sc["base"]


# --- the closed forms at the ends of their documented range (issue 13), against 50-digit mpmath --------
TINY = np.finfo(float).tiny  # below it float64 has no relative precision (subnormals): an absolute floor


def _close(got, ref) -> bool:
    return math.isfinite(got) and abs(mp.mpf(got) - ref) <= tol.FLOAT64_REL * abs(ref) + TINY


def test_two_point_noise_over_its_range_matches_mpmath():
    """Subnormal q (where (1-q)/q overflows), q next to 1, s from subnormal to 1e300; beyond float64
    the large draw is a ValueError naming s and q, never inf."""
    with mp.workdps(tol.MP_DPS):
        for q in (5e-324, 1e-310, 1e-300, 1e-100, 1e-16, 0.2, 0.5, 1 - 1e-16, 1 - 2.0**-53):
            for s_ in (0.0, 5e-324, 1e-300, 1.0, 1e100, 1e300, 1.7e308):
                Q, S = mp.mpf(q), mp.mpf(s_)
                ref_a, ref_b = S * mp.sqrt((1 - Q) / Q), S * mp.sqrt(Q / (1 - Q))
                if max(ref_a, ref_b) > np.finfo(float).max:
                    with pytest.raises(ValueError, match="s, q:"):
                        lb.two_point_noise(s_, q)
                    continue
                a, b = lb.two_point_noise(s_, q)
                assert _close(a, ref_a) and _close(b, ref_b), (s_, q, a, b)


def test_sgd_value_with_a_step_below_float64_resolution_is_a_slow_contraction():
    """Regression: with eta L <= 2^-54, 1 - eta L rounds to 1 and the value was inf (read as a
    divergence); it is (1/T) sum_{t<T} L |x0| |1 - e|^t = L |x0| (1 - |1 - e|^T)/(T (1 - |1 - e|)),
    e = eta L."""
    with mp.workdps(tol.MP_DPS):
        for T in (1, 1000, 2**18):
            for e in (5e-324, 1e-300, 1e-20, 2.0**-54, 2.0**-53, 1e-12, 1e-3, 0.5, 1.0, 1.5):
                v = lb.sgd_value([(1, 1.0, 2.0, 0.0)], e, T)
                E = mp.mpf(e)  # |x_t| = |x0| |1 - E|^t; for E < 1 through log1p (exact at tiny E)
                ref = 2 * -mp.expm1(T * mp.log1p(-E)) / (T * E) if E < 1 else 2 * (1 - (E - 1) ** T) / (T * (2 - E))
                assert _close(v, ref), (T, e, v)
    assert lb.sgd_value([(1, 1.0, 2.0, 0.0)], 2.0, 10) == math.inf  # eta L = 2: documented divergence
    assert lb.sgd_value([(1, 1.0, 0.0, 0.0)], 3.0, 10) == 0.0  # nothing to move


def test_sgd_instance_starts_at_the_ends_of_float64():
    """Where 2 E / L_i over- or underflows the start is sqrt(2) sqrt(E)/sqrt(L_i); every group still
    holds Delta/2; a start beyond float64 is a ValueError naming lam."""
    with mp.workdps(tol.MP_DPS):
        for d, lam, L_, D in ((2, 1e-300, 1.0, 1e300), (2, 5e299, 1e300, 1e-300), (3, 1e-300, 1e-200, 1e-100),
                              (10, 1e-3, 1.0, 1.0)):
            for cnt, k, x0, _ in lb.sgd_instance(d, lam, L=L_, Delta=D):
                ref = mp.sqrt(mp.mpf(D) / (cnt * mp.mpf(k)))  # (count k / 2) x0^2 = Delta / 2
                assert _close(x0, ref), (d, lam, L_, D, x0)
    with pytest.raises(ValueError, match="lam:"):
        lb.sgd_instance(2, 5e-324, Delta=1e300)
    with pytest.raises(ValueError, match="lams_rel:"):
        lb.sgd_lower_bound(4, 3, 0.0, [0.1], [5e-324])


def test_extreme_inputs_give_finite_answers_or_named_errors():
    v = lb.signsgd_values([0.5, 1e-300], 5e-324, 8, [0.1], [1, 2], paths=4)  # subnormal noise: scale = inf
    assert np.isfinite(v).all()
    with pytest.raises(ValueError, match="etas"):  # a + b = inf (scale 0) and |x_t| = inf: no NaN index
        lb.signsgd_values([0.5], 1e308, 8, [1e308], [1], paths=2)
    with pytest.raises(ValueError, match="etas"):  # every step of the grid diverges
        lb.sgd_lower_bound(4, 3, 0.0, [5.0, 9.0], [1.0])
    with pytest.raises(ValueError, match="Bs"):
        lb.signsgd_values([0.5], 1.0, 8, [0.1], [16])
    assert lb.scaling_exponents(-1e308) == {"L_inf": 5e307, "Delta": 5e307}
    with pytest.raises(ValueError, match="horizon"):
        lb.exceeds({"T": -0.5}, [], "N", ("T",))
    with pytest.raises(ValueError, match="term"):
        lb.exceeds({"N": -0.5}, [], "T", ("T",))
