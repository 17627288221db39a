"""Y25 lemmas 3.1-3.3 on the unigram model: the smoothness constants ``L_2 = 1/2``,
``L_inf = 1`` (suprema), the minimal norms of the minimisers and the variance ``V_d``.
The derivations are in the docstrings of :mod:`._common` (general proofs over every ``d``) and
:mod:`._vd` (certified bounds on ``V_d`` for every ``d``)."""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.claims.y25._common import _sp, _sym_smoothness, decide_nonneg, lin_sums, src
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.rng import claim_rng
from theorycheck.models import unigram as u

# ----------------------------------------------------------------------------------------------
# Y25.lemma31: smoothness constants
# ----------------------------------------------------------------------------------------------

def printed_lemma31():
    sp = _sp()
    return {"L2_lower": sp.Rational(1, 2), "L2_upper": sp.Integer(1), "Linf": sp.Integer(1)}


def variants_lemma31(p):
    sp = _sp()
    d = sp.Symbol("d", positive=True)
    half = sp.Rational(1, 2)
    true = {"L2_lower": half, "L2_upper": half, "Linf": sp.Integer(1)}
    return [
        Variant("L_inf = 1/2 (the inf->inf pairing's value)", "constant", {**p, "Linf": p["Linf"] / 2}),
        Variant("L_2 <= 2/5 (upper end below the supremum)", "constant", {**p, "L2_upper": p["L2_upper"] * sp.Rational(2, 5)}),
        Variant("L_2 >= 3/4 (lower end above the supremum)", "constant", {**p, "L2_lower": p["L2_lower"] * sp.Rational(3, 2)}),
        Variant("L_inf = d/2 (grows with d; right only at d = 2)", "dependence", {**p, "Linf": p["Linf"] * d / 2}, param="d"),
        Variant("L_2 <= 2/d (shrinks with d)", "dependence", {**p, "L2_upper": p["L2_upper"] * 2 / d}, param="d"),
        Variant("L_2 <= -1 (sign)", "sign", {**p, "L2_upper": -p["L2_upper"]}),
        Variant("part L_2: range mended exactly, L_inf wrong (= 2)", "part", {**true, "Linf": 2 * p["Linf"]}),
        Variant("part L_inf: L_inf mended, L_2 range wrong ([1/4, 1/3])", "part",
                {**true, "L2_lower": sp.Rational(1, 4), "L2_upper": sp.Rational(1, 3)}),
        Variant("L_2 = 1/2 exactly and L_inf = 1 (the sharp statement)", "stronger", true),
    ]


def _num_smoothness(profile: str) -> dict:
    """Random and adversarial theta: largest lambda_max and largest max_{||v||_inf<=1} v^T H v
    (a sampled cross-check of the general proof)."""
    rng = claim_rng("Y25.lemma31", "numeric", profile)
    n = 200 if profile == "quick" else 3000
    worst2, worstinf, worst_rowsum = 0.0, 0.0, 0.0
    for i in range(n):
        d = int(rng.choice([2, 3, 5, 12, 40]))
        th = rng.standard_normal(d) * float(rng.choice([0.1, 1.0, 10.0, 1e3]))
        s = u.softmax(th)
        H = np.diag(s) - np.outer(s, s)
        worst2 = max(worst2, float(np.linalg.eigvalsh(H)[-1]))
        worstinf = max(worstinf, u.max_var_inf_ball(s) if d <= 5 else 0.0)  # exact (enumeration) for d <= 5
        worst_rowsum = max(worst_rowsum, float(np.max(np.sum(np.abs(H), axis=1))))
    fam = []
    for e in (1e-2, 1e-4, 1e-6):
        d = 6
        s = np.full(d, 2 * e / (d - 2))
        s[:2] = 0.5 - e
        H = np.diag(s) - np.outer(s, s)
        fam.append({"eps": e, "lambda_max": float(np.linalg.eigvalsh(H)[-1]), "max_vHv_inf_ball": u.max_var_inf_ball(s)})
    return {"samples": n, "max_lambda_max": worst2, "max_vHv_inf_ball": worstinf,
            "max_row_l1_norm (inf->inf pairing)": worst_rowsum, "approaching_family": fam}


