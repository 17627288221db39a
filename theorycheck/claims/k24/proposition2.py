"""K24 Proposition 2 (equations 1 and 2): gradient and Hessian blocks at initialisation and
during training. Instances and symbols live in :mod:`._softmax_common`; the numeric part of
``K24.prop2.train`` uses :mod:`theorycheck.models.kernels` (numpy)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from theorycheck.claims.k24._softmax_common import (
    SOURCE,
    _coef_check,
    _grad_blocks,
    _hess_blocks,
    _p_subs,
    _sym,
    cheap_zero,
    general,
    linear_sums,
    relation_note,
)
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine

# ------------------------------------------------------------------------------------------
# K24.prop2.init
# ------------------------------------------------------------------------------------------

def printed_prop2_init():
    """Equation 1 as printed (vectors/matrices through linear placeholders)."""
    sp, S = _sym()
    c = S["c"]
    return {"grad": S["pi_k"] * S["xbar_k"] - S["xbar"] / c, "hess": (1 / c) * (1 - 1 / c) * S["Hbar"]}


#: explicit data sets for the symbolic check of Proposition 2 at W = 0: (c, d, labels)
_INIT_DATA = ((3, 2, (0, 0, 1, 2, 2)), (4, 3, (0, 1, 1, 1, 2, 3)))


@lru_cache(maxsize=None)
def _init_truth():
    """Per instance: derived grad/hess blocks of L at W = 0 and the data moments."""
    import sympy as sp

    from theorycheck.models.softmax_symbolic import (
        gradient_blocks,
        hessian_blocks,
        model,
    )

    out = []
    for c, d, labels in _INIT_DATA:
        m = model(c, d)
        n = len(labels)
        Xs = [sp.Matrix(d, 1, lambda j, _: sp.Symbol(f"X_{i + 1}_{j + 1}", real=True)) for i in range(n)]
        zero = {w: 0 for w in m.params}
        G = [sp.zeros(d, 1) for _ in range(c)]
        Hk = [sp.zeros(d, d) for _ in range(c)]
        for i, y in enumerate(labels):
            xs = dict(zip(list(m.x), list(Xs[i])))
            gb = gradient_blocks(c, d, y)
            hb = hessian_blocks(c, d, y)
            for k in range(c):
                G[k] += gb[k].subs(zero).subs(xs) / n
                Hk[k] += hb[k][k].subs(zero).subs(xs) / n
        xbar = sum(Xs, sp.zeros(d, 1)) / n
        Hbar = sum((x * x.T for x in Xs), sp.zeros(d, d)) / n
        mom = []
        for k in range(c):
            idx = [i for i, y in enumerate(labels) if y == k]
            mom.append({"pi_k": sp.Rational(len(idx), n),
                        "xbar_k": sum((Xs[i] for i in idx), sp.zeros(d, 1)) / len(idx)})
        out.append({"c": c, "d": d, "labels": labels, "G": G, "H": Hk, "xbar": xbar, "Hbar": Hbar, "mom": mom})
    return out


def _compare_init(expr, which, inst, S):
    """Build the printed vector/matrix for every k of an instance and compare."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    c = inst["c"]
    for k in range(c):
        mom = inst["mom"][k]
        if which == "grad":
            derived = inst["G"][k]
            shape = derived.shape
            printed_m = sp.Matrix(shape[0], 1, lambda j, _: sp.sympify(expr).subs(
                {S["c"]: c, S["pi_k"]: mom["pi_k"], S["xbar_k"]: mom["xbar_k"][j], S["xbar"]: inst["xbar"][j]}))
        else:
            derived = inst["H"][k]
            printed_m = sp.Matrix(*derived.shape, lambda a, b: sp.sympify(expr).subs(
                {S["c"]: c, S["pi_k"]: mom["pi_k"], S["Hbar"]: inst["Hbar"][a, b]}))
        for e in derived - printed_m:
            pr = prove_zero(e)
            if not pr.proved:
                return pr, (c, inst["d"], inst["labels"], k)
    return None, None


