"""The qualitative empirical claims of K24 (figures 4, 5, 7, 15, 16, 22), reproduced with measured
numbers on the Random Heavy-Tailed Labels problem (linear model with bias, full batch).

Protocol (stated in every claim's evidence under ``protocol``):

* data and start: one seed fixes the data and the start. The start is swept over the authors'
  (``torch.nn.Linear``'s default initialisation, seeded; the released code's model, not printed
  in the paper) and the zero start ``W = 0, b = 0``. The verdict reads the authors' start; the
  zero start is reported next to it, and the finding says where it changes the outcome;
* step sizes: appendix A.4's selection (:func:`theorycheck.sim.sweep.select_steps`), applied to
  every (optimizer, start, inputs) on its own: ``rule="paper"`` (the printed rule: grid
  ``10^-6..10^1``, half-powers around the best, worst final loss over the seeds, the next
  smaller step for unstable runs) in the ``paper`` profile, the ``"extended"`` variant (starting
  windows extended until the best is interior) in ``quick``/``full``;
* optimizers as in appendix A.6 (heavy-ball momentum 0.9 on the direction; Adam as
  ``torch.optim.Adam``, ``beta1 = 0.9`` "+m" or ``0`` "-m"). Figure 4 compares GD+m and Adam+m
  (the released code); the variants without momentum are checked too;
* metrics: the figures' frequency groups (:func:`theorycheck.models.datasets.frequency_splits`,
  10 groups of about equal data share); relative progress of a group
  ``r_g = (l_g(0) - l_g(t)) / l_g(0)``; the rare-half loss (mass-weighted loss of the lower half of
  the groups);
* horizon: the criteria are read at checkpoints ``T/4, T/2, T`` of the runs tuned for ``T`` (the
  paper's figures use several horizons and do not fix one for figure 4 in the text).

Statistics: each statement is evaluated seed by seed; numbers are reported as intervals
``[min, max]`` over the seeds. Under the verdict's setting (authors' start, horizon ``T``) a
statement *holds* when every seed meets its criterion, is *inconclusive* when the seeds disagree,
and is *corrected* when no seed does, with one exception: at a down-scaled size (``quick``/``full``)
a part in the form the paper's figure reports stays *inconclusive* when no seed reproduces it (the
figure is evidence at the paper's size), while a form the paper does not report (another optimizer,
the other end of the frequency range, the other order in time, the flipped boolean) is rejected
when every seed contradicts it. Each part is decided on its own, so a clearly false part is
refuted even when another part is undecided. The finding lists the other settings (start x
horizon) where it holds.

Machine form: each printed statement is a dict of booleans (the registered meaning); optional keys
express the dependences the declared variants change (``slow_optimizer``/``slow_end`` for figure 4,
``sign_like_on_rare``/``best_change`` for figure 5, ``correlation_sign`` for figure 7,
``slowdown_end`` for C.1, ``fits_within``/``rare_order`` for C.2, ``effect``/``where`` for F); their
defaults are the printed meaning. The words map to criteria of :mod:`theorycheck.core.tolerances`
(``SIM_LITTLE_PROGRESS``, ``K24_PROGRESS_ALL``, ``SIM_STRONG_CORRELATION``, ``K24_RISE_REL``,
``K24_HELPS_REL``, ``K24_CLOSER_RATIO``).

Run-order independence: every cache is keyed by everything its value depends on (the whole
profile configuration, optimizer, inputs, weights, start), every optimizer's step size is
selected on its own (so batching never mixes optimizers' round-off), and the only randomness is
the seeds, which fix data and start: a claim's evidence is the same whichever claims ran before.

Profiles (:func:`config`): ``quick`` (CPU, about half a minute for the six claims) ``m = 6``
(``c = 63``, ``n = 384``, ``d = 448``), ``T = 100`` (figure 16's shortest horizon), 2 seeds;
``full`` ``m = 11`` (``c = 2047``, ``n = 22528``, ``d = 24576``; appendix C at ``m = 7``),
``T = 300``, 3 seeds; ``paper`` the paper's horizons (``T = 1000`` for figures 4/5/7/22; appendix C
at ``m = 7`` with ``T = 1000`` and ``10,000`` steps for figure 16), 3 seeds, the printed A.4 rule
(GPU-hours; select it with ``THEORYCHECK_K24_PROFILE=paper`` when running ``--profile full``).
All profiles use float32 (TF32 off unless ``THEORYCHECK_TF32=1``) on CUDA when present.
"""

from __future__ import annotations

import math

import numpy as np

