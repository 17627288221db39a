"""K24 lemmas 4 and 5 (appendix I): the separation of the gradient-flow dynamics into 2-d
systems, and their Lambert-W closed form. The symbols, the statements as printed and the
Lambert-W substitution live in :mod:`._flows_common`; see :mod:`.theorem3` for the method."""

from __future__ import annotations

import math

import numpy as np

from theorycheck.claims.k24._flows_common import (
    _S,
    SOURCE,
    _lambertw_at_zero,
    _prove_in_t,
    _true_rhs,
    printed_lemma4,
    printed_lemma5,
)
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import claim
from theorycheck.core.result import Result, Verdict, combine

# ---------------------------------------------------------------------------------------
# K24.lemma4
# ---------------------------------------------------------------------------------------


def _lemma4_gradient(expr, c: int = 3) -> Result:
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    pk, pj, d, s = sp.symbols("pi_k pi_j delta_kj s_kj", positive=True)
    W = sp.Matrix(c, c, lambda i, j: sp.Symbol(f"w{i}{j}", real=True))
    pis = sp.symbols(f"p0:{c}", positive=True)

    def logsm(col, k):
        return W[k, col] - sp.log(sum(sp.exp(W[i, col]) for i in range(c)))

    L = -sum(pis[k] * logsm(k, k) for k in range(c))
    bad, statuses = [], {}
    for k in range(c):
        for j in range(c):
            sm = sp.exp(W[k, j]) / sum(sp.exp(W[i, j]) for i in range(c))
            claimed = expr.subs({pk: pis[k], pj: pis[j], d: 1 if k == j else 0, s: sm})
            p = prove_zero(sp.diff(L, W[k, j]) - claimed)
            statuses[f"({k},{j})"] = p.status
            if not p.proved:
                bad.append((k, j, p))
    ev = {"c": c, "claimed": str(expr), "truth": "dL/dw_kj = pi_j (softmax(w^j)_k - 1[k=j]) (SymPy diff of L)",
          "entries": statuses}
    if not bad:
        return Result(Verdict.HOLDS, f"gradient formula proved for all {c * c} entries (c = {c})", "symbolic", ev)
    if any(p.refuted for *_, p in bad):
        k, j, p = next(x for x in bad if x[2].refuted)
        return Result(Verdict.CORRECTED, f"gradient formula wrong at entry ({k},{j})", "symbolic",
                      {**ev, "counterexample": p.counterexample},
                      correction="d/dw_kj L(W) = -pi_k 1[k=j] + pi_j softmax(w^j)_k")
    return Result(Verdict.INCONCLUSIVE, "SymPy could not decide some entries", "symbolic", ev)


