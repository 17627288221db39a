"""K24 appendix G: what figures 23(c) and 27 say about the paths of GD and Adam on figure 4's problem.

* ``K24.fig27``: "a negative correlation can instead be found by looking at the inverse of the
  weights, -W_t, the path taken by Adam": at ``-W_t`` (all parameters negated) the Spearman
  correlations of the block Hessian traces with the class frequencies and with the block gradient
  norms are measured; "negative" means both at most ``-SIM_STRONG_CORRELATION`` during training.
* ``K24.fig23c``: "For SGD, frequent classes are learned faster than infrequent ones, while for Adam,
  p is similar among the most frequent groups of classes while p -> 1 for the least frequent
  classes": ``p_g`` = the mean predicted probability of the correct class over the samples of
  frequency group ``g`` at the end of the run; GD: ``p_g`` falls with rarity (Spearman of ``p_g`` with
  the group frequency >= ``SIM_STRONG_CORRELATION``); Adam: the rarest group has the largest ``p_g``.

Both reuse the runs of :mod:`theorycheck.claims.k24.empirical` (same problem, A.4 step sizes, the
same snapshots as ``K24.fig7``, so a process that checked figure 7 simulates nothing new). Quick
profile: ``m = 7``, 60 steps; full: ``m = 11``, 300 steps.
"""

from __future__ import annotations

import numpy as np

from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.tolerances import K24_P_NEAR_ONE as P_NEAR_ONE
from theorycheck.core.tolerances import SIM_STRONG_CORRELATION


