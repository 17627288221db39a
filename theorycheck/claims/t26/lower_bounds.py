"""T26's lower bounds: theorem 2 (SignSGD, any step size and batch) and theorem 3 (SGD, ``B = 1``).

Only a news summary of T26 is in the seeds: the statements are the transcription of SPEC.md
(seed-abstract). What is checked, for each printed Omega term:

1. **Below the known upper bound** (exact, for all parameters): a lower bound can never exceed
   what the method provably achieves. SignSGD: ``O(sqrt(L_inf Delta/N) + (||sigma||_1^2 L_inf Delta/N)^{1/4})``
   (T26.thm1; Bernstein et al. 2018 with ``B ~ T``). SGD, ``B = 1``: ``avg E||grad f||_2^2 <= 2 Delta/(eta T)
   + eta L sigma^2`` (Ghadimi and Lan 2013, with ``L_2 <= L_inf``) and ``||.||_1 <= sqrt(d) ||.||_2`` give
   ``O(sqrt(d L_inf Delta/T) + (d^2 ||sigma||_2^2 L_inf Delta/T)^{1/4})``. A term that outgrows every
   upper-bound term along some direction of the parameters (as the horizon grows, noise possibly
   0) is refuted: :func:`theorycheck.models.lower_bounds.exceeds` (a linear program on exponents).
2. **Attained on hard instances** (simulation): the max over an instance family of the min over a
   step-size (and batch) grid of ``E[(1/T) sum_t ||grad f(x_t)||_1]`` is measured along sweeps of the
   horizon, ``d`` and the noise (:mod:`theorycheck.models.lower_bounds`), and its fitted exponent
   (with a 95% interval) is compared with the printed one. The exponents in ``L_inf`` and ``Delta``
   follow from an exact scaling symmetry (checked: rescaled instances give the same values). A
   measured exponent that differs cannot refute a lower bound (another instance may be harder):
   the part is then inconclusive, or sharpened where the measured bound is stronger in the only
   direction the parameter can go (horizon, ``d`` growing).
"""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.rates import compare_exponent, fit_power
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.models import lower_bounds as lb


def _sp():
    import sympy as sp

    return sp


def _syms():
    sp = _sp()
    return {n: sp.Symbol(n, positive=True) for n in ("N", "T", "d", "sigma_1", "sigma_2", "L_inf", "Delta")}


def exponents(term, params) -> dict:
    """``{param: exponent}`` of a monomial ``C prod p^e`` (constants dropped); ValueError otherwise."""
    sp = _sp()
    S = _syms()
    e = sp.expand_log(sp.log(sp.sympify(term)), force=True)
    out = {}
    for p in params:
        c = e.coeff(sp.log(S[p]))
        if not c.is_number:
            raise ValueError(f"term: {term} is not a monomial in {p}")
        out[p] = float(c)
    rest = sp.simplify(e - sum(sp.Float(out[p]) * sp.log(S[p]) for p in params))
    if rest.free_symbols & {S[p] for p in params}:
        raise ValueError(f"term: {term} is not a monomial in {params}")
    return out


# ----------------------------------------------------------------------------------------------
# statements and upper bounds
# ----------------------------------------------------------------------------------------------

def printed_thm2():
    sp = _sp()
    S = _syms()
    N, s1, L, D = S["N"], S["sigma_1"], S["L_inf"], S["Delta"]
    return {"method": "signsgd", "horizon": "N", "noise": "sigma_1",
            "terms": [sp.sqrt(L * D / N), (s1 ** 2 * L * D / N) ** sp.Rational(1, 4)]}


def printed_thm3():
    sp = _sp()
    S = _syms()
    T, d, s2, L, D = S["T"], S["d"], S["sigma_2"], S["L_inf"], S["Delta"]
    return {"method": "sgd", "horizon": "T", "noise": "sigma_2",
            "terms": [sp.sqrt(d * L * D / T), (d * s2 ** 2 * L * D / T) ** sp.Rational(1, 4)]}


