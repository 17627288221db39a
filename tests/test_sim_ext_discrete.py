"""EXT.discrete.* and EXT.rotation: the derived statements hold; wrong variants are rejected."""

from types import SimpleNamespace

import sympy as sp

from theorycheck.claims.ext import discrete, discrete_invariance
from theorycheck.core.result import Verdict

m = SimpleNamespace(**{**vars(discrete), **vars(discrete_invariance)})  # the discrete-time EXT claim modules as one namespace


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
    r = m.check_sign_spread(m.printed_sign_spread(), "quick")
    assert r.verdict is Verdict.HOLDS and r.strength == "proved"
    assert m.check_sign_spread({"spread": 0.5}, "quick").verdict is Verdict.CORRECTED
    p = {**m.printed_sign_spread(), "optimizers": ("Sign", "GD")}
    r = m.check_sign_spread(p, "quick")
    assert r.verdict is Verdict.CORRECTED and r.strength == "empirical" and "Sign, GD" in r.correction


def test_adam_eps():
    assert m.check_adam_eps(m.printed_adam_eps(), "quick").verdict is Verdict.HOLDS
    p = {**m.printed_adam_eps(), "default_eps_pi_independent": True}
    assert _parts(m.check_adam_eps(p, "quick"))["default_eps"] == "corrected"
    p = {**m.printed_adam_eps(), "spread_vanishes_as_eps_to": "inf"}
    r = m.check_adam_eps(p, "quick")
    assert _parts(r)["eps_limit"] == "corrected" and "not inf" in r.correction


def test_ngd():
    r = m.check_ngd(m.printed_ngd(), "quick")
    assert r.verdict is Verdict.HOLDS
    lo, hi = r.evidence["pi_dependence"]["tau_half_vs_pi"]["exponent_ci"]
    assert lo - 0.05 <= -1 <= hi + 0.05
    p = {**m.printed_ngd(), "removes_pi_dependence": True}
    assert _parts(m.check_ngd(p, "quick"))["pi_dependence"] == "corrected"
    p = {**m.printed_ngd(), "tau_half_exponent_in_pi": -0.5}
    r = m.check_ngd(p, "quick")
    assert _parts(r)["pi_dependence"] == "corrected" and "(printed -0.5)" in r.correction


def test_corrections_follow_the_statement():
    alpha, pi, t, c, u = _syms()
    for wrong in (2 * (c - 1) / c, (c + 1) / c):
        p = {**m.printed_gd_rate(), "limit_alpha_pi_t_loss": wrong}
        r = m.check_gd_rate(p, "quick")
        assert r.verdict is Verdict.CORRECTED and r.correction.endswith(f"not {sp.sympify(wrong)}"), r.correction
    p = m.printed_reduction()
    p["sign_loss"] = sp.log(1 + (c - 1) * sp.exp(-3 * alpha * t))
    r = m.check_reduction(p, "quick")
    assert str(p["sign_loss"]) in r.correction and r.strength == "proved"


def test_gd_rate_in_every_parameter():
    r = m.check_gd_rate(m.printed_gd_rate(), "quick")
    rates = r.evidence["rates_in_each_parameter"]
    assert rates["compare_with_-1"] == {"pi": "agrees", "alpha": "agrees"}
    assert len(rates["limit_vs_c"]) >= 4


def test_rotation():
    assert m.check_rotation(m.printed_rotation(), "quick").verdict is Verdict.HOLDS
    p = {"gd_equivariant": False, "adam_equivariant": True, "sign_equivariant": False}
    parts = _parts(m.check_rotation(p, "quick"))
    assert parts["gd"] == "corrected" and parts["adam"] == "corrected" and parts["sign"] == "holds"


def _run_in_order(ids):
    """Run the claims ``ids`` in this order in a fresh process; their results as JSON."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    code = ("import json, sys\nfrom theorycheck.core import registry\nout = {}\n"
            "for i in sys.argv[1:]:\n    out[i] = registry.get(i).run('quick').result.to_dict()\nprint(json.dumps(out))")
    p = subprocess.run([sys.executable, "-c", code, *ids], capture_output=True, text=True, timeout=900,
                       cwd=Path(__file__).resolve().parents[1])
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_evidence_does_not_depend_on_run_order():
    """Issue 11: a claim's evidence is the same whichever claims ran before it in the process (per-claim
    random streams, caches keyed by everything they depend on)."""
    ids = ["EXT.rotation", "EXT.discrete.ngd", "X24.blockwise", "EXT.discrete.sign_spread"]
    a, b = _run_in_order(ids), _run_in_order(ids[::-1])
    for i in ids:
        assert a[i] == b[i], i
