"""K24 data claims: the Zipf mass argument of appendix H (``K24.H.zipf``) and the counts
of the "Random Heavy-Tailed Labels" data set of appendix A.2 (``K24.A2.data``).

``K24.H.zipf``: with ``pi_k = 1/(k H(c))`` the sum of the first ``m`` frequencies is
``H(m)/H(c)``. Harmonic numbers are computed with ``mpmath.harmonic`` (digamma based,
``MP_DPS`` digits or more) and cross-checked by a float64 sum of the reciprocals up to
``c = 10^7`` (``math.fsum`` in the full profile) and by exact ``Fraction`` sums for small
``c``. The asymptotic statement is decided through the sharp form

    H(ceil(c/L^2)) / H(c) = (L - 2 log L + gamma) / (L + gamma) + O(L/c),   L = log c,

(from ``H(m) = log m + gamma + O(1/m)``), which is validated against the exact values
for ``c`` up to ``10^300``; limits of the sharp form are taken by SymPy.

``K24.A2.data``: the data set is built by :mod:`theorycheck.models.datasets` from its
description and ``c``, ``n``, ``d`` are counted.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine

# ------------------------------------------------------------------------------------------
# K24.H.zipf
# ------------------------------------------------------------------------------------------

def _zsym():
    import sympy as sp

    return sp, sp.Symbol("c", positive=True)


def printed_zipf():
    """Appendix H as printed (upper indices before the ceiling, the Theta argument, the limit,
    and the lower bound pi_k c >= log c for k <= c/log(c)^2)."""
    sp, c = _zsym()
    return {
        "first_sum_upper": c / sp.log(c),          # sum_{k=1}^{ceil(c/log c)} pi_k
        "middle_upper": c / sp.log(c) ** 2,        # = H(ceil(c/log(c)^2)) / H(c)
        "theta_of": (sp.log(c) - 2 * sp.log(sp.log(c))) / sp.log(c),
        "limit": 1,
        "pi_c_lower_bound": sp.log(c),             # pi_k c >= log(c) for k <= c/log(c)^2
    }


def harmonic(n: int, dps: int | None = None):
    """``H(n) = sum_{k<=n} 1/k`` as an mpmath number (``digamma(n+1) + gamma``) with
    ``max(MP_DPS, digits(n) + 20)`` digits. ``n >= 0`` integer."""
    import mpmath

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n: must be an integer >= 0, got {n!r}")
    with mpmath.workdps(dps or max(tol.MP_DPS, len(str(int(n))) + 20)):
        return +mpmath.harmonic(int(n))


def harmonic_float(n: int) -> float:
    """``H(n)`` in float64, summing the reciprocals smallest first (numpy pairwise sum)."""
    return float(np.sum(1.0 / np.arange(n, 0, -1, dtype=np.float64)))


def _float_H(n: int, use_fsum: bool) -> float:
    return math.fsum(1.0 / np.arange(n, 0, -1, dtype=np.float64)) if use_fsum else harmonic_float(n)


def _ceil_of(expr, c_val):
    """``ceil(expr(c))`` exactly, for an integer ``c`` (enough digits for the integer part)."""
    import mpmath
    import sympy as sp

    _, c = _zsym()
    f = sp.lambdify(c, expr, "mpmath")
    with mpmath.workdps(max(tol.MP_DPS, len(str(int(c_val))) + 30)):
        v = f(mpmath.mpf(int(c_val)))
        return int(mpmath.ceil(v)), v


def _zipf_sums(p, grid, exact_upto, fsum_upto):
    import mpmath

    rows = []
    worst_float = 0.0
    worst_exact = 0.0
    for cv in grid:
        m1, _ = _ceil_of(p["first_sum_upper"], cv)
        m2, _ = _ceil_of(p["middle_upper"], cv)
        with mpmath.workdps(tol.MP_DPS):
            Hc = harmonic(cv)
            s1 = harmonic(m1) / Hc
            s2 = harmonic(m2) / Hc
        use_fsum = cv <= fsum_upto
        for m, sv in ((m1, s1), (m2, s2)):
            if m <= cv:
                f = _float_H(m, use_fsum) / _float_H(cv, use_fsum)
                worst_float = max(worst_float, abs(f - float(sv)) / float(sv))
        if cv <= exact_upto:
            Hx = sum(Fraction(1, k) for k in range(1, cv + 1))
            for m, s in ((m1, s1), (m2, s2)):
                ex = sum(Fraction(1, k) for k in range(1, m + 1)) / Hx
                worst_exact = max(worst_exact, abs(float(ex - Fraction(str(mpmath.nstr(s, 40)))) / float(ex)))
        rows.append({"c": cv, "ceil_first_upper": m1, "ceil_middle_upper": m2,
                     "sum_to_first_upper": mpmath.nstr(s1, 15), "H(middle)/H(c)": mpmath.nstr(s2, 15),
                     "difference": mpmath.nstr(s1 - s2, 6)})
    return rows, worst_float, worst_exact


def _sharp_form_validation(grid):
    """Residual of the sharp form (L - 2 log L + gamma)/(L + gamma) against the exact
    H(ceil(c/L^2))/H(c), scaled by c/L (bounded if the O(L/c) remainder is right)."""
    import mpmath

    rows = []
    worst_scaled = 0.0
    for e in grid:
        with mpmath.workdps(max(tol.MP_DPS, e + 40)):
            cv = mpmath.mpf(10) ** e
            L = mpmath.log(cv)
            m = int(mpmath.ceil(cv / L ** 2))
            exact = harmonic(m, mpmath.mp.dps) / harmonic(int(cv), mpmath.mp.dps)
            sharp = (L - 2 * mpmath.log(L) + mpmath.euler) / (L + mpmath.euler)
            resid = exact - sharp
            # rigorous bound: 0 <= log(m/(c/L^2)) < L^2/c, 0 < H(m) - log m - gamma < 1/(2m) <= L^2/(2c),
            # 0 < H(c) - L - gamma < 1/(2c)  =>  |exact - sharp| <= (3/2 L^2 + 1/2) / (c (L + gamma))
            bound = (mpmath.mpf(3) / 2 * L ** 2 + mpmath.mpf(1) / 2) / (cv * (L + mpmath.euler))
            scaled = abs(resid) / bound
            worst_scaled = max(worst_scaled, float(scaled))
            rows.append({"c": f"1e{e}", "H(ceil(c/L^2))/H(c)": mpmath.nstr(exact, 12), "sharp_form": mpmath.nstr(sharp, 12),
                         "residual": mpmath.nstr(resid, 5), "|residual| / bound": mpmath.nstr(scaled, 5),
                         "(L-2logL)/L": mpmath.nstr((L - 2 * mpmath.log(L)) / L, 12),
                         "deficit ratio (1-S)/(2 log L/L)": mpmath.nstr((1 - exact) / (2 * mpmath.log(L) / L), 8)})
    return rows, worst_scaled


def variants_zipf(pr):
    """Wrong forms of appendix H's mass argument (each with the other parts as printed)."""
    sp, c = _zsym()
    return [
        Variant("Theta argument divided by log c (exponent)", "exponent", {**pr, "theta_of": pr["theta_of"] / sp.log(c)}),
        Variant("Theta argument (log c - 2 log log c)/c (dependence on c)", "dependence",
                {**pr, "theta_of": pr["theta_of"] * sp.log(c) / c}, param="c"),
        Variant("limit 2 (constant)", "constant", {**pr, "limit": 2 * pr["limit"]}),
        Variant("limit -1 (sign)", "sign", {**pr, "limit": -pr["limit"]}),
        Variant("pi_k c >= 2 log c (constant)", "constant", {**pr, "pi_c_lower_bound": 2 * pr["pi_c_lower_bound"]}),
    ]


