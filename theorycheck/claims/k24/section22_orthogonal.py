"""K24 section 2.2 and appendix C.1: when a linear model can separate the data, orthogonal samples,
and what the input distribution and a bias do to the alignment of the samples.

* ``K24.sec22.orthogonal``: "a linear model can separate the data if n << d"; "by making all the
  samples (close to) orthogonal ... each sample is learned independently of the others, and there
  is no difference across classes" (C.1: "each sample will be learned independently of all the
  other, at a speed that does not depend on a class frequency").
  Truth: (i) inputs in general position (uniform on [0,1]^d, almost surely) with ``n <= d`` have
  full row rank, so ``W = M X^+`` realises any logits ``M``: every labelling is separable (``n <= d + 1``
  with a bias); beyond ``d`` a labelling can fail (found by a linear program). (ii) with orthogonal
  inputs and no bias, full-batch GD on ``L = (1/n) sum_i l(W x_i, y_i)`` from ``W = 0`` moves each
  sample's logits by ``z_i <- z_i - (alpha ||x_i||^2 / n)(softmax(z_i) - e_{y_i})``, independently of
  the others; with equal norms every sample, hence every class, has the same loss at every step.
  Checked by running GD and the per-sample recursion side by side; with a bias, or with uniform
  inputs, the classes separate (the run shows it).
* ``K24.C1.alignment``: uniform inputs give ``<x_i, x_j> > 0``; a bias "is equivalent to adding a
  dimension to the input data where each sample has the same value" and "makes the samples more
  aligned"; zero-mean Gaussian data "is approximately orthogonal as d > n".
"""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.rng import claim_rng
from theorycheck.models.datasets import heavy_tailed_class_sizes, heavy_tailed_counts

# ------------------------------------------------------------------------------------------
# separability
# ------------------------------------------------------------------------------------------


def realise_labels(X: np.ndarray, y: np.ndarray, c: int, margin: float = 1.0) -> dict:
    """Try ``W = M X^+`` with logits ``M[:, i] = margin e_{y_i}``: returns whether every sample's
    argmax is its label and the residual ``||W X^T - M||``."""
    M = np.zeros((c, X.shape[0]))
    M[y, np.arange(y.size)] = margin
    W = M @ np.linalg.pinv(X.T)
    Z = W @ X.T
    return {"separated": bool(np.all(Z.argmax(0) == y)), "residual": float(np.linalg.norm(Z - M))}


def binary_separable(X: np.ndarray, s: np.ndarray) -> bool:
    """Is ``s_i <w, x_i> >= 1`` feasible (a linear program; two classes, no bias)?"""
    from scipy.optimize import linprog

    A = -(s[:, None] * X)
    res = linprog(np.zeros(X.shape[1]), A_ub=A, b_ub=-np.ones(X.shape[0]), bounds=[(None, None)] * X.shape[1],
                  method="highs")
    return res.status == 0


