"""EXT.smoothness.l11_closed_form and EXT.smoothness.cauchy (see :mod:`.smoothness` for the
family):

* ``l11_closed_form``: ``||H||_{1,1} = (2/n) sum_i (1 - ||p_i||^2) ||x~_i||_1^2`` whenever every
  coordinate of the (bias-augmented) inputs has one sign over the data; an upper bound otherwise.
* ``cauchy``: each coordinate of ``Hv`` (``v`` iid standard Cauchy) is Cauchy with scale = that
  row's ell_1 norm; the median estimator's relative RMS error decays like ``T^{-1/2}``.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from theorycheck.claims.ext._torch import with_cpu_threads
from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.rates import compare_exponent, fit_power
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine


def printed_l11():
    """``||H||_{1,1} = (factor/n^n_power) sum_i (1 - sum_k p_ik^p_power) ||x~_i||_{x_norm}^{x_power}``,
    exact for one-signed input coordinates."""
    return {"factor": 2, "p_power": 2, "x_norm": 1, "x_power": 2, "n_power": 1}


def variants_l11(printed):
    """A wrong constant, a wrong dependence on p, on x and on n, and the wrong norm of x."""
    return [
        Variant("factor 1", "constant", {**printed, "factor": printed["factor"] / 2}),
        Variant("1 - sum_k p_k (power 1)", "dependence", {**printed, "p_power": 1}, param="p"),
        Variant("||x~||_1 (power 1)", "dependence", {**printed, "x_power": printed["x_power"] / 2}, param="x"),
        Variant("sum instead of mean over the samples", "dependence", {**printed, "n_power": 0}, param="n"),
        Variant("ell_2 norm of x~", "other", {**printed, "x_norm": 2}),
    ]


def _pr(pr, key, default):
    return pr.get(key, default)


def _formula_sym(pr, p, x):
    import sympy as sp

    q = 1 - sum(pk ** pr["p_power"] for pk in p)
    xn = sum(sp.Abs(xa) ** pr["x_norm"] for xa in x) ** (sp.Integer(1) / pr["x_norm"])
    return pr["factor"] * q * xn ** pr["x_power"]


def _formula_num(pr, P, X):
    """The printed formula evaluated numerically (torch tensors P: n x c, X: n x D)."""
    q = 1.0 - (P ** pr["p_power"]).sum(dim=1)
    xn = X.abs().pow(pr["x_norm"]).sum(dim=1).pow(1.0 / pr["x_norm"])
    return float(pr["factor"] * (q * xn ** pr["x_power"]).sum() / X.shape[0] ** _pr(pr, "n_power", 1))


def _l11_general(pr) -> Result:
    """A proof for every c, D and n, by a structural argument whose algebra SymPy checks:

    1. (SymPy, any c) the per-sample Hessian is ``A (x) x x^T`` with ``A = diag(p) - p p^T``: the loss
       depends on ``w_k`` through ``z_k = w_k . x`` only, so ``d^2 l / dw_ka dw_jb = (d^2 l/dz_k dz_j) x_a x_b``,
       and with ``R`` the sum of the other exponentials (any number of classes),
       ``d^2/dz_k^2 log(e^{z_k} + R) = p_k (1 - p_k)``, ``d^2/dz_k dz_j log(e^{z_k} + e^{z_j} + R) = -p_k p_j``;
    2. (SymPy) signs: ``A_kk >= 0``, ``A_kj <= 0`` (``k != j``); with one-signed coordinates ``x_ia = s_a |x_ia|``,
       every term of ``sum_i A_i[kj] x_ia x_ib`` has the sign of ``A[kj] s_a s_b``, so its absolute value is the
       sum of the terms' absolute values;
    3. (SymPy, symbolic c) ``sum_k A_kk - sum_(k != j) A_kj = sum_k p_k (1 - p_k) + sum_(k != j) p_k p_j
       = (S1 - P2) + (S1^2 - P2)`` (linearity; ``sum_(k != j) = sum_k sum_j - diagonal``), ``S1 = 1``: ``2 (1 - P2)``;
       and ``sum_ab |x_a||x_b| = ||x||_1^2`` (distributivity);
    4. ``||H||_{1,1} = (1/n) sum_i 2 (1 - ||p_i||^2) ||x~_i||_1^2``, compared with the printed formula: exactly
       (SymPy) when its powers match, else at an explicit realisable instance (a counterexample).
    """
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    steps = {}
    zk, zj = sp.symbols("z_k z_j", real=True)
    Rp = sp.Symbol("R", positive=True)
    S = sp.exp(zk) + Rp
    pk = sp.exp(zk) / S
    steps["d2/dz_k^2 = p_k(1 - p_k)"] = prove_zero(sp.diff(sp.log(S), zk, 2) - pk * (1 - pk)).proved
    S2 = sp.exp(zk) + sp.exp(zj) + Rp
    steps["d2/dz_k dz_j = -p_k p_j"] = prove_zero(sp.diff(sp.log(S2), zk, zj) + sp.exp(zk) * sp.exp(zj) / S2**2).proved
    pks, qks = sp.Symbol("p", positive=True), sp.Symbol("q", positive=True)  # q = 1 - p > 0
    steps["A_kk >= 0"] = bool((pks * qks).is_nonnegative)
    steps["A_kj <= 0"] = bool((-pks * sp.Symbol("p_j", positive=True)).is_nonpositive)
    U = sp.Symbol("U", nonnegative=True)
    steps["|sum of same-sign terms| = sum of |terms|"] = all(sp.simplify(sp.Abs(sv * U) - U) == 0 for sv in (1, -1))
    c = sp.Symbol("c", integer=True, positive=True)
    k, j = sp.symbols("k j", integer=True)
    pI = sp.IndexedBase("p")
    S1, P2 = sp.Sum(pI[k], (k, 1, c)), sp.Sum(pI[k] ** 2, (k, 1, c))
    steps["sum_k p_k(1 - p_k) = S1 - P2"] = sp.simplify(sp.Sum(pI[k] * (1 - pI[k]), (k, 1, c)).expand() - (S1 - P2)) == 0
    diag = sp.Sum(sp.Sum(pI[k] * pI[j] * sp.KroneckerDelta(k, j), (j, 1, c)), (k, 1, c)).doit()
    diag = diag.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[0][0])  # k <= c inside the sum
    steps["sum_k sum_j p_k p_j delta_kj = P2"] = sp.simplify(diag - P2.rewrite(sp.Sum)) == 0 or \
        sp.simplify(diag.doit() - P2.doit()) == 0
    s1, p2, x1, n = sp.Symbol("S1", positive=True), sp.Symbol("P2", positive=True), sp.Symbol("X1", positive=True), \
        sp.Symbol("n", positive=True, integer=True)
    per_sample = sp.expand(((s1 - p2) + (s1**2 - p2)).subs(s1, 1))
    steps["per-sample sum |A_kj| = 2(1 - P2)"] = sp.simplify(per_sample - 2 * (1 - p2)) == 0
    truth = 2 * (1 - p2) * x1**2 / n
    ok_steps = all(steps.values())
    factor, q, r, sx, npow = (sp.nsimplify(pr["factor"]), sp.nsimplify(pr["p_power"]), sp.nsimplify(pr["x_norm"]),
                              sp.nsimplify(pr["x_power"]), sp.nsimplify(_pr(pr, "n_power", 1)))
    ev = {"steps": steps, "derived": "||H||_{1,1} = (2/n) sum_i (1 - ||p_i||_2^2) ||x~_i||_1^2",
          "printed": f"({factor}/n^{npow}) sum_i (1 - sum_k p_ik^{q}) ||x~_i||_{r}^{sx}"}
    if not ok_steps:
        return Result(Verdict.INCONCLUSIVE, "SymPy did not confirm every step of the general argument", "symbolic", ev)
    if q == 2 and r == 1:
        claimed = factor * (1 - p2) * x1**sx / n**npow
        proof = prove_zero(truth - claimed, points=[{p2: sp.Rational(1, 2), x1: sp.Rational(3, 2), n: 2}])
        ev["comparison"] = proof.as_evidence()
        if proof.proved:
            return Result(Verdict.HOLDS, "proved for every c, D and n (structural argument, SymPy-checked steps)", "symbolic",
                          ev, strength="proved")
        if proof.refuted:
            return Result(Verdict.CORRECTED, "the printed formula differs from the derived (2/n) sum (1 - ||p||^2) ||x~||_1^2",
                          "symbolic", ev, correction=_l11_true(pr), strength="proved")
        return Result(Verdict.INCONCLUSIVE, "SymPy could not compare the printed formula", "symbolic", ev)
    # different powers: compare at a realisable instance (c = 2, p = (3/4, 1/4); one sample x~ = (1, 1/2))
    pv, xv = [sp.Rational(3, 4), sp.Rational(1, 4)], [sp.Integer(1), sp.Rational(1, 2)]
    t_val = 2 * (1 - sum(v**2 for v in pv)) * sum(xv) ** 2
    c_val = factor * (1 - sum(v**q for v in pv)) * sum(abs(v) ** r for v in xv) ** (sx / r)
    ev["instance"] = {"p": [str(v) for v in pv], "x~": [str(v) for v in xv], "n": 1, "derived": str(t_val),
                      "printed": str(sp.nsimplify(c_val))}
    if sp.simplify(t_val - c_val) != 0:
        ev["counterexample"] = ev["instance"]
        return Result(Verdict.CORRECTED, f"the printed formula gives {sp.nsimplify(c_val)} at c = 2, p = (3/4, 1/4), "
                      f"x~ = (1, 1/2), where ||H||_11 = {t_val}", "symbolic", ev, correction=_l11_true(pr), strength="proved")
    return Result(Verdict.INCONCLUSIVE, "the printed formula agrees at the test instance but has other powers", "symbolic", ev)


def _l11_symbolic(pr) -> Result:
    """(a) SymPy derives the per-sample Hessian = A (x) x x^T; (b) per-sample sum of |A_kj|;
    (c) the whole (1,1)-norm at c = 3, D = 2, n = 2 with positive inputs."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    ev = {}
    # (a) Hessian structure from the loss, c = 3, D = 2
    c, D = 3, 2
    Wm = sp.Matrix(c, D, lambda k, a: sp.Symbol(f"w{k}{a}", real=True))
    x = sp.symbols("x0:2", real=True)
    z = [sum(Wm[k, a] * x[a] for a in range(D)) for k in range(c)]
    lossf = sp.log(sum(sp.exp(zk) for zk in z)) - z[0]
    flat = list(Wm)
    Hs = sp.hessian(lossf, flat)
    S = sum(sp.exp(zk) for zk in z)
    p = [sp.exp(zk) / S for zk in z]
    worst = "proved"
    for k in range(c):
        for a in range(D):
            for j in range(c):
                for b in range(D):
                    target = p[k] * ((1 if k == j else 0) - p[j]) * x[a] * x[b]
                    r = prove_zero(Hs[k * D + a, j * D + b] - target, samples=2)
                    if not r.proved:
                        worst = r.status
    ev["hessian_structure"] = {"sizes": {"c": c, "D": D}, "status": worst,
                               "statement": "d^2 l / dw_ka dw_jb = p_k (1[k=j] - p_j) x_a x_b"}
    # (b) sum_kj |A_kj| = factor * (1 - sum p^p_power) for c = 2..5; p_k = u_k / sum u (u > 0)
    per = {}
    for cc in range(2, 6):
        u = sp.symbols(f"u1:{cc + 1}", positive=True)
        Su = sum(u)
        pp = [ui / Su for ui in u]
        A = [[sp.factor((pp[k] if k == j else 0) - pp[k] * pp[j]) for j in range(cc)] for k in range(cc)]
        tot = sum(sp.Abs(A[k][j]) for k in range(cc) for j in range(cc))
        r = prove_zero(tot - pr["factor"] * (1 - sum(pk ** pr["p_power"] for pk in pp)))
        per[cc] = r
    ev["per_sample"] = {cc: r.as_evidence() for cc, r in per.items()}
    # (c) whole formula, c = 3, D = 2, n = 2, positive inputs (one-signed)
    n = 2
    us = [sp.symbols(f"u{i}_1:4", positive=True) for i in range(n)]
    xs = [sp.symbols(f"x{i}_0:2", positive=True) for i in range(n)]
    total = 0
    for k in range(c):
        for j in range(c):
            for a in range(D):
                for b in range(D):
                    e = 0
                    for i in range(n):
                        Si = sum(us[i])
                        Akj = sp.factor((us[i][k] / Si if k == j else 0) - us[i][k] * us[i][j] / Si**2)
                        e += Akj * xs[i][a] * xs[i][b]
                    total += sp.Abs(e / n)
    claimed = sum(_formula_sym(pr, [uk / sum(us[i]) for uk in us[i]], xs[i]) for i in range(n)) / n ** _pr(pr, "n_power", 1)
    whole = prove_zero(total - claimed)
    ev["whole_c3_D2_n2"] = whole.as_evidence()
    statuses = [worst, whole.status] + [r.status for r in per.values()]
    if all(s == "proved" for s in statuses):
        return Result(Verdict.HOLDS, "Hessian structure, per-sample |A| sum and the whole formula (c=3, D=2, n=2) proved",
                      "symbolic", ev)
    if any(s == "refuted" for s in statuses):
        return Result(Verdict.CORRECTED, "the printed formula differs from sum |H_ij| (symbolic counterexample)",
                      "symbolic", ev, correction=_l11_true(pr))
    return Result(Verdict.INCONCLUSIVE, "SymPy could not decide every identity", "symbolic", ev)


