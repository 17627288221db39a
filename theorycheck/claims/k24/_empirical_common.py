"""Shared machinery of :mod:`theorycheck.claims.k24.empirical`: profiles, step-size selection
cached by everything it depends on, the statistics that turn per-seed measurements into a
verdict, and the metrics (relative progress per frequency group, rare-half loss)."""

from __future__ import annotations

import math
import os

import numpy as np

from theorycheck.core.result import Result, Verdict
from theorycheck.core.tolerances import K24_PROGRESS_ALL, SIM_LITTLE_PROGRESS

#: Starting windows of the extended rule (powers of 10; extended automatically while the best
#: step sits at an end, so they only set where the search starts).
WINDOWS = {"GD": (0.01, 0.1, 1.0), "GD+m": (0.01, 0.1, 1.0), "NGD": (0.01, 0.1, 1.0), "NGD+m": (0.01, 0.1, 1.0),
           "Sign": (1e-4, 1e-3, 1e-2), "Sign+m": (1e-4, 1e-3, 1e-2), "Adam-m": (1e-4, 1e-3, 1e-2),
           "Adam+m": (1e-3, 1e-2, 1e-1), "rGD+m": (0.01, 0.1, 1.0), ("GD", "normal0"): (100.0, 1e3, 1e4),
           ("GD", "normal1"): (1e-3, 1e-2, 1e-1)}

AUTHORS_START = "pytorch"
STARTS = (AUTHORS_START, "zero")

_PROFILES = {
    "quick": {"m": 6, "steps": 100, "c_m": 6, "c_steps": 100, "long_steps": 1000, "seeds": (0, 1), "rule": "extended",
              "refine": False},
    "full": {"m": 11, "steps": 300, "c_m": 7, "c_steps": 300, "long_steps": 3000, "seeds": (0, 1, 2), "rule": "extended",
             "refine": True},
    "paper": {"m": 11, "steps": 1000, "c_m": 7, "c_steps": 1000, "long_steps": 10000, "seeds": (0, 1, 2), "rule": "paper",
              "refine": True},
}


def config(profile: str) -> dict:
    """Sizes, horizons, seeds and rules of a profile (``quick``, ``full`` or ``paper``;
    ``THEORYCHECK_K24_PROFILE=paper`` turns ``full`` into ``paper``)."""
    if profile == "full" and os.environ.get("THEORYCHECK_K24_PROFILE", "") == "paper":
        profile = "paper"
    if profile not in _PROFILES:
        raise ValueError(f"profile: must be one of {tuple(_PROFILES)}, got {profile!r}")
    return {**_PROFILES[profile], "profile": profile, "dtype": "float32", "device": "auto", "starts": STARTS, "split": 10}


def _key(cfg: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in cfg.items()))


def _size(cfg, appendix_c: bool) -> tuple[int, int]:
    return (cfg["c_m"], cfg["c_steps"]) if appendix_c else (cfg["m"], cfg["steps"])


def _spec(cfg, m=None, inputs="uniform", omega=None):
    """The problem recipe (``cfg`` a configuration, or a profile name; ``m`` default the main size)."""
    from theorycheck.sim.problems import ProblemSpec

    cfg = config(cfg) if isinstance(cfg, str) else cfg
    m = cfg["m"] if m is None else m
    kw = {"m": m, "inputs": inputs, "split": cfg["split"]}
    if omega is not None:
        kw["omega"] = omega
    return ProblemSpec("heavy_tailed", kw, device=cfg["device"], dtype=cfg["dtype"])


def _sqrt_weights(m: int) -> tuple:
    """Objective weights of appendix F: class loss scaled by ``1/sqrt(pi_k)``, i.e.
    ``omega_k = pi_k / sqrt(pi_k) = sqrt(pi_k)``, normalised to sum to 1."""
    from theorycheck.models.datasets import heavy_tailed_class_sizes

    sizes, _ = heavy_tailed_class_sizes(m)
    w = np.sqrt(sizes / sizes.sum())
    return tuple((w / w.sum()).tolist())


_TUNED: dict = {}
_RUNS: dict = {}


def clear_cache() -> None:
    """Forget tuned steps and runs (tests change the configuration)."""
    from theorycheck.sim.sweep import clear_problem_cache

    _TUNED.clear()
    _RUNS.clear()
    clear_problem_cache()


