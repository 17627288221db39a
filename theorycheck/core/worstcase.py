"""Worst-case search: how close does a bound come to being violated, and on which instance?

An upper bound ``measured(x) <= bound(x)`` checked by simulation at a few hand-picked instances
only shows that those instances are not counterexamples. This tactic searches the instance space
adversarially for the largest ratio

    r(x) = measured(x) / bound(x),   x in a box  (dimension, starting point, step sizes within the
                                                  theorem's conditions, noise level, ...)

and reports the best ratio found, the *tightness* ``max r``, with the instance attaining it:

* ``r > 1`` (beyond the caller's stated slack): the bound is violated and the instance is a
  counterexample;
* ``r <= 1`` everywhere searched: the bound was never violated; the tightness says how small a
  wrong bound would have to be for the search to catch it (a printed bound ``c`` times too small is
  caught when ``c > 1/tightness``). This is *empirical* evidence, never a proof.

How it searches (seeded, so two runs with the same seed return the same instance and ratio):

1. every combination of the small integer parameters (``discrete``) is enumerated exhaustively;
2. for each, ``samples`` points of the continuous box are drawn uniformly (in log coordinates for
   parameters declared ``"log"``);
3. the ``restarts`` best of them start a local optimiser that maximises ``r`` inside the box:
   Nelder-Mead (bounded, scipy) by default, or scipy's differential evolution on the whole box
   (``method="differential-evolution"``, seeded), which is a global search on its own;
4. the search stops early as soon as ``r`` exceeds ``stop_above`` (a violation is found: no need to
   search further), and never spends more than ``max_evals`` evaluations per discrete combination.

The ratio function must be deterministic in its arguments: a simulation with noise should use
common random numbers (a seed fixed by the caller, e.g. from :func:`theorycheck.core.rng.claim_seed`)
and should itself discount its Monte-Carlo error (e.g. compare ``mean - k se`` with the bound).
It may return ``-inf`` for an instance outside the theorem's conditions (it is then never chosen);
``nan`` is an error (a ValueError naming the instance), never silently skipped.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

METHODS = ("nelder-mead", "differential-evolution")
SCALES = ("lin", "log")


@dataclass(frozen=True)
class Param:
    """A continuous parameter of the instance box: ``lo <= x <= hi``, searched on a linear or
    logarithmic (``scale="log"``, needs ``lo > 0``) scale."""

    lo: float
    hi: float
    scale: str = "lin"

    def __post_init__(self):
        if not (math.isfinite(self.lo) and math.isfinite(self.hi) and self.lo <= self.hi):
            raise ValueError(f"continuous: need finite lo <= hi, got [{self.lo}, {self.hi}]")
        if self.scale not in SCALES:
            raise ValueError(f"continuous: scale must be one of {SCALES}, got {self.scale!r}")
        if self.scale == "log" and self.lo <= 0:
            raise ValueError(f"continuous: a 'log' parameter needs lo > 0, got {self.lo}")

    def from_unit(self, u: float) -> float:
        """Map ``u`` in ``[0, 1]`` (clipped) to the parameter's range."""
        u = min(max(float(u), 0.0), 1.0)
        if self.scale == "log":
            return float(math.exp(math.log(self.lo) + u * (math.log(self.hi) - math.log(self.lo))))
        return float(self.lo + u * (self.hi - self.lo))