def _l11_true(pr) -> str:
    """The derived formula, and what the printed one says instead (built from ``pr``)."""
    return ("||H||_{1,1} = (2/n) sum_i (1 - ||p_i||^2) ||x~_i||_1^2 when every coordinate of x~ has one sign over "
            "the data (e.g. inputs in [0,1]^d plus the bias); in general this is an upper bound; not "
            f"({pr['factor']}/n^{_pr(pr, 'n_power', 1)}) sum_i (1 - sum_k p_ik^{pr['p_power']}) ||x~_i||_{pr['x_norm']}^{pr['x_power']}")


def _l11_numeric(pr, sizes) -> Result:
    import torch

    from theorycheck.models import smoothness as sm

    rows, worst_eq, worst_exact = [], 0.0, 0.0
    strict_upper = True
    for (n, d, c, bias, seed) in sizes:
        rng = np.random.default_rng(seed)
        X = rng.random((n, d))
        y = rng.integers(0, c, n)
        pb = sm.problem(X, y, c, bias=bias, device="cpu")
        g = torch.Generator().manual_seed(seed)
        Wt = 2.0 * torch.randn(c, pb.D, generator=g, dtype=torch.float64)
        dense = sm.l11_dense(sm.hessian(pb, Wt))
        claimed = _formula_num(pr, sm.probabilities(pb, Wt), pb.Xa)
        rel = abs(claimed - dense) / dense
        worst_eq = max(worst_eq, rel)
        # mixed-sign inputs: the formula is an upper bound and l11_exact is exact
        pbm = sm.problem(X - 0.5, y, c, bias=bias, device="cpu")
        dm = sm.l11_dense(sm.hessian(pbm, Wt))
        ex = sm.l11_exact(pbm, Wt)
        worst_exact = max(worst_exact, abs(ex["value"] - dm) / dm)
        strict_upper &= ex["upper"] >= dm * (1 - tol.L11_REL)
        rows.append({"n": n, "d": d, "c": c, "bias": bias, "dense": dense, "claimed": claimed, "rel_diff": rel,
                     "mixed_dense": dm, "mixed_exact_by_pairs": ex["value"], "mixed_upper": ex["upper"]})
    ev = {"tolerance_rel": tol.L11_REL, "cases": rows, "max_rel_diff_one_signed": worst_eq,
          "max_rel_diff_exact_by_pairs_mixed": worst_exact, "upper_bound_holds_mixed": bool(strict_upper)}
    if worst_eq <= tol.L11_REL and worst_exact <= tol.L11_REL and strict_upper:
        return Result(Verdict.HOLDS, f"closed form = dense sum |H_ij| (max rel diff {worst_eq:.1e}); upper bound "
                      f"for mixed-sign inputs", "numeric", ev)
    if worst_eq > tol.L11_REL:
        return Result(Verdict.CORRECTED, f"printed formula differs from the dense sum |H_ij| by up to {worst_eq:.3g} "
                      "(relative)", "numeric", ev, correction=_l11_true(pr))
    return Result(Verdict.INCONCLUSIVE, "pairwise exact routine or upper bound disagrees with the dense Hessian",
                  "numeric", ev)


