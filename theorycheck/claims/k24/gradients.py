"""K24 equation 4 and appendix H.1: the per-sample gradient and Hessian blocks of the softmax
linear model, and the off-diagonal Hessian blocks.

Each block formula is proved for symbolic ``c`` and ``d`` (:func:`._softmax_common.general`:
indexed sums, ``KroneckerDelta``); the exact computations at the instances ``(c, d) = (3, 2),
(4, 3)`` are kept as cross-checks of the general derivation (and supply the exact
counterexample when a printed formula is wrong)."""

from __future__ import annotations

import math

import numpy as np

from theorycheck.claims.k24._softmax_common import (
    INSTANCES,
    SOURCE,
    _hess_blocks,
    _grad_blocks,
    _instances,
    _sym,
    cheap_zero,
    general,
    general_block_result,
    linear_sums,
)
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine

# ------------------------------------------------------------------------------------------
# K24.eq4
# ------------------------------------------------------------------------------------------

def printed_eq4():
    """Equation 4 as printed: grad = (1[y=k] - p_k) x, hess = p_k (1 - p_k) x x^T."""
    sp, S = _sym()
    return {"grad_coef": S["delta"] - S["p_k"], "hess_coef": S["p_k"] * (1 - S["p_k"])}


def variants_eq4(pr):
    """Wrong forms of equation 4, built from the printed one (and the mended gradient, so that the
    Hessian is tested on its own)."""
    sp, S = _sym()
    g, h, pk, dl = pr["grad_coef"], pr["hess_coef"], S["p_k"], S["delta"]
    mended = {**pr, "grad_coef": -g}  # the printed gradient with its sign slip mended
    return [
        Variant("hessian constant x2", "constant", {**mended, "hess_coef": 2 * h}),
        Variant("hessian sign of p_k^2 flipped", "sign", {**mended, "hess_coef": sp.expand(h).subs(pk**2, -pk**2)}),
        Variant("hessian exponent p_k^2 (1 - p_k)", "exponent", {**mended, "hess_coef": h * pk}),
        Variant("gradient independent of p (uniform 1/c)", "dependence", {**mended, "grad_coef": (-g).subs(pk, 1 / S["c"])},
                param="p"),
        Variant("hessian depends on the label y", "dependence", {**mended, "hess_coef": h + dl * pk}, param="y"),
        Variant("gradient exponent p_k^2", "exponent", {**mended, "grad_coef": (-g).subs(pk, pk**2)}),
    ]


@claim(
    "K24.eq4",
    provenance="seed-fulltext", source=SOURCE + ", section 3.2, equation 4 (repeated in appendix H)",
    statement=("For one sample (x, y): grad_{w_k} l(W, x, y) = (1[y = k] - p(x)_k) x and "
               "hess_{w_k} l(W, x, y) = p(x)_k (1 - p(x)_k) x x^T, with l = -log softmax(W x)_y."),
    printed=printed_eq4, parameters=("p", "y"), variants=variants_eq4,
)
def check_eq4(printed, profile):
    sp, S = _sym()
    inst = _instances(profile)
    grad, grad_x = general_block_result("grad_{w_k} l(W, x, y)", printed["grad_coef"], "grad", _grad_blocks(inst), S, "x")
    hess, hess_x = general_block_result("hess_{w_k} l(W, x, y)", printed["hess_coef"], "hess_kk",
                                        _hess_blocks(inst, diagonal_only=True), S, "x x^T")
    return combine({"gradient": grad, "hessian": hess, "gradient_cross_check": grad_x,
                    "hessian_cross_check": hess_x}, cross_checks=["gradient_cross_check", "hessian_cross_check"])


# ------------------------------------------------------------------------------------------
# K24.H1
# ------------------------------------------------------------------------------------------

def printed_H1():
    """Appendix H.1 as printed."""
    sp, S = _sym()
    return {
        "H_kk": S["p_k"] * (1 - S["p_k"]),          # times x x^T
        "H_kj": S["p_k"] * (-S["p_j"]),              # times x x^T, j != k
        "row_identity_sign": -1,                     # H_kk = (sign) * sum_{j != k} H_kj
        "T_dominance": "weak",                       # "T_jk = Tr(H_jk) is diagonally dominant" (|T_kk| >= sum |T_kj|)
    }


