"""T26.complexity: the printed sample complexities, their headline factor (symbolic) and their rates in
d, eps and sigma (measured, with intervals)."""

from __future__ import annotations

import functools
import math

import numpy as np

from theorycheck.claims.t26._common import PAPER_GRID, _sp, src  # noqa: F401
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.rng import claim_seed
from theorycheck.models import separable as s

# ----------------------------------------------------------------------------------------------
# T26.complexity: sweep over d
# ----------------------------------------------------------------------------------------------

def printed_complexity():
    sp = _sp()
    L, D, e, s1, phi, d = sp.symbols("L_inf Delta epsilon sigma_1 phi d", positive=True)
    return {"N_signsgd": L * D / e**2 + s1**2 * L * D / e**4,
            "N_sgd": d * L * D / e**2 + s1**2 * L * D / (phi * e**4),
            "advantage_sparse": d}


def predicted_exponents(pr) -> dict:
    """Exponent of d in N_SGD/N_SignSGD from the printed complexities, noise-dominated (eps -> 0),
    for phi = 1/d (sparse) and phi = 1 (dense), and of the printed headline factor."""
    sp = _sp()
    L, D, e, s1, phi, d = sp.symbols("L_inf Delta epsilon sigma_1 phi d", positive=True)
    ratio = pr["N_sgd"] / pr["N_signsgd"]
    out = {}
    for name, ph in (("sparse", 1 / d), ("dense", sp.Integer(1))):
        r0 = sp.limit(ratio.subs(phi, ph), e, 0)
        ex = None
        # the ratio must tend to a finite positive function of d; otherwise (eps-dependent blow-up or
        # collapse, an unevaluated Limit) the printed complexities predict no power of d: exponent None
        if not r0.has(sp.Limit) and r0.is_finite is not False and r0 not in (sp.oo, -sp.oo, sp.zoo, sp.nan) and r0 != 0:
            ex = sp.limit(sp.log(r0) / sp.log(d), d, sp.oo)
            if not (ex.is_number and ex.is_finite):
                ex = None
        out[name] = {"ratio_eps->0": str(r0), "exponent": ex}
    hl = sp.limit(sp.log(pr["advantage_sparse"]) / sp.log(d), d, sp.oo)
    out["headline"] = hl if (hl.is_number and hl.is_finite) else None
    return out


@functools.lru_cache(maxsize=4)
def complexity_sweep(profile: str) -> dict:
    """Measured N(eps) for SGD and SignSGD (B = 1, constant step tuned on 10^(0..-4 by 1/4)) on
    :func:`theorycheck.models.separable.stiff_instance` (L_inf = 2, sigma = 1, x_0 = 1, eps = 0.2)."""
    ds = (4, 8, 16, 32, 64) if profile == "quick" else (4, 8, 16, 32, 64, 128, 256)
    paths = 400 if profile == "quick" else 2000
    grid = 10.0 ** np.arange(0.0, -4.01, -0.25)
    eps, T_cap = 0.2, 200000
    out = {"d": list(ds), "eps": eps, "paths": paths, "grid": grid.tolist(), "L_inf": 2.0, "sigma": 1.0, "x0": 1.0}
    for regime in ("sparse", "dense"):
        rows = []
        for d in ds:
            g = s.stiff_instance(d, 2.0, 1.0, regime)
            a = s.sample_complexity("sgd", g, 1.0, eps, grid, T_cap)
            b = s.sample_complexity("signsgd", g, 1.0, eps, grid, T_cap, paths=paths, seed=d)
            rows.append({"d": d, "N_sgd": a["N"], "eta_sgd": a["eta"], "N_signsgd": b["N"], "eta_signsgd": b["eta"],
                         "reached": a["reached"] and b["reached"], "ratio": a["N"] / max(b["N"], 1)})
        x = np.log([r["d"] for r in rows])
        y = np.log([r["ratio"] for r in rows])
        out[regime] = {"rows": rows, "exponent": float(np.polyfit(x, y, 1)[0])}
    return out