def _in_d(expr):
    """``expr`` with any symbol named ``d`` replaced by one positive symbol ``d``."""
    sp = _sp()
    e = sp.sympify(expr)
    d = sp.Symbol("d", positive=True)
    return e.subs({s: d for s in e.free_symbols if s.name == "d"})


@claim("Y25.lemma31", provenance="seed-abstract", source=src("Lemma 3.1"),
       statement="1/2 <= L_2(f) <= 1 and L_inf(f) = 1 (smoothness of f = KL(p || softmax theta)), for every d >= 2.",
       printed=printed_lemma31, parameters=("d",), variants=variants_lemma31)
def check_lemma31(p, profile):
    """Compare the printed range for ``L_2`` and value of ``L_inf`` (constants or expressions in
    ``d``) with the suprema ``L_2 = 1/2``, ``L_inf = 1``, proved for every ``d >= 2``
    (:func:`._common.general_smoothness_proof`); random Hessians are a sampled cross-check."""
    sp = _sp()
    L2, Linf, sym_ok, sym_ev = _sym_smoothness()
    num = _num_smoothness(profile)
    slack = tol.Y25_FLOAT_SLACK
    approach = num["approaching_family"][-1]
    num_ok = (num["max_lambda_max"] <= float(L2) + slack and num["max_vHv_inf_ball"] <= float(Linf) + slack
              and abs(approach["lambda_max"] - float(L2)) < tol.Y25_APPROACH_ABS
              and abs(approach["max_vHv_inf_ball"] - float(Linf)) < tol.Y25_APPROACH_ABS)
    cross = Result(Verdict.HOLDS if num_ok else Verdict.INCONCLUSIVE,
                   "random Hessians stay below 1/2 and 1; the family s -> (1/2, 1/2, 0, ...) approaches them"
                   if num_ok else "the sampled Hessians disagree with L_2 = 1/2, L_inf = 1", "numeric",
                   {"numeric": num, "slack": slack})
    if not sym_ok:
        return combine({"proof": Result(Verdict.INCONCLUSIVE, "a step of the general proof was not proved by SymPy",
                                        "symbolic", sym_ev), "sampled": cross}, cross_checks=["sampled"])
    lo, hi, li = _in_d(p["L2_lower"]), _in_d(p["L2_upper"]), _in_d(p["Linf"])
    parts = {}
    lo_ok, hi_ok = decide_nonneg(L2 - lo), decide_nonneg(hi - L2)
    ev2 = {"claimed": f"{lo} <= L_2 <= {hi}", "true": f"L_2 = {L2} for every d >= 2", "lower_end": lo_ok,
           "upper_end": hi_ok, "proof": sym_ev}
    bad = [x for x in (lo_ok, hi_ok) if x["status"] == "refuted"]
    strength2 = "proved" if lo_ok["status"] == hi_ok["status"] == "proved" else "sampled"
    if bad:
        at = bad[0]["point"]
        parts["L2"] = Result(Verdict.CORRECTED, f"L_2 = {L2} lies outside the printed range [{lo}, {hi}]" + (f" at {at}" if at else ""),
                             "symbolic", ev2, correction=f"L_2(f) = {L2} exactly for every d >= 2 (sup over theta), "
                                                         f"not in [{lo}, {hi}]" + (f" at {at}" if at else ""), strength="proved")
    elif sp.simplify(lo - L2) == 0 and sp.simplify(hi - L2) == 0:
        parts["L2"] = Result(Verdict.HOLDS, f"L_2 = {L2} for every d >= 2", "symbolic", ev2, strength="proved")
    else:
        parts["L2"] = Result(Verdict.SHARPENED, f"range [{lo}, {hi}] holds; L_2 = {L2} exactly", "symbolic", ev2,
                             correction=f"L_2(f) = {L2} exactly for every d >= 2 (the printed range [{lo}, {hi}] "
                                        "contains it): Var_s(v) <= range(v)^2/4 <= 1/2 for ||v||_2 <= 1, approached "
                                        "as s -> (1/2, 1/2, 0, ...)", strength=strength2)
    from theorycheck.core.symcheck import prove_equal

    eq = prove_equal(li, Linf, points=[{sp.Symbol("d", positive=True): sp.Integer(n)} for n in (3, 10)]
                     if li.free_symbols else None)
    ev3 = {"claimed": str(li), "true": f"L_inf = {Linf} for every d >= 2", "equality": eq.as_evidence(),
           "pairing": "||grad f(x) - grad f(y)||_1 <= L ||x - y||_inf",
           "other_pairing_inf_to_inf_sup": "1/2 (max_k 2 s_k (1 - s_k)), measured max "
                                           f"{num['max_row_l1_norm (inf->inf pairing)']:.6g}", "proof": sym_ev}
    if eq.proved:
        parts["Linf"] = Result(Verdict.HOLDS, f"L_inf = {Linf} for every d >= 2", "symbolic", ev3, strength="proved")
    elif eq.refuted:
        parts["Linf"] = Result(Verdict.CORRECTED, f"L_inf = {Linf}, not {li}", "symbolic", ev3, strength="proved",
                               correction=f"L_inf(f) = {Linf} for every d >= 2, not {li} "
                                          "(sup_theta max_(||v||_inf<=1) Var_softmax(theta)(v))")
    else:
        parts["Linf"] = Result(Verdict.INCONCLUSIVE, f"could not decide whether {li} equals {Linf}", "symbolic", ev3)
    parts["sampled"] = cross
    return combine(parts, holds=f"L_2 = {L2} and L_inf = {Linf} as printed (every d >= 2)", cross_checks=["sampled"])


