"""Shared helpers of lemmas4_5, hh08, theorem3 (symbols, statements as printed)."""

from __future__ import annotations

import mpmath

from theorycheck.core import tolerances as tol
from theorycheck.core.indexed import resolve_ranges
from theorycheck.core.papers import cite

SOURCE = cite("K24", "appendix I")

# ---------------------------------------------------------------------------------------
# symbols and the statements as printed
# ---------------------------------------------------------------------------------------


def _S():
    import sympy as sp

    t, pi, c = sp.symbols("t pi c", positive=True)
    a, b = sp.symbols("a b", real=True)
    K1, K2 = sp.symbols("K1 K2", real=True)
    f_, z_, h_ = sp.symbols("f z h", positive=True)
    return sp, t, pi, c, a, b, K1, K2, f_, z_, h_


def printed_lemma4():
    sp, t, pi, c, a, b, *_ = _S()
    pk, pj, d, s = sp.symbols("pi_k pi_j delta_kj s_kj", positive=True)
    den = sp.exp(a) + (c - 1) * sp.exp(b)
    return {
        # d/dw_kj L = -pi_k 1[k=j] + pi_j softmax(w^j)_k   (s_kj := softmax(w^j)_k)
        "grad_entry": -pk * d + pj * s,
        "a_rhs": pi * (1 - sp.exp(a) / den),
        "b_rhs": pi * (-sp.exp(b) / den),
    }


def printed_lemma5():
    sp, t, pi, c, a, b, K1, K2, *_ = _S()
    z = c - 1
    f = 1 + c * pi * t
    Wt = sp.LambertW(sp.exp(f / z) / z)
    inner = c * sp.exp(-K1) * K2 + c * z * pi * t - z**2 * sp.LambertW(
        sp.exp((c / z**2) * (z * pi * t + sp.exp(-K1) * K2) - K1) / z)
    a_t = (f - z * Wt) / c
    return {
        "a": a_t,
        "b": -a_t / z,
        "a_general": inner / (z * c),
        "b_general": K1 - inner / (z**2 * c),
        "K1": sp.Integer(0),
        "K2": z / c,
    }


def printed_hh08():
    import sympy as sp

    # norm_exponent: the power of log x in the normalisation delta(x) log(x)^a / log(log(x)) (printed: 1)
    return {"lower": sp.Rational(1, 2), "upper": sp.E / (sp.E - 1), "x_min": sp.E, "norm_exponent": 1}


def printed_lemma6():
    sp, t, pi, c, a, b, K1, K2, f, z, h = _S()
    return {
        "ab_relation": a - (c - 1) * b,  # "a_k(t) = (c-1) b_k(t)", as an expression that vanishes
        "loss_identity": sp.log(1 + (c - 1) * sp.exp(c * b)),
        **printed_hh08(),
        "threshold_statement": z * sp.log(z) + 1,  # "1 + c pi t >= z log z + 1", i.e. f >= this
        "threshold_proof": z * (sp.log(z) + 1),  # "once f(t) >= z (log z + 1)"
        "identity_rhs": z * sp.exp(h) / (f - z * sp.log(z)),  # = z exp(c b(t))
        "sandwich_lower": z * sp.exp(h) / (f - z * sp.log(z) + z * sp.exp(h)),
        "sandwich_upper": z * sp.exp(h) / (f - z * sp.log(z)),
        "rate": 1 / (pi * t),  # l = Theta(1/(pi_k t)) (in t, pi and c: constants uniform in pi and c)
        "limit_constant": None,  # Theta only: no constant printed
    }


def printed_lemma7():
    sp, t, pi, c, *_ = _S()
    return {"a": t, "b": -t, "loss": sp.log(1 + (c - 1) * sp.exp(-c * t))}


def printed_thm3():
    sp, t, pi, c, *_ = _S()
    return {"gf_rate": 1 / (pi * t), "sf_rate": sp.exp(-c * t), "gf_depends_on_pi": True, "sf_depends_on_pi": False}


# ---------------------------------------------------------------------------------------
# truth, derived independently
# ---------------------------------------------------------------------------------------