def variants_complexity(p):
    sp = _sp()
    L, D, e, s1, phi, d = sp.symbols("L_inf Delta epsilon sigma_1 phi d", positive=True)
    return [
        Variant("advantage factor d^2 under sparse noise", "dependence", {**p, "advantage_sparse": p["advantage_sparse"] * d},
                param="d"),
        Variant("SGD's noise term with 1/phi^2", "dependence", {**p, "N_sgd": p["N_sgd"].subs(phi, phi**2)}, param="phi"),
        Variant("SignSGD's noise term ~ eps^-3", "dependence", {**p, "N_signsgd": p["N_signsgd"].subs(e**4, e**3)},
                param="epsilon"),
        Variant("SignSGD's noise term ~ ||sigma||_1 (not squared)", "dependence",
                {**p, "N_signsgd": p["N_signsgd"].subs(s1**2, s1)}, param="sigma_1"),
        Variant("SGD's noise term ~ eps^-5", "exponent", {**p, "N_sgd": p["N_sgd"].subs(e**4, e**5)}),
        # not declared: a joint change of the eps exponent in BOTH complexities keeps the ratio and is
        # not testable on quadratic families (they need ~eps^-2.3 samples, fewer than the worst case)
    ]


#: T26.complexity's rate sweeps of SignSGD (noise-dominated, sparse noise, d = 8): the printed
#: complexity is an upper bound (Theta), so a measured growth steeper than the printed one refutes it.
def _rate_points(profile: str) -> dict:
    quick = profile == "quick"
    return {"d": 8, "eps": (0.5, 0.4, 0.32, 0.25, 0.2, 0.16, 0.125),
            "sigma": (1.6, 2.0, 2.5, 3.2, 4.0, 5.0, 6.4) if quick else (1.25, 1.6, 2.0, 2.5, 3.2, 4.0, 5.0, 6.4, 8.0),
            "eps_at_sigma": 3.0, "sigma_at_eps": 0.25, "paths": 800 if quick else 4000,
            "grid": tuple(float(x) for x in 10.0 ** np.arange(-0.125, -4.01, -0.25))}


@functools.lru_cache(maxsize=4)
def signsgd_rate_sweep(profile: str) -> dict:
    """Measured N_SignSGD(eps) on :func:`theorycheck.models.separable.stiff_instance` (sparse noise, d = 8,
    L_inf = 2, x_0 = 1, Delta = 1) along eps (sigma fixed) and along sigma (eps fixed); the step-size grid
    avoids 1 (from x_0 = 1 a unit step lands exactly on the minimum: not a rate)."""
    P = _rate_points(profile)
    out = {"setup": {k: v for k, v in P.items()}}
    rows = []
    for e in P["eps"]:
        g = s.stiff_instance(P["d"], 2.0, P["eps_at_sigma"], "sparse")
        r = s.sample_complexity("signsgd", g, 1.0, e, np.array(P["grid"]), 200000, paths=P["paths"],
                                seed=claim_seed("T26.complexity", "eps", e) % 2**32)
        rows.append({"eps": e, "sigma": P["eps_at_sigma"], **r})
    out["eps"] = rows
    rows = []
    for sg in P["sigma"]:
        g = s.stiff_instance(P["d"], 2.0, sg, "sparse")
        r = s.sample_complexity("signsgd", g, 1.0, P["sigma_at_eps"], np.array(P["grid"]), 200000, paths=P["paths"],
                                seed=claim_seed("T26.complexity", "sigma", sg) % 2**32)
        rows.append({"eps": P["sigma_at_eps"], "sigma": sg, **r})
    out["sigma"] = rows
    return out


