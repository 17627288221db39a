"""T26: separable kernels, msign, and every T26 claim with wrong variants the checks reject."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from theorycheck.claims.t26 import signsgd as m
from theorycheck.core import tolerances as tol
from theorycheck.core.result import Verdict
from theorycheck.models import separable as s


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


# ---------------------------------------------------------------- kernels

@settings(max_examples=30, deadline=None)
@given(st.integers(1, 50), st.integers(0, 10**6))
def test_phi_in_range(d, seed):
    sig = np.abs(np.random.default_rng(seed).standard_normal(d)) + 1e-12
    ph = s.phi(sig)
    assert 1 / d - 1e-12 <= ph <= 1 + 1e-12
    assert math.isclose(s.phi(s.sparse_sigma(d, 3.0)), 1 / d)
    assert math.isclose(s.phi(s.dense_sigma(d, 3.0)), 1.0)


def test_sgd_expected_abs_matches_monte_carlo():
    a, L, sig, eta, T = 1.0, 0.5, 2.0, 0.05, 60
    exact = s.sgd_expected_abs_curve(a, L, sig, eta, T)
    r = s.run("sgd", np.array([L]), np.array([a]), np.full(20000, eta), T, sigma=np.array([sig]), seed=3)
    mc = np.abs(r["x"][:, 0])
    assert abs(exact[-1] - mc.mean()) < 4 * mc.std() / math.sqrt(mc.size)
    # noise-free: |m_t| exactly
    assert np.allclose(s.sgd_expected_abs_curve(a, L, 0.0, eta, T), (1 - eta * L) ** np.arange(T + 1))


def test_signsgd_sign_zero_and_divergence_flags():
    # sign(0) = 0: a coordinate at 0 without noise stays at 0
    r = s.run("signsgd", np.ones(3), np.zeros(3), [0.1], 5)
    assert np.all(r["x"] == 0)
    # SGD with eta L > 2 diverges: reported as inf, never NaN
    r = s.run("sgd", np.array([1000.0]), np.array([1.0]), [1.0], 200)
    assert r["diverged"][0] and np.isinf(r["final_loss"][0]) and not np.isnan(r["avg_grad_l1"]).any()


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 10**6), st.floats(1e-6, 1e6))
def test_msign_newton_schulz_agrees_with_svd(mr, nc, seed, scale):
    G = np.random.default_rng(seed).standard_normal((mr, nc)) * scale
    S = np.linalg.svd(G, compute_uv=False)
    steps = s.ns_steps_needed(float(S[-1] / np.linalg.norm(G)), 1e-15) + 2
    assert np.max(np.abs(s.msign_newton_schulz(G, steps) - s.msign_svd(G))) < tol.T26_MSIGN_AGREE
    Q = s.msign_svd(G)
    assert abs(np.sum(G * Q) - S.sum()) <= 1e-10 * S.sum()  # <G, msign G> = ||G||_*


@pytest.mark.parametrize("call", [
    lambda: s.phi(np.zeros(3)), lambda: s.run("adam", [1.0], [0.0], [0.1], 3),
    lambda: s.run("sgd", [1.0], [0.0], [-0.1], 3), lambda: s.run("sgd", [1.0], [np.nan], [0.1], 3),
    lambda: s.run("sgd", [1.0, 1.0], [0.0], [0.1], 3), lambda: s.run("sgd", [1.0], [0.0], [0.1], 0),
    lambda: s.run("sgd", [1.0], [0.0], [0.1], 3, B=0), lambda: s.msign_newton_schulz(np.ones(3)),
    lambda: s.msign_newton_schulz(np.ones((2, 2)), coeffs="quartic"), lambda: s.ns_steps_needed(1.8, 1e-9),
    lambda: s.stiff_instance(1, 2.0, 1.0, "sparse"), lambda: s.sparse_sigma(0, 1.0),
])
def test_bad_input_raises(call):
    with pytest.raises(ValueError):
        call()


# ---------------------------------------------------------------- claims

def test_lemma1_printed_and_variants():
    r = m.check_lemma1(m.printed_lemma1(), "quick")
    assert r.verdict is Verdict.HOLDS and r.strength == "proved"
    assert r.evidence["sampled"]["cross_check"] is True
    for ordp in (2, np.inf):  # ||L||_2, max L_i: too small
        assert m.check_lemma1({"norm_ord": ordp}, "quick").verdict is Verdict.CORRECTED
    ok, proof = m.lemma1_proof()
    assert ok and all(v["status"] == "proved" for k, v in proof.items() if k != "for")


def test_thm1_printed_and_variants():
    r = m.check_thm1(m.printed_thm1(), "quick")
    assert r.verdict is Verdict.HOLDS and r.strength == "empirical"
    wc = r.evidence["worst_case"]
    assert 0.9 < wc["tightness (max measured/bound)"] <= 1 + tol.WORSTCASE_SLACK  # tight (T = 1 attains it)
    assert "tightness" in r.finding
    D, Li, T, s1, B = sp.symbols("Delta L_inf T sigma_1 B", positive=True)
    p = m.printed_thm1()
    p["intermediate"] = sp.sqrt(D * Li / T) + 2 * s1 / sp.sqrt(B)  # missing factor 2 under the root
    r = m.check_thm1(p, "quick")
    assert r.verdict is Verdict.FAILS and r.evidence["counterexample"]["mean_avg_grad_l1"] > r.evidence["counterexample"]["bound"]


def test_thm1_noisy_violation_is_confirmed_on_fresh_paths():
    D, Li, T, s1, B = sp.symbols("Delta L_inf T sigma_1 B", positive=True)
    p = m.printed_thm1()
    p["intermediate"] = sp.sqrt(2 * D * Li / T)  # the noise term dropped: exceeded under noise
    r = m.check_thm1(p, "quick")
    assert r.verdict is Verdict.FAILS
    conf = r.evidence["confirmation"]
    assert conf is not None and conf["confirmed"] and conf["paths"] > r.evidence["counterexample"]["paths"]


def test_exp_det_printed_and_wrong_winner():
    r = m.check_exp_det(m.printed_exp(), "quick")
    assert r.verdict is Verdict.HOLDS and r.evidence["judge_word"] == "holds"
    lo, hi = r.evidence["ratio (loser/winner)"]["interval"]
    assert 10 <= lo < hi  # the whole interval over seeds meets the 'far below' criterion
    assert m.check_exp_det({"winner": "sgd"}, "quick").verdict is Verdict.FAILS


def test_det_closed_forms_match_the_simulator():
    rng = np.random.default_rng(0)
    L = np.array([1000.0, 1.0, 1.0, 3.0])
    x0 = rng.standard_normal(4)
    for meth in s.METHODS:
        for eta in (1e-2, 1e-3, 1e-4):
            run = s.run(meth, L, x0, [eta], 700)
            ex = m.det_abs_final(meth, L, x0, eta, 700)
            if run["diverged"][0]:  # SGD with eta L > 2: both diverge
                assert not np.all(np.isfinite(ex))
                continue
            assert np.allclose(np.abs(run["x"][0]), ex, rtol=1e-9, atol=1e-12 * (1 + np.abs(x0).max())), (meth, eta)


def test_exp_sparse_signsgd_wins_and_wrong_winner_rejected():
    r = m.check_exp_sparse(m.printed_exp(), "quick")
    rows = r.evidence["horizons"]
    # SignSGD wins at every horizon; 'far below' depends on the (untranscribed) horizon -> not holds
    assert all(x["judge_winner"] == "holds" for x in rows) and r.verdict is Verdict.INCONCLUSIVE
    assert any(x["judge"] == "holds" for x in rows) and any(x["judge"] == "fails" for x in rows)
    # the simulated SGD mean agrees with its exact expectation (coordinate 1 simulated, the rest exact)
    run = m.exp_sparse_horizon("quick", 3000)
    v = run["sgd"]["best_per_seed"]
    assert abs(v.mean() - run["sgd_exact_expectation_mean"]) < 4 * v.std(ddof=1) / math.sqrt(v.size)
    assert m.check_exp_sparse({"winner": "sgd"}, "quick").verdict is Verdict.FAILS


def test_complexity_printed_and_variants():
    r = m.check_complexity(m.printed_complexity(), "quick")
    assert _parts(r) == {"headline": "holds", "sweep": "holds", "signsgd_eps": "holds", "signsgd_sigma": "holds"}
    fit = r.evidence["fits_in_d"]["sparse"]
    assert fit["exponent_ci"][0] <= 1 <= fit["exponent_ci"][1]
    d = sp.Symbol("d", positive=True)
    p = m.printed_complexity()
    p["advantage_sparse"] = d**2
    assert _parts(m.check_complexity(p, "quick"))["headline"] == "corrected"
    L, D, e, s1, phi = sp.symbols("L_inf Delta epsilon sigma_1 phi", positive=True)
    p = m.printed_complexity()
    p["N_sgd"] = d * L * D / e**2 + s1**2 * L * D / (phi**2 * e**4)  # phi^2: predicts d^2
    r = m.check_complexity(p, "quick")
    assert r.verdict is Verdict.CORRECTED and _parts(r)["sweep"] == "inconclusive"
    p = m.printed_complexity()
    p["N_signsgd"] = L * D / e**2 + s1 * L * D / e**4  # sigma not squared: the measured sigma-rate is steeper
    assert _parts(m.check_complexity(p, "quick"))["signsgd_sigma"] == "fails"


def test_complexity_non_power_variants_get_a_verdict_not_a_crash():
    L, D, e, s1, phi = sp.symbols("L_inf Delta epsilon sigma_1 phi", positive=True)
    p = m.printed_complexity()
    p["N_signsgd"] = D * L / e**3  # ratio blows up as eps -> 0: no power of d (and no sigma: the sigma-rate fails)
    r = m.check_complexity(p, "quick")
    pr = _parts(r)
    assert pr["headline"] == "corrected" and pr["sweep"] == "inconclusive" and pr["signsgd_sigma"] == "fails"
    p = m.printed_complexity()
    p["N_sgd"] = p["N_sgd"] ** 2  # squared N
    r = m.check_complexity(p, "quick")
    assert r.verdict.rejects_printed and _parts(r)["sweep"] == "inconclusive"


def test_muon_printed_and_wrong_msign():
    r = m.check_muon(m.printed_muon(), "quick")
    assert r.verdict is Verdict.HOLDS and 0.99 < r.evidence["rate_worst_case"]["tightness (max measured/bound)"] <= 1
    p = m.printed_muon()
    p["msign"] = lambda U, S, Vt: U @ np.diag(S) @ Vt  # X itself, not its polar factor
    assert _parts(m.check_muon(p, "quick"))["msign"] == "corrected"
    p = m.printed_muon()
    p["msign"] = lambda U, S, Vt: Vt.T @ U.T if U.shape[0] == Vt.shape[1] else U @ np.diag(S) @ Vt
    assert _parts(m.check_muon(p, "quick"))["msign"] == "corrected"
    D, L, T = sp.symbols("Delta L_op T", positive=True)
    p = m.printed_muon()
    p["rate_det"] = sp.sqrt(D * L / (2 * T))  # half the printed rate
    assert _parts(m.check_muon(p, "quick"))["rate"] == "fails"


def test_t26_corrections_follow_the_printed_statement():
    r = m.check_lemma1({"norm_ord": 2}, "quick")
    assert "not ||L||_2" in r.correction and "100x smaller" in r.correction
    r = m.check_lemma1({"norm_ord": 1, "factor": 0.25}, "quick")
    assert "not 0.25 ||L||_1" in r.correction and "4x smaller" in r.correction
    d = sp.Symbol("d", positive=True)
    p = m.printed_complexity()
    p["advantage_sparse"] = d**3
    assert "not d**3" in m.check_complexity(p, "quick").finding


def test_t26_claims_cite_the_paper():
    from theorycheck.core import registry

    for c in registry.all_claims():
        if c.id.startswith("T26.") and c.module.endswith("signsgd"):
            assert c.source.startswith("Tao, Yu, Zhang"), c.id


def test_one_newton_schulz_serves_t26_and_y26():
    """theorycheck.models.msign.newton_schulz is behind separable.msign_newton_schulz and
    heavytail.newton_schulz5: batched = per matrix, the two entry points differ only by Muon's
    1e-7 in the normalisation, zero maps to zero, and the SVD reference stays independent."""
    from theorycheck.models import heavytail as ht
    from theorycheck.models import msign as ms

    rng = np.random.default_rng(3)
    Gs = rng.standard_normal((4, 7, 5))
    batched = ht.newton_schulz5(Gs)
    for G, X in zip(Gs, batched):
        assert np.allclose(X, ht.newton_schulz5(G), rtol=0, atol=1e-14)
        assert np.allclose(X, s.msign_newton_schulz(G, 5, "muon"), rtol=0, atol=1e-6)
    assert s.msign_newton_schulz is ms.msign_newton_schulz and s.msign_svd is ms.msign_svd
    assert ht.NS_COEFFS == s.NS_COEFFS["muon"]
    assert not ht.newton_schulz5(np.zeros((3, 2))).any() and not s.msign_newton_schulz(np.zeros((2, 3))).any()
    # the converged cubic is the SVD polar factor; 5 quintic steps are not (singular values ~[0.7, 1.2])
    G = rng.standard_normal((6, 4))
    assert np.max(np.abs(s.msign_newton_schulz(G, 60) - s.msign_svd(G))) < tol.T26_MSIGN_AGREE
    assert np.max(np.abs(ht.newton_schulz5(G) - s.msign_svd(G))) > 1e-3


def test_expected_abs_curves_reject_bad_input():
    import pytest

    from theorycheck.models import separable as sep

    for fn in (sep.sgd_expected_abs_curve, sep.signsgd_expected_abs_curve):
        with pytest.raises(ValueError, match="^eta:"):
            fn(1.0, 1.0, 0.0, -0.1, 10)
        with pytest.raises(ValueError, match="^sigma:"):
            fn(1.0, 1.0, -1.0, 0.1, 10)
        with pytest.raises(ValueError, match="^a:"):
            fn(float("nan"), 1.0, 0.0, 0.1, 10)
        with pytest.raises(ValueError, match="^T:"):
            fn(1.0, 1.0, 0.0, 0.1, -1)
    with pytest.raises(ValueError, match="^x:"):
        sep.quad_loss([1.0, float("nan")], [1.0, 1.0])