from theorycheck.claims.k24._empirical_common import (  # noqa: F401  (re-exported for the plots and tests)
    _RUNS,
    _TUNED,
    AUTHORS_START,
    STARTS,
    WINDOWS,
    _all_progress,
    _checkpoints,
    _curves,
    _fmt,
    _group_mass,
    _judge,
    _judge_numbers,
    _key,
    _little,
    _progress,
    _protocol,
    _setting,
    _sqrt_weights,
    _steps_ev,
    _table,
    clear_cache,
    config,
    tune,
)
from theorycheck.claims.k24._empirical_common import _rare_loss as _rare_loss
from theorycheck.claims.k24._empirical_common import _spec as _spec_cfg
from theorycheck.claims.k24._empirical_variants import (
    _c1_variants,
    _c2_variants,
    _f_variants,
    _fig4_variants,
    _fig5_variants,
    _fig7_variants,
)
from theorycheck.core.papers import cite
from theorycheck.core.registry import claim
from theorycheck.core.result import combine
from theorycheck.core.tolerances import (
    FLOAT32_REL,
    K24_CLOSER_RATIO,
    K24_HELPS_REL,
    K24_RISE_REL,
    SIM_LITTLE_PROGRESS,
    SIM_STRONG_CORRELATION,
)


def _spec(cfg, m=None, inputs="uniform", omega=None):
    """The problem recipe (``cfg`` a configuration, or a profile name read through :func:`config`)."""
    return _spec_cfg(config(cfg) if isinstance(cfg, str) else cfg, m, inputs, omega)


def trajectory(profile: str, names: tuple, inputs: str = "uniform", reweight: bool = False, steps: int | None = None,
               snapshots: tuple = (), start: str = AUTHORS_START, seed: int | None = None):
    """One seed's run (default the first seed, the authors' start) of every optimizer of
    ``names`` at its tuned step, as a :class:`~theorycheck.sim.run.Trajectory` (for the plots):
    taken from the step-size sweep when no snapshot or other horizon is asked, else rerun."""
    from theorycheck.sim.run import Trajectory, simulate
    from theorycheck.sim.sweep import build_problem

    cfg = config(profile)
    seed = cfg["seeds"][0] if seed is None else seed
    T = cfg["steps"] if steps is None else steps
    sel = [tune(cfg, n, inputs=inputs, reweight=reweight and n.startswith("r"), start=start,
                appendix_c=inputs != "uniform") for n in names]
    m = cfg["c_m"] if inputs != "uniform" else cfg["m"]
    omega = _sqrt_weights(m) if reweight else None
    prob = build_problem(_spec(cfg, m, inputs, omega).with_seed(seed))
    runs = [(n.replace("rGD", "GD"), s["step"]) for n, s in zip(names, sel)]
    tuned_T = cfg["c_steps"] if inputs != "uniform" else cfg["steps"]
    if not snapshots and T == tuned_T:
        cur = [s["curves"][seed] for s in sel]
        return Trajectory(labels=[f"{o}@{st:.3g}" for o, st in runs], optimizer=[o for o, _ in runs],
                          lr=np.array([st for _, st in runs]), loss=np.stack([c["loss"] for c in cur], 1),
                          group_loss=np.stack([c["group_loss"] for c in cur], 1), class_steps=np.array([T]),
                          class_loss=np.stack([c["final_class"] for c in cur], 0)[None], snapshots={},
                          pi=np.asarray(prob.pi), groups=np.asarray(prob.groups), seconds=0.0,
                          info={**prob.describe(), "from_step_size_sweep": True, "start": start, "seed": seed})
    return simulate(prob, runs, T, snapshot_at=snapshots, class_loss_at=[T], start=start, start_seed=seed, progress=None)


# ------------------------------------------------------------------------------------------

def printed_fig4():
    return {"gd_little_progress_on_rare": True, "adam_progress_on_all_groups": True}


#: The machine form of figure 4, beyond the two booleans (defaults = the printed meaning):
#: ``slow_optimizer`` (which optimizer makes little progress: "GD" or "Adam"; the other one is the
#: one claimed to progress on all groups), ``slow_end`` (which end of the frequency range it is slow
#: on: "rare" or "frequent"), and ``fast_little_on_frequent`` (an extra part: the fast optimizer
#: makes little progress on the most frequent group).
FIG4_FORM = {"slow_optimizer": "GD", "slow_end": "rare"}
_FAMILY = {"GD": ("GD+m", "GD"), "Adam": ("Adam+m", "Adam-m")}


@claim("K24.fig4", provenance="seed-fulltext", source=cite("K24", "figure 4 and appendix A.2"),
       statement=("On the Random Heavy-Tailed Labels data (linear model with bias, full batch), GD makes little progress "
                  "on low-frequency classes while Adam makes progress on all frequency groups."),
       printed=printed_fig4, parameters=("pi",), variants=_fig4_variants, tags=("simulation",))