def _true_rhs():
    """The reduced right-hand side, derived from the gradient ``pi_k (softmax - e_k)`` with
    the column ansatz (a at the diagonal, b elsewhere)."""
    sp, t, pi, c, a, b, *_ = _S()
    # softmax of the column (a, b, ..., b): s_k = 1/(1 + (c-1) e^{b-a}), s_j = e^{b-a}/(1 + (c-1) e^{b-a})
    q = sp.exp(b - a)
    return pi * (1 - 1 / (1 + (c - 1) * q)), -pi * q / (1 + (c - 1) * q)


def _lambertw_substitute(expr):
    """Remove ``W`` from an expression in ``t`` via ``W(X) = w``, ``X = w e^w`` solved for
    ``t``, then ``w = v^c / z`` with ``c = z + 1``. Returns ``(expr_in_v, info)`` or
    ``(None, reason)`` when the pattern does not apply."""
    import sympy as sp

    _, t, pi, c, *_r = _S()
    zs, v, w = sp.Symbol("z", positive=True), sp.Symbol("v", positive=True), sp.Symbol("w", positive=True)
    e = sp.sympify(expr).subs(c, zs + 1)
    Ws = list(e.atoms(sp.LambertW))
    if len(Ws) != 1:
        return None, f"{len(Ws)} distinct LambertW terms"
    X = Ws[0].args[0]
    sol = sp.solve(sp.Eq(sp.expand_log(sp.log(X), force=True), sp.log(w) + w), t)
    if len(sol) != 1:
        return None, "log X is not linear in t"
    e = e.subs(Ws[0], w).subs(t, sol[0]).subs(w, v ** (zs + 1) / zs)
    e = sp.expand_log(e, force=True)
    e = e.replace(sp.exp, lambda arg: sp.exp(sp.factor(sp.expand(arg))))
    return e, {"W_argument": str(X), "t_of_w": str(sol[0]), "w": "v**(z+1)/z"}


def _quick_refute(expr):
    """Evaluate ``expr`` with ``tol.MP_DPS`` digits at a few points of the domain
    (``c >= 2``, ``pi`` in (0, 1], ``t > 0``); a relative residual above
    ``tol.SYMBOLIC_REFUTE_REL`` is a counterexample. Returns it or ``None`` (never a proof)."""
    import sympy as sp

    _, t, pi, c, *_r = _S()
    syms = sorted(sp.sympify(expr).free_symbols, key=lambda s_: s_.name)
    vals = {"t": ("7/10", "3"), "pi": ("1/3", "1/50"), "c": ("3", "17/2"), "z": ("2", "15/2"),
            "K1": ("1/5", "-1/3"), "K2": ("2/7", "3/2")}
    e = sp.sympify(expr)
    terms = sp.Add.make_args(sp.expand(e)) if len(sp.Add.make_args(e)) < 2 else sp.Add.make_args(e)
    f_all = sp.lambdify(syms, e, "mpmath")
    f_terms = [sp.lambdify(syms, tm, "mpmath") for tm in terms]
    for i in range(2):
        with mpmath.workdps(tol.MP_DPS):
            rats = [sp.Rational(vals.get(s_.name, ("5/7", "9/4"))[i]) for s_ in syms]
            args = [mpmath.mpf(int(r.p)) / int(r.q) for r in rats]
            try:
                val = complex(f_all(*args))
                scale = max([abs(complex(ft(*args))) for ft in f_terms] + [1e-300])
            except (ZeroDivisionError, ValueError, TypeError):
                continue
        if abs(val) / scale > tol.SYMBOLIC_REFUTE_REL:
            pt = {str(s_): vals.get(s_.name, ("5/7", "9/4"))[i] for s_ in syms}
            return {"point": pt, "value": str(val), "relative": abs(val) / scale}
    return None


