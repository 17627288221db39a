"""Y25 lemma 4.1: the diagonal adaptive smoothness ``L_diag = d/2`` on the unigram model (and
2, not 1, for the quadratic ``sum_k p_k theta_k^2``)."""

from __future__ import annotations

import functools

from theorycheck.claims.y25._common import (
    _sp,
    _sym_smoothness,
    decide_nonneg,
    lin_sums,
    src,
)
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine

# ----------------------------------------------------------------------------------------------
# Y25.lemma41: diagonal adaptive smoothness
# ----------------------------------------------------------------------------------------------

def printed_lemma41():
    sp = _sp()
    d = sp.Symbol("d", positive=True)
    return {"lower_bound": d / 2, "quadratic_value": sp.Integer(1)}


def variants_lemma41(p):
    sp = _sp()
    d = sp.Symbol("d", positive=True)
    mended = {"lower_bound": d / 2, "quadratic_value": sp.Integer(2)}
    return [
        Variant("L_diag >= d", "constant", {**p, "lower_bound": 2 * p["lower_bound"]}),
        Variant("L_diag >= d^2/2", "exponent", {**p, "lower_bound": p["lower_bound"] * d}),
        Variant("L_diag >= d log(d)/2", "dependence", {**p, "lower_bound": p["lower_bound"] * sp.log(d)}, param="d"),
        Variant("quadratic: L_diag = 3", "constant", {**p, "quadratic_value": p["quadratic_value"] * 3}),
        Variant("part softmax: quadratic mended (2), L_diag >= d", "part", {**mended, "lower_bound": 2 * p["lower_bound"]}),
        Variant("part quadratic: softmax bound as printed, quadratic value as printed", "part",
                {**mended, "quadratic_value": p["quadratic_value"]}),
        Variant("the corrected statement (L_diag >= d/2; 2 for the quadratic)", "stronger", mended),
    ]


@functools.lru_cache(maxsize=1)
def _lemma41_truth():
    """``L_diag = d/2`` for every ``d >= 2`` and ``L_diag(sum_k p_k theta_k^2) = 2``, with the steps:

    * lower: ``A >= hess f`` at ``s_i = s_j = 1/2`` (a limit of softmax points; ``A >= H`` is closed)
      makes the 2x2 principal block ``[[a_i - 1/4, 1/4], [1/4, a_j - 1/4]]`` PSD, whose minimum of
      ``a_i + a_j`` is 1 (SymPy); summing over ordered pairs ``i != j``:
      ``sum_{i != j} (a_i + a_j) = 2 (d - 1) Tr A`` (indexed sums), so ``2 (d-1) Tr A >= d (d-1)``;
    * upper: ``A = I/2`` is feasible because ``lambda_max(hess f) <= L_2 = 1/2`` (lemma31, every d);
    * quadratic: ``d^2/dtheta_i dtheta_j sum_k p_k theta_k^2 = 2 p_i delta_ij`` (diagonal), so the
      smallest diagonal ``A >= H`` is ``H`` and ``L_diag = Tr H = 2 sum_k p_k = 2``.
    """
    from theorycheck.core.symcheck import prove_zero

    sp = _sp()
    d = sp.Symbol("d", integer=True, positive=True)
    i, j, k = sp.symbols("i j k", integer=True, positive=True)
    a, pp, th = sp.IndexedBase("a"), sp.IndexedBase("p"), sp.IndexedBase("theta")
    ai, aj, t = sp.symbols("a_i a_j t", positive=True)
    block = sp.Matrix([[ai - sp.Rational(1, 4), sp.Rational(1, 4)], [sp.Rational(1, 4), aj - sp.Rational(1, 4)]])
    det = sp.expand(block.det())
    # on the boundary det = 0 with a_i = 1/4 + t: a_j = 1/4 + 1/(16 t); minimise the sum over t > 0
    pair_min = sp.minimum((t + sp.Rational(1, 4)) + (sp.Rational(1, 16) / t + sp.Rational(1, 4)), t,
                          sp.Interval.open(0, sp.oo))
    pairs = prove_zero(lin_sums(sp.Sum(a[i] + a[j], (j, 1, d), (i, 1, d)) - sp.Sum(2 * a[i], (i, 1, d)))
                       - lin_sums(2 * (d - 1) * sp.Sum(a[i], (i, 1, d))))
    L2, _, l2_ok, l2_ev = _sym_smoothness()
    D = sp.Symbol("d", positive=True)
    L_diag = D * pair_min / 2
    upper = D * L2
    q = sp.Sum(pp[k] * th[k] ** 2, (k, 1, d))
    hij = sp.diff(q, th[i], th[j]).doit()  # 2 Piecewise((delta_ij p_i, d >= i), (0, True)); 1 <= i <= d here
    diag = hij.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[0][0] if e.args[0][1] == (d >= i) else e)
    offdiag_zero = not diag.has(sp.Piecewise) and diag.subs(j, i + 1) == 0 and diag.subs(j, i) == 2 * pp[i]
    trace = lin_sums(sp.Sum(diag.subs(j, i).subs(i, k), (k, 1, d)))
    tr = sp.simplify(trace.subs(lin_sums(sp.Sum(pp[k], (k, 1, d))), 1))
    ok = (pair_min == 1 and pairs.proved and l2_ok and sp.simplify(upper - L_diag) == 0 and offdiag_zero)
    ev = {"pair_block_det": str(det), "min_a_i+a_j": str(pair_min), "sum over ordered pairs = 2(d-1) Tr A": pairs.as_evidence(),
          "lower_certificate": str(L_diag), "upper: A = I/2 feasible since L_2 = 1/2 (lemma31, every d)": str(upper),
          "quadratic: d2/dtheta_i dtheta_j": str(diag), "quadratic: offdiagonal_zero": offdiag_zero,
          "quadratic: L_diag = Tr H": str(tr), "lemma31_proof": l2_ev}
    return L_diag, tr, ok, ev


