"""Sweeps over optimizers x step sizes x seeds, and the step-size selection of K24 appendix A.4.

One *task* is one seed: a picklable :class:`SweepTask` (a problem recipe, the list of
``(optimizer, step)`` runs, the horizon, the start) that builds its problem and runs every pair
at once with :func:`~theorycheck.sim.run.simulate`. The seed fixes both the data and the
initialisation (``start="pytorch"`` draws ``nn.Linear``'s default with that seed). Tasks go
through :func:`theorycheck.core.executor.get_executor` (``map(fn, items)``), so a cluster
back-end can run the seeds in parallel and the answer does not depend on where they ran.

Problems are built once per process and recipe (:func:`build_problem`, an LRU cache bounded
by ``THEORYCHECK_PROBLEM_CACHE_MB``, default 4096 MB of data), so the rounds of one step-size
selection do not regenerate the data.

Step-size selection, two rules (:func:`select_steps`, ``rule=``):

``"paper"`` -- appendix A.4 as printed: the grid ``10^-6, 10^-5, ..., 10^1`` (:data:`PAPER_GRID`),
then the half-powers ``best * 10^(+-1/2)`` around the best; the step minimises the maximum over
the seeds of the final training loss; "for [unstable] runs [whose training loss reaches values
worse than at initialization] we use the next smaller step-size": the next smaller step of the
evaluated grid, taken once, whatever its own behaviour. The paper does not say how a diverging
run (non-finite loss) scores: here its final loss counts as ``+inf``, so it is never chosen while
a finite run exists, and it is unstable.

``"extended"`` -- this package's variant for short budgets: the starting grid (one per optimizer)
is extended by powers of 10 while the best step sits at an end (at most ``extend`` times), so the
optimum is bracketed; the stability fallback takes the largest smaller step that is itself stable
and finite.

A run is *unstable* when its loss exceeds the initial loss by more than
:data:`~theorycheck.core.tolerances.SIM_UNSTABLE_REL` at some step, for some seed.
"""

from __future__ import annotations

import math
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from theorycheck.core.executor import get_executor
from theorycheck.core.tolerances import SIM_UNSTABLE_REL
from theorycheck.core.validation import check_bool, check_choice, check_int, check_step
from theorycheck.sim.problems import INITS, ProblemSpec

#: The sparse grid of appendix A.4: 1e-6, 1e-5, ..., 1e1.
PAPER_GRID = tuple(10.0 ** k for k in range(-6, 2))

RULES = ("paper", "extended")

#: Most extensions of the grid by a power of 10 (:func:`select_steps`): float64 spans 10^+-308,
#: so more cannot bracket anything.
MAX_EXTEND = 640

_PROBLEMS: "OrderedDict[str, object]" = OrderedDict()


def _spec_key(spec: ProblemSpec) -> str:
    return repr((spec.kind, sorted((k, repr(v)) for k, v in spec.kwargs.items()), spec.device, spec.dtype))


def _problem_bytes(p) -> int:
    X = getattr(p, "X", None)
    return int(X.numel() * X.element_size()) if X is not None else 0


def cache_budget_bytes() -> int:
    """``$THEORYCHECK_PROBLEM_CACHE_MB`` (default 4096) in bytes: the most data kept by
    :func:`build_problem` (the most recent problem is always kept)."""
    v = os.environ.get("THEORYCHECK_PROBLEM_CACHE_MB", "4096")
    try:
        mb = float(v)
    except ValueError:
        raise ValueError(f"THEORYCHECK_PROBLEM_CACHE_MB: must be a number of megabytes >= 0, got {v!r}") from None
    if not math.isfinite(mb) or mb < 0:
        raise ValueError(f"THEORYCHECK_PROBLEM_CACHE_MB: must be a number of megabytes >= 0, got {v!r}")
    return int(mb * 2**20)


def build_problem(spec: ProblemSpec):
    """``spec.build()``, cached per process by the whole recipe (kind, every keyword including
    the seed, device, dtype). Problems are read-only during simulations, so sharing is safe."""
    if not isinstance(spec, ProblemSpec):
        raise ValueError(f"spec: must be a ProblemSpec, got {type(spec).__name__}")
    key = _spec_key(spec)
    if key in _PROBLEMS:
        _PROBLEMS.move_to_end(key)
        return _PROBLEMS[key]
    budget = cache_budget_bytes()
    p = spec.build()
    _PROBLEMS[key] = p
    while len(_PROBLEMS) > 1 and sum(_problem_bytes(q) for q in _PROBLEMS.values()) > budget:
        _PROBLEMS.popitem(last=False)
    return p