@lru_cache(maxsize=1)
def _init_general():
    """``grad_{w_k} L(0)`` (entry ``b``) and ``hess_{w_k} L(0)`` (entry ``b, e``) for symbolic ``c``, ``d``
    and ``n`` samples ``(X[i, .], Y[i])``: the general per-sample blocks at ``W = 0`` (every
    ``z_m = 0``, so ``S = c``), averaged over the samples, and the data moments as indexed sums."""
    import sympy as sp

    g = general()
    at0 = lambda e: e.replace(lambda s_: isinstance(s_, sp.Indexed) and s_.base == g.W, lambda s_: 0).doit()  # noqa: E731

    def per_sample(e):
        e = e.subs(g.y, g.Y[g.i])
        return e.replace(lambda s_: isinstance(s_, sp.Indexed) and s_.base == g.x, lambda s_: g.X[g.i, s_.indices[0]])

    G0 = at0(g.G)
    H0 = at0(g.H.subs(g.j, g.k))
    grad = linear_sums(sp.Sum(per_sample(G0), (g.i, 1, g.n)) / g.n)
    hess = linear_sums(sp.Sum(per_sample(H0), (g.i, 1, g.n)) / g.n)
    dk = sp.KroneckerDelta(g.k, g.Y[g.i])
    nk = sp.Sum(dk, (g.i, 1, g.n))
    mom = {"pi_k": nk / g.n, "xbar_k": sp.Sum(dk * g.X[g.i, g.b], (g.i, 1, g.n)) / nk,
           "xbar": sp.Sum(g.X[g.i, g.b], (g.i, 1, g.n)) / g.n,
           "Hbar": sp.Sum(g.X[g.i, g.b] * g.X[g.i, g.e], (g.i, 1, g.n)) / g.n}
    # back to the paper's placeholders: (1/n) sum X = xbar, (1/n) sum delta X = pi_k xbar^k, (1/n) sum X X = Hbar
    _, S = _sym()
    back = {sp.Sum(g.X[g.i, g.b], (g.i, 1, g.n)): g.n * S["xbar"],
            sp.Sum(dk * g.X[g.i, g.b], (g.i, 1, g.n)): g.n * S["pi_k"] * S["xbar_k"],
            sp.Sum(g.X[g.i, g.b] * g.X[g.i, g.e], (g.i, 1, g.n)): g.n * S["Hbar"], g.c: S["c"]}
    truth = {"grad": sp.expand(sp.cancel(grad.xreplace(back))), "hess": sp.expand(sp.cancel(hess.xreplace(back)))}
    steps = {"per_sample": "the general blocks (symbolic c, d) at W = 0: z_m = 0, S = Sum(1, (m, 1, c)) = c",
             "average": "L = (1/n) sum_i l(W, X[i, .], Y[i]), n symbolic; sums split by linearity",
             "moments": "pi_k = n_k/n, xbar^k = (1/n_k) sum_i KroneckerDelta(k, Y[i]) X[i, .], n_k = sum_i "
                        "KroneckerDelta(k, Y[i]); xbar, Hbar the sample means",
             "grad_entry": f"{grad}", "hess_entry": f"{hess}", "in_placeholders": {k: str(v) for k, v in truth.items()}}
    return grad, hess, mom, truth, steps


def _init_compare(expr, which):
    """Exact comparison of a printed init formula with the general derivation (or ``None``)."""
    import sympy as sp

    g = general()
    grad, hess, mom, _, _ = _init_general()
    _, S = _sym()
    sub = {S["c"]: g.c, S["pi_k"]: mom["pi_k"], S["xbar_k"]: mom["xbar_k"], S["xbar"]: mom["xbar"], S["Hbar"]: mom["Hbar"]}
    printed = sp.sympify(expr).subs(sub)
    derived = grad if which == "grad" else hess
    return cheap_zero(linear_sums(sp.expand(derived - printed, power_exp=False)))


def variants_prop2_init(pr):
    """Wrong forms of equation 1 (the gradient's sign slip mended where the Hessian is tested)."""
    sp, S = _sym()
    c = S["c"]
    g, h = pr["grad"], pr["hess"]
    mended = {**pr, "grad": -g}
    return [
        Variant("hessian constant (1/c) Hbar", "constant", {**mended, "hess": sp.expand(h * c / (c - 1))}),
        Variant("hessian sign (1/c)(1 + 1/c)", "sign", {**mended, "hess": (1 / c) * (1 + 1 / c) * S["Hbar"]}),
        Variant("hessian exponent (1/c)(1 - 1/c)^2", "exponent", {**mended, "hess": h * (1 - 1 / c)}),
        Variant("hessian dependence on c: (1/c^2)(1 - 1/c)", "dependence", {**mended, "hess": h / c}, param="c"),
        Variant("gradient dependence on pi_k: pi_k^2", "dependence", {**mended, "grad": (-g).subs(S["pi_k"], S["pi_k"] ** 2)},
                param="pi"),
        Variant("gradient constant 2/c on xbar", "constant", {**mended, "grad": (-g).subs(S["xbar"], 2 * S["xbar"])}),
    ]


