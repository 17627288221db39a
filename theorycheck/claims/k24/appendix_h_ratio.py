"""K24 appendix H, the display that ends the proof of Proposition 2 (``K24.H.ratio``).

As printed, with ``grad_{w_k} L = (1-p) pi_k xbar^k + (1/c) d_k`` and
``hess_{w_k} L = p(1-p) pi_k Hbar^k + (1/c) D_k`` (``||d_k||``, ``Tr D_k`` = O(1)):

    lim_c ||grad|| / Tr(hess) = lim ||(1-p) pi_k xbar^k + (1/c) d_k|| / Tr(p(1-p) pi_k Hbar^k + (1/c) D_k)
                              = lim ||(1-p) xbar^k + (1/(c pi_k)) d_k|| / Tr(p(1-p) pi_k Hbar^k + (1/(c pi_k)) D_k)
                              = (1/p) ||xbar^k|| / Tr(Hbar^k),      "as long as lim 1/(pi_k c) -> 0".

The truth is computed symbolically on a faithful reduction: ``xbar^k`` and ``d_k`` are vectors of
``R^2`` with symbolic entries (the norm is the Euclidean norm), ``Tr Hbar^k = h`` and ``Tr D_k = delta``
(the trace is linear). ``p`` in ``(0, 1)`` is written ``1/(1+r)``, ``r > 0``.

* endpoints: the limit of the first expression (``p``, ``pi_k`` fixed) against the printed limit;
* the middle expression: dividing numerator and denominator by ``pi_k`` must give an identity;
* the condition: Assumption 1 lets ``p`` depend on ``c`` (``p = omega(1/c)``; figure 23 shows ``p -> 1``).
  Exactly, ``ratio / target = ||xbar + u d|| / ||xbar|| / (1 + v delta / h)`` with
  ``u = 1/((1-p) pi_k c)``, ``v = 1/(p (1-p) pi_k c)`` (an identity proved here), so the ratio tends to
  the target iff ``v -> 0`` (for generic ``delta > 0``): the condition is ``p (1-p) pi_k c -> oo``, which is
  ``pi_k c -> oo`` for a fixed ``p``. A stated condition is tested on families ``p = c^-a`` or
  ``1 - c^-a``, ``pi_k = c^-b`` that satisfy it (limits by SymPy), and on the simple imbalanced
  setting of section 3.3 with the real softmax gradient and Hessian.
"""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine


@functools.lru_cache(maxsize=1)
def _S():
    import sympy as sp

    c = sp.Symbol("c", positive=True)
    x1, x2, d1, d2 = sp.symbols("x1 x2 d1 d2", real=True)
    h, delta, pi, r = sp.symbols("h delta pi_k r", positive=True)
    p = sp.Symbol("p", positive=True)
    return sp, {"c": c, "x1": x1, "x2": x2, "d1": d1, "d2": d2, "h": h, "delta": delta, "pi": pi, "r": r, "p": p}


def printed_ratio():
    """Coefficients of the middle expression, the limit and the condition (an expression that must
    tend to infinity), as printed."""
    sp, S = _S()
    p, pi, c, h = S["p"], S["pi"], S["c"], S["h"]
    X = sp.sqrt(S["x1"] ** 2 + S["x2"] ** 2)
    return {"middle_num_d": 1 / (c * pi), "middle_den_H": p * (1 - p) * pi, "middle_den_D": 1 / (c * pi),
            "limit": X / (p * h), "condition": pi * c}


def _norm(a, b):
    sp, S = _S()
    return sp.sqrt((a * S["x1"] + b * S["d1"]) ** 2 + (a * S["x2"] + b * S["d2"]) ** 2)


def first_expression():
    """``||(1-p) pi xbar + d/c|| / (p(1-p) pi h + delta/c)``: the gradient norm over the Hessian trace."""
    sp, S = _S()
    p, pi, c = S["p"], S["pi"], S["c"]
    return _norm((1 - p) * pi, 1 / c) / (p * (1 - p) * pi * S["h"] + S["delta"] / c)


def _middle(pr):
    sp, S = _S()
    p = S["p"]
    return _norm(1 - p, pr["middle_num_d"]) / (pr["middle_den_H"] * S["h"] + pr["middle_den_D"] * S["delta"])


def _fixed_p(e):
    sp, S = _S()
    return e.subs(S["p"], 1 / (1 + S["r"]))