@functools.lru_cache(maxsize=16)
def separability(ratio: float, profile: str) -> dict:
    """For ``n = floor(ratio d)`` uniform inputs: whether every tried labelling is separable."""
    rng = claim_rng("K24.sec22.orthogonal", "separability", ratio)
    ds = (8, 12, 16) if profile == "quick" else (8, 12, 16, 32, 64)
    rows, failures = [], []
    for d in ds:
        n = max(1, int(np.floor(ratio * d)))
        for trial in range(6 if profile == "quick" else 20):
            X = rng.random((n, d))
            if n <= d:
                y = rng.integers(0, max(2, n // 2), size=n)
                r = realise_labels(X, y, int(y.max()) + 1)
                ok = r["separated"]
            else:
                s = rng.choice([-1.0, 1.0], size=n)
                ok = binary_separable(X, s)
            rows.append({"d": d, "n": n, "trial": trial, "separable": ok})
            if not ok:
                failures.append({"d": d, "n": n, "trial": trial})
                break
    return {"rows": rows, "failures": failures}


# ------------------------------------------------------------------------------------------
# orthogonal samples under GD
# ------------------------------------------------------------------------------------------

def _softmax_rows(Z):
    Z = Z - Z.max(1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(1, keepdims=True)


@functools.lru_cache(maxsize=16)
def gd_class_spread(inputs: str, bias: bool, m: int = 4, steps: int = 200, step_per_sample: float = 0.5) -> dict:
    """Full-batch GD (float64) on the softmax linear model with the Random Heavy-Tailed Labels of ``m``
    groups and inputs ``orthogonal`` (orthonormal rows, ``d = n + 16``) or ``uniform``; step
    ``alpha = step_per_sample * n``. Returns the largest spread ``max_k l_k - min_k l_k`` of the class
    losses over the run (relative to the mean), and for orthogonal inputs the largest gap to the
    per-sample recursion."""
    sizes, _ = heavy_tailed_class_sizes(m)
    y = np.repeat(np.arange(sizes.size), sizes)
    n, c = y.size, sizes.size
    d = n + 16
    rng = claim_rng("K24.sec22.orthogonal", "gd", inputs, m)
    if inputs == "orthogonal":
        Q, _ = np.linalg.qr(rng.standard_normal((d, n)))
        X = Q.T
    elif inputs == "uniform":
        X = rng.random((n, d))
    else:
        raise ValueError(f"inputs: must be 'orthogonal' or 'uniform', got {inputs!r}")
    if bias:
        X = np.hstack([X, np.ones((n, 1))])
    alpha = step_per_sample * n
    W = np.zeros((c, X.shape[1]))
    Y = np.eye(c)[y]
    z_rec = np.zeros((n, c))
    spread, gap = 0.0, 0.0
    for _ in range(steps):
        Z = X @ W.T
        P = _softmax_rows(Z)
        li = -np.log(P[np.arange(n), y])
        lk = np.array([li[y == k].mean() for k in range(c)])
        spread = max(spread, float((lk.max() - lk.min()) / lk.mean()))
        if inputs == "orthogonal" and not bias:
            gap = max(gap, float(np.max(np.abs(Z - z_rec))))
            z_rec = z_rec - (alpha * np.sum(X * X, 1)[:, None] / n) * (_softmax_rows(z_rec) - Y)
        W = W - alpha * (P - Y).T @ X / n
    return {"n": n, "c": c, "d": X.shape[1], "steps": steps, "alpha": alpha, "max_relative_class_spread": spread,
            "max_gap_to_per_sample_recursion": gap if inputs == "orthogonal" and not bias else None}


SETTINGS = ("orthogonal", "orthogonal with a bias", "uniform")


def printed_orth():
    """'n << d' read as n <= d/10; the settings in which 'there is no difference across classes'."""
    return {"separable_if_n_le": 0.1, "no_class_difference_in": ("orthogonal",)}


def _orth_variants(p):
    return [
        Variant("separable whenever n <= 3 d", "constant", {**p, "separable_if_n_le": 3.0}),
        Variant("separable whenever n <= 2 d", "constant", {**p, "separable_if_n_le": 2.0}),
        Variant("separable whenever n <= d (general position)", "stronger", {**p, "separable_if_n_le": 1.0}),
        Variant("no difference across classes with a bias too", "part",
                {**p, "no_class_difference_in": p["no_class_difference_in"] + ("orthogonal with a bias",)}),
        Variant("no difference across classes with uniform inputs", "other",
                {**p, "no_class_difference_in": p["no_class_difference_in"] + ("uniform",)}),
        Variant("classes differ even with orthogonal samples", "sign", {**p, "no_class_difference_in": ()}),
    ]


@claim("K24.sec22.orthogonal", provenance="seed-fulltext", source=cite("K24", "section 2.2 and appendix C.1"),
       statement=("'a linear model can separate the data if n << d'; 'It is possible to generate pathological datasets with "
                  "heavy-tailed imbalance where GD fits all classes fast, by making all the samples (close to) orthogonal. "
                  "In this case, each sample is learned independently of the others, and there is no difference across classes'."),
       printed=printed_orth, variants=_orth_variants)
def check_orth(p, profile):
    parts = {}
    r = float(p["separable_if_n_le"])
    sep = separability(r, profile)
    paper = {m: heavy_tailed_counts(m) for m in (7, 8, 11)}
    ev_s = {"tested": sep["rows"], "paper_data_n<d": {m: v["n"] < v["d"] for m, v in paper.items()},
            "d - n": "(m+1) 2^m - m 2^m = 2^m > 0 for every m"}
    if sep["failures"]:
        f = sep["failures"][0]
        parts["separable"] = Result(Verdict.FAILS, f"n <= {r:g} d does not suffice: a labelling of n = {f['n']} uniform points "
                                    f"in d = {f['d']} dimensions is not linearly separable (linear program infeasible)",
                                    "numeric", {**ev_s, "counterexample": f})
    elif r < 1 and not separability(1.0, profile)["failures"]:
        ev_s["tested_at_n<=d"] = separability(1.0, profile)["rows"]
        parts["separable"] = Result(Verdict.SHARPENED, f"separable for n <= {r:g} d, and already for n <= d: inputs in general "
                                    "position have full row rank, W = M X^+ realises any labelling", "numeric", ev_s,
                                    correction="a linear model can separate any labelling once n <= d (n <= d + 1 with a "
                                               "bias) for inputs in general position, e.g. uniform on [0,1]^d")
    else:
        parts["separable"] = Result(Verdict.HOLDS, f"every labelling tried is separable for n <= {r:g} d", "numeric", ev_s)
    runs = {"orthogonal": gd_class_spread("orthogonal", False), "orthogonal with a bias": gd_class_spread("orthogonal", True),
            "uniform": gd_class_spread("uniform", False)}
    same = {k: v["max_relative_class_spread"] <= tol.SIM_FLOAT64_REL for k, v in runs.items()}
    differ = {k: v["max_relative_class_spread"] > tol.SIM_DIFFERS_REL for k, v in runs.items()}
    indep = runs["orthogonal"]["max_gap_to_per_sample_recursion"] <= tol.SIM_FLOAT64_REL * max(1.0, runs["orthogonal"]["steps"])
    ev_o = {"runs": runs, "no_difference_if_spread_<=": tol.SIM_FLOAT64_REL, "difference_if_spread_>": tol.SIM_DIFFERS_REL}
    claimed = set(p["no_class_difference_in"])
    wrong = [k for k in SETTINGS if (k in claimed and not same[k]) or (k not in claimed and not differ[k])]
    if not indep:
        parts["orthogonal"] = Result(Verdict.INCONCLUSIVE, "GD and the per-sample recursion disagree", "numeric", ev_o)
    elif wrong:
        parts["orthogonal"] = Result(Verdict.CORRECTED, "; ".join(
            f"{k}: class losses {'differ' if differ[k] else 'agree'} (relative spread {runs[k]['max_relative_class_spread']:.3g})"
            for k in wrong), "numeric", {**ev_o, "counterexample": wrong},
            correction="no difference across classes exactly when the samples are orthogonal (equal norms, no bias): "
                       + ", ".join(f"{k}: spread {runs[k]['max_relative_class_spread']:.3g}" for k in SETTINGS))
    else:
        parts["orthogonal"] = Result(Verdict.HOLDS, "orthogonal samples: GD equals the per-sample recursion (max gap "
                                     f"{runs['orthogonal']['max_gap_to_per_sample_recursion']:.2g}) and all classes have the "
                                     f"same loss (spread {runs['orthogonal']['max_relative_class_spread']:.2g}); with a bias "
                                     f"({runs['orthogonal with a bias']['max_relative_class_spread']:.2f}) or uniform inputs "
                                     f"({runs['uniform']['max_relative_class_spread']:.2f}) the classes separate", "numeric", ev_o)
    return combine(parts, holds="separability and the orthogonal case as printed")


# ------------------------------------------------------------------------------------------
# K24.C1.alignment
# ------------------------------------------------------------------------------------------

def _cos_stats(X):
    N = X / np.linalg.norm(X, axis=1, keepdims=True)
    C = N @ N.T
    iu = np.triu_indices(X.shape[0], 1)
    v = C[iu]
    return {"min": float(v.min()), "mean": float(v.mean()), "mean_abs": float(np.abs(v).mean()), "max_abs": float(np.abs(v).max()),
            "min_inner": float((X @ X.T)[iu].min())}


@functools.lru_cache(maxsize=4)
def alignment_data(profile: str) -> dict:
    """Cosines between samples for uniform, N(0,1) and N(1,1) inputs (figure 15's small data, m = 7:
    n = 896, d = 1024; quick: m = 5), with and without the constant bias coordinate; and the
    gradient of the model with a bias against the model on inputs [x; 1]."""
    m = 5 if profile == "quick" else 7
    cnt = heavy_tailed_counts(m)
    n, d = cnt["n"], cnt["d"]
    rng = claim_rng("K24.C1.alignment", m)
    out = {"n": n, "d": d}
    for name, X in (("uniform", rng.random((n, d))), ("normal0", rng.standard_normal((n, d))),
                    ("normal1", rng.standard_normal((n, d)) + 1.0)):
        Xb = np.hstack([X, np.ones((n, 1))])
        out[name] = {"plain": _cos_stats(X), "with_bias_coordinate": _cos_stats(Xb)}
    # bias == constant input coordinate: gradients of (W, b) vs [W b] on [x; 1]
    c = 7
    X = rng.random((50, 9))
    y = rng.integers(0, c, 50)
    W, b = rng.standard_normal((c, 9)), rng.standard_normal(c)
    P = _softmax_rows(X @ W.T + b)
    G = P - np.eye(c)[y]
    gW, gb = G.T @ X / 50, G.sum(0) / 50
    Xa = np.hstack([X, np.ones((50, 1))])
    Wa = np.hstack([W, b[:, None]])
    Pa = _softmax_rows(Xa @ Wa.T)
    ga = (Pa - np.eye(c)[y]).T @ Xa / 50
    out["bias_identity_max_diff"] = float(max(np.abs(P - Pa).max(), np.abs(ga[:, :-1] - gW).max(), np.abs(ga[:, -1] - gb).max()))
    # the same with a constant 0 coordinate: no bias at all
    X0 = np.hstack([X, np.zeros((50, 1))])
    P0 = _softmax_rows(X0 @ Wa.T)
    out["zero_coordinate_max_diff"] = float(np.abs(P - P0).max())
    return out


def printed_align():
    return {"uniform_inner_positive": True, "bias_coordinate_value": 1.0, "bias_more_aligned": True,
            "approximately_orthogonal": ("normal0",)}


def _align_variants(p):
    return [
        Variant("uniform inputs can be orthogonal", "sign", {**p, "uniform_inner_positive": False}),
        Variant("a bias equals a zero input coordinate", "constant", {**p, "bias_coordinate_value": 0.0}),
        Variant("a bias makes the samples less aligned", "sign", {**p, "bias_more_aligned": False}),
        Variant("N(1,1) data approximately orthogonal", "other", {**p, "approximately_orthogonal": ("normal0", "normal1")}),
    ]


@claim("K24.C1.alignment", provenance="seed-fulltext", source=cite("K24", "appendix C.1"),
       statement=("'we draw the inputs from a high-dimensional uniform distribution on [0,1]^d ensuring that for any two samples "
                  "<x_i, x_j> > 0'; 'The zero-mean data, which is approximately orthogonal as d > n'; 'if the linear model uses a "
                  "bias term, this effectively makes the samples more aligned, as it is equivalent to adding a dimension to the "
                  "input data where each sample has the same value'."),
       printed=printed_align, variants=_align_variants)
def check_align(p, profile):
    a = alignment_data(profile)
    parts = {}
    u = a["uniform"]["plain"]
    pos = u["min_inner"] > 0
    parts["uniform_positive"] = (
        Result(Verdict.HOLDS, f"uniform inputs: every inner product > 0 (min {u['min_inner']:.3g}; a sum of products of "
               f"positive coordinates), mean cosine {u['mean']:.3f} (-> 3/4)", "numeric", {"uniform": a["uniform"]})
        if pos == bool(p["uniform_inner_positive"]) else
        Result(Verdict.CORRECTED, "uniform inputs on [0,1]^d have <x_i, x_j> > 0 almost surely", "numeric",
               {"uniform": a["uniform"], "counterexample": u}, correction="<x_i, x_j> > 0 for uniform inputs (almost surely)"))
    v = float(p["bias_coordinate_value"])
    equiv = a["bias_identity_max_diff"] <= tol.FLOAT64_REL and v != 0
    ev_b = {"max_diff_bias_vs_[x;1]": a["bias_identity_max_diff"], "max_diff_bias_vs_[x;0]": a["zero_coordinate_max_diff"]}
    parts["bias_equivalence"] = (
        Result(Verdict.HOLDS, f"logits and gradients of (W, b) on x equal those of [W b] on [x; {v:g}] (max diff "
               f"{a['bias_identity_max_diff']:.2g}; b rescaled by 1/{v:g})", "numeric", ev_b) if equiv else
        Result(Verdict.CORRECTED, f"a constant coordinate {v:g} does not reproduce the bias (max diff "
               f"{a['zero_coordinate_max_diff']:.3g})", "numeric", {**ev_b, "counterexample": ev_b},
               correction="a bias is a constant non-zero input coordinate (value 1 with b as its weights)"))
    more = {k: a[k]["with_bias_coordinate"]["mean"] > a[k]["plain"]["mean"] for k in ("uniform", "normal0", "normal1")}
    ev_m = {k: {"mean_cos": a[k]["plain"]["mean"], "mean_cos_with_bias": a[k]["with_bias_coordinate"]["mean"]} for k in more}
    ev_m["note"] = ("inner products always grow by the constant squared; cosines grow on these data, though not for every "
                    "pair of vectors (unequal norms)")
    parts["more_aligned"] = (
        Result(Verdict.HOLDS, "the bias coordinate raises the mean cosine on all three input distributions", "numeric", ev_m)
        if all(more.values()) == bool(p["bias_more_aligned"]) else
        Result(Verdict.CORRECTED, "the bias coordinate raises the alignment", "numeric", {**ev_m, "counterexample": more},
               correction="adding the constant coordinate raises every inner product (and the mean cosine on these data)"))
    thr = tol.K24_NEAR_ORTHOGONAL_COS
    near = {k: a[k]["plain"]["mean_abs"] <= thr for k in ("uniform", "normal0", "normal1")}
    claimed = set(p["approximately_orthogonal"])
    wrong = [k for k in near if (k in claimed) != near[k]]
    ev_n = {"mean_abs_cos": {k: a[k]["plain"]["mean_abs"] for k in near}, "threshold": thr, "n": a["n"], "d": a["d"]}
    parts["near_orthogonal"] = (
        Result(Verdict.HOLDS, f"N(0,1) inputs are nearly orthogonal (mean |cos| {a['normal0']['plain']['mean_abs']:.3f}, "
               f"d = {a['d']} > n = {a['n']}); uniform and N(1,1) are not", "numeric", ev_n) if not wrong else
        Result(Verdict.CORRECTED, "; ".join(f"{k}: mean |cos| {a[k]['plain']['mean_abs']:.3f}" for k in wrong), "numeric",
               {**ev_n, "counterexample": wrong}, correction="only the zero-mean inputs are approximately orthogonal: "
               + ", ".join(f"{k} mean |cos| {a[k]['plain']['mean_abs']:.3f}" for k in near)))
    return combine(parts, holds="appendix C.1's statements on alignment hold on the paper's data distributions")