@claim(
    "K24.prop2.init",
    provenance="seed-fulltext", source=SOURCE + ", Proposition 2, equation 1",
    statement="At W_0 = 0: grad_{w_k} L(W_0) = pi_k xbar^k - (1/c) xbar and hess_{w_k} L(W_0) = (1/c)(1 - 1/c) Hbar.",
    printed=printed_prop2_init, parameters=("c", "pi"), variants=variants_prop2_init,
)
def check_prop2_init(printed, profile):
    """General proof for symbolic ``c, d, n`` and labels (:func:`_init_general`); the explicit data sets
    of ``_INIT_DATA`` are the cross-check (and give an exact counterexample to a wrong formula)."""
    sp, S = _sym()
    insts = _init_truth()
    _, _, _, truth, steps = _init_general()
    names = {"grad": "grad_{w_k} L(W_0)", "hess": "hess_{w_k} L(W_0)"}
    parts = {}
    for which in ("grad", "hess"):
        how = _init_compare(printed[which], which)
        ev = {"claimed": str(printed[which]), "derivation": steps, "for": "all c, d, n >= 1 and all labels"}
        # cross-check: the general truth re-derived on the explicit symbolic data sets
        t_where = None
        for inst in insts:
            t_pr, t_where = _compare_init(truth[which], which, inst, S)
            if t_pr is not None:
                break
        inst_list = [(i["c"], i["d"], i["labels"]) for i in insts]
        parts[f"{which}_cross_check"] = (
            Result(Verdict.HOLDS, f"general {which} re-derived on the data sets", "symbolic",
                   {"instances (c, d, labels)": inst_list})
            if t_where is None else
            Result(Verdict.INCONCLUSIVE, f"the data sets disagree with the general {which}", "symbolic",
                   {"instances (c, d, labels)": inst_list, "where": str(t_where)}))
        if how is not None:
            parts[which] = Result(Verdict.HOLDS, f"{names[which]} = {printed[which]} for every c, d, n (proved)", "symbolic",
                                  {**ev, "proof": f"derived - printed: {how} gives 0"}, strength="proved")
            continue
        t_how = _init_compare(truth[which], which)
        pr, where = None, None
        for inst in insts:
            pr, where = _compare_init(printed[which], which, inst, S)
            if pr is not None:
                break
        if t_how and pr is not None and pr.refuted:
            note = relation_note(printed[which], truth[which])
            corr = f"{names[which]} = {truth[which]}" + (f"; {note}" if note else "")
            parts[which] = Result(Verdict.CORRECTED, f"printed {which} refuted (exact counterexample at {where}); "
                                  f"truth, proved for every c, d, n: {truth[which]}", "symbolic",
                                  {**ev, "counterexample": {"where (c, d, labels, k)": str(where), **pr.counterexample}},
                                  correction=corr, strength="proved")
        elif pr is None:
            parts[which] = Result(Verdict.INCONCLUSIVE, f"printed {which} holds on the data sets {inst_list} but was not "
                                  "proved for symbolic c, d, n", "symbolic", {**ev, "instances (c, d, labels)": inst_list},
                                  strength="exact-instances")
        else:
            parts[which] = Result(Verdict.INCONCLUSIVE, f"SymPy could not decide the {which}", "symbolic",
                                  {**ev, "residual": pr.as_evidence()})
    return combine(parts, cross_checks=["grad_cross_check", "hess_cross_check"])


# ------------------------------------------------------------------------------------------
# K24.prop2.train
# ------------------------------------------------------------------------------------------

def printed_prop2_train():
    """Equation 2 as printed, the c -> infinity ratio and the "c > 10^3" remark."""
    sp, S = _sym()
    p, pi = S["p"], S["pi_k"]
    return {
        "grad_lead": (1 - p) * pi * S["xbar_k"],
        "hess_lead": p * (1 - p) * pi * S["Hbar_k"],
        "remainder_exponent": -1,                       # "+ O(1/c)" = O(c^-1)
        "ratio": (1 / p) * S["xnorm_k"] / S["trH_k"],   # ||grad|| ~ ratio * Tr(hess)
        "c_sufficient": 1000,                            # "c > 10^3 appears sufficient"
        "condition": S["c"] * pi,                        # "for pi_k = omega(1/c)": c pi_k -> infinity suffices
    }


def _u_order(expr, u):
    """Exact order of a rational function of ``u`` at ``u = 0`` (``None`` if identically 0)."""
    import sympy as sp

    num, den = sp.fraction(sp.together(sp.expand(expr)))
    num, den = sp.expand(num), sp.expand(den)
    if num == 0:
        return None

    def low(e):
        P = sp.Poly(e, u)
        return min(mon[0] for mon, coeff in zip(P.monoms(), P.coeffs()) if sp.expand(coeff) != 0)

    return low(num) - low(den)


