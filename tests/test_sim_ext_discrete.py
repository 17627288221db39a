"""EXT.discrete.* and EXT.rotation: the derived statements hold; wrong variants are rejected."""

import sympy as sp

from theorycheck.claims.ext import discrete as m
from theorycheck.core.result import Verdict


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


def _syms():
    alpha, pi, t = sp.symbols("alpha pi_k t", positive=True)
    c = sp.Symbol("c", positive=True, integer=True)
    u = sp.Symbol("u", real=True)
    return alpha, pi, t, c, u


def test_reduction_holds_and_rejects_wrong_recurrences():
    assert m.check_reduction(m.printed_reduction(), "quick").verdict is Verdict.HOLDS
    alpha, pi, t, c, u = _syms()
    p = m.printed_reduction()
    p["gd_u_increment"] = alpha * pi / (1 + sp.exp(u - sp.log(c - 1)))  # missing the factor c/z
    p["sign_loss"] = sp.log(1 + (c - 1) * sp.exp(-c * alpha * t))  # the e^{-ct} of the printed lemma 7
    parts = _parts(m.check_reduction(p, "quick"))
    assert parts["gd_recurrence"] == "corrected"
    assert parts["sign_closed_form"] == "corrected"


def test_gd_rate_holds_and_rejects_wrong_slope_limit_and_collapse():
    r = m.check_gd_rate(m.printed_gd_rate(), "quick")
    assert r.verdict is Verdict.HOLDS
    alpha, pi, t, c, u = _syms()
    p = m.printed_gd_rate()
    p["loglog_slope"] = -2
    p["limit_alpha_pi_t_loss"] = sp.Integer(1) + 1 / c  # wrong constant
    p["collapse_variable"] = alpha * t  # no pi: no collapse
    parts = _parts(m.check_gd_rate(p, "quick"))
    assert parts == {"slope": "corrected", "sharp_constant": "corrected", "collapse": "corrected"}


def test_sign_spread():
    assert m.check_sign_spread(m.printed_sign_spread(), "quick").verdict is Verdict.HOLDS
    assert m.check_sign_spread({"spread": 0.5}, "quick").verdict is Verdict.CORRECTED


def test_adam_eps():
    assert m.check_adam_eps(m.printed_adam_eps(), "quick").verdict is Verdict.HOLDS
    p = {"spread_vanishes_as_eps_to_0": True, "default_eps_pi_independent": True}
    assert _parts(m.check_adam_eps(p, "quick"))["default_eps"] == "corrected"


def test_ngd():
    assert m.check_ngd(m.printed_ngd(), "quick").verdict is Verdict.HOLDS
    p = {"removes_pi_dependence": True, "is_gd_with_step_alpha_over_grad_norm": True}
    assert _parts(m.check_ngd(p, "quick"))["pi_dependence"] == "corrected"


def test_rotation():
    assert m.check_rotation(m.printed_rotation(), "quick").verdict is Verdict.HOLDS
    p = {"gd_equivariant": False, "adam_equivariant": True, "sign_equivariant": False}
    parts = _parts(m.check_rotation(p, "quick"))
    assert parts["gd"] == "corrected" and parts["adam"] == "corrected" and parts["sign"] == "holds"
