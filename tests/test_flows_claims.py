"""K24.lemma4-7, HH08.lambertw, K24.thm3: verdicts on the printed statements, and wrong
variants (flipped sign, wrong constant, wrong exponent) that the checks must reject."""

from types import SimpleNamespace

import sympy as sp

from theorycheck.claims.k24 import _flows_common, hh08, lemmas4_5, theorem3
from theorycheck.core.result import Verdict

m = SimpleNamespace(**{**vars(_flows_common), **vars(lemmas4_5), **vars(hh08), **vars(theorem3)})  # k24's claim modules as one namespace

t, pi, c = sp.symbols("t pi c", positive=True)
a, b = sp.symbols("a b", real=True)
f, z, h = sp.symbols("f z h", positive=True)
K1, K2 = sp.symbols("K1 K2", real=True)


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


# --- K24.lemma4 ----------------------------------------------------------------------------


def test_lemma4_printed_holds():
    r = m.check_lemma4(m.printed_lemma4(), "quick")
    assert r.verdict is Verdict.HOLDS, r.finding
    assert all(v == "holds" for v in _parts(r).values())


def test_lemma4_rejects_flipped_sign_in_gradient():
    pk, pj, d, s = sp.symbols("pi_k pi_j delta_kj s_kj", positive=True)
    assert m._lemma4_gradient(pk * d + pj * s).verdict is Verdict.CORRECTED


def test_lemma4_rejects_wrong_constant_in_reduced_system():
    p = m.printed_lemma4()
    wrong_a = pi * (1 - sp.exp(a) / (sp.exp(a) + c * sp.exp(b)))  # c instead of c - 1
    assert m._lemma4_reduction(wrong_a, p["b_rhs"]).verdict is Verdict.CORRECTED
    assert m._lemma4_routes(wrong_a, p["b_rhs"], "quick").verdict is Verdict.CORRECTED


def test_lemma4_rejects_flipped_sign_in_b():
    p = m.printed_lemma4()
    assert m._lemma4_reduction(p["a_rhs"], -p["b_rhs"]).verdict is Verdict.CORRECTED


# --- K24.lemma5 ----------------------------------------------------------------------------


def test_lemma5_printed_holds():
    r = m.check_lemma5(m.printed_lemma5(), "quick")
    assert r.verdict is Verdict.HOLDS, r.finding
    ev = r.evidence["closed_form"]
    assert ev["ode_a"]["proof"]["status"] == "proved" and ev["ode_b"]["proof"]["status"] == "proved"


def test_lemma5_rejects_flipped_sign():
    zz = c - 1
    fo = 1 + c * pi * t
    wrong = (fo + zz * sp.LambertW(sp.exp(fo / zz) / zz)) / c
    assert m._lemma5_closed(wrong, -wrong / zz).verdict is Verdict.CORRECTED


def test_lemma5_rejects_wrong_exponent():
    zz = c - 1
    fo = 1 + c * pi * t
    wrong = (fo - zz * sp.LambertW(sp.exp(fo / zz**2) / zz)) / c  # f/z^2 in the exponent
    assert m._lemma5_closed(wrong, -wrong / zz).verdict is Verdict.CORRECTED


def test_lemma5_rejects_wrong_K2():
    p = m.printed_lemma5()
    r = m._lemma5_general(p["a_general"], p["b_general"], p["K1"], c / (c - 1))
    assert r.verdict is Verdict.CORRECTED


# --- HH08.lambertw -------------------------------------------------------------------------


def test_hh08_printed_sharpened_and_certified():
    r = m.check_hh08(m.printed_hh08(), "quick")
    assert r.verdict is Verdict.SHARPENED and r.strength == "certified"
    lo, hi = (float(v) for v in r.evidence["sup"]["D_max_in"])
    assert 1.0237150 < lo <= hi < 1.0237151 and hi - lo < 1e-12
    assert r.evidence["lower_certificate"]["status"] == "certified"
    assert all(v["proved"] for v in r.evidence["tail_lemma"].values())
    assert "1.02371508" in r.correction


def test_hh08_true_sharper_bound_is_not_rejected():
    """A true bound just above the certified maximum must hold: no float rounds it below the maximum."""
    r = m.check_hh08(m.printed_hh08(), "quick")
    up = sp.Rational(r.evidence["sup"]["D_max_in"][1])
    p = m.printed_hh08()
    p["upper"] = up
    assert m.check_hh08(p, "quick").verdict is Verdict.HOLDS
    # just below the maximum: refuted with a certified counterexample
    p["upper"] = sp.Rational(r.evidence["sup"]["D_max_in"][0]) - sp.Rational(1, 10**12)
    res = m.check_hh08(p, "quick")
    assert res.verdict is Verdict.FAILS and "counterexample" in res.evidence