def check_fig4(p, profile):
    cfg = config(profile)
    T = cfg["steps"]
    at = _setting(AUTHORS_START, T)
    slow, end = p.get("slow_optimizer", "GD"), p.get("slow_end", "rare")
    if slow not in _FAMILY or end not in ("rare", "frequent"):
        raise ValueError(f"p: slow_optimizer must be GD or Adam and slow_end rare or frequent, got {slow!r}, {end!r}")
    fast = "Adam" if slow == "GD" else "GD"
    paper_form = slow == FIG4_FORM["slow_optimizer"] and end == FIG4_FORM["slow_end"]
    ref = printed_fig4()
    parts = {}
    roles = ("figure 4's pair (both with momentum, as in the released code)", "variant without momentum")
    for i, role in enumerate(roles):
        sname, fname = _FAMILY[slow][i], _FAMILY[fast][i]
        items = [(sname, "gd_little_progress_on_rare", lambda c, t: _little(c, t, end),
                  f"{sname} little progress on the {'rarest' if end == 'rare' else 'most frequent'} group",
                  f"little progress: r_{end}-end group < SIM_LITTLE_PROGRESS * r_overall", p["gd_little_progress_on_rare"],
                  ref["gd_little_progress_on_rare"] if paper_form else None, sname),
                 (fname, "adam_progress_on_all_groups", _all_progress, f"{fname} progress on all groups",
                  "progress on all: every r_g > 0 and >= K24_PROGRESS_ALL * r_overall", p["adam_progress_on_all_groups"],
                  ref["adam_progress_on_all_groups"] if paper_form else None, fname)]
        if "fast_little_on_frequent" in p:
            items.append((fname, "fast_little_on_frequent", lambda c, t: _little(c, t, "frequent"),
                          f"{fname} little progress on the most frequent group",
                          "little progress: r_most_frequent < SIM_LITTLE_PROGRESS * r_overall",
                          p["fast_little_on_frequent"], None, f"{fname} on the frequent end"))
        for name, key, crit, what, criterion, claimed, paper, label in items:
            table = _table(cfg, lambda st, t, sd, n=name, f=crit: f(_curves(cfg, n, st)[sd], t), T)
            iv = {k: _fmt(v) for k, v in _judge_numbers(table[at]).items()}
            ev = {"protocol": _protocol(cfg), "role": role,
                  "tuned_steps": {st: _steps_ev(tune(cfg, name, start=st)) for st in cfg["starts"]},
                  "criterion": criterion, "threshold": SIM_LITTLE_PROGRESS}
            parts[label] = _judge(cfg, what, key, claimed, table, at, ev, ", ".join(f"{k} {v}" for k, v in iv.items()),
                                  paper=paper)
    r = {n: _judge_numbers(_table(cfg, lambda st, t, sd, n=n: _little(_curves(cfg, n, st)[sd], t), T)[at])
         for n in ("GD+m", "GD")}
    a = {n: _judge_numbers(_table(cfg, lambda st, t, sd, n=n: _all_progress(_curves(cfg, n, st)[sd], t), T)[at])
         for n in ("Adam+m", "Adam-m")}
    if not paper_form or "fast_little_on_frequent" in p:
        return combine(parts)
    return combine(parts, holds=(f"reproduced at m={cfg['m']}, T={T}, {len(cfg['seeds'])} seeds, nn.Linear start: relative "
                                 f"progress rarest/overall GD+m {_fmt(r['GD+m']['r_rarest'])}/{_fmt(r['GD+m']['r_overall'])}, "
                                 f"GD {_fmt(r['GD']['r_rarest'])}/{_fmt(r['GD']['r_overall'])}; every group >= "
                                 f"{_fmt(a['Adam+m']['min_group_r'])} (Adam+m), {_fmt(a['Adam-m']['min_group_r'])} (Adam-m)"))


# ------------------------------------------------------------------------------------------

FIG5_NAMES = ("GD", "GD+m", "NGD", "NGD+m", "Sign", "Sign+m", "Adam-m", "Adam+m")


def printed_fig5():
    return {"sign_like_adam_on_rare": True, "direction_beats_normalization_and_momentum": True}


#: Machine form beyond the booleans (defaults = the printed meaning): ``sign_like_on_rare`` (the
#: optimizer sign descent is claimed to behave like on the rare half: "Adam" or "GD") and
#: ``best_change`` (the change claimed to help most: "direction" or "normalization").
FIG5_FORM = {"sign_like_on_rare": "Adam", "best_change": "direction"}


@claim("K24.fig5", provenance="seed-fulltext", source=cite("K24", "figures 5 and 19 (figure-19 analogue: the linear model "
                                                                   "of figure 4)"),
       statement=("Sign descent behaves like Adam on low-frequency classes; normalized GD and momentum help less than "
                  "changing the direction (GD -> sign descent)."),
       printed=printed_fig5, parameters=("pi",), variants=_fig5_variants, tags=("simulation",))
