"""T26 (Tao, Yu, Zhang 2026): SignSGD vs SGD under ell_1 stationarity, ell_inf smoothness and
sparse noise (kernels in :mod:`theorycheck.models.separable`).

* T26.lemma1: for ``f = sum_i g_i(x_i)`` with ``|g_i''| <= L_i`` the Taylor remainder is
  ``|sum_i int ...| <= (1/2) sum_i L_i v_i^2 <= (||L||_1/2) ||v||_inf^2``; for the quadratic
  ``(1/2) sum L_i x_i^2`` the remainder is exactly ``(1/2) sum L_i v_i^2`` and ``v = 1`` attains
  ``||L||_1``, so the constant is tight.
* T26.thm1 (intermediate step) is simulated; on a noise-free quadratic from ``x_0 = 1`` it is
  attained with equality (every coordinate reaches 0 at the same step).
* T26.exp.det / T26.exp.sparse: the paper's experiments, step sizes tuned on ``10^-2 .. 10^-8``.
* T26.complexity: the printed complexities predict ``N_SGD/N_SignSGD ~ 1/phi`` (noise-dominated):
  ``d`` for sparse noise, 1 for dense; measured on a stiff separable quadratic.
* T26.muon: ``msign`` via SVD vs Newton-Schulz.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from theorycheck.claims.t26._common import PAPER_GRID, _sp, src  # noqa: F401
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.rng import claim_rng, claim_seed
from theorycheck.models import separable as s

# ----------------------------------------------------------------------------------------------
# T26.lemma1
# ----------------------------------------------------------------------------------------------

def printed_lemma1():
    """``L_inf = factor * d^d_power * ||L||_p`` with ``p = 1``, ``factor = 1``, ``d_power = 0`` as printed."""
    return {"norm_ord": 1, "factor": 1, "d_power": 0}


def variants_lemma1(p):
    return [
        Variant("L_inf = ||L||_2", "dependence", {**p, "norm_ord": 2}, param="L"),
        Variant("L_inf = max_i L_i (= ||L||_inf)", "dependence", {**p, "norm_ord": math.inf}, param="L"),
        Variant("L_inf = ||L||_1 / 2", "constant", {**p, "factor": p["factor"] / 2}),
        Variant("L_inf = ||L||_1 / sqrt(d)", "dependence", {**p, "d_power": p.get("d_power", 0) - 0.5}, param="d"),
        Variant("L_inf = -||L||_1", "sign", {**p, "factor": -p["factor"]}),
    ]


#: separable test functions h with sup |h''| = 1 (g_i = L_i h), with h and h'
_SEP_FUNCS = {
    "x^2/2": (lambda x: 0.5 * x * x, lambda x: x),
    "log cosh x": (lambda x: np.logaddexp(x, -x) - math.log(2.0), np.tanh),
    "1 - cos x": (lambda x: 1 - np.cos(x), np.sin),
    "sqrt(1 + x^2)": (lambda x: np.sqrt(1 + x * x), lambda x: x / np.sqrt(1 + x * x)),
}


@functools.lru_cache(maxsize=2)
def lemma1_numeric(profile: str) -> dict:
    """max over random separable f, x, y of |f(y) - f(x) - <grad f(x), y - x>| / ((||L||_1/2)||y - x||_inf^2),
    the remainder reduced by an a-priori bound on its float64 rounding error (so a value > 1 is a
    genuine violation, not cancellation when ``|v| << |x|``). A sampled cross-check of the proof."""
    rng = claim_rng("T26.lemma1", "numeric", profile)
    n = 300 if profile == "quick" else 5000
    worst = {}
    for name, (h, dh) in _SEP_FUNCS.items():
        w = 0.0
        for _ in range(n):
            d = int(rng.integers(1, 40))
            L = rng.exponential(size=d) * float(rng.choice([1e-3, 1.0, 1e3]))
            x = rng.standard_normal(d) * float(rng.choice([0.1, 1.0, 10.0]))
            v = rng.choice([-1.0, 1.0], size=d) * rng.uniform(0.0, 1.0, size=d) ** float(rng.choice([0.01, 1.0]))
            v *= float(rng.choice([1e-3, 0.1, 1.0]))
            y = x + v
            terms = L * (h(y) - h(x) - dh(x) * v)
            rem = abs(float(np.sum(terms)))
            # a-priori float64 rounding bound of the cancelling difference (not a tuned slack):
            # each of the 3 terms and the sums carry at most a few ulps of their magnitude
            err = 8 * np.finfo(float).eps * float(np.sum(L * (np.abs(h(y)) + np.abs(h(x)) + np.abs(dh(x) * v))))
            w = max(w, max(rem - err, 0.0) / (0.5 * float(np.sum(L)) * float(np.max(np.abs(v))) ** 2))
        worst[name] = w
    return worst


@functools.lru_cache(maxsize=1)
def lemma1_proof() -> tuple[bool, dict]:
    """``L_inf = ||L||_1`` (sharp) for every ``d`` (indexed sums over ``i = 1..d``):

    1. separable smoothness bounds the remainder by ``(1/2) sum_i L_i v_i^2`` (the assumption, term by term);
    2. ``sum_i L_i (M^2 - v_i^2) = sum_i L_i (M - v_i)(M + v_i) >= 0`` for ``|v_i| <= M = ||v||_inf`` and
       ``L_i >= 0``, so the remainder is ``<= (||L||_1/2) ||v||_inf^2``;
    3. the quadratic ``(1/2) sum_i L_i x_i^2`` has remainder exactly ``(1/2) sum_i L_i v_i^2``, which is
       ``||L||_1/2`` at ``v = (1, ..., 1)`` (``||v||_inf = 1``): no smaller constant works.
    """
    from theorycheck.core.indexed import lin_sums
    from theorycheck.core.symcheck import prove_zero

    sp = _sp()
    d = sp.Symbol("d", integer=True, positive=True)
    i = sp.Symbol("i", integer=True, positive=True)
    Lb, x, v = sp.IndexedBase("L"), sp.IndexedBase("x"), sp.IndexedBase("v")
    M = sp.Symbol("M", positive=True)
    S = lambda e: sp.Sum(e, (i, 1, d))
    step2 = prove_zero(lin_sums(S(Lb[i] * M**2) - S(Lb[i] * v[i] ** 2) - S(Lb[i] * (M - v[i]) * (M + v[i]))))
    rem = S(Lb[i] * (x[i] + v[i]) ** 2 / 2) - S(Lb[i] * x[i] ** 2 / 2) - S(Lb[i] * x[i] * v[i])
    step3 = prove_zero(lin_sums(rem - S(Lb[i] * v[i] ** 2 / 2)))
    at_one = lin_sums(S(Lb[i] * 1**2 / 2))  # the remainder (1/2) sum L_i v_i^2 at v = (1, ..., 1)
    tight = prove_zero(at_one - lin_sums(S(Lb[i])) / 2)
    ok = step2.proved and step3.proved and tight.proved
    return ok, {"2 sum L_i (M^2 - v_i^2) = sum L_i (M - v_i)(M + v_i)": step2.as_evidence(),
                "3 quadratic remainder = (1/2) sum L_i v_i^2": step3.as_evidence(),
                "3 at v = 1: (1/2) sum L_i = ||L||_1/2": tight.as_evidence(), "for": "every d (symbolic d)"}


#: Vectors L at which a printed constant is compared exactly with ||L||_1 (when it is not ||L||_1 itself).
_LEMMA1_TESTS = ((1, 1), (1000,) + (1,) * 49, (1,) * 7, (3, 1, 4, 1, 5, 9, 2, 6), (1,) * 10000)


def _lemma1_constant(p, Lv) -> float:
    """The printed constant ``factor d^d_power ||L||_ord`` at the vector ``Lv``."""
    a = np.asarray(Lv, dtype=float)
    ordp = p["norm_ord"]
    nrm = float(np.linalg.norm(a, ord=ordp)) if ordp >= 1 else float(np.sum(a**ordp) ** (1 / ordp))
    return float(p.get("factor", 1)) * a.size ** float(p.get("d_power", 0)) * nrm


@claim("T26.lemma1", provenance="seed-abstract", source=src("Lemma 1"),
       statement="Separable smoothness (|f(y) - f(x) - <grad f(x), y - x>| <= (1/2) sum_i L_i (y_i - x_i)^2) implies "
                 "ell_inf smoothness with L_inf = ||L||_1.",
       printed=printed_lemma1, parameters=("L", "d"), variants=variants_lemma1)
def check_lemma1(p, profile):
    """The sharp constant ``||L||_1`` is proved for every ``d`` (:func:`lemma1_proof`); the printed
    constant ``factor d^d_power ||L||_ord`` is valid iff it is ``>= ||L||_1`` for every ``L >= 0``:
    decided symbolically when ``ord = 1`` and ``d_power = 0``, else refuted by an exact test vector
    (the quadratic at ``v = 1``) or, if none refutes it, accepted on the test vectors only (sampled).
    Random separable functions are a sampled cross-check."""
    ok, proof = lemma1_proof()
    num = lemma1_numeric(profile)
    ordp, fac, dp = p["norm_ord"], float(p.get("factor", 1)), float(p.get("d_power", 0))
    desc = (f"{'' if fac == 1 else f'{fac:g} '}{'' if dp == 0 else f'd^{dp:g} '}||L||_{ordp}")
    rows = [{"d": len(Lv), "claimed": _lemma1_constant(p, Lv), "sharp ||L||_1": float(sum(Lv))} for Lv in _LEMMA1_TESTS]
    ev = {"proof": proof, "claimed": f"L_inf = {desc}", "claimed_vs_sharp": rows, "float_rel": tol.FLOAT64_REL}
    cross = Result(Verdict.HOLDS if max(num.values()) <= 1 + tol.Y25_FLOAT_SLACK else Verdict.INCONCLUSIVE,
                   f"random separable functions: max remainder/((||L||_1/2)||v||_inf^2) = {max(num.values()):.6f}",
                   "numeric", {"numeric_max_ratio_to_||L||_1_bound": num})
    if not ok:
        return combine({"proof": Result(Verdict.INCONCLUSIVE, "SymPy did not prove a step of the general argument",
                                        "symbolic", ev), "sampled": cross}, cross_checks=["sampled"])
    parts = {}
    low = [r for r in rows if r["claimed"] < r["sharp ||L||_1"] * (1 - tol.FLOAT64_REL)]
    if ordp == 1 and dp == 0:
        verdict = Verdict.HOLDS if fac >= 1 else Verdict.CORRECTED
        strength = "proved"
    else:
        verdict = Verdict.CORRECTED if low else Verdict.HOLDS
        strength = "proved" if low else "sampled"  # a counterexample is exact; acceptance rests on test vectors
    if verdict is Verdict.CORRECTED:
        r0 = low[0] if low else rows[0]
        worst = max(r["sharp ||L||_1"] / r["claimed"] if r["claimed"] > 0 else math.inf for r in rows)
        ev["counterexample"] = {"f": "(1/2) sum L_i x_i^2", "L": f"d = {r0['d']} test vector", "v": "all ones",
                                "remainder/(||v||_inf^2/2)": r0["sharp ||L||_1"], "claimed_constant": r0["claimed"]}
        short = "is not positive" if worst == math.inf else f"is up to {worst:.3g}x smaller on the test vectors"
        parts["constant"] = Result(Verdict.CORRECTED, f"{desc} is too small: the quadratic with v = 1 needs ||L||_1 "
                                   f"(the printed constant {short})", "symbolic+numeric", ev,
                                   strength=strength,
                                   correction=f"L_inf = ||L||_1 (sharp: attained by (1/2) sum L_i x_i^2 at v = 1), not "
                                              f"{desc}, which {short}")
    else:
        loose = any(r["claimed"] > r["sharp ||L||_1"] * (1 + tol.FLOAT64_REL) for r in rows)
        parts["constant"] = Result(Verdict.HOLDS, "L_inf = ||L||_1 for every d (proved, sharp: the quadratic at v = 1 "
                                   "attains it)" + (f"; the printed {desc} is larger than needed" if loose else ""),
                                   "symbolic", ev, strength=strength)
    parts["sampled"] = cross
    return combine(parts, cross_checks=["sampled"])


# ----------------------------------------------------------------------------------------------
# T26.thm1: intermediate bound, simulated
# ----------------------------------------------------------------------------------------------

def printed_thm1():
    sp = _sp()
    D, Li, T, s1, B = sp.symbols("Delta L_inf T sigma_1 B", positive=True)
    return {"intermediate": sp.sqrt(2 * D * Li / T) + 2 * s1 / sp.sqrt(B), "eta": sp.sqrt(2 * D / (Li * T))}


def variants_thm1(p):
    sp = _sp()
    D, Li, T, s1, B = sp.symbols("Delta L_inf T sigma_1 B", positive=True)
    b = p["intermediate"]
    return [
        Variant("sqrt(Delta L_inf/T) (factor 2 under the root dropped)", "constant", {**p, "intermediate": b.subs(D, D / 2)}),
        Variant("Delta -> Delta^2", "dependence", {**p, "intermediate": b.subs(D, D**2)}, param="Delta"),
        Variant("L_inf -> L_inf^2", "dependence", {**p, "intermediate": b.subs(Li, Li**2)}, param="L_inf"),
        Variant("T -> T^2", "dependence", {**p, "intermediate": b.subs(T, T**2)}, param="T"),
        Variant("no noise term (sigma_1 -> 0)", "dependence", {**p, "intermediate": b.subs(s1, 0)}, param="sigma_1"),
        Variant("2 ||sigma||_1/sqrt(B) -> 2 ||sigma||_1/B^2", "dependence", {**p, "intermediate": b.subs(B, B**4)}, param="B"),
        Variant("1/T -> 1/T^2 inside the root", "exponent", {**p, "intermediate": b.subs(T, T**2)}),
    ]


def _thm1_box(profile: str):
    """T26.thm1's instance box: noise pattern and dimension enumerated; horizon, batch, start (size
    and direction), curvature spread, loss scale and noise level searched (see check_thm1)."""
    from theorycheck.core.worstcase import Param

    quick = profile == "quick"
    discrete = {"noise": ["none", "sparse", "dense"], "d": [1, 8] if quick else [1, 4, 32]}
    continuous = {"T": Param(1, 300 if quick else 3000, "log"), "B": Param(1, 64, "log"),
                  "a": Param(1e-2, 1e2, "log"), "beta": Param(0.0, 1.0), "kappa": Param(1.0, 1e3, "log"),
                  "c": Param(1e-3, 1e3, "log"), "sig": Param(1e-2, 1e2, "log")}
    budget = {"samples": 12 if quick else 48, "restarts": 1 if quick else 4, "max_evals": 30 if quick else 300,
              "paths": 16 if quick else 64, "confirm_paths": 256 if quick else 1024}
    return discrete, continuous, budget


def _thm1_instance(noise, d, T, B, a, beta, kappa, c, sig):
    """``(L, x0, sigma)`` of one instance: ``f = (1/2) sum L_i x_i^2``, ``L = c (kappa, 1, ..., 1)``,
    ``x0 = a (beta 1 + (1 - beta) r)/||.||_inf`` (``r`` a fixed random direction), Gaussian noise of
    total ``||sigma||_2 = sig`` on coordinate 1 (sparse) or spread evenly (dense)."""
    L = np.full(d, float(c))
    L[0] = c * kappa
    r = claim_rng("T26.thm1", "direction", d).standard_normal(d)
    v = beta * np.ones(d) + (1 - beta) * r
    x0 = a * v / max(float(np.max(np.abs(v))), 1e-300)
    sigma = None if noise == "none" else (s.sparse_sigma(d, sig) if noise == "sparse" else s.dense_sigma(d, sig))
    return L, x0, sigma


@functools.lru_cache(maxsize=8192)
def thm1_run(noise, d, T, B, a, beta, kappa, c, sig, eta, paths, seed) -> tuple:
    """``(mean, standard error)`` over ``paths`` noise paths of ``(1/T) sum_{t<T} ||grad f(x_t)||_1`` for
    SignSGD with step ``eta`` (one path without noise). Cached by its parameters, not the bound."""
    L, x0, sigma = _thm1_instance(noise, d, T, B, a, beta, kappa, c, sig)
    R = 1 if sigma is None else paths
    r = s.run("signsgd", L, x0, np.full(R, eta), T, sigma=sigma, B=B, seed=seed)
    v = r["avg_grad_l1"]
    return float(np.mean(v)), (float(np.std(v, ddof=1) / math.sqrt(v.size)) if v.size > 1 else 0.0)


def thm1_search(p, profile: str, T_min: int = 1):
    """Worst case of ``(mean - k se)/bound`` over the instance box (core/worstcase.worst_case); a
    violation found on a noisy instance is confirmed on fresh, 16x more paths (the maximum over many
    noisy estimates is biased upwards)."""
    from theorycheck.core.worstcase import worst_case

    sp = _sp()
    D, Li, T_, s1, B_ = sp.symbols("Delta L_inf T sigma_1 B", positive=True)
    bound_f = sp.lambdify((D, Li, T_, s1, B_), p["intermediate"], "math")
    eta_f = sp.lambdify((D, Li, T_), p["eta"], "math")
    discrete, continuous, budget = _thm1_box(profile)
    if T_min > 1:
        from theorycheck.core.worstcase import Param

        continuous = {**continuous, "T": Param(T_min, continuous["T"].hi, "log")}
    k = tol.T26_SE_MULTIPLIER
    info = {}

    def evaluate(noise, d, T, B, a, beta, kappa, c, sig, paths, stream):
        T, B = int(round(T)), int(round(B))
        key = (noise, d, T, B, round(a, 12), round(beta, 12), round(kappa, 12), round(c, 12),
               round(sig, 12) if noise != "none" else 0.0)
        L, x0, sigma = _thm1_instance(*key)
        Linf = float(np.sum(L))
        Delta = float(s.quad_loss(x0, L))
        s1v = 0.0 if sigma is None else float(np.sum(np.abs(sigma)))
        try:
            eta = float(eta_f(Delta, Linf, T))
            bound = float(bound_f(Delta, Linf, T, s1v, B))
        except (ValueError, ZeroDivisionError, OverflowError):
            return -math.inf, {}
        if not (math.isfinite(eta) and eta > 0 and math.isfinite(bound)):
            return -math.inf, {}
        mean, se = thm1_run(*key, eta, paths, claim_seed("T26.thm1", stream, *key))
        q = (mean - k * se) / bound if bound > 0 else (math.inf if mean - k * se > 0 else 0.0)
        return q, {"noise": noise, "d": d, "T": T, "B": B, "||x0||_inf": a, "beta": beta, "L_1/L_i": kappa, "c": c,
                   "||sigma||_1": s1v, "Delta": Delta, "L_inf": Linf, "eta": eta, "mean_avg_grad_l1": mean, "se": se,
                   "bound": bound, "paths": 1 if sigma is None else paths, "(mean - k se)/bound": q}

    def ratio(**kw):
        q, row = evaluate(**kw, paths=budget["paths"], stream="search")
        info[tuple(sorted(kw.items()))] = row
        return q

    wc = worst_case(ratio, continuous, discrete, seed=26, samples=budget["samples"], restarts=budget["restarts"],
                    max_evals=budget["max_evals"], stop_above=1 + tol.WORSTCASE_SLACK)
    inst = info.get(tuple(sorted(wc.instance.items())), {})
    confirm = None
    if wc.violated(tol.WORSTCASE_SLACK) and inst.get("noise") != "none":
        q2, row2 = evaluate(**wc.instance, paths=budget["confirm_paths"], stream="confirm")
        confirm = {"(mean - k se)/bound": q2, "paths": budget["confirm_paths"], "row": row2,
                   "confirmed": q2 > 1 + tol.WORSTCASE_SLACK}
    return wc, inst, confirm


@claim("T26.thm1", provenance="seed-abstract", source=src("Theorem 1 (intermediate step; checked by simulation)"),
       statement="SignSGD with eta = sqrt(2 Delta/(L_inf T)): E[(1/T) sum_t ||grad f(x_t)||_1] <= "
                 "sqrt(2 Delta L_inf/T) + 2 ||sigma||_1/sqrt(B).",
       printed=printed_thm1, parameters=("Delta", "L_inf", "T", "sigma_1", "B"), variants=variants_thm1)
def check_thm1(p, profile):
    """Worst-case search (core/worstcase.py) over separable quadratics ``(1/2) sum L_i x_i^2``
    (``L_inf = ||L||_1``, sharp by lemma1): noise pattern (none / sparse / dense Gaussian), dimension,
    horizon ``T``, batch ``B``, start size and direction, curvature spread, loss scale and noise
    level, for ``(mean - k se)/bound`` of ``(1/T) sum_t ||grad f(x_t)||_1`` (k =
    ``T26_SE_MULTIPLIER``). Above 1 (confirmed on fresh paths when noisy): fails with the instance;
    never: holds (empirical) with the tightness."""
    wc, inst, confirm = thm1_search(p, profile)
    ev = {"worst_case": wc.as_evidence(), "worst_instance": inst, "se_multiplier": tol.T26_SE_MULTIPLIER,
          "slack": tol.WORSTCASE_SLACK, "confirmation": confirm,
          "instance_family": "f = (1/2) sum L_i x_i^2, L = c (kappa, 1, ..., 1), L_inf = ||L||_1 (lemma1), Gaussian noise"}
    where = (f"{inst.get('noise')} noise, d = {inst.get('d')}, T = {inst.get('T')}, B = {inst.get('B')}, "
             f"||x0||_inf = {inst.get('||x0||_inf', 0):.3g}, ||sigma||_1 = {inst.get('||sigma||_1', 0):.3g}")
    violated = wc.violated(tol.WORSTCASE_SLACK) and (confirm is None or confirm["confirmed"])
    if violated:
        ev["counterexample"] = {**inst, "confirmation": confirm}
        return Result(Verdict.FAILS, f"the bound is exceeded: (mean - {tol.T26_SE_MULTIPLIER:g} se)/bound = {wc.ratio:.4g} "
                      f"({where})" + (f"; confirmed on {confirm['paths']} fresh paths ({confirm['(mean - k se)/bound']:.4g})"
                                      if confirm else ""), "simulation", ev)
    if wc.violated(tol.WORSTCASE_SLACK):
        return Result(Verdict.INCONCLUSIVE, f"a noisy instance exceeded the bound ({wc.ratio:.4g}, {where}) but fresh paths "
                      f"did not confirm it ({confirm['(mean - k se)/bound']:.4g})", "simulation", ev)
    note = ""
    if inst.get("T") == 1:  # at T = 1 the bound is ||grad f(x_0)||_1 itself: report the tightness beyond it too
        w2, i2, _ = thm1_search(p, profile, T_min=2)
        ev["worst_case_T>=2"] = {"worst_case": w2.as_evidence(), "worst_instance": i2}
        note = (f" (at T = 1 the noise-free bound equals ||grad f(x_0)||_1; for T >= 2 the tightness is {w2.ratio:.4g} at "
                f"{i2.get('noise')} noise, T = {i2.get('T')})")
    return Result(Verdict.HOLDS, f"never exceeded in a worst-case search over {wc.evaluations} instances: tightness "
                  f"{wc.ratio:.4g} ({where}){note}; simulation, not a proof", "simulation", ev)


# the other T26 claim modules, re-exported for callers of this module (figures, tests)
from theorycheck.claims.t26.complexity import *  # noqa: F403
from theorycheck.claims.t26.experiments import *  # noqa: F403
from theorycheck.claims.t26.muon import *  # noqa: F403