# ----------------------------------------------------------------------------------------------
# Y25.lemma32: minimum norms of the minimisers
# ----------------------------------------------------------------------------------------------

def printed_lemma32():
    sp = _sp()
    d, V = sp.symbols("d V", positive=True)
    return {"min_inf": sp.log(d) / 2, "min_2": sp.sqrt(d * V)}


def variants_lemma32(p):
    sp = _sp()
    d, V = sp.symbols("d V", positive=True)
    return [
        Variant("min ||theta*||_inf = log d (factor 1/2 dropped)", "constant", {**p, "min_inf": 2 * p["min_inf"]}),
        Variant("min ||theta*||_inf = log^2(d)/2", "exponent", {**p, "min_inf": p["min_inf"] * sp.log(d)}),
        Variant("min ||theta*||_inf = sqrt(d)/2", "dependence", {**p, "min_inf": p["min_inf"].subs(sp.log(d), sp.sqrt(d))},
                param="d"),
        Variant("min ||theta*||_2 = sqrt(V) (factor d dropped)", "dependence", {**p, "min_2": p["min_2"].subs(d, 1)},
                param="d"),
        Variant("part: min ||theta*||_inf right, min ||theta*||_2 = sqrt(d V)/2", "part", {**p, "min_2": p["min_2"] / 2}),
        Variant("part: min ||theta*||_2 right, min ||theta*||_inf = log(d)/4", "part", {**p, "min_inf": p["min_inf"] / 2}),
        Variant("min ||theta*||_2 = d sqrt(V)", "exponent", {**p, "min_2": p["min_2"].subs(d, d**2)}),
    ]


def _min_over_c(a: np.ndarray, norm: str) -> float:
    from scipy.optimize import minimize_scalar

    if norm == "2":
        f = lambda c: float(np.linalg.norm(a + c))
    else:
        f = lambda c: float(np.max(np.abs(a + c)))
    lo, hi = -float(a.max()), -float(a.min())
    r = minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13})
    return float(r.fun)