def _snaps(profile):
    from theorycheck.claims.k24.empirical import config

    T = config(profile)["steps"]
    return T, (0, T // 10, T // 2, T)


def _problem(profile):
    from theorycheck.claims.k24.empirical import config
    from theorycheck.sim.problems import ProblemSpec

    cfg = config(profile)
    return ProblemSpec("heavy_tailed", {"m": cfg["m"], "inputs": "uniform"}, device=cfg["device"],
                       dtype=cfg["dtype"]).with_seed(cfg["seeds"][0]).build()


def _corr(problem, params, pi):
    from theorycheck.sim.metrics import spearman
    from theorycheck.sim.run import block_stats

    st = block_stats(problem, params)
    g, h = st["grad_norm"], st["hess_trace"]
    return {"spearman_pi_trace": spearman(pi, h), "spearman_gradnorm_trace": spearman(g, h),
            "trace_relative_spread": float((h.max() - h.min()) / abs(h).mean())}


def _sign(v: float, spread: float) -> str:
    """``negative`` / ``positive`` when a Spearman correlation is strong (``SIM_STRONG_CORRELATION``), else ``none``
    (also when the traces are all equal: nothing to correlate)."""
    if spread <= 1e-4 or not np.isfinite(v):
        return "none"
    return "negative" if v <= -SIM_STRONG_CORRELATION else ("positive" if v >= SIM_STRONG_CORRELATION else "none")


def printed_fig27():
    """Read as figure 7's two correlations (trace with frequency, gradient norm with trace), both negative along
    -W_t; none at W_0 = 0."""
    return {"trace_vs_frequency": "negative", "gradient_vs_trace": "negative", "at_init": "none"}


def _fig27_variants(p):
    return [Variant("trace and frequency positively correlated along -W_t (a global property)", "sign",
                    {**p, "trace_vs_frequency": "positive"}),
            Variant("no trace-frequency correlation along -W_t", "other", {**p, "trace_vs_frequency": "none"}),
            Variant("negative already at initialisation", "part", {**p, "at_init": "negative"})]


@claim("K24.fig27", provenance="seed-fulltext", source=cite("K24", "appendix G, figure 27"),
       statement=("'figure 27 illustrates that this correlation does not hold globally and only emerges throughout training by "
                  "showing that a negative correlation can instead be found by looking at the inverse of the weights, -W_t, "
                  "the path taken by Adam' (caption: 'Correlation between the gradient and Hessian blocks through the path "
                  "{-W_t}')."),
       printed=printed_fig27, variants=_fig27_variants, tags=("simulation",))
def check_fig27(p, profile):
    from theorycheck.claims.k24.empirical import config, trajectory

    T, snaps = _snaps(profile)
    tr = trajectory(profile, ("Adam+m",), snapshots=snaps)
    prob = _problem(profile)
    per = {s: _corr(prob, {k: -v for k, v in tr.snapshot(s, 0).items()}, tr.pi) for s in snaps}
    scale = f"m = {config(profile)['m']}, {T} Adam steps"

    def during(key):
        signs = {_sign(per[s][key], per[s]["trace_relative_spread"]) for s in (T // 2, T)}
        return signs.pop() if len(signs) == 1 else "none"

    meas = {"trace_vs_frequency": during("spearman_pi_trace"), "gradient_vs_trace": during("spearman_gradnorm_trace"),
            "at_init": "none" if per[0]["trace_relative_spread"] <= 1e-4 else
            _sign(min(per[0]["spearman_pi_trace"], per[0]["spearman_gradnorm_trace"]), 1.0)}
    ev = {"snapshots": list(snaps), "correlations_at_minus_W": {str(k): v for k, v in per.items()},
          "threshold": SIM_STRONG_CORRELATION, "classes": int(tr.pi.size), "scale": scale,
          "criterion": "sign of Spearman(pi, trace) and of Spearman(grad norm, trace) at -W_t, t = T/2 and T"}
    parts = {}
    for key, what, val in (("trace_vs_frequency", "Hessian trace vs frequency", per[T]["spearman_pi_trace"]),
                           ("gradient_vs_trace", "gradient norm vs Hessian trace", per[T]["spearman_gradnorm_trace"]),
                           ("at_init", "at W_0 = 0", float("nan"))):
        txt = f"{what} along -W_t: {meas[key]}" + (f" (Spearman {val:.2f} at T; {scale})" if np.isfinite(val) else "")
        if meas[key] == p[key]:
            parts[key] = Result(Verdict.HOLDS, txt, "simulation", ev)
        else:
            parts[key] = Result(Verdict.CORRECTED, f"{txt}, not {p[key]}", "simulation", ev,
                                correction=f"{what} along -W_t: {meas[key]} ({scale})")
    return combine(parts, holds=(f"reproduced ({scale}): along -W_t Spearman(pi, trace) = {per[T]['spearman_pi_trace']:.2f}, "
                                 f"(grad norm, trace) = {per[T]['spearman_gradnorm_trace']:.2f}; none at W_0 = 0"))


# ------------------------------------------------------------------------------------------

def group_p(problem, params) -> np.ndarray:
    """Mean predicted probability of the correct class over the samples of each frequency group."""
    import torch

    p1 = {k: v[None].to(problem.device, problem.dtype) for k, v in params.items()}
    with torch.no_grad():
        P = torch.softmax(problem.logits(p1)[:, 0, :], dim=1)
        pc = P[torch.arange(problem.n), problem.y].cpu().numpy().astype(float)
    y = problem.y.cpu().numpy()
    G = int(problem.groups.max()) + 1
    return np.array([pc[problem.groups[y] == g].mean() for g in range(G)])


def printed_fig23c():
    return {"gd_frequent_learned_faster": True, "adam_rare_above_frequent": True, "adam_rare_p_to_one": True}


def _fig23_variants(p):
    return [Variant("GD learns rare classes faster", "sign", {**p, "gd_frequent_learned_faster": False}),
            Variant("Adam: p on the rare half below the frequent half", "part", {**p, "adam_rare_above_frequent": False}),
            Variant("neither", "other", {**p, "gd_frequent_learned_faster": False, "adam_rare_above_frequent": False})]


@claim("K24.fig23c", provenance="seed-fulltext", source=cite("K24", "appendix G, figure 23(c)"),
       statement=("'For SGD, frequent classes are learned faster than infrequent ones, while for Adam, p is similar among the most "
                  "frequent groups of classes while p -> 1 for the least frequent classes' (figure 4's problem)."),
       printed=printed_fig23c, variants=_fig23_variants, tags=("simulation",))
def check_fig23c(p, profile):
    from theorycheck.claims.k24.empirical import config, trajectory
    from theorycheck.sim.metrics import group_mass, spearman

    T, snaps = _snaps(profile)
    prob = _problem(profile)
    pg = {}
    for name in ("GD", "Adam+m"):
        tr = trajectory(profile, (name,), snapshots=snaps)
        pg[name] = group_p(prob, tr.snapshot(T, 0))
    G = pg["GD"].size
    mass = group_mass(prob.pi, prob.groups)
    freq = np.array([prob.pi[prob.groups == g].mean() for g in range(G)])
    rho = spearman(freq, pg["GD"])
    rare = freq <= np.median(freq)
    pa = pg["Adam+m"]
    scale = f"m = {config(profile)['m']}, {T} steps"
    meas = {"gd_frequent_learned_faster": bool(np.isfinite(rho) and rho >= SIM_STRONG_CORRELATION),
            "adam_rare_above_frequent": bool(pa[rare].mean() > pa[~rare].mean())}
    ev = {"p_by_group_GD": pg["GD"].tolist(), "p_by_group_Adam": pa.tolist(), "group_mean_frequency": freq.tolist(),
          "group_mass": mass.tolist(), "spearman(freq, p_GD)": rho, "threshold": SIM_STRONG_CORRELATION, "scale": scale,
          "p_to_one_threshold": P_NEAR_ONE}
    txt = {"gd_frequent_learned_faster": f"GD: Spearman(group frequency, p) = {rho:.2f}",
           "adam_rare_above_frequent": f"Adam: mean p on the rarer groups {pa[rare].mean():.3f}, on the frequent ones "
                                       f"{pa[~rare].mean():.3f}"}
    parts = {}
    for key, m in meas.items():
        if m == bool(p[key]):
            parts[key] = Result(Verdict.HOLDS, f"{txt[key]} ({scale})", "simulation", ev)
        else:
            parts[key] = Result(Verdict.CORRECTED, f"{txt[key]} ({key} is {m}; {scale})", "simulation", ev,
                                correction=f"measured: {key.replace('_', ' ')} = {m} ({txt[key]}; {scale})")
    top = float(pa[rare].max())
    if top >= P_NEAR_ONE:
        parts["adam_rare_p_to_one"] = Result(Verdict.HOLDS if p["adam_rare_p_to_one"] else Verdict.CORRECTED,
                                             f"Adam: p reaches {top:.3f} on the rarer groups", "simulation", ev,
                                             correction=None if p["adam_rare_p_to_one"] else "p -> 1 on the rare groups")
    else:
        parts["adam_rare_p_to_one"] = Result(Verdict.INCONCLUSIVE, f"Adam: p on the rarer groups is at most {top:.3f} after "
                                             f"{T} steps ({scale}): 'p -> 1' is not reached within the simulated horizon",
                                             "simulation", ev)
    return combine(parts, holds=(f"reproduced ({scale}): GD's p falls with rarity (Spearman {rho:.2f}); Adam's p is larger on "
                                 "the rare groups and approaches 1"))