def variants_H1(pr):
    """Wrong forms of appendix H.1 (each part on its own, the others as printed), and the true,
    stronger statement that the dominance holds with equality."""
    sp, S = _sym()
    pk, pj = S["p_k"], S["p_j"]
    return [
        Variant("H_kj sign flipped", "sign", {**pr, "H_kj": -pr["H_kj"]}),
        Variant("H_kk exponent (1 - p_k)^2", "exponent", {**pr, "H_kk": pr["H_kk"] * (1 - pk)}),
        Variant("H_kj constant x2", "constant", {**pr, "H_kj": 2 * pr["H_kj"]}),
        Variant("H_kj independent of p_j", "dependence", {**pr, "H_kj": pr["H_kj"].subs(pj, pk)}, param="p"),
        Variant("row identity sign flipped", "sign", {**pr, "row_identity_sign": -pr["row_identity_sign"]}),
        Variant("T strictly diagonally dominant", "part", {**pr, "T_dominance": "strict"}),
        Variant("T dominant with equality in every row (true, stronger)", "stronger", {**pr, "T_dominance": "equality"}),
    ]


def _row_sum_general():
    """``sum_{j=1}^c H_kj`` for symbolic ``c``, from the general Hessian entry: SymPy collapses the
    ``KroneckerDelta`` sum, linearity pulls ``exp(z_k)/S^2`` out, and ``sum_j exp(z_j) = S``."""
    import sympy as sp

    g = general()
    h = sp.cancel(g.H / (g.x[g.b] * g.x[g.e]))
    rs = g.resolve(sp.Sum(h, (g.j, 1, g.c)).doit())
    rs = linear_sums(rs)
    rs = rs.replace(lambda s_: isinstance(s_, sp.Sum) and s_.variables[0] == g.j, lambda s_: s_.xreplace({g.j: g.m}))
    return h, rs, cheap_zero(rs)