@claim(
    "EXT.smoothness.l11_closed_form",
    provenance="derived", source=cite("EXT", "ell_inf smoothness of the softmax linear model"),
    statement=("For the softmax linear model with bias-augmented inputs x~_i whose coordinates each have one sign "
               "over the data: ||H||_{1,1} = sum_ij |H_ij| = (2/n) sum_i (1 - ||p_i||_2^2) ||x~_i||_1^2 "
               "(O(n(c+D)) instead of forming the c D x c D Hessian); an upper bound for general inputs."),
    printed=printed_l11, parameters=("p", "x", "n"), variants=variants_l11,
)
@with_cpu_threads
def check_l11(pr, profile):
    cases = [(7, 3, 4, True, 0), (9, 2, 3, False, 1), (12, 5, 6, True, 2)]
    if profile == "full":
        cases += [(40, 12, 15, True, 3), (100, 20, 30, True, 4)]
    return combine({"general": _l11_general(pr), "symbolic_c3_D2_n2": _l11_symbolic(pr), "numeric": _l11_numeric(pr, cases)},
                   cross_checks=["symbolic_c3_D2_n2", "numeric"],
                   holds=("proved for every c, D, n (structural argument with SymPy-checked steps); cross-checks: the whole "
                          "formula at c = 3, D = 2, n = 2 in SymPy, and the dense Hessian at random points"))


