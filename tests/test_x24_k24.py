"""X24.k24: the X24 measurements on K24's softmax linear model; the printed statement, wrong
variants the check must reject, and synthetic measurements on which it must hold."""

import copy

import pytest

from theorycheck.claims.ext import x24_on_k24 as m
from theorycheck.core import tolerances as tol
from theorycheck.core.result import Verdict


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


@pytest.fixture(scope="module")
def res():
    return m.measure("quick")


def test_measurements_are_consistent(res):
    for o in res["opts"].values():
        for p in o["path"]:
            assert abs(p["norm11"] - p["norm11_dense"]) <= 1e-10 * p["norm11_dense"]  # closed form = dense
            assert abs(p["rotated"]["lambda_max"] - p["lambda_max"]) <= tol.LANCZOS_REL * p["lambda_max"]
    gd = res["opts"]["gd"]
    assert gd["equivariance_max_rel_loss_deviation"] <= tol.SIM_FLOAT64_REL
    assert {r["lr"] for r in gd["per_step"]} and all(r["ratio"] > 0 for r in gd["per_step"])


def test_printed_statement_verdict(res):
    r = m.judge(m.printed(), res)
    parts = _parts(r)
    assert parts["estimators"] == "holds" and parts["spectrum"] == "holds"
    assert parts["rotation_gd"] == "holds" and parts["governed_gd"] == "holds"
    # measured on K24's model: rotation raises ||H||_11 but Adam's loss barely moves
    assert r.verdict is Verdict.CORRECTED and parts["rotation_adam"] == "corrected"
    assert "unchanged" in r.correction


def test_claim_is_registered_and_runs():
    from theorycheck.core.registry import get

    c = get("X24.k24")
    assert c.check(c.printed(), "quick").verdict is Verdict.CORRECTED


def test_rejects_rotation_speeds_adam_up(res):
    p = m.printed()
    p["adam_under_rotation"] = "faster"
    r = m.judge(p, res)
    assert _parts(r)["rotation_adam"] == "corrected" and r.verdict is Verdict.CORRECTED


def test_rejects_gd_slowed_by_rotation(res):
    p = m.printed()
    p["gd_under_rotation"] = "slower"
    assert _parts(m.judge(p, res))["rotation_gd"] == "corrected"


def test_rejects_gd_governed_by_norm11(res):
    p = m.printed()
    p["gd_constant"] = "norm11"
    assert _parts(m.judge(p, res))["governed_gd"] == "corrected"


def test_rejects_wrong_spectrum_statements(res):
    p = m.printed()
    p["lambda_max_invariant"] = False
    assert m.judge(p, res).verdict is Verdict.FAILS
    p = m.printed()
    p["norm11_grows"] = False
    assert _parts(m.judge(p, res))["spectrum"] == "corrected"


def test_holds_when_adam_is_slowed_as_norm11_predicts(res):
    """The check is not stuck on 'corrected': measurements where rotated Adam ends x3 higher
    (and ||H||_11 grows x2 along its path) make the printed statement hold."""
    fake = copy.deepcopy(res)
    for key in ("adam", "adam_b0.9"):
        o = fake["opts"][key]
        for r in o["per_step"]:
            r["final_loss_rotated"] = 3 * r["final_loss"]
            r["ratio"] = 3.0
        o["norm11_ratio"] = 2.0
    r = m.judge(m.printed(), fake)
    assert r.verdict is Verdict.HOLDS, r.finding
    p = m.printed()
    p["adam_constant"] = "d_lambda_max"  # Adam governed by d lambda_max: rejected on the same data
    assert _parts(m.judge(p, fake))["governed_adam"] == "corrected"


def test_mixed_changes_and_equal_predictions_are_inconclusive(res):
    fake = copy.deepcopy(res)
    o = fake["opts"]["adam"]
    o["per_step"][0]["ratio"], o["per_step"][-1]["ratio"] = 3.0, 0.3
    assert m.measured_change(o) == "mixed"
    assert _parts(m.judge(m.printed(), fake))["rotation_adam"] == "inconclusive"
    fake["opts"]["gd"]["norm11_ratio"] = 1.0
    assert _parts(m.judge(m.printed(), fake))["governed_gd"] == "inconclusive"


def test_change_categories_and_bad_input(res):
    F = tol.X24_K24_CHANGE_FACTOR
    assert m.change(F * 1.01) == "slower" and m.change(1 / (F * 1.01)) == "faster" and m.change(1.0) == "unchanged"
    assert m.change(float("nan")) == "undefined" and m.change(0.0) == "undefined"
    p = m.printed()
    p["adam_under_rotation"] = "much slower"
    with pytest.raises(ValueError, match="printed"):
        m.judge(p, res)
    p = m.printed()
    p["gd_constant"] = "trace"
    with pytest.raises(ValueError, match="printed"):
        m.judge(p, res)