def _signsgd_rate_part(p, profile, var: str) -> Result:
    """Exponent of the measured N_SignSGD in ``var`` (eps or sigma) with its interval (core/rates) against
    the printed complexity's exponent over the same points. Steeper than printed beyond the interval and
    ``Y25_T26_RATE_EXPONENT_ABS``: the printed upper bound fails on this family; shallower: no contradiction
    (a worst-case lower bound is not testable on one family)."""
    from theorycheck.core.rates import compare_exponent, fit_power

    sp = _sp()
    L, D, e, s1, phi, d = sp.symbols("L_inf Delta epsilon sigma_1 phi d", positive=True)
    sw = signsgd_rate_sweep(profile)
    rows = sw[var]
    xs = [r["eps" if var == "eps" else "sigma"] for r in rows]
    Ns = [r["N"] for r in rows]
    f = sp.lambdify((L, D, e, s1, phi, d), p["N_signsgd"], "math")
    dd = sw["setup"]["d"]
    printed = [float(f(2.0, 1.0, r["eps"], r["sigma"], 1.0 / dd, dd)) for r in rows]
    ev = {"points": rows, "printed_N": printed, "instance": "stiff_instance(d = 8, L_inf = 2, sparse), x_0 = 1, Delta = 1"}
    if not all(r["reached"] for r in rows) or min(Ns) < 2 or not all(v > 0 and math.isfinite(v) for v in printed):
        return Result(Verdict.INCONCLUSIVE, f"N_SignSGD along {var}: a run did not reach eps or the printed N is not "
                      "positive", "simulation", ev)
    fm, fp = fit_power(xs, Ns, tol.SEED_LEVEL), fit_power(xs, printed)
    cmp_ = compare_exponent(fm, fp.exponent, tol.Y25_T26_RATE_EXPONENT_ABS)
    steeper = (fp.exponent > fm.exponent_ci[1] + tol.Y25_T26_RATE_EXPONENT_ABS) if var == "eps" else \
        (fp.exponent < fm.exponent_ci[0] - tol.Y25_T26_RATE_EXPONENT_ABS)
    ev.update({"fit_measured": fm.as_evidence(), "fit_printed": fp.as_evidence(), "compare": cmp_,
               "tol": tol.Y25_T26_RATE_EXPONENT_ABS})
    msg = (f"N_SignSGD ~ {var}^{fm.exponent:.2f} [{fm.exponent_ci[0]:.2f}, {fm.exponent_ci[1]:.2f}] measured, "
           f"printed {var}^{fp.exponent:.2f} over the same points")
    if cmp_ == "agrees":
        return Result(Verdict.HOLDS, msg, "simulation", ev)
    if cmp_ == "differs" and steeper:
        ev["counterexample"] = {"family": ev["instance"], "measured_exponent": fm.exponent_ci, "printed": fp.exponent}
        return Result(Verdict.FAILS, msg + ": the measured complexity grows faster than the printed upper bound",
                      "simulation", ev)
    if cmp_ == "differs":  # the printed rate is steeper: the family is easier than the worst case
        return Result(Verdict.HOLDS, msg + ": consistent with the printed upper bound (this family is easier than "
                      "the worst case; the lower half of Theta is a worst-case statement, not testable here)",
                      "simulation", ev)
    return Result(Verdict.INCONCLUSIVE, msg + ": the interval is too wide to decide", "simulation", ev)


@claim("T26.complexity", provenance="seed-abstract", source=src("complexity comparison"),
       statement="SignSGD needs Theta(L_inf Delta/eps^2 + ||sigma||_1^2 L_inf Delta/eps^4) samples, SGD "
                 "Omega(d L_inf Delta/eps^2 + ||sigma||_1^2 L_inf Delta/(phi eps^4)): a factor d in favour of SignSGD "
                 "when the noise is sparse (phi ~ 1/d).",
       printed=printed_complexity, parameters=("d", "epsilon", "sigma_1", "phi"), variants=variants_complexity)