def clear_problem_cache() -> None:
    """Forget every cached problem."""
    _PROBLEMS.clear()


@dataclass(frozen=True)
class SweepTask:
    """One seed of a sweep (picklable). ``seed`` fixes the data and the start. The fields are
    checked on construction: ``spec`` a :class:`ProblemSpec`, ``runs`` a non-empty sequence of
    ``(optimizer, step size > 0)`` pairs, ``steps >= 0``, ``seed >= 0``, ``keep_curves`` a bool,
    ``start`` in :data:`~theorycheck.sim.problems.INITS`."""

    spec: ProblemSpec
    runs: tuple  # ((optimizer name or (family, kwargs)), step), ...
    steps: int
    seed: int = 0
    keep_curves: bool = False
    start: str = "zero"

    def __post_init__(self):
        if not isinstance(self.spec, ProblemSpec):
            raise ValueError(f"spec: must be a ProblemSpec, got {type(self.spec).__name__}")
        runs = _check_common(self.spec, self.runs, "runs")
        for r in runs:
            if not isinstance(r, (list, tuple)) or len(r) != 2:
                raise ValueError(f"runs: each run is an (optimizer, step size) pair, got {r!r}")
            _check_optimizers([r[0]], "runs")
            check_step(r[1], "runs", scalar=True)
        check_int(self.steps, "steps", 0)
        check_int(self.seed, "seed", 0)
        check_bool(self.keep_curves, "keep_curves")
        check_choice(self.start, "start", INITS)


def run_task(task: SweepTask) -> dict:
    """Build (or reuse) the problem for ``task.seed`` and run all pairs from ``task.start``;
    returns final losses ``(R,)``, the max loss over the run ``(R,)`` (``inf`` if a loss was
    not finite), the initial loss, and (if asked) the loss and group curves."""
    from theorycheck.sim.run import simulate

    if not isinstance(task, SweepTask):
        raise ValueError(f"task: must be a SweepTask, got {type(task).__name__}")
    problem = build_problem(task.spec.with_seed(task.seed))
    traj = simulate(problem, list(task.runs), task.steps, class_loss_at=[task.steps], progress=False,
                    start=task.start, start_seed=task.seed)
    out = {"final": traj.loss[-1], "max": np.max(np.where(np.isfinite(traj.loss), traj.loss, np.inf), axis=0),
           "initial": traj.loss[0], "seconds": traj.seconds, "labels": traj.labels,
           "final_group": traj.group_loss[-1], "final_class": traj.class_loss[-1]}
    if task.keep_curves:
        out["loss"], out["group_loss"] = traj.loss, traj.group_loss
    return out


@dataclass
class SweepResult:
    """Per run (optimizer, step): final losses for every seed ``(S, R)``."""

    runs: list
    seeds: list
    final: np.ndarray
    max_loss: np.ndarray
    initial: np.ndarray
    outputs: list = field(default_factory=list)

    def worst(self) -> np.ndarray:
        """Worst-over-seeds final loss per run; non-finite -> +inf."""
        f = np.where(np.isfinite(self.final), self.final, np.inf)
        return f.max(axis=0)


def sweep(spec: ProblemSpec, optimizers: Iterable, steps_grid: Iterable[float], seeds: Iterable[int], steps: int,
          *, executor=None, keep_curves: bool = False, start: str = "zero") -> SweepResult:
    """Every optimizer x every step size of ``steps_grid``, for every seed (one task per seed)."""
    opts = _check_optimizers(_check_common(spec, optimizers, "optimizers"))
    grid = [check_step(s, "steps_grid", scalar=True) for s in _iterable(steps_grid, "steps_grid")]
    if not grid:
        raise ValueError("steps_grid: need at least one step size")
    _check_sweep_args(steps, keep_curves, start, executor)
    runs = tuple((o, s) for o in opts for s in grid)
    return sweep_runs(spec, runs, seeds, steps, executor=executor, keep_curves=keep_curves, start=start)


