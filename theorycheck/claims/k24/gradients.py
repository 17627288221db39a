"""K24 equation 4 and appendix H.1: the per-sample gradient and Hessian blocks of the softmax
linear model, and the off-diagonal Hessian blocks. Instances, symbols and the coefficient
comparison live in :mod:`._softmax_common` (its docstring describes the method)."""

from __future__ import annotations

import math

import numpy as np

from theorycheck.claims.k24._softmax_common import (
    INSTANCES,
    _coef_result,
    _grad_blocks,
    _hess_blocks,
    _instances,
    _sym,
)
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import claim
from theorycheck.core.result import Result, Verdict, combine

# ------------------------------------------------------------------------------------------
# K24.eq4
# ------------------------------------------------------------------------------------------

def printed_eq4():
    """Equation 4 as printed: grad = (1[y=k] - p_k) x, hess = p_k (1 - p_k) x x^T."""
    sp, S = _sym()
    return {"grad_coef": S["delta"] - S["p_k"], "hess_coef": S["p_k"] * (1 - S["p_k"])}


@claim(
    "K24.eq4",
    provenance="seed-fulltext", source="K24 (seed 003), section 3.2, equation 4 (repeated in appendix H)",
    statement=("For one sample (x, y): grad_{w_k} l(W, x, y) = (1[y = k] - p(x)_k) x and "
               "hess_{w_k} l(W, x, y) = p(x)_k (1 - p(x)_k) x x^T, with l = -log softmax(W x)_y."),
    printed=printed_eq4,
)
def check_eq4(printed, profile):
    sp, S = _sym()
    inst = _instances(profile)
    grad = _coef_result("grad_{w_k} l", printed["grad_coef"], _grad_blocks(inst), S, False,
                        S["p_k"] - S["delta"],
                        "grad_{w_k} l(W, x, y) = (p(x)_k - 1[y = k]) x: the printed expression is the NEGATIVE "
                        "gradient (a sign slip; norms, and so the conclusions of Prop. 2, are unaffected)")
    hess = _coef_result("hess_{w_k} l", printed["hess_coef"], _hess_blocks(inst, diagonal_only=True), S, True,
                        S["p_k"] * (1 - S["p_k"]), "hess_{w_k} l = p_k (1 - p_k) x x^T")
    return combine({"gradient": grad, "hessian": hess})


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


def _row_identity(sign, instances=INSTANCES) -> Result:

    from theorycheck.core.symcheck import prove_zero
    from theorycheck.models.softmax_symbolic import is_zero_rational

    blocks = _hess_blocks(instances)
    ev = {"claimed": f"H_kk = ({sign}) * sum_{{j != k}} H_kj", "instances (c, d)": list(instances),
          "how": "on the coefficients h_kj (H_kj = h_kj x x^T), exactly in QQ(E)"}
    status = "proved"
    for c, d in instances:
        for k in range(c):
            diff = blocks[(c, d, None, k, k)][1] - sign * sum(blocks[(c, d, None, k, j)][1] for j in range(c) if j != k)
            if is_zero_rational([diff]):
                continue
            pr = prove_zero(diff)
            if pr.proved:
                continue
            status = "refuted" if pr.refuted else "undecided"
            ev.update({"instance (c, d, k)": (c, d, k), "residual": pr.as_evidence()})
            if pr.refuted:
                ev["counterexample"] = pr.counterexample
            break
        if status != "proved":
            break
    if status == "proved":
        return Result(Verdict.HOLDS, f"H_kk = {sign} * sum_(j!=k) H_kj (proved)", "symbolic", ev)
    if status == "undecided":
        return Result(Verdict.INCONCLUSIVE, "SymPy could not decide the row identity", "symbolic", ev)
    return Result(Verdict.CORRECTED, "printed row identity refuted", "symbolic", ev,
                  correction="H_kk = - sum_{j != k} H_kj (every block row of the Hessian sums to 0)")


