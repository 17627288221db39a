"""Beyond the papers, on the simple imbalanced setting in discrete time: which optimizers' per-class
curves depend on pi, and rotations (the setting and its exact reduction: :mod:`.discrete`).

* ``EXT.discrete.sign_spread``: sign descent's per-class curves coincide (spread 0) for any pi.
* ``EXT.discrete.adam_eps``: Adam's per-class spread vanishes as ``eps -> 0``; PyTorch's default
  ``eps = 1e-8`` is *not* pi-independent once ``pi_k |g|`` falls to ``eps``.
* ``EXT.discrete.ngd``: normalized GD is GD with the step schedule ``alpha / ||g_t||``: its
  per-class curves collapse against ``pi_k tau_t`` (``tau_t = sum_s alpha/||g_s||``), so it keeps
  GD's dependence on pi.
* ``EXT.rotation``: GD's trajectory is rotation-equivariant; Adam's (and sign descent's) is not.
"""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.claims.ext._torch import with_cpu_threads
from theorycheck.claims.ext.discrete import _collapse_dev, _geometric_pi, _src
from theorycheck.core import tolerances as tol
from theorycheck.core.rates import compare_exponent, fit_power
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.tolerances import (
    ASYMPTOTIC_REL,
    SIM_DIFFERS_REL,
    SIM_FIRST_ORDER_SHRINK,
    SIM_FLOAT64_REL,
)

# ------------------------------------------------------------------------------------------
# EXT.discrete.sign_spread
# ------------------------------------------------------------------------------------------

SIGN_BASED = ("Sign", "Sign+m", "Signum")


def printed_sign_spread():
    """The spread ``max_t (max_k l_k(t) - min_k l_k(t))`` of the listed optimizers' per-class curves, as
    an expression in ``r = log(pi_max / pi_min)`` (the statement: 0 for any pi)."""
    return {"spread": 0, "optimizers": SIGN_BASED}


def variants_sign_spread(printed):
    import sympy as sp

    r = sp.Symbol("r", positive=True)
    return [
        Variant("spread 1e-3", "constant", {**printed, "spread": sp.sympify(printed["spread"]) + sp.Rational(1, 1000)}),
        Variant("spread grows with the frequency span (r/100)", "dependence",
                {**printed, "spread": sp.sympify(printed["spread"]) + r / 100}, param="pi"),
        Variant("GD's curves coincide too", "other", {**printed, "optimizers": tuple(printed["optimizers"]) + ("GD",)}),
        Variant("Adam's (eps = 1e-8) curves coincide too", "other",
                {**printed, "optimizers": tuple(printed["optimizers"]) + ("Adam+m",)}),
    ]


@functools.lru_cache(maxsize=None)
def _spread_runs(profile: str, optimizers: tuple) -> dict:
    """Per-class spread of each optimizer on the simple setting at two frequency spans (deterministic)."""
    from theorycheck.sim.problems import SimpleImbalanced
    from theorycheck.sim.run import simulate

    c = 16 if profile == "quick" else 256
    T = 300 if profile == "quick" else 3000
    lrs = {"Sign": 0.05, "Sign+m": 0.01, "Signum": 0.05, "GD": 0.5, "Adam+m": 0.05}
    out = {}
    for span in (1e3, 1e11):
        pi = _geometric_pi(c, span)
        prob = SimpleImbalanced(pi, device="cpu", dtype="float64")
        tr = simulate(prob, [(o, lrs.get(o, 0.05)) for o in optimizers], T, progress=False)
        out[span] = {"pi_range": [float(pi.min()), float(pi.max())], "log_ratio": float(np.log(pi.max() / pi.min())),
                     "spread": {lab: float(np.max(tr.class_loss[:, i].max(1) - tr.class_loss[:, i].min(1)))
                                for i, lab in enumerate(tr.optimizer)}}
    return {"c": c, "T": T, "lrs": {o: lrs.get(o, 0.05) for o in optimizers}, "spans": out}