@dataclass
class WorstCase:
    """The outcome of :func:`worst_case`.

    ``ratio``: the largest ``measured/bound`` found (the tightness of the bound on the box);
    ``instance``: the parameters attaining it; ``evaluations``: how many instances were evaluated;
    ``per_discrete``: the best ratio for each combination of the discrete parameters;
    ``stopped_early``: the search stopped because ``ratio > stop_above``.
    """

    ratio: float
    instance: dict[str, Any]
    evaluations: int
    per_discrete: list[dict[str, Any]] = field(default_factory=list)
    stopped_early: bool = False
    box: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    method: str = "nelder-mead"

    def violated(self, slack: float = 0.0) -> bool:
        """True when the bound is exceeded by more than the relative ``slack`` on the instance found."""
        if not (math.isfinite(slack) and slack >= 0):
            raise ValueError(f"slack: must be finite and >= 0, got {slack!r}")
        return self.ratio > 1.0 + slack

    @property
    def rejectable_factor(self) -> float | None:
        """A printed bound ``c`` times too small is caught by this search only when ``c`` exceeds
        this (``1/ratio``); ``None`` when no instance gave a positive ratio."""
        return 1.0 / self.ratio if self.ratio > 0 and math.isfinite(self.ratio) else None

    def as_evidence(self) -> dict[str, Any]:
        return {"tightness (max measured/bound)": self.ratio, "instance": self.instance,
                "rejectable_factor": self.rejectable_factor, "evaluations": self.evaluations,
                "per_discrete": self.per_discrete, "stopped_early": self.stopped_early, "box": self.box,
                "seed": self.seed, "method": self.method,
                "meaning": "adversarial search over the box (random starts + local optimiser); "
                           "a ratio > 1 is a counterexample, a ratio <= 1 is empirical evidence only"}


class _Stop(Exception):
    pass