def _train_symbolic(printed) -> dict:
    """Proposition 2 during training on an explicit instance: class k has samples x_1, x_2;
    samples x_3..x_5 belong to other classes. Assumption 1: p_ik = p on class k and
    p_ik = a_i / c (a_i > 0 fixed) elsewhere. The per-sample blocks are those of K24.eq4
    (proved there): (p_ik - 1[y_i=k]) x_i and p_ik (1 - p_ik) x_i x_i^T."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_equal

    _, S = _sym()
    p, c = S["p"], S["c"]
    u = sp.Symbol("u", positive=True)  # u = 1/c
    d, nk, n = 2, 2, 5
    X = [sp.Matrix([sp.Symbol(f"X_{i + 1}_{j + 1}", real=True) for j in range(d)]) for i in range(n)]
    a = [None, None] + [sp.Symbol(f"a_{i + 1}", positive=True) for i in range(2, n)]
    P = [p, p] + [a[i] / c for i in range(2, n)]
    delta = [1, 1, 0, 0, 0]
    grad = sum(((P[i] - delta[i]) * X[i] for i in range(n)), sp.zeros(d, 1)) / n
    hess = sum((P[i] * (1 - P[i]) * X[i] * X[i].T for i in range(n)), sp.zeros(d, d)) / n
    pi_k = sp.Rational(nk, n)
    xbar_k = (X[0] + X[1]) / nk
    Hbar_k = (X[0] * X[0].T + X[1] * X[1].T) / nk
    d_k = sum((a[i] * X[i] for i in range(2, n)), sp.zeros(d, 1)) / n
    D_k = sum((a[i] * (1 - a[i] / c) * X[i] * X[i].T for i in range(2, n)), sp.zeros(d, d)) / n

    def vec(expr):
        return sp.Matrix(d, 1, lambda j, _: sp.sympify(expr).subs({S["p"]: p, S["pi_k"]: pi_k, S["xbar_k"]: xbar_k[j]}))

    def mat(expr):
        return sp.Matrix(d, d, lambda r, s: sp.sympify(expr).subs({S["p"]: p, S["pi_k"]: pi_k, S["Hbar_k"]: Hbar_k[r, s]}))

    out = {}
    # exact decompositions with explicit remainders
    g_dec = prove_equal(grad[0], (-(1 - p) * pi_k * xbar_k + d_k / c)[0])
    g_dec2 = prove_equal(grad[1], (-(1 - p) * pi_k * xbar_k + d_k / c)[1])
    h_dec = all(prove_equal(hess[r, s], (p * (1 - p) * pi_k * Hbar_k + D_k / c)[r, s]).proved
                for r in range(d) for s in range(d))
    out["decomposition"] = {
        "grad = -(1-p) pi_k xbar^k + (1/c) d_k, d_k = (1/n) sum_{y_i != k} (c p_ik) x_i": g_dec.proved and g_dec2.proved,
        "hess = p(1-p) pi_k Hbar^k + (1/c) D_k, D_k = (1/n) sum_{y_i != k} (c p_ik)(1 - p_ik) x_i x_i^T": h_dec,
    }
    # order of the remainder left by the printed leading terms
    Rg = (grad - vec(printed["grad_lead"])).subs(c, 1 / u)
    Rh = (hess - mat(printed["hess_lead"])).subs(c, 1 / u)
    ord_g = [_u_order(e, u) for e in Rg]
    ord_h = [_u_order(e, u) for e in Rh]
    out["remainder_order_in_1/c"] = {"grad": ord_g, "hess": ord_h}
    # c -> infinity ratio: squared, at u = 0 (continuous there: Tr(hess) -> p(1-p) pi_k Tr(Hbar^k) > 0)
    g_true = grad.subs(c, 1 / u)
    h_true = hess.subs(c, 1 / u)
    r2 = sp.together(sum(e ** 2 for e in g_true) / h_true.trace() ** 2)
    r2_0 = sp.cancel(r2.subs(u, 0))
    xn2 = sum(e ** 2 for e in xbar_k)
    trH = Hbar_k.trace()
    claimed = sp.sympify(printed["ratio"]).subs({S["xnorm_k"]: sp.sqrt(xn2), S["trH_k"]: trH})
    out["ratio_squared_limit"] = r2_0
    out["ratio_compare"] = prove_equal(r2_0, sp.expand(claimed ** 2))
    # first-order correction (generic vectors): ratio = r0 (1 + kappa u' + O(u'^2)), u' = 1/(c pi_k)
    xs = sp.symbols("xb1 xb2", real=True)
    ds = sp.symbols("dd1 dd2", real=True)
    T, Dl = sp.symbols("T Delta", positive=True)
    up = sp.Symbol("v", positive=True)  # 1/(c pi_k)
    gv = [-(1 - p) * xs[i] + up * ds[i] for i in range(2)]
    hv = p * (1 - p) * T + up * Dl
    rr2 = (gv[0] ** 2 + gv[1] ** 2) / hv ** 2
    r0sq = rr2.subs(up, 0)
    kappa = sp.simplify(sp.diff(rr2, up).subs(up, 0) / (2 * r0sq))
    kappa_claim = -(xs[0] * ds[0] + xs[1] * ds[1]) / ((1 - p) * (xs[0] ** 2 + xs[1] ** 2)) - Dl / (p * (1 - p) * T)
    out["first_order"] = prove_equal(kappa, kappa_claim)
    return out


def _train_aggregates(c: int, p: float, d0: int, seed: int, chunk: int = 1 << 20):
    """Assumption-1 synthetic data, reduced to per-class sums (memory O(c)).

    Classes k = 1..c have n_k = ceil(c / k) samples (pi_k ~ 1/(k H(c)), so c pi_k -> inf
    for every fixed k). Sample i of class k is x_i = (e_k, r_i) in R^{c + d0} with
    r_i = s_k u_i, u_i ~ U[0,1]^{d0}, s_k in {0.5, 1, 2} by k mod 3. With
    W = (s I_c, 0), s = log(p (c-1) / (1-p)), every sample of class k has p_ik = p and
    p_ij = (1-p)/(c-1) = O(1/c) for j != k: Assumption 1 holds exactly.
    """
    rng = np.random.default_rng(seed)
    nk = -(-c // np.arange(1, c + 1))
    scales = np.array([0.5, 1.0, 2.0])[np.arange(c) % 3]
    R = np.zeros((c, d0))
    Q = np.zeros(c)  # sum over the class of ||r_i||^2
    k0 = 0
    while k0 < c:
        # classes [k0, k1) with at most ~chunk samples
        cum = np.cumsum(nk[k0:])
        k1 = k0 + max(1, int(np.searchsorted(cum, chunk)))
        cnt = nk[k0:k1]
        U = rng.random((int(cnt.sum()), d0)) * np.repeat(scales[k0:k1], cnt)[:, None]
        off = np.concatenate([[0], np.cumsum(cnt)[:-1]])
        R[k0:k1] = np.add.reduceat(U, off, axis=0)
        Q[k0:k1] = np.add.reduceat(np.einsum("ij,ij->i", U, U), off)
        k0 = k1
    return nk.astype(np.float64), R, Q


@lru_cache(maxsize=64)
def _train_closed_form(c: int, p: float, d0: int = 3, seed: int = 0):
    """Per-class ||grad_{w_k} L||, Tr(hess_{w_k} L), ||xbar^k||, Tr(Hbar^k), pi_k on the
    Assumption-1 data (exact finite-c formulas, O(n d0) work; cross-checked against the
    kernels for small c)."""
    nk, R, Q = _train_aggregates(c, p, d0, seed)
    n = nk.sum()
    q = (1 - p) / (c - 1)
    Rtot = R.sum(axis=0)
    sq_tot = (nk + Q).sum()  # sum_i ||x_i||^2 (one-hot part contributes 1 each)
    # gradient block k: (1/n) [ (p-1) sum_{i in k} x_i + q sum_{i not in k} x_i ]
    onehot2 = (nk * (p - 1)) ** 2 + q ** 2 * ((nk ** 2).sum() - nk ** 2)
    rand = (p - 1) * R + q * (Rtot[None, :] - R)
    gnorm = np.sqrt(onehot2 + (rand ** 2).sum(axis=1)) / n
    sq_k = nk + Q
    trh = (p * (1 - p) * sq_k + q * (1 - q) * (sq_tot - sq_k)) / n
    xnorm = np.sqrt(1.0 + ((R / nk[:, None]) ** 2).sum(axis=1))
    trH = sq_k / nk
    return {"pi": nk / n, "gnorm": gnorm, "trh": trh, "xnorm": xnorm, "trH": trH}


def _train_kernel(c: int, p: float, d0: int = 3, seed: int = 0):
    """The same quantities from the explicit data set through theorycheck.models.kernels."""
    from theorycheck.models import kernels

    # same seed: for c <= 60 the aggregates are drawn in one chunk, so the draws coincide
    nk, _, _ = _train_aggregates(c, p, d0, seed)
    rng = np.random.default_rng(seed)
    nk_i = nk.astype(np.int64)
    scales = np.array([0.5, 1.0, 2.0])[np.arange(c) % 3]
    y = np.repeat(np.arange(c), nk_i)
    U = rng.random((y.size, d0)) * scales[y][:, None]
    X = np.concatenate([np.eye(c)[y], U], axis=1)
    s = math.log(p * (c - 1) / (1 - p))
    W = np.concatenate([s * np.eye(c), np.zeros((c, d0))], axis=1)
    gnorm = kernels.grad_block_norms(W, X, y)
    trh = np.diag(kernels.block_traces(W, X))
    return {"gnorm": gnorm, "trh": trh}


def _train_numeric(printed, profile) -> Result:
    import sympy as sp

    _, S = _sym()
    ratio_fn = sp.lambdify((S["p"], S["xnorm_k"], S["trH_k"]), printed["ratio"], "numpy")
    grid = [10, 100, 1000, 10_000, 100_000] + ([1_000_000] if profile == "full" else [])
    c0 = int(printed["c_sufficient"])
    ps = (0.25, 0.5, 0.75)
    tracked = (0, 1, 2)
    ev: dict = {"data": "x_i = (e_{y_i}, s_k u_i), u_i ~ U[0,1]^3, n_k = ceil(c/k); W = (s I, 0) gives p_ik = p exactly",
                "tolerance": tol.ASYMPTOTIC_REL, "c_grid": grid}
    # kernels vs closed form at small c
    agree = 0.0
    for c in (10, 60):
        cf = _train_closed_form(c, 0.5)
        kn = _train_kernel(c, 0.5)
        agree = max(agree, float(np.max(np.abs(cf["gnorm"] - kn["gnorm"]) / kn["gnorm"])),
                    float(np.max(np.abs(cf["trh"] - kn["trh"]) / kn["trh"])))
    ev["closed_form_vs_kernels_max_rel"] = agree
    if agree > tol.FLOAT64_REL:
        return Result(Verdict.INCONCLUSIVE, "closed-form aggregates disagree with the kernels", "numeric", ev)
    series = {}
    verdicts = []
    for p in ps:
        errs = {k: [] for k in tracked}
        for c in grid:
            r = _train_closed_form(c, p)
            ratio = r["gnorm"] / (ratio_fn(p, r["xnorm"], r["trH"]) * r["trh"])
            for k in tracked:
                errs[k].append(float(abs(ratio[k] - 1)))
        series[f"p={p}"] = {f"class {k + 1}: |ratio - 1|": v for k, v in errs.items()}
        for k in tracked:
            e = errs[k]
            decreasing = all(e[i + 1] <= e[i] for i in range(len(e) - 3, len(e) - 1))
            if e[-1] <= tol.ASYMPTOTIC_REL and decreasing:
                verdicts.append("confirm")
            elif e[-1] > tol.ASYMPTOTIC_REL and abs(e[-1] - e[-2]) < tol.ASYMPTOTIC_REL:
                verdicts.append("contradict")
            else:
                verdicts.append("unclear")
    ev["ratio = ||grad_k|| / (printed_constant * Tr(hess_k))"] = series
    if "contradict" in verdicts:
        ev["counterexample"] = series
        ratio_res = Result(Verdict.FAILS, "the ratio does not tend to the printed constant", "numeric", ev)
    elif "unclear" in verdicts:
        ratio_res = Result(Verdict.INCONCLUSIVE, "the ratio has not settled on the grid", "numeric", ev)
    else:
        ratio_res = Result(Verdict.HOLDS, f"ratio -> printed constant for p in {ps} (|ratio-1| = "
                           f"{series['p=0.5']['class 1: |ratio - 1|'][-1]:.1e} at c = {grid[-1]}, class 1, p = 1/2)",
                           "numeric", ev)
    return ratio_res, _c_sufficient(c0, grid, ratio_fn, ratio_res)


def _c_sufficient(c0: int, grid, ratio_fn, ratio_res) -> Result:
    """"c > 10^3 appears sufficient": the data mass of the classes on which the relation
    already holds within ASYMPTOTIC_REL, on the Zipf Assumption-1 data with p = 1/2."""
    mass = {}
    for c in sorted(set(list(grid) + [c0])):
        r = _train_closed_form(c, 0.5)
        ratio = r["gnorm"] / (ratio_fn(0.5, r["xnorm"], r["trH"]) * r["trh"])
        ok = np.abs(ratio - 1) <= tol.ASYMPTOTIC_REL
        mass[c] = {"data_mass_within_tol": float(r["pi"][ok].sum()), "classes_within_tol": int(ok.sum()),
                   "fraction_of_classes": float(ok.mean())}
    suff = [c for c in sorted(mass) if mass[c]["data_mass_within_tol"] >= tol.SUFFICIENT_DATA_MASS]
    ev = {"claimed": c0, "rule": f"c is sufficient when the classes within {tol.ASYMPTOTIC_REL} of the limit carry >= "
          f"{tol.SUFFICIENT_DATA_MASS} of the data (p = 1/2, n_k = ceil(c/k))", "by_c": mass,
          "smallest_sufficient_c_on_grid": suff[0] if suff else None}
    if not ratio_res.verdict.accepts_printed:
        return Result(Verdict.INCONCLUSIVE, "not assessed: the printed limit itself is not confirmed", "numeric", ev)
    m0 = mass[c0]["data_mass_within_tol"]
    need = f"c = {suff[0]}" if suff else f"not reached up to c = {max(mass)}"
    if m0 >= tol.SUFFICIENT_DATA_MASS:
        return Result(Verdict.HOLDS, f"at c = {c0} classes within tolerance carry {m0:.2f} of the data", "numeric", ev)
    if mass[c0]["classes_within_tol"] == 0:
        ev["counterexample"] = {"c": c0, **mass[c0]}
        return Result(Verdict.CORRECTED, f"at c = {c0} not a single class is within tolerance", "numeric", ev,
                      correction=f"on Assumption-1 Zipf data the relation holds within {tol.ASYMPTOTIC_REL} for most of the data: {need}")
    return Result(Verdict.INCONCLUSIVE, f"qualitative remark: at c = {c0} the classes within {tol.ASYMPTOTIC_REL} carry "
                  f"{m0:.2f} of the data ({mass[c0]['classes_within_tol']} classes); >= {tol.SUFFICIENT_DATA_MASS} "
                  f"{need}", "numeric", ev)


def _condition(printed, profile) -> Result:
    """Is the printed condition (``c pi_k -> infinity``, with any ``p = omega(1/c)``) enough
    for the c -> infinity relation? Tested on the family ``p(c) = sqrt(H(c))/c`` (so
    ``c p -> infinity``: Assumption 1 holds) on the Zipf data, class 1."""
    import sympy as sp

    _, S = _sym()
    cond_fn = sp.lambdify((S["c"], S["pi_k"], S["p"]), printed["condition"], "math")
    ratio_fn = sp.lambdify((S["p"], S["xnorm_k"], S["trH_k"]), printed["ratio"], "numpy")
    grid = [100, 1000, 10_000, 100_000] + ([1_000_000] if profile == "full" else [])
    rows = []
    for c in grid:
        H = math.fsum(1.0 / k for k in range(c, 0, -1))
        p = math.sqrt(H) / c
        r = _train_closed_form(c, p)
        ratio = float(r["gnorm"][0] / (ratio_fn(p, r["xnorm"][0], r["trH"][0]) * r["trh"][0]))
        rows.append({"c": c, "p": p, "c*p": c * p, "c*pi_1": c * float(r["pi"][0]),
                     "printed_condition": float(cond_fn(c, float(r["pi"][0]), p)),
                     "c*pi_1*p*(1-p)": c * float(r["pi"][0]) * p * (1 - p), "ratio / printed limit": ratio})
    v = [row["printed_condition"] for row in rows]
    err = [abs(row["ratio / printed limit"] - 1) for row in rows]
    diverges = all(b > a for a, b in zip(v, v[1:])) and v[-1] >= tol.DIVERGENCE_FACTOR * v[0]
    fails = all(e > tol.ASYMPTOTIC_REL for e in err) and err[-1] >= err[0]
    ev = {"family": "Zipf data n_k = ceil(c/k), p(c) = sqrt(H(c))/c (c p -> infinity, so p = omega(1/c)), class 1",
          "rows": rows, "claimed_condition": f"{printed['condition']} -> infinity",
          "rule": f"counterexample if the printed condition grows monotonically (>= {tol.DIVERGENCE_FACTOR}x over the grid) while the ratio "
                  f"stays > {tol.ASYMPTOTIC_REL} away from the printed limit without improving"}
    corr = ("the relation needs c pi_k p (1 - p) -> infinity: exactly, ratio / limit = (||xbar^k - u d_k/(1-p)|| / ||xbar^k||) "
            "* p(1-p)Tr(Hbar^k) / (p(1-p)Tr(Hbar^k) + u Tr(D_k)), u = 1/(c pi_k), with d_k, D_k = O(1); pi_k = omega(1/c) "
            "suffices only for p bounded away from 0 and 1, not for every p = omega(1/c) allowed by Assumption 1")
    if diverges and fails:
        ev["counterexample"] = rows[-1]
        return Result(Verdict.CORRECTED, f"c pi_k -> infinity with p = omega(1/c) is not enough: ratio/limit = "
                      f"{rows[-1]['ratio / printed limit']:.3f} at c = {grid[-1]} and falling", "numeric", ev, correction=corr)
    if not diverges:
        return Result(Verdict.HOLDS, "the printed condition excludes the p -> 0 family (sufficiency: exact ratio formula)",
                      "numeric", {**ev, "exact_ratio": corr})
    return Result(Verdict.INCONCLUSIVE, "the p -> 0 family neither confirms nor refutes the condition", "numeric", ev)


def variants_prop2_train(pr):
    """Wrong forms of equation 2 and the c -> infinity relation (the gradient's sign slip mended where
    another part is tested), and the mended statement."""
    sp, S = _sym()
    p, pi, c = S["p"], S["pi_k"], S["c"]
    mended = {**pr, "grad_lead": -pr["grad_lead"]}
    return [
        Variant("ratio without 1/p (constant)", "constant", {**mended, "ratio": pr["ratio"] * p}),
        Variant("ratio with 1/p^2 (dependence on p)", "dependence", {**mended, "ratio": pr["ratio"] / p}, param="p"),
        Variant("hessian p^2 (1 - p) (exponent)", "exponent", {**mended, "hess_lead": pr["hess_lead"] * p}),
        Variant("hessian with pi_k^2 (dependence on pi)", "dependence", {**mended, "hess_lead": pr["hess_lead"] * pi},
                param="pi"),
        Variant("remainder O(1/c^2) (dependence on c)", "dependence", {**mended, "remainder_exponent": -2}, param="c"),
        Variant("gradient leading term as printed (sign)", "sign", dict(pr)),
        Variant("mended gradient and condition c pi_k p(1-p)", "stronger",
                {**mended, "condition": c * pi * p * (1 - p)}),
    ]


@claim(
    "K24.prop2.train",
    provenance="seed-fulltext", source=SOURCE + ", Proposition 2, equation 2, and appendix H",
    parameters=("c", "pi", "p"), variants=variants_prop2_train,
    statement=("Under Assumption 1 (p(x_i)_k = p = omega(1/c) on class k, O(1/c) elsewhere): grad_{w_k} L = "
               "(1 - p) pi_k xbar^k + O(1/c), hess_{w_k} L = p (1 - p) pi_k Hbar^k + O(1/c), and ||grad_{w_k} L|| ~ "
               "((1/p) ||xbar^k|| / Tr(Hbar^k)) Tr(hess_{w_k} L) as c -> infinity for pi_k = omega(1/c); "
               "'in practice, c > 10^3 appears sufficient'."),
    printed=printed_prop2_train,
)
def check_prop2_train(printed, profile):

    sym = _train_symbolic(printed)
    e = int(printed["remainder_exponent"])
    parts = {}
    # the per-sample blocks used by the derivation are those of K24.eq4: re-prove them here
    _, S = _sym()
    g_st, _ = _coef_check(_grad_blocks(), S["p_k"] - S["delta"], _p_subs(S))
    h_st, _ = _coef_check(_hess_blocks(diagonal_only=True), S["p_k"] * (1 - S["p_k"]), _p_subs(S))
    dec = dict(sym["decomposition"])
    dec["per-sample blocks (p_k - 1[y=k]) x and p_k(1-p_k) x x^T (K24.eq4, from sp.diff)"] = (g_st == h_st == "proved")
    ev_dec = {"decomposition_proved": dec, "remainder_order_in_1/c (None = identically 0)": sym["remainder_order_in_1/c"],
              "claimed_remainder": f"O(c^{e})",
              "instance": "class k: x_1, x_2; others: x_3..x_5 with p_ik = a_i/c; d = 2"}
    pp, pik = S["p"], S["pi_k"]
    true_g, true_h = -(1 - pp) * pik * S["xbar_k"], pp * (1 - pp) * pik * S["Hbar_k"]  # the proved decomposition
    notes = {k: relation_note(printed[f"{k}_lead"], tr) for k, tr in (("grad", true_g), ("hess", true_h))}
    for name, key, truth in (("grad", "grad", f"grad_{{w_k}} L = {true_g} + (1/c) d_k with "
                              "d_k = (1/n) sum_{y_i != k} (c p_ik) x_i = O(1)" + (f"; {notes['grad']}" if notes["grad"] else "")),
                             ("hess", "hess", f"hess_{{w_k}} L = {true_h} + (1/c) D_k with "
                              "D_k = (1/n) sum_{y_i != k} (c p_ik)(1 - p_ik) x_i x_i^T = O(1)"
                              + (f"; {notes['hess']}" if notes["hess"] else ""))):
        orders = [o for o in sym["remainder_order_in_1/c"][key] if o is not None]
        proved = all(dec.values())
        lowest = min(orders) if orders else math.inf
        if not proved:
            parts[name] = Result(Verdict.INCONCLUSIVE, "exact decomposition not proved", "symbolic", ev_dec)
        elif lowest >= -e:
            v = Verdict.HOLDS if lowest == -e or lowest == math.inf else Verdict.SHARPENED
            if v is Verdict.HOLDS:
                parts[name] = Result(v, f"{name} = printed leading term + O(c^{e}) (remainder explicit, proved)", "symbolic", ev_dec)
            else:
                parts[name] = Result(v, f"remainder is O(c^-{lowest}), stronger than printed", "symbolic", ev_dec,
                                     correction=truth)
        else:
            what = "O(1): the printed leading term is wrong" if lowest == 0 else f"of order c^-{lowest}"
            parts[name] = Result(Verdict.CORRECTED, f"printed {name} leaves a remainder {what}, not O(c^{e})",
                                 "symbolic", {**ev_dec, "counterexample": f"{name} remainder of order c^-{lowest}"},
                                 correction=truth)
    cmp = sym["ratio_compare"]
    ev_r = {"note": "appendix H's last display keeps pi_k in Tr(p(1-p) pi_k Hbar^k + ...) after dividing by pi_k "
                    "(typo); the limit it states, (1/p)||xbar^k||/Tr(Hbar^k), is what is checked",
            "claimed": str(printed["ratio"]), "limit_of_ratio_squared": str(sym["ratio_squared_limit"]),
            "comparison": cmp.as_evidence(), "first_order_term": sym["first_order"].as_evidence()}
    sharp = ("||grad_{w_k} L|| / Tr(hess_{w_k} L) = (1/p)(||xbar^k||/Tr(Hbar^k)) (1 + kappa/(c pi_k) + O(1/(c pi_k)^2)), "
             "kappa = -<xbar^k, d_k>/((1-p)||xbar^k||^2) - Tr(D_k)/(p(1-p) Tr(Hbar^k)): the 1/p constant is exact and the "
             "relative error is O(1/(c pi_k p (1-p))), so the relation needs c pi_k p(1-p) -> infinity (pi_k = omega(1/c) "
             "suffices for fixed p in (0,1))")
    if cmp.proved and sym["first_order"].proved:
        parts["ratio"] = Result(Verdict.SHARPENED, "limit constant (1/p)||xbar^k||/Tr(Hbar^k) proved; first-order error explicit",
                                "symbolic", ev_r, correction=sharp)
    elif cmp.proved:
        parts["ratio"] = Result(Verdict.HOLDS, "limit constant proved", "symbolic", ev_r)
    elif cmp.refuted:
        ev_r["counterexample"] = cmp.counterexample
        parts["ratio"] = Result(Verdict.CORRECTED, "printed limit constant refuted", "symbolic", ev_r,
                                correction="||grad_{w_k} L|| ~ (1/p)(||xbar^k||/Tr(Hbar^k)) Tr(hess_{w_k} L)")
    else:
        parts["ratio"] = Result(Verdict.INCONCLUSIVE, "SymPy could not compare the limit constant", "symbolic", ev_r)
    parts["numeric"], parts["c_sufficient"] = _train_numeric(printed, profile)
    parts["condition"] = _condition(printed, profile)
    return combine(parts)