def test_hh08_correction_follows_the_statement():
    p = m.printed_hh08()
    p["upper"] = sp.Integer(2)
    r = m.check_hh08(p, "quick")
    assert r.verdict is Verdict.SHARPENED and "upper constant 2" in r.correction
    p = m.printed_hh08()
    p["lower"] = sp.Rational(1, 4)
    r = m.check_hh08(p, "quick")
    assert "lower constant 1/4 can be raised to 1/2" in r.correction


def test_hh08_rejects_wrong_constants_and_domain():
    p = m.printed_hh08()
    p["upper"] = sp.Integer(1)  # below the maximum 1.0237
    assert m.check_hh08(p, "quick").verdict is Verdict.FAILS
    p = m.printed_hh08()
    p["lower"] = sp.Rational(3, 5)  # above the infimum 1/2
    assert m.check_hh08(p, "quick").verdict is Verdict.FAILS
    p = m.printed_hh08()
    p["x_min"] = sp.Integer(1)  # x > 1: the normalised form flips for 1 < x < e
    assert m.check_hh08(p, "quick").verdict is Verdict.FAILS


# --- K24.lemma6 ----------------------------------------------------------------------------


def test_lemma6_printed():
    r = m.check_lemma6(m.printed_lemma6(), "quick")
    parts = _parts(r)
    assert r.verdict is Verdict.CORRECTED
    assert parts["ab_relation"] == "corrected"  # a = -(c-1) b
    assert parts["threshold"] == "corrected"  # z log z + 1 vs z (log z + 1)
    assert parts["loss_identity"] == "holds"
    assert parts["identity"] == "holds"
    assert parts["sandwich"] == "holds"
    assert r.evidence["sandwich"]["strength"] == "certified"
    assert parts["lambertw_bound"] == "sharpened"
    assert parts["rate"] == "sharpened"
    assert "-(c-1) b_k(t)" in r.correction and "(c - 1)/c" in r.correction


def test_lemma6_true_relation_and_threshold_hold():
    assert m._l6_relation(a + (c - 1) * b).verdict is Verdict.HOLDS
    assert m._l6_threshold(z * (sp.log(z) + 1), z * (sp.log(z) + 1)).verdict is Verdict.HOLDS


def test_lemma6_rejects_wrong_loss_identity_and_identity():
    assert m._l6_loss_identity(sp.log(1 + (c - 1) * sp.exp(-c * b))).verdict is Verdict.CORRECTED
    assert m._l6_identity(z * sp.exp(h) / (f + z * sp.log(z))).verdict is Verdict.CORRECTED


def test_lemma6_rejects_wrong_sandwich():
    p = m.printed_lemma6()
    wrong_upper = z / (f - z * sp.log(z))  # e^h dropped: too small once t is large
    r = m._l6_sandwich(p["sandwich_lower"], wrong_upper, "quick")
    assert r.verdict is Verdict.CORRECTED and r.strength == "certified"


def test_lemma6_tight_true_sandwich_is_not_corrected():
    """The loss itself, written in f, z, h, is a true and tightest lower and upper bound: the old
    check evaluated l at float(t) and called this "corrected"."""
    tight = sp.log(1 + z * sp.exp(h) / (f - z * sp.log(z)))
    assert m._l6_sandwich(tight, tight, "quick").verdict is Verdict.HOLDS


def test_lemma6_rate_in_t_pi_and_c():
    from theorycheck.claims.k24._flow_rates import gf_theta

    assert gf_theta(1 / (pi * t) ** 2)[0].verdict is Verdict.CORRECTED  # exponent
    assert gf_theta(1 / (pi**2 * t))[0].verdict is Verdict.CORRECTED  # dependence on pi
    assert gf_theta(c / (pi * t))[0].verdict is Verdict.CORRECTED  # dependence on c
    assert gf_theta(1 / (pi * t), sp.Integer(1))[0].verdict is Verdict.CORRECTED  # constant
    main, cross = gf_theta(1 / (pi * t), (c - 1) / c)
    assert main.verdict is Verdict.HOLDS and cross.verdict is Verdict.HOLDS
    sweep = cross.evidence["sweep"]
    assert all(abs(sweep[v]["exponent_of_l/r"]) < 0.01 for v in ("t", "pi", "c"))


# --- K24.lemma7 ----------------------------------------------------------------------------