@functools.lru_cache(maxsize=None)
def _sign_invariance_proof() -> dict:
    """SymPy: for ``pi > 0``, ``sign(pi g) = sign(g)``, and an EMA / heavy-ball sum of terms of one sign keeps
    that sign; the class-``k`` gradients are ``pi_k`` times pi-free functions of the column (see
    EXT.discrete.reduction), so every sign-based update, hence every per-class curve, is pi-free."""
    import sympy as sp

    pi, h, m, v, beta = sp.Symbol("pi", positive=True), sp.Symbol("h", real=True), sp.Symbol("m", real=True), \
        sp.Symbol("v", real=True), sp.Symbol("beta", positive=True)
    steps = {
        # sign descent: the step is sign(pi h) = sign(h)
        "sign(pi h) = sign(h)": sp.simplify(sp.sign(pi * h) - sp.sign(h)) == 0,
        # Signum: if m = pi m1 then m' = beta m + (1-beta) pi h = pi (beta m1 + (1-beta) h), and sign(m') = sign(m1')
        "Signum state scales with pi": sp.expand(beta * pi * m + (1 - beta) * pi * h - pi * (beta * m + (1 - beta) * h)) == 0,
        "sign(pi m1') = sign(m1')": sp.simplify(sp.sign(pi * (beta * m + (1 - beta) * h)) - sp.sign(beta * m + (1 - beta) * h)) == 0,
        # Sign+m: v' = beta v + sign(pi h) = beta v + sign(h): the state does not depend on pi
        "Sign+m state is pi-free": sp.simplify(beta * v + sp.sign(pi * h) - (beta * v + sp.sign(h))) == 0,
    }
    return {"steps": steps, "status": "proved" if all(steps.values()) else "undecided",
            "argument": ("by induction on t: the state of a sign-based method on class k's column, run with gradients "
                         "pi_k h_t, equals pi_k times (momentum) or exactly (sign, Sign+m's sign sums) the state run with "
                         "h_t; its sign update is therefore the same for every pi_k, so every class follows the same curve")}


@claim("EXT.discrete.sign_spread", provenance="derived", source=_src("discrete-time analogue of K24 lemma 7"),
       statement="Sign descent (with or without heavy-ball momentum, and Signum) on the simple setting: the per-class loss "
                 "curves coincide for any pi (spread 0), pi_k down to 1e-12.",
       printed=printed_sign_spread, parameters=("pi",), variants=variants_sign_spread)
@with_cpu_threads
def check_sign_spread(p, profile):
    import sympy as sp

    opts = tuple(p.get("optimizers", SIGN_BASED))
    runs = _spread_runs(profile, opts)
    r = sp.Symbol("r", positive=True)
    expr = sp.sympify(p["spread"])
    bad, rows = [], []
    for span, row in runs["spans"].items():
        claimed = float(expr.subs(r, row["log_ratio"])) if expr.free_symbols else float(expr)
        for o, sv in row["spread"].items():
            rows.append({"span": span, "optimizer": o, "spread": sv, "claimed": claimed})
            if abs(sv - claimed) > SIM_FLOAT64_REL:
                bad.append(rows[-1])
    ev = {"classes": runs["c"], "steps": runs["T"], "lrs": runs["lrs"], "runs": rows, "claimed": str(expr),
          "tolerance_abs": SIM_FLOAT64_REL}
    proof = _sign_invariance_proof()
    sign_only = set(opts) <= set(SIGN_BASED)
    worst = max(x["spread"] for x in rows)
    pis = [v["pi_range"][0] for v in runs["spans"].values()]
    if not bad:
        if sign_only and proof["status"] == "proved" and expr == 0:
            ev["proof"] = proof
            return Result(Verdict.HOLDS, f"per-class curves identical for any pi (proved: sign updates are pi-free); "
                          f"simulated spread {worst:.1e} with pi down to {min(pis):.0e}", "symbolic+simulation", ev,
                          strength="proved")
        return Result(Verdict.HOLDS, f"per-class spreads match the printed value (max {worst:.1e})", "simulation", ev)
    b = max(bad, key=lambda x: abs(x["spread"] - x["claimed"]))
    meas = ", ".join(f"{o}: {max(x['spread'] for x in rows if x['optimizer'] == o):.3g}" for o in opts)
    return Result(Verdict.CORRECTED, f"measured spread {b['spread']:.3g} ({b['optimizer']}, pi span {b['span']:.0e}), "
                  f"claimed {b['claimed']:.3g}", "simulation", ev,
                  correction=f"measured per-class spreads (max over t and spans): {meas}; sign-based methods "
                             f"({', '.join(o for o in opts if o in SIGN_BASED)}) have spread 0 for any pi (printed: "
                             f"spread {expr} for {', '.join(opts)})")