@functools.lru_cache(maxsize=2)
def _lemma32_minima(dmax: int) -> tuple:
    """``(d, min_c ||log p + c||_inf, min_c ||log p + c||_2, V_d)`` by direct minimisation over
    ``c``, for ``d`` in 2, 3, 10, 1000, ``dmax``."""
    out = []
    for n in (2, 3, 10, 1000, dmax):
        lp = np.log(u.zipf(n))
        out.append((n, _min_over_c(lp, "inf"), _min_over_c(lp, "2"), u.var_log_k_mp(n)))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _lemma32_general():
    """General proofs (every ``d``): the two minima over the shift ``c``.

    ``inf``: for any ``c``, ``max_k |a_k + c| >= (max a - min a)/2`` (``max(|x|, |y|) >= |x - y|/2``),
    with equality at ``c = -(max a + min a)/2``; ``a_k = log p_k = -log k - log H_d`` decreases in
    ``k`` (``d/dk log k = 1/k > 0``), so the minimum is ``(a_1 - a_d)/2``.
    ``2``: ``sum_k (a_k + c)^2 = d [Var_u(a) + (mean a + c)^2]`` (uniform weights ``1/d``), minimal
    at ``c = -mean a`` with value ``d Var_u(a)``, and ``Var_u(-l - h) = Var_u(l)`` (``l_k = log k``).
    Returns ``(true_inf, true_2_squared in terms of V, steps)``."""
    from theorycheck.core.symcheck import prove_zero

    sp = _sp()
    d, V, H, c, x, y = sp.symbols("d V H c x y", positive=True)
    k = sp.Symbol("k", integer=True, positive=True)
    a, l = sp.IndexedBase("a"), sp.IndexedBase("l")
    S = lambda e: sp.Sum(e, (k, 1, d))
    E = lambda f: S(f / d)
    steps = {}
    # inf: max(|x|, |y|) >= (|x| + |y|)/2 >= |x - y|/2 : the second step is the triangle inequality,
    # the first is max >= mean; the minimiser's value (M - m)/2 is reached at c = -(M + m)/2:
    M, m = sp.symbols("M m", real=True)
    steps["inf: |M + c| = |m + c| = (M - m)/2 at c = -(M + m)/2"] = prove_zero(
        (M + (-(M + m) / 2)) - (M - m) / 2).as_evidence()
    steps["inf: log p_k decreasing (d/dk log k = 1/k > 0)"] = {"derivative": str(sp.diff(sp.log(x), x)),
                                                               "positive": bool(sp.diff(sp.log(x), x).is_positive)}
    logp = lambda kk: sp.log(1 / (kk * H))
    true_inf = sp.simplify(sp.expand_log((logp(1) - logp(d)) / 2, force=True))
    # 2: sum (a + c)^2 = d Var_u(a) + d (mean a + c)^2
    var_a = E(a[k] ** 2) - E(a[k]) ** 2
    p1 = prove_zero(lin_sums(S((a[k] + c) ** 2) - d * var_a - d * (E(a[k]) + c) ** 2))
    steps["2: sum_k (a_k + c)^2 = d Var_u(a) + d (mean a + c)^2"] = p1.as_evidence()
    # Var_u(-l - h) = Var_u(l)
    h = sp.Symbol("h", real=True)
    var_l = E(l[k] ** 2) - E(l[k]) ** 2
    shifted = E((-l[k] - h) ** 2) - E(-l[k] - h) ** 2
    p2 = prove_zero(lin_sums(shifted - var_l))
    steps["2: Var_u(-log k - log H) = Var_u(log k)"] = p2.as_evidence()
    ok = p1.proved and p2.proved and steps["inf: |M + c| = |m + c| = (M - m)/2 at c = -(M + m)/2"]["status"] == "proved"
    return true_inf, d * V, ok, steps


@claim("Y25.lemma32", provenance="seed-abstract", source=src("Lemma 3.2"),
       statement="min ||theta*||_inf = (1/2) log d and min ||theta*||_2 = sqrt(d Var_{k~Unif[d]} log k), over the "
                 "minimisers theta* = log p + const.",
       printed=printed_lemma32, parameters=("d",), variants=variants_lemma32)
