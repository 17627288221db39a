"""Y25 lemma 4.1: the diagonal adaptive smoothness ``L_diag = d/2`` on the unigram model (and
2, not 1, for the quadratic ``sum_k p_k theta_k^2``)."""

from __future__ import annotations

import numpy as np

from theorycheck.claims.y25._common import SRC, _sp, _sym_smoothness
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.models import unigram as u

# ----------------------------------------------------------------------------------------------
# Y25.lemma41: diagonal adaptive smoothness
# ----------------------------------------------------------------------------------------------

def printed_lemma41():
    sp = _sp()
    d = sp.Symbol("d", positive=True)
    return {"lower_bound": d / 2, "quadratic_value": sp.Integer(1)}


@claim("Y25.lemma41", provenance="seed-abstract", source=f"{SRC}, Lemma 4.1",
       statement="L_diag(f) = min{Tr A : A diagonal, hess f <= A} is >= d/2 on this model, while it is 1 for the "
                 "quadratic sum_k p_k theta_k^2.",
       printed=printed_lemma41)
def check_lemma41(p, profile):
    sp = _sp()
    d = sp.Symbol("d", positive=True)
    # lower certificate: 2x2 block at s_i = s_j = 1/2: A >= H needs (a_i - 1/4)(a_j - 1/4) >= 1/16
    ai, aj = sp.symbols("a_i a_j", positive=True)
    block = sp.Matrix([[ai - sp.Rational(1, 4), sp.Rational(1, 4)], [sp.Rational(1, 4), aj - sp.Rational(1, 4)]])
    det = sp.expand(block.det())
    # minimise a_i + a_j on det = 0 (boundary), a_i, a_j >= 1/4
    t = sp.Symbol("t", positive=True)
    sol = sp.minimum((t + sp.Rational(1, 4)) + (sp.Rational(1, 16) / t + sp.Rational(1, 4)), t, sp.Interval.open(0, sp.oo))
    pair_min = sp.nsimplify(sol)  # a_i + a_j >= 1 -> sum over all pairs: (d-1) Tr A >= d (d-1)/2
    lower = d * pair_min / 2
    # upper: A = I/2 is feasible since lambda_max(hess) <= L_2 = 1/2 (lemma31); numeric check
    L2, _, _, _ = _sym_smoothness()
    rng = np.random.default_rng(41)
    worst = -np.inf
    for _ in range(100 if profile == "quick" else 2000):
        n = int(rng.choice([2, 3, 8, 30]))
        s = u.softmax(rng.standard_normal(n) * float(rng.choice([0.3, 3.0, 30.0])))
        worst = max(worst, float(np.linalg.eigvalsh(np.diag(s) - np.outer(s, s) - float(L2) * np.eye(n))[-1]))
    upper = d * L2
    L_diag = sp.simplify(lower) if sp.simplify(upper - lower) == 0 else None
    ev = {"pair_block_det": str(det), "min_a_i+a_j": str(pair_min), "lower_certificate": str(lower),
          "upper_A=I/2_feasible_max_eig(H - I/2)": worst, "slack": tol.Y25_FLOAT_SLACK, "L_diag": str(L_diag)}
    parts = {}
    if L_diag is None or worst > tol.Y25_FLOAT_SLACK:
        parts["softmax"] = Result(Verdict.INCONCLUSIVE, "bounds on L_diag do not meet", "symbolic+numeric", ev)
    else:
        cl = p["lower_bound"]
        diff = sp.simplify(L_diag - cl)
        vals = [float(diff.subs(d, n)) for n in (2, 10, 1000)]
        if all(v >= 0 for v in vals):
            parts["softmax"] = Result(
                Verdict.SHARPENED,
                f"L_diag = {L_diag} exactly (lower bound attained by A = I/2)", "symbolic+numeric", ev,
                correction=f"L_diag(f) = {L_diag} exactly: each 2x2 block forces a_i + a_j >= 1 and A = I/2 >= hess f")
        else:
            parts["softmax"] = Result(Verdict.CORRECTED, f"L_diag = {L_diag} is below the printed bound {cl}",
                                      "symbolic+numeric", ev, correction=f"L_diag(f) = {L_diag}")
    # the quadratic sum_k p_k theta_k^2 (explicit d = 5): Hessian diag(2 p_k)
    ps = sp.symbols("p1:6", positive=True)
    th = sp.symbols("theta1:6", real=True)
    q = sum(pk * tk**2 for pk, tk in zip(ps, th))
    Hq = sp.hessian(q, th)
    offdiag_zero = all(Hq[i, j] == 0 for i in range(5) for j in range(5) if i != j)
    tr = sp.simplify(Hq.trace().subs(ps[-1], 1 - sum(ps[:-1])))
    evq = {"hessian_diag": [str(Hq[i, i]) for i in range(5)], "trace (sum p = 1)": str(tr),
           "claimed": str(p["quadratic_value"])}
    from theorycheck.core.symcheck import prove_equal

    pq = prove_equal(tr, p["quadratic_value"])
    evq["equality"] = pq.as_evidence()
    if offdiag_zero and pq.proved:
        parts["quadratic"] = Result(Verdict.HOLDS, f"L_diag = {tr}", "symbolic", evq)
    elif offdiag_zero and pq.refuted:
        parts["quadratic"] = Result(Verdict.CORRECTED, f"the Hessian is diag(2 p_k), so L_diag = {tr}, not {p['quadratic_value']}",
                                    "symbolic", evq,
                                    correction=f"L_diag(sum_k p_k theta_k^2) = 2 sum_k p_k = {tr} (it is 1 for (1/2) sum_k p_k theta_k^2)")
    elif offdiag_zero:
        parts["quadratic"] = Result(Verdict.INCONCLUSIVE, f"could not decide whether {tr} equals {p['quadratic_value']}",
                                    "symbolic", evq)
    else:  # pragma: no cover
        parts["quadratic"] = Result(Verdict.INCONCLUSIVE, "unexpected Hessian", "symbolic", evq)
    return combine(parts)


