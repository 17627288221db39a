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
    delta_normalize,
    general_gradient,
    resolve_ranges,
    printed_lemma4,
    printed_lemma5,
)
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine

# ---------------------------------------------------------------------------------------
# K24.lemma4
# ---------------------------------------------------------------------------------------


def _lemma4_gradient(expr, c: int = 3) -> Result:
    """The printed gradient entry, proved for symbolic ``c`` (:func:`general_gradient`); the explicit
    ``c = 3`` computation is kept as a cross-check and supplies an exact counterexample."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    g, gev = general_gradient()
    pk, pj, d, s = sp.symbols("pi_k pi_j delta_kj s_kj", positive=True)
    printed_g = sp.sympify(expr).subs({pk: g.P[g.k], pj: g.P[g.j], d: sp.KroneckerDelta(g.k, g.j),
                                       s: sp.exp(g.W[g.k, g.j]) / g.S(g.j)})
    general_ok = sp.cancel(delta_normalize(g.G - printed_g, [(g.k, g.j), (g.j, g.k)])) == 0
    # cross-check at c = 3 (explicit scalar symbols)
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
    ev = {"claimed": str(expr), "general": {**gev, "printed - derived == 0 (symbolic c)": general_ok},
          "cross_check_c3": {"c": c, "entries": statuses}}
    truth = sp.expand(g.G.subs({g.P[g.j]: pj, g.P[g.k]: pk}).subs(sp.KroneckerDelta(g.k, g.j), d)
                      .subs(sp.exp(g.W[g.k, g.j]) / g.S(g.j), s))
    if general_ok and not bad:
        return Result(Verdict.HOLDS, "gradient formula proved for symbolic c (c = 3 entries agree)", "symbolic", ev,
                      strength="proved")
    ref = next((x for x in bad if x[2].refuted), None)
    if ref is not None and not general_ok:
        k, j, p = ref
        return Result(Verdict.CORRECTED, f"gradient formula wrong (exact counterexample at c = {c}, entry ({k},{j}))",
                      "symbolic", {**ev, "counterexample": p.counterexample}, strength="proved",
                      correction=f"d/dw_kj L(W) = {truth}  (delta_kj = 1[k = j], s_kj = softmax(w^j)_k; derived for "
                                 "symbolic c)")
    return Result(Verdict.INCONCLUSIVE, "the general derivation and the c = 3 entries do not settle the formula",
                  "symbolic", ev)


def _general_reduction():
    """The reduced right-hand sides from the general gradient: column ``k`` has ``a`` on the diagonal
    and ``b`` elsewhere (``W[i, k] = b + (a - b) 1[i = k]``); ``a' = -dL/dW[k, k]``,
    ``b' = -dL/dW[k + q, k]`` (``q != 0``: every off-diagonal entry of the column)."""
    import sympy as sp

    g, _ = general_gradient()
    _, t, pi, c, a, b, *_ = _S()
    col_sum = sp.Sum(sp.exp(b) + (sp.exp(a) - sp.exp(b)) * sp.KroneckerDelta(g.i, g.k), (g.i, 1, g.c))
    col_sum, _r = resolve_ranges(col_sum, {g.k: g.c})

    def on_ansatz(e, row=None):
        sub = {g.P[g.k]: pi, g.W[g.k, g.k]: a, **({g.W[row, g.k]: b} if row is not None else {})}
        e = e.subs(g.S(g.k), col_sum).subs(sub)
        return sp.simplify(e.subs(g.c, c))

    Gkk = g.G.subs(g.j, g.k)
    Gjk = g.G.subs({g.k: g.k + g.q}).subs(g.j, g.k)  # row k + q, column k
    a_rhs = on_ansatz(-Gkk)
    b_rhs = on_ansatz(-Gjk, g.k + g.q)
    cols = {w_.indices[1] for w_ in g.G.atoms(sp.Indexed) if w_.base == g.W}
    pis = {p_.indices[0] for p_ in g.G.atoms(sp.Indexed) if p_.base == g.P}
    return a_rhs, b_rhs, {"column_sum": str(col_sum), "a'": str(a_rhs), "b'": str(b_rhs),
                          "b' independent of the row (the column's off-diagonal entries stay equal)": not b_rhs.has(g.q),
                          "separation: dL/dW[k, j] involves column j of W and pi[j] only": cols == {g.j} and pis == {g.j}}


