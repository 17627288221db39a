"""EXT.smoothness.l11_closed_form and EXT.smoothness.cauchy (see :mod:`.smoothness` for the
family):

* ``l11_closed_form``: ``||H||_{1,1} = (2/n) sum_i (1 - ||p_i||^2) ||x~_i||_1^2`` whenever every
  coordinate of the (bias-augmented) inputs has one sign over the data; an upper bound otherwise.
* ``cauchy``: each coordinate of ``Hv`` (``v`` iid standard Cauchy) is Cauchy with scale = that
  row's ell_1 norm; the median estimator's relative RMS error decays like ``T^{-1/2}``.
"""

from __future__ import annotations

import math

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.core.registry import claim
from theorycheck.core.result import Result, Verdict, combine


def printed_l11():
    """``||H||_{1,1} = (factor/n) sum_i (1 - sum_k p_ik^p_power) ||x~_i||_{x_norm}^{x_power}``,
    exact for one-signed input coordinates."""
    return {"factor": 2, "p_power": 2, "x_norm": 1, "x_power": 2}


def _formula_sym(pr, p, x):
    import sympy as sp

    q = 1 - sum(pk ** pr["p_power"] for pk in p)
    xn = sum(sp.Abs(xa) ** pr["x_norm"] for xa in x) ** (sp.Integer(1) / pr["x_norm"])
    return pr["factor"] * q * xn ** pr["x_power"]


def _formula_num(pr, P, X):
    """The printed formula evaluated numerically (torch tensors P: n x c, X: n x D)."""
    q = 1.0 - (P ** pr["p_power"]).sum(dim=1)
    xn = X.abs().pow(pr["x_norm"]).sum(dim=1).pow(1.0 / pr["x_norm"])
    return float(pr["factor"] * (q * xn ** pr["x_power"]).sum() / X.shape[0])


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
    claimed = sum(_formula_sym(pr, [uk / sum(us[i]) for uk in us[i]], xs[i]) for i in range(n)) / n
    whole = prove_zero(total - claimed)
    ev["whole_c3_D2_n2"] = whole.as_evidence()
    statuses = [worst, whole.status] + [r.status for r in per.values()]
    if all(s == "proved" for s in statuses):
        return Result(Verdict.HOLDS, "Hessian structure, per-sample |A| sum and the whole formula (c=3, D=2, n=2) proved",
                      "symbolic", ev)
    if any(s == "refuted" for s in statuses):
        return Result(Verdict.CORRECTED, "the printed formula differs from sum |H_ij| (symbolic counterexample)",
                      "symbolic", ev, correction=_L11_TRUE)
    return Result(Verdict.INCONCLUSIVE, "SymPy could not decide every identity", "symbolic", ev)


_L11_TRUE = ("||H||_{1,1} = (2/n) sum_i (1 - ||p_i||^2) ||x~_i||_1^2 when every coordinate of x~ has one sign over "
             "the data (e.g. inputs in [0,1]^d plus the bias); in general this is an upper bound")


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
                      "(relative)", "numeric", ev, correction=_L11_TRUE)
    return Result(Verdict.INCONCLUSIVE, "pairwise exact routine or upper bound disagrees with the dense Hessian",
                  "numeric", ev)


@claim(
    "EXT.smoothness.l11_closed_form",
    provenance="derived", source="derived here (SPEC: beyond the papers; NUMERICS.md smoothness)",
    statement=("For the softmax linear model with bias-augmented inputs x~_i whose coordinates each have one sign "
               "over the data: ||H||_{1,1} = sum_ij |H_ij| = (2/n) sum_i (1 - ||p_i||_2^2) ||x~_i||_1^2 "
               "(O(n(c+D)) instead of forming the c D x c D Hessian); an upper bound for general inputs."),
    printed=printed_l11,
)
def check_l11(pr, profile):
    sizes = [(7, 3, 4, True, 0), (9, 2, 3, False, 1), (12, 5, 6, True, 2)]
    if profile == "full":
        sizes += [(40, 12, 15, True, 3), (100, 20, 30, True, 4)]
    return combine({"symbolic": _l11_symbolic(pr), "numeric": _l11_numeric(pr, sizes)})


# ======================================================================================
# EXT.smoothness.cauchy
# ======================================================================================
def printed_cauchy():
    """Each coordinate of ``Hv`` (``v`` iid standard Cauchy) is Cauchy with scale ``row_l1``
    (= ``||H_r||_1``); the relative RMS error of ``sum_r median_t |(H v_t)_r|`` is at most
    ``const * T^exponent`` asymptotically."""
    import sympy as sp

    return {"scale": "row_l1", "exponent": sp.Rational(-1, 2), "const": sp.pi / 2}


_SCALES = ("row_l1", "row_l2", "row_l1_over_P", "row_linf")


def _small_model(seed=0, n=30, d=9, c=6):
    import torch

    from theorycheck.models import smoothness as sm

    rng = np.random.default_rng(seed)
    X = rng.random((n, d))
    y = rng.integers(0, c, n)
    pb = sm.problem(X, y, c, bias=True, device="cpu")
    g = torch.Generator().manual_seed(seed)
    Wt = torch.randn(c, pb.D, generator=g, dtype=torch.float64)
    return pb, Wt