def sweep_runs(spec: ProblemSpec, runs, seeds, steps: int, *, executor=None, keep_curves=False,
               start: str = "zero") -> SweepResult:
    """Like :func:`sweep` with an explicit list of ``(optimizer, step)`` runs."""
    runs = _check_common(spec, runs, "runs")
    seeds = _check_seeds(seeds)
    steps = _check_sweep_args(steps, keep_curves, start, executor)
    tasks = [SweepTask(spec, tuple(runs), int(steps), s, keep_curves, start) for s in seeds]
    outs = get_executor(executor).map(run_task, tasks)
    return SweepResult(list(runs), seeds, np.stack([o["final"] for o in outs]), np.stack([o["max"] for o in outs]),
                       np.stack([o["initial"] for o in outs]), outs)


def _check_seeds(seeds) -> list:
    seeds = [check_int(s, "seeds", 0) for s in _iterable(seeds, "seeds")]
    if not seeds:
        raise ValueError("seeds: need at least one seed")
    return seeds


def _check_sweep_args(steps, keep_curves, start, executor) -> int:
    """The arguments every sweep shares: ``steps >= 0``, ``keep_curves`` a bool, ``start`` in
    :data:`~theorycheck.sim.problems.INITS`, ``executor`` ``None``, a back-end name or an object
    with ``map`` (a name is resolved, and checked, by :func:`get_executor` when the tasks run)."""
    steps = check_int(steps, "steps", 0)
    check_bool(keep_curves, "keep_curves")
    check_choice(start, "start", INITS)
    if executor is not None and not isinstance(executor, str) and not callable(getattr(executor, "map", None)):
        raise ValueError(f"executor: must be None, a back-end name or an object with map(fn, items), got "
                         f"{type(executor).__name__}")
    return steps


def _iterable(x, name: str) -> list:
    if isinstance(x, (str, bytes, dict)) or not hasattr(x, "__iter__"):
        raise ValueError(f"{name}: must be a list, got {x!r}")
    return list(x)


def _check_common(spec, items, name: str) -> list:
    """``spec`` a :class:`ProblemSpec` and ``items`` a non-empty list."""
    if not isinstance(spec, ProblemSpec):
        raise ValueError(f"spec: must be a ProblemSpec, got {type(spec).__name__}")
    items = _iterable(items, name)
    if not items:
        raise ValueError(f"{name}: needs at least one entry")
    return items


def _check_optimizers(opts: list, name: str = "optimizers") -> list:
    from theorycheck.sim.optimizers import make

    for o in opts:
        try:
            make(o)
        except ValueError as e:
            raise ValueError(f"{name}: {e}") from None
    return opts


def _key(o):
    return o if isinstance(o, str) else repr(o)