def upper_bound(method: str) -> list:
    """The known upper bound (monomials) of the method, see the module docstring."""
    sp = _sp()
    S = _syms()
    L, D = S["L_inf"], S["Delta"]
    if method == "signsgd":
        N, s1 = S["N"], S["sigma_1"]
        return [sp.sqrt(L * D / N), (s1 ** 2 * L * D / N) ** sp.Rational(1, 4)]
    T, d, s2 = S["T"], S["d"], S["sigma_2"]
    return [sp.sqrt(d * L * D / T), (d ** 2 * s2 ** 2 * L * D / T) ** sp.Rational(1, 4)]


PARAMS = {"signsgd": ("N", "sigma_1", "L_inf", "Delta", "d"), "sgd": ("T", "d", "sigma_2", "L_inf", "Delta")}


def _variants(p):
    sp = _sp()
    S = _syms()
    h, nz = S[p["horizon"]], S[p["noise"]]
    det, noi = p["terms"]
    L, D, d = S["L_inf"], S["Delta"], S["d"]
    mk = lambda name, kind, terms, param=None: Variant(name, kind, {**p, "terms": terms}, param)
    out = [
        mk("deterministic term with exponent 1/4", "exponent", [det ** sp.Rational(1, 2), noi]),
        mk("noise term decays like horizon^(-1/8)", "dependence", [det, noi * h ** sp.Rational(1, 8)], p["horizon"]),
        mk("noise term linear in the noise level", "dependence", [det, noi * sp.sqrt(nz)], p["noise"]),
        mk("noise term with L_inf^(1/2)", "dependence", [det, noi * L ** sp.Rational(1, 4)], "L_inf"),
        mk("deterministic term linear in Delta", "dependence", [det * sp.sqrt(D), noi], "Delta"),
    ]
    if p["method"] == "signsgd":
        out.append(mk("SGD's factor sqrt(d) in the deterministic term", "other", [det * sp.sqrt(d), noi]))
    else:
        out.append(mk("deterministic term linear in d", "dependence", [det * sp.sqrt(d), noi], "d"))
        out.append(mk("noise term with d^(3/2)", "other", [det, noi * d ** sp.Rational(5, 4)]))
    return out


# ----------------------------------------------------------------------------------------------
# measurements (cached by their parameters only)
# ----------------------------------------------------------------------------------------------

def _cfg(profile: str) -> dict:
    if profile == "quick":
        return {"sgd_T": [2 ** k for k in range(10, 15)], "sgd_d": [8, 16, 32, 64, 128], "sgd_s": [0.25, 0.5, 1.0, 2.0, 4.0],
                "sgd_T0": 2 ** 14, "sgd_d0": 16, "sgd_noise": ("sparse",),
                "sign_N": [2 ** k for k in range(8, 13)], "sign_s": [1.0, 2.0, 4.0, 8.0, 16.0], "sign_N0": 2 ** 11,
                "sign_s0": 2.0, "paths": 32}
    return {"sgd_T": [2 ** k for k in range(10, 19)], "sgd_d": [8, 16, 32, 64, 128, 256, 512],
            "sgd_s": [0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0], "sgd_T0": 2 ** 16, "sgd_d0": 16, "sgd_noise": ("sparse",),
            "sign_N": [2 ** k for k in range(8, 15)], "sign_s": [0.5, 1.0, 2.0, 4.0, 8.0, 16.0], "sign_N0": 2 ** 12,
            "sign_s0": 2.0, "paths": 64, "dense_check": (2 ** 12, 16, 1.0)}


#: Grids: steps spaced by 2^(1/2) (SGD) or 2 (SignSGD); the adversary's flat curvature lam (relative to its cap
#: L/(2(d-1))) and the skew q of the noise by 2^(1/2) and 2. Each result records whether an optimum sat at an end.
ETAS_SGD = tuple(2.0 ** np.arange(-16, 3.01, 0.5))
LAMS_REL = tuple(2.0 ** -np.arange(0, 30.01, 0.5))
ETAS_SIGN = tuple(2.0 ** np.arange(-12, 2.01, 1.0))
QS = tuple(2.0 ** -np.arange(1, 14, 1.0))


@functools.lru_cache(maxsize=512)
def _sgd_point(T: int, d: int, s: float, noise: str, L: float = 1.0, Delta: float = 1.0, eta_scale: float = 1.0) -> dict:
    etas = np.array(ETAS_SGD) * eta_scale
    return lb.sgd_lower_bound(T, d, s, etas, LAMS_REL, L, Delta, noise)


