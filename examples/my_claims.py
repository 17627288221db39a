"""My paper, Lemma 1: for all x > 0, log(x) <= x - 1.  Run: theorycheck verify --claims examples/my_claims.py"""
import sympy as sp

from theorycheck import Result, Variant, Verdict, claim

x = sp.Symbol("x", positive=True)


def wrong_forms(rhs):
    """Wrong forms of the right-hand side the check must reject, and a true, stronger one it must not."""
    return [Variant("x - 2 (wrong constant)", "constant", rhs - 1),
            Variant("1 - x (flipped sign)", "sign", -rhs),
            Variant("x^2/2 - 1 (wrong exponent)", "exponent", x**2 / 2 - 1),
            Variant("2 (sqrt(x) - 1) (true and stronger)", "stronger", 2 * (sp.sqrt(x) - 1))]


@claim("MY.lemma1", source="My paper, Lemma 1", statement="For all x > 0: log(x) <= x - 1",
       provenance="derived", printed=lambda: x - 1,  # the right-hand side, as printed
       variants=wrong_forms)
def my_lemma1(printed, profile):
    gap = printed - sp.log(x)  # the lemma says: gap >= 0 for every x > 0
    # gap is smooth on (0, oo): its infimum is at a critical point or a limit at an end
    crit = sp.solveset(sp.diff(gap, x), x, sp.Interval.open(0, sp.oo))
    ends = [sp.limit(gap, x, 0, "+"), sp.limit(gap, x, sp.oo)]
    if crit.is_finite_set is not True or any(e.has(sp.Limit) for e in ends):
        return Result(Verdict.INCONCLUSIVE, "SymPy could not find every critical point", "symbolic")
    at = {c: sp.simplify(gap.subs(x, c)) for c in crit}
    evidence = {"gap": str(gap), "gap_at_critical_points": {str(c): str(v) for c, v in at.items()},
                "limits_at_0_and_oo": [str(e) for e in ends]}
    bad = [(f"x = {c}", v) for c, v in at.items() if v.is_negative]
    bad += [(w, e) for w, e in zip(["x -> 0+", "x -> oo"], ends) if e.is_extended_negative]
    if bad:
        evidence["counterexample"] = {"where": bad[0][0], "gap": str(bad[0][1])}
        return Result(Verdict.FAILS, f"log(x) > {printed} at {bad[0][0]}", "symbolic", evidence)
    if all(v.is_extended_nonnegative for v in [*at.values(), *ends]):
        return Result(Verdict.HOLDS, "the gap's minimum over x > 0 is >= 0", "symbolic", evidence, strength="proved")
    return Result(Verdict.INCONCLUSIVE, "could not decide the sign of the gap", "symbolic", evidence)