def check_lemma32(p, profile):
    """Both minima proved for every ``d`` (:func:`_lemma32_general`); the printed forms are compared
    by :func:`~theorycheck.core.symcheck.prove_equal`; a direct numerical minimisation over ``c``
    is a sampled cross-check."""
    from theorycheck.core.symcheck import prove_equal

    sp = _sp()
    d, V = sp.symbols("d V", positive=True)
    true_inf, true_2sq, gen_ok, steps = _lemma32_general()
    s_inf = prove_equal(p["min_inf"], true_inf)
    s_two = prove_equal(sp.sympify(p["min_2"]) ** 2, true_2sq)
    # numeric cross-check: minimise over c directly (cached: independent of the statement)
    f_inf = sp.lambdify(d, p["min_inf"], "mpmath")
    f_two = sp.lambdify((d, V), p["min_2"], "mpmath")
    dmax = 10**5 if profile == "quick" else 10**7
    rows = []
    for n, mi, m2, vn in _lemma32_minima(dmax):
        rows.append({"d": n, "min_inf": mi, "printed_inf": float(f_inf(n)), "min_2": m2, "printed_2": float(f_two(n, vn))})
    rel = tol.Y25_MINIMISER_REL
    nerr = {k: max(abs(r["min_" + k] - r["printed_" + k]) / max(abs(r["printed_" + k]), 1e-300) for r in rows)
            for k in ("inf", "2")}
    cross_ok = all(v < rel for v in nerr.values())
    parts = {}
    if not gen_ok:
        parts["proof"] = Result(Verdict.INCONCLUSIVE, "a step of the general proof was not proved by SymPy", "symbolic",
                                {"steps": steps})
    for name, pr, truth in (("inf", s_inf, f"(1/2) log d = {true_inf}"), ("two", s_two, "sqrt(d V_d)")):
        key = "min_inf" if name == "inf" else "min_2"
        ev = {"claimed": str(p[key]), "true": truth, "equality": pr.as_evidence(), "steps": steps}
        if pr.proved:
            parts[name] = Result(Verdict.HOLDS, f"{key} = {p[key]} for every d (proved)", "symbolic", ev, strength="proved")
        elif pr.refuted:
            parts[name] = Result(Verdict.CORRECTED, f"printed {key} = {p[key]} is not the minimum over c, {truth}",
                                 "symbolic", ev, strength="proved",
                                 correction=f"min ||theta*||_{'inf' if name == 'inf' else '2'} = {truth}, not {p[key]}")
        else:
            parts[name] = Result(Verdict.INCONCLUSIVE, f"{key}: SymPy undecided whether {p[key]} equals {truth}",
                                 "symbolic", ev)
    parts["numeric"] = Result(Verdict.HOLDS if cross_ok else Verdict.INCONCLUSIVE,
                              f"direct minimisation over c agrees with the printed forms to {max(nerr.values()):.1e}"
                              if cross_ok else f"direct minimisation over c differs from the printed forms by "
                                               f"{max(nerr.values()):.3g} (relative)", "numeric",
                              {"rows": rows, "max_rel_diff": nerr, "rel_tol(scalar minimiser)": rel})
    if not cross_ok and all(pr.proved for pr in (s_inf, s_two)):  # a proof contradicted by the numbers: say so
        parts["numeric"].verdict = Verdict.INCONCLUSIVE
    return combine(parts, holds="both minimum norms proved for every d (direct minimisation agrees up to d = %d)" % dmax,
                   cross_checks=["numeric"])


# ----------------------------------------------------------------------------------------------
# Y25.lemma33: V_d = Var log k is Theta(1), 0 < V_d <= 5
# ----------------------------------------------------------------------------------------------

def printed_lemma33():
    sp = _sp()
    return {"lower": sp.Integer(0), "upper": sp.Integer(5), "order": sp.Integer(1)}


def variants_lemma33(p):
    sp = _sp()
    d = sp.Symbol("d", positive=True)
    return [
        Variant("V_d <= 0.9 (upper end too small)", "constant", {**p, "upper": p["upper"] * sp.Rational(9, 50)}),
        Variant("V_d > 1/5 (lower end above V_2)", "constant", {**p, "lower": p["lower"] + sp.Rational(1, 5)}),
        Variant("V_d <= -5", "sign", {**p, "upper": -p["upper"]}),
        Variant("V_d <= 5/d (decays with d)", "dependence", {**p, "upper": p["upper"] / d}, param="d"),
        Variant("V_d = Theta(log d)", "dependence", {**p, "order": p["order"] * sp.log(d)}, param="d"),
        Variant("V_d = Theta(1/d)", "exponent", {**p, "order": p["order"] / d}),
        Variant("3/25 < V_d <= 1, Theta(1) (near-sharp bounds)", "stronger",
                {"lower": sp.Rational(3, 25), "upper": sp.Integer(1), "order": p["order"]}),
    ]


