"""Y26: Yu, Tao, Wan, Luo, Zhang, "Sign-Based Optimizers Are Effective Under Heavy-Tailed Noise"
(arXiv 2602.07425, 2026; only the abstract is available).

Only the abstract is available, so these are reproductions on synthetic problems
(module :mod:`theorycheck.models.heavytail`), each stated with its criterion:

* ``Y26.tail_index``: the noise samplers have the tail index they are said to have, and
  the tail-index estimators recover it (validated on samples of known index).
* ``Y26.noise``: the generalized heavy-tailed noise condition: the ``p``-th moment of the
  gradient noise is finite exactly for ``p`` below the tail index, and on a heavy-tailed
  regression problem ``E||g - grad f||^p`` is (close to) affine in ``||grad f||^p``.
* ``Y26.convergence``: final suboptimality vs tail index and divergence frequency of SGD,
  SignSGD, Signum, Lion and Muon (Muonlight: definition unavailable, not tested).
"""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.core import stats
from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.rates import fit_power
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.rng import claim_rng
from theorycheck.models import heavytail as ht

SRC = cite("Y26", "abstract")


def src(where: str) -> str:
    """The claim source: Y26 cited by authors, title and venue, then the place."""
    return cite("Y26", f"abstract; {where}")


def _profile(profile: str, quick, full):
    return quick if profile == "quick" else full


# ================================================================ Y26.tail_index
def printed_tail_index():
    """Tail index of each noise family as a SymPy expression of its parameter."""
    import sympy as sp

    alpha, nu = sp.symbols("alpha nu", positive=True)
    return {"sas": alpha, "t": nu, "regression_noise": nu / 2}


def variants_tail_index(printed):
    """A wrong dependence on each parameter, a wrong constant, and the features' index for the noise's."""
    import sympy as sp

    alpha, nu = sp.symbols("alpha nu", positive=True)
    return [
        Variant("SaS(alpha) has tail index alpha^2", "dependence", {**printed, "sas": sp.sympify(printed["sas"]) * alpha},
                param="alpha"),
        Variant("Student-t(nu) has tail index nu/2", "dependence", {**printed, "t": sp.sympify(printed["t"]) / 2}, param="nu"),
        Variant("Student-t(nu) has tail index nu + 1 (the density exponent)", "constant",
                {**printed, "t": sp.sympify(printed["t"]) + 1}),
        Variant("the regression noise has the features' index nu", "dependence",
                {**printed, "regression_noise": sp.sympify(printed["regression_noise"]) * 2}, param="nu"),
    ]


def _eval_index(expr, **vals) -> float:
    import sympy as sp

    e = sp.sympify(expr)
    return float(e.subs({sp.Symbol(k, positive=True): v for k, v in vals.items()}))