def _fam_limit(expr, p_of_c, pi_of_c):
    sp, S = _S()
    e = expr.subs({S["p"]: p_of_c, S["pi"]: pi_of_c})
    return sp.limit(sp.simplify(e), S["c"], sp.oo)


def families():
    """(name, p(c), pi(c)) with p = omega(1/c) and 0 < pi <= 1 for c >= 1."""
    sp, S = _S()
    c = S["c"]
    R = sp.Rational
    ps = {"p=1/2": R(1, 2), "p=c^-1/2": c ** R(-1, 2), "p=c^-1/4": c ** R(-1, 4), "p=1-c^-1/2": 1 - c ** R(-1, 2),
          "p=1-1/c": 1 - 1 / c}
    pis = {"pi=1/3": R(1, 3), "pi=c^-1/4": c ** R(-1, 4), "pi=c^-1/2": c ** R(-1, 2), "pi=c^-3/4": c ** R(-3, 4),
           "pi=1/c": 1 / c}
    return [(f"{a}, {b}", pa, pb) for a, pa in ps.items() for b, pb in pis.items()]


def simple_setting_ratio(c: int, p: float, pi_k: float) -> float:
    """``||grad_{w_k} L|| p Tr(Hbar^k) / (||xbar^k|| Tr(hess_{w_k} L))`` (1 when Proposition 2's relation
    holds) on the simple imbalanced setting (``x_i = e_j`` for class ``j``), class ``k`` with frequency
    ``pi_k``, the other classes sharing ``1 - pi_k`` equally, ``W`` zero except ``w_kk`` chosen so that
    ``p(e_k)_k = p``. Gradient ``sum_j pi_j (1[j=k] - p_k(e_j)) e_j`` and Hessian trace
    ``sum_j pi_j p_k(e_j)(1 - p_k(e_j))`` from the softmax of each column (``xbar^k = e_k``, ``Tr Hbar^k = 1``)."""
    if not (isinstance(c, (int, np.integer)) and c >= 3):
        raise ValueError(f"c: must be an integer >= 3, got {c!r}")
    if not (0 < p < 1 and 0 < pi_k < 1):
        raise ValueError(f"p, pi_k: must lie in (0, 1), got {p!r}, {pi_k!r}")
    a = np.log(p * (c - 1) / (1 - p))  # softmax of column k: e^a / (e^a + c - 1) = p
    pk = np.full(c, 1.0 / c)  # columns j != k are zero: p_k(e_j) = 1/c
    col = np.zeros(c)
    col[0] = a
    sm = np.exp(col - col.max())
    sm /= sm.sum()
    pk[0] = sm[0]
    pis = np.full(c, (1 - pi_k) / (c - 1))
    pis[0] = pi_k
    grad = pis * (np.eye(1, c, 0)[0] - pk)
    tr = float(np.sum(pis * pk * (1 - pk)))
    return float(np.linalg.norm(grad) * p / tr)


@functools.lru_cache(maxsize=16)
def _prove_zero_cached(expr):
    from theorycheck.core.symcheck import prove_zero

    return prove_zero(expr)


@functools.lru_cache(maxsize=16)
def _family_rows(condition) -> tuple:
    """For each test family satisfying ``condition -> oo``: the limits of ``u``, ``v`` and of
    ``F(u, v) = ratio/target`` (cached by the condition only)."""
    sp, S = _S()
    p, pi, c, h, delta = S["p"], S["pi"], S["c"], S["h"], S["delta"]
    X = sp.sqrt(S["x1"] ** 2 + S["x2"] ** 2)
    u, v = sp.symbols("u v", positive=True)
    F = _norm(1, u) / X / (1 + v * delta / h)
    uv = {u: 1 / ((1 - p) * pi * c), v: 1 / (p * (1 - p) * pi * c)}
    rows = []
    for name, pf, pif in families():
        g = sp.limit(condition.subs({p: pf, pi: pif}), c, sp.oo)
        if g != sp.oo:
            continue
        u0 = sp.limit(uv[u].subs({p: pf, pi: pif}), c, sp.oo)
        v0 = sp.limit(uv[v].subs({p: pf, pi: pif}), c, sp.oo)
        # F is continuous with F(0, 0) = 1, and F(u, v) = 1 for every xbar, d, delta only at u = v = 0
        # (d = 0 gives 1/(1 + v delta/h); delta = 0 gives ||xbar + u d||/||xbar||): the family fails iff (u, v) -/-> 0
        off = not (u0 == 0 and v0 == 0)
        lim = F.subs({u: u0, v: v0}) if (u0.is_finite and v0.is_finite) else "F(u, v) with u or v -> oo (not 1 in general)"
        rows.append({"family": name, "u ->": str(u0), "v ->": str(v0), "ratio/target ->": str(lim), "off": off})
    return tuple(rows)