@claim(
    "K24.H.zipf",
    provenance="seed-fulltext", source=cite("K24", "appendix H (after Proposition 2)"), parameters=("c",),
    variants=variants_zipf,
    statement=("With pi_k = 1/(k H(c)) the correlation holds for the first k <= c/log(c)^2 classes as pi_k c >= log(c), "
               "and sum_{k=1}^{ceil(c/log(c))} pi_k = H(ceil(c/log(c)^2))/H(c) = Theta((log(c) - 2 log log(c))/log(c)) -> 1."),
    printed=printed_zipf,
)
def check_zipf(printed, profile):
    import mpmath
    import sympy as sp

    _, c = _zsym()
    full = profile == "full"
    grid = [3, 10, 100, 1000, 12345, 10**4, 10**5, 10**6, 10**7]
    rows, worst_float, worst_exact = _zipf_sums(printed, grid, exact_upto=1000, fsum_upto=10**7 if full else 10**5)
    ev_sum = {"rows": rows, "float_cross_check_max_rel": worst_float, "exact_fraction_cross_check_max_rel": worst_exact,
              "tolerance": tol.FLOAT64_REL, "method": "mpmath.harmonic (digamma), float64 sums, exact Fractions (c <= 1000)"}
    parts = {}
    if worst_float > tol.FLOAT64_REL or worst_exact > tol.FLOAT64_REL:
        parts["sum_equality"] = Result(Verdict.INCONCLUSIVE, "harmonic-number routes disagree", "numeric+exact", ev_sum)
    else:
        first, mid = printed["first_sum_upper"], printed["middle_upper"]
        bad = [r for r in rows if r["c"] >= 3 and r["ceil_first_upper"] != r["ceil_middle_upper"]
               and abs(float(mpmath.mpf(r["difference"]))) > tol.SYMBOLIC_REFUTE_REL]
        if not bad:
            parts["sum_equality"] = Result(Verdict.HOLDS, "both printed sums agree at every c on the grid", "numeric+exact", ev_sum)
        else:
            r = bad[-1]
            ev_sum["counterexample"] = r
            parts["sum_equality"] = Result(
                Verdict.CORRECTED,
                f"the two printed sums differ (c = {r['c']}: {r['sum_to_first_upper']} vs {r['H(middle)/H(c)']})",
                "numeric+exact", ev_sum,
                correction=(f"sum_{{k=1}}^{{ceil({mid})}} pi_k = H(ceil({mid}))/H(c): the upper index of the first sum "
                            f"must be ceil({mid}); with ceil({first}) the sum is H(ceil({first}))/H(c), a different "
                            f"({'larger' if float(mpmath.mpf(r['difference'])) > 0 else 'smaller'}) number "
                            f"(c = {r['c']}: {r['sum_to_first_upper']} vs {r['H(middle)/H(c)']})"))
    # asymptotics: sharp form validated numerically, limits by SymPy
    L = sp.Symbol("L", positive=True)
    sharp = (L - 2 * sp.log(L) + sp.EulerGamma) / (L + sp.EulerGamma)
    A = sp.sympify(printed["theta_of"]).subs(c, sp.exp(L))
    exps = [3, 5, 7, 10, 20, 50, 100] + ([200, 300] if full else [])
    srows, worst_scaled = _sharp_form_validation(exps)
    lim_ratio = sp.limit(sp.simplify(sharp / A), L, sp.oo)
    lim_sharp = sp.limit(sharp, L, sp.oo)
    lim_deficit = sp.limit((1 - sharp) / (1 - A), L, sp.oo) if sp.simplify(1 - A) != 0 else None
    ev_as = {"sharp_form": "H(ceil(c/L^2))/H(c) = (L - 2 log L + gamma)/(L + gamma) + r, |r| <= (3/2 L^2 + 1/2)/(c (L + gamma)), L = log c",
             "validation": srows, "max |residual| / bound": worst_scaled,
             "bound": "(3/2 L^2 + 1/2) / (c (L + gamma)), from 0 < H(n) - log n - gamma < 1/(2n) and the ceiling",
             "limit(sharp / printed Theta argument)": str(lim_ratio), "limit(sharp)": str(lim_sharp),
             "limit(deficit ratio (1 - sharp)/(1 - printed))": str(lim_deficit), "claimed_theta_of": str(printed["theta_of"]),
             "claimed_limit": str(printed["limit"])}
    if worst_scaled > 1.0:  # the residual must respect the rigorous bound derived above
        parts["asymptotic"] = Result(Verdict.INCONCLUSIVE, "the sharp form does not match the exact values", "symbolic+numeric", ev_as)
    else:
        from theorycheck.core.symcheck import prove_equal

        theta_ok = lim_ratio.is_finite and lim_ratio.is_positive
        unevaluated = any(x is not None and x.has(sp.Limit) for x in (lim_ratio, lim_sharp))
        pl = None if unevaluated else prove_equal(lim_sharp, sp.sympify(printed["limit"]))
        if pl is not None:
            ev_as["limit_equality"] = pl.as_evidence()
        lim_ok = pl is not None and pl.proved
        if unevaluated or (theta_ok and pl is not None and not pl.proved and not pl.refuted):
            parts["asymptotic"] = Result(Verdict.INCONCLUSIVE, "SymPy left a limit unevaluated or could not decide the "
                                         "printed limit", "symbolic+numeric", ev_as)
        elif theta_ok and lim_ok:
            exact_first = lim_deficit == 1
            corr = ("H(ceil(c/log(c)^2))/H(c) = (log c - 2 log log c + gamma)/(log c + gamma) + O(log(c)/c); in particular "
                    "it is ~ (log c - 2 log log c)/log c (ratio -> 1) and 1 - sum ~ 2 log log(c)/log(c); the convergence to 1 "
                    f"is slow: {srows[2]['H(ceil(c/L^2))/H(c)']} at c = 1e7, {srows[-1]['H(ceil(c/L^2))/H(c)']} at c = {srows[-1]['c']}")
            if exact_first:
                parts["asymptotic"] = Result(Verdict.SHARPENED, "Theta holds with constant 1 (sharp form with explicit gamma terms)",
                                             "symbolic+numeric", ev_as, correction=corr)
            else:
                parts["asymptotic"] = Result(Verdict.HOLDS, "Theta and the limit hold", "symbolic+numeric", ev_as)
        else:
            ev_as["counterexample"] = {"limit(sharp/printed)": str(lim_ratio), "limit(sharp)": str(lim_sharp),
                                       "values": srows[-1]}
            wrong = ([f"sharp/({printed['theta_of']}) -> {lim_ratio}"] if not theta_ok else []) + \
                ([f"the limit is {lim_sharp}, not {printed['limit']}"] if not lim_ok else [])
            parts["asymptotic"] = Result(
                Verdict.CORRECTED, "printed Theta argument or limit disagrees with the sharp form: " + "; ".join(wrong),
                "symbolic+numeric", ev_as,
                correction=(f"H(ceil(c/log(c)^2))/H(c) = {sharp.subs(L, sp.Symbol('log(c)'))} + O(log(c)/c) = "
                            f"Theta((log c - 2 log log c)/log c) -> {lim_sharp} (" + "; ".join(wrong) + ")"))
    # pi_k c >= log c for k <= c / log(c)^2
    lb = sp.lambdify(c, printed["pi_c_lower_bound"], "mpmath")
    brows = []
    fails = []
    for cv in grid:
        with mpmath.workdps(tol.MP_DPS):
            kmax = int(mpmath.floor(mpmath.mpf(cv) / mpmath.log(cv) ** 2))
            if kmax < 1:
                continue
            val = mpmath.mpf(cv) / (kmax * harmonic(cv))  # min over k <= kmax of pi_k c
            bound = lb(mpmath.mpf(cv))
            row = {"c": cv, "k_max": kmax, "min pi_k c": mpmath.nstr(val, 10), "claimed_lower_bound": mpmath.nstr(bound, 10),
                   "log(c)^2/H(c)": mpmath.nstr(mpmath.log(cv) ** 2 / harmonic(cv), 10)}
            brows.append(row)
            if val < bound:
                fails.append(row)
    ev_b = {"rows": brows}
    if fails:
        ev_b["counterexample"] = fails[-1]
        parts["pi_c_bound"] = Result(
            Verdict.CORRECTED, f"pi_k c < printed bound for the last classes k <= c/log(c)^2 (c = {fails[-1]['c']}: "
            f"{fails[-1]['min pi_k c']} < {fails[-1]['claimed_lower_bound']})", "numeric", ev_b,
            correction=(f"for k <= c/log(c)^2: pi_k c = c/(k H(c)) >= log(c)^2/H(c) = log(c)(1 - gamma/log c + o(1/log c)) "
                        f"-> infinity, below the printed {printed['pi_c_lower_bound']} (c = {fails[-1]['c']}: "
                        f"{fails[-1]['min pi_k c']} < {fails[-1]['claimed_lower_bound']}); the conclusion pi_k c -> "
                        "infinity is unaffected"))
    else:
        parts["pi_c_bound"] = Result(Verdict.HOLDS, "pi_k c >= printed bound for all k <= c/log(c)^2 on the grid", "numeric", ev_b)
    return combine(parts)