def test_lemma7_printed_corrected():
    r = m.check_lemma7(m.printed_lemma7(), "quick")
    assert r.verdict is Verdict.CORRECTED
    assert _parts(r) == {"a_b": "holds", "loss": "corrected", "simulation": "holds"}
    assert "exp(-2*t)" in r.correction and r.strength == "proved"
    assert r.evidence["simulation"]["events_total"] == 0


def test_lemma7_correction_follows_the_statement():
    p = m.printed_lemma7()
    p["loss"] = sp.log(1 + (c - 1) * sp.exp(-3 * t))  # agrees with the truth nowhere
    r = m.check_lemma7(p, "quick")
    assert r.verdict is Verdict.CORRECTED and "only at c" not in r.correction


def test_lemma7_true_loss_holds():
    p = m.printed_lemma7()
    p["loss"] = sp.log(1 + (c - 1) * sp.exp(-2 * t))
    assert m.check_lemma7(p, "quick").verdict is Verdict.HOLDS


def test_lemma7_rejects_flipped_sign_of_b():
    p = m.printed_lemma7()
    p["b"] = t
    assert _parts(m.check_lemma7(p, "quick"))["a_b"] == "corrected"


# --- K24.thm3 ------------------------------------------------------------------------------


def test_thm3_printed_corrected():
    r = m.check_thm3(m.printed_thm3(), "quick")
    parts = _parts(r)
    assert r.verdict is Verdict.CORRECTED
    assert parts["gradient_flow"] == "sharpened" and parts["sign_flow"] == "corrected"
    assert parts["pi_dependence"] == "holds" and parts["half_loss_time"] == "holds"
    assert "e^{-2t}" in r.correction and "log(1 + sqrt c)" in r.correction
    assert "exp(-c*t)" in r.correction and r.strength == "proved"


def test_thm3_correction_follows_the_statement():
    p = m.printed_thm3()
    p["sf_rate"] = sp.exp(-3 * t)
    r = m.check_thm3(p, "quick")
    assert "exp(-3*t)" in r.correction and "exp(-c*t)" not in r.correction


def test_thm3_rejects_mutations():
    p = m.printed_thm3()
    p["gf_rate"] = 1 / (pi * t) ** 2  # wrong exponent
    p["sf_depends_on_pi"] = True
    parts = _parts(m.check_thm3(p, "quick"))
    assert parts["gradient_flow"] == "corrected" and parts["pi_dependence"] == "corrected"


def test_thm3_true_sign_rate_holds():
    p = m.printed_thm3()
    p["sf_rate"] = (c - 1) * sp.exp(-2 * t)
    assert _parts(m.check_thm3(p, "quick"))["sign_flow"] == "holds"
    # e^{-2t} alone hides a constant c - 1 that grows with c: not uniform in c
    p["sf_rate"] = sp.exp(-2 * t)
    assert _parts(m.check_thm3(p, "quick"))["sign_flow"] == "corrected"


def test_lemma6_constant_refutation_carries_counterexample():
    from theorycheck.claims.k24._flow_rates import gf_theta

    r = gf_theta(1 / (pi * t), sp.Integer(1))[0]
    assert r.evidence["constant_equality"]["status"] == "refuted"


def _unevaluated_limit(monkeypatch, skip=0):
    """Make sympy.limit return an unevaluated Limit (after ``skip`` real calls)."""
    real = sp.limit
    calls = {"n": 0}

    def fake(e, x, x0, *a, **k):
        calls["n"] += 1
        if calls["n"] <= skip:
            return real(e, x, x0, *a, **k)
        return sp.Limit(e, x, x0)

    monkeypatch.setattr(sp, "limit", fake)


def test_thm3_unevaluated_limit_is_inconclusive_not_corrected(monkeypatch):
    from theorycheck.claims.k24 import _flow_rates

    _flow_rates._gf_limit.cache_clear(), _flow_rates._sf_limits.cache_clear()
    _unevaluated_limit(monkeypatch)
    parts = _parts(m.check_thm3(m.printed_thm3(), "quick"))
    _flow_rates._gf_limit.cache_clear(), _flow_rates._sf_limits.cache_clear()
    assert parts["gradient_flow"] == "inconclusive" and parts["sign_flow"] == "inconclusive"


def test_lemma6_unevaluated_exponent_limit_is_inconclusive(monkeypatch):
    from theorycheck.claims.k24 import _flow_rates

    _flow_rates._gf_limit.cache_clear()
    _unevaluated_limit(monkeypatch)
    assert _flow_rates.gf_theta(1 / (pi * t) ** 2)[0].verdict is Verdict.INCONCLUSIVE
    _flow_rates._gf_limit.cache_clear()