def _variants(pr):
    sp, S = _S()
    p, pi, c = S["p"], S["pi"], S["c"]
    mended_mid = {**pr, "middle_den_H": sp.cancel(pr["middle_den_H"] / pi)}
    mended_all = {**mended_mid, "condition": p * (1 - p) * pi * c}
    return [
        Variant("mended middle and condition p(1-p) pi_k c -> oo", "stronger", mended_all),
        Variant("mended middle, printed condition", "part", mended_mid),
        Variant("mended condition, printed middle", "part", {**pr, "condition": p * (1 - p) * pi * c}),
        Variant("limit (1/p^2) ||xbar||/Tr", "dependence", {**mended_all, "limit": pr["limit"] / p}, "p"),
        Variant("limit ||xbar||/(p pi_k Tr)", "dependence", {**mended_all, "limit": pr["limit"] / pi}, "pi"),
        Variant("condition 1/(pi_k c^2) -> 0", "dependence", {**mended_mid, "condition": pi * c ** 2}, "c"),
        Variant("limit without 1/p", "other", {**mended_all, "limit": pr["limit"] * p}),
        Variant("condition c -> oo only", "other", {**mended_mid, "condition": c}),
    ]


@claim("K24.H.ratio", provenance="seed-fulltext", source=cite("K24", "appendix H, proof of Proposition 2 (last display)"),
       statement=("lim_c ||grad_{w_k} L|| / Tr(hess_{w_k} L) = lim ||(1-p) pi_k xbar^k + (1/c) d_k|| / Tr(p(1-p) pi_k Hbar^k + "
                  "(1/c) D_k) = lim ||(1-p) xbar^k + (1/(c pi_k)) d_k|| / Tr(p(1-p) pi_k Hbar^k + (1/(c pi_k)) D_k) = "
                  "(1/p) ||xbar^k|| / Tr(Hbar^k), 'as long as lim 1/(pi_k c) -> 0', with d_k, D_k O(1)."),
       printed=printed_ratio, parameters=("p", "pi", "c"), variants=_variants)
