"""X24.estimators and X24.blockwise:

* ``X24.estimators``: the authors' estimator of ``||H||_{1,1}/d`` (standard Cauchy probes scaled by
  ``1/d``, a robust scale of each coordinate of ``Hv`` over the probes, summed over the
  coordinates): the distribution of ``(Hv)_i`` (its scale in ``d``), the consistency and rate of
  the estimator in the number of probes, and Lanczos for ``lambda_max``.
* ``X24.blockwise``: blockwise Adam reduces to Adam (blocks of size 1) and to AdaSGD (one
  block), and its speed moves between the two with the block size.
"""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.claims.x24._common import (
    _horizons,
    _lr_grid,
    _profile,
    _spearman,
    fmt_interval,
    judge_word,
    src,
    where,
)
from theorycheck.core import tolerances as tol
from theorycheck.core.rates import compare_exponent, fit_power
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.rng import claim_rng
from theorycheck.models import quadratics as q

#: robust scale estimators of a centred Cauchy sample (each equals the scale s of Cauchy(0, s) in the
#: limit), and two that do not estimate it (the Cauchy law has no mean: wrong statements to reject)
SCALES = ("half_iqr", "median_abs", "mean_abs", "std")


def printed_estimators():
    """The X24 estimator as the authors' code implements it (SPEC): standard Cauchy probes scaled by
    ``probe_scale = 1/d``; each coordinate of ``H v`` is then Cauchy with scale ``scale_factor`` times
    the row's ell_1 norm; the sum over coordinates of a robust scale over the probes
    (``robust_scales``) estimates ``target * ||H||_{1,1}``; about ``probes`` probes; Lanczos for
    ``lambda_max``."""
    import sympy as sp

    d = sp.Symbol("d", positive=True, integer=True)
    return {"probe_scale": 1 / d, "scale_factor": 1 / d, "target": 1 / d, "robust_scales": ("half_iqr", "median_abs"),
            "probes": 50, "lambda_max_method": "lanczos"}


def variants_estimators(printed):
    """Wrong scales (constant, no ``1/d``, ``1/d^2``), a wrong target and an estimator with no limit."""
    import sympy as sp

    d = sp.Symbol("d", positive=True, integer=True)
    sf, tg = sp.sympify(printed["scale_factor"]), sp.sympify(printed["target"])
    return [
        Variant("coordinate scale twice the printed one", "constant", {**printed, "scale_factor": 2 * sf}),
        Variant("coordinate scale = the row's ell_1 norm (no 1/d)", "dependence", {**printed, "scale_factor": sf * d}, param="d"),
        Variant("coordinate scale = row ell_1 / d^2", "exponent", {**printed, "scale_factor": sf / d}),
        Variant("the sum estimates ||H||_11 (no 1/d)", "dependence", {**printed, "target": tg * d}, param="d"),
        Variant("mean of |Hv|_i as the robust scale", "other", {**printed, "robust_scales": ("mean_abs",)}),
    ]


def _robust_scale(name: str, Z: np.ndarray) -> np.ndarray:
    """Scale estimate of each row of ``Z`` (``(..., k)`` samples along the last axis).

    * ``half_iqr``: ``(Q3 - Q1)/2`` (the quartiles of Cauchy(0, s) are ``+-s``);
    * ``median_abs``: ``median |Z|`` (the median of ``|Cauchy(0, s)|`` is ``s``);
    * ``mean_abs``, ``std``: sample mean of ``|Z|`` / standard deviation (no limit for Cauchy data).
    """
    if name == "half_iqr":
        q1, q3 = np.quantile(Z, [0.25, 0.75], axis=-1)
        return (q3 - q1) / 2
    if name == "median_abs":
        return np.median(np.abs(Z), axis=-1)
    if name == "mean_abs":
        return np.mean(np.abs(Z), axis=-1)
    if name == "std":
        return np.std(Z, axis=-1, ddof=1)
    raise ValueError(f"printed: robust scale must be one of {SCALES}, got {name!r}")