def _sgd_lb(T, d, s, noises):
    pts = [_sgd_point(T, d, s, n) for n in noises]
    i = int(np.argmax([p["value"] for p in pts]))
    return {**pts[i], "family": noises[i]}


@functools.lru_cache(maxsize=512)
def _sign_point(N: int, s: float, paths: int, L: float = 1.0, Delta: float = 1.0, eta_scale: float = 1.0) -> dict:
    etas = np.array(ETAS_SIGN) * eta_scale
    return lb.signsgd_lower_bound(N, s, etas, QS, None, paths, L, Delta, seed=N)


def _fit(xs, rows, key="value"):
    return fit_power(xs, [r[key] for r in rows])


@functools.lru_cache(maxsize=4)
def measure(method: str, profile: str) -> dict:
    """Sweeps of the measured lower bound: horizon (noise-free and noisy), d (SGD), noise level;
    plus the scaling-symmetry check. Cached by (method, profile)."""
    c = _cfg(profile)
    out = {}
    if method == "sgd":
        T0, d0, nz = c["sgd_T0"], c["sgd_d0"], c["sgd_noise"]
        sw = {"det_T": [(T, _sgd_lb(T, d0, 0.0, ("sparse",))) for T in c["sgd_T"]],
              "noise_T": [(T, _sgd_lb(T, d0, 1.0, nz)) for T in c["sgd_T"]],
              "det_d": [(d, _sgd_lb(T0, d, 0.0, ("sparse",))) for d in c["sgd_d"]],
              "noise_d": [(d, _sgd_lb(T0, d, 1.0, nz)) for d in c["sgd_d"]],
              "noise_s": [(s, _sgd_lb(T0, d0, s, nz)) for s in c["sgd_s"]]}
        # scaling: L = 4, Delta = 9 (sqrt(L Delta) = 6), sigma scaled by 6, steps by 1/L
        a = _sgd_point(c["sgd_T"][0], d0, 1.0, "sparse")
        b = _sgd_point(c["sgd_T"][0], d0, 6.0, "sparse", 4.0, 9.0, 0.25)
        out["scaling"] = {"base": a["value"], "scaled/6": b["value"] / 6.0}
        if "dense_check" in c:  # the same instance with the noise spread over every coordinate (same ||sigma||_2)
            T1, d1, s1 = c["dense_check"]
            out["dense_vs_sparse"] = {"T": T1, "d": d1, "s": s1, "dense": _sgd_point(T1, d1, s1, "dense")["value"],
                                      "sparse": _sgd_point(T1, d1, s1, "sparse")["value"]}
    else:
        sw = {"det_N": [(N, _sign_point(N, 0.0, 1)) for N in c["sign_N"]],
              "noise_N": [(N, _sign_point(N, c["sign_s0"], c["paths"])) for N in c["sign_N"]],
              "noise_s": [(s, _sign_point(c["sign_N0"], s, c["paths"])) for s in c["sign_s"]]}
        N0 = c["sign_N"][0]
        a = _sign_point(N0, 1.0, c["paths"])
        b = _sign_point(N0, 6.0, c["paths"], 4.0, 9.0, 1.5)  # x scales by sqrt(Delta/L) = 1.5
        out["scaling"] = {"base": a["value"], "scaled/6": b["value"] / 6.0}
    out["sweeps"] = {k: {"x": [x for x, _ in v], "points": [r for _, r in v], "fit": _fit([x for x, _ in v], [r for _, r in v])}
                     for k, v in sw.items()}
    out["config"] = {k: v for k, v in c.items()}
    return out


# ----------------------------------------------------------------------------------------------
# the check
# ----------------------------------------------------------------------------------------------

def _regime_note(p) -> str:
    """Where the printed terms exceed sqrt(2 L_inf Delta) >= ||grad f(x_0)||_1, which any method attains
    with a vanishing step: a non-asymptotic form needs the horizon beyond this."""
    sp = _sp()
    S = _syms()
    h = S[p["horizon"]]
    triv = sp.sqrt(2 * S["L_inf"] * S["Delta"])
    conds = []
    for t in p["terms"]:
        sol = sp.solve(sp.Eq(t, triv), h)
        if sol:
            conds.append(f"{p['horizon']} >= {sp.simplify(sol[0])}")
    return "; ".join(conds)