def check_ratio(pr, profile):
    from theorycheck.core.symcheck import prove_equal

    sp, S = _S()
    p, pi, c, h, delta = S["p"], S["pi"], S["c"], S["h"], S["delta"]
    E0 = first_expression()
    target = pr["limit"]
    X = sp.sqrt(S["x1"] ** 2 + S["x2"] ** 2)
    u, v = sp.symbols("u v", positive=True)
    parts = {}
    # 0. the exact identity everything rests on: ||grad||/Tr(hess) = (X/(p h)) F(u, v),
    #    F = ||xbar + u d||/||xbar|| / (1 + v delta/h), u = 1/((1-p) pi c), v = 1/(p(1-p) pi c)
    F = _norm(1, u) / X / (1 + v * delta / h)
    uv = {u: 1 / ((1 - p) * pi * c), v: 1 / (p * (1 - p) * pi * c)}
    ident = _prove_zero_cached(_fixed_p(E0 / (X / (p * h)) - F.subs(uv)))
    ev0 = {"identity": "||grad||/Tr(hess) = (||xbar||/(p h)) * ||xbar + u d||/||xbar|| / (1 + v delta/h)",
           "u": str(uv[u]), "v": str(uv[v]), "proof": ident.as_evidence()}
    if not ident.proved:
        return Result(Verdict.INCONCLUSIVE, "SymPy did not prove the identity behind the display", "symbolic", ev0)
    # 1. endpoints: fixed p in (0,1) and pi: u, v -> 0 and F is continuous with F(0, 0) = 1, so the limit is X/(p h)
    truth = X / (p * h)
    pe = prove_equal(_fixed_p(truth), _fixed_p(target))
    ev = {"limit_of_first_expression": str(truth), "printed_limit": str(target), "proof": pe.as_evidence(), **ev0}
    if pe.proved:
        parts["endpoints"] = Result(Verdict.HOLDS, "lim ||grad||/Tr(hess) = (1/p)||xbar^k||/Tr(Hbar^k) for fixed p in "
                                    "(0,1), pi_k (proved)", "symbolic", ev, strength="proved")
    elif pe.refuted:
        parts["endpoints"] = Result(Verdict.CORRECTED, f"the first expression tends to {truth}, not {target}", "symbolic",
                                    {**ev, "counterexample": pe.counterexample},
                                    correction="lim ||grad_(w_k) L||/Tr(hess_(w_k) L) = (1/p) ||xbar^k||/Tr(Hbar^k)")
    else:
        parts["endpoints"] = Result(Verdict.INCONCLUSIVE, "could not decide the endpoint equality", "symbolic", ev)
    # 2. the middle expression: an identity (numerator and denominator divided by pi_k)
    E1 = _middle(pr)
    pm = _prove_zero_cached(_fixed_p(E0 - E1))
    coeff_H = sp.cancel(p * (1 - p) * pi / pi)
    coeff_D = sp.cancel((1 / c) / pi)
    cH = "p(1-p)" if sp.simplify(coeff_H - p * (1 - p)) == 0 else str(coeff_H)
    mid_txt = f"||(1-p) xbar^k + ({coeff_D}) d_k|| / Tr({cH} Hbar^k + ({coeff_D}) D_k)"
    ev_m = {"printed_middle": str(E1), "identity_with_first": pm.as_evidence()}
    if pm.proved:
        parts["middle"] = Result(Verdict.HOLDS, "the middle expression equals the first identically (proved)", "symbolic",
                                 ev_m, strength="proved")
    elif pm.refuted:
        ratio = sp.simplify(sp.limit(_fixed_p(E1 / E0).subs({S["d1"]: 0, S["d2"]: 0, delta: 0}), c, sp.oo))
        ev_m["limit_ratio_middle_over_first"] = str(ratio)
        parts["middle"] = Result(Verdict.CORRECTED, "the middle expression is not the first divided by pi_k in numerator and "
                                 f"denominator: as c -> oo it is {ratio} times the first", "symbolic",
                                 {**ev_m, "counterexample": pm.counterexample}, correction=f"the middle expression is {mid_txt}")
    else:
        parts["middle"] = Result(Verdict.INCONCLUSIVE, "could not decide the middle identity", "symbolic", ev_m)
    # 3. the condition, on families satisfying it: the ratio tends to the target iff F(u, v) -> 1
    rows = _family_rows(pr["condition"])
    bad = [{"family": r["family"], "ratio/target ->": r["ratio/target ->"]} for r in rows if r["off"]]
    ev_c = {"printed_condition": f"{pr['condition']} -> oo", "families_satisfying_it": rows}
    if bad:
        inst = [{"c": cv, "ratio": simple_setting_ratio(cv, cv ** -0.5, cv ** -0.5)} for cv in (10 ** 2, 10 ** 4, 10 ** 6)]
        ev_c["simple_setting_p=pi_k=c^-1/2"] = inst
        parts["condition"] = Result(Verdict.CORRECTED, f"'{pr['condition']} -> oo' does not suffice when p depends on c: "
                                    + ", ".join(f"{b['family']}: ratio/target -> {b['ratio/target ->']}" for b in bad[:3])
                                    + f" (simple imbalanced setting, p = pi_k = c^-1/2: ratio {inst[-1]['ratio']:.4f} at c = 1e6)",
                                    "symbolic+numeric", {**ev_c, "counterexample": bad},
                                    correction=f"as long as {uv[v] ** -1} -> oo, i.e. p (1 - p) pi_k c -> oo (the identity: "
                                               "the ratio is (1/p)||xbar||/Tr(Hbar) times F(u, v) with v = 1/(p(1-p) pi_k c)); "
                                               "for a fixed p in (0, 1) this is pi_k c -> oo")
    elif not rows:
        parts["condition"] = Result(Verdict.INCONCLUSIVE, "no test family satisfies the stated condition", "symbolic", ev_c)
    else:
        parts["condition"] = Result(Verdict.HOLDS, f"the ratio tends to the target on all {len(rows)} families satisfying "
                                    f"'{pr['condition']} -> oo'", "symbolic", ev_c)
    return combine(parts, holds="the display holds: endpoints proved, middle identity, condition sufficient")