# ------------------------------------------------------------------------------------------
# EXT.discrete.adam_eps
# ------------------------------------------------------------------------------------------

def printed_adam_eps():
    return {"spread_vanishes_as_eps_to": 0, "default_eps_pi_independent": False}


def variants_adam_eps(printed):
    return [
        Variant("the spread vanishes as eps -> infinity", "dependence", {**printed, "spread_vanishes_as_eps_to": "inf"},
                param="eps"),
        Variant("the spread does not vanish as eps -> 0", "sign", {**printed, "spread_vanishes_as_eps_to": None}),
        Variant("default eps = 1e-8 is pi-independent", "part",
                {**printed, "default_eps_pi_independent": not printed["default_eps_pi_independent"]}),
    ]


@functools.lru_cache(maxsize=None)
def _adam_eps_runs(profile: str) -> dict:
    from theorycheck.sim.optimizers import adam
    from theorycheck.sim.problems import SimpleImbalanced
    from theorycheck.sim.run import simulate

    c = 16 if profile == "quick" else 128
    T = 300 if profile == "quick" else 3000
    pi = _geometric_pi(c, 1e11)
    prob = SimpleImbalanced(pi, device="cpu", dtype="float64")
    eps_list = [1e2, 1.0, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12, 1e-14, 1e-16, 1e-18, 1e-20, 0.0]
    out = {}
    for b1 in (0.0, 0.9):
        runs = [(adam(beta1=b1, eps=e, name=f"Adam(b1={b1},eps={e:g})"), 0.05) for e in eps_list]
        tr = simulate(prob, runs, T, progress=False)
        out[f"beta1={b1}"] = [float(np.max(tr.class_loss[:, i].max(1) - tr.class_loss[:, i].min(1))) for i in range(len(eps_list))]
    return {"c": c, "T": T, "pi": pi, "eps": eps_list, "spread": out}


@functools.lru_cache(maxsize=None)
def _adam_eps0_proof() -> dict:
    """SymPy: Adam's eps = 0 update is invariant to scaling the gradients by pi > 0 (m -> pi m, v -> pi^2 v)."""
    import sympy as sp

    pi, m, v, lr, b1, b2, g = sp.symbols("pi m v lr beta1 beta2 g", positive=True)
    mm, vv = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    mm_s, vv_s = b1 * pi * m + (1 - b1) * pi * g, b2 * pi**2 * v + (1 - b2) * (pi * g) ** 2
    ok = sp.simplify(mm_s / sp.sqrt(vv_s) - mm / sp.sqrt(vv)) == 0
    return {"update_scale_invariant": bool(ok)}


@claim("EXT.discrete.adam_eps", provenance="derived",
       source=_src("Adam on the simple setting; K24 figure 6 shows it for the quadratic"),
       statement=("Adam on the simple setting: the spread between per-class curves vanishes as eps -> 0 (exactly "
                  "pi-independent at eps = 0), while with PyTorch's default eps = 1e-8 the rare classes (pi_k |g| <~ eps) lag."),
       printed=printed_adam_eps, parameters=("eps",), variants=variants_adam_eps)