def _vd_cert(profile):
    from theorycheck.claims.y25._vd import certify_vd

    return certify_vd(10**4 if profile == "quick" else 10**5)


def _arb_of(expr, n: int):
    """``expr`` (a SymPy number or expression in ``d``) at ``d = n`` as an Arb ball (exact input)."""
    from theorycheck.core.certify import arb_function, to_arb

    sp = _sp()
    e = sp.nsimplify(sp.sympify(expr), rational=True) if sp.sympify(expr).atoms(sp.Float) else sp.sympify(expr)
    if not e.free_symbols:
        return to_arb(e)
    (dsym,) = e.free_symbols
    return arb_function(e, dsym)(n)


def _bound_violation(cert, expr, side: str):
    """Search a certified counterexample to ``lower < V_d`` (``side="lower"``) or ``V_d <= upper``:
    the enumerated balls first, then the tail points ``d = 10^k`` (``V_d >= 1 - U(d)``). Returns
    ``(d, detail)`` or ``None``, and ``"uncertain"`` when a comparison could not be decided."""
    from theorycheck.claims.y25._vd import v_lower_upper
    from theorycheck.core.certify import bound_str, precision

    sp = _sp()
    const = not sp.sympify(expr).free_symbols
    with precision(cert["prec"]):
        if const:
            b = _arb_of(expr, 2)
            if side == "lower":
                if bool(b >= cert["V"][2]):
                    return 2, {"V_2": [bound_str(cert["V"][2], "lower"), bound_str(cert["V"][2], "upper")], "lower": str(expr)}
                return None if bool(b < cert["V"][2]) else "uncertain"
            if bool(b >= 1):
                return None  # V_d < 1 for every d (certified)
            for n in sorted(cert["V"]):
                if bool(cert["V"][n] > b):
                    return n, {"V_d": [bound_str(cert["V"][n], "lower"), bound_str(cert["V"][n], "upper")], "upper": str(expr)}
            for k in range(len(str(cert["D"])), 40):
                lo, _ = v_lower_upper(cert, 10**k)
                if bool(lo > b):
                    return 10**k, {"V_d >=": bound_str(lo, "lower"), "upper": str(expr)}
            return "uncertain"
        for n in sorted(cert["V"]):
            b, v = _arb_of(expr, n), cert["V"][n]
            if (side == "lower" and bool(b >= v)) or (side == "upper" and bool(v > b)):
                return n, {"V_d": [bound_str(v, "lower"), bound_str(v, "upper")], side: f"{expr} = {b.str(12)}"}
    return None


@claim("Y25.lemma33", provenance="seed-abstract", source=src("Lemma 3.3"),
       statement="V_d = Var_{k ~ Unif[d]} log k is Theta(1); the proof shows 0 < V_d <= 5.",
       printed=printed_lemma33, parameters=("d",), variants=variants_lemma33)
