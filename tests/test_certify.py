"""core/certify.py: branch and bound on Arb balls certifies true inequalities, refutes false ones
with a certified counterexample, and reports what it cannot decide; no float passes through."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

flint = pytest.importorskip("flint")
from flint import arb  # noqa: E402

from theorycheck.core.certify import (  # noqa: E402
    arb_function,
    bound_str,
    certify_bounds,
    certify_nonnegative,
    enclose_max,
    evaluate,
    to_arb,
)

x = sp.Symbol("x")


def test_true_inequality_is_certified_even_where_it_touches_zero():
    # exp(x) >= 1 + x, equality at x = 0 (a bisection point): plain intervals never certify the
    # pieces next to 0, the Taylor forms do
    c = certify_nonnegative(sp.exp(x) - 1 - x, -1, 1)
    assert c.certified and c.undecided_count == 0
    ev = c.as_evidence()
    assert ev["range"] == ["-1.0000000000000000000", "1.0000000000000000000"]
    assert ev["status"] == "certified"
    # without the Taylor forms, the touching point is undecidable
    assert certify_nonnegative(sp.exp(x) - 1 - x, -1, 1, order=0, max_depth=12).status == "undecided"


def test_false_inequality_is_refuted_with_a_certified_counterexample():
    g = (3 * x - 1) ** 2 - sp.Rational(1, 10**6)  # negative on (1/3 - 1/3000, 1/3 + 1/3000)
    c = certify_nonnegative(g, 0, 1)
    assert c.refuted
    ce = c.counterexample
    m, e = ce["x"].split(" ")[0].split("*2^")
    xq = Fraction(int(m), 2 ** -int(e)) if int(e) < 0 else Fraction(int(m) * 2 ** int(e))
    assert abs(xq - Fraction(1, 3)) < Fraction(1, 3000)  # the point really is in the bad set
    assert evaluate(g, xq) < 0  # re-evaluated from the exact point: certified negative


def test_touching_at_an_interior_point_is_reported_undecided():
    # (3x - 1)^2 >= 0 is true, but touches 0 at 1/3, which no dyadic bisection point hits
    c = certify_nonnegative((3 * x - 1) ** 2, 0, 1, max_depth=20)
    assert c.status == "undecided"
    assert c.undecided_count >= 1
    lo, hi = (Fraction(s) for s in c.undecided[0])
    assert lo < Fraction(1, 3) < hi
    assert c.pieces > 0 and c.lower_bound is not None


def test_strict_inequality_and_end_points():
    assert certify_nonnegative(x**2, 0, 1).certified
    c = certify_nonnegative(x**2, 0, 1, strict=True)
    assert c.refuted and c.counterexample["x"].startswith("0*2^") or c.counterexample["x"].startswith("0")
    assert certify_nonnegative(sp.sin(x), 0, 4).refuted  # sin(4) < 0


def test_bounds_lower_and_upper():
    # W(x) <= log(x) on [3, 100] and W(x) >= log(x) - log(log(x)) there (HH08-type, easy part)
    res = certify_bounds(sp.LambertW(x), 3, 100, lower=sp.log(x) - sp.log(sp.log(x)), upper=sp.log(x))
    assert res["lower"].certified and res["upper"].certified
    res = certify_bounds(sp.LambertW(x), 1, 10, upper=sp.Rational(1, 2))
    assert res["upper"].refuted
    # both bounds are equalities at x = e, which is not a dyadic number: honestly undecided there
    res = certify_bounds(sp.LambertW(x), sp.E, 100, upper=sp.log(x), max_depth=16)
    assert res["upper"].status == "undecided"


def test_geometric_bisection_over_decades():
    c = certify_nonnegative(x - sp.log(x) - 1 + sp.Rational(1, 10**9), "1e-3", "1e6", geometric=True)
    assert c.certified


def test_enclose_max():
    m = enclose_max(x * sp.exp(-x), 0, 10)
    lo, hi = (float(v) for v in m.as_evidence()["sup_in"])
    import math

    assert lo <= math.exp(-1) <= hi and hi - lo < 1e-10


def test_no_float_passes_through():
    with pytest.raises(ValueError, match="float"):
        to_arb(0.1)
    with pytest.raises(ValueError, match="float"):
        arb_function(x + sp.Float("0.1"))
    with pytest.raises(TypeError, match="float"):
        import math

        evaluate(lambda v: math.log(v), 2)
    with pytest.raises(ValueError, match="lo"):
        certify_nonnegative(x, 0.0, 1)
    with pytest.raises(ValueError, match="lo, hi"):
        certify_nonnegative(x, 2, 1)
    # a decimal string is the decimal the reader wrote (a ball containing 1/10), not a binary float
    tenth = to_arb("0.1")
    assert Fraction(bound_str(tenth, "lower")) <= Fraction(1, 10) <= Fraction(bound_str(tenth, "upper"))
    assert to_arb(sp.Rational(1, 3)).contains(to_arb("1/3"))
    assert to_arb(sp.E).contains(arb.const_e())


def test_bound_str_is_rigorous():
    third = to_arb("1/3")
    assert Fraction(bound_str(third, "lower")) <= Fraction(1, 3) <= Fraction(bound_str(third, "upper"))


def test_evaluate_at_a_requested_precision():
    v = evaluate(sp.exp(x), 1, prec=300)
    assert v.rad() < arb("1e-85")
    assert flint.ctx.prec == 53  # restored
