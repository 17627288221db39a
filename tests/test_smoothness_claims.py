"""EXT.smoothness.* and K24.H1.fig8: the statements as registered, and wrong variants the
checks must reject."""

from types import SimpleNamespace

import sympy as sp

from theorycheck.claims.ext import smoothness, smoothness_l11
from theorycheck.claims.k24 import hessian_fig8 as f8
from theorycheck.core import registry
from theorycheck.core.result import Verdict

m = SimpleNamespace(**{**vars(smoothness_l11), **vars(smoothness)})  # ext's smoothness claim modules as one namespace


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


def test_registered():
    ids = {c.id for c in registry.all_claims()}
    for cid in ("EXT.smoothness.l11_closed_form", "EXT.smoothness.cauchy", "EXT.smoothness.norm_relations",
                "EXT.smoothness.geometry", "EXT.smoothness.trace_diag", "K24.H1.fig8"):
        assert cid in ids


# --- l11 closed form ------------------------------------------------------------------
def test_l11_printed_holds():
    r = m.check_l11(m.printed_l11(), "quick")
    assert r.verdict is Verdict.HOLDS, r.finding
    assert _parts(r) == {"general": "holds", "symbolic_c3_D2_n2": "holds", "numeric": "holds"}
    assert r.strength == "proved" and r.evidence["numeric"]["cross_check"] is True


def test_l11_general_proof_rejects_and_correction_follows():
    for key, val in (("factor", 3), ("n_power", 0), ("x_power", 1), ("p_power", 1)):
        p = {**m.printed_l11(), key: val}
        r = m._l11_general(p)
        assert r.verdict is Verdict.CORRECTED, (key, r.finding)
        assert f"not ({p['factor']}/n^{p['n_power']}) sum_i (1 - sum_k p_ik^{p['p_power']})" in r.correction


SMALL = [(7, 3, 4, True, 0), (9, 2, 3, False, 1)]


def test_l11_rejects_wrong_factor():
    p = m.printed_l11()
    p["factor"] = 1
    assert m._l11_numeric(p, SMALL).verdict is Verdict.CORRECTED


def test_l11_rejects_wrong_p_power_and_norm():
    for key, val in (("p_power", 1), ("x_norm", 2), ("x_power", 1)):
        p = m.printed_l11()
        p[key] = val
        assert m._l11_numeric(p, SMALL).verdict is Verdict.CORRECTED, key


# --- Cauchy sketch -----------------------------------------------------------------------
def test_cauchy_printed_holds():
    r = m.check_cauchy(m.printed_cauchy(), "quick")
    assert r.verdict is Verdict.HOLDS, r.finding
    for v in r.evidence["rate"]["models"].values():  # two dimensions P
        assert v["rms_times_sqrtT"][-1] <= float(sp.pi / 2) * 1.3
        assert v["compare_exponent"] == "agrees" and v["implementation_vs_dense_rel"] <= 1e-9
    assert r.evidence["rate"]["worst_case"]["ratio"] <= 1.3  # tightness of pi/2 over small models


def test_cauchy_rejects_wrong_scale_law():
    for scale in ("row_l2", "row_l1_over_P"):
        assert m._cauchy_distribution(scale, 2000).verdict is Verdict.CORRECTED, scale


def test_cauchy_rejects_wrong_rate():
    probes = (16, 32, 64, 128, 256)
    assert m._cauchy_rate(sp.Integer(-1), sp.pi / 2, probes, reps=60).verdict is Verdict.CORRECTED
    r = m._cauchy_rate(sp.Rational(-1, 2), sp.pi / 8, probes, reps=60)
    assert r.verdict is Verdict.CORRECTED and r.correction.endswith("not pi/8 T^(-1/2)")


# --- norm relations ---------------------------------------------------------------------
def test_relations_printed_hold():
    assert m.check_relations(m.printed_relations(), "quick").verdict is Verdict.HOLDS


