"""Y25: the unigram model's numerics and every Y25 claim, with wrong variants the checks reject."""

import math
from types import SimpleNamespace

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from theorycheck.claims.y25 import _common, lemma41, lemmas3, theorem21, theorem31
from theorycheck.core import tolerances as tol
from theorycheck.core.result import Verdict
from theorycheck.models import unigram as u

m = SimpleNamespace(**{**vars(_common), **vars(lemmas3), **vars(theorem31), **vars(lemma41), **vars(theorem21)})  # y25's claim modules as one namespace

d_, V_, T_ = sp.symbols("d V T", positive=True)


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


# ---------------------------------------------------------------- numerics of the model

def _mp_loss(theta, p):
    with mp.workdps(tol.MP_DPS):
        th = [mp.mpf(float(t)) for t in theta]
        lse = mp.log(mp.fsum(mp.exp(t) for t in th))
        return float(mp.fsum(mp.mpf(float(pk)) * (mp.log(mp.mpf(float(pk))) - (t - lse)) for pk, t in zip(p, th)))


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 30), st.floats(1e-3, 1e6), st.integers(0, 10**6))
def test_loss_grad_stable_and_match_mpmath(d, scale, seed):
    p = u.zipf(d)
    th = np.random.default_rng(seed).standard_normal(d) * scale
    f = u.loss(th, p)
    g = u.grad(th, p)
    assert math.isfinite(f) and f >= 0 and np.isfinite(g).all()
    assert abs(float(np.sum(g))) < 1e-12
    ref = _mp_loss(th, p)
    assert abs(f - ref) <= tol.FLOAT64_REL * abs(ref) + tol.FLOAT64_ABS * max(1.0, scale)


def test_grad_and_hessian_match_mpmath_derivatives():
    d = 4
    p = u.zipf(d)
    th = np.random.default_rng(2).standard_normal(d) * 2
    g, H = u.grad(th, p), u.hess(th)
    with mp.workdps(30):
        def f(*t):
            lse = mp.log(mp.fsum(mp.exp(x) for x in t))
            return mp.fsum(mp.mpf(float(pk)) * (mp.log(mp.mpf(float(pk))) - (x - lse)) for pk, x in zip(p, t))
        for i in range(d):
            e = [0] * d
            e[i] = 1
            assert abs(float(mp.diff(f, th.tolist(), tuple(e))) - g[i]) < 1e-13
            for j in range(d):
                e2 = list(e)
                e2[j] += 1
                assert abs(float(mp.diff(f, th.tolist(), tuple(e2))) - H[i, j]) < 1e-13