def _ub_part(p) -> tuple[Result, list]:
    method, h, nz = p["method"], p["horizon"], p["noise"]
    params = [x for x in PARAMS[method]]
    ub = upper_bound(method)
    ub_e = [exponents(u, params) for u in ub]
    rows, bad = [], []
    for t in p["terms"]:
        e = exponents(t, params)
        r = lb.exceeds(e, ub_e, h, params, at_least_one=("d",), zeroable=(nz,))
        rows.append({"term": str(t), "exponents": e, **r})
        if r["exceeds"]:
            bad.append((t, r))
    ev = {"upper_bound": " + ".join(str(u) for u in ub), "terms": rows,
          "reading": f"Omega as {h} -> infinity (beyond a threshold that may depend on the other parameters); "
                     f"d >= 1; {nz} may be 0"}
    if not bad:
        return Result(Verdict.HOLDS, f"every printed term stays below the upper bound {' + '.join(map(str, ub))}",
                      "numeric", ev), []
    msg = "; ".join(f"{t} exceeds the upper bound ({r['scenario']}, growing along {r['direction']})" for t, r in bad)
    return Result(Verdict.CORRECTED, msg, "numeric", {**ev, "counterexample": [r for _, r in bad]},
                  correction=f"no lower bound can exceed the upper bound O({' + '.join(map(str, ub))}): "
                             + "; ".join(f"{t} is too large" for t, _ in bad)), bad


def _measured_parts(p, profile) -> dict:
    method, h, nz = p["method"], p["horizon"], p["noise"]
    params = PARAMS[method]
    m = measure(method, profile)
    sw = m["sweeps"]
    det_e = exponents(p["terms"][0], params)
    noi_e = exponents(p["terms"][1], params)
    tol_e = tol.T26_LB_EXPONENT_ABS
    parts = {}
    sc = m["scaling"]
    scale_ok = abs(sc["scaled/6"] - sc["base"]) <= tol.SIM_FLOAT64_REL * abs(sc["base"])
    plan = [("det", h, f"det_{h}"), ("noise", h, f"noise_{h}"), ("noise", nz, "noise_s")]
    if method == "sgd":
        plan += [("det", "d", "det_d"), ("noise", "d", "noise_d")]
    e_s = sw["noise_s"]["fit"]
    one_sided = {h, "d"}
    for which, param, key in plan + [("det", "L_inf", None), ("det", "Delta", None), ("noise", "L_inf", None),
                                      ("noise", "Delta", None)]:
        printed_e = (det_e if which == "det" else noi_e).get(param, 0.0)
        if key is not None:
            fit = sw[key]["fit"]
            lo, hi, est = fit.exponent_ci[0], fit.exponent_ci[1], fit.exponent
            ev = {"sweep": key, "x": sw[key]["x"], "measured_lb": [r["value"] for r in sw[key]["points"]],
                  "argmin_at_grid_end": [r.get("eta_at_grid_end") for r in sw[key]["points"]],
                  "argmax_at_grid_end": [r.get("lam_at_grid_end", r.get("q_at_grid_end")) for r in sw[key]["points"]],
                  "fit": fit.as_evidence()}
            word = compare_exponent(fit, printed_e, tol_e)
            edge = any(ev["argmin_at_grid_end"]) or any(x for x in ev["argmax_at_grid_end"] if x)
        else:  # scaling symmetry: exponent in L_inf and Delta
            if not scale_ok:
                parts[f"{which}:{param}"] = Result(Verdict.INCONCLUSIVE, "the scaling symmetry did not reproduce",
                                                   "simulation", {"scaling": sc})
                continue
            if which == "det":
                est = lo = hi = 0.5
            else:
                est = lb.scaling_exponents(e_s.exponent)[param]
                lo, hi = sorted(lb.scaling_exponents(x)[param] for x in e_s.exponent_ci)
            ev = {"from": "LB(L, Delta, s) = sqrt(L Delta) LB(1, 1, s/sqrt(L Delta)) (checked: rescaled instance)",
                  "scaling": sc, "exponent": est, "interval": [lo, hi]}
            if printed_e < lo - tol_e or printed_e > hi + tol_e:
                word = "differs"
            elif hi - lo > 2 * tol_e:
                word = "undecided"
            else:
                word = "agrees"
            edge = False
        name = f"{which}:{param}"
        txt = f"{which} term, exponent in {param}: measured {est:.3f} [{lo:.3f}, {hi:.3f}], printed {printed_e:g}"
        if edge:
            parts[name] = Result(Verdict.INCONCLUSIVE, txt + " (an optimum sits at the end of its grid)", "simulation", ev)
        elif word == "agrees":
            parts[name] = Result(Verdict.HOLDS, txt, "simulation", ev)
        elif word == "undecided":
            parts[name] = Result(Verdict.INCONCLUSIVE, txt + " (interval too wide to decide)", "simulation", ev)
        elif est > printed_e and param in one_sided:
            parts[name] = Result(Verdict.SHARPENED, txt + " (the hard instances give a stronger bound)", "simulation", ev,
                                 correction=f"on the constructed instances the {which} term grows like {param}^{est:.2f}")
        else:
            parts[name] = Result(Verdict.INCONCLUSIVE, txt + " (the constructed instances do not attain the printed "
                                 "rate; a lower bound is not refuted by one instance family)", "simulation", ev)
    return parts