# ======================================================================================
# EXT.smoothness.cauchy
# ======================================================================================
def printed_cauchy():
    """Each coordinate of ``Hv`` (``v`` iid standard Cauchy) is Cauchy with scale ``row_l1``
    (= ``||H_r||_1``); the relative RMS error of ``sum_r median_t |(H v_t)_r|`` is at most
    ``const * T^exponent`` asymptotically."""
    import sympy as sp

    return {"scale": "row_l1", "exponent": sp.Rational(-1, 2), "const": sp.pi / 2}


def variants_cauchy(printed):
    """Wrong scale laws (another norm; a dependence on the dimension P), a wrong rate in T, a constant 4x too small."""
    import sympy as sp

    e = sp.sympify(printed["exponent"])
    return [
        Variant("scale = the row's ell_2 norm", "other", {**printed, "scale": "row_l2"}),
        Variant("scale = row ell_1 / P", "dependence", {**printed, "scale": "row_l1_over_P"}, param="P"),
        Variant("relative RMS error ~ T^-1", "dependence", {**printed, "exponent": 2 * e}, param="T"),
        Variant("relative RMS error ~ T^-1/4", "exponent", {**printed, "exponent": e / 2}),
        Variant("constant pi/8", "constant", {**printed, "const": sp.sympify(printed["const"]) / 4}),
    ]