# ------------------------------------------------------------------------------------------
# K24.A2.data
# ------------------------------------------------------------------------------------------

#: largest m for which check_data builds the data set (n = m 2^m rows, d = 1: 1 M rows at m = 16);
#: above it c and n are counted group by group without allocating anything
DATA_BUILD_MAX_M = 16
#: largest m accepted at all (the per-group counts are exact Python integers of about m bits)
DATA_COUNT_MAX_M = 4096


def group_counts(m: int) -> dict:
    """Exact ``c = sum_{j=1}^m 2^(j-1)`` and ``n = sum_{j=1}^m 2^(j-1) 2^(m-j+1)`` from the group
    description (group ``j``: ``2^(j-1)`` classes of ``2^(m-j+1)`` samples), in O(m) integer
    operations and no arrays, so it works for any ``1 <= m <= DATA_COUNT_MAX_M``."""
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or not 1 <= m <= DATA_COUNT_MAX_M:
        raise ValueError(f"m: must be an integer in [1, {DATA_COUNT_MAX_M}], got {m!r}")
    m = int(m)
    c = sum(2 ** (j - 1) for j in range(1, m + 1))
    n = sum(2 ** (j - 1) * 2 ** (m - j + 1) for j in range(1, m + 1))
    return {"c": c, "n": n}