@with_cpu_threads
def check_adam_eps(p, profile):
    R = _adam_eps_runs(profile)
    c, T, pi, eps_list, out = R["c"], R["T"], R["pi"], R["eps"], R["spread"]
    ev = {"classes": c, "steps": T, "step": 0.05, "pi_range": [float(pi.min()), float(pi.max())], "eps": eps_list,
          "spread": out, "tolerance_abs_at_eps_0": SIM_FLOAT64_REL, "eps_0_symbolic": _adam_eps0_proof()}
    # eps -> 0: below the smallest gradient scale (pi_min / c) the spread must fall monotonically to 0
    tail = [i for i, e in enumerate(eps_list) if e < pi.min() / c]
    to0 = all(all(s[tail[j + 1]] <= s[tail[j]] * (1 + tol.DISCRETE_MONOTONE_REL) for j in range(len(tail) - 1))
              and s[-1] <= SIM_FLOAT64_REL for s in out.values())
    # eps -> infinity: Adam becomes GD with step lr/eps (pi-dependent): the spread does not vanish
    big = [i for i, e in enumerate(eps_list) if e >= 1.0]
    to_inf = all(s[i] <= SIM_FLOAT64_REL for s in out.values() for i in big)
    measured = 0 if to0 else ("inf" if to_inf else None)
    claimed = p["spread_vanishes_as_eps_to"]
    if claimed not in (0, "inf", None):
        raise ValueError(f"printed: spread_vanishes_as_eps_to must be 0, 'inf' or None, got {claimed!r}")
    parts = {}
    ev1 = {**ev, "claimed": claimed, "measured": measured,
           "criterion": ("eps -> 0: spread decreases monotonically over eps < pi_min/c and is <= tolerance at eps = 0; "
                         "eps -> inf: spread <= tolerance for every eps >= 1"),
           "spread_at_large_eps": {k: [s[i] for i in big] for k, s in out.items()},
           "eps_below_gradient_scale": [eps_list[i] for i in tail]}
    if measured == claimed:
        parts["eps_limit"] = Result(Verdict.HOLDS, f"spread decreases as eps -> 0 and is {max(s[-1] for s in out.values()):.1e} "
                                    f"at eps = 0 (large eps: spread {max(max(v) for v in ev1['spread_at_large_eps'].values()):.2g})",
                                    "simulation", ev1)
    else:
        parts["eps_limit"] = Result(Verdict.CORRECTED, f"the spread vanishes as eps -> {measured}, not {claimed}", "simulation",
                                    ev1, correction=(f"the per-class spread vanishes as eps -> {measured}, not {claimed} (spread at eps = 0: "
                                                     f"{max(s[-1] for s in out.values()):.1e}; at eps >= 1: "
                                                     f"{max(max(v) for v in ev1['spread_at_large_eps'].values()):.2g})"))
    default_i = eps_list.index(1e-8)
    default_dep = any(s[default_i] > SIM_DIFFERS_REL for s in out.values())
    ev2 = {"spread_at_eps_1e-8": {k: s[default_i] for k, s in out.items()}, "threshold": SIM_DIFFERS_REL,
           "claimed_pi_independent": p["default_eps_pi_independent"]}
    sp8 = max(ev2["spread_at_eps_1e-8"].values())
    if default_dep != bool(p["default_eps_pi_independent"]):
        parts["default_eps"] = Result(Verdict.HOLDS, f"default eps=1e-8 leaves a spread of {sp8:.3g} (pi down to {pi.min():.0e})",
                                      "simulation", ev2)
    else:
        parts["default_eps"] = Result(Verdict.CORRECTED, "the claim about the default eps is contradicted", "simulation", ev2,
                                      correction=("with eps = 1e-8 Adam is " + ("not " if default_dep else "") +
                                                  f"pi-independent: spread {sp8:.3g}"))
    return combine(parts, holds=f"Adam's per-class spread -> 0 as eps -> 0 (0 at eps = 0, proved scale-invariant); default "
                                f"eps = 1e-8 leaves a spread of {sp8:.3g}: classes with pi_k|g| <~ eps lag")


# ------------------------------------------------------------------------------------------
# EXT.discrete.ngd
# ------------------------------------------------------------------------------------------

def printed_ngd():
    return {"removes_pi_dependence": False, "is_gd_with_step_alpha_over_grad_norm": True, "tau_half_exponent_in_pi": -1}