@claim(
    "Y26.tail_index",
    provenance="seed-abstract", source=src("heavy-tailed noise with tail index below 2"),
    statement=("Symmetric alpha-stable noise has tail index alpha and Student-t noise with nu degrees of freedom has "
               "tail index nu (heavy-tailed for alpha, nu < 2); an estimator of the tail index recovers it."),
    printed=printed_tail_index, parameters=("alpha", "nu"), variants=variants_tail_index,
)
def check_tail_index(printed, profile):
    m = _tail_measurements(profile)
    parts = {}
    cf = m["sampler"]
    zmax = max(r["z"] for r in cf)
    ev = {"checks": cf, "mc_sigmas": tol.MC_SIGMAS,
          "method": "empirical characteristic function vs exp(-|t|^alpha); E|X|^p (p = alpha/3, finite variance) vs closed form"}
    parts["sampler"] = (Result(Verdict.HOLDS, f"CMS sampler matches exp(-|t|^alpha) and E|X|^p (max z {zmax:.1f})", "numeric", ev)
                        if zmax <= tol.MC_SIGMAS else
                        Result(Verdict.INCONCLUSIVE, f"sampler deviates from the stable law (z {zmax:.1f})", "numeric", ev))
    table = []
    for row in m["estimates"]:
        row = dict(row)
        kind, a = row["family"], row["parameter"]
        row["claimed_index"] = _eval_index(printed[kind], alpha=a, nu=a)
        if row["estimator"] == "moment_bracket":
            lo, hi = row["moment_bracket"]["bracket"]
            row["accepted"] = lo < row["claimed_index"] < hi
        else:
            e = row[row["estimator"]]
            row["accepted"] = abs(e["mean"] - row["claimed_index"]) <= max(tol.TAIL_INDEX_ABS, tol.MC_SIGMAS * e["se"])
        table.append(row)
    rates = {}
    for kind in ("sas", "t"):
        rr = [r for r in table if r["family"] == kind]
        fit = fit_power([r["parameter"] for r in rr], [r[r["estimator"]]["mean"] for r in rr])
        claimed = fit_power([r["parameter"] for r in rr], [r["claimed_index"] for r in rr])
        rates[kind] = {"estimated_index_vs_parameter": fit.as_evidence(), "claimed_exponent": claimed.exponent,
                       "claimed_constant": claimed.constant}
    ev = {"samples": m["n"], "repeats": m["R"], "table": table, "tolerance_abs": tol.TAIL_INDEX_ABS, "mc_sigmas": tol.MC_SIGMAS,
          "rate_in_parameter": rates,
          "choice": ("block-sum for alpha-stable (exact stability Y =_d k^(1/alpha) X is its assumption), Hill for Pareto-type "
                     "tails (Student-t); for the regression noise the bracket of finite / infinite p-th moments; the other estimator is reported as a diagnostic: Hill is biased "
                     "upward for alpha-stable near 2, block-sum downward for Student-t near 2")}
    bad = [r for r in table if not r["accepted"]]
    if not bad:
        parts["estimators"] = Result(Verdict.HOLDS, "estimated tail indices match the claimed ones on every family", "numeric", ev)
    else:
        worst = bad[0]
        ev["counterexample"] = bad
        e = worst[worst["estimator"]]
        got = f"in ({e['bracket'][0]}, {e['bracket'][1]})" if "bracket" in e else f"{e['mean']:.3f}"
        parts["estimators"] = Result(
            Verdict.FAILS, f"{worst['family']}({worst['parameter']}): estimated index {got}, "
            f"claimed {worst['claimed_index']:.3f}", "numeric", ev)
    return combine(parts, holds=("CMS sampler validated; tail index of SaS(alpha) = alpha (block-sum), of t(nu) = nu and of "
                                 "the regression gradient noise = nu/2 (moment bracket), within tolerance"))


@functools.lru_cache(maxsize=None)
def _tail_measurements(profile: str) -> dict:
    """The sampler checks and the tail-index estimates (independent of any claimed value)."""
    rng = claim_rng("Y26.tail_index", "measurements", profile)
    n = _profile(profile, 100_000, 1_000_000)
    R = _profile(profile, 8, 16)
    grid = _profile(profile, [1.1, 1.5, 1.9], [1.1, 1.3, 1.5, 1.7, 1.9])
    cf = []
    for a in grid + [1.0, 2.0]:
        x = ht.sample_sas(a, 400_000, rng)
        for t in (0.3, 1.0, 3.0):
            c = np.cos(t * x)
            cf.append({"alpha": a, "t": t, "empirical": float(c.mean()), "exact": float(np.exp(-abs(t) ** a)),
                       "z": float(abs(c.mean() - np.exp(-abs(t) ** a)) / (c.std() / np.sqrt(x.size)))})
        pm = a / 3
        mom = np.abs(x) ** pm
        cf.append({"alpha": a, "p": pm, "moment_empirical": float(mom.mean()), "moment_exact": ht.sas_abs_moment(a, pm),
                   "z": float(abs(mom.mean() - ht.sas_abs_moment(a, pm)) / (mom.std() / np.sqrt(x.size)))})
    est = []
    for kind, est_name in (("sas", "block_sum"), ("t", "hill")):
        for a in grid:
            ests = {"hill": [], "block_sum": []}
            for _ in range(R):
                x = ht.sample_noise(kind, a, n, rng)
                ests["hill"].append(ht.hill(x))
                ests["block_sum"].append(ht.block_sum_index(x))
            row = {"family": kind, "parameter": a, "estimator": est_name}
            for k, v in ests.items():
                row[k] = {"mean": float(np.mean(v)), "se": float(np.std(v, ddof=1) / np.sqrt(R))}
            est.append(row)
    nu = 3.0
    reg = []
    for _ in range(R):
        _, N = ht.regression_noise(np.full(10, 0.5), n, nu, rng)
        reg.append(ht.hill(np.linalg.norm(N, axis=1)))
    # the tail index of the regression noise is bracketed by which p-th moments are finite
    fn = lambda k, r: np.linalg.norm(ht.regression_noise(np.full(10, 0.5), k, nu, r)[1], axis=1)  # noqa: E731
    finite = {}
    for p in (1.2, 1.8):
        g = ht.moment_growth(fn, p, 2000, factor=100, repeats=5, rng=rng)
        finite[p] = {"median_ratio": g["median_ratio"], "finite": g["median_ratio"] <= tol.MOMENT_GROWTH}
    lo = max([p for p, v in finite.items() if v["finite"]], default=0.0)
    hi = min([p for p, v in finite.items() if not v["finite"]], default=float("inf"))
    est.append({"family": "regression_noise", "parameter": nu, "estimator": "moment_bracket",
                "moment_bracket": {"finite_moments": finite, "bracket": [lo, hi]},
                "hill": {"mean": float(np.mean(reg)), "se": float(np.std(reg, ddof=1) / np.sqrt(R)),
                         "note": "diagnostic: Hill converges slowly here (the a_i * (a^T u) cross terms, index 3, "
                                 "dominate the top order statistics at this n)"}})
    return {"sampler": cf, "estimates": est, "n": n, "R": R}