def _prove_in_t(residual, label: str):
    """Prove ``residual(t) == 0`` for all t > 0 (W removed by substitution); on failure
    probe it numerically in ``t`` with mpmath (refutes a wrong statement)."""
    from theorycheck.core.symcheck import Proof, prove_zero

    ev = {"identity": label}
    ce = _quick_refute(residual)
    if ce is not None:
        ev["proof"] = {"status": "refuted", "how": "high-precision evaluation at an explicit point", "counterexample": ce}
        return Proof("refuted", "high-precision evaluation at an explicit point", counterexample=ce), ev
    e, info = _lambertw_substitute(residual)
    if e is not None:
        p = prove_zero(e)
        ev.update(substitution=info, proof=p.as_evidence())
        if p.proved or p.refuted:
            return p, ev
    p = prove_zero(residual)  # numeric probe in the original variables (LambertW via mpmath)
    ev["direct"] = p.as_evidence()
    return p, ev


def _lambertw_at_zero(expr):
    """Evaluate ``expr`` (no ``t``) by resolving each ``W(X0)``: ``X0`` matched as
    ``w0 e^{w0}`` with ``w0 > -1`` proved, hence ``W(X0) = w0`` (principal branch)."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    _, t, pi, c, *_r = _S()
    zs = sp.Symbol("z", positive=True)
    expr = sp.sympify(expr).subs(c, zs + 1)  # z = c - 1 > 0
    W_ = sp.Wild("W_")
    notes = []
    for Wx in list(expr.atoms(sp.LambertW)):
        X0 = Wx.args[0]
        m = sp.powsimp(X0).match(W_ * sp.exp(W_))
        if not m:
            continue
        w0 = m[W_]
        chk = prove_zero(w0 * sp.exp(w0) - X0)
        if chk.proved and (w0.is_positive or w0 == 0):
            expr = expr.subs(Wx, w0)
            notes.append(f"W({X0}) = {w0} since {w0} e^({w0}) = {X0} and {w0} > 0")
    return expr, notes




# ---------------------------------------------------------------------------------------
# the gradient of L for symbolic c (indexed sums): lemma 4, lemma 7
# ---------------------------------------------------------------------------------------


def delta_normalize(expr, pairs):
    """In every term with a factor ``KroneckerDelta(i, j)`` (``(i, j)`` in ``pairs``), set ``j = i`` in
    the rest of the term (the delta is 0 unless they are equal)."""
    import sympy as sp

    out = []
    for term in sp.Add.make_args(sp.expand(expr)):
        for i, j in pairs:
            d = sp.KroneckerDelta(i, j)
            if term.has(d):
                rest = sp.cancel(term / d)
                if not rest.has(d):
                    term = d * rest.subs(j, i)
        out.append(term)
    return sp.Add(*out)


def general_gradient():
    """``dL/dW[k, j]`` of ``L(W) = -sum_{m=1}^c pi[m] log softmax(W[:, m])_m`` for symbolic ``c`` (SymPy
    ``diff`` on indexed sums). Returns ``(namespace, evidence)``."""
    import sympy as sp
    from types import SimpleNamespace

    c = sp.Symbol("c", integer=True, positive=True)
    k, j, m, i = sp.symbols("k j m i", integer=True, positive=True)
    q = sp.Symbol("q", integer=True, nonzero=True)
    W, P = sp.IndexedBase("W"), sp.IndexedBase("pi")
    L = -sp.Sum(P[m] * (W[m, m] - sp.log(sp.Sum(sp.exp(W[i, m]), (i, 1, c)))), (m, 1, c))
    G, resolved = resolve_ranges(sp.diff(L, W[k, j]).doit(), {k: c, j: c})
    G = delta_normalize(G, [(k, j), (j, k)])
    ns = SimpleNamespace(c=c, k=k, j=j, m=m, i=i, q=q, W=W, P=P, L=L, G=G,
                         S=lambda col: sp.Sum(sp.exp(W[i, col]), (i, 1, c)))
    ev = {"loss": "L = -Sum(pi[m] (W[m, m] - log Sum(exp(W[i, m]), (i, 1, c))), (m, 1, c)), c symbolic",
          "gradient": f"dL/dW[k, j] = {G}", "range_conditions_resolved": resolved}
    return ns, ev