def variants_ngd(printed):
    e = printed["tau_half_exponent_in_pi"]
    return [
        Variant("NGD removes the dependence on pi", "part", {**printed, "removes_pi_dependence": not printed["removes_pi_dependence"]}),
        Variant("NGD is not GD with step alpha/||g||", "part",
                {**printed, "is_gd_with_step_alpha_over_grad_norm": not printed["is_gd_with_step_alpha_over_grad_norm"]}),
        Variant("tau-time to halve l_k ~ pi_k^(-1/2)", "dependence", {**printed, "tau_half_exponent_in_pi": e / 2}, param="pi"),
        Variant("tau-time to halve l_k ~ pi_k^(-2)", "exponent", {**printed, "tau_half_exponent_in_pi": 2 * e}),
    ]


@functools.lru_cache(maxsize=None)
def _ngd_runs(profile: str) -> dict:
    from theorycheck.models.datasets import zipf_frequencies
    from theorycheck.sim.reduced import reduced_grads, simulate_reduced

    c = 10
    pi = zipf_frequencies(c, 1.0)
    T = 1000 if profile == "quick" else 10000
    res = {}
    for a in (0.05, 0.005):
        r = simulate_reduced(pi, int(T * 0.05 / a), a, "ngd")
        ga, gb = reduced_grads(r["a"], r["b"], pi[None, :], c)
        nrm = np.sqrt((ga ** 2).sum(1) + (c - 1) * (gb ** 2).sum(1))
        tau = np.concatenate([[0.0], np.cumsum(a / nrm[:-1])])
        res[a] = (r["loss"], tau[:, None] * pi[None, :], tau)
    return {"c": c, "pi": pi, "runs": res}


@claim("EXT.discrete.ngd", provenance="derived", source=_src("normalized GD on the simple setting; cf. K24 figure 5"),
       statement=("Normalized GD on the simple setting is GD with the step schedule alpha/||g_t||_2: its per-class curves "
                  "collapse against pi_k tau_t (tau_t = sum_{s<t} alpha/||g_s||), so it keeps GD's dependence on pi: the "
                  "tau-time to halve l_k grows like 1/pi_k (the step count like a smaller power of 1/pi_k)."),
       printed=printed_ngd, parameters=("pi",), variants=variants_ngd)
@with_cpu_threads
def check_ngd(p, profile):
    R = _ngd_runs(profile)
    c, pi, res = R["c"], R["pi"], R["runs"]
    devs = {a: _collapse_dev(L, v) for a, (L, v, _) in res.items()}
    shrink = devs[0.005] / devs[0.05]
    L, v, tau = res[0.05]
    l0 = L[0]
    t_half = np.array([int(np.argmax(L[:, k] <= l0[k] / 2)) if (L[:, k] <= l0[k] / 2).any() else -1 for k in range(c)])
    ok = t_half > 0
    if ok.sum() < 3:
        return Result(Verdict.INCONCLUSIVE, f"only {int(ok.sum())} classes halved their loss in the horizon", "simulation",
                      {"t_half_per_class": t_half.tolist()})
    fit_t = fit_power(pi[ok], t_half[ok])
    fit_tau = fit_power(pi[ok], np.array([tau[t] for t in t_half[ok]]))
    cmp_tau = compare_exponent(fit_tau, float(p["tau_half_exponent_in_pi"]), ASYMPTOTIC_REL)
    depends = fit_t.exponent_ci[1] < 0
    ev = {"classes": c, "collapse_deviation_vs_pi_tau": {str(k): x for k, x in devs.items()}, "shrink_when_alpha_div_10": shrink,
          "t_half_per_class": t_half.tolist(), "t_half_vs_pi": fit_t.as_evidence(), "tau_half_vs_pi": fit_tau.as_evidence(),
          "compare_tau_exponent": cmp_tau, "printed_tau_exponent": p["tau_half_exponent_in_pi"],
          "criterion": (f"collapse: shrink <= {SIM_FIRST_ORDER_SHRINK}; pi-dependence: the 95% interval of the exponent of "
                        f"t_half in pi_k lies below 0; tau-time exponent compared within {ASYMPTOTIC_REL}")}
    collapses = shrink <= SIM_FIRST_ORDER_SHRINK
    parts = {}
    if collapses == bool(p["is_gd_with_step_alpha_over_grad_norm"]):
        parts["time_change"] = Result(Verdict.HOLDS, f"NGD curves collapse against pi_k tau_t (deviation {devs[0.05]:.3g} -> "
                                      f"{devs[0.005]:.3g} when alpha/10)", "simulation", ev)
    else:
        parts["time_change"] = Result(Verdict.CORRECTED, "the time-change statement is contradicted", "simulation", ev,
                                      correction=f"NGD's curves {'do' if collapses else 'do not'} collapse against pi_k tau_t "
                                                 f"(shrink {shrink:.3g})")
    e_t = f"{fit_t.exponent:.2f} [{fit_t.exponent_ci[0]:.2f}, {fit_t.exponent_ci[1]:.2f}]"
    e_tau = f"{fit_tau.exponent:.3f} [{fit_tau.exponent_ci[0]:.3f}, {fit_tau.exponent_ci[1]:.3f}]"
    if depends != bool(p["removes_pi_dependence"]) and cmp_tau == "agrees":
        parts["pi_dependence"] = Result(Verdict.HOLDS, f"NGD keeps the pi-dependence: tau_half ~ pi^{e_tau}, "
                                        f"t_half (steps) ~ pi^{e_t}", "simulation", ev)
    elif cmp_tau == "undecided":
        parts["pi_dependence"] = Result(Verdict.INCONCLUSIVE, f"tau-time exponent undecided: {e_tau}", "simulation", ev)
    else:
        parts["pi_dependence"] = Result(Verdict.CORRECTED, f"measured tau_half ~ pi^{e_tau}, t_half ~ pi^{e_t}", "simulation", ev,
                                        correction=("normalized GD " + ("keeps" if depends else "removes") +
                                                    f" the dependence on pi: tau_half ~ pi^{e_tau} (printed "
                                                    f"{p['tau_half_exponent_in_pi']}), t_half ~ pi^{e_t}"))
    return combine(parts, holds=f"NGD = GD with step alpha/||g_t||: collapse against pi_k tau_t; tau_half ~ pi^{e_tau}, "
                                f"t_half ~ pi^{e_t}")