def _lemma4_reduction(a_rhs, b_rhs, cs=(2, 3, 4, 5)) -> Result:
    """The printed reduced right-hand sides against those derived from the general gradient
    (symbolic ``c``); the substitution at ``c = 2..5`` is kept as a cross-check."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    _, t, pi, c, a, b, *_ = _S()
    ga_rhs, gb_rhs, gev = _general_reduction()
    ga, gb = prove_zero(ga_rhs - a_rhs), prove_zero(gb_rhs - b_rhs)
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
    cons = prove_zero(a_rhs + (c - 1) * b_rhs)
    ev = {"general": {**gev, "a' vs printed": ga.as_evidence(), "b' vs printed": gb.as_evidence()},
          "cross_check_per_c": out, "printed_a_rhs": str(a_rhs), "printed_b_rhs": str(b_rhs),
          "conservation_a_plus_zb": cons.as_evidence()}
    invariant = (gev["b' independent of the row (the column's off-diagonal entries stay equal)"]
                 and gev["separation: dL/dW[k, j] involves column j of W and pi[j] only"])
    if ga.proved and gb.proved and invariant and not bad:
        return Result(Verdict.HOLDS, "reduced 2-D dynamics proved from the gradient for symbolic c (c = 2..5 agree)",
                      "symbolic", ev, strength="proved")
    refuted = [("symbolic c", n, p) for n, p in (("a'", ga), ("b'", gb)) if p.refuted] + [x for x in bad if x[2].refuted]
    if refuted:
        cc, nm, p = refuted[0]
        return Result(Verdict.CORRECTED, f"printed {nm} differs from the reduced gradient flow ({cc})", "symbolic",
                      {**ev, "counterexample": p.counterexample}, strength="proved",
                      correction=f"a_k' = {ga_rhs}, b_k' = {gb_rhs} (pi = pi_k; derived from the gradient for symbolic c)")
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
                      correction="a_k' = {}, b_k' = {} (pi = pi_k; derived from the gradient)".format(
                          *_general_reduction()[:2]))
    return Result(Verdict.INCONCLUSIVE, "full flow and closed form disagree (integration problem)", "numeric", ev)


def variants_lemma4(pr):
    """Wrong forms of lemma 4 (gradient entry, reduced system), each with the other parts as printed."""
    import sympy as sp

    _, t, pi, c, a, b, *_ = _S()
    pk, pj, d, s_ = sp.symbols("pi_k pi_j delta_kj s_kj", positive=True)
    g, ar, br = pr["grad_entry"], pr["a_rhs"], pr["b_rhs"]
    return [
        Variant("gradient: sign of the delta term flipped", "sign", {**pr, "grad_entry": g.subs(d, -d)}),
        Variant("gradient: softmax term x2", "constant", {**pr, "grad_entry": g.subs(s_, 2 * s_)}),
        Variant("gradient: pi_k instead of pi_j", "dependence", {**pr, "grad_entry": g.subs(pj, pk)}, param="pi"),
        Variant("reduced a': c instead of c - 1", "dependence", {**pr, "a_rhs": ar.subs(c - 1, c)}, param="c"),
        Variant("reduced b': sign flipped", "sign", {**pr, "b_rhs": -br}),
        Variant("reduced b': e^{2b}", "exponent", {**pr, "b_rhs": br.subs(sp.exp(b), sp.exp(2 * b))}),
    ]


@claim(
    "K24.lemma4",
    provenance="seed-fulltext", source=SOURCE + ", Lemma 4 (separation of the dynamics)",
    statement=("d/dw_kj L(W) = -pi_k 1[k=j] + pi_j softmax(w^j)_k; the columns evolve independently, the "
               "off-diagonal entries of a column are equal, and the flow reduces to a_k' = pi_k (1 - e^{a_k}/"
               "(e^{a_k} + (c-1) e^{b_k})), b_k' = pi_k (-e^{b_k}/(e^{a_k} + (c-1) e^{b_k})), a_k(0) = b_k(0) = 0."),
    printed=printed_lemma4, parameters=("pi", "c"), variants=variants_lemma4,
)
def check_lemma4(p, profile):
    """Gradient and reduction proved for symbolic ``c`` (the vector field keeps the column ansatz, so
    by uniqueness of ODE solutions the flow from ``W = 0`` stays on it); the full ``c x c`` flow,
    the printed reduced systems and the closed form integrated numerically are a cross-check."""
    parts = {
        "gradient": _lemma4_gradient(p["grad_entry"]),
        "reduction": _lemma4_reduction(p["a_rhs"], p["b_rhs"]),
        "three_routes": _lemma4_routes(p["a_rhs"], p["b_rhs"], profile),
    }
    return combine(parts, holds="gradient and reduction proved for symbolic c; full, reduced and closed-form routes agree",
                   cross_checks=["three_routes"])


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
        return Result(Verdict.HOLDS, "closed form satisfies both ODEs and a(0) = b(0) = 0 (proved for all t, pi, c; "
                      "W e^W = X)", "symbolic", ev, strength="proved")
    ref = next((x for x in allp if x.refuted), None)
    if ref is not None:
        which = [n for n, x in (("a' ODE", pa), ("b' ODE", pb), ("a(0) = 0", ia), ("b(0) = 0", ib)) if x.refuted]
        return Result(Verdict.CORRECTED, f"the printed closed form violates: {', '.join(which)}",
                      "symbolic", {**ev, "counterexample": ref.counterexample}, strength="proved",
                      correction=_closed_form_truth())
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
                                     "a(0) = b(0) = 0 (proved)", "symbolic", ev, strength="proved")
    ref = next((x for x in (pa, pb, ia, ib) if x.refuted), None)
    if ref is not None:
        ode_ok = not (pa.refuted or pb.refuted)
        corr = (f"the general solution solves the ODE for all K1, K2, but K1 = {K1v}, K2 = {K2v} do not give "
                f"a(0) = b(0) = 0; the initial conditions give {_constants_truth(a_gen, b_gen)}" if ode_ok else
                "the printed general solution does not solve the ODE; " + _closed_form_truth())
        return Result(Verdict.CORRECTED, "the printed general solution or its constants are wrong", "symbolic",
                      {**ev, "counterexample": ref.counterexample}, strength="proved", correction=corr)
    return Result(Verdict.INCONCLUSIVE, "SymPy could not decide the general solution", "symbolic", ev)


#: extreme scales at which the printed closed form is checked against the ODE in ball arithmetic
_EXTREME = {"c": ("2", "1e3", "1e9"), "pi": ("1", "1e-12"), "t": ("1e-6", "1", "1e15")}


def _extreme_scales(a_expr, b_expr) -> Result:
    """The printed ``a(t)``, ``b(t)`` against the reduced ODE at extreme ``(c, pi, t)``, in Arb ball
    arithmetic (256 bits; ``a'`` from a power series in ``t``, no float): a residual ball that excludes
    0 is a certified counterexample; otherwise its radius bounds the residual. The float64 closed form
    of :mod:`theorycheck.models.flows` (Wright omega) is compared with the certified loss as well."""
    from flint import arb, arb_series

    from theorycheck.core.certify import arb_function, bound_str, precision, to_arb
    from theorycheck.models.flows import gradient_flow_loss

    _, t, pi, c, *_ = _S()
    fa, fb = arb_function(a_expr, t, pi, c), arb_function(b_expr, t, pi, c)
    worst_res, worst_float, rows, bad = arb(0), 0.0, [], None
    with precision(256, cap=2):
        for cs in _EXTREME["c"]:
            for ps in _EXTREME["pi"]:
                for ts in _EXTREME["t"]:
                    C, P, T = to_arb(cs), to_arb(ps), to_arb(ts)
                    z = C - 1
                    A, B = fa(arb_series([T, 1]), P, C), fb(arb_series([T, 1]), P, C)
                    a0, a1 = A.coeffs()[0], A.coeffs()[1]
                    b0, b1 = B.coeffs()[0], B.coeffs()[1]
                    den = a0.exp() + z * b0.exp()
                    ra = a1 - P * (1 - a0.exp() / den)
                    rb = b1 + P * b0.exp() / den
                    scale = abs(a1) + abs(P)
                    rel = (abs(ra) + abs(rb)) / scale
                    row = {"c": cs, "pi": ps, "t": ts, "a": a0.str(12), "residual_a": ra.str(5), "residual_b": rb.str(5)}
                    if (ra > 0 or ra < 0 or rb > 0 or rb < 0) and bad is None:
                        bad = row
                    worst_res = worst_res.max(rel.upper())
                    # float64 closed form vs the certified loss of the derived closed form
                    w = ((1 + C * P * T) / z - z.log()).exp().lambertw()
                    loss = (1 + 1 / w).log()
                    fl = float(gradient_flow_loss(float(ts), float(ps), float(cs)))
                    err = abs(to_arb(repr(fl)) - loss) / loss
                    worst_float = max(worst_float, float(bound_str(err, "upper", 3)))
                    rows.append(row)
    ev = {"points": rows, "prec_bits": 256, "max_relative_residual_bound": bound_str(worst_res, "upper", 3),
          "float64_closed_form_vs_certified_loss_max_rel": worst_float, "float_tolerance": tol.FLOAT64_REL,
          "range": {k: list(v) for k, v in _EXTREME.items()}}
    if bad is not None:
        return Result(Verdict.CORRECTED, f"the printed closed form violates the ODE at c = {bad['c']}, pi = {bad['pi']}, "
                      f"t = {bad['t']} (certified residual {bad['residual_a']})", "numeric", {**ev, "counterexample": bad},
                      strength="certified", correction=_closed_form_truth())
    if worst_float > tol.FLOAT64_REL:
        return Result(Verdict.INCONCLUSIVE, f"float64 closed form off by {worst_float:.1e} at extreme scales", "numeric", ev)
    return Result(Verdict.HOLDS, f"ODE residual of the printed closed form <= {ev['max_relative_residual_bound']} "
                  f"(relative, certified) at {len(rows)} extreme points; float64 closed form within {worst_float:.1e}",
                  "numeric", ev, strength="certified")


_CACHE: dict = {}


def _cached(fn, *exprs):
    """``fn(*exprs)``, memoised on the expressions (a variant that changes one part reuses the other)."""
    key = (fn.__name__,) + tuple(exprs)
    if key not in _CACHE:
        _CACHE[key] = fn(*exprs)
    import copy

    return copy.deepcopy(_CACHE[key])


def _closed_form_truth() -> str:
    """The closed form derived here (conservation a = -z b and e^u + z u = f for u = a - b), as text."""
    return "a(t) = (1/c)(f(t) - z W((1/z) e^{f(t)/z})), b(t) = -a(t)/z, f = 1 + c pi t, z = c - 1"


def _constants_truth(a_gen, b_gen) -> str:
    """Solve a(0) = b(0) = 0 for K1, K2 in the printed general solution (W(x e^x) = x)."""
    import sympy as sp

    _, t, pi, c, a, b, K1, K2, *_ = _S()
    for k1 in (sp.Integer(0),):
        for k2 in ((c - 1) / c, c / (c - 1), sp.Integer(1), 1 / c):
            a0, _n = _lambertw_at_zero(a_gen.subs({K1: k1, K2: k2}).subs(t, 0))
            b0, _n = _lambertw_at_zero(b_gen.subs({K1: k1, K2: k2}).subs(t, 0))
            if sp.simplify(a0) == 0 and sp.simplify(b0) == 0:
                return f"K1 = {k1}, K2 = {k2}"
    return "constants not found among the candidates tried"


def variants_lemma5(pr):
    """Wrong forms of lemma 5: the closed form (sign, exponent, dependence on t, pi, c) and the constants."""
    import sympy as sp

    _, t, pi, c, a, b, K1, K2, *_ = _S()
    z = c - 1
    a_t = pr["a"]

    def with_a(expr):
        return {**pr, "a": expr, "b": -expr / z}

    Wx = next(iter(a_t.atoms(sp.LambertW)))
    return [
        Variant("closed form: sign of the W term flipped", "sign", with_a(a_t.subs(Wx, -Wx))),
        Variant("closed form: f/z^2 in the exponent", "exponent",
                with_a(a_t.subs(Wx, sp.LambertW(sp.exp((1 + c * pi * t) / z**2) / z)))),
        Variant("constants: K2 = c/(c-1)", "constant", {**pr, "K2": c / (c - 1)}),
        Variant("closed form: pi^2 instead of pi", "dependence", with_a(a_t.subs(pi, pi**2)), param="pi"),
        Variant("closed form: t^2 instead of t", "dependence", with_a(a_t.subs(t, t**2)), param="t"),
        Variant("closed form: prefactor 1/(c+1) instead of 1/c", "dependence", with_a(a_t * c / (c + 1)), param="c"),
        Variant("b = -a (the 1/z dropped)", "other", {**pr, "b": -a_t}),
    ]


@claim(
    "K24.lemma5",
    provenance="seed-fulltext", source=SOURCE + ", Lemma 5 (solution of the dynamics)",
    statement=("General solution a(t) = (1/(zc))(c e^{-K1} K2 + c z pi t - z^2 W((1/z) exp((c/z^2)(z pi t + "
               "e^{-K1} K2) - K1))), b(t) = K1 - (1/(z^2 c))(same); the initial conditions give K1 = 0, K2 = z/c, "
               "hence a(t) = (1/c)(f(t) - z W((1/z) exp(f(t)/z))), b(t) = -(1/z) a(t), f = 1 + c pi t, z = c - 1."),
    printed=printed_lemma5, parameters=("t", "pi", "c"), variants=variants_lemma5,
)
def check_lemma5(p, profile):
    parts = {
        "closed_form": _cached(_lemma5_closed, p["a"], p["b"]),
        "general_solution": _cached(_lemma5_general, p["a_general"], p["b_general"], p["K1"], p["K2"]),
        "extreme_scales": _extreme_scales(p["a"], p["b"]),
    }
    return combine(parts, holds="closed form, general solution and K1 = 0, K2 = z/c proved (W e^W = X substitution); "
                                "ODE residual certified tiny at extreme scales", cross_checks=["extreme_scales"])