def _dominance(kind: str, profile: str) -> Result:
    """T_kj = Tr(H_kj): decide weak/strict diagonal dominance, symbolically (per sample)
    and numerically (averaged over data, kernels)."""
    import sympy as sp

    from theorycheck.models import kernels

    if kind not in ("weak", "strict"):
        return Result(Verdict.INCONCLUSIVE, f"unknown dominance kind {kind!r}", "symbolic", {"claimed": kind})
    from theorycheck.models.softmax_symbolic import is_zero_rational, model

    instances = _instances(profile)
    blocks = _hess_blocks(instances)
    slack_zero = True
    off_nonpos = True
    for c, d in instances:
        m = model(c, d)
        nx2 = sum(xa ** 2 for xa in m.x)  # T_kj = Tr(h_kj x x^T) = h_kj ||x||^2
        T = sp.Matrix(c, c, lambda k, j: blocks[(c, d, None, k, j)][1] * nx2)
        for k in range(c):
            for j in range(c):
                sign_ok = sp.factor(T[k, j]).is_nonpositive if j != k else sp.factor(T[k, k]).is_nonnegative
                off_nonpos &= bool(sign_ok)
            # with T_kk >= 0 and T_kj <= 0: |T_kk| - sum |T_kj| = T_kk + sum_{j!=k} T_kj
            slack_zero &= bool(is_zero_rational([sum(T[k, j] for j in range(c))]))
    # numeric: averaged T over random data, including extreme logits
    rng = np.random.default_rng(0)
    worst = 0.0
    rows = 0
    for scale in (1.0, 30.0, 1000.0):
        c, d, n = 6, 4, 50
        W = rng.standard_normal((c, d)) * scale / math.sqrt(d)
        X = rng.standard_normal((n, d))
        Tn = kernels.block_traces(W, X)
        diag = np.diag(Tn)
        off = np.abs(Tn).sum(axis=1) - np.abs(diag)
        mask = diag > 0
        rel = np.abs(diag[mask] - off[mask]) / diag[mask]
        worst = max(worst, float(rel.max()) if rel.size else 0.0)
        rows += int(mask.sum())
    ev = {"claimed": f"T is {kind}ly diagonally dominant",
          "symbolic": {"T_kj <= 0 for j != k, T_kk >= 0": off_nonpos,
                       "T_kk - sum_{j!=k} |T_kj| == 0 (proved by cancellation)": slack_zero},
          "numeric": {"max_rel_slack |T_kk - sum_{j!=k}|T_kj|| / T_kk": worst, "rows": rows,
                      "logit_scales": [1, 30, 1000], "tolerance": tol.FLOAT64_REL}}
    if not (off_nonpos and slack_zero):
        return Result(Verdict.INCONCLUSIVE, "could not establish the signs/row sums of T symbolically", "symbolic+numeric", ev)
    if worst > tol.FLOAT64_REL:
        return Result(Verdict.INCONCLUSIVE, "symbolic equality proved but kernels disagree", "symbolic+numeric", ev)
    corr = ("T is diagonally dominant with EQUALITY in every row: T_kk = sum_{j != k} |T_kj| (each row of "
            "T = (1/n) sum_i ||x_i||^2 (Diag(p_i) - p_i p_i^T) sums to 0; T is a PSD graph Laplacian), so it is "
            "weakly but never strictly diagonally dominant; an off-diagonal trace is at most T_kk and they sum to T_kk")
    if kind == "weak":
        return Result(Verdict.SHARPENED, "weakly diagonally dominant with equality: row sums of T are exactly 0",
                      "symbolic+numeric", ev, correction=corr)
    ev["counterexample"] = "every row: T_kk - sum_{j!=k}|T_kj| = 0 exactly (proved), so never > 0"
    return Result(Verdict.CORRECTED, "T is never strictly diagonally dominant (row slack is exactly 0)",
                  "symbolic+numeric", ev, correction=corr)


@claim(
    "K24.H1",
    provenance="seed-fulltext", source="K24 (seed 003), appendix H.1",
    statement=("H_kk = p(x)_k (1 - p(x)_k) x x^T and, for j != k, H_kj = p(x)_k (-p(x)_j) x x^T; "
               "H_kk = - sum_{j != k} H_kj, so the c x c matrix T_jk = Tr(H_jk) is diagonally dominant."),
    printed=printed_H1,
)
def check_H1(printed, profile):
    sp, S = _sym()
    inst = _instances(profile)
    blocks = _hess_blocks(inst)
    diag = {k: v for k, v in blocks.items() if k[3] == k[4]}
    off = {k: v for k, v in blocks.items() if k[3] != k[4]}
    parts = {
        "H_kk": _coef_result("H_kk", printed["H_kk"], diag, S, True, S["p_k"] * (1 - S["p_k"]),
                             "H_kk = p_k (1 - p_k) x x^T"),
        "H_kj": _coef_result("H_kj", printed["H_kj"], off, S, True, -S["p_k"] * S["p_j"],
                             "H_kj = -p_k p_j x x^T (j != k)"),
        "row_identity": _row_identity(printed["row_identity_sign"], inst),
        "T_dominance": _dominance(printed["T_dominance"], profile),
    }
    return combine(parts)


