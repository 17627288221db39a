"""K24.sec31: the printed statement, and wrong variants the check must reject."""

import sympy as sp

from theorycheck.claims.k24 import section31 as m
from theorycheck.core.result import Verdict

CHECK = m.check_sec31


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


def test_printed_statement():
    r = CHECK(m.printed(), "quick")
    parts = _parts(r)
    assert parts["gd_closed_form"] == "holds"
    assert parts["sign_descent"] == "holds"
    # the threshold beyond which GD is unstable is 2/pi_1, not 1/pi_1
    assert parts["step_threshold"] == "corrected"
    assert r.verdict is Verdict.CORRECTED and "2/pi_1" in r.correction


def test_true_threshold_holds():
    p = m.printed()
    pi1 = sp.Symbol("pi_1", positive=True)
    p["instability_threshold"] = 2 / pi1
    assert CHECK(p, "quick").verdict is Verdict.HOLDS


def test_rejects_flipped_sign_in_closed_form():
    p = m.printed()
    alpha, pi, w0 = sp.symbols("alpha pi_k w0", positive=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    p["gd_closed_form"] = (1 + alpha * pi) ** t * w0
    assert _parts(CHECK(p, "quick"))["gd_closed_form"] == "corrected"


def test_rejects_wrong_exponent_in_closed_form():
    p = m.printed()
    alpha, pi, w0 = sp.symbols("alpha pi_k w0", positive=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    p["gd_closed_form"] = (1 - alpha * pi) ** (t + 1) * w0
    assert _parts(CHECK(p, "quick"))["gd_closed_form"] == "corrected"


def test_rejects_claim_that_sign_descent_depends_on_pi():
    p = m.printed()
    p["sign_update_depends_on_pi"] = True
    assert _parts(CHECK(p, "quick"))["sign_descent"] == "corrected"


def test_threshold_correction_follows_the_statement():
    p = m.printed()
    pi1 = sp.Symbol("pi_1", positive=True)
    p["instability_threshold"] = 3 / pi1
    r = CHECK(p, "quick")
    assert "3/pi_1 is beyond the stable range" in r.correction
    assert r.strength == "proved"