_SCALES = ("row_l1", "row_l2", "row_l1_over_P", "row_linf")


def _small_model(seed=0, n=30, d=9, c=6, w_scale=1.0):
    import torch

    from theorycheck.models import smoothness as sm

    rng = np.random.default_rng(seed)
    X = rng.random((n, d))
    y = rng.integers(0, c, n)
    pb = sm.problem(X, y, c, bias=True, device="cpu")
    g = torch.Generator().manual_seed(seed)
    Wt = w_scale * torch.randn(c, pb.D, generator=g, dtype=torch.float64)
    return pb, Wt


@functools.lru_cache(maxsize=None)
def _cauchy_samples(draws: int):
    """``(H v)_r`` for ``draws`` standard Cauchy ``v`` on the rows of largest ell_1 norm of two model
    Hessians of different dimension P, with the rows' norms (deterministic: fixed generators)."""
    import torch

    from theorycheck.models import smoothness as sm

    out = []
    for seed, (n, d, c) in ((0, (30, 9, 6)), (2, (20, 4, 3))):
        pb, Wt = _small_model(seed=seed, n=n, d=d, c=c)
        H = sm.hessian(pb, Wt)
        g = torch.Generator().manual_seed(7 + seed)
        V = torch.tan(math.pi * (torch.rand(draws, pb.P, generator=g, dtype=torch.float64) - 0.5))
        HV = V @ H
        l1 = H.abs().sum(dim=1)
        scales = {"row_l1": l1, "row_l2": H.norm(dim=1), "row_l1_over_P": l1 / pb.P, "row_linf": H.abs().max(dim=1).values}
        rows = torch.argsort(l1, descending=True)[:3].tolist()
        out.append({"P": pb.P, "rows": rows, "HV": {r: HV[:, r].numpy() for r in rows},
                    "scales": {k: {r: float(v[r]) for r in rows} for k, v in scales.items()}})
    return out