@pytest.mark.slow
def test_grad_and_hessian_match_autograd():
    torch = pytest.importorskip("torch")
    d = 7
    p = u.zipf(d)
    th = np.random.default_rng(1).standard_normal(d) * 3
    tp = torch.tensor(p, dtype=torch.float64)
    f = lambda t: torch.sum(tp * (torch.log(tp) - torch.log_softmax(t, 0)))
    tt = torch.tensor(th, dtype=torch.float64)
    assert np.allclose(torch.func.grad(f)(tt).numpy(), u.grad(th, p), rtol=1e-12, atol=1e-14)
    assert np.allclose(torch.func.hessian(f)(tt).numpy(), u.hess(th), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("d", [10**5, pytest.param(10**7, marks=pytest.mark.slow)])
def test_loss_at_zero_large_d_matches_euler_maclaurin(d):
    # f(0) = log d - log H_d - (1/H_d) sum_k log k / k, the sum by Euler-Maclaurin (error O(log d/d^4))
    with mp.workdps(30):
        n = mp.mpf(d)
        s = mp.log(n) ** 2 / 2 + mp.stieltjes(1) + mp.log(n) / (2 * n) + (1 - mp.log(n)) / (12 * n**2)
        H = mp.harmonic(n)
        ref = float(mp.log(n) - mp.log(H) - s / H)
    f = u.loss(np.zeros(d), u.zipf(d))
    assert abs(f - ref) <= 1e-9 * ref


def test_optimum_is_zero_and_var_float_matches_mpmath():
    for d in (2, 10, 1000):
        p = u.zipf(d)
        assert u.loss(u.minimizer(p, "2"), p) < 1e-13
        assert u.loss(u.minimizer(p, "inf"), p) < 1e-13
    for d in (2, 3, 1000, 10**6):
        assert abs(u.var_log_k(d) - float(u.var_log_k_mp(d))) < 1e-12


@pytest.mark.parametrize("call", [
    lambda: u.zipf(1), lambda: u.zipf(10, a=-1), lambda: u.loss([0.0, np.nan], [0.5, 0.5]),
    lambda: u.loss([0.0, 0.0], [0.7, 0.7]), lambda: u.nsd_wd([0.5, 0.5], "1", 3, 1.0),
    lambda: u.nsd_wd([0.5, 0.5], "2", -1, 1.0), lambda: u.nsd_wd([0.5, 0.5], "2", 3, 0.0),
    lambda: u.var_log_k(1), lambda: u.loss([0.0, 1.0, 2.0], [0.5, 0.5]),
])
def test_bad_input_raises(call):
    with pytest.raises(ValueError):
        call()


def test_nsd_wd_is_frank_wolfe_on_the_ball():
    # gamma_t = 2/(t+1): iterates stay in the ball ||x|| <= 1/lambda
    d = 50
    p = u.zipf(d)
    lam = 1 / u.min_norm_inf(d)
    r = u.nsd_wd(p, "inf", 200, lam)
    assert np.max(np.abs(r["x"])) <= 1 / lam + 1e-12


# ---------------------------------------------------------------- claims

def test_lemma31_printed_and_variants():
    r = m.check_lemma31(m.printed_lemma31(), "quick")
    assert r.verdict is Verdict.SHARPENED and "1/2" in r.correction and r.strength == "proved"
    assert _parts(r) == {"L2": "sharpened", "Linf": "holds", "sampled": "holds"}
    assert r.evidence["sampled"]["cross_check"] is True
    bad = m.printed_lemma31()
    bad["Linf"] = sp.Rational(1, 2)  # the inf->inf pairing's value
    assert _parts(m.check_lemma31(bad, "quick"))["Linf"] == "corrected"
    bad = m.printed_lemma31()
    bad["L2_upper"] = sp.Rational(2, 5)
    assert _parts(m.check_lemma31(bad, "quick"))["L2"] == "corrected"
    bad = m.printed_lemma31()
    bad["L2_upper"] = 2 / d_  # right at d <= 4, wrong from d = 5 on: the exact point is the counterexample
    r = m.check_lemma31(bad, "quick")
    assert _parts(r)["L2"] == "corrected" and "d = 5" in r.finding


def test_lemma31_general_proof_steps():
    ok, ev = _common.general_smoothness_proof()
    assert ok and ev["1 quadratic form = Var_s(v)"]["status"] == "proved"
    assert ev["2 E_s (v - c)^2 = Var + (E v - c)^2 (sum s = 1)"]["status"] == "proved"


def test_lemma32_printed_and_variants():
    r = m.check_lemma32(m.printed_lemma32(), "quick")
    assert r.verdict is Verdict.HOLDS and r.strength == "proved"
    bad = m.printed_lemma32()
    bad["min_inf"] = sp.log(d_)
    assert _parts(m.check_lemma32(bad, "quick"))["inf"] == "corrected"
    bad = m.printed_lemma32()
    bad["min_2"] = sp.sqrt(V_)
    assert _parts(m.check_lemma32(bad, "quick"))["two"] == "corrected"


def test_lemma33_printed_and_variants():
    r = m.check_lemma33(m.printed_lemma33(), "quick")
    assert r.verdict is Verdict.SHARPENED and r.strength == "certified" and "every integer d >= 2" in r.evidence["range"]
    assert m.check_lemma33({"lower": 0.0, "upper": 0.9}, "quick").verdict is Verdict.CORRECTED
    assert m.check_lemma33({"lower": 0.2, "upper": 5.0}, "quick").verdict is Verdict.CORRECTED
    # an upper end just below 1 is violated only beyond the enumerated range: the tail bound finds d
    r = m.check_lemma33({"lower": 0, "upper": sp.Rational(99999, 100000)}, "quick")
    assert r.verdict is Verdict.CORRECTED and r.evidence["upper_counterexample"]["d"] > 10**4


def test_vd_certificate_closes_and_matches_mpmath():
    from theorycheck.claims.y25 import _vd

    c = _vd.certify_vd(1000)
    assert c["ok"]
    for n in (2, 10, 1000):
        assert abs(float(c["V"][n].mid()) - float(u.var_log_k_mp(n))) < 1e-14
    lo, hi = _vd.v_lower_upper(c, 10**9)
    assert float(lo) <= float(u.var_log_k_mp(10**9)) < float(hi)


def test_thm31_printed_and_variants():
    r = m.check_thm31(m.printed_thm31(), "quick")
    assert _parts(r) == {"C_inf": "holds", "C_2": "sharpened", "gap": "holds"} and r.strength == "certified"
    bad = m.printed_thm31()
    bad["C_inf"] = sp.log(d_) ** 2
    assert _parts(m.check_thm31(bad, "quick"))["C_inf"] == "corrected"
    bad = m.printed_thm31()
    bad["C_2_order"] = d_**2
    assert _parts(m.check_thm31(bad, "quick"))["C_2"] == "corrected"


def test_cor31_printed_and_variants():
    r = m.check_cor31(m.printed_cor31(), "quick")
    # sign: implied by thm21; ngd: not implied, never exceeded in the worst-case search -> holds (empirical)
    assert _parts(r) == {"sign": "sharpened", "ngd": "holds"} and r.strength == "empirical"
    wc = r.evidence["ngd"]["worst_case"]
    assert 0 < wc["tightness (max measured/bound)"] < 1 and "tightness" in r.finding
    p = m.printed_cor31()
    p["bound_ngd"] = d_ / (1000 * (T_ + 1))  # 1000x too small: the simulated gap exceeds it
    r2 = m.check_cor31(p, "quick")
    assert _parts(r2)["ngd"] == "fails" and "d" in r2.evidence["counterexample"]["ngd"]
    p = m.printed_cor31()
    p["bound_ngd"] = 4 * d_ / (T_ + 2)  # what thm21 does give (V_d < 1)
    assert _parts(m.check_cor31(p, "quick"))["ngd"] == "holds"
    p = m.printed_cor31()
    p["bound_sign"] = sp.log(d_) ** 2 / (T_ + 2)  # half of thm21's bound: exceeded at d = 2
    assert _parts(m.check_cor31(p, "quick"))["sign"] == "fails"
    p = m.printed_cor31()
    p["lambda_sign"] = 4 / sp.log(d_)  # beyond 1/||x*||_inf: NSD-WD cannot reach x*
    assert _parts(m.check_cor31(p, "quick"))["sign"] == "fails"


def test_lemma41_printed_and_variants():
    r = m.check_lemma41(m.printed_lemma41(), "quick")
    assert _parts(r) == {"softmax": "sharpened", "quadratic": "corrected"}
    assert r.evidence["quadratic"]["equality"]["status"] == "refuted"  # with a counterexample, not a failed simplify
    assert "counterexample" in r.evidence["quadratic"]["equality"]
    p = m.printed_lemma41()
    p["quadratic_value"] = sp.Integer(2)
    p["lower_bound"] = d_
    assert _parts(m.check_lemma41(p, "quick")) == {"softmax": "corrected", "quadratic": "holds"}


def test_thm21_printed_and_wrong_constant():
    r = m.check_thm21(m.printed_thm21(), "quick")
    # violated at T = 1 from x_0 != 0 (lambda eta_0 = 2 reflects x_0); the mended readings survive
    assert r.verdict is Verdict.CORRECTED and r.strength == "empirical"
    ce = r.evidence["counterexample"]
    assert ce["t"] == 1 and ce["||x0||"] > 0 and ce["gap"] > ce["bound"]
    assert all(v["survives"] for v in r.evidence["mended_readings"].values())
    assert "T >= 2" in r.correction
    p = m.printed_thm21()
    p["bound"] = p["bound"] / 10  # a constant 10x too small
    assert m.check_thm21(p, "quick").verdict is Verdict.FAILS


def test_exp_printed_and_wrong_winner():
    r = m.check_exp(m.printed_exp(), "quick")
    assert r.verdict is Verdict.HOLDS
    assert m.check_exp({"d": 1000, "winner": "ngd"}, "quick").verdict is Verdict.FAILS


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 20), st.floats(1e-12, 1e-6), st.floats(1e-2, 1e5), st.integers(0, 10**6))
def test_loss_with_tiny_frequencies_matches_mpmath(d, tiny, scale, seed):
    rng = np.random.default_rng(seed)
    w = rng.random(d) + 0.1
    w[-1] = 0.0
    p = w / w.sum() * (1 - tiny)
    p[-1] = tiny
    p = p / math.fsum(p.tolist())
    th = rng.standard_normal(d) * scale
    f = u.loss(th, p)
    ref = _mp_loss(th, p)
    assert math.isfinite(f) and abs(f - ref) <= tol.FLOAT64_REL * abs(ref) + tol.FLOAT64_ABS * max(1.0, scale)


