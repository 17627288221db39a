"""Sweeps over optimizers x step sizes x seeds, and the step-size selection of K24 appendix A.4.

One *task* is one seed: a picklable :class:`SweepTask` (a problem recipe, the list of
``(optimizer, step)`` runs, the horizon) that builds its problem and runs every pair at once
with :func:`~theorycheck.sim.run.simulate`. Tasks go through
:func:`theorycheck.core.executor.get_executor` (``map(fn, items)``), so a cluster back-end can run
the seeds in parallel and the answer does not depend on where they ran.

Step-size selection (appendix A.4): a grid of powers of 10, refined to half-powers around
the best; the step chosen minimises the *worst over seeds* final training loss. A run that
diverged (non-finite loss) scores ``+inf``. A.4 adds: if the chosen run is unstable (its loss
exceeds the initial loss at some step), take the next smaller step (``stable=True``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from theorycheck.core.executor import get_executor
from theorycheck.core.tolerances import SIM_UNSTABLE_REL
from theorycheck.core.validation import check_bool, check_int, check_step
from theorycheck.sim.problems import ProblemSpec

#: The sparse grid of appendix A.4: 1e-6, 1e-5, ..., 1e1.
PAPER_GRID = tuple(10.0 ** k for k in range(-6, 2))


@dataclass(frozen=True)
class SweepTask:
    """One seed of a sweep (picklable)."""

    spec: ProblemSpec
    runs: tuple  # ((optimizer name or (family, kwargs)), step), ...
    steps: int
    seed: int = 0
    keep_curves: bool = False


def run_task(task: SweepTask) -> dict:
    """Build the problem for ``task.seed`` and run all pairs; returns final losses ``(R,)``,
    the max loss over the run ``(R,)``, the initial loss, and (if asked) the loss and group
    curves."""
    from theorycheck.sim.run import simulate

    if not isinstance(task, SweepTask):
        raise ValueError(f"task: must be a SweepTask, got {type(task).__name__}")
    problem = task.spec.with_seed(task.seed).build()
    traj = simulate(problem, list(task.runs), task.steps, class_loss_at=[task.steps], progress=False)
    out = {"final": traj.loss[-1], "max": np.nanmax(np.where(np.isfinite(traj.loss), traj.loss, np.inf), axis=0),
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
          *, executor=None, keep_curves: bool = False) -> SweepResult:
    """Every optimizer x every step size of ``steps_grid``, for every seed (one task per seed)."""
    opts = _check_optimizers(_check_common(spec, optimizers, "optimizers"))
    grid = [check_step(s, "steps_grid") for s in _iterable(steps_grid, "steps_grid")]
    if not grid:
        raise ValueError("steps_grid: need at least one step size")
    runs = tuple((o, s) for o in opts for s in grid)
    return sweep_runs(spec, runs, seeds, steps, executor=executor, keep_curves=keep_curves)


def sweep_runs(spec: ProblemSpec, runs, seeds, steps: int, *, executor=None, keep_curves=False) -> SweepResult:
    """Like :func:`sweep` with an explicit list of ``(optimizer, step)`` runs."""
    runs = _check_common(spec, runs, "runs")
    seeds = [check_int(s, "seeds", 0) for s in _iterable(seeds, "seeds")]
    if not seeds:
        raise ValueError("seeds: need at least one seed")
    steps = check_int(steps, "steps", 0)
    keep_curves = check_bool(keep_curves, "keep_curves")
    tasks = [SweepTask(spec, tuple(runs), int(steps), s, keep_curves) for s in seeds]
    outs = get_executor(executor).map(run_task, tasks)
    return SweepResult(list(runs), seeds, np.stack([o["final"] for o in outs]), np.stack([o["max"] for o in outs]),
                       np.stack([o["initial"] for o in outs]), outs)


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


def _check_optimizers(opts: list) -> list:
    from theorycheck.sim.optimizers import make

    for o in opts:
        try:
            make(o)
        except ValueError as e:
            raise ValueError(f"optimizers: {e}") from None
    return opts


def _key(o):
    return o if isinstance(o, str) else repr(o)


def select_steps(spec: ProblemSpec, optimizers: Iterable, seeds: Iterable[int], steps: int, *,
                 grid=PAPER_GRID, refine: bool = True, extend: int = 3, stable: bool = True,
                 executor=None) -> dict:
    """Step-size selection of K24 appendix A.4 for every optimizer at once.

    1. run ``grid`` (powers of 10; one list for all, or a dict optimizer -> list) for every
       optimizer and seed, all optimizers at once; score = worst-over-seeds final loss;
    2. while the best step is at an end of the grid (at most ``extend`` times), add the next
       power of 10 beyond it, so the optimum is bracketed;
    3. if ``refine``, add the half-powers ``best * 10^(+-1/2)``;
    4. pick the smallest score; if ``stable`` and that run's loss went above its initial
       loss at some step, take the next smaller step that stayed below it.

    Returns ``{optimizer: {"step": chosen, "score": worst final loss, "table": {step: score},
    "unstable": [...], "best_score_step": ..., "curves": seed-0 loss and group-loss curves of the
    chosen step}}``.
    """
    opts = _check_optimizers(_check_common(spec, optimizers, "optimizers"))
    seeds = [check_int(s, "seeds", 0) for s in _iterable(seeds, "seeds")]
    steps = check_int(steps, "steps", 0)
    refine, stable = check_bool(refine, "refine"), check_bool(stable, "stable")
    extend = check_int(extend, "extend", 0)
    for g in (grid.values() if isinstance(grid, dict) else [grid]):
        if not _iterable(g, "grid"):
            raise ValueError("grid: needs at least one step size (per optimizer)")
    table: dict = {_key(o): {} for o in opts}
    unstable: dict = {_key(o): {} for o in opts}

    curves: dict = {_key(o): {} for o in opts}

    def run(pairs):
        if not pairs:
            return
        res = sweep_runs(spec, tuple(pairs), seeds, steps, executor=executor, keep_curves=True)
        worst = res.worst()
        rose = (res.max_loss > res.initial * (1 + SIM_UNSTABLE_REL)).any(axis=0)
        o0 = res.outputs[0]
        for i, ((o, s), w, u) in enumerate(zip(pairs, worst, rose)):
            table[_key(o)][s] = float(w)
            unstable[_key(o)][s] = bool(u)
            curves[_key(o)][s] = {"seed": seeds[0], "loss": o0["loss"][:, i], "group_loss": o0["group_loss"][:, i],
                                  "final_class": o0["final_class"][i]}

    grids = {_key(o): sorted(check_step(g, "grid") for g in (grid[_key(o)] if isinstance(grid, dict) else grid)) for o in opts}
    run([(o, s) for o in opts for s in grids[_key(o)]])
    if extend:
        for _ in range(int(extend)):
            pairs = []
            for o in opts:
                t = table[_key(o)]
                best = min(t, key=lambda s: t[s])
                lo, hi = min(t), max(t)
                if best == lo and math.isfinite(t[best]):
                    pairs.append((o, lo / 10))
                elif best == hi and math.isfinite(t[best]):
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
        chosen = best
        if stable and u[best]:
            smaller = [s for s in sorted(t, reverse=True) if s < best and not u[s] and math.isfinite(t[s])]
            if smaller:
                chosen = smaller[0]
        out[_key(o)] = {"step": chosen, "score": t[chosen], "best_score_step": best, "curves": curves[_key(o)][chosen],
                        "table": {f"{s:.3g}": t[s] for s in sorted(t)}, "unstable": sorted(f"{s:.3g}" for s in t if u[s])}
    return out
