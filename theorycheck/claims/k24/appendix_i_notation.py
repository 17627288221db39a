"""K24 appendix I, the notation paragraph against the proof of Lemma 4 (``K24.I.notation``).

Printed: "If W is a [a x b] matrix, then w_1, ..., w_a are the rows and w^1, ..., w^b are the vectors
[columns], and w_ij is the entry at the i-th column, j-th row". Lemma 4's proof then uses
``d L / d w_kj = -pi_k 1[k = j] + pi_j softmax(w^j)_k`` on the simple imbalanced setting (``x_i = e_k`` for
class ``k``, so the logits of class ``k``'s input are the column ``W e_k``).

Truth: the gradient of ``L(W) = sum_k pi_k (-log softmax(W e_k)_k)`` by automatic differentiation
(torch, float64) at a random ``W``; the printed formula is evaluated under the printed index
convention and compared entry by entry. The convention under which the formula holds is reported.
"""

from __future__ import annotations

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict
from theorycheck.core.rng import claim_rng


def printed_notation():
    return {"index_order": "column,row", "vectors_are": "columns", "softmax_coefficient": "pi_j", "first_term_sign": -1}


def autograd_gradient(c: int = 4, key=0):
    """``(W, pi, dL/dW)`` for ``L(W) = sum_k pi_k (-log softmax(W e_k)_k)`` at a random ``W`` (torch autograd)."""
    import torch

    rng = claim_rng("K24.I.notation", key)
    W0 = rng.standard_normal((c, c))
    pi = rng.random(c)
    pi /= pi.sum()
    W = torch.tensor(W0, requires_grad=True)
    logp = torch.log_softmax(W, dim=0)  # column k = logits of input e_k
    L = -(torch.tensor(pi) * torch.diagonal(logp)).sum()
    L.backward()
    return W0, pi, W.grad.numpy()


def printed_formula(p, W, pi) -> np.ndarray:
    """``F[pos(k, j)] = sign * pi_k 1[k=j] + coef * softmax(w^j)_k`` placed where the printed notation puts ``w_kj``."""
    c = W.shape[0]
    F = np.empty_like(W)
    for k in range(c):
        for j in range(c):
            vec = W[:, j] if p["vectors_are"] == "columns" else W[j, :]
            s = np.exp(vec - vec.max())
            s /= s.sum()
            coef = pi[j] if p["softmax_coefficient"] == "pi_j" else pi[k]
            val = p["first_term_sign"] * pi[k] * (k == j) + coef * s[k]
            pos = (k, j) if p["index_order"] == "row,column" else (j, k)
            F[pos] = val
    return F


def _variants(p):
    m = {**p, "index_order": "row,column"}
    return [Variant("w_ij at the i-th row, j-th column", "stronger", m),
            Variant("w^j the j-th row", "other", {**m, "vectors_are": "rows"}),
            Variant("pi_k in front of the softmax", "other", {**m, "softmax_coefficient": "pi_k"}),
            Variant("+pi_k 1[k = j]", "sign", {**m, "first_term_sign": 1})]


@claim("K24.I.notation", provenance="seed-fulltext", source=cite("K24", "appendix I, notation and the proof of Lemma 4"),
       statement=("'w_1, ..., w_a are the rows and w^1, ..., w^b are the vectors, and w_ij is the entry at the i-th column, j-th "
                  "row'; Lemma 4: 'd/dw_kj L(W) = -pi_k 1[k = j] + pi_j softmax(w^j)_k'."),
       printed=printed_notation, variants=_variants)
def check_notation(p, profile):
    rows = []
    conv = {}
    for key in range(3):
        W, pi, G = autograd_gradient(4 + key, key)
        F = printed_formula(p, W, pi)
        rows.append({"c": W.shape[0], "max_abs_diff": float(np.max(np.abs(F - G)))})
        for order in ("row,column", "column,row"):
            Fo = printed_formula({**p, "index_order": order}, W, pi)
            conv[order] = max(conv.get(order, 0.0), float(np.max(np.abs(Fo - G))))
    ok = max(r["max_abs_diff"] for r in rows) <= tol.FLOAT64_ABS
    ev = {"runs": rows, "max_diff_by_index_order": conv, "tolerance": tol.FLOAT64_ABS, "gradient": "torch autograd, float64"}
    if ok:
        return Result(Verdict.HOLDS, f"Lemma 4's derivative matches autograd with w_kj read as {p['index_order']}", "numeric", ev)
    good = [o for o, v in conv.items() if v <= tol.FLOAT64_ABS]
    if good and good != [p["index_order"]]:
        return Result(Verdict.CORRECTED, f"with w_kj at the k-th column, j-th row, Lemma 4's derivative is off by up to "
                      f"{rows[0]['max_abs_diff']:.3g}; it matches autograd only with w_kj at the {good[0].replace(',', ', ')}",
                      "numeric", {**ev, "counterexample": rows[0]},
                      correction=f"w_ij is the entry at the i-th {good[0].split(',')[0]}, j-th {good[0].split(',')[1]} "
                                 "(as Lemma 4's proof uses it)")
    return Result(Verdict.CORRECTED, "Lemma 4's derivative as stated does not match autograd under either index order",
                  "numeric", {**ev, "counterexample": rows[0]},
                  correction="d/dw_kj L(W) = -pi_k 1[k = j] + pi_j softmax(w^j)_k with w_kj in row k, column j, w^j column j")