def check_fig5(p, profile):
    cfg = config(profile)
    T = cfg["steps"]
    at = _setting(AUTHORS_START, T)
    mass = _group_mass(cfg, cfg["m"])
    like_opt, change = p.get("sign_like_on_rare", "Adam"), p.get("best_change", "direction")
    if like_opt not in ("Adam", "GD") or change not in ("direction", "normalization"):
        raise ValueError(f"p: sign_like_on_rare must be Adam or GD and best_change direction or normalization, "
                         f"got {like_opt!r}, {change!r}")
    ref = printed_fig5()

    def logs(st, t, sd, half="rare"):
        def loss(g):
            return _rare_loss(g, mass) if half == "rare" else _rare_loss(g[::-1], mass[::-1])
        return {n: math.log(loss(_curves(cfg, n, st)[sd]["group_loss"][t])) for n in FIG5_NAMES}

    def like_fn(target, half="rare"):
        other = "GD" if target == "Adam" else "Adam"
        pair = {"Adam": ("Adam-m", "Adam+m"), "GD": ("GD", "GD+m")}

        def like(st, t, sd):
            lg = logs(st, t, sd, half)
            d = {"Sign-Adam": abs(lg["Sign"] - lg["Adam-m"]), "Sign-GD": abs(lg["Sign"] - lg["GD"]),
                 "Sign+m-Adam+m": abs(lg["Sign+m"] - lg["Adam+m"]), "Sign+m-GD+m": abs(lg["Sign+m"] - lg["GD+m"])}
            a0, a1 = pair[target]
            b0, b1 = pair[other]
            ok = (abs(lg["Sign"] - lg[a0]) < K24_CLOSER_RATIO * abs(lg["Sign"] - lg[b0])
                  and abs(lg["Sign+m"] - lg[a1]) < K24_CLOSER_RATIO * abs(lg["Sign+m"] - lg[b1]))
            return bool(ok), d
        return like

    like = like_fn(like_opt)

    def direction(st, t, sd):
        lg = logs(st, t, sd)
        g = {"Sign": lg["GD"] - lg["Sign"], "NGD": lg["GD"] - lg["NGD"], "GD+m": lg["GD"] - lg["GD+m"],
             "Sign+m_over_GD+m": lg["GD+m"] - lg["Sign+m"], "NGD+m_over_GD+m": lg["GD+m"] - lg["NGD+m"]}
        if change == "direction":
            ok = g["Sign"] > max(g["NGD"], g["GD+m"]) and g["Sign+m_over_GD+m"] > g["NGD+m_over_GD+m"]
        else:  # normalization helps more than the direction change and than momentum
            ok = g["NGD"] > max(g["Sign"], g["GD+m"]) and g["NGD+m_over_GD+m"] > g["Sign+m_over_GD+m"]
        return bool(ok), g

    ev = {"protocol": _protocol(cfg), "tuned_steps": {n: {st: _steps_ev(tune(cfg, n, start=st)) for st in cfg["starts"]}
                                                      for n in FIG5_NAMES}}
    t_like, t_dir = _table(cfg, like, T), _table(cfg, direction, T)
    nl, nd = _judge_numbers(t_like[at]), _judge_numbers(t_dir[at])
    other = "GD" if like_opt == "Adam" else "Adam"
    parts = {
        "sign_like_adam": _judge(cfg, f"sign descent closer to {like_opt} than to {other} on the rare half (with and "
                                      f"without momentum)",
                                 "sign_like_adam_on_rare", p["sign_like_adam_on_rare"], t_like, at,
                                 {**ev, "criterion": f"|log L_Sign - log L_{like_opt}| < K24_CLOSER_RATIO |log L_Sign - "
                                                     f"log L_{other}| on the rare-half loss, with and without momentum",
                                  "closer_ratio": K24_CLOSER_RATIO},
                                 f"log-distance Sign-Adam {_fmt(nl['Sign-Adam'])} vs Sign-GD {_fmt(nl['Sign-GD'])}",
                                 paper=ref["sign_like_adam_on_rare"] if like_opt == FIG5_FORM["sign_like_on_rare"] else None),
        "direction": _judge(cfg, f"changing the {change} helps more than the other changes",
                            "direction_beats_normalization_and_momentum", p["direction_beats_normalization_and_momentum"],
                            t_dir, at, {**ev, "criterion": (
                                "rare-half log-gain over GD: Sign > NGD and > GD+m; over GD+m: Sign+m > NGD+m"
                                if change == "direction" else
                                "rare-half log-gain over GD: NGD > Sign and > GD+m; over GD+m: NGD+m > Sign+m")},
                            f"log-gains over GD: Sign {_fmt(nd['Sign'])}, NGD {_fmt(nd['NGD'])}, GD+m {_fmt(nd['GD+m'])}",
                            paper=ref["direction_beats_normalization_and_momentum"]
                            if change == FIG5_FORM["best_change"] else None),
    }
    if "sign_like_adam_on_frequent" in p:
        t_f = _table(cfg, like_fn("Adam", "frequent"), T)
        nf = _judge_numbers(t_f[at])
        parts["sign_like_adam_on_frequent"] = _judge(
            cfg, "sign descent closer to Adam than to GD on the frequent half (with and without momentum)",
            "sign_like_adam_on_frequent", p["sign_like_adam_on_frequent"], t_f, at,
            {**ev, "criterion": "as sign_like_adam, on the frequent-half loss", "closer_ratio": K24_CLOSER_RATIO},
            f"log-distance Sign-Adam {_fmt(nf['Sign-Adam'])} vs Sign-GD {_fmt(nf['Sign-GD'])}", paper=None)
    if (like_opt, change) != (FIG5_FORM["sign_like_on_rare"], FIG5_FORM["best_change"]) or "sign_like_adam_on_frequent" in p:
        return combine(parts)
    return combine(parts, holds=(f"reproduced at m={cfg['m']}, T={T}, {len(cfg['seeds'])} seeds: rare-half log-gain over GD "
                                 f"Sign {_fmt(nd['Sign'])} > NGD {_fmt(nd['NGD'])}, momentum {_fmt(nd['GD+m'])}; "
                                 f"Sign within {_fmt(nl['Sign-Adam'])} of Adam (GD: {_fmt(nl['Sign-GD'])})"))