def _cauchy_distribution(scale: str, draws: int) -> Result:
    import torch
    from scipy import stats

    from theorycheck.models import smoothness as sm

    if scale not in _SCALES:
        return Result(Verdict.INCONCLUSIVE, f"unknown scale law {scale!r}", "numeric", {"known": list(_SCALES)})
    pb, Wt = _small_model()
    H = sm.hessian(pb, Wt)
    g = torch.Generator().manual_seed(7)
    V = torch.tan(math.pi * (torch.rand(draws, pb.P, generator=g, dtype=torch.float64) - 0.5))
    HV = V @ H
    l1 = H.abs().sum(dim=1)
    sc = {"row_l1": l1, "row_l2": H.norm(dim=1), "row_l1_over_P": l1 / pb.P, "row_linf": H.abs().max(dim=1).values}[scale]
    rows = torch.argsort(l1, descending=True)[:3].tolist()  # three rows, each tested separately
    pvals = {}
    for r in rows:
        z = (HV[:, r] / sc[r]).numpy()
        pvals[r] = float(stats.kstest(z, "cauchy").pvalue)
    alpha = tol.CAUCHY_KS_ALPHA / len(rows)  # Bonferroni over the rows
    ev = {"scale_law": scale, "draws": draws, "rows": rows, "ks_pvalues": pvals, "alpha_per_row": alpha,
          "P": pb.P}
    if min(pvals.values()) >= alpha:
        return Result(Verdict.HOLDS, f"(Hv)_r / {scale} is standard Cauchy (KS p-values >= {min(pvals.values()):.3g})",
                      "numeric", ev)
    return Result(Verdict.CORRECTED, f"(Hv)_r / {scale} is not standard Cauchy (KS p = {min(pvals.values()):.2g})",
                  "numeric", ev, correction="(Hv)_r is Cauchy with scale sum_j |H_rj| (1-stability of the Cauchy law)")


def _cauchy_rate(exponent, const, probes, reps) -> Result:

    from theorycheck.models import smoothness as sm

    pb, Wt = _small_model(seed=1)
    exact = sm.l11_dense(sm.hessian(pb, Wt))
    hv = sm.hvp_fn(pb, Wt)
    rms, bias, sd = [], [], []
    for T in probes:
        errs = np.array([(sm.cauchy_l11(hv, pb.P, probes=T, seed=1000 * T + r, batch=T)["estimate"] - exact) / exact
                         for r in range(reps)])
        rms.append(float(np.sqrt(np.mean(errs**2))))
        bias.append(float(errs.mean()))
        sd.append(float(errs.std(ddof=1)))
    slope = float(np.polyfit(np.log(probes), np.log(rms), 1)[0])
    scaled = [r * math.sqrt(T) for r, T in zip(rms, probes)]
    e, k = float(exponent), float(const)
    ev = {"exact_l11": exact, "probes": list(probes), "reps": reps, "rel_rms": rms, "rel_bias": bias, "rel_sd": sd,
          "rms_times_sqrtT": scaled, "fitted_exponent": slope, "claimed_exponent": str(exponent),
          "claimed_const": str(const), "slope_tolerance_abs": tol.SMOOTH_CAUCHY_SLOPE_ABS,
          "const_tolerance_rel": tol.CAUCHY_CONST_REL}
    bad = []
    if abs(slope - e) > tol.SMOOTH_CAUCHY_SLOPE_ABS:
        bad.append(f"fitted exponent {slope:.3f} vs claimed {e:.3f}")
    if scaled[-1] > k * (1 + tol.CAUCHY_CONST_REL):
        bad.append(f"RMS*sqrt(T) = {scaled[-1]:.3f} exceeds the claimed constant {k:.3f}")
    if not bad:
        return Result(Verdict.HOLDS, f"relative RMS error ~ T^{slope:.2f}, RMS*sqrt(T) = {scaled[-1]:.2f} <= {k:.3f}",
                      "numeric", ev)
    return Result(Verdict.CORRECTED, "; ".join(bad), "numeric", ev,
                  correction=f"relative RMS error decays like T^-1/2 with RMS*sqrt(T) ~ {scaled[-1]:.2f} (<= pi/2 "
                             f"asymptotically per row)")


@claim(
    "EXT.smoothness.cauchy",
    provenance="derived", source="derived here (X24 estimator idea; NUMERICS.md smoothness)",
    statement=("For iid standard Cauchy v, each coordinate (Hv)_r is Cauchy with scale ||H_r||_1; the estimator "
               "sum_r median_{t<=T} |(H v_t)_r| of ||H||_{1,1} has relative RMS error <= (pi/2) T^(-1/2) "
               "asymptotically."),
    printed=printed_cauchy,
)
def check_cauchy(pr, profile):
    quick = profile == "quick"
    probes = (16, 32, 64, 128, 256) if quick else (16, 64, 256, 1024, 4096)
    return combine({
        "distribution": _cauchy_distribution(pr["scale"], draws=2000 if quick else 20000),
        "rate": _cauchy_rate(pr["exponent"], pr["const"], probes, reps=60 if quick else 200),
    })


# ======================================================================================
# EXT.smoothness.norm_relations
# ======================================================================================