def _check(p, profile, what: str) -> Result:
    ub_res, bad = _ub_part(p)
    parts = {"upper_bound": ub_res}
    parts.update(_measured_parts(p, profile))
    note = _regime_note(p)
    r = combine(parts, holds=f"{what}: every printed term stays below the known upper bound, and the constructed "
                             "hard instances attain its exponents in every parameter (grid-tuned, measured)")
    r.evidence["regime"] = ("the printed terms exceed sqrt(2 L_inf Delta) >= ||grad f(x_0)||_1 (attained by any method "
                            f"with a vanishing step) unless {note}: read as Omega for a large horizon")
    if "dense_vs_sparse" in measure(p["method"], profile):
        r.evidence["dense_vs_sparse_noise"] = measure(p["method"], profile)["dense_vs_sparse"]
    r.evidence["what_was_checked"] = ("seed-abstract statement: consistency with the known upper bound (exact) and "
                                      "attainment on separable hard instances with grid-tuned step sizes"
                                      + (" and batch sizes" if p["method"] == "signsgd" else "")
                                      + "; no proof for every algorithm parameter or instance")
    if bad and r.verdict is Verdict.CORRECTED:
        meas = {k: v.evidence.get("fit", {}).get("exponent") for k, v in parts.items() if k != "upper_bound"}
        r.correction = (r.correction or "") + f" (measured exponents on the hard instances: {meas})"
    return r


@claim("T26.thm2", provenance="seed-abstract", source=cite("T26", "Theorem 2 (SignSGD lower bound)"),
       statement="For SignSGD with any step size eta and batch size B (N = B T samples): E[(1/T) sum_t ||grad f(x_t)||_1] "
                 "= Omega(sqrt(L_inf Delta/N) + (||sigma||_1^2 L_inf Delta/N)^{1/4}), matching theorem 1.",
       printed=printed_thm2, parameters=("N", "sigma_1", "L_inf", "Delta"), variants=_variants, tags=("simulation",))
def check_thm2(p, profile):
    return _check(p, profile, "SignSGD lower bound")


@claim("T26.thm3", provenance="seed-abstract", source=cite("T26", "Theorem 3 (SGD lower bound)"),
       statement="For SGD with B = 1: E[(1/T) sum_t ||grad f(x_t)||_1] = Omega(sqrt(d L_inf Delta/T) + "
                 "(d ||sigma||_2^2 L_inf Delta/T)^{1/4}).",
       printed=printed_thm3, parameters=("T", "d", "sigma_2", "L_inf", "Delta"), variants=_variants, tags=("simulation",))
def check_thm3(p, profile):
    return _check(p, profile, "SGD lower bound")
