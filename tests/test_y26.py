"""Y26: the statements as printed, wrong variants the checks must reject, and the numerics of
theorycheck.models.heavytail (samplers, moments, estimators, optimizers) including bad input."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from theorycheck.claims.y26 import heavy_tailed as m
from theorycheck.core import tolerances as tol
from theorycheck.core.result import Verdict
from theorycheck.models import heavytail as ht


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


# ----------------------------------------------------------------------------- Y26.tail_index
def test_tail_index_printed_holds():
    r = m.check_tail_index(m.printed_tail_index(), "quick")
    assert r.verdict is Verdict.HOLDS


def test_tail_index_rejects_t_index_nu_plus_one():
    nu = sp.Symbol("nu", positive=True)
    p = m.printed_tail_index()
    p["t"] = nu + 1  # the density exponent, not the tail index
    r = m.check_tail_index(p, "quick")
    assert r.verdict is Verdict.FAILS and _parts(r)["estimators"] == "fails"


def test_tail_index_rejects_regression_index_nu():
    nu = sp.Symbol("nu", positive=True)
    p = m.printed_tail_index()
    p["regression_noise"] = nu  # the features' index; the noise has a_i^2 u_i, index nu/2
    assert m.check_tail_index(p, "quick").verdict is Verdict.FAILS


# ----------------------------------------------------------------------------- Y26.noise
def test_noise_printed_holds():
    r = m.check_noise(m.printed_noise(), "quick")
    assert r.verdict is Verdict.HOLDS


def test_noise_rejects_variance_exponent():
    p = m.printed_noise()
    p["grad_exponent"] = sp.Integer(2)  # a variance-type condition in ||grad f||^2
    r = m.check_noise(p, "quick")
    assert _parts(r)["relation"] == "corrected" and r.verdict is Verdict.CORRECTED


def test_noise_correction_follows_the_statement():
    for wrong in (sp.Integer(2), sp.Integer(3)):
        p = m.printed_noise()
        p["grad_exponent"] = wrong
        r = m.check_noise(p, "quick")
        assert r.verdict is Verdict.CORRECTED and r.correction.endswith(f"not q = {wrong}"), r.correction


def test_noise_relation_is_checked_at_several_p():
    r = m.check_noise(m.printed_noise(), "quick")
    per_p = r.evidence["relation"]["per_p"]
    assert len(per_p) >= 3
    for pv, row in per_p.items():
        lo, hi = row["growth_exponent_large_gradients"]["exponent_ci"]
        assert lo - tol.EXPONENT_FIT_ABS <= pv <= hi + tol.EXPONENT_FIT_ABS


def test_noise_rejects_all_moments_finite():
    p = m.printed_noise()
    p["finite_iff_p_below_index"] = False
    assert _parts(m.check_noise(p, "quick"))["moments"] == "fails"


def test_noise_p_range_is_compared_with_measured_moments():
    assert _parts(m.check_noise(m.printed_noise(), "quick"))["p_range"] == "holds"
    p = m.printed_noise()
    p["p_range"] = (0, 0.5)  # misses every p > 1 at which the moment is measured finite
    r = m.check_noise(p, "quick")
    assert _parts(r)["p_range"] == "corrected" and r.verdict.rejects_printed
    p["p_range"] = (2, 1)
    with pytest.raises(ValueError, match="p_range"):
        m.check_noise(p, "quick")


# ----------------------------------------------------------------------------- Y26.convergence
def test_convergence_printed_holds():
    r = m.check_convergence(m.printed_convergence(), "quick")
    assert r.verdict is Verdict.HOLDS
    assert "Muonlight" in r.finding
    assert r.evidence["divergence_at_tuned_lr_heavy"]["sgd"] > max(
        r.evidence["divergence_at_tuned_lr_heavy"][k] for k in m.SIGN_METHODS)


def test_convergence_words_are_backed_by_intervals():
    """A finding never uses a stronger word than its interval over seeds allows (issue 11: "far below"
    was once written for a factor 2.5)."""
    r = m.check_convergence(m.printed_convergence(), "quick")
    thresholds = dict(r.evidence["words"]["criteria"])
    for meth, word in r.evidence["words"]["used"].items():
        iv = r.evidence["sgd_over_method_at_heavy"][meth]
        assert iv["n"] >= 10  # seeds
        if word in thresholds:
            assert iv["interval"][0] >= thresholds[word], (meth, word, iv)
            stronger = [t for w, t in thresholds.items() if t > thresholds[word]]
            assert all(iv["interval"][0] < t for t in stronger), (meth, word, iv)
        assert f"{meth} ends {word} SGD" in r.finding


def test_convergence_rejects_sgd_beats_signsgd():
    p = {"beats": [("sgd", "signsgd")], "degrades": []}
    r = m.check_convergence(p, "quick")
    assert r.verdict is Verdict.FAILS


def test_convergence_rejects_signsgd_degrades():
    p = {"beats": [], "degrades": ["signsgd"]}
    assert m.check_convergence(p, "quick").verdict is Verdict.FAILS


# ----------------------------------------------------------------------------- numerics
@settings(max_examples=20, deadline=None)
@given(st.floats(0.3, 2.0), st.integers(0, 2**31 - 1))
def test_sas_sampler_finite_and_symmetric(alpha, seed):
    x = ht.sample_sas(alpha, 20_000, seed)
    assert np.isfinite(x).all()
    # the characteristic function at t = 1 is exp(-1) whatever alpha
    c = np.cos(x)
    assert abs(c.mean() - math.exp(-1)) <= tol.MC_SIGMAS * c.std() / math.sqrt(x.size) + 1e-12


def test_sas_cauchy_and_gaussian_special_cases():
    rng = np.random.default_rng(0)
    x = ht.sample_sas(1.0, 200_000, rng)
    assert abs(np.median(np.abs(x)) - 1.0) < 0.02  # |Cauchy| has median 1
    g = ht.sample_sas(2.0, 200_000, rng)
    assert abs(g.var() - 2.0) < 0.05  # alpha = 2: N(0, 2)


@pytest.mark.parametrize("alpha,p", [(1.5, 0.5), (1.8, 0.6), (1.2, 0.4), (2.0, 1.0)])
def test_sas_moment_formula_vs_monte_carlo(alpha, p):
    x = np.abs(ht.sample_sas(alpha, 400_000, 1)) ** p
    assert abs(x.mean() - ht.sas_abs_moment(alpha, p)) <= tol.MC_SIGMAS * x.std() / math.sqrt(x.size)


def test_sas_moment_infinite_above_index():
    assert ht.sas_abs_moment(1.5, 1.6) == math.inf
    assert ht.sas_abs_moment(2.0, 1.0) == pytest.approx(2 / math.sqrt(math.pi))  # E|N(0,2)|


def test_hill_exact_on_pareto():
    rng = np.random.default_rng(0)
    x = rng.pareto(1.3, 200_000) + 1.0  # exact Pareto tail, index 1.3
    assert abs(ht.hill(x) - 1.3) < 0.1


def test_newton_schulz_close_to_polar_factor():
    rng = np.random.default_rng(0)
    G = rng.standard_normal((6, 9))
    U, s, Vt = np.linalg.svd(G, full_matrices=False)
    X = ht.newton_schulz5(G)
    sv = np.linalg.svd(X, compute_uv=False)
    assert sv.min() > 0.6 and sv.max() < 1.25  # Jordan's quintic: singular values ~ Uniform(0.5, 1.5)-ish
    assert np.abs(U.T @ X @ Vt.T - np.diag(np.diag(U.T @ X @ Vt.T))).max() < 1e-10  # same singular vectors


def test_lion_first_step_is_sign_of_gradient():
    noise = np.zeros((1, 1, 2, 2))
    x = ht.run_method("lion", lambda X: X - 1.0, np.zeros((2, 2)), [0.1], noise)
    assert np.allclose(x, 0.1)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ht.sample_sas(2.5, 10), "alpha"),
        (lambda: ht.sample_sas(float("nan"), 10), "alpha"),
        (lambda: ht.sample_t(-1.0, 10), "nu"),
        (lambda: ht.hill(np.ones(10), k=10), "k"),
        (lambda: ht.hill(np.array([1.0, np.nan, 2.0])), "x"),
        (lambda: ht.block_sum_index(np.ones(10), k1=1), "k1"),
        (lambda: ht.regression_noise(np.ones(3), 10, 1.5), "nu"),
        (lambda: ht.run_method("adamw", lambda X: X, np.zeros((2, 2)), [0.1], np.zeros((1, 1, 2, 2))), "method"),
        (lambda: ht.run_method("sgd", lambda X: X, np.zeros((2, 2)), [-0.1], np.zeros((1, 1, 2, 2))), "lrs"),
        (lambda: ht.run_method("sgd", lambda X: X, np.zeros((2, 2)), [0.1], np.zeros((1, 2, 2))), "noise"),
        (lambda: ht.sample_noise("cauchy", 1.0, 3), "kind"),
    ],
)
def test_bad_input_names_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_median_interval_order_statistics():
    """core.stats.median_interval (added for Y26.convergence): distribution-free, allows inf, refuses nan."""
    from theorycheck.core import stats

    iv = stats.median_interval(np.arange(12.0))
    assert (iv.lo, iv.hi) == (2.0, 9.0) and iv.estimate == 5.5
    iv = stats.median_interval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, np.inf, np.inf])
    assert iv.hi == 10.0 and np.isfinite(iv.estimate)
    assert stats.median_interval([1.0, 2.0, 3.0]).lo == -math.inf  # too few samples for 95%
    with pytest.raises(ValueError, match="samples"):
        stats.median_interval([1.0, np.nan])
    # coverage of the true median of a Cauchy sample (heavy tails: no moment needed)
    rng = np.random.default_rng(0)
    covered = 0
    for _ in range(400):
        iv = stats.median_interval(rng.standard_cauchy(15))
        covered += iv.lo <= 0 <= iv.hi
    assert covered / 400 >= 0.93
