"""EXT.x24_on_k24 (formerly X24.k24): X24's measurements on K24's softmax linear model; the
statement of what was measured, wrong variants the check must reject (X24's reading among them),
and synthetic measurements on which the verdict must follow them."""

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


def _set_ratios(o, value):
    for r in o["per_step"]:
        r["ratios"] = [value * (1 + 0.01 * j) for j in range(len(r["ratios"]))]
        r["ratios_at_half_horizon"] = list(r["ratios"])
        r["ratio"] = r["ratios"][0]


def test_measurements_are_consistent(res):
    assert len(res["seeds"]) >= 3  # several Haar rotations, not one
    for o in res["opts"].values():
        for p in o["path"]:
            assert abs(p["norm11"] - p["norm11_dense"]) <= 1e-10 * p["norm11_dense"]  # closed form = dense
            assert abs(p["rotated"]["lambda_max"] - p["lambda_max"]) <= tol.LANCZOS_REL * p["lambda_max"]
            assert len(p["rotated"]["norm11_by_seed"]) == len(res["seeds"])
    gd = res["opts"]["gd"]
    assert gd["equivariance_max_rel_loss_deviation"] <= tol.NONEQUIVARIANT_REL
    assert all(abs(x - 1) < 1e-6 for r in gd["per_step"] for x in r["ratios"])


def test_printed_statement_holds(res):
    r = m.judge(m.printed(), res)
    assert r.verdict is Verdict.HOLDS, r.finding
    assert set(_parts(r).values()) == {"holds"}


def test_claim_is_registered_under_its_ext_id():
    from theorycheck.core.registry import all_claims, get

    c = get("EXT.x24_on_k24")
    assert c.provenance == "derived"
    assert c.check(c.printed_statement(), "quick").verdict is Verdict.HOLDS
    assert "X24.k24" not in {x.id for x in all_claims()}
    assert m.check_k24 is m.check_x24_on_k24  # the old name keeps working


def test_rejects_x24_reading(res):
    """X24's reading on this model (Adam slower under rotation, following ||H||_11) is rejected."""
    p = m.printed()
    p["adam_under_rotation"], p["adam_constant"] = "slower", "norm11"
    r = m.judge(p, res)
    parts = _parts(r)
    assert parts["rotation_adam"] == "corrected" and parts["governed_adam"] == "corrected"
    assert "unchanged under a Haar rotation (printed: slower)" in r.correction


def test_correction_follows_the_statement(res):
    p = m.printed()
    p["adam_under_rotation"] = "faster"
    r = m.judge(p, res)
    assert "(printed: faster)" in r.correction and "(printed: slower)" not in r.correction


def test_rejects_wrong_spectrum_statements(res):
    p = m.printed()
    p["lambda_max_invariant"] = False
    assert m.judge(p, res).verdict is Verdict.FAILS
    p = m.printed()
    p["norm11_grows"] = False
    assert _parts(m.judge(p, res))["spectrum"] == "corrected"


def test_verdict_follows_synthetic_measurements(res):
    """Measurements where rotated Adam ends x3 higher at every seed (and ||H||_11 grows x2 along its
    path) reject the measured statement and accept X24's reading."""
    fake = copy.deepcopy(res)
    for key in ("adam", "adam_b0.9"):
        _set_ratios(fake["opts"][key], 3.0)
        fake["opts"][key]["norm11_ratio"] = 2.0
    assert _parts(m.judge(m.printed(), fake))["rotation_adam"] == "corrected"
    p = m.printed()
    p["adam_under_rotation"], p["adam_constant"] = "slower", "norm11"
    r = m.judge(p, fake)
    assert r.verdict is Verdict.HOLDS, r.finding


def test_mixed_changes_and_equal_predictions_are_inconclusive(res):
    fake = copy.deepcopy(res)
    o = fake["opts"]["adam"]
    _set_ratios(o, 1.0)
    o["per_step"][0]["ratios"] = o["per_step"][0]["ratios_at_half_horizon"] = [3.0, 3.1, 2.9]
    o["per_step"][-1]["ratios"] = o["per_step"][-1]["ratios_at_half_horizon"] = [0.3, 0.31, 0.29]
    assert m.measured_change(o) == "mixed"
    assert _parts(m.judge(m.printed(), fake))["rotation_adam"] == "inconclusive"
    _set_ratios(o, 1.0)
    o["per_step"][0]["ratios_at_half_horizon"] = [3.0, 3.1, 2.9]  # slower at T/2 only: depends on the horizon
    assert m.measured_change(o) == "mixed"
    o["per_step"][0]["ratios"] = [0.5, 5.0, 1.0]  # straddles F: undecided
    assert m.change_of(o["per_step"][0]["ratios"])[0] == "undecided"
    fake["opts"]["gd"]["norm11_ratio"] = 1.0
    assert _parts(m.judge(m.printed(), fake))["governed_gd"] == "inconclusive"


def test_change_categories_and_bad_input(res):
    F = tol.X24_K24_CHANGE_FACTOR
    assert m.change(F * 1.01) == "slower" and m.change(1 / (F * 1.01)) == "faster" and m.change(1.0) == "unchanged"
    assert m.change(float("nan")) == "undefined" and m.change(0.0) == "undefined"
    assert m.change_of([2.0, 2.1, 1.9])[0] == "slower" and m.change_of([1.0, 1.01, 0.99])[0] == "unchanged"
    p = m.printed()
    p["adam_under_rotation"] = "much slower"
    with pytest.raises(ValueError, match="printed"):
        m.judge(p, res)
    p = m.printed()
    p["gd_constant"] = "trace"
    with pytest.raises(ValueError, match="printed"):
        m.judge(p, res)