# ------------------------------------------------------------------------------------------
# EXT.rotation
# ------------------------------------------------------------------------------------------

def printed_rotation():
    return {"gd_equivariant": True, "adam_equivariant": False, "sign_equivariant": False}


def variants_rotation(printed):
    return [Variant(f"{k.split('_')[0]} {'not ' if printed[k] else ''}equivariant", "part", {**printed, k: not printed[k]})
            for k in ("gd_equivariant", "adam_equivariant", "sign_equivariant")] + \
        [Variant("normalized GD is equivariant too", "stronger", {**printed, "ngd_equivariant": True})]


@functools.lru_cache(maxsize=None)
def _gd_step_proof() -> dict:
    """SymPy, any dimension n and orthogonal Q (matrix symbols, M for Q^T Q): with f'(y) = f(Q^T y),
    grad f'(Q x) = Q grad f(x) when M = I, so y_t = Q x_t propagates for GD (and for NGD, ||Q g|| = ||g||)."""
    import sympy as sp

    n = sp.Symbol("n", integer=True, positive=True)
    Q, M = sp.MatrixSymbol("Q", n, n), sp.MatrixSymbol("M", n, n)
    x, g = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("g", n, 1)
    eta = sp.Symbol("eta", positive=True)
    I = sp.Identity(n)
    resid = (Q * x - eta * Q * g) - Q * (x - eta * g)  # GD step on f' at y = Qx (gradient Q g), minus Q x'
    norm = (g.T * M * g).subs(M, I) - g.T * g
    ok = sp.expand(resid.doit()) == sp.ZeroMatrix(n, 1) and sp.expand(norm.doit()) == sp.ZeroMatrix(1, 1)
    return {"status": "proved" if ok else "undecided", "dimension": "symbolic n", "Q": "any orthogonal"}