def printed_data():
    """Appendix A.2 as printed: formulas in m and the two stated variants (and table 1's m = 7)."""
    import sympy as sp

    m = sp.Symbol("m", positive=True, integer=True)
    return {
        "c": 2 ** (m + 1) - 1,
        "n": m * 2 ** m,
        "d": (m + 1) * 2 ** m,
        "variants": {11: {"n": 22528, "d": 24576, "c": 4095}, 8: {"n": 2048, "d": 2304, "c": 511}},
        "m_values": (7, 8, 11),
    }


def variants_data(pr):
    """Each count wrong on its own (the others mended to the group description), and the mended statement."""
    import sympy as sp

    m = sp.Symbol("m", positive=True, integer=True)
    mended = {**pr, "c": 2**m - 1,
              "variants": {k: {**v, "c": 2**k - 1} for k, v in pr["variants"].items()}}
    return [
        Variant("c = 2^(m+1) - 1 as printed (n, d and the values mended)", "part",
                {**mended, "c": pr["c"], "variants": pr["variants"]}),
        Variant("n = m 2^(m+1) (constant)", "constant", {**mended, "n": 2 * pr["n"]}),
        Variant("n = (m+1) 2^m (dependence on m)", "dependence", {**mended, "n": (m + 1) * 2**m}, param="m"),
        Variant("c = 2^(m-1) - 1 (exponent)", "exponent", {**mended, "c": 2 ** (m - 1) - 1}),
        Variant("stated n at m = 11 off by one", "other",
                {**mended, "variants": {**mended["variants"], 11: {**mended["variants"][11], "n": 22529}}}),
        Variant("stated d at m = 8 is 2048", "other",
                {**mended, "variants": {**mended["variants"], 8: {**mended["variants"][8], "d": 2048}}}),
        Variant("mended: c = 2^m - 1", "stronger", mended),
    ]