@claim("Y25.lemma41", provenance="seed-abstract", source=src("Lemma 4.1"),
       statement="L_diag(f) = min{Tr A : A diagonal, hess f <= A} is >= d/2 on this model, while it is 1 for the "
                 "quadratic sum_k p_k theta_k^2.",
       printed=printed_lemma41, parameters=("d",), variants=variants_lemma41)
def check_lemma41(p, profile):
    """``L_diag = d/2`` exactly and ``L_diag = 2`` for the quadratic, proved for every ``d``
    (:func:`_lemma41_truth`); the printed lower bound (an expression in ``d``) is compared by
    :func:`._common.decide_nonneg`, the printed quadratic value by ``prove_equal``."""
    from theorycheck.core.symcheck import prove_equal

    sp = _sp()
    d = sp.Symbol("d", positive=True)
    L_diag, tr, ok, ev = _lemma41_truth()
    if not ok:
        return Result(Verdict.INCONCLUSIVE, "a step of the proof of L_diag = d/2 (or of the quadratic's 2) was not proved",
                      "symbolic", ev)
    cl = sp.sympify(p["lower_bound"])
    cl = cl.subs({s: d for s in cl.free_symbols if s.name == "d"})
    dec = decide_nonneg(L_diag - cl)
    ev_s = {"claimed": f"L_diag >= {cl}", "L_diag": str(L_diag), "L_diag - claimed >= 0": dec, **ev}
    parts = {}
    if dec["status"] == "refuted":
        parts["softmax"] = Result(Verdict.CORRECTED, f"L_diag = {L_diag} is below the printed bound {cl} at " + ", ".join(f"{k} = {v}" for k, v in dec['point'].items()),
                                  "symbolic", ev_s, strength="proved",
                                  correction=f"L_diag(f) = {L_diag} exactly for every d >= 2 (below {cl} at " + ", ".join(f"{k} = {v}" for k, v in dec['point'].items()) + ")")
    elif sp.simplify(L_diag - cl) == 0:
        parts["softmax"] = Result(Verdict.SHARPENED, f"L_diag = {L_diag} exactly (the lower bound is attained by A = I/2)",
                                  "symbolic", ev_s, strength="proved",
                                  correction=f"L_diag(f) = {L_diag} exactly for every d >= 2: each 2x2 block forces "
                                             "a_i + a_j >= 1 and A = I/2 >= hess f")
    else:
        parts["softmax"] = Result(Verdict.SHARPENED, f"the printed bound {cl} holds; L_diag = {L_diag} exactly", "symbolic",
                                  ev_s, strength="proved" if dec["status"] == "proved" else "sampled",
                                  correction=f"L_diag(f) = {L_diag} exactly for every d >= 2 (>= {cl})")
    v = sp.sympify(p["quadratic_value"])
    pq = prove_equal(tr, v)
    evq = {"claimed": str(v), "true": str(tr), "equality": pq.as_evidence()}
    if pq.proved:
        parts["quadratic"] = Result(Verdict.HOLDS, f"L_diag(sum_k p_k theta_k^2) = {tr}", "symbolic", evq, strength="proved")
    elif pq.refuted:
        scale = sp.nsimplify(v / tr)
        parts["quadratic"] = Result(
            Verdict.CORRECTED, f"the Hessian of sum_k p_k theta_k^2 is diag(2 p_k), so L_diag = {tr}, not {v} "
                               f"({v} is the value for ({scale}) sum_k p_k theta_k^2)", "symbolic", evq, strength="proved",
            correction=f"L_diag(sum_k p_k theta_k^2) = 2 sum_k p_k = {tr} (it is {v} for ({scale}) sum_k p_k theta_k^2)")
    else:
        parts["quadratic"] = Result(Verdict.INCONCLUSIVE, f"could not decide whether {tr} equals {v}", "symbolic", evq)
    return combine(parts)