@functools.lru_cache(maxsize=None)
def _rotation_runs(profile: str) -> dict:
    import torch

    from theorycheck.models.datasets import zipf_frequencies
    from theorycheck.sim.problems import Rotated, SimpleImbalanced
    from theorycheck.sim.run import simulate

    c = 6 if profile == "quick" else 16
    T = 200 if profile == "quick" else 2000
    seeds = (1, 2, 3) if profile == "quick" else (1, 2, 3, 4, 5)
    base = SimpleImbalanced(zipf_frequencies(c, 1.0), device="cpu", dtype="float64")
    runs = [("GD", 2.0), ("Adam+m", 0.05), ("Sign", 0.05), ("NGD", 0.05)]
    a = simulate(base, runs, T, snapshot_at=[T], progress=False)
    per_seed = []
    for sd in seeds:
        rot = Rotated(base, seed=sd)
        b = simulate(rot, runs, T, snapshot_at=[T], progress=False)
        rel = np.max(np.abs(a.loss - b.loss), axis=0) / a.loss[0]
        theta_a = rot.to_theta(a.snapshots[T])["theta"]
        pdev = (torch.linalg.vector_norm(theta_a - b.snapshots[T]["theta"], dim=1) /
                torch.linalg.vector_norm(theta_a, dim=1)).numpy()
        per_seed.append({"seed": sd, "max_loss_diff_over_initial_loss": rel.tolist(), "final_rel_param_diff": pdev.tolist()})
    return {"c": c, "T": T, "params": c * c, "optimizers": [o for o, _ in runs], "labels": a.labels, "per_seed": per_seed}


@claim("EXT.rotation", provenance="derived", source=_src("X24's rotation argument, measured on the simple setting"),
       statement=("Under an orthogonal change of the parameters theta = Q vec(W), GD's trajectory is equivariant "
                  "(theta_t = Q vec(W_t), same losses); Adam's and sign descent's are not."),
       printed=printed_rotation, variants=variants_rotation)
@with_cpu_threads
def check_rotation(p, profile):
    R = _rotation_runs(profile)
    proof = _gd_step_proof()
    keys = {"gd": "GD", "adam": "Adam+m", "sign": "Sign", "ngd": "NGD"}
    parts = {}
    for key, name in keys.items():
        if f"{key}_equivariant" not in p:
            continue
        i = R["optimizers"].index(name)
        rel = [s["max_loss_diff_over_initial_loss"][i] for s in R["per_seed"]]
        pdev = [s["final_rel_param_diff"][i] for s in R["per_seed"]]
        eq = max(rel) <= SIM_FLOAT64_REL and max(pdev) <= SIM_FLOAT64_REL
        differs = min(rel) > SIM_DIFFERS_REL
        ev = {"rotation_seeds": [s["seed"] for s in R["per_seed"]], "max_loss_diff_over_initial_loss": rel,
              "final_rel_param_diff": pdev, "equivariant_if_<=": SIM_FLOAT64_REL, "differs_if_>": SIM_DIFFERS_REL,
              "classes": R["c"], "steps": R["T"]}
        claimed = bool(p[f"{key}_equivariant"])
        proved = key in ("gd", "ngd") and proof["status"] == "proved" and eq
        strength = "proved" if proved else None
        method = "symbolic+simulation" if proved else "simulation"
        if proved:
            ev["general_proof"] = proof
        if not eq and not differs:
            parts[key] = Result(Verdict.INCONCLUSIVE, f"{name}: rotated loss differs by {min(rel):.2g}..{max(rel):.2g}, between "
                                "the tolerances", "simulation", ev)
        elif eq == claimed:
            parts[key] = Result(Verdict.HOLDS, f"{name}: {'equivariant' if eq else 'not equivariant'} over {len(rel)} Haar "
                                f"rotations (rel loss diff {min(rel):.2g}..{max(rel):.2g})", method, ev, strength=strength)
        else:
            parts[key] = Result(Verdict.CORRECTED, f"{name}: measured {'equivariant' if eq else 'not equivariant'} "
                                f"(rel loss diff {min(rel):.2g}..{max(rel):.2g})", method, ev, strength=strength,
                                correction=f"{name} is {'' if eq else 'not '}rotation-equivariant (rel loss diff "
                                           f"{min(rel):.2g}..{max(rel):.2g} over {len(rel)} rotations; printed: "
                                           f"{'' if claimed else 'not '}equivariant)")
    return combine(parts, holds="; ".join(r.finding for r in parts.values()))