def _cauchy_distribution(scale: str, draws: int) -> Result:
    from scipy import stats

    if scale not in _SCALES:
        raise ValueError(f"printed: unknown scale law {scale!r}; known {_SCALES}")
    models = _cauchy_samples(draws)
    pvals = {}
    for mdl in models:
        for r in mdl["rows"]:
            pvals[f"P{mdl['P']}_row{r}"] = float(stats.kstest(mdl["HV"][r] / mdl["scales"][scale][r], "cauchy").pvalue)
    alpha = tol.CAUCHY_KS_ALPHA / len(pvals)  # Bonferroni over the rows
    ev = {"scale_law": scale, "draws": draws, "ks_pvalues": pvals, "alpha_per_row": alpha, "P": [m["P"] for m in models]}
    if min(pvals.values()) >= alpha:
        return Result(Verdict.HOLDS, f"(Hv)_r / {scale} is standard Cauchy at P = {ev['P']} (KS p-values >= "
                      f"{min(pvals.values()):.3g})", "numeric", ev)
    return Result(Verdict.CORRECTED, f"(Hv)_r / {scale} is not standard Cauchy (KS p = {min(pvals.values()):.2g})",
                  "numeric", ev, correction=f"(Hv)_r is Cauchy with scale sum_j |H_rj| (1-stability of the Cauchy law), not {scale}")


