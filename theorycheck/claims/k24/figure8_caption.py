"""K24 figures 8 and 28 (the Hessian subsets of appendix H.1): their captions against H.1's text.

Figure 8's caption: "[160 x 160] subset of the Hessian, sampling 40 classes log-uniformly and 40
input dimensions uniformly", plotting ``log10 |Tr(hess_ij L)|``; figure 28's: "[160 x 160] subset ...
sampling 40 classes and 40 input dimensions uniformly", plotting entries ``log10 |(hess L)_ij|``;
H.1: "we subsample 40 classes and 40 input dimensions and plot the resulting [160 x 160] entries ...
figure 8 shows the matrices with classes sampled uniformly and figure 28 with classes sampled
log-uniformly".

The size is computed by building the subsampled Hessian of a softmax linear model
(``H = (1/n) sum_i (diag(p_i) - p_i p_i^T) kron x_i x_i^T``, rows indexed by (class, input dimension))
and taking the rows and columns of the sampled classes and dimensions; the block-trace matrix of
figure 8 is formed from it as well. The sampling descriptions are compared place by place.
"""

from __future__ import annotations

import numpy as np

from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.rng import claim_rng


def printed_fig8():
    return {"fig8": {"size": 160, "classes": 40, "dims": 40, "class_sampling": "log-uniform", "plots": "block traces"},
            "fig28": {"size": 160, "classes": 40, "dims": 40, "class_sampling": "uniform", "plots": "entries"},
            "h1": {"size": 160, "classes": 40, "dims": 40, "fig8_class_sampling": "uniform",
                   "fig28_class_sampling": "log-uniform", "plots": "entries"}}