def test_thm21_wrong_step_size_rejected():
    t, lam = sp.Symbol("t"), sp.Symbol("lambda", positive=True)
    p = m.printed_thm21()
    p["eta"] = 1 / (lam * (t + 1) ** 2)  # a wrong schedule: the proof needs 2/(lambda (t+1))
    r = m.check_thm21(p, "quick")
    assert r.verdict.rejects_printed
    assert r.evidence["eta_equality"]["status"] == "refuted"


def test_thm21_reports_tightness_and_rejects_a_rejectable_factor():
    t, lam = sp.Symbol("t"), sp.Symbol("lambda", positive=True)
    p = m.printed_thm21()
    p["eta"] = 2 / (lam * (t + 2))  # steps counted from 1 (Frank-Wolfe's 2/(k+2)): never exceeded
    r = m.check_thm21(p, "quick")
    assert r.verdict is Verdict.INCONCLUSIVE  # survives, but not the schedule our proof needs: no proof
    tight = r.evidence["tightness"]
    assert 0 < tight["max gap/bound"] < 1 and tight["rejectable_factor"] > 1
    p["bound"] = p["bound"] / (2 * tight["rejectable_factor"])  # twice the factor the search can reject
    assert m.check_thm21(p, "quick").verdict.rejects_printed


def test_var_log_k_any_d_without_an_array():
    for n in (10**12, 10**15):
        v = u.var_log_k(n)  # used to allocate a length-d array (MemoryError)
        assert math.isfinite(v) and abs(v - float(u.var_log_k_mp(n))) <= 1e-15 and 0.99 < v < 1
    n = u.VAR_LOG_K_ARRAY_MAX_D
    assert abs(u.var_log_k(n) - float(u.var_log_k_mp(n))) <= 1e-12  # both routes agree at the cutoff
    assert abs(u.var_log_k(n + 1) - u.var_log_k(n)) < 1e-9