@claim(
    "K24.A2.data",
    provenance="seed-fulltext", source=cite("K24", "appendix A.2 (and table 1, appendices C and E)"),
    parameters=("m",), variants=variants_data,
    statement=("m groups: group j has 2^(j-1) classes with 2^(m-j+1) samples each. 'The inputs are in d = (m+1) 2^m "
               "dimensions, the number of samples is n = m 2^m and the number of classes is c = 2^(m+1) - 1'; "
               "variants m = 11: n = 22528, d = 24576, c = 4095; m = 8: n = 2048, d = 2304, c = 511; table 1: m = 7."),
    printed=printed_data,
)
def check_data(printed, profile):
    import sympy as sp

    from theorycheck.models import datasets

    msym = sp.Symbol("m", positive=True, integer=True)
    ms = sorted(set(printed["m_values"]) | set(printed["variants"]))
    for m in ms:
        if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or not 1 <= m <= DATA_COUNT_MAX_M:
            raise ValueError(f"m_values: each m must be an integer in [1, {DATA_COUNT_MAX_M}], got {m!r}")
    counted = {}
    for m in ms:
        m = int(m)
        d_default = (m + 1) * 2 ** m  # the paper *chooses* d; building X at m = 11 would take 4.4 GB
        if m > DATA_BUILD_MAX_M:
            counted[m] = {**group_counts(m), "d": d_default,
                          "d_source": "(m+1) 2^m", "c,n_source": f"counted per group (m > {DATA_BUILD_MAX_M}: not built)"}
            continue
        build_d = d_default if m <= 8 else 1
        data = datasets.heavy_tailed_labels(m, d=build_d, seed=0)
        X, y = data["X"], data["y"]
        counted[m] = {"c": int(np.unique(y).size), "n": int(X.shape[0]),
                      "d": int(X.shape[1]) if build_d == d_default else d_default,
                      "d_source": "X.shape[1]" if build_d == d_default else "(m+1) 2^m (X built with d = 1 to count c, n)"}
    # general truth for symbolic m, from the group description (group j: 2^(j-1) classes of 2^(m-j+1) samples)
    j = sp.Symbol("j", integer=True, positive=True)
    truth = {"c": sp.simplify(sp.Sum(2 ** (j - 1), (j, 1, msym)).doit()),
             "n": sp.simplify(sp.Sum(2 ** (j - 1) * 2 ** (msym - j + 1), (j, 1, msym)).doit())}
    parts = {}
    cross_rows = []
    for q in ("c", "n", "d"):
        formula = sp.sympify(printed[q])
        rows = []
        for m in ms:
            f_val = int(formula.subs(msym, m))
            v_val = printed["variants"].get(m, {}).get(q)
            t_val = int(truth[q].subs(msym, m)) if q in truth else None
            rows.append({"m": m, "built": counted[m][q], "printed_formula": f_val, "printed_variant": v_val,
                         **({"general_truth": t_val} if t_val is not None else {})})
            if q in truth:
                cross_rows.append({"q": q, "m": m, "built": counted[m][q], "general_truth": t_val})
        ev = {"rows": rows, "formula": str(formula)}
        if q in truth:
            from theorycheck.core.symcheck import prove_equal

            pr = prove_equal(formula, truth[q])
            ev.update({"truth": f"{q} = {truth[q]} (Sum over the m groups, symbolic m)", "comparison": pr.as_evidence()})
            bad_variant = [r for r in rows if r["printed_variant"] is not None and r["printed_variant"] != r["general_truth"]]
            vals = ", ".join(f"m = {m}: {int(truth[q].subs(msym, m))}" for m in ms)
            if pr.proved:
                parts[q] = Result(Verdict.HOLDS, f"{q} = {formula} for every m (proved)", "symbolic", ev, strength="proved")
            elif pr.refuted:
                bad = next(r for r in rows if r["printed_formula"] != r["general_truth"])
                note = ""
                for shift in (1, -1):
                    if sp.simplify(truth[q].subs(msym, msym + shift) - formula) == 0:
                        note = f"; the printed {q} is the count for m {'+' if shift > 0 else '-'} 1 groups"
                parts[q] = Result(Verdict.CORRECTED, f"printed {q} = {formula} disagrees with the group description "
                                  f"(m = {bad['m']}: {bad['general_truth']}, printed {bad['printed_formula']})", "symbolic",
                                  {**ev, "counterexample": bad}, strength="proved",
                                  correction=f"the group description gives {q} = {truth[q]} ({vals}), not {formula}{note}")
            else:
                parts[q] = Result(Verdict.INCONCLUSIVE, f"could not compare {q} = {formula} with {truth[q]}", "symbolic", ev)
            # the stated values at m = 11, 8 (exact, at those m)
            vev = {"values": {m: printed["variants"][m].get(q) for m in printed["variants"]}, "rows": rows}
            if bad_variant:
                r = bad_variant[0]
                parts[f"{q}_values"] = Result(Verdict.CORRECTED, f"stated {q} = {r['printed_variant']} at m = {r['m']}; "
                                              f"the description gives {r['general_truth']}", "exact",
                                              {**vev, "counterexample": r},
                                              correction=f"{q} = {truth[q]}: {vals}")
            else:
                parts[f"{q}_values"] = Result(Verdict.HOLDS, f"stated {q} values agree with {truth[q]}", "exact", vev)
            continue
        # d is a choice of the authors: the formula and the stated values must agree
        bad_variant = [r for r in rows if r["printed_variant"] is not None and r["printed_variant"] != r["printed_formula"]]
        ev["note"] = "d is a choice of the authors, not implied by the group description; checked for consistency"
        if not bad_variant:
            parts[q] = Result(Verdict.HOLDS, f"d = {formula} agrees with the stated values", "exact", ev)
        else:
            r = bad_variant[0]
            parts[q] = Result(Verdict.CORRECTED, f"d = {formula} gives {r['printed_formula']} at m = {r['m']}, the text "
                              f"states {r['printed_variant']}", "exact", {**ev, "counterexample": r},
                              correction=f"d = {formula} and the stated d disagree at m = {r['m']} "
                                         f"({r['printed_formula']} vs {r['printed_variant']}): one of them is misprinted")
    ok = all(r["built"] == r["general_truth"] for r in cross_rows)
    parts["built_data"] = Result(Verdict.HOLDS if ok else Verdict.INCONCLUSIVE,
                                 "c and n counted on the built data agree with the general formulas" if ok else
                                 "the built data disagree with the general formulas", "exact", {"rows": cross_rows})
    return combine(parts, cross_checks=["built_data"])