def _test_hessians(rng, d):
    Qm = q.haar_rotation(d, rng)
    H1 = (Qm * q.power_spectrum(d, 1.0)[None, :]) @ Qm.T
    G = rng.standard_normal((d, d // 2))
    H2 = G @ G.T / d
    H3 = np.diag(rng.uniform(0.1, 2, d)) + 0.1 * np.ones((d, d))
    return {"rotated_power": (H1 + H1.T) / 2, "wishart": (H2 + H2.T) / 2, "diag_plus_ones": H3}


def _eval_d(expr, d: int) -> float:
    import sympy as sp

    e = sp.sympify(expr)
    return float(e.subs(sp.Symbol("d", positive=True, integer=True), d)) if e.free_symbols else float(e)


@functools.lru_cache(maxsize=None)
def _coordinate_samples(profile: str):
    """``(H v)_i / ||H_i||_1`` for standard Cauchy ``v`` (three rows of three test Hessians at each
    ``d``): the statement's probe scaling multiplies these by ``probe_scale(d)`` exactly."""
    n = _profile(profile, 20000, 200000)
    out = {}
    for d in _profile(profile, (8, 24, 64), (8, 16, 24, 48, 96)):
        rng = claim_rng("X24.estimators", "distribution", d, n)
        mats = _test_hessians(rng, d)
        for name, H in mats.items():
            r = np.abs(H).sum(axis=1)
            V = rng.standard_cauchy((d, n))
            HV = H @ V
            for i in (0, d // 2, d - 1):
                out[(d, name, i)] = HV[i] / r[i]
    return n, out


@functools.lru_cache(maxsize=None)
def _estimates(profile: str, scale: str):
    """``sum_i scale_i(H V) / ||H||_{1,1}`` with standard Cauchy probes ``V`` (``d = 24``, rotated power
    spectrum), over ``reps`` independent probe sets at each number of probes: the statement's
    estimate divided by its target is this times ``probe_scale(d) / target(d)`` (a robust scale is
    positively homogeneous)."""
    d = 24
    H = _test_hessians(claim_rng("X24.estimators", "matrix", d), d)["rotated_power"]
    norm11 = q.norm_11(H)
    reps = _profile(profile, 200, 1000)
    grid = _profile(profile, (50, 200, 800, 3200), (25, 50, 100, 200, 400, 800, 1600, 3200, 6400))
    out = {}
    for k in grid:
        rng = claim_rng("X24.estimators", "estimator", scale, d, k, reps)
        V = rng.standard_cauchy((reps, d, k))
        HV = np.einsum("ij,rjk->rik", H, V)
        out[k] = _robust_scale(scale, HV).sum(axis=1) / norm11
    return d, reps, out


def _distribution_part(printed, profile) -> Result:
    from scipy import stats

    n, samples = _coordinate_samples(profile)
    ds = sorted({k[0] for k in samples})
    alpha = tol.KS_ALPHA / len(samples)  # Bonferroni over the rows tested
    rows, worst_claim, worst_true = [], 1.0, 1.0
    scale_meas = {}
    for (d, name, i), z in samples.items():
        ps, sf = _eval_d(printed["probe_scale"], d), _eval_d(printed["scale_factor"], d)
        if not (ps > 0 and sf > 0):
            raise ValueError(f"printed: probe_scale and scale_factor must be positive at d = {d}, got {ps}, {sf}")
        # the coordinate of H (ps v) is ps * z * ||H_i||_1; the statement says it is Cauchy(0, sf ||H_i||_1)
        p_claim = float(stats.kstest(z * ps / sf, "cauchy").pvalue)
        p_true = float(stats.kstest(z, "cauchy").pvalue)
        worst_claim, worst_true = min(worst_claim, p_claim), min(worst_true, p_true)
        scale_meas.setdefault(d, []).append(float(np.median(np.abs(z * ps))))
        rows.append({"d": d, "matrix": name, "row": i, "ks_p_printed_scale": p_claim, "ks_p_unit_probe_row_l1": p_true})
    # the measured coordinate scale / row ell_1 norm against d: exponent and constant with intervals
    dd = np.repeat(ds, [len(scale_meas[d]) for d in ds])
    fit = fit_power(dd, np.concatenate([scale_meas[d] for d in ds]))
    printed_at = {d: _eval_d(printed["scale_factor"], d) for d in ds}
    ev = {"samples_per_row": n, "rows": rows, "ks_alpha_per_row": alpha, "d_values": ds,
          "measured_scale_over_row_l1_vs_d": fit.as_evidence(), "printed_scale_over_row_l1": printed_at,
          "derivation": ("E exp(i t (Hv)_i) = prod_j exp(-|H_ij| s |t|) = exp(-s ||H_i||_1 |t|) for v_j iid Cauchy(0, s): "
                         "Cauchy with scale s ||H_i||_1 (1-stability)")}
    if worst_true < alpha:
        return Result(Verdict.INCONCLUSIVE, f"even the derived law failed the KS test (p = {worst_true:.2g})", "numeric", ev)
    lo, hi = fit.exponent_ci
    if worst_claim >= alpha:
        return Result(Verdict.HOLDS, f"(Hv)_i is Cauchy with the printed scale at every d in {ds} (KS p >= {worst_claim:.2g}); "
                      f"measured scale/row ell_1 = {fit.constant:.3g} d^{fit.exponent:.3f} (exponent [{lo:.3f}, {hi:.3f}])",
                      "numeric", ev)
    import sympy as sp

    corr = (f"(Hv)_i ~ Cauchy(0, ({sp.sympify(printed['probe_scale'])}) ||H_i||_1) for probes scaled by "
            f"{sp.sympify(printed['probe_scale'])}: the measured scale / row ell_1 is {fit.constant:.3g} d^{fit.exponent:.3f} "
            f"(exponent in [{lo:.3f}, {hi:.3f}]), not {sp.sympify(printed['scale_factor'])}")
    return Result(Verdict.CORRECTED, f"the printed coordinate scale {sp.sympify(printed['scale_factor'])} x ||H_i||_1 is rejected "
                  f"(KS p = {worst_claim:.1e} < {alpha:.1e})", "numeric", ev, correction=corr)


def _estimator_part(printed, profile) -> Result:
    import sympy as sp

    names = tuple(printed["robust_scales"])
    parts_ev, bad, ok_txt = {}, [], []
    for name in names:
        if name not in SCALES:
            raise ValueError(f"printed: robust scale must be one of {SCALES}, got {name!r}")
        d, reps, est = _estimates(profile, name)
        f = _eval_d(printed["probe_scale"], d) / _eval_d(printed["target"], d)
        ks = sorted(est)
        rel = {k: est[k] * f - 1 for k in ks}
        rms = np.array([float(np.sqrt(np.mean(rel[k] ** 2))) for k in ks])
        mae = np.array([float(np.median(np.abs(rel[k]))) for k in ks])
        fit = fit_power(ks, mae)
        verdict = compare_exponent(fit, -0.5, tol.X24_CAUCHY_SLOPE_ABS)
        at = int(printed.get("probes", ks[0]))
        near = min(ks, key=lambda k: abs(k - at))
        parts_ev[name] = {"probes": ks, "reps": reps, "rel_rms": rms.tolist(), "median_abs_rel_error": mae.tolist(),
                          "rel_bias": [float(rel[k].mean()) for k in ks],
                          "median_abs_rel_error_vs_probes": fit.as_evidence(), "compare_with_k^-1/2": verdict,
                          "rel_rms_at_printed_probes": {"probes": near, "rms": float(np.sqrt(np.mean(rel[near] ** 2)))}}
        if verdict == "agrees":
            ok_txt.append(f"{name}: relative error ~ k^{fit.exponent:.2f} [{fit.exponent_ci[0]:.2f}, {fit.exponent_ci[1]:.2f}], "
                          f"RMS {parts_ev[name]['rel_rms_at_printed_probes']['rms']:.2f} at k = {near}")
        else:
            bad.append((name, fit, verdict, mae[-1]))
    ev = {"estimators": parts_ev, "d": d, "matrix": "rotated power spectrum",
          "criterion": (f"'estimates target': the median absolute relative error over repeated probe sets decays like "
                        f"k^-1/2 (fitted exponent with a 95% interval, compared within {tol.X24_CAUCHY_SLOPE_ABS}): a "
                        f"consistent estimator of the target (the median, not the RMS: estimators without a limit have "
                        f"no RMS to fit)")}
    tgt = sp.sympify(printed["target"])
    if not bad:
        return Result(Verdict.HOLDS, f"sum_i robust scale estimates ({tgt}) ||H||_11 ({'; '.join(ok_txt)})", "numeric", ev)
    if any(v == "differs" for _, _, v, _ in bad):
        txt = "; ".join(f"{n}: relative error ~ k^{f.exponent:.2f} [{f.exponent_ci[0]:.2f}, {f.exponent_ci[1]:.2f}] "
                        f"(still {r:.2g} at k = {max(ks)})" for n, f, v, r in bad)
        consistent = [n for n in names if n in ("half_iqr", "median_abs")]
        corr = (f"with probes scaled by {sp.sympify(printed['probe_scale'])}, sum_i of a robust scale of (Hv)_i "
                f"({', '.join(consistent) or 'half_iqr or median_abs'}) estimates "
                f"({sp.sympify(printed['probe_scale'])}) ||H||_11 with relative error O(k^-1/2)")
        return Result(Verdict.CORRECTED, f"the printed estimator does not estimate ({tgt}) ||H||_11: {txt}", "numeric", ev,
                      correction=corr)
    return Result(Verdict.INCONCLUSIVE, "error decay undecided: " + ", ".join(n for n, *_ in bad), "numeric", ev)


@functools.lru_cache(maxsize=None)
def _estimator_table(profile: str):
    """Bias and spread of the median estimator of ||H||_{1,1}/d (``median |(Hv)_i|`` over ``k`` unit
    Cauchy probes, mean over rows) over repeated probe sets, with the exact values of
    :func:`theorycheck.models.quadratics.cauchy_median_moments` beside them (a cross-check)."""
    rng = claim_rng("X24.estimators", "table", profile)
    d = 24
    mats = _test_hessians(claim_rng("X24.estimators", "table_matrix", d), d)
    ks_grid = _profile(profile, [17, 65, 257], [17, 65, 257, 1025])
    reps = _profile(profile, 200, 1000)
    H = mats["rotated_power"]
    exact = q.norm_11(H) / d
    r_exact = np.abs(H).sum(axis=1)
    table = []
    for k in ks_grid:
        est = np.empty(reps)
        row0 = np.empty(reps)
        for j in range(reps):
            rr = q.cauchy_row_l1(lambda V: H @ V, d, k, rng)
            est[j] = rr.mean()
            row0[j] = rr[0] / r_exact[0] - 1
        rel = (est - exact) / exact
        b_exact, sd_exact = q.cauchy_median_moments(k)
        table.append({"probes": k, "rel_bias": float(rel.mean()), "rel_bias_se": float(rel.std(ddof=1) / np.sqrt(reps)),
                      "exact_rel_bias": b_exact, "rel_std_norm11_estimate": float(rel.std(ddof=1)),
                      "row_rel_std": float(row0.std(ddof=1)), "exact_row_rel_std": sd_exact,
                      "exact_row_rel_std_times_sqrt_k": sd_exact * np.sqrt(k)})
    return H, exact, reps, table


def _bias_part(profile) -> Result:
    H, exact, reps, table = _estimator_table(profile)
    z = [abs(t["rel_bias"] - t["exact_rel_bias"]) / t["rel_bias_se"] for t in table]
    ev = {"matrix": "rotated power spectrum, d=24", "exact_norm11_over_d": exact, "reps": reps, "table": table,
          "mc_sigmas": tol.MC_SIGMAS, "bias_z_scores": z,
          "criterion": "measured relative bias of the median estimator within MC_SIGMAS standard errors of the exact bias"}
    last = table[-1]
    if max(z) <= tol.MC_SIGMAS:
        return Result(Verdict.HOLDS, f"median estimator: bias = exact {last['exact_rel_bias']:.2g} at k = {last['probes']} "
                      f"(O(1/k), upward; max z {max(z):.1f}); per-row relative sd {last['exact_row_rel_std']:.3g} ~ pi/(2 sqrt k)",
                      "numeric", ev)
    return Result(Verdict.INCONCLUSIVE, f"median estimator's bias differs from the exact value (z {max(z):.1f})", "numeric", ev)


def _lanczos_part(printed) -> Result:
    rng = claim_rng("X24.estimators", "lanczos")
    d = 24
    mats = _test_hessians(rng, d)
    lz = {}
    for name, Hm in mats.items():
        lz[name] = {"lanczos": q.lanczos_lambda_max(lambda v, Hm=Hm: Hm @ v, d, rng), "exact": q.lambda_max(Hm)}
    err = max(abs(v["lanczos"] - v["exact"]) / abs(v["exact"]) for v in lz.values())
    ev = {"matrices": lz, "max_rel_error": err, "tolerance": tol.FLOAT64_REL}
    if printed.get("lambda_max_method") != "lanczos":
        return Result(Verdict.INCONCLUSIVE, f"only Lanczos is implemented; cannot check {printed.get('lambda_max_method')!r}",
                      "numeric", ev)
    if err <= tol.FLOAT64_REL:
        return Result(Verdict.HOLDS, f"Lanczos (ARPACK) recovers lambda_max to {err:.1e}", "numeric", ev)
    return Result(Verdict.INCONCLUSIVE, f"Lanczos error {err:.1e}", "numeric", ev)


@claim(
    "X24.estimators",
    provenance="seed-abstract", source=src("estimators of the smoothness constants; the authors' released code"),
    statement=("The authors estimate ||H||_{1,1}/d from Hessian-vector products with Cauchy random vectors: standard "
               "Cauchy probes scaled by 1/d, so each coordinate of Hv is Cauchy with scale = the row's ell_1 norm / d; "
               "summing a robust scale estimate of each coordinate over the probes (half the interquartile range; also "
               "the median of |Hv|_i), about 50 probes, estimates ||H||_{1,1}/d. lambda_max is estimated with Lanczos."),
    printed=printed_estimators, parameters=("d",), variants=variants_estimators,
)
def check_estimators(printed, profile):
    parts = {"distribution": _distribution_part(printed, profile), "estimator": _estimator_part(printed, profile),
             "median_bias": _bias_part(profile), "lanczos": _lanczos_part(printed)}
    return combine(parts, holds=("the authors' Cauchy estimator of ||H||_{1,1}/d and Lanczos validated: coordinate scale "
                                 "row ell_1/d at every d tested; robust-scale sums converge to ||H||_{1,1}/d like k^-1/2"),
                   cross_checks=["median_bias"])


# ================================================================ X24.blockwise
def printed_blockwise():
    return {"block_size_1": "adam", "one_block": "adasgd", "interpolates": True}


def variants_blockwise(printed):
    """Each part wrong on its own."""
    other = {"adam": "adasgd", "adasgd": "adam"}
    return [Variant("block size 1 is AdaSGD", "part", {**printed, "block_size_1": other.get(printed["block_size_1"], "adasgd")}),
            Variant("one block is Adam", "part", {**printed, "one_block": other.get(printed["one_block"], "adam")}),
            Variant("one block is GD", "other", {**printed, "one_block": "gd"}),
            Variant("the speed does not move with the block size", "part",
                    {**printed, "interpolates": not printed["interpolates"]})]


@functools.lru_cache(maxsize=None)
def _blockwise_study(profile: str):
    """Tuned loss of blockwise Adam (beta1 = 0) for every block size dividing d, on diagonal
    problems with a permuted ``i^-2`` spectrum (one seed per ``rep``: permutation and ``x_0``), at every
    horizon of :func:`_horizons`; rank correlations with the block size and with
    :func:`theorycheck.models.quadratics.blockwise_constant` (pooled, for the plot)."""
    d = _profile(profile, 32, 64)
    horizons = _horizons(profile)
    lrs = _lr_grid(profile)
    blocks = [b for b in (1, 2, 4, 8, 16, 32, 64) if b <= d and d % b == 0]
    reps = _profile(profile, 4, 6)
    rows = []
    for rep in range(reps):
        rng = claim_rng("X24.blockwise", "problem", d, rep)
        eigs = rng.permutation(q.power_spectrum(d, 2.0))
        Hd = np.diag(eigs)
        x0 = rng.standard_normal(d)
        f0 = 0.5 * float(x0 @ Hd @ x0)
        for b in blocks:
            _, X = q.run_optimizer("blockwise", Hd, x0, lrs, max(horizons), beta1=0.0, block=b, record=True)
            sp_ = {}
            with np.errstate(over="ignore", invalid="ignore"):
                for T in horizons:
                    f = 0.5 * np.einsum("ki,ij,kj->k", X[T], Hd, X[T]) / f0
                    f = np.where(np.isfinite(f), f, np.inf)
                    sp_[int(T)] = float(np.log10(max(float(f.min()), 1e-300)))
            rows.append({"rep": rep, "block": b, "log10_loss": sp_[horizons[-1]], "speeds": sp_,
                         "blockwise_constant": q.blockwise_constant(Hd, b)})
    rho_b, p_b = _spearman([r["block"] for r in rows], [r["log10_loss"] for r in rows])
    rho_c, p_c = _spearman([r["blockwise_constant"] for r in rows], [r["log10_loss"] for r in rows])
    Hc = np.diag(eigs)
    const_ends = {"block1_vs_norm11": abs(q.blockwise_constant(Hc, 1) - q.norm_11(Hc)) / q.norm_11(Hc),
                  "blockd_vs_d_lmax": abs(q.blockwise_constant(Hc, d) - d * q.lambda_max(Hc)) / (d * q.lambda_max(Hc))}
    return blocks, rows, rho_b, p_b, rho_c, p_c, const_ends


@functools.lru_cache(maxsize=None)
def _endpoint_deviations(d: int):
    """Max relative deviation of blockwise Adam (block 1 and block d) from Adam, AdaSGD and GD
    trajectories (beta1 = 0.9, 50 steps, lr 1e-2) on a random PSD quadratic."""
    rng = claim_rng("X24.blockwise", "endpoints", d)
    H = (lambda G: (G @ G.T) / d)(rng.standard_normal((d, d)))
    x0 = rng.standard_normal(d)
    out = {}
    for label, block in (("block_size_1", 1), ("one_block", d)):
        _, B = q.run_optimizer("blockwise", H, x0, [1e-2], 50, beta1=0.9, block=block, record=True)
        dev = {}
        for ref, kw in (("adam", {"beta1": 0.9}), ("adasgd", {"beta1": 0.9}), ("gd", {})):
            _, X = q.run_optimizer(ref, H, x0, [1e-2], 50, record=True, **kw)
            dev[ref] = float(np.max(np.abs(B - X)) / np.max(np.abs(X)))
        out[label] = dev
    return out


@claim(
    "X24.blockwise",
    provenance="seed-abstract", source=src("blockwise Adam"),
    statement="Blockwise Adam (one adaptive scale per block) interpolates between Adam (blocks of size 1) and AdaSGD (one block).",
    printed=printed_blockwise, variants=variants_blockwise,
)
def check_blockwise(printed, profile):
    d = _profile(profile, 32, 64)
    parts = {}
    # (1) endpoints: identical trajectories
    devs = _endpoint_deviations(d)
    for label in ("block_size_1", "one_block"):
        dev = devs[label]
        match = [k for k, v in dev.items() if v <= tol.SIM_FLOAT64_REL]
        claimed = printed[label]
        ev = {"deviation_vs": dev, "tolerance_rel": tol.SIM_FLOAT64_REL, "steps": 50, "d": d}
        what = label.replace("_", " ")
        if claimed in match:
            parts[label] = Result(Verdict.HOLDS, f"blockwise Adam with {what} is {claimed} exactly (deviation "
                                  f"{dev[claimed]:.1e})", "numeric", ev)
        else:
            got = " = ".join(match) if match else "none of " + ", ".join(dev)
            parts[label] = Result(Verdict.CORRECTED, f"blockwise Adam with {what} is {got}, not {claimed} (deviation from "
                                  f"{claimed}: {dev.get(claimed, float('nan')):.2g})", "numeric", ev,
                                  correction=f"{what}: blockwise Adam = {got}")
    # (2) speed across block sizes, per seed and horizon
    blocks, rows, rho_b, p_b, rho_c, p_c, const_ends = _blockwise_study(profile)
    horizons = sorted(rows[0]["speeds"])
    reps = sorted({r["rep"] for r in rows})
    per_seed = {T: np.array([_spearman([r["block"] for r in rows if r["rep"] == k],
                                       [r["speeds"][T] for r in rows if r["rep"] == k])[0] for k in reps]) for T in horizons}
    j = judge_word(per_seed, tol.X24_CORRELATES)
    ev = {"d": d, "blocks": blocks, "rows": rows, "per_seed_spearman_block_vs_loss": {T: v.tolist() for T, v in per_seed.items()},
          "judgement": j, "pooled_spearman_block_vs_loss": [rho_b, p_b], "pooled_spearman_blockwise_constant_vs_loss": [rho_c, p_c],
          "blockwise_constant_endpoints_rel": const_ends, "problems": "diag(permuted i^-2): Adam's favourable case",
          "criterion": (f"'interpolates': per seed, Spearman(block size, tuned log-loss) over the block sizes; its mean over "
                        f"{len(reps)} seeds {tol.X24_CORRELATES.word} (interval above 0), at horizons {horizons}")}
    main = fmt_interval(j["per_horizon"][horizons[-1]], 2)
    if j["overall"] in ("holds", "fails"):
        interp = j["overall"] == "holds"
        if interp == bool(printed["interpolates"]):
            parts["interpolation"] = Result(Verdict.HOLDS, ("tuned loss moves from Adam's to AdaSGD's as the block grows" if interp
                                            else "the tuned loss does not move with the block size") +
                                            f" (Spearman over block sizes, mean over seeds, T={horizons[-1]}: {main})" + where(j),
                                            "simulation", ev)
        else:
            ev["counterexample"] = {"per_seed_spearman": {T: v.tolist() for T, v in per_seed.items()}}
            parts["interpolation"] = Result(Verdict.FAILS, ("the speed does move with the block size" if interp else
                                            "the speed does not move with the block size") + f" (rho {main})", "simulation", ev)
    else:
        parts["interpolation"] = Result(Verdict.INCONCLUSIVE, f"trend with the block size undecided over seeds/horizons "
                                        f"(rho {main}; holds at T = {j['holds_at']})", "simulation", ev)
    return combine(parts, holds=("qualitative reproduction: block size 1 = Adam, one block = AdaSGD (exactly, to rounding); "
                                 f"tuned loss rises with the block size in between (per-seed Spearman, T={horizons[-1]}: {main})"))