# ================================================================ Y26.noise
def printed_noise():
    """The noise condition: ``E||g - grad f||^p <= s0^p + s1^p ||grad f||^p``, ``p in (1, 2]``."""
    import sympy as sp

    p = sp.Symbol("p", positive=True)
    return {"grad_exponent": p, "p_range": (1, 2), "finite_iff_p_below_index": True}


def variants_noise(printed):
    """A variance-type exponent (no dependence on p), a doubled exponent, the moments' rule flipped, and a
    range of p that misses every finite moment above 1."""
    import sympy as sp

    q = sp.sympify(printed["grad_exponent"])
    return [
        Variant("E||g - grad f||^p affine in ||grad f||^2 (variance type)", "dependence",
                {**printed, "grad_exponent": sp.Integer(2)}, param="p"),
        Variant("affine in ||grad f||^(2p)", "exponent", {**printed, "grad_exponent": 2 * q}),
        Variant("every p-th moment finite (no link to the tail index)", "sign",
                {**printed, "finite_iff_p_below_index": not printed["finite_iff_p_below_index"]}),
        Variant("p in (0, 1/2]", "other", {**printed, "p_range": (0, 0.5)}),
    ]


def _fit_affine(x, y, q):
    """Least squares ``y ~ a + b x^q`` with relative residuals; returns a, b, R^2, max relative residual."""
    X = np.c_[np.ones_like(x), x**q] / y[:, None]
    coef = np.linalg.lstsq(X, np.ones_like(y), rcond=None)[0]
    pred = np.c_[np.ones_like(x), x**q] @ coef
    r2 = 1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    return float(coef[0]), float(coef[1]), float(r2), float(np.max(np.abs(pred - y) / y))