def test_relations_reject_wrong_directions():
    wrong = [("inf1", "<=", "lambda_max"), ("l11", "<=", "inf1"), ("P_lambda_max", "<=", "inf1"),
             ("inf1", "<=", "trace")]
    r = m.check_relations(wrong, "quick")
    assert r.verdict is Verdict.FAILS and "counterexample" in r.evidence
    violated = {v["relation"] for v in r.evidence["violations"]}
    assert violated == {f"{a} <= {b}" for a, _, b in wrong}


# --- geometry ---------------------------------------------------------------------------
def test_geometry_printed_holds():
    r = m.check_geometry(m.printed_geometry(), "quick")
    assert r.verdict is Verdict.HOLDS, r.finding
    paths = r.evidence["paths"]["paths"]
    assert paths["adam"]["ratio_l11_over_Plambda"][0] > 1.5  # at init ||H||_11 ~ 2 P lambda_max


def test_geometry_rejects_wrong_factor_and_init_forms():
    assert m._geom_factor(1.5).verdict is Verdict.FAILS
    assert m._geom_factor(3).verdict is Verdict.SHARPENED
    c = sp.Symbol("c", integer=True, positive=True)
    p = m.printed_geometry()
    p["init_l11_over_M"] = 1 - 1 / c
    assert m._geom_init(p).verdict is Verdict.CORRECTED
    p = m.printed_geometry()
    p["init_inf1_upper_over_M"] = 1 - 1 / c  # too small an upper bound
    assert m._geom_init(p).verdict is Verdict.CORRECTED


def test_geometry_rejects_opposite_path_claim():
    assert m._geom_path(False, "quick").verdict is Verdict.CORRECTED


# --- trace diagonal -----------------------------------------------------------------------
def test_trace_printed_holds():
    r = m.check_trace(m.printed_trace(), "quick")
    assert r.verdict is Verdict.HOLDS and r.strength == "proved"


def test_trace_general_proof_correction_follows():
    for key, val in (("x_power", 1), ("p_power", 2), ("n_power", 0)):
        p = {**m.printed_trace(), key: val}
        r = m._trace_general(p)
        assert r.verdict is Verdict.CORRECTED, key
        assert f"^{p['p_power']} (1 - p_ik)^{p['one_minus_p_power']} sum_a x_ia^{p['x_power']}" in r.correction


def test_trace_rejects_released_script_variant():
    r = m._trace_numeric({**m.printed_trace(), "x_power": 1})
    assert r.verdict is Verdict.CORRECTED
    # on N(0,1) inputs the released script's "trace" can even be negative
    assert r.evidence["normal0"]["released_script_negative_blocks"] > 0


# --- K24.H1.fig8 ---------------------------------------------------------------------------
def test_fig8_printed_holds_with_exact_init_ratio():
    r = f8.check_fig8(f8.printed(), "quick")
    assert r.verdict is Verdict.HOLDS, r.finding
    ev = r.evidence
    assert abs(ev["init_measured_entry_ratio"] - ev["init_exact_ratio_c_minus_1"]) < 1e-9 * ev["setting"]["c"]
    assert max(s["row_sum_rel"] for s in ev["per_snapshot"]) < 1e-10


def test_fig8_rejects_stronger_variants():
    res = f8.measure("quick")
    p = f8.printed()
    p["orders"] = 4  # "four orders of magnitude"
    assert f8.judge(p, res).verdict is Verdict.CORRECTED
    p = f8.printed()
    p["statistic"] = "min_row"  # every off-diagonal block orders of magnitude smaller
    r = f8.judge(p, res)
    assert r.verdict is Verdict.CORRECTED and "not uniformly" in r.correction


def test_fig8_uses_the_printed_subsample():
    p = f8.printed()
    p["subsample"] = {"classes": 12, "dims": 9}
    r = f8.check_fig8(p, "quick")
    assert len(r.evidence["classes"]) == 12 and len(r.evidence["dims"]) == 9
    p["subsample"] = {"classes": 1, "dims": 9}
    import pytest

    with pytest.raises(ValueError, match="subsample"):
        f8.check_fig8(p, "quick")