def _dense_cauchy(H, T: int, seed: int) -> float:
    """:func:`theorycheck.models.smoothness.cauchy_l11` with ``batch = T`` on a dense Hessian: the same
    generator draws, so the same estimate (up to the order of floating-point sums)."""
    import torch

    g = torch.Generator(device="cpu").manual_seed(seed)
    u = torch.rand(T, H.shape[0], generator=g, dtype=torch.float64)
    A = (torch.tan(math.pi * (u - 0.5)) @ H).abs()
    S, _ = torch.sort(A, dim=0)
    med = S[T // 2] if T % 2 else 0.5 * (S[T // 2 - 1] + S[T // 2])
    return float(med.sum())


@functools.lru_cache(maxsize=None)
def _cauchy_errors(probes: tuple, reps: int, model: tuple) -> dict:
    """Relative errors of the Cauchy estimator (:func:`theorycheck.models.smoothness.cauchy_l11`, seeds
    ``1000 T + r``) over ``reps`` seeds at each number of probes, on one small model, computed on the dense
    Hessian with the same draws; one call of ``cauchy_l11`` itself is compared (deterministic; keyed by
    everything it depends on)."""
    from theorycheck.models import smoothness as sm

    seed, n, d, c = model
    pb, Wt = _small_model(seed=seed, n=n, d=d, c=c)
    H = sm.hessian(pb, Wt)
    H = (H + H.T) / 2
    exact = sm.l11_dense(H)
    errs = {T: np.array([(_dense_cauchy(H, T, 1000 * T + r) - exact) / exact for r in range(reps)]) for T in probes}
    T0 = probes[0]
    impl = sm.cauchy_l11(sm.hvp_fn(pb, Wt), pb.P, probes=T0, seed=1000 * T0, batch=T0)["estimate"]
    agree = abs(impl - (1 + errs[T0][0]) * exact) / exact
    return {"P": pb.P, "exact_l11": exact, "errs": errs, "implementation_vs_dense_rel": agree}


def _cauchy_worst_case(const: float, profile: str) -> dict:
    """Adversarial search (core.worstcase) over small models (classes, inputs, weight scale, sample) for the
    largest ``RMS relative error * sqrt(T) / const`` at ``T = 255`` probes (dense Hessian, common random
    numbers per instance): how close the printed constant comes to being exceeded."""
    import torch

    from theorycheck.core.rng import claim_seed
    from theorycheck.core.worstcase import worst_case
    from theorycheck.models import smoothness as sm

    T, reps = 255, 30

    def ratio(c, d, w_scale, data_seed):
        pb, Wt = _small_model(seed=int(data_seed), n=12, d=int(d), c=int(c), w_scale=w_scale)
        H = sm.hessian(pb, Wt)
        exact = float(H.abs().sum())
        H = (H + H.T) / 2
        g = torch.Generator().manual_seed(claim_seed("EXT.smoothness.cauchy", "worst", c, d) % (2**63))
        V = torch.tan(math.pi * (torch.rand(reps, T, pb.P, generator=g, dtype=torch.float64) - 0.5))
        est = (V @ H).abs().median(dim=1).values.sum(dim=1)
        rel = (est.numpy() - exact) / exact
        return float(np.sqrt(np.mean(rel**2)) * math.sqrt(T) / const)

    wc = worst_case(ratio, continuous={"w_scale": (0.0, 6.0)},
                    discrete={"c": (2, 5), "d": (1, 6), "data_seed": (0, 1) if profile == "quick" else (0, 1, 2, 3)},
                    seed=claim_seed("EXT.smoothness.cauchy", "search") % (2**32), samples=4, restarts=1,
                    max_evals=8 if profile == "quick" else 40, stop_above=1 + 2 * tol.CAUCHY_CONST_REL)
    return wc.as_evidence() | {"probes": T, "reps": reps, "ratio": wc.ratio}


def _cauchy_rate(exponent, const, probes, reps, profile="quick") -> Result:
    import sympy as sp

    e, k = float(sp.sympify(exponent)), float(sp.sympify(const))
    models = ((1, 30, 9, 6), (3, 20, 4, 3))  # two dimensions P: the constant must not depend on P
    per_model, bad = {}, []
    for mdl in models:
        R = _cauchy_errors(tuple(probes), reps, mdl)
        rms = [float(np.sqrt(np.mean(R["errs"][T] ** 2))) for T in probes]
        fit = fit_power(probes, rms)
        cmp = compare_exponent(fit, e, tol.SMOOTH_CAUCHY_SLOPE_ABS)
        scaled = [r * math.sqrt(T) for r, T in zip(rms, probes)]
        if R["implementation_vs_dense_rel"] > tol.L11_REL:
            bad.append(f"P={R['P']}: models.smoothness.cauchy_l11 differs from the dense computation by "
                       f"{R['implementation_vs_dense_rel']:.1e} (undecided)")
        per_model[f"P={R['P']}"] = {"exact_l11": R["exact_l11"], "rel_rms": rms, "rms_vs_T": fit.as_evidence(),
                                    "implementation_vs_dense_rel": R["implementation_vs_dense_rel"],
                                    "compare_exponent": cmp, "rms_times_sqrtT": scaled,
                                    "rel_bias": [float(R["errs"][T].mean()) for T in probes]}
        if cmp == "differs":
            bad.append(f"P={R['P']}: RMS ~ T^{fit.exponent:.3f} [{fit.exponent_ci[0]:.3f}, {fit.exponent_ci[1]:.3f}], "
                       f"not T^{e:g}")
        elif cmp == "undecided":
            bad.append(f"P={R['P']}: exponent undecided ({fit.exponent_ci})")
        if scaled[-1] > k * (1 + tol.CAUCHY_CONST_REL):
            bad.append(f"P={R['P']}: RMS*sqrt(T) = {scaled[-1]:.3f} exceeds the claimed constant {k:.3f}")
    wc = _cauchy_worst_case(k, profile)
    ev = {"probes": list(probes), "reps": reps, "models": per_model, "claimed_exponent": str(exponent),
          "claimed_const": str(const), "slope_tolerance_abs": tol.SMOOTH_CAUCHY_SLOPE_ABS,
          "const_tolerance_rel": tol.CAUCHY_CONST_REL, "worst_case": wc}
    if wc["ratio"] > 1 + tol.CAUCHY_CONST_REL:
        bad.append(f"worst case RMS*sqrt(T) = {wc['ratio'] * k:.3f} > {k:.3f} at {wc['instance']}")
    if not bad:
        txt = "; ".join(f"{m}: RMS ~ T^{v['rms_vs_T']['exponent']:.2f} [{v['rms_vs_T']['exponent_ci'][0]:.2f}, "
                        f"{v['rms_vs_T']['exponent_ci'][1]:.2f}], RMS*sqrt(T) = {v['rms_times_sqrtT'][-1]:.2f}"
                        for m, v in per_model.items())
        return Result(Verdict.HOLDS, f"{txt} <= {k:.3f}; worst case over small models RMS*sqrt(T)/const = "
                      f"{wc['ratio']:.2f} (tightness)", "numeric", ev)
    undecided = all("undecided" in b for b in bad)
    if undecided:
        return Result(Verdict.INCONCLUSIVE, "; ".join(bad), "numeric", ev)
    meas = "; ".join(f"{m}: T^{v['rms_vs_T']['exponent']:.2f}, RMS*sqrt(T) ~ {v['rms_times_sqrtT'][-1]:.2f}"
                     for m, v in per_model.items())
    return Result(Verdict.CORRECTED, "; ".join(bad), "numeric", ev,
                  correction=f"relative RMS error decays like T^-1/2 ({meas}; worst case {wc['ratio'] * k:.2f}), <= pi/2 "
                             f"asymptotically per row; not {sp.sympify(const)} T^({sp.sympify(exponent)})")


@claim(
    "EXT.smoothness.cauchy",
    provenance="derived", source=cite("EXT", "the Cauchy sketch of ||H||_{1,1} (X24's estimator idea)"),
    statement=("For iid standard Cauchy v, each coordinate (Hv)_r is Cauchy with scale ||H_r||_1; the estimator "
               "sum_r median_{t<=T} |(H v_t)_r| of ||H||_{1,1} has relative RMS error <= (pi/2) T^(-1/2) "
               "asymptotically."),
    printed=printed_cauchy, parameters=("T", "P"), variants=variants_cauchy,
)
@with_cpu_threads
def check_cauchy(pr, profile):
    quick = profile == "quick"
    probes = (16, 32, 64, 128, 256) if quick else (16, 64, 256, 1024, 4096)
    return combine({
        "distribution": _cauchy_distribution(pr["scale"], draws=2000 if quick else 20000),
        "rate": _cauchy_rate(pr["exponent"], pr["const"], probes, reps=60 if quick else 200, profile=profile),
    })


# ======================================================================================
# EXT.smoothness.norm_relations
# ======================================================================================