def tune(cfg: dict, name: str, *, inputs: str = "uniform", reweight: bool = False, start: str = AUTHORS_START,
         appendix_c: bool = False) -> dict:
    """A.4 selection for one optimizer (``rGD+m``: GD+m on the ``1/sqrt(pi)``-reweighted
    objective), cached by everything it depends on."""
    from theorycheck.sim.sweep import PAPER_GRID, select_steps

    m, T = _size(cfg, appendix_c)
    key = (_key(cfg), name, inputs, reweight, start, appendix_c)
    if key not in _TUNED:
        opt = name.replace("rGD", "GD")
        grid = WINDOWS.get((name, inputs), WINDOWS.get(name, PAPER_GRID))
        spec = _spec(cfg, m, inputs, _sqrt_weights(m) if reweight else None)
        _TUNED[key] = select_steps(spec, [opt], cfg["seeds"], T, grid=grid, refine=cfg["refine"], rule=cfg["rule"],
                                   start=start)[opt]
    return _TUNED[key]


def _steps_ev(sel: dict) -> dict:
    return {"step": sel["step"], "best_final_loss_step": sel["best_score_step"], "rule": sel["rule"],
            "fallback": sel["fallback"], "worst_final_loss_per_step": sel["table"], "unstable_steps": sel["unstable"]}


def _protocol(cfg, appendix_c=False, extra=None) -> dict:
    m, T = _size(cfg, appendix_c)
    from theorycheck.models.datasets import heavy_tailed_counts

    counts = heavy_tailed_counts(m)
    pi_min = 2 / counts["n"]  # the rarest classes hold 2 samples
    # GD moves class k on the time scale 1/pi_k (Theorem 3: l_k ~ 1/(pi_k t)), so pi_min t says
    # where a horizon sits for the rarest classes; figure 4 (m = 11, 1000 steps) has 0.089
    return {"profile": cfg["profile"], **counts, "horizon_T": T, "checkpoints": _checkpoints(T),
            "rarest_class_time_scale_pi_min_t": {str(t): round(pi_min * t, 4) for t in _checkpoints(T)},
            "figure4_pi_min_t": round(2 / heavy_tailed_counts(11)["n"] * 1000, 4),
            "seeds": list(cfg["seeds"]), "seed_fixes": "data and start", "starts": list(cfg["starts"]),
            "verdict_setting": f"start={AUTHORS_START} (nn.Linear default, the released code), t=T",
            "step_size_rule": f"A.4 {cfg['rule']}" + (" + half-powers" if cfg["refine"] else ""),
            "groups": f"{cfg['split']} groups of about equal data share (the figures' split)", "dtype": cfg["dtype"],
            "batch": "full", **(extra or {})}