def check_lemma33(p, profile):
    """``lower < V_d <= upper`` for every ``d >= 2`` and ``V_d = Theta(order(d))``, against the
    certified facts of :func:`._vd.certify_vd`: ``V_2 <= V_d < 1``, increasing, ``V_d -> 1``.
    Constant bounds are decided for every ``d`` (certified); bounds depending on ``d`` are decided on
    the enumerated range in Arb and beyond it by :func:`._common.decide_nonneg`."""
    from theorycheck.core.certify import bound_str

    sp = _sp()
    d = sp.Symbol("d", positive=True)
    cert = _vd_cert(profile)
    ev = {"certificate": cert["evidence"], "claimed": f"{p['lower']} < V_d <= {p['upper']}, V_d = Theta({p.get('order', 1)})"}
    ev["range"] = cert["evidence"]["range"]
    V2 = cert["V2"]
    v2s = bound_str(V2, "lower", 6)
    if not cert["ok"]:
        return Result(Verdict.INCONCLUSIVE, "the certificate of V_2 <= V_d < 1 did not close", "numeric", ev)
    lo, hi, order = _in_d(p["lower"]), _in_d(p["upper"]), _in_d(p.get("order", 1))
    parts = {}
    strengths = []
    for side, expr in (("lower", lo), ("upper", hi)):
        bad = _bound_violation(cert, expr, side)
        tail = None
        if bad is None and expr.free_symbols:
            # beyond the enumeration: lower(d) <= V_2 (< V_d) or upper(d) >= 1 (> V_d) for every d > D
            ref = sp.Rational(bound_str(V2, "lower", 6)) if side == "lower" else sp.Integer(1)
            tail = decide_nonneg(ref - expr if side == "lower" else expr - ref, {"d": cert["D"] + 1})
            ev[f"{side}_tail"] = tail
            if tail["status"] == "refuted":
                bad = "uncertain"
            strengths.append("certified" if tail["status"] == "proved" else "sampled")
        if bad == "uncertain":
            parts[side] = Result(Verdict.INCONCLUSIVE, f"could not decide the {side} bound {expr} against V_d everywhere",
                                 "numeric", {})
        elif bad is not None:
            n, detail = bad
            ev[f"{side}_counterexample"] = {"d": n, **detail}
            parts[side] = Result(Verdict.CORRECTED, f"V_d violates the printed {side} bound {expr} at d = {n} (certified)",
                                 "numeric", {"counterexample": {"d": n, **detail}, "range": ev["range"]},
                                 correction=f"{v2s} < (log 2)^2/4 = V_2 <= V_d < 1 for every d >= 2 (certified), so "
                                            f"{'V_d > ' + str(expr) if side == 'lower' else 'V_d <= ' + str(expr)} "
                                            f"fails at d = {n}", strength="certified")
    # Theta(order): V_d -> 1 (certified), so V_d/order -> lim 1/order must be finite and positive
    lim = sp.limit(1 / order, d, sp.oo)
    ev["lim 1/order(d)"] = str(lim)
    if lim.has(sp.Limit) or not lim.is_number:
        parts["order"] = Result(Verdict.INCONCLUSIVE, f"SymPy could not take lim 1/{order}", "symbolic", {})
    elif lim == 0 or lim in (sp.oo, -sp.oo, sp.zoo) or not (lim > 0):
        parts["order"] = Result(Verdict.CORRECTED, f"V_d -> 1, so V_d/({order}) -> {lim}: not Theta({order})",
                                "symbolic+numeric", {"range": ev["range"]}, strength="certified",
                                correction=f"V_d = Theta(1): V_2 <= V_d < 1 and V_d -> 1 (certified); V_d/({order}) -> {lim}")
    if not parts:
        strength = min(strengths + ["certified"], key=["sampled", "certified"].index)
        return Result(
            Verdict.SHARPENED,
            f"holds for every d >= 2; V_d increases from V_2 = (log 2)^2/4 = {v2s}... to 1 "
            f"(V_{cert['D']} in [{cert['evidence']['V_D'][0]}, {cert['evidence']['V_D'][1]}])",
            "numeric", ev, strength=strength,
            correction=(f"(log 2)^2/4 = V_2 <= V_d < 1 for every d >= 2 (the printed {lo} < V_d <= {hi} holds with room), "
                        "V_d strictly increasing and 1 - V_d <= U(d) = O(log^2 d/d) -> 0, with 1 - V_d = "
                        "[log^2 d/2 + (log 2pi - 1) log d - log 2pi - zeta''(0)]/d + O(log^2 d/d^2) "
                        f"(zeta''(0) in [{cert['evidence']['C_2 enclosure'][0]}, {cert['evidence']['C_2 enclosure'][1]}]); "
                        "all certified in ball arithmetic"))
    r = combine(parts)
    r.evidence.update(ev)
    return r