# ------------------------------------------------------------------------------------------

def printed_fig7():
    return {"correlated_during_training": True, "correlated_at_init": False}


def _corr(problem, params, pi) -> dict:
    from theorycheck.sim.metrics import spearman
    from theorycheck.sim.run import block_stats

    st = block_stats(problem, params)
    g, h = st["grad_norm"], st["hess_trace"]
    spread = float((h.max() - h.min()) / abs(h).mean())
    return {"spearman_pi_trace": spearman(pi, h), "spearman_pi_gradnorm": spearman(pi, g),
            "spearman_gradnorm_trace": spearman(g, h), "trace_relative_spread": spread}


def _correlated(c, sign: int = 1) -> bool:
    """Strongly correlated (``sign=1``) or anti-correlated (``sign=-1``): both Spearman
    coefficients ``sign * rho >= SIM_STRONG_CORRELATION``, the traces not all equal."""
    if c["trace_relative_spread"] <= FLOAT32_REL:  # the traces are all equal: nothing to correlate
        return False
    vals = [c["spearman_pi_trace"], c["spearman_gradnorm_trace"]]
    return all(np.isfinite(v) and sign * v >= SIM_STRONG_CORRELATION for v in vals)


def _fig7_run(cfg, start, seed):
    """Correlations at the snapshots of Adam+m's tuned run (one seed, one start), cached."""
    from theorycheck.sim.run import simulate
    from theorycheck.sim.sweep import build_problem

    T = cfg["steps"]
    key = ("fig7", _key(cfg), start, seed)
    if key not in _RUNS:
        snaps = sorted({0, max(1, T // 10), T // 2, T})
        prob = build_problem(_spec(cfg, cfg["m"]).with_seed(seed))
        tr = simulate(prob, [("Adam+m", tune(cfg, "Adam+m", start=start)["step"])], T, snapshot_at=snaps,
                      class_loss_at=[T], start=start, start_seed=seed, progress=None)
        _RUNS[key] = {s: _corr(prob, tr.snapshot(s, 0), tr.pi) for s in snaps}
    return _RUNS[key]


@claim("K24.fig7", provenance="seed-fulltext", source=cite("K24", "figure 7, figures 23/27 and appendix G"),
       statement=("Along Adam's path on the linear model of figure 4, the gradient norm and Hessian trace of the blocks w_k "
                  "become correlated with the class frequencies (and with each other) during training; not at "
                  "initialisation."),
       printed=printed_fig7, parameters=("t",), variants=_fig7_variants, tags=("simulation",))
def check_fig7(p, profile):
    cfg = config(profile)
    T = cfg["steps"]
    mid = T // 2
    sign = p.get("correlation_sign", 1)
    if sign not in (1, -1):
        raise ValueError(f"p: correlation_sign must be 1 or -1, got {sign!r}")
    ref = printed_fig7() if sign == 1 else None

    def during(st, t, sd):
        c = _fig7_run(cfg, st, sd)
        return _correlated(c[mid], sign) and _correlated(c[T], sign), {"spearman_pi_trace_at_T": c[T]["spearman_pi_trace"],
                                                            "spearman_gradnorm_trace_at_T": c[T]["spearman_gradnorm_trace"]}

    def at_init(st, t, sd):
        c = _fig7_run(cfg, st, sd)[0]
        return _correlated(c, sign), {"trace_relative_spread": c["trace_relative_spread"],
                                "spearman_pi_trace": c["spearman_pi_trace"] if np.isfinite(c["spearman_pi_trace"]) else 0.0}

    settings = {f"start={st}": {sd: (st, T, sd) for sd in cfg["seeds"]} for st in cfg["starts"]}
    t_during = {s: {sd: during(*a) for sd, a in row.items()} for s, row in settings.items()}
    t_init = {s: {sd: at_init(*a) for sd, a in row.items()} for s, row in settings.items()}
    at = f"start={AUTHORS_START}"
    ev = {"protocol": _protocol(cfg, extra={"snapshots": sorted({0, max(1, T // 10), mid, T})}),
          "tuned_steps": {st: _steps_ev(tune(cfg, "Adam+m", start=st)) for st in cfg["starts"]},
          "correlations": {st: {str(sd): {str(k): v for k, v in _fig7_run(cfg, st, sd).items()} for sd in cfg["seeds"]}
                           for st in cfg["starts"]},
          "strong_correlation_threshold": SIM_STRONG_CORRELATION,
          "criterion": ("correlated = traces not all equal and Spearman(pi, trace) and Spearman(grad norm, trace) >= "
                        "SIM_STRONG_CORRELATION; during training = at T/2 and at T"),
          "hessian_block_trace": "Tr(hess_{w_k} L) = (1/n) sum_i p_ik (1 - p_ik) ||x_i||^2 (bias excluded)"}
    nd, ni = _judge_numbers(t_during[at]), _judge_numbers(t_init[at])
    zi = _judge_numbers(t_init["start=zero"]) if "zero" in cfg["starts"] else None
    parts = {
        "during_training": _judge(cfg, f"{'' if sign == 1 else 'anti-'}correlated during training",
                                  "correlated_during_training",
                                  p["correlated_during_training"], t_during, at, ev,
                                  f"at T Spearman(pi, trace) {_fmt(nd['spearman_pi_trace_at_T'])}, (grad, trace) "
                                  f"{_fmt(nd['spearman_gradnorm_trace_at_T'])}",
                                  paper=ref["correlated_during_training"] if ref else None),
        "at_init": _judge(cfg, f"{'' if sign == 1 else 'anti-'}correlated at initialisation", "correlated_at_init",
                          p["correlated_at_init"], t_init, at, ev,
                          f"trace spread {ni['trace_relative_spread'][0]:.1e}..{ni['trace_relative_spread'][1]:.1e}, "
                          f"Spearman(pi, trace) {_fmt(ni['spearman_pi_trace'])}",
                          paper=ref["correlated_at_init"] if ref else None),
    }
    zero = (f"; the zero start changes why: at W=0 every block has the same Hessian trace (spread "
            f"{zi['trace_relative_spread'][1]:.0e}), at the nn.Linear start the traces differ (spread "
            f"{_fmt(ni['trace_relative_spread'])}) but are uncorrelated with pi (Spearman {_fmt(ni['spearman_pi_trace'])})"
            if zi else "")
    if ref is None:
        return combine(parts)
    return combine(parts, holds=(f"reproduced at m={cfg['m']}, {len(cfg['seeds'])} seeds: at T Spearman(pi, trace) "
                                 f"{_fmt(nd['spearman_pi_trace_at_T'])}, (grad norm, trace) "
                                 f"{_fmt(nd['spearman_gradnorm_trace_at_T'])}; not at initialisation{zero}"))


# ------------------------------------------------------------------------------------------

def printed_c1():
    return {"gd_slowdown_normal0": False, "gd_slowdown_normal1": True}


@claim("K24.C1", provenance="seed-fulltext", source=cite("K24", "appendix C.1, figure 15"),
       statement=("With zero-mean Gaussian inputs N(0,1) (nearly orthogonal samples, d > n) GD's slowdown on low-frequency "
                  "classes disappears; with N(1,1) inputs it is present."),
       printed=printed_c1, parameters=("pi",), variants=_c1_variants, tags=("simulation",))
def check_c1(p, profile):
    cfg = config(profile)
    end = p.get("slowdown_end", "rare")
    if end not in ("rare", "frequent"):
        raise ValueError(f"p: slowdown_end must be rare or frequent, got {end!r}")
    ref = printed_c1() if end == "rare" else None
    T = cfg["c_steps"]
    at = _setting(AUTHORS_START, T)
    parts, nums = {}, {}
    for inputs, key in (("normal0", "gd_slowdown_normal0"), ("normal1", "gd_slowdown_normal1")):
        def fn(st, t, sd, inputs=inputs):
            return _little(tune(cfg, "GD", inputs=inputs, start=st, appendix_c=True)["curves"][sd], t, end)

        def best(st, t, sd, inputs=inputs):
            return _little(tune(cfg, "GD", inputs=inputs, start=st, appendix_c=True)["best_curves"][sd], t, end)

        table = _table(cfg, fn, T)
        sel = {st: tune(cfg, "GD", inputs=inputs, start=st, appendix_c=True) for st in cfg["starts"]}
        ev = {"protocol": _protocol(cfg, True, {"inputs": inputs}), "tuned_steps": {st: _steps_ev(s) for st, s in sel.items()},
              "criterion": f"slowdown: r of the {end}-end group < SIM_LITTLE_PROGRESS * r_overall",
              "threshold": SIM_LITTLE_PROGRESS}
        if any(s["best_score_step"] != s["step"] for s in sel.values()):
            bt = {s: {sd: v for sd, v in row.items()} for s, row in _table(cfg, best, T).items()}
            ev["without_stability_rule"] = {"steps": {st: s["best_score_step"] for st, s in sel.items()},
                                            "slowdown_per_seed": {s: [bool(b) for b, _ in row.values()] for s, row in bt.items()},
                                            "intervals": {s: _judge_numbers(row) for s, row in bt.items()}}
        nums[inputs] = _judge_numbers(table[at])
        gk = "r_rarest" if end == "rare" else "r_most_frequent"
        parts[inputs] = _judge(cfg, f"GD slowdown on the {end} end with {inputs} inputs", key, p[key], table, at, ev,
                               f"{gk} {_fmt(nums[inputs][gk])}, r_overall {_fmt(nums[inputs]['r_overall'])}", True,
                               paper=ref[key] if ref else None)
    caveat = ""
    w = parts["normal1"].evidence.get("without_stability_rule")
    if w is not None and not all(w["slowdown_per_seed"].get(at, [True])):
        caveat = (f"; caveat: with N(1,1) the best-final-loss step {w['steps'][AUTHORS_START]:.3g}, which A.4's stability "
                  f"rule rejects, shows no slowdown for some seed")
    if end != "rare":
        return combine(parts)
    return combine(parts, holds=(f"reproduced at m={cfg['c_m']}, T={T}, {len(cfg['seeds'])} seeds under A.4 step selection: "
                                 f"GD relative progress rarest/overall N(0,1) {_fmt(nums['normal0']['r_rarest'])}/"
                                 f"{_fmt(nums['normal0']['r_overall'])}, N(1,1) {_fmt(nums['normal1']['r_rarest'])}/"
                                 f"{_fmt(nums['normal1']['r_overall'])}{caveat}"))


# ------------------------------------------------------------------------------------------

def printed_c2():
    return {"gd_eventually_fits_all": True, "rare_classes_first_get_worse": True}


def _c2_run(cfg, start, seed) -> dict:
    """GD at the step tuned for the short horizon, run up to ``long_steps`` (stops once every
    group is below its initial loss, checked every 10 steps); cached."""
    from theorycheck.sim.run import simulate
    from theorycheck.sim.sweep import build_problem

    key = ("c2", _key(cfg), start, seed)
    if key not in _RUNS:
        TL = cfg["long_steps"]
        prob = build_problem(_spec(cfg, cfg["c_m"]).with_seed(seed))

        def stop(t, loss, group):
            return bool(np.all(group[-1, 0] < group[0, 0]))

        tr = simulate(prob, [("GD", tune(cfg, "GD", start=start, appendix_c=True)["step"])], TL, class_loss_at=[0],
                      start=start, start_seed=seed, stop=stop, progress=None)
        g = tr.group_loss[:, 0, :]
        rare = g[:, -1]
        below = np.flatnonzero(rare[1:] < rare[0]) + 1
        t_rare = int(below[0]) if below.size else None
        allb = np.flatnonzero(np.all(g[1:] < g[0], axis=1)) + 1
        above = np.flatnonzero(rare[1:] > (1 + K24_RISE_REL) * rare[0]) + 1
        _RUNS[key] = {"t_all_below": int(allb[0]) if allb.size else None, "t_rare_below": t_rare,
                      "t_rare_above": int(above[0]) if above.size else None,
                      "rare_max_over_initial": float(rare[1:(t_rare or TL) + 1].max() / rare[0]), "ended_at": tr.steps}
    return _RUNS[key]


@claim("K24.C2", provenance="seed-fulltext", source=cite("K24", "appendix C.2, figure 16"),
       statement=("GD eventually fits all classes given enough steps (same step size, longer horizon); the loss of the "
                  "least frequent classes first rises above its initial value and only later goes below it."),
       printed=printed_c2, parameters=("t",), variants=_c2_variants, tags=("simulation",))
def check_c2(p, profile):
    cfg = config(profile)
    TL = cfg["long_steps"]
    at = _setting(AUTHORS_START, TL)
    within, order = p.get("fits_within", "long"), p.get("rare_order", "rise_first")
    if within not in ("long", "T") or order not in ("rise_first", "fall_first"):
        raise ValueError(f"p: fits_within must be long or T and rare_order rise_first or fall_first, got {within!r}, {order!r}")
    horizon = TL if within == "long" else cfg["c_steps"]
    ref = printed_c2()

    def row(fn):
        return {_setting(st, TL): {sd: fn(_c2_run(cfg, st, sd)) for sd in cfg["seeds"]} for st in cfg["starts"]}

    fits = row(lambda r: (r["t_all_below"] is not None and r["t_all_below"] <= horizon,
                          {"first_step_all_groups_below_initial": float(r["t_all_below"] if r["t_all_below"] else math.inf)}))

    def _order(r):
        up = math.inf if r["t_rare_above"] is None else r["t_rare_above"]
        down = math.inf if r["t_rare_below"] is None else r["t_rare_below"]
        if order == "rise_first":
            return r["rare_max_over_initial"] > 1 + K24_RISE_REL
        return down < up  # below its initial value before it ever rises above it

    rises = row(lambda r: (_order(r), {"rare_group_max_over_initial": r["rare_max_over_initial"]}))
    ev = {"protocol": _protocol(cfg, True, {"long_horizon": TL, "step": "the step A.4 selects for the short horizon T"}),
          "tuned_steps_short_horizon": {st: _steps_ev(tune(cfg, "GD", start=st, appendix_c=True)) for st in cfg["starts"]},
          "runs": {st: {str(sd): _c2_run(cfg, st, sd) for sd in cfg["seeds"]} for st in cfg["starts"]},
          "criterion": ("fits all: every group's loss below its initial value within the long horizon (checked every 10 "
                        "steps, the run stops there); first rises: the rarest group's loss exceeds (1 + K24_RISE_REL) x "
                        "its initial value before it falls below it"), "rise_threshold": K24_RISE_REL}
    nf, nr = _judge_numbers(fits[at]), _judge_numbers(rises[at])
    parts = {
        "eventually_fits": _judge(cfg, f"GD brings every group below its initial loss within {horizon} steps",
                                  "gd_eventually_fits_all", p["gd_eventually_fits_all"], fits, at, ev,
                                  f"first step with every group below: {_fmt(nf['first_step_all_groups_below_initial'])}",
                                  True, paper=ref["gd_eventually_fits_all"] if within == "long" else None),
        "rare_first_worse": _judge(cfg, "rarest group's loss first rises" if order == "rise_first" else
                                   "rarest group's loss first falls below its initial value before it rises",
                                   "rare_classes_first_get_worse", p["rare_classes_first_get_worse"], rises, at, ev,
                                   f"max/initial {_fmt(nr['rare_group_max_over_initial'])}", True,
                                   paper=ref["rare_classes_first_get_worse"] if order == "rise_first" else None),
    }
    if (within, order) != ("long", "rise_first"):
        return combine(parts)
    return combine(parts, holds=(f"reproduced at m={cfg['c_m']}, {len(cfg['seeds'])} seeds: the rarest group's loss rises to "
                                 f"{_fmt(nr['rare_group_max_over_initial'])}x its initial value, and every group is below "
                                 f"its initial loss by step {_fmt(nf['first_step_all_groups_below_initial'])}"))


# ------------------------------------------------------------------------------------------

def printed_f():
    return {"sqrt_reweighting_helps_gd": True}


@claim("K24.F", provenance="seed-fulltext", source=cite("K24", "appendix F, figure 22 (linear model panel)"),
       statement=("Reweighting the class losses by 1/sqrt(pi_k) helps SGD (here full-batch GD with momentum) on the "
                  "original, unweighted loss."),
       printed=printed_f, parameters=("pi",), variants=_f_variants, tags=("simulation",))
def check_f(p, profile):
    cfg = config(profile)
    T = cfg["steps"]
    at = _setting(AUTHORS_START, T)
    mass = _group_mass(cfg, cfg["m"])
    effect, where = p.get("effect", "helps"), p.get("where", "overall_and_rare")
    if effect not in ("helps", "hurts") or where not in ("overall_and_rare", "overall", "rare", "frequent"):
        raise ValueError(f"p: effect must be helps or hurts and where overall_and_rare, overall, rare or frequent, "
                         f"got {effect!r}, {where!r}")
    paper_form = effect == "helps" and where == "overall_and_rare"

    def fn(st, t, sd):
        a, b = _curves(cfg, "GD+m", st)[sd], _curves(cfg, "rGD+m", st, reweight=True)[sd]
        L0, L1 = float(a["loss"][t]), float(b["loss"][t])
        R0, R1 = _rare_loss(a["group_loss"][t], mass), _rare_loss(b["group_loss"][t], mass)
        F0, F1 = (_rare_loss(a["group_loss"][t][::-1], mass[::-1]), _rare_loss(b["group_loss"][t][::-1], mass[::-1]))
        pairs = {"overall_and_rare": [(L0, L1), (R0, R1)], "overall": [(L0, L1)], "rare": [(R0, R1)],
                 "frequent": [(F0, F1)]}[where]
        if effect == "helps":
            ok = all(new < (1 - K24_HELPS_REL) * old for old, new in pairs)
        else:
            ok = all(new > (1 + K24_HELPS_REL) * old for old, new in pairs)
        return bool(ok), {"loss_GD+m": L0, "loss_reweighted": L1, "rare_half_GD+m": R0, "rare_half_reweighted": R1,
                          "frequent_half_GD+m": F0, "frequent_half_reweighted": F1}

    table = _table(cfg, fn, T)
    n = _judge_numbers(table[at])
    ev = {"protocol": _protocol(cfg), "tuned_steps": {st: {"GD+m": _steps_ev(tune(cfg, "GD+m", start=st)),
                                                           "rGD+m": _steps_ev(tune(cfg, "rGD+m", reweight=True, start=st))}
                                                      for st in cfg["starts"]},
          "weights": "objective sum_k w_k pi_k l_k with w_k proportional to 1/sqrt(pi_k), normalised",
          "criterion": (f"{effect}: unweighted losses ({where.replace('_', ' ')}) "
                        + ("below (1 - K24_HELPS_REL)" if effect == "helps" else "above (1 + K24_HELPS_REL)")
                        + " x those of plain GD+m"),
          "helps_threshold": K24_HELPS_REL}
    part = _judge(cfg, f"1/sqrt(pi) reweighting {effect} GD+m ({where.replace('_', ' ')})", "sqrt_reweighting_helps_gd",
                  p["sqrt_reweighting_helps_gd"], table,
                  at, ev, f"unweighted loss {_fmt(n['loss_reweighted'])} vs {_fmt(n['loss_GD+m'])}; rare half "
                          f"{_fmt(n['rare_half_reweighted'])} vs {_fmt(n['rare_half_GD+m'])}; frequent half "
                          f"{_fmt(n['frequent_half_reweighted'])} vs {_fmt(n['frequent_half_GD+m'])}",
                  paper=printed_f()["sqrt_reweighting_helps_gd"] if paper_form else None)
    if not paper_form:
        return combine({"reweighting": part})
    return combine({"reweighting": part}, holds=(f"reproduced at m={cfg['m']}, T={T}, {len(cfg['seeds'])} seeds: 1/sqrt(pi) "
                                                 f"reweighting lowers GD+m's unweighted loss {_fmt(n['loss_GD+m'])} -> "
                                                 f"{_fmt(n['loss_reweighted'])} and rare-half loss {_fmt(n['rare_half_GD+m'])} "
                                                 f"-> {_fmt(n['rare_half_reweighted'])}"))