@claim(
    "Y26.noise",
    provenance="seed-abstract", source=src("generalized heavy-tailed noise condition; the authors' code"),
    statement=("Generalized heavy-tailed noise: finite p-th moments, p in (1, 2], possibly growing with the gradient; "
               "the authors' code tests a linear relation between ||grad f||^p and E||g - grad f||^p."),
    printed=printed_noise, parameters=("p",), variants=variants_noise,
)
def check_noise(printed, profile):
    import sympy as sp

    m = _noise_measurements(profile)
    growth, xs = m["growth"], m["xs"]
    parts = {}
    # (1) which moments are finite
    agree = all(g["finite_measured"] == g["finite_if_p_below_index"] for g in growth.values())
    ev = {"growth": growth, "threshold": tol.MOMENT_GROWTH,
          "criterion": "E|Z|^p infinite when its sample mean grows by > threshold as the sample grows 100-fold"}
    claimed = bool(printed["finite_iff_p_below_index"])
    if agree == claimed:
        parts["moments"] = Result(Verdict.HOLDS, "the p-th moment is finite for p = 1.2 and infinite for p = 1.8 > tail "
                                  "index 1.5: the condition holds only for p < tail index", "numeric", ev)
    elif agree:
        ev["counterexample"] = growth
        parts["moments"] = Result(Verdict.FAILS, "finiteness of the p-th moment is decided by p < tail index", "numeric", ev)
    else:
        parts["moments"] = Result(Verdict.INCONCLUSIVE, "moment growth does not follow the tail index", "numeric", ev)
    # (1b) the printed range of p against the measured finite-moment orders. The noises here have
    # tail index 1.5 in (1, 2] (the paper's class); the condition must be satisfiable for them at
    # some p > 1 (p > 1 so that E||g - grad f|| is finite and the noise has a mean), so the
    # printed range must contain an order p > 1 measured finite for every family.
    pr = printed["p_range"]
    try:
        a, b = (float(v) for v in pr)
    except (TypeError, ValueError):
        raise ValueError(f"p_range: must be a pair (lower, upper) of numbers, got {pr!r}") from None
    if not (0 <= a < b):
        raise ValueError(f"p_range: need 0 <= lower < upper, got {pr!r}")
    fin_orders = sorted({float(k.rsplit("_p", 1)[1]) for k, g in growth.items()
                         if all(g2["finite_measured"] for k2, g2 in growth.items()
                                if k2.rsplit("_p", 1)[1] == k.rsplit("_p", 1)[1])})
    covered = [q for q in fin_orders if q > 1 and a < q <= b]
    ev = {"printed_p_range": [a, b], "orders_measured_finite_for_every_family": fin_orders,
          "covered_orders_above_1": covered, "tail_indices": sorted({g["tail_index"] for g in growth.values()}),
          "criterion": "the printed (lower, upper] must contain an order p > 1 whose moment is measured finite for "
                       "every heavy-tailed family (tail index 1.5); p <= 1 gives no finite mean"}
    if covered:
        parts["p_range"] = Result(Verdict.HOLDS, f"the printed range contains p = {covered[0]}, measured finite for every "
                                  "family", "numeric", ev)
    elif any(q > 1 for q in fin_orders):
        parts["p_range"] = Result(Verdict.CORRECTED,
                                  f"the printed range ({a:g}, {b:g}] misses every order p > 1 measured finite "
                                  f"({[q for q in fin_orders if q > 1]}) for noise of tail index 1.5",
                                  "numeric", ev, correction="the condition is meant for p in (1, 2]; for tail index "
                                  "alpha in (1, 2] it holds exactly for p < alpha")
    else:
        parts["p_range"] = Result(Verdict.INCONCLUSIVE, "no order p > 1 was measured finite", "numeric", ev)
    # (2) the relation on the regression problem, at several p (a dependence on p is stated). The
    # growth exponent of E||N||^p in ||grad f|| at large gradients (where the multiplicative part of the
    # noise dominates) is compared with the printed exponent (interval from the top points of the ray),
    # and the affine fit at the printed exponent must explain the curve (R^2).
    from theorycheck.core.rates import compare_exponent

    psym = sp.Symbol("p", positive=True)
    qs = np.round(np.arange(0.5, 3.0001, 0.01), 2)
    top = 4
    per_p, bad, undecided = {}, [], []
    for pv, yv in m["ys_by_p"].items():
        q_claim = float(sp.sympify(printed["grad_exponent"]).subs(psym, pv))
        growth_fit = fit_power(xs[-top:], yv[-top:])
        cmp = compare_exponent(growth_fit, q_claim, tol.EXPONENT_FIT_ABS)
        fits = {float(q): _fit_affine(xs, yv, q) for q in qs}
        q_best = min(fits, key=lambda q: fits[q][3])
        a, b, r2, rel = _fit_affine(xs, yv, q_claim)
        per_p[pv] = {"claimed_exponent": q_claim, "growth_exponent_large_gradients": growth_fit.as_evidence(),
                     "compare": cmp, "best_exponent_whole_range": q_best,
                     "fit_at_claimed_exponent": {"intercept_s0p": a, "slope_s1p": b, "r2": r2, "max_rel_residual": rel},
                     "fit_at_best": fits[q_best], "fit_at_exponent_2": fits[2.0], "moments": yv}
        if cmp == "differs":
            bad.append(pv)
        elif cmp != "agrees" or a < 0 or b < 0:
            undecided.append(pv)
    pvals = sorted(per_p)
    growth = {v: per_p[v]["growth_exponent_large_gradients"] for v in pvals}
    slope = fit_power(pvals, [growth[v]["exponent"] for v in pvals])
    ev = {"problem": m["problem"], "samples_per_point": m["n"], "grad_norms": xs, "per_p": per_p,
          "growth_exponent_vs_p": slope.as_evidence(), "exponent_tolerance": tol.EXPONENT_FIT_ABS,
          "r2_min": tol.LINEAR_R2_MIN, "top_points": top,
          "criterion": (f"the condition's exponent is the growth exponent of E||g - grad f||^p over the {top} largest "
                        f"gradients (95% interval), which must agree with the printed exponent within "
                        f"{tol.EXPONENT_FIT_ABS}; the least-squares fit a + b ||grad f||^q at the printed q must have a, b >= 0. "
                        f"Its R^2 is reported, not thresholded (the relation is affine only asymptotically, see note)"),
          "note": ("E||N||^p is exactly affine in ||grad f||^p only in the purely multiplicative or purely additive case; "
                   "here it moves from additive (small gradients) to multiplicative (large), so the exponent that fits "
                   "the whole range best ('best_exponent_whole_range') sits above p in the transition")}
    g_txt = ", ".join(f"{growth[v]['exponent']:.3f} [{growth[v]['exponent_ci'][0]:.3f}, {growth[v]['exponent_ci'][1]:.3f}] "
                      f"at p = {v:g}" for v in pvals)
    best_txt = ", ".join(f"{per_p[v]['best_exponent_whole_range']:g}" for v in pvals)
    if not bad and not undecided:
        v0 = pvals[len(pvals) // 2]
        f0 = per_p[v0]["fit_at_claimed_exponent"]
        r2s = [per_p[v]["fit_at_claimed_exponent"]["r2"] for v in pvals]
        parts["relation"] = Result(Verdict.HOLDS, f"E||g - grad f||^p grows like ||grad f||^({sp.sympify(printed['grad_exponent'])}): "
                                   f"exponent {g_txt}; affine fit at p = {v0:g}: {f0['intercept_s0p']:.3g} + "
                                   f"{f0['slope_s1p']:.3g} ||grad f||^{per_p[v0]['claimed_exponent']:g} (R^2 {min(r2s):.3f}.."
                                   f"{max(r2s):.3f} over p); best whole-range exponents {best_txt} (additive-to-multiplicative "
                                   f"transition)", "numeric", ev)
    elif bad:
        parts["relation"] = Result(Verdict.CORRECTED, f"E||g - grad f||^p grows like ||grad f||^q with q = {g_txt}, not "
                                   f"q = {sp.sympify(printed['grad_exponent'])}", "numeric", ev,
                                   correction=(f"E||g - grad f||^p ~ s0^p + s1^p ||grad f||^q with q ~ {slope.constant:.3g} "
                                               f"p^{slope.exponent:.3f} (growth exponents {g_txt}), not q = "
                                               f"{sp.sympify(printed['grad_exponent'])}"))
    else:
        parts["relation"] = Result(Verdict.INCONCLUSIVE, f"relation undecided at p = {undecided} (growth exponents {g_txt})",
                                   "numeric", ev)
    return combine(parts, holds=(f"the p-th noise moment is finite iff p < tail index; on heavy-tailed least squares "
                                 f"E||g - grad f||^p is affine in ||grad f||^p (growth exponents {g_txt})"))


@functools.lru_cache(maxsize=None)
def _noise_measurements(profile: str) -> dict:
    """Moment-growth tests (p = 1.2 and 1.8 against tail index 1.5) and ``E||g - grad f||^p`` vs
    ``||grad f||`` along a ray ``x* + s u`` of the regression problem (common random numbers)."""
    rng = claim_rng("Y26.noise", "measurements", profile)
    nu, d = 3.0, 10
    idx = nu / 2  # tail index of the regression noise (checked in Y26.tail_index)
    n = _profile(profile, 200_000, 1_000_000)
    growth = {}
    for label, fn, index in (
        ("sas_alpha1.5", lambda m, r: ht.sample_sas(1.5, m, r), 1.5),
        ("regression_nu3", lambda m, r: np.linalg.norm(ht.regression_noise(np.full(d, 0.5), m, nu, r)[1], axis=1), idx),
    ):
        for p in (1.2, 1.8):
            g = ht.moment_growth(fn, p, _profile(profile, 2000, 10000), factor=100, repeats=_profile(profile, 5, 15), rng=rng)
            g["tail_index"] = index
            g["finite_measured"] = g["median_ratio"] <= tol.MOMENT_GROWTH
            g["finite_if_p_below_index"] = p < index
            growth[f"{label}_p{p}"] = g
    p_num, p_values = 1.2, (1.1, 1.2, 1.3)  # below the tail index 1.5 (finite moments)
    uhat = rng.standard_normal(d)
    uhat /= np.linalg.norm(uhat)
    xs, ys = [], {pv: [] for pv in p_values}
    for s in np.logspace(-2, 1.5, 12):
        gf, N = ht.regression_noise(s * uhat, n, nu, claim_rng("Y26.noise", "ray", n))  # common random numbers
        xs.append(float(np.linalg.norm(gf)))
        nrm = np.linalg.norm(N, axis=1)
        for pv in p_values:
            ys[pv].append(float(np.mean(nrm**pv)))
    ys = {pv: np.array(v) for pv, v in ys.items()}
    return {"growth": growth, "xs": np.array(xs), "ys": ys[p_num], "ys_by_p": ys, "p": p_num, "n": n,
            "problem": f"least squares with t({nu}) features and noise, d = {d}; noise tail index {idx}"}


# ================================================================ Y26.convergence
SIGN_METHODS = ("signsgd", "signum", "lion", "muon")
METHODS_ALL = ("sgd",) + SIGN_METHODS


def printed_convergence():
    """(winner, loser) pairs at the heaviest tail, and the methods said to degrade as the tail index falls."""
    return {"beats": [(m, "sgd") for m in SIGN_METHODS], "degrades": ["sgd"]}


def variants_convergence(printed):
    """One pair reversed at a time (all others kept), SignSGD said to degrade, SGD said to be unaffected."""
    out = []
    for i, (w, l) in enumerate(printed["beats"]):
        if w in ("signsgd", "muon"):
            beats = list(printed["beats"])
            beats[i] = (l, w)
            out.append(Variant(f"{l} beats {w}", "part", {**printed, "beats": beats}))
    out.append(Variant("SignSGD degrades as the tail gets heavier", "dependence",
                       {**printed, "degrades": list(printed["degrades"]) + ["signsgd"]}, param="alpha"))
    out.append(Variant("SGD is unaffected by the tail index", "dependence",
                       {**printed, "degrades": [m for m in printed["degrades"] if m != "sgd"], "robust": ["sgd"]}, param="alpha"))
    return out


def _horizons_y26(profile) -> tuple[int, ...]:
    """Horizons (the statement fixes none): half the run and the whole run."""
    T = _profile(profile, 600, 3000)
    return (T // 2, T)


@functools.lru_cache(maxsize=None)
def convergence_study(profile: str, noises: tuple | None = None, seed: int = 0) -> dict:
    """Final suboptimality of every method on ``f(X) = ||X - X*||_F^2 / 2`` (8 x 8 matrix,
    ``X_0 = 0``, ``X*`` Gaussian) with additive noise of each kind/tail index, over independent noise
    seeds (the same streams for every method and step size: paired), at each horizon of
    :func:`_horizons_y26`; the step size is tuned per method, noise and horizon on a log grid by the
    median over seeds. Divergence = ``f(X_T) > f(X_0)`` or non-finite. ``rows`` hold the main horizon
    (with the per-seed values at the tuned step under ``"per_seed"``); ``by_horizon`` every horizon."""
    rng = claim_rng("Y26.convergence", "target", seed)
    rows_, cols = 8, 8
    Xs = rng.standard_normal((rows_, cols))
    horizons = _horizons_y26(profile)
    steps = horizons[-1]
    seeds = _profile(profile, 12, 32)
    lrs = np.logspace(-4, 0, _profile(profile, 9, 17))
    if noises is None:
        noises = _profile(profile, (("sas", 2.0), ("sas", 1.5), ("sas", 1.1), ("t", 1.5)),
                          tuple(("sas", a) for a in (2.0, 1.8, 1.6, 1.4, 1.2, 1.1)) + tuple(("t", v) for v in (1.8, 1.5, 1.2)))
    grad = lambda X: X - Xs  # noqa: E731
    f = lambda X: 0.5 * ((X - Xs) ** 2).sum(axis=(-2, -1))  # noqa: E731
    f0 = float(f(np.zeros((rows_, cols))))
    by_h = {T: [] for T in horizons}
    for kind, index in noises:
        N = ht.sample_noise(kind, index, (steps, seeds, rows_, cols), claim_rng("Y26.convergence", "noise", kind, index,
                                                                                 steps, seeds, seed))
        for m in METHODS_ALL:
            for T in horizons:
                F = f(ht.run_method(m, grad, np.zeros((rows_, cols)), lrs, N[:T]))
                F = np.where(np.isfinite(F), F, np.inf)
                med = np.median(F, axis=1)
                i = int(np.argmin(med))
                by_h[T].append({"noise": kind, "index": index, "method": m, "lr": float(lrs[i]), "median": float(med[i]),
                                "lr_at_grid_edge": i in (0, lrs.size - 1),
                                "q25_q75": [float(np.quantile(F[i], 0.25)), float(np.quantile(F[i], 0.75))],
                                "per_seed": F[i].tolist(),
                                "divergence_at_tuned_lr": float(np.mean(F[i] > f0)),
                                "divergence_over_grid": float(np.mean(F > f0))})
    return {"f0": f0, "steps": steps, "horizons": list(horizons), "seeds": seeds,
            "lr_grid": [float(lrs[0]), float(lrs[-1]), len(lrs)],
            "problem": "f(X) = ||X - X*||_F^2/2, X in R^{8x8}, g = grad f + noise (iid per entry)",
            "rows": by_h[steps], "by_horizon": by_h}


def _factor_words():
    return (tol.Y26_BELOW, tol.Y26_FAR_BELOW, tol.Y26_ORDERS_BELOW)


def _paired_ratio(loser: dict, winner: dict):
    """Interval (order statistics) of the median over seeds of ``F_loser / F_winner`` (same noise streams):
    ``inf`` where only the loser diverged, 1 where both did."""
    a, b = np.asarray(loser["per_seed"], float), np.asarray(winner["per_seed"], float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(np.isinf(a) & np.isinf(b), 1.0, a / b)
    return stats.median_interval(r)


def _ratio_of_medians(heavy: dict, light: dict):
    """Conservative interval of ``median(F_heavy) / median(F_light)`` (different noises: unpaired), from
    97.5% order-statistics intervals of each median (Bonferroni: >= 95% jointly)."""
    h = stats.median_interval(heavy["per_seed"], level=0.975)
    li = stats.median_interval(light["per_seed"], level=0.975)
    est = h.estimate / li.estimate if li.estimate > 0 else np.inf
    lo = h.lo / li.hi if li.hi > 0 and np.isfinite(li.hi) else 0.0
    hi = h.hi / li.lo if li.lo > 0 else np.inf
    return stats.Interval(float(est), float(lo), float(hi), h.n, 0.95, "ratio of 97.5% order-statistics median intervals")


def _fmt(iv) -> str:
    return f"x{iv.estimate:.3g} [{iv.lo:.3g}, {iv.hi:.3g}]"


@claim(
    "Y26.convergence",
    provenance="seed-abstract", source=src("sign-based optimizers under heavy-tailed noise"),
    statement=("Under heavy-tailed noise SignSGD, Lion, Muon and Muonlight converge with sharp rates, while methods "
               "relying on finite variance degrade."),
    printed=printed_convergence, parameters=("alpha",), variants=variants_convergence,
)
def check_convergence(printed, profile):
    st = convergence_study(profile)
    H_ = st["horizons"]
    crit_beats, crit_degr = tol.Y26_BELOW, tol.Y26_DEGRADES

    def get(T, m, a):
        return next(r for r in st["by_horizon"][T] if r["noise"] == "sas" and r["method"] == m and r["index"] == a)

    sas = [r for r in st["rows"] if r["noise"] == "sas"]
    light = max(r["index"] for r in sas)
    heavy = min(r["index"] for r in sas)
    parts = {}

    def decide(name, ivs, crit, claimed, holds_txt, fails_txt):
        """``claimed`` True: the word must hold; False: it must fail. Judged at every horizon."""
        js = {T: stats.judge(iv, crit) for T, iv in ivs.items()}
        ev = {"interval_by_horizon": {T: iv.as_evidence() for T, iv in ivs.items()}, "judgement_by_horizon": js,
              "criterion": {"word": crit.word, "threshold": crit.threshold, "direction": crit.direction, "reason": crit.reason}}
        main = js[H_[-1]]
        und = [T for T, j in js.items() if j == "undecided"]
        tail = f" (undecided at T = {und})" if und else ""
        txt = ", ".join(f"T={T}: {_fmt(iv)}" for T, iv in ivs.items())
        if main == "holds" and "fails" not in js.values():
            ok = claimed
            v = Verdict.HOLDS if ok else Verdict.FAILS
            fin = f"{holds_txt} ({txt}){tail}"
        elif main == "fails" and "holds" not in js.values():
            ok = not claimed
            v = Verdict.HOLDS if ok else Verdict.FAILS
            fin = f"{fails_txt} ({txt}){tail}"
        else:
            return Result(Verdict.INCONCLUSIVE, f"{name}: undecided over seeds/horizons ({txt})", "simulation", ev)
        if v is Verdict.FAILS:
            ev["counterexample"] = ev["interval_by_horizon"]
        return Result(v, fin, "simulation", ev)

    for w, l in printed["beats"]:
        if w not in METHODS_ALL or l not in METHODS_ALL:
            raise ValueError(f"printed: unknown method in {(w, l)}; methods {METHODS_ALL}")
        ivs = {T: _paired_ratio(get(T, l, heavy), get(T, w, heavy)) for T in H_}
        word = stats.word_for_factor(ivs[H_[-1]], _factor_words())
        parts[f"{w}>{l}"] = decide(f"{w} vs {l}", ivs, crit_beats, True,
                                   f"{w} ends {word or 'below'} {l} at SaS alpha = {heavy}, {l}/{w} per seed",
                                   f"{w} does not end below {l} at alpha = {heavy}")
    robust = list(printed.get("robust", []))
    for m in list(printed["degrades"]) + robust:
        if m not in METHODS_ALL:
            raise ValueError(f"printed: unknown method {m!r}; methods {METHODS_ALL}")
        ivs = {T: _ratio_of_medians(get(T, m, heavy), get(T, m, light)) for T in H_}
        claimed = m in printed["degrades"]
        key = f"{m}_degrades" if claimed else f"{m}_robust"
        parts[key] = decide(key, ivs, crit_degr, claimed,
                            f"{m}'s median suboptimality grows from alpha {light} to {heavy}",
                            f"{m}'s median suboptimality does not grow by x{crit_degr.threshold:g} from alpha {light} to {heavy}")
    T = H_[-1]
    degr = {m: _ratio_of_medians(get(T, m, heavy), get(T, m, light)) for m in METHODS_ALL}
    div = {m: get(T, m, heavy)["divergence_at_tuned_lr"] for m in METHODS_ALL}
    vs_sgd = {m: _paired_ratio(get(T, "sgd", heavy), get(T, m, heavy)) for m in SIGN_METHODS}
    words = {m: stats.word_for_factor(iv, _factor_words()) or "not clearly below" for m, iv in vs_sgd.items()}
    stays = [m for m in SIGN_METHODS if stats.judge(degr[m], crit_degr) == "fails"]
    edge = sorted({(r["method"], r["noise"], r["index"]) for r in st["rows"] if r["lr_at_grid_edge"]})
    summary = (f"at SaS alpha = {heavy} (T = {T}, {st['seeds']} seeds): " +
               ", ".join(f"{m} ends {words[m]} SGD ({_fmt(vs_sgd[m])})" for m in SIGN_METHODS) +
               f"; SGD degrades {_fmt(degr['sgd'])} from alpha {light} (divergence {div['sgd']:.2f} vs sign methods "
               f"{max(div[m] for m in SIGN_METHODS):.2f}); within x{crit_degr.threshold:g} of the light-tail value: "
               f"{', '.join(stays) or 'none'}; Muonlight not tested (definition unavailable)")
    res = combine(parts, holds=summary)
    res.evidence["study"] = {k: v for k, v in st.items() if k != "by_horizon"}
    res.evidence["degradation_heavy_over_light"] = {m: iv.as_evidence() for m, iv in degr.items()}
    res.evidence["sgd_over_method_at_heavy"] = {m: iv.as_evidence() for m, iv in vs_sgd.items()}
    res.evidence["words"] = {"criteria": [(c.word, c.threshold) for c in _factor_words()], "used": words}
    res.evidence["divergence_at_tuned_lr_heavy"] = div
    res.evidence["tuned_lr_at_grid_edge"] = edge
    res.evidence["muonlight"] = ht.MISSING["muonlight"]
    res.evidence["definitions"] = {m: ht.METHODS[m][0] for m in ht.METHODS}
    return res