def check_complexity(p, profile):
    pred = predicted_exponents(p)
    sw = complexity_sweep(profile)
    tol_e = tol.T26_EXPONENT_ABS
    ev = {"predicted_from_printed": {k: (v if k == "headline" else {**v, "exponent": str(v["exponent"])})
                                     for k, v in pred.items()},
          "measured": sw, "exponent_tol": tol_e,
          "instance": "L_1 = L_inf/2, L_i = L_inf/(2(d-1)); sparse: sigma on coordinate 1; dense: sigma/sqrt(d) each "
                      "(same ||sigma||_2); N(eps) = first step with E||grad f||_1 <= eps, best constant step"}
    ev["predicted_from_printed"]["headline"] = str(pred["headline"])
    parts = {}
    # (a) the headline factor follows from the printed complexities
    from theorycheck.core.symcheck import prove_equal

    ex_s, hl = pred["sparse"]["exponent"], pred["headline"]
    if ex_s is None or hl is None:
        pe = None
    else:
        pe = prove_equal(ex_s, hl)
        ev["headline_equality"] = pe.as_evidence()
    if ex_s is None:
        parts["headline"] = Result(Verdict.CORRECTED, f"the printed complexities give N_SGD/N_SignSGD -> "
                                   f"{pred['sparse']['ratio_eps->0']} as eps -> 0 (sparse noise): no factor that is a "
                                   f"power of d, so not {p['advantage_sparse']}", "symbolic",
                                   {"counterexample": {"ratio_eps->0": pred["sparse"]["ratio_eps->0"]}},
                                   correction=f"the printed complexities give N_SGD/N_SignSGD -> "
                                              f"{pred['sparse']['ratio_eps->0']} as eps -> 0 under sparse noise "
                                              "(phi = 1/d), not a factor that is a power of d")
    elif hl is None:
        parts["headline"] = Result(Verdict.INCONCLUSIVE, f"the printed advantage {p['advantage_sparse']} is not a power "
                                   "of d that SymPy could read off", "symbolic", {})
    elif pe.proved:
        parts["headline"] = Result(Verdict.HOLDS, f"printed complexities give N_SGD/N_SignSGD -> {pred['sparse']['ratio_eps->0']} "
                                   "(sparse) and 1 (dense) as eps -> 0", "symbolic", {})
    elif not pe.refuted:
        parts["headline"] = Result(Verdict.INCONCLUSIVE, f"could not decide whether exponent {ex_s} equals {hl}", "symbolic", {})
    else:
        parts["headline"] = Result(Verdict.CORRECTED, f"the printed complexities give a factor {pred['sparse']['ratio_eps->0']} "
                                   f"(sparse noise), not {p['advantage_sparse']}", "symbolic", {},
                                   correction=f"advantage factor under sparse noise = {pred['sparse']['ratio_eps->0']} (= 1/phi)")
    # (b) measured growth exponents in d of N_SGD/N_SignSGD (intervals from core/rates) vs the prediction
    from theorycheck.core.rates import compare_exponent, fit_power

    reached = all(r["reached"] for reg in ("sparse", "dense") for r in sw[reg]["rows"])
    ok, fits = [], {}
    for reg in ("sparse", "dense"):
        ex = pred[reg]["exponent"]
        fit = fit_power([r["d"] for r in sw[reg]["rows"]], [r["ratio"] for r in sw[reg]["rows"]], tol.SEED_LEVEL)
        fits[reg] = fit.as_evidence()
        # no numeric predicted exponent (see predicted_exponents): nothing to compare -> inconclusive
        ok.append(ex is not None and ex.is_number and compare_exponent(fit, float(ex), tol_e) == "agrees")
    ev["fits_in_d"] = fits
    msg = (f"measured exponent of d in N_SGD/N_SignSGD: sparse {sw['sparse']['exponent']:.3f} "
           f"[{fits['sparse']['exponent_ci'][0]:.2f}, {fits['sparse']['exponent_ci'][1]:.2f}] (printed predicts "
           f"{pred['sparse']['exponent']}), dense {sw['dense']['exponent']:.3f} [{fits['dense']['exponent_ci'][0]:.2f}, "
           f"{fits['dense']['exponent_ci'][1]:.2f}] (predicts {pred['dense']['exponent']})")
    if reached and all(ok):
        parts["sweep"] = Result(Verdict.HOLDS, msg + "; reproduced on one instance family (the bounds are worst case)",
                                "simulation", {})
    else:
        parts["sweep"] = Result(Verdict.INCONCLUSIVE, msg + ("" if reached else "; some runs did not reach eps") +
                                "; a single instance family cannot refute a worst-case bound", "simulation", {})
    # (c) SignSGD's rates in eps and in sigma (an upper bound: refutable by a steeper measured growth)
    parts["signsgd_eps"] = _signsgd_rate_part(p, profile, "eps")
    parts["signsgd_sigma"] = _signsgd_rate_part(p, profile, "sigma")
    r = combine(parts)
    r.evidence.update(ev)
    return r