def _row_identity(sign, instances=INSTANCES) -> list:
    """``H_kk = sign * sum_{j != k} H_kj``: proved or refuted for symbolic ``c``, ``d`` via the row
    sum ``sum_j H_kj = 0`` (then the identity reads ``(1 + sign) H_kk = 0``); the instances are a
    cross-check (and give an exact counterexample)."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero
    from theorycheck.models.softmax_symbolic import is_zero_rational

    g = general()
    h, rs, how = _row_sum_general()
    hkk = h.subs(g.j, g.k)
    s_ = sp.Symbol("s")
    true_sign = sp.solve(sp.Eq(hkk, s_ * (rs - hkk)), s_) if how else []
    true_sign = true_sign[0] if len(true_sign) == 1 else None
    resid = sp.cancel(hkk - sp.sympify(sign) * (0 - hkk)) if how else None
    ev = {"claimed": f"H_kk = ({sign}) * sum_{{j != k}} H_kj", "row_sum": f"sum_(j=1..c) H_kj / (x x^T) = {rs}",
          "row_sum_proof": how or "not proved", "true_sign": str(true_sign),
          "how": "sum_{j != k} H_kj = sum_j H_kj - H_kk = -H_kk for symbolic c, d (KroneckerDelta sum collapsed)"}
    # cross-check at the instances (exact, QQ(E))
    blocks = _hess_blocks(instances)
    inst_status, ce = "proved", None
    for c, d in instances:
        for k in range(c):
            diff = blocks[(c, d, None, k, k)][1] - sign * sum(blocks[(c, d, None, k, j)][1] for j in range(c) if j != k)
            if is_zero_rational([diff]):
                continue
            pr = prove_zero(diff)
            if pr.proved:
                continue
            inst_status = "refuted" if pr.refuted else "undecided"
            ce = {"instance (c, d, k)": (c, d, k), **pr.as_evidence()}
            break
        if inst_status != "proved":
            break
    cross_ok = (inst_status == "proved") == (resid == 0)
    cross = Result(Verdict.HOLDS if cross_ok else Verdict.INCONCLUSIVE,
                   "instances agree with the general row identity" if cross_ok else "instances disagree with the general proof",
                   "symbolic", {"instances (c, d)": list(instances), "status_cross_check": inst_status})
    if how and resid == 0:
        return [Result(Verdict.HOLDS, f"H_kk = {sign} * sum_(j!=k) H_kj for every c, d (proved)", "symbolic", ev,
                       strength="proved"), cross]
    if how and true_sign is not None and inst_status == "refuted":
        ev["counterexample"] = ce
        return [Result(Verdict.CORRECTED, f"printed row identity refuted; sum_j H_kj = 0 gives H_kk = {true_sign} * "
                       "sum_(j!=k) H_kj", "symbolic", ev, strength="proved",
                       correction=f"H_kk = {true_sign} * sum_{{j != k}} H_kj (every block row of the Hessian sums to 0)"),
                cross]
    return [Result(Verdict.INCONCLUSIVE, "could not decide the row identity", "symbolic", ev), cross]


def _dominance(kind: str, profile: str) -> list:
    """``T_kj = Tr(H_kj)``: weak / strict / equality diagonal dominance, proved for symbolic ``c``, ``d``
    and any data set, with a kernel computation over random data as a cross-check."""
    import sympy as sp

    from theorycheck.models import kernels

    kinds = ("weak", "strict", "equality")
    if kind not in kinds:
        return [Result(Verdict.INCONCLUSIVE, f"unknown dominance kind {kind!r} (one of {kinds})", "symbolic",
                       {"claimed": kind})]
    g = general()
    h, rs, how = _row_sum_general()
    off = sp.expand(g.hess_coef.subs(g.j, g.k + g.q))  # placeholders, j != k
    off_neg = bool(off.is_negative)
    # per sample T_kj = Tr(h_kj x x^T) = h_kj ||x||^2; over a data set T = (1/n) sum_i ||x_i||^2 h_kj(x_i): a
    # positive combination, so the signs and the zero row sums carry over to every data set
    rng = np.random.default_rng(0)
    worst, rows = 0.0, 0
    for scale in (1.0, 30.0, 1000.0):
        c, d, n = 6, 4, 50
        W = rng.standard_normal((c, d)) * scale / math.sqrt(d)
        X = rng.standard_normal((n, d))
        Tn = kernels.block_traces(W, X)
        diag = np.diag(Tn)
        offs = np.abs(Tn).sum(axis=1) - np.abs(diag)
        mask = diag > 0
        rel = np.abs(diag[mask] - offs[mask]) / diag[mask]
        worst = max(worst, float(rel.max()) if rel.size else 0.0)
        rows += int(mask.sum())
    ev = {"claimed": f"T is diagonally dominant ({kind})",
          "proof": {"off-diagonal h_kj = " + str(off) + " < 0 (p_k, p_j > 0)": off_neg,
                    "row sum sum_j h_kj = 0 (symbolic c, d)": how or "not proved",
                    "hence": "T_kk = -sum_{j != k} T_kj = sum_{j != k} |T_kj| for every data set "
                             "(T = (1/n) sum_i ||x_i||^2 h(x_i) is a positive combination)"}}
    cross = Result(Verdict.HOLDS if worst <= tol.FLOAT64_REL else Verdict.INCONCLUSIVE,
                   f"kernels: max relative row slack {worst:.1e} over {rows} rows", "numeric",
                   {"max_rel_slack |T_kk - sum_{j!=k}|T_kj|| / T_kk": worst, "rows": rows,
                    "logit_scales": [1, 30, 1000], "tolerance": tol.FLOAT64_REL})
    if not (off_neg and how):
        return [Result(Verdict.INCONCLUSIVE, "could not establish the signs/row sums of T symbolically", "symbolic", ev),
                cross]
    truth = ("T_kk = sum_{j != k} |T_kj| in every row (each row of T = (1/n) sum_i ||x_i||^2 (Diag(p_i) - p_i p_i^T) "
             "sums to 0; T is a PSD graph Laplacian): diagonally dominant with equality, never strictly")
    if kind == "equality":
        return [Result(Verdict.HOLDS, "T is diagonally dominant with equality in every row (proved)", "symbolic", ev,
                       strength="proved"), cross]
    if kind == "weak":
        return [Result(Verdict.SHARPENED, "weakly diagonally dominant with equality: row sums of T are exactly 0",
                       "symbolic", ev, correction=truth, strength="proved"), cross]
    ev["counterexample"] = "every row, every data set: T_kk - sum_{j!=k}|T_kj| = 0 (proved), never > 0"
    return [Result(Verdict.CORRECTED, "T is never strictly diagonally dominant (row slack is exactly 0)", "symbolic", ev,
                   correction=truth, strength="proved"), cross]


@claim(
    "K24.H1",
    provenance="seed-fulltext", source=SOURCE + ", appendix H.1",
    statement=("H_kk = p(x)_k (1 - p(x)_k) x x^T and, for j != k, H_kj = p(x)_k (-p(x)_j) x x^T; "
               "H_kk = - sum_{j != k} H_kj, so the c x c matrix T_jk = Tr(H_jk) is diagonally dominant."),
    printed=printed_H1, parameters=("p",), variants=variants_H1,
)
def check_H1(printed, profile):
    sp, S = _sym()
    inst = _instances(profile)
    blocks = _hess_blocks(inst)
    diag = {k: v for k, v in blocks.items() if k[3] == k[4]}
    off = {k: v for k, v in blocks.items() if k[3] != k[4]}
    parts = {}
    parts["H_kk"], parts["H_kk_cross_check"] = general_block_result("H_kk", printed["H_kk"], "hess_kk", diag, S, "x x^T")
    parts["H_kj"], parts["H_kj_cross_check"] = general_block_result("H_kj (j != k)", printed["H_kj"], "hess_kj", off, S,
                                                                     "x x^T")
    parts["row_identity"], parts["row_identity_cross_check"] = _row_identity(printed["row_identity_sign"], inst)
    parts["T_dominance"], parts["T_dominance_kernels"] = _dominance(printed["T_dominance"], profile)
    return combine(parts, cross_checks=[k for k in parts if k.endswith(("_cross_check", "_kernels"))])