def _checkpoints(T: int) -> list[int]:
    return sorted({max(1, T // 4), max(1, T // 2), T})


# ------------------------------------------------------------------------------------------
# statistics: a statement evaluated per seed, at every (start, checkpoint), judged by interval

def _interval(values) -> list:
    v = [float(x) for x in values]
    return [min(v), max(v)]


def _judge(cfg: dict, what: str, key: str, claimed: bool, table: dict, verdict_at: str, ev: dict, numbers: str,
           appendix_c: bool = False, paper: bool | None = None) -> Result:
    """``table[setting][seed] = (measured bool, {metric: value})``. The verdict reads
    ``table[verdict_at]``: every seed as claimed -> holds; seeds disagreeing -> inconclusive; no
    seed as claimed -> corrected under the paper's protocol (``paper`` profile). At a down-scaled
    size or horizon (``quick``/``full``) a part that no seed reproduces is inconclusive when it is
    what the paper's own figure shows (``paper``: the value the paper reports for this part, in
    this form): the figure is evidence at the paper's size that a smaller proxy does not outweigh.
    A part the paper does not report (``claimed != paper``, or ``paper`` None: another optimizer,
    the other end of the frequency range, the other order in time) has no such support, so every
    seed contradicting it rejects it at any size. Each part is decided on its own."""
    claimed = bool(claimed)
    m, T = _size(cfg, appendix_c)
    size = f"m={m}, T={T}, {len(cfg['seeds'])} seeds"
    where = {s: [bool(b) for b, _ in row.values()] for s, row in table.items()}
    agree = [s for s, bs in where.items() if all(b == claimed for b in bs)]
    against = [s for s, bs in where.items() if all(b != claimed for b in bs)]
    mixed = [s for s in where if s not in agree and s not in against]
    ev = {**ev, "statement_key": key, "claimed": claimed, "measured_per_seed": where,
          "intervals_over_seeds": {s: _judge_numbers(row) for s, row in table.items()},
          "settings_where_claim_holds": agree, "settings_where_negation_holds": against,
          "settings_where_seeds_disagree": mixed, "verdict_setting": verdict_at,
          "decisive_protocol": cfg["profile"] == "paper"}
    bs = where[verdict_at]
    n, k = len(bs), sum(b == claimed for b in bs)
    others = len(where) - 1
    elsewhere = "" if not others else (
        f"; other settings: holds at {len(agree) - (verdict_at in agree)}/{others}"
        + (f" (not at: {'; '.join(s for s in against + mixed if s != verdict_at)})" if set(against + mixed) - {verdict_at} else ""))
    if k == n:
        return Result(Verdict.HOLDS, f"{what}: {claimed} for {n}/{n} seeds at {verdict_at} ({size}; {numbers}){elsewhere}",
                      "simulation", ev)
    decisive = cfg["profile"] == "paper" or paper is None or claimed != bool(paper)
    ev["decided_at_this_size"] = decisive
    if k == 0 and decisive:
        return Result(Verdict.CORRECTED, f"{what} is {not claimed} for {n}/{n} seeds at {verdict_at} (claimed {claimed}; "
                      f"{size}; {numbers}){elsewhere}", "simulation", ev,
                      correction=(f"measured under the paper's protocol ({size}, {verdict_at})" if cfg["profile"] == "paper"
                                  else f"measured at a down-scaled size ({size}, {verdict_at}; not a form the paper reports)")
                                 + f": {what} = {not claimed} for every seed ({numbers})")
    if k == 0:
        return Result(Verdict.INCONCLUSIVE, f"not reproduced at this size: {what} is {not claimed} for {n}/{n} seeds at "
                      f"{verdict_at} ({size}; claimed {claimed}; {numbers}){elsewhere}; the paper's size and horizon are the "
                      f"'paper' profile", "simulation", ev)
    return Result(Verdict.INCONCLUSIVE, f"{what}: seeds disagree at {verdict_at} ({k}/{n} as claimed; {size}; {numbers})"
                  f"{elsewhere}", "simulation", ev)


def _fmt(iv) -> str:
    return f"{iv[0]:.2f}" if math.isclose(iv[0], iv[1], rel_tol=0, abs_tol=5e-3) else f"[{iv[0]:.2f}, {iv[1]:.2f}]"


def _setting(start, t) -> str:
    return f"start={start}, t={t}"


def _curves(cfg, name, start, **kw) -> dict:
    """seed -> {"loss", "group_loss"} of the tuned run (from the step-size sweep: no rerun)."""
    return tune(cfg, name, start=start, **kw)["curves"]


def _progress(g, t):
    return (g[0] - g[t]) / g[0]


def _rare_loss(g_t, mass):
    lo = np.arange(g_t.size) >= g_t.size // 2
    return float((g_t[lo] * mass[lo]).sum() / mass[lo].sum())


def _group_mass(cfg, m):
    from theorycheck.models.datasets import frequency_splits, heavy_tailed_class_sizes

    sizes, _ = heavy_tailed_class_sizes(m)
    return np.bincount(frequency_splits(sizes, cfg["split"]), weights=sizes / sizes.sum())


def _little(c, t, end: str = "rare") -> tuple[bool, dict]:
    """Little progress on the rarest group (``end="rare"``) or the most frequent one
    (``end="frequent"``): ``r_g < SIM_LITTLE_PROGRESS * r_overall``."""
    if end not in ("rare", "frequent"):
        raise ValueError(f"end: must be 'rare' or 'frequent', got {end!r}")
    r, a = _progress(c["group_loss"], t), _progress(c["loss"], t)
    g = r[-1] if end == "rare" else r[0]
    name = "r_rarest" if end == "rare" else "r_most_frequent"
    return bool(g < SIM_LITTLE_PROGRESS * a), {name: float(g), "r_overall": float(a)}


def _all_progress(c, t) -> tuple[bool, dict]:
    r, a = _progress(c["group_loss"], t), _progress(c["loss"], t)
    return bool(np.all(r > 0) and r.min() >= K24_PROGRESS_ALL * a), {"min_group_r": float(r.min()), "r_overall": float(a)}


def _table(cfg, fn, T, starts=None) -> dict:
    """``{setting: {seed: fn(start, t, seed)}}`` over starts x checkpoints x seeds."""
    return {_setting(st, t): {sd: fn(st, t, sd) for sd in cfg["seeds"]} for st in (starts or cfg["starts"])
            for t in _checkpoints(T)}


def _judge_numbers(row: dict) -> dict:
    """``{metric: [min, max] over seeds}`` of one setting's row."""
    first = next(iter(row.values()))[1]
    return {k: _interval(m[k] for _, m in row.values()) for k in first}