def subsampled_hessian(c: int, d: int, n: int, classes: int, dims: int, seed_key=0) -> dict:
    """Hessian of ``L(W) = (1/n) sum_i -log softmax(W x_i)_{y_i}`` (``W`` in ``R^{c x d}``, random data
    and ``W``) restricted to ``classes`` sampled classes and ``dims`` sampled input dimensions, and
    the matrix of its block traces ``T_kl = sum_j H_{(k,j),(l,j)}``. Returns both shapes and the
    largest off-diagonal/diagonal block-trace ratio."""
    for name, v, lo in (("c", c, 2), ("d", d, 1), ("n", n, 1), ("classes", classes, 1), ("dims", dims, 1)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
            raise ValueError(f"{name}: must be an integer >= {lo}, got {v!r}")
    if classes > c or dims > d:
        raise ValueError(f"classes, dims: cannot sample {classes} of {c} classes or {dims} of {d} dimensions")
    rng = claim_rng("K24.fig8.caption", seed_key)
    X = rng.random((n, d))
    W = rng.standard_normal((c, d)) * 0.1
    z = X @ W.T
    P = np.exp(z - z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    K = np.sort(rng.choice(c, classes, replace=False))
    J = np.sort(rng.choice(d, dims, replace=False))
    H = np.zeros((classes * dims, classes * dims))
    for i in range(n):
        p = P[i, K]
        A = np.diag(p) - np.outer(p, p)
        x = X[i, J]
        H += np.kron(A, np.outer(x, x))
    H /= n
    T = np.einsum("kjlj->kl", H.reshape(classes, dims, classes, dims))
    off = np.abs(T - np.diag(np.diag(T))).max() / np.abs(np.diag(T)).min()
    return {"entries_shape": H.shape, "block_traces_shape": T.shape, "symmetric": bool(np.allclose(H, H.T)),
            "max_offdiag_over_min_diag_trace": float(off)}


def _mended(p):
    m = {k: dict(v) for k, v in p.items()}
    size = m["fig8"]["classes"] * m["fig8"]["dims"]
    for k in m:
        m[k]["size"] = size
    m["h1"]["fig8_class_sampling"] = m["fig8"]["class_sampling"]
    m["h1"]["fig28_class_sampling"] = m["fig28"]["class_sampling"]
    m["fig8"]["plots"] = "block traces"
    m["h1"]["plots"] = "entries (block traces in figure 8)"
    return m


def _variants(p):
    m = _mended(p)
    a = {k: dict(v) for k, v in m.items()}
    a["fig8"]["size"] = a["fig28"]["size"] = a["h1"]["size"] = 160
    b = {k: dict(v) for k, v in m.items()}
    b["h1"]["fig8_class_sampling"] = "uniform" if m["fig8"]["class_sampling"] != "uniform" else "log-uniform"
    cc = {k: dict(v) for k, v in m.items()}
    cc["h1"]["fig28_class_sampling"] = "log-uniform" if m["fig28"]["class_sampling"] != "log-uniform" else "uniform"
    return [Variant("mended (sizes from the sampled counts, one sampling description per figure)", "stronger", m),
            Variant("mended but [160 x 160]", "part", a),
            Variant("mended but H.1 contradicts figure 8's sampling", "part", b),
            Variant("mended but H.1 contradicts figure 28's sampling", "part", cc)]


@claim("K24.fig8.caption", provenance="seed-fulltext", source=cite("K24", "figures 8 and 28, appendix H.1"),
       statement=("Figure 8: '[160 x 160] subset of the Hessian, sampling 40 classes log-uniformly and 40 input dimensions "
                  "uniformly'; H.1: 'figure 8 shows the matrices with classes sampled uniformly and figure 28 with classes "
                  "sampled log-uniformly'; figure 28: '[160 x 160] subset ... sampling 40 classes and 40 input dimensions "
                  "uniformly'."),
       printed=printed_fig8, variants=_variants)
def check_fig8_caption(p, profile):
    parts = {}
    places = ("fig8", "fig28", "h1")
    ncls = {p[k]["classes"] for k in places}
    ndim = {p[k]["dims"] for k in places}
    if len(ncls) > 1 or len(ndim) > 1:
        parts["counts"] = Result(Verdict.CORRECTED, f"the places give different numbers of classes {sorted(ncls)} or "
                                 f"dimensions {sorted(ndim)}", "exact", {"classes": sorted(ncls), "dims": sorted(ndim)},
                                 correction="one number of sampled classes and dimensions in figures 8, 28 and H.1")
    cl, dm = p["fig8"]["classes"], p["fig8"]["dims"]
    built = subsampled_hessian(c=cl + 5, d=dm + 2, n=8, classes=cl, dims=dm)
    size = built["entries_shape"][0]
    ev = {"built": built, "printed": {k: p[k]["size"] for k in places}}
    wrong = [k for k in places if p[k]["size"] != size]
    if not wrong:
        parts["size"] = Result(Verdict.HOLDS, f"{cl} classes x {dm} dimensions give a [{size} x {size}] subset", "exact", ev)
    else:
        ps = p[wrong[0]]["size"]
        alt = sorted({pair for a in (cl, dm) if ps % a == 0 for pair in ((a, ps // a), (ps // a, a))})
        parts["size"] = Result(
            Verdict.CORRECTED,
            f"{cl} classes x {dm} input dimensions index {size} parameters: the subset is [{size} x {size}] "
            f"(block traces: [{built['block_traces_shape'][0]} x {built['block_traces_shape'][1]}]), not "
            f"[{p[wrong[0]]['size']} x {p[wrong[0]]['size']}] ({', '.join(wrong)})", "exact",
            {**ev, "counterexample": {"printed": p[wrong[0]]["size"], "built": size}},
            correction=f"[{size} x {size}] entries ({cl} x {dm}); [{p[wrong[0]]['size']} x {p[wrong[0]]['size']}] would "
                       f"need {' or '.join(f'{a} x {b}' for a, b in alt) or 'other counts'} classes x dimensions")
    mism = []
    for fig in ("fig8", "fig28"):
        cap, txt = p[fig]["class_sampling"], p["h1"][f"{fig}_class_sampling"]
        if cap != txt:
            mism.append((fig, cap, txt))
    ev_s = {"captions": {f: p[f]["class_sampling"] for f in ("fig8", "fig28")},
            "h1": {f: p["h1"][f"{f}_class_sampling"] for f in ("fig8", "fig28")}}
    if not mism:
        parts["sampling"] = Result(Verdict.HOLDS, "captions and H.1 describe the same class sampling", "exact", ev_s)
    else:
        swapped = len(mism) == 2 and mism[0][1] == mism[1][2] and mism[1][1] == mism[0][2]
        parts["sampling"] = Result(
            Verdict.CORRECTED,
            "; ".join(f"{f}: caption says classes sampled {c}, H.1 says {t}" for f, c, t in mism)
            + (" (the two descriptions are swapped)" if swapped else ""), "exact", ev_s,
            correction=("captions and H.1 must agree on which figure samples classes log-uniformly; the text cannot tell "
                        "which of the two is right"))
    if p["fig8"]["plots"] != "block traces" or p["h1"]["plots"] == "entries":
        parts["plotted"] = Result(Verdict.CORRECTED, "figure 8 plots block traces log10|Tr(hess_ij L)| "
                                  f"([{cl} x {cl}] of them), while H.1 says both figures plot the [.. x ..] entries",
                                  "exact", {"fig8": p["fig8"]["plots"], "h1": p["h1"]["plots"]},
                                  correction=f"figure 8: the [{cl} x {cl}] block traces of the [{size} x {size}] subset; "
                                             f"figure 28: its [{size} x {size}] entries")
    else:
        parts["plotted"] = Result(Verdict.HOLDS, "what each figure plots is described consistently", "exact", {})
    return combine(parts, holds="figure 8, figure 28 and H.1 agree")