def _lemma4_reduction(a_rhs, b_rhs, cs=(2, 3, 4, 5)) -> Result:
    """Substitute the column ansatz into the true gradient for several c and compare with
    the printed reduced right-hand sides."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    _, t, pi, c, a, b, *_ = _S()
    out, bad = {}, []
    for cc in cs:
        col = [a if i == 0 else b for i in range(cc)]
        den = sum(sp.exp(x) for x in col)
        true_a = -pi * (sp.exp(col[0]) / den - 1)
        true_b = -pi * (sp.exp(col[1]) / den)
        pa = prove_zero(true_a - a_rhs.subs(c, cc))
        pb = prove_zero(true_b - b_rhs.subs(c, cc))
        out[str(cc)] = {"a": pa.status, "b": pb.status}
        for nm, p in (("a'", pa), ("b'", pb)):
            if not p.proved:
                bad.append((cc, nm, p))
    # general c: the printed RHS against the derived one (c symbolic)
    ta, tb = _true_rhs()
    ga, gb = prove_zero(ta - a_rhs), prove_zero(tb - b_rhs)
    out["symbolic c"] = {"a": ga.status, "b": gb.status}
    # conservation of a + z b under the printed dynamics
    cons = prove_zero(a_rhs + (c - 1) * b_rhs)
    ev = {"per_c": out, "printed_a_rhs": str(a_rhs), "printed_b_rhs": str(b_rhs),
          "conservation_a_plus_zb": cons.as_evidence()}
    if not bad and ga.proved and gb.proved:
        return Result(Verdict.HOLDS, "reduced 2-D dynamics proved from the gradient (c = 2..5 and symbolic c)",
                      "symbolic", ev)
    refuted = [x for x in bad if x[2].refuted] + [("sym", n, p) for n, p in (("a'", ga), ("b'", gb)) if p.refuted]
    if refuted:
        cc, nm, p = refuted[0]
        return Result(Verdict.CORRECTED, f"printed {nm} differs from the reduced gradient flow (c = {cc})", "symbolic",
                      {**ev, "counterexample": p.counterexample},
                      correction="a_k' = pi_k (1 - e^{a_k}/(e^{a_k} + (c-1) e^{b_k})), "
                                 "b_k' = -pi_k e^{b_k}/(e^{a_k} + (c-1) e^{b_k})")
    return Result(Verdict.INCONCLUSIVE, "SymPy could not decide the reduction", "symbolic", ev)


def _lemma4_routes(a_rhs, b_rhs, profile: str) -> Result:
    """Full c x c flow (no reduction assumed) vs the printed reduced systems (integrated as
    printed) vs the closed form."""
    import sympy as sp
    from scipy.integrate import solve_ivp

    from theorycheck.models.datasets import zipf_frequencies
    from theorycheck.models.flows import gradient_flow_loss, solve_full_gradient_flow

    _, t, pi, c, a, b, *_ = _S()
    fa = sp.lambdify((a, b, pi, c), a_rhs, "numpy")
    fb = sp.lambdify((a, b, pi, c), b_rhs, "numpy")
    cs = (2, 5, 16) if profile == "quick" else (2, 5, 16, 64)
    t_eval = np.array([0.0, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4] if profile == "quick" else
                      [0.0, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6])
    s_eval = np.log1p(t_eval)
    worst_full_closed = worst_red_full = worst_sym = 0.0
    rows = []
    for cc in cs:
        p = zipf_frequencies(cc)
        W, lfull = solve_full_gradient_flow(t_eval, p)
        # invariants of the full flow: equal off-diagonal entries within each column
        off = np.where(np.eye(cc, dtype=bool)[None], np.nan, W)
        spread = float(np.nanmax(np.nanmax(off, axis=1) - np.nanmin(off, axis=1)))
        n = cc

        def rhs(s, y, p=p, cc=cc, n=n):
            aa, bb = y[:n], y[n:]
            with np.errstate(over="ignore", invalid="ignore"):
                return math.exp(s) * np.concatenate([fa(aa, bb, p, cc), fb(aa, bb, p, cc)])

        sol = solve_ivp(rhs, (0, s_eval[-1]), np.zeros(2 * n), method="DOP853", t_eval=s_eval,
                        rtol=tol.ODE_RTOL, atol=tol.ODE_ATOL)
        if not sol.success or sol.y.shape[1] != t_eval.size:
            red = np.full_like(lfull, np.nan)
        else:
            ar, br = sol.y[:n], sol.y[n:]
            red = np.logaddexp(0.0, math.log(cc - 1) + br - ar)
        closed = gradient_flow_loss(t_eval[None, :], p[:, None], cc)
        e1 = float(np.max(np.abs(lfull - closed) / closed))
        e2 = float(np.nanmax(np.abs(red - lfull) / lfull)) if np.isfinite(red).all() else float("inf")
        worst_full_closed, worst_red_full = max(worst_full_closed, e1), max(worst_red_full, e2)
        worst_sym = max(worst_sym, spread)
        rows.append({"c": cc, "full_vs_closed_rel": e1, "printed_reduced_vs_full_rel": e2,
                     "offdiag_spread_in_columns": spread})
    ev = {"runs": rows, "t_eval": t_eval, "pi": "Zipf pi_k ∝ 1/k", "rtol": tol.ODE_RTOL, "atol": tol.ODE_ATOL,
          "agreement_tol": tol.ODE_AGREE_REL, "method": "solve_ivp DOP853 in log-time s = log(1+t)"}
    ok_closed = worst_full_closed <= tol.ODE_AGREE_REL and worst_sym <= tol.ODE_AGREE_REL
    if ok_closed and worst_red_full <= tol.ODE_AGREE_REL:
        return Result(Verdict.HOLDS, f"full c x c flow, printed reduced systems and closed form agree "
                                     f"(max rel {max(worst_full_closed, worst_red_full):.1e})", "numeric", ev)
    if ok_closed:
        bad = max(rows, key=lambda r: r["printed_reduced_vs_full_rel"])
        return Result(Verdict.CORRECTED, "the printed reduced systems do not reproduce the full flow", "numeric",
                      {**ev, "counterexample": bad},
                      correction="a_k' = pi_k (1 - e^{a_k}/(e^{a_k} + (c-1) e^{b_k})), "
                                 "b_k' = -pi_k e^{b_k}/(e^{a_k} + (c-1) e^{b_k})")
    return Result(Verdict.INCONCLUSIVE, "full flow and closed form disagree (integration problem)", "numeric", ev)


@claim(
    "K24.lemma4",
    provenance="seed-fulltext", source=SOURCE + ", Lemma 4 (separation of the dynamics)",
    statement=("d/dw_kj L(W) = -pi_k 1[k=j] + pi_j softmax(w^j)_k; the columns evolve independently, the "
               "off-diagonal entries of a column are equal, and the flow reduces to a_k' = pi_k (1 - e^{a_k}/"
               "(e^{a_k} + (c-1) e^{b_k})), b_k' = pi_k (-e^{b_k}/(e^{a_k} + (c-1) e^{b_k})), a_k(0) = b_k(0) = 0."),
    printed=printed_lemma4,
)
def check_lemma4(p, profile):
    parts = {
        "gradient": _lemma4_gradient(p["grad_entry"]),
        "reduction": _lemma4_reduction(p["a_rhs"], p["b_rhs"]),
        "three_routes": _lemma4_routes(p["a_rhs"], p["b_rhs"], profile),
    }
    return combine(parts, holds="gradient and reduction proved; full, reduced and closed-form routes agree")


# ---------------------------------------------------------------------------------------
# K24.lemma5
# ---------------------------------------------------------------------------------------


def _ode_residuals(a_expr, b_expr):
    import sympy as sp

    _, t, pi, c, a, b, *_ = _S()
    ta, tb = _true_rhs()
    ra = sp.diff(a_expr, t) - ta.subs({a: a_expr, b: b_expr})
    rb = sp.diff(b_expr, t) - tb.subs({a: a_expr, b: b_expr})
    return ra, rb


def _lemma5_closed(a_expr, b_expr) -> Result:
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    _, t, *_ = _S()
    ra, rb = _ode_residuals(a_expr, b_expr)
    pa, eva = _prove_in_t(ra, "a' = pi (1 - e^a/(e^a + z e^b))")
    pb, evb = _prove_in_t(rb, "b' = -pi e^b/(e^a + z e^b)")
    a0, notes_a = _lambertw_at_zero(a_expr.subs(t, 0))
    b0, notes_b = _lambertw_at_zero(b_expr.subs(t, 0))
    ia, ib = prove_zero(a0), prove_zero(b0)
    ev = {"claimed_a": str(a_expr), "claimed_b": str(b_expr), "ode_a": eva, "ode_b": evb,
          "a(0)": {"value": str(sp.simplify(a0)), **ia.as_evidence(), "W_values": notes_a},
          "b(0)": {"value": str(sp.simplify(b0)), **ib.as_evidence(), "W_values": notes_b}}
    allp = [pa, pb, ia, ib]
    if all(x.proved for x in allp):
        return Result(Verdict.HOLDS, "closed form satisfies both ODEs and a(0) = b(0) = 0 (proved, W e^W = X)",
                      "symbolic", ev)
    ref = next((x for x in allp if x.refuted), None)
    if ref is not None:
        return Result(Verdict.CORRECTED, "the printed closed form violates the ODE or the initial conditions",
                      "symbolic", {**ev, "counterexample": ref.counterexample},
                      correction="a(t) = (1/c)(f(t) - z W((1/z) e^{f(t)/z})), b(t) = -a(t)/z, f = 1 + c pi t, z = c - 1")
    return Result(Verdict.INCONCLUSIVE, "SymPy could not decide the closed form", "symbolic", ev)


def _lemma5_general(a_gen, b_gen, K1v, K2v) -> Result:

    from theorycheck.core.symcheck import prove_zero

    _, t, pi, c, a, b, K1, K2, *_ = _S()
    ra, rb = _ode_residuals(a_gen, b_gen)
    pa, eva = _prove_in_t(ra, "general a solves a' (all K1, K2)")
    pb, evb = _prove_in_t(rb, "general b solves b' (all K1, K2)")
    a0, na = _lambertw_at_zero(a_gen.subs({K1: K1v, K2: K2v}).subs(t, 0))
    b0, nb = _lambertw_at_zero(b_gen.subs({K1: K1v, K2: K2v}).subs(t, 0))
    ia, ib = prove_zero(a0), prove_zero(b0)
    # uniqueness: b - K1 = -a/z forces K1 = b(0) + a(0)/z = 0; then z c a(0) = c K2 - z^2 W((1/z) e^{c K2/z^2})
    # has derivative (in s = c K2 / z^2) z^2 (1 - w/(1+w)) > 0: one root only.
    ev = {"ode_a": eva, "ode_b": evb, "claimed_K1": str(K1v), "claimed_K2": str(K2v),
          "a(0)": {"value": str(a0), **ia.as_evidence(), "W_values": na},
          "b(0)": {"value": str(b0), **ib.as_evidence(), "W_values": nb},
          "uniqueness": "b = K1 - a/z gives K1 = 0; K2 -> c K2 - z^2 W((1/z) e^{cK2/z^2}) is strictly increasing "
                        "(derivative c/(1+W) > 0), so K2 = z/c is the only root"}
    if all(x.proved for x in (pa, pb, ia, ib)):
        return Result(Verdict.HOLDS, "general solution solves the ODE for all K1, K2; K1 = 0, K2 = z/c give "
                                     "a(0) = b(0) = 0 (proved)", "symbolic", ev)
    ref = next((x for x in (pa, pb, ia, ib) if x.refuted), None)
    if ref is not None:
        return Result(Verdict.CORRECTED, "the printed general solution or its constants are wrong", "symbolic",
                      {**ev, "counterexample": ref.counterexample},
                      correction="general solution as printed (it solves the ODE for all K1, K2) with K1 = 0, K2 = (c-1)/c")
    return Result(Verdict.INCONCLUSIVE, "SymPy could not decide the general solution", "symbolic", ev)


@claim(
    "K24.lemma5",
    provenance="seed-fulltext", source=SOURCE + ", Lemma 5 (solution of the dynamics)",
    statement=("General solution a(t) = (1/(zc))(c e^{-K1} K2 + c z pi t - z^2 W((1/z) exp((c/z^2)(z pi t + "
               "e^{-K1} K2) - K1))), b(t) = K1 - (1/(z^2 c))(same); the initial conditions give K1 = 0, K2 = z/c, "
               "hence a(t) = (1/c)(f(t) - z W((1/z) exp(f(t)/z))), b(t) = -(1/z) a(t), f = 1 + c pi t, z = c - 1."),
    printed=printed_lemma5,
)
def check_lemma5(p, profile):
    parts = {
        "closed_form": _lemma5_closed(p["a"], p["b"]),
        "general_solution": _lemma5_general(p["a_general"], p["b_general"], p["K1"], p["K2"]),
    }
    return combine(parts, holds="closed form, general solution and K1 = 0, K2 = z/c proved (W e^W = X substitution)")