def worst_case(ratio: Callable[..., float], continuous: Mapping[str, Param | tuple] | None = None,
               discrete: Mapping[str, Sequence] | None = None, *, seed: int = 0, samples: int = 32,
               restarts: int = 4, max_evals: int = 400, method: str = "nelder-mead",
               stop_above: float | None = None, fixed: Mapping[str, Any] | None = None,
               starts: Sequence[Mapping[str, Any]] = ()) -> WorstCase:
    """Maximise ``ratio(**instance)`` over a box of instances (see the module docstring).

    Parameters
    ----------
    ratio: ``ratio(**params) -> float``, ``measured/bound`` on one instance (deterministic).
    continuous: name -> :class:`Param` or a tuple ``(lo, hi)`` / ``(lo, hi, "log")``.
    discrete: name -> the values to enumerate exhaustively (small integer parameters: dimension,
        horizon, batch size, a choice of noise pattern).
    seed: seeds the random starts (and differential evolution).
    samples: uniform random points per discrete combination; restarts: how many of the best start
        the local optimiser; max_evals: evaluation budget per discrete combination.
    method: ``"nelder-mead"`` or ``"differential-evolution"``.
    stop_above: stop as soon as a ratio above this is found (a violation needs no refinement).
    fixed: parameters passed unchanged to every call.
    starts: instances to evaluate first (warm starts, e.g. a counterexample of a related bound):
        each is evaluated in its discrete combination and competes for the local restarts.
    """
    from scipy import optimize

    if method not in METHODS:
        raise ValueError(f"method: must be one of {METHODS}, got {method!r}")
    for name, v in (("samples", samples), ("restarts", restarts), ("max_evals", max_evals)):
        if not (isinstance(v, (int, np.integer)) and v >= (0 if name == "restarts" else 1)):
            raise ValueError(f"{name}: must be a positive integer, got {v!r}")
    if stop_above is not None and not (isinstance(stop_above, (int, float)) and not math.isnan(stop_above)):
        raise ValueError(f"stop_above: must be a number or None, got {stop_above!r}")
    box = {k: (v if isinstance(v, Param) else Param(*v)) for k, v in (continuous or {}).items()}
    disc = {k: list(v) for k, v in (discrete or {}).items()}
    for k, v in disc.items():
        if not v:
            raise ValueError(f"discrete: parameter {k!r} has no values")
    clash = (set(box) & set(disc)) | ((set(box) | set(disc)) & set(fixed or {}))
    if clash:
        raise ValueError(f"continuous, discrete, fixed: parameters {sorted(clash)} are given twice")
    if not box and not disc:
        raise ValueError("continuous, discrete: the box needs at least one parameter")
    names = list(box)
    rng = np.random.default_rng(seed)
    best = {"ratio": -math.inf, "instance": {}}
    total = 0
    per = []
    stopped = False

    for combo in itertools.product(*disc.values()) if disc else [()]:
        dvals = dict(zip(disc, combo))
        count = 0
        local_best = {"ratio": -math.inf, "instance": None}

        def f(u):
            nonlocal count, total
            if count >= max_evals:
                raise _Stop
            inst = {**(fixed or {}), **dvals, **{n: box[n].from_unit(x) for n, x in zip(names, np.atleast_1d(u))}}
            r = float(ratio(**inst))
            count += 1
            total += 1
            if math.isnan(r):
                raise ValueError(f"ratio: NaN at instance {inst} (return -inf for an instance outside the conditions)")
            if r > local_best["ratio"]:
                local_best.update(ratio=r, instance=inst)
            if stop_above is not None and r > stop_above:
                raise _Stop
            return r

        try:
            if not names:
                f(np.zeros(0))
            elif method == "differential-evolution":
                optimize.differential_evolution(lambda u: -f(u), [(0.0, 1.0)] * len(names),
                                                seed=int(rng.integers(2**31)), maxiter=max(1, max_evals // (15 * len(names))),
                                                polish=False, tol=0.0)
            else:
                pts = rng.random((samples, len(names)))
                warm = [np.array([_to_unit(box[n], st[n]) for n in names]) for st in starts
                        if all(st.get(k) == v for k, v in dvals.items()) and all(n in st for n in names)]
                if warm:
                    pts = np.vstack([np.array(warm), pts])
                vals = np.array([f(u) for u in pts])
                order = np.argsort(-vals)[:restarts]
                for i in order:
                    if not math.isfinite(vals[i]) and vals[i] < 0:
                        continue
                    optimize.minimize(lambda u: -f(np.clip(u, 0.0, 1.0)), pts[i], method="Nelder-Mead",
                                      bounds=[(0.0, 1.0)] * len(names),
                                      options={"maxfev": max(1, max_evals // max(restarts, 1)), "xatol": 1e-6,
                                               "fatol": 1e-12, "initial_simplex": _simplex(pts[i])})
        except _Stop:
            pass
        if local_best["instance"] is None:  # budget spent before any evaluation (cannot happen: max_evals >= 1)
            continue  # pragma: no cover
        per.append({**dvals, "ratio": local_best["ratio"], "instance": local_best["instance"], "evaluations": count})
        if local_best["ratio"] > best["ratio"]:
            best = dict(local_best)
        if stop_above is not None and best["ratio"] > stop_above:
            stopped = True
            break
    boxev = {**{k: [p.lo, p.hi, p.scale] for k, p in box.items()}, **{k: v for k, v in disc.items()}}
    if fixed:
        boxev["fixed"] = dict(fixed)
    return WorstCase(best["ratio"], best["instance"], total, per, stopped, boxev, int(seed), method)


def _to_unit(p: Param, x: float) -> float:
    """Inverse of :meth:`Param.from_unit` (clipped to the box)."""
    if p.hi == p.lo:
        return 0.0
    if p.scale == "log":
        u = (math.log(max(float(x), p.lo)) - math.log(p.lo)) / (math.log(p.hi) - math.log(p.lo))
    else:
        u = (float(x) - p.lo) / (p.hi - p.lo)
    return min(max(u, 0.0), 1.0)


def _simplex(u0: np.ndarray) -> np.ndarray:
    """A Nelder-Mead simplex around ``u0`` inside the unit cube (steps of 0.15 toward the interior)."""
    k = u0.size
    s = np.tile(u0, (k + 1, 1))
    for i in range(k):
        step = 0.15 if u0[i] <= 0.5 else -0.15
        s[i + 1, i] = u0[i] + step
    return s