def test_thm21_bound_rejects_bad_input():
    with pytest.raises(ValueError, match="lam"):
        u.thm21_bound(1.0, 0.0, 0.0, 10)
    with pytest.raises(ValueError, match="L"):
        u.thm21_bound(-1.0, 1.0, 0.0, 10)
    with pytest.raises(ValueError, match="x0_norm"):
        u.thm21_bound(1.0, 1.0, float("nan"), 10)
    with pytest.raises(ValueError, match="T"):
        u.thm21_bound(1.0, 1.0, 0.0, -1)
    assert u.thm21_bound(1.0, 1.0, 0.0, 0) == pytest.approx(4.0)


# ---------------------------------------------------------------- corrections are computed, not written

def test_corrections_follow_the_printed_statement():
    """Feed changed statements: the correction text is built from the computed truth AND the
    statement, so it changes with it."""
    p = m.printed_lemma41()
    p["quadratic_value"] = sp.Integer(3)
    r = m.check_lemma41(p, "quick")
    assert "(3/2) sum_k p_k theta_k^2" in r.correction and "(1/2)" not in r.correction
    p = m.printed_lemma31()
    p["L2_lower"] = sp.Rational(1, 4)
    assert "[1/4, 1]" in m.check_lemma31(p, "quick").correction
    r = m.check_lemma33({"lower": 0, "upper": 7}, "quick")
    assert "0 < V_d <= 7" in r.correction
    r = m.check_lemma33({"lower": 0, "upper": sp.Rational(1, 2)}, "quick")
    assert "V_d <= 1/2 fails at d = " in r.correction
    p = m.printed_thm31()
    p["C_2_order"] = 2 * d_
    assert "C_2/(2*d) -> 2" in m.check_thm31(p, "quick").correction
    p = m.printed_thm31()
    p["C_inf"] = 3 * sp.log(d_) ** 2
    assert "not 3*log(d)**2" in m.check_thm31(p, "quick").correction
    p = m.printed_lemma41()
    p["lower_bound"] = d_
    assert "below d at d = 2" in m.check_lemma41(p, "quick").correction


def test_y25_claims_cite_the_paper():
    from theorycheck.core import registry

    for c in registry.all_claims():
        if c.id.startswith("Y25."):
            assert c.source.startswith("Yadav, Xie, Wang, Li"), c.id
            assert "seed" not in c.source and "SPEC" not in c.source, c.id