def select_steps(spec: ProblemSpec, optimizers: Iterable, seeds: Iterable[int], steps: int, *,
                 grid=PAPER_GRID, refine: bool = True, extend: int = 3, stable: bool = True,
                 rule: str = "extended", start: str = "zero", executor=None) -> dict:
    """Step-size selection of K24 appendix A.4 for every optimizer at once (see the module
    docstring for the two ``rule``\\ s; ``rule="paper"`` ignores ``grid`` and ``extend``).

    1. run the grid (one list for all, or a dict optimizer -> list) for every optimizer and
       seed; score = worst-over-seeds final loss (``+inf`` if not finite);
    2. ``"extended"`` only: while the best step is at an end of the grid (at most ``extend``
       times), add the next power of 10 beyond it;
    3. if ``refine``, add the half-powers ``best * 10^(+-1/2)``;
    4. pick the smallest score; if ``stable`` and that run was unstable, apply the rule's
       fallback to a smaller step.

    Runs are independent, so an optimizer's selection depends on the other optimizers of the
    call only through the round-off of the batched products (the BLAS blocking changes with the
    number of runs); select one optimizer per call for results that are bitwise independent of
    what else was selected (``theorycheck.claims.k24.empirical`` does).

    Returns ``{optimizer: {"step": chosen, "score": worst final loss, "table": {step: score},
    "unstable": [...], "best_score_step": ..., "rule": ..., "fallback": what the stability rule
    did, "curves": {seed: loss and group-loss curves and final per-class losses} of the chosen
    step, "best_curves": the same for the best-score step}}``.
    """
    check_choice(rule, "rule", RULES)
    opts = _check_optimizers(_check_common(spec, optimizers, "optimizers"))
    keys = [_key(o) for o in opts]
    seeds = _check_seeds(seeds)
    steps = _check_sweep_args(steps, False, start, executor)
    refine, stable = check_bool(refine, "refine"), check_bool(stable, "stable")
    extend = check_int(extend, "extend", 0, MAX_EXTEND)
    if rule == "extended":
        if isinstance(grid, dict):
            missing = [k for k in keys if k not in grid]
            if missing:
                raise ValueError(f"grid: no step sizes for {missing} (a dict grid needs one list per optimizer)")
        for g in (grid[k] for k in keys) if isinstance(grid, dict) else [grid]:
            if not [check_step(x, "grid", scalar=True) for x in _iterable(g, "grid")]:
                raise ValueError("grid: needs at least one step size (per optimizer)")
    table: dict = {_key(o): {} for o in opts}
    unstable: dict = {_key(o): {} for o in opts}
    curves: dict = {_key(o): {} for o in opts}

    def run(pairs):
        if not pairs:
            return
        res = sweep_runs(spec, tuple(pairs), seeds, steps, executor=executor, keep_curves=True, start=start)
        worst = res.worst()
        rose = (res.max_loss > res.initial * (1 + SIM_UNSTABLE_REL)).any(axis=0)
        for i, ((o, s), w, u) in enumerate(zip(pairs, worst, rose)):
            table[_key(o)][s] = float(w)
            unstable[_key(o)][s] = bool(u)
            curves[_key(o)][s] = {sd: {"loss": out["loss"][:, i], "group_loss": out["group_loss"][:, i],
                                       "final_class": out["final_class"][i]} for sd, out in zip(seeds, res.outputs)}

    if rule == "paper":
        grids = {_key(o): list(PAPER_GRID) for o in opts}
    else:
        grids = {_key(o): sorted(check_step(g, "grid") for g in (grid[_key(o)] if isinstance(grid, dict) else grid))
                 for o in opts}
    run([(o, s) for o in opts for s in grids[_key(o)]])
    if extend and rule == "extended":
        for _ in range(int(extend)):
            pairs = []
            for o in opts:
                t = table[_key(o)]
                best = min(t, key=lambda s: t[s])
                lo, hi = min(t), max(t)
                if best == lo and math.isfinite(t[best]) and lo / 10 > 0:
                    pairs.append((o, lo / 10))
                elif best == hi and math.isfinite(t[best]) and math.isfinite(hi * 10):
                    pairs.append((o, hi * 10))
            if not pairs:
                break
            run(pairs)
    if refine:
        pairs = []
        for o in opts:
            t = table[_key(o)]
            best = min(t, key=lambda s: t[s])
            for s in (best / math.sqrt(10), best * math.sqrt(10)):
                if not any(math.isclose(s, x, rel_tol=1e-9) for x in t):
                    pairs.append((o, s))
        run(pairs)
    out = {}
    for o in opts:
        t, u = table[_key(o)], unstable[_key(o)]
        best = min(t, key=lambda s: t[s])
        chosen, fallback = best, "none: the best step was stable"
        if not math.isfinite(t[best]):
            fallback = "none: every step diverged"
        elif stable and u[best]:
            smaller = sorted((s for s in t if s < best), reverse=True)
            if rule == "paper":
                if smaller:
                    chosen, fallback = smaller[0], "unstable best step: took the next smaller step (A.4)"
                else:
                    fallback = "unstable best step, but no smaller step was evaluated: kept it"
            else:
                ok = [s for s in smaller if not u[s] and math.isfinite(t[s])]
                if ok:
                    chosen, fallback = ok[0], "unstable best step: took the largest smaller stable step"
                else:
                    fallback = "unstable best step and no smaller stable step: kept it"
        out[_key(o)] = {"step": chosen, "score": t[chosen], "best_score_step": best, "curves": curves[_key(o)][chosen],
                        "best_curves": curves[_key(o)][best],
                        "rule": rule, "fallback": fallback, "seeds": list(seeds), "start": start,
                        "table": {f"{s:.3g}": t[s] for s in sorted(t)}, "unstable": sorted(f"{s:.3g}" for s in t if u[s])}
    return out
