"""The contract of every public function of ``theorycheck.models`` and ``theorycheck.sim``.

Contract (issue 13): a public function returns a finite answer of its documented type, or
raises ``ValueError`` whose message names the parameter (and its valid range). Never a silent
NaN / inf / complex number, never an ``IndexError`` / ``ZeroDivisionError`` / torch
``RuntimeError``, never a hang.

**Which functions.** Every public callable *defined* in a module of ``theorycheck.models`` or
``theorycheck.sim``, found by introspection (:func:`public_callables`): functions,
``functools.lru_cache`` wrappers, and classes with their own constructor (plain dataclass
records are data, not functions, and are skipped). A new public function is picked up
without anyone listing it.

**How a valid call is built (the domain of a function).**

1. ``EXAMPLES`` holds valid example values *by parameter name*, several candidates per name
   (``pi`` is a frequency in ``flows.gradient_flow_loss`` and a probability vector in
   ``flows.loss_gradient``). The first combination for which the function returns a finite
   answer is its *baseline* (parameters with a default keep it first).
2. ``VALID`` maps a parameter name to a function ``baseline value -> hypothesis strategy`` of
   valid values of the same kind and shape (``t`` in ``[0, 1e300]``, ``pi`` in
   ``[1e-300, 1]``, ...): meaningful calls, not only garbage.
3. A function whose parameters are not covered fails :func:`test_every_function_has_a_baseline`,
   which names what to add. A function that needs more declares it:

   * ``CALLS[qualified name] = {param: value}``: fixed valid arguments, tried first;
   * ``STRATEGIES[qualified name] = {param: strategy}``: its own valid values (e.g. the
     symbolic model, where ``c = 8, d = 6`` is valid but takes minutes);
   * ``COUNTS``: parameter names that are counts or sizes (steps, probes, dimensions). They get
     small valid values and invalid ones only: a valid but huge count is a long computation,
     not a bug;
   * ``@contract(nonfinite="reason")`` from :mod:`theorycheck.core.validation`, on the function
     itself, when ``+-inf`` / NaN is part of its documented answer (a diverging moment, a run
     that blew up).

**What is checked.** Around the baseline, one parameter at a time is replaced by a *bad* value
(NaN, a string, ``None``, a complex number, an array holding NaN, a wrong shape, a callable
returning NaN, ...) or an *extreme* one (``+-inf``, 0, -1, ``+-1e300``, ``1e-300``, empty
arrays, ...), or every parameter is drawn from ``VALID``. A bad value must raise a
``ValueError`` naming that parameter; an extreme or valid one must give a finite answer of the
documented type or a ``ValueError`` naming a parameter. Every call runs under a time limit.
:func:`test_bad_values_are_rejected` covers every parameter with the core bad values
deterministically; :func:`test_random_calls` draws the rest with hypothesis (a bounded number
of examples per function, derandomized: CI-stable); the slow variant draws many more.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import math
import pkgutil
import re
import signal
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import theorycheck.models
import theorycheck.sim

#: Seconds a single call may take before it counts as a hang.
CALL_LIMIT_S = 20.0


# ----------------------------------------------------------------------------------------- discovery
def public_callables() -> list[tuple[str, object]]:
    """``[(qualified name, callable)]`` for every public function / constructor of models/ and sim/."""
    out = []
    for pkg in (theorycheck.models, theorycheck.sim):
        for mi in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            mod = importlib.import_module(f"{pkg.__name__}.{mi.name}")
            for name, obj in sorted(vars(mod).items()):
                if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                    continue
                if inspect.isclass(obj):
                    if dataclasses.is_dataclass(obj) and not hasattr(obj, "__post_init__"):
                        continue  # a plain record
                    if "__init__" not in vars(obj) and not hasattr(obj, "__post_init__"):
                        continue  # no constructor of its own (an abstract base)
                elif not callable(obj):
                    continue
                out.append((f"{mod.__name__}.{name}", obj))
    return out


FUNCTIONS = public_callables()
IDS = [q.removeprefix("theorycheck.") for q, _ in FUNCTIONS]


def public_methods() -> list[tuple[str, type, str]]:
    """``[(qualified name, class, method name)]``: every public method (and ``__call__``) defined
    in a public class of models/ and sim/, except :data:`HOT_PATH`."""
    out = []
    for pkg in (theorycheck.models, theorycheck.sim):
        for mi in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            mod = importlib.import_module(f"{pkg.__name__}.{mi.name}")
            for cname, cls in sorted(vars(mod).items()):
                if cname.startswith("_") or not inspect.isclass(cls) or cls.__module__ != mod.__name__:
                    continue
                for m, f in sorted(vars(cls).items()):
                    q = f"{mod.__name__}.{cname}.{m}"
                    if (m.startswith("_") and m != "__call__") or not inspect.isfunction(f) or q in HOT_PATH:
                        continue
                    out.append((q, cls, m))
    return out


#: Methods the simulator calls at every step (checking their input there would cost every step):
#: they are reached through :meth:`theorycheck.sim.problems.Problem.evaluate`, which checks the
#: parameters once per call, and through ``simulate``.
HOT_PATH = {"theorycheck.sim.problems.LinearSoftmax.logits", "theorycheck.sim.problems.Rotated.to_theta",
            "theorycheck.sim.problems.Rotated.from_theta", "theorycheck.sim.problems.Problem.loss",
            "theorycheck.sim.problems.Problem.pi_t", "theorycheck.sim.run.ProgressBar.update",
            "theorycheck.sim.run.ProgressBar.wants_update"}
METHODS = public_methods()


# ------------------------------------------------------------------------------------ the domains
@functools.lru_cache(maxsize=None)
def examples() -> dict:
    """Valid example values by parameter name (candidates in order of preference)."""
    import sympy as sp
    import torch

    from theorycheck.models import smoothness as sm
    from theorycheck.models import softmax_symbolic as ss
    from theorycheck.sim import problems, run, sweep

    rng = np.random.default_rng(0)
    X = rng.random((6, 3))
    y = np.array([0, 1, 2, 0, 1, 0])
    pvec = np.array([0.5, 0.3, 0.2])
    H = np.diag([3.0, 2.0, 1.0]) + 0.1
    A = np.array([[0.0, 1.0, 0.5], [-1.0, 0.0, 0.2], [-0.5, -0.2, 0.0]])
    pb = sm.problem(X, y, 3, bias=True, device="cpu")
    Wt = torch.zeros(3, 4, dtype=torch.float64)
    simple = problems.SimpleImbalanced(pvec, device="cpu")
    lin = problems.LinearSoftmax(X, y, device="cpu")
    spec = problems.ProblemSpec("simple", {"pi": [0.5, 0.3, 0.2]}, device="cpu")
    m = ss.model(2, 1)
    ex = {
        # the simple setting / closed forms
        "pi": [0.1, pvec], "c": [10.0, 3], "t": [2.0, np.array([1.0, 2.0, 4.0])], "tau": [1.0],
        "t_eval": [np.array([0.0, 1.0, 5.0])], "W": [np.zeros((3, 3))], "W0": [np.zeros((3, 3))],
        "a": [np.zeros(3), 1.0], "b": [np.zeros(3)], "omega": [pvec], "alpha_omega": [np.array([0.1, 0.05])],
        "y": [y, 5.0, 0, np.array([1.0, 0.5, 0.25]), pb.y], "f": [2.0], "z": [3.0], "dps": [30],
        # softmax kernels
        "X": [X, torch.as_tensor(X)], "x": [rng.random(3), rng.standard_normal(400)], "Z": [rng.random((4, 3))],
        "k": [0, 10], "j": [1],
        # quadratics, msign, heavy tails
        "G": [rng.random((3, 4)), 2], "H": [H, torch.as_tensor(H)], "A": [A], "s": [0.5, pvec],
        "eigs": [np.array([3.0, 2.0, 1.0])], "s_grid": [[0.0, 0.5]], "power": [1.0], "top": [1.0],
        "name": ["gd"], "x0": [np.ones(3), np.ones((2, 2))], "lrs": [[0.1, 0.01]], "hvp": [lambda v: H @ v],
        "coeffs": [(1.5, -0.5, 0.0), "cubic"], "eps": [1e-8, 0.1], "sigma": [np.array([1.0, 0.0, 0.0]), 0.5],
        "scale": [1.0], "L": [np.array([1.0, 2.0, 3.0]), 1.0], "method": ["signsgd", "sgd"], "etas": [[0.1, 0.01]],
        "metric": ["loss", "final_loss"], "x0s": [np.ones((2, 3))], "grid": [[0.1, 0.01]], "s_min_ratio": [0.5],
        "tol": [1e-6], "eta": [0.1], "groups": [[(1, 1.0, 0.5), (2, 0.5, 0.0)], np.array([0, 1, 1])],
        "Linf": [1.0], "regime": ["sparse"], "alpha": [1.5, 1.0], "nu": [3.0], "kind": ["sas", "gd", "simple"],
        "index": [1.5], "p": [0.5, pvec], "grad_fn": [lambda Xv: Xv], "noise": [np.zeros((3, 2, 2, 2))],
        "u": [np.ones(3)], "samples_fn": [lambda n, r: r.standard_normal(n)], "seed": [0], "rng": [0],
        # sign flow
        "grad": [lambda w: 2 * (np.asarray(w) - 1.0)], "hess": [lambda w: 2 * np.eye(np.asarray(w).size)],
        "w0": [np.zeros(3)], "t_end": [1.0], "step": [0.01, 3], "zero_tol": [1e-9], "rtol": [1e-8], "atol": [1e-10],
        "max_step": [0.5],
        # unigram
        "theta": [np.zeros(3), torch.zeros(12, dtype=torch.float64)], "v": [np.ones(3)], "norm": ["2"],
        "lam": [1.0], "x0_norm": [0.0],
        # sim
        "curve_start": [np.ones(3)], "curve_end": [0.5 * np.ones(3)], "beta": [0.5], "momentum": [0.5],
        "beta1": [0.9], "beta2": [0.99], "spec": [spec, "GD"], "optimizer": ["GD"], "lr": [0.1],
        "snapshot_at": [[0, 3]], "device": ["cpu"], "dtype": ["float64"], "init": [1.0], "inputs": ["uniform"],
        "bias": [True], "runs": [[("GD", 0.1)]], "weights": ["objective"], "hessian_diag": ["x2"],
        "optimizers": [["GD"]], "steps_grid": [[0.1]], "seeds": [[0]], "problem": [simple, lin], "lin": [lin],
        "base": [simple], "params": [{"W": torch.zeros(3, 3, dtype=torch.float64)},
                                     {"W": torch.zeros(1, 3, 3, dtype=torch.float64)},
                                     {"W": torch.zeros(3, 3, dtype=torch.float64), "b": torch.zeros(3, dtype=torch.float64)},
                                     # sim (s13): one run of ``lin`` (LinearSoftmax.batch_grad)
                                     {"W": torch.zeros(1, 3, 3, dtype=torch.float64),
                                      "b": torch.zeros(1, 3, dtype=torch.float64)}],
        "traj": [run.simulate(simple, [("GD", 0.1)], 3, snapshot_at=[0, 3], progress=False)],
        "task": [sweep.SweepTask(spec, (("GD", 0.1),), 3)], "kwargs": [{"pi": [0.5, 0.3, 0.2]}],
        "label": ["run"], "progress": [False], "total": [10], "need_grad": [True], "label_or_optimizer": ["GD@0.1", "GD"],
        "class_losses": [torch.zeros(1, 3, dtype=torch.float64)], "snapshot": [np.zeros((3, 4))],
        # sim (issue 13, s13): Optimizer.apply_ (zero gradients: the shared params stay put), batch_grad
        "grads": [{"W": torch.zeros(3, 3, dtype=torch.float64)}, {"W": torch.zeros(1, 3, 3, dtype=torch.float64)},
                  {"W": torch.zeros(3, 3, dtype=torch.float64), "b": torch.zeros(3, dtype=torch.float64)}],
        "state": [None], "idx": [torch.tensor([0, 2, 5])],
        # smoothness
        "pb": [pb], "Wt": [Wt], "hv": [sm.hvp_fn(pb, Wt)], "loss_fn": [sm.model_loss_fn(pb)],
        "P": [sm.probabilities(pb, Wt)], "Hsub": [sm.hessian_subset(pb, Wt, [0, 1], [0, 1])],
        "snapshots": [[np.zeros((3, 4))]], "Xa": [pb.Xa], "y_": [pb.y], "variant": ["correct"], "classes": [[0, 1]],
        "dims": [[0, 1]],
        # symbolic
        "m": [2, m], "expr": [m.probs_E()[0]], "exprs": [[sp.Integer(0)]], "M": [sp.zeros(2, 2)],
    }
    return ex


#: Parameters that are counts or sizes: small valid values only (see the module docstring).
COUNTS = {"steps", "T", "n_steps", "paths", "probes", "iters", "restarts", "d", "n", "size", "chunk", "dim", "batch",
          "max_dim", "batch_bits", "lanczos_iters", "sign_iters", "cauchy_probes", "exact_if_d_le", "max_events",
          "T_cap", "factor", "repeats", "k1", "dmax", "G", "q", "m", "total", "n_classes", "block", "record_every",
          "B", "stop_every", "extend", "ns_steps"}

#: Example values of a count without entry in EXAMPLES.
COUNT_EXAMPLES = [5, 3, 2, 10, 50]

#: Fixed valid arguments for functions whose parameter names do not say enough.
CALLS: dict[str, dict] = {
    "theorycheck.models.quadratics.cauchy_median_moments": {"k": 5},
    "theorycheck.models.heavytail.hill": {"k": 10},
    "theorycheck.models.separable.signsgd_expected_abs_curve": {"a": 1.0, "L": 1.0, "sigma": 0.5},
    "theorycheck.models.smoothness.problem": {"c": 3},
    "theorycheck.models.smoothness.Problem": {"c": 3, "d": 3, "bias": True},
    "theorycheck.sim.problems.LinearSoftmax": {"c": 3},
    "theorycheck.sim.sweep.select_steps": {"grid": [0.1, 1.0], "refine": False, "extend": 0},
    "theorycheck.models.smoothness.diag_offdiag_ratios": {"n_classes": 2},
    "theorycheck.models.smoothness.lanczos": {"dim": 12},
    "theorycheck.models.smoothness.power_iteration": {"dim": 12},
    "theorycheck.models.smoothness.cauchy_l11": {"dim": 12, "probes": 5},
    "theorycheck.models.smoothness.inf1_sign_iterations": {"dim": 12},
    # sim (issue 13, s13): arguments whose names say too little
    "theorycheck.sim.problems.BatchSampler": {"n": 6, "batch_size": 2},
    "theorycheck.sim.problems.linear_default_init": {"out_features": 3, "in_features": 2, "bias": True},
    "theorycheck.sim.run.tf32_mode": {"enabled": False},
    "theorycheck.sim.problems.heavy_tailed_problem": {"split": 3},  # an int split: the str default "data" takes ints
}

# --- models area (issue 13, helper m13): baselines of models.datasets and models.lower_bounds -----
_T26_GROUPS = [(1, 0.5, 1.0, 0.5), (4, 0.05, 2.0, 0.0)]  # (count, curvature L_i, x_i(0), noise std)
CALLS.update({
    "theorycheck.models.datasets.frequency_splits": {"counts": np.array([8.0, 4.0, 4.0, 2.0, 1.0, 1.0]),
                                                     "n_splits": 3},
    "theorycheck.models.lower_bounds.two_point_noise": {"s": 0.5, "q": 0.2},
    "theorycheck.models.lower_bounds.sgd_instance": {"d": 5, "lam": 0.05},
    "theorycheck.models.lower_bounds.sgd_value": {"groups": _T26_GROUPS, "eta": 0.1, "T": 10},
    "theorycheck.models.lower_bounds.sgd_lower_bound": {"T": 10, "d": 5, "s": 0.5, "etas": [0.1, 0.5, 2.0],
                                                        "lams_rel": [1.0, 0.25]},
    "theorycheck.models.lower_bounds.signsgd_values": {"qs": [0.5, 0.1], "s": 0.5, "N": 12, "etas": [0.1, 0.01],
                                                       "Bs": [1, 2], "paths": 4},
    "theorycheck.models.lower_bounds.signsgd_lower_bound": {"N": 16, "s": 0.5, "etas": [0.1, 0.01],
                                                            "qs": [0.5, 0.1], "paths": 4},
    "theorycheck.models.lower_bounds.scaling_exponents": {"e_s": 0.5},
    "theorycheck.models.lower_bounds.exceeds": {"term": {"T": -0.25, "d": 0.5}, "ub_terms": [{"T": -0.5, "d": 0.5},
                                                                                            {"T": -0.25, "d": 0.25}],
                                                "horizon": "T", "params": ("T", "d"), "at_least_one": ("d",)},
})
COUNTS |= {"N"}  # the sample budget of models.lower_bounds.signsgd_values / signsgd_lower_bound


def _small_ints(v):
    return st.integers(0, 6) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else None


def _reals_like(lo, hi, *, log=True):
    """Valid values in ``[lo, hi]`` of the kind and shape of the baseline value (log-uniform for wide ranges)."""

    def make(v):
        if isinstance(v, bool) or not isinstance(v, (float, int, np.floating, np.integer, np.ndarray)):
            return None
        a = np.asarray(v, dtype=float)
        if a.dtype.kind != "f":
            return None
        if log and lo > 0:
            scal = st.floats(math.log10(lo), math.log10(hi)).map(lambda e: min(max(10.0**e, lo), hi))
        else:
            scal = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        if a.ndim == 0:
            if isinstance(v, (int, np.integer)):
                return st.integers(int(math.ceil(lo)), int(min(hi, 10**6)))
            return st.one_of(scal, st.sampled_from([lo, hi]))
        return st.lists(st.one_of(scal, st.sampled_from([lo, hi])), min_size=a.size, max_size=a.size).map(
            lambda xs, shape=a.shape: np.array(xs, dtype=float).reshape(shape))

    return make


def _probability_vector(v):
    a = np.asarray(v)
    if a.ndim != 1 or a.dtype.kind != "f":
        return None

    def norm(xs):
        p = np.array(xs)
        return p / p.sum()

    return st.lists(st.floats(1e-3, 1.0), min_size=a.size, max_size=a.size).map(norm)


def _frequency_or_vector(v):
    if np.ndim(v) == 0:
        return _reals_like(1e-300, 1.0)(v)
    return _probability_vector(v)


#: Valid values by parameter name: ``baseline value -> strategy`` (None: keep the baseline).
VALID = {
    "t": _reals_like(0.0, 1e300), "tau": _reals_like(0.0, 1e300), "pi": _frequency_or_vector,
    "c": lambda v: _reals_like(2.0, 1e12)(v) if isinstance(v, float) else st.integers(2, 6),
    "y": lambda v: _reals_like(1e-300, 1e300)(v) if isinstance(v, float) else None,
    "f": _reals_like(-1e300, 1e300, log=False), "z": _reals_like(1e-300, 1e300), "dps": lambda v: st.integers(20, 60),
    "p": lambda v: _probability_vector(v) if np.ndim(v) else None, "omega": _probability_vector,
    "s": lambda v: _probability_vector(v) if np.ndim(v) else None, "lam": _reals_like(1e-6, 1e6),
    "lr": _reals_like(1e-12, 1e3), "step": _reals_like(1e-12, 1.0), "eta": _reals_like(1e-12, 10.0),
    "beta": _reals_like(0.0, 0.999, log=False), "momentum": _reals_like(0.0, 0.999, log=False),
    "beta1": _reals_like(0.0, 0.999, log=False), "beta2": _reals_like(0.0, 0.999, log=False),
    "theta": lambda v: _reals_like(-1e300, 1e300, log=False)(v) if isinstance(v, np.ndarray) else None,
    "W": _reals_like(-1e3, 1e3, log=False), "Z": _reals_like(-1e300, 1e300, log=False),
    "x0_norm": _reals_like(0.0, 1e6, log=False), "L": _reals_like(1e-6, 1e6), "scale": _reals_like(1e-6, 1e6),
    "alpha_omega": _reals_like(0.0, 10.0, log=False),
}

#: Per-function valid values (qualified name -> {param: strategy}).
STRATEGIES: dict[str, dict] = {
    **{f"theorycheck.models.softmax_symbolic.{f}": {"c": st.integers(2, 3), "d": st.integers(1, 2),
                                                   "y": st.integers(0, 1)}
       for f in ("model", "gradient_blocks", "hessian_blocks", "gradient_blocks_E", "hessian_blocks_E",
                 "gradient_coefficients", "hessian_coefficients")},
}


# ------------------------------------------------------------------------------------ bad / extreme
class _NaNCallable:
    """A callable that returns NaN (in the shape of whatever it is given)."""

    def __call__(self, *args, **kwargs):
        if args and hasattr(args[0], "shape"):
            return args[0] * float("nan")
        return float("nan")

    def __repr__(self):
        return "<callable returning NaN>"


#: String parameters that take free text (any string is valid).
FREE_TEXT = {"label", "name"}


def bad_values(v, name: str = "") -> list[tuple[str, object]]:
    """Values that must be rejected with a ValueError naming the parameter, by the kind of the
    baseline value ``v``."""
    common = [("str", "abc"), ("object", object()), ("complex", 1 + 1j)]
    if isinstance(v, bool):
        return [("str", "yes"), ("nan", float("nan")), ("None", None)]
    if callable(v) and not isinstance(v, type) and not hasattr(v, "shape"):
        return [("None", None), ("float", 1.0), ("str", "abc")]
    if isinstance(v, (int, np.integer)):
        return [("nan", float("nan")), ("None", None), ("float", 1.5), ("bool", True)] + common
    if isinstance(v, (float, np.floating)):
        return [("nan", float("nan")), ("None", None)] + common
    if isinstance(v, str):
        unknown = [] if name in FREE_TEXT else [("unknown", "no-such-choice")]
        return unknown + [("None", None), ("nan", float("nan")), ("int", 1)]
    if isinstance(v, np.ndarray):
        out = [("None", None), ("str", "abc"), ("object", object())]
        if v.dtype.kind == "f" and v.size:
            nanv = v.copy().astype(float)
            nanv.flat[0] = np.nan
            out.append(("nan-entry", nanv))
        return out
    if hasattr(v, "shape") and hasattr(v, "dtype") and type(v).__module__.startswith("torch"):
        import torch

        t = v.clone().to(torch.float64) if v.is_floating_point() else v.clone().double()
        if t.numel():
            t.view(-1)[0] = float("nan")
        return [("None", None), ("str", "abc"), ("nan-entry", t)]
    if isinstance(v, (list, tuple)):
        return [("None", None), ("str", "abc"), ("nan-list", [float("nan")] * max(1, len(v))), ("object", object())]
    if isinstance(v, dict):
        return [("None", None), ("str", "abc"), ("nan", float("nan"))]
    if v is None:  # the default None: a string may be a valid value (a name), so it is an extreme value
        return [("nan", float("nan")), ("object", object())]
    return [("None", None), ("float", 1.0), ("str", "abc")]  # an object (a problem, a model, ...)


def extreme_values(v, count: bool) -> list[tuple[str, object]]:
    """Extreme but well-formed values: a finite answer or a named ValueError."""
    if callable(v) and not isinstance(v, type) and not hasattr(v, "shape"):
        return [("nan-callable", _NaNCallable())]  # never a non-finite answer; a ValueError naming it if used
    if v is None:
        return [("str", "abc"), ("int", 3)]
    if isinstance(v, bool) or isinstance(v, str):
        return [("any-text", "some text")]
    if count:
        return [("0", 0), ("1", 1), ("-1", -1), ("huge-float", 1e300)]
    if isinstance(v, (int, np.integer, float, np.floating)):
        return [(k, x) for k, x in (("inf", math.inf), ("-inf", -math.inf), ("0", 0.0), ("-0.0", -0.0), ("-1", -1.0),
                                    ("1e300", 1e300), ("-1e300", -1e300), ("1e-300", 1e-300), ("5e-324", 5e-324),
                                    ("1e12", 1e12))]
    if isinstance(v, np.ndarray) and v.dtype.kind == "f":
        out = [("empty", np.zeros((0,) + v.shape[1:])), ("zeros", np.zeros_like(v)), ("neg", -np.abs(v) - 1.0),
               ("1e300", np.full_like(v, 1e300)), ("1e-300", np.full_like(v, 1e-300)), ("inf-entry", v.copy()),
               ("longer", np.concatenate([v, v[:1]]) if v.ndim and v.size else v),
               ("3d", np.zeros((2, 2, 2)) if v.ndim != 3 else np.zeros((2, 2)))]
        if v.size:
            out[5][1].flat[0] = np.inf
        return out
    if isinstance(v, (list, tuple)):
        return [("empty", type(v)())]
    return []


# ---------------------------------------------------------------------------------------- running
class CallTimeout(BaseException):
    """Raised inside a call that ran past CALL_LIMIT_S (a BaseException, so that library code's
    ``except Exception`` does not swallow it)."""


def _alarm(signum, frame):
    raise CallTimeout()


def call_limited(fn, kwargs, limit=CALL_LIMIT_S):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(**kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def nonfinite(obj, depth: int = 0) -> bool:
    """True when ``obj`` holds a NaN, an infinity or a complex number anywhere (numbers, numpy /
    torch arrays, mpmath numbers, tuples, lists, dicts, and the fields of theorycheck objects)."""
    import mpmath
    import torch

    if depth > 6 or obj is None or isinstance(obj, (bool, str, bytes, np.bool_)):
        return False
    if isinstance(obj, complex):
        return True
    if isinstance(obj, (int, np.integer)):
        return False
    if isinstance(obj, (float, np.floating)):
        return not math.isfinite(obj)
    if isinstance(obj, np.ndarray):
        if np.iscomplexobj(obj):
            return True
        if obj.dtype.kind == "f":
            return not np.isfinite(obj).all()
        if obj.dtype.kind == "O":
            return any(nonfinite(x, depth + 1) for x in obj.ravel()[:1000])
        return False
    if isinstance(obj, torch.Tensor):
        return obj.is_complex() or bool(obj.is_floating_point() and not torch.isfinite(obj).all())
    if isinstance(obj, mpmath.mpc):
        return True
    if isinstance(obj, mpmath.mpf):
        return not mpmath.isfinite(obj)
    if isinstance(obj, dict):
        return any(nonfinite(x, depth + 1) for x in list(obj.values())[:200])
    if isinstance(obj, (list, tuple)):
        return any(nonfinite(x, depth + 1) for x in list(obj)[:200])
    if type(obj).__module__.startswith("theorycheck") and hasattr(obj, "__dict__") and not callable(obj):
        return any(nonfinite(x, depth + 1) for x in list(vars(obj).values())[:200])
    return False


_TYPES = {"float": (float, np.floating), "int": (int, np.integer), "bool": (bool, np.bool_), "dict": dict,
          "list": list, "tuple": tuple, "np.ndarray": np.ndarray, "str": str}


def documented_type_ok(fn, out) -> bool:
    """The result has the type of the return annotation, when that is a plain type name."""
    ann = getattr(inspect.unwrap(fn), "__annotations__", {}).get("return")
    if not isinstance(ann, str):
        ann = getattr(ann, "__name__", None)
    if ann is None:
        return True
    base = ann.split("[")[0].strip()
    if base not in _TYPES:
        return True
    return isinstance(out, _TYPES[base])


def names(msg: str, param: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(param)}(?![A-Za-z0-9_])", msg) is not None


def _params(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    return [p for p in sig.parameters.values() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]


@functools.lru_cache(maxsize=None)
def baseline(qualname: str):
    """``(kwargs, params)`` of the first valid call of ``qualname`` (kwargs None when none works)
    and the reason of the last failure."""
    import itertools

    fn = dict(FUNCTIONS)[qualname]
    params = _params(fn)
    ex = examples()
    fixed = CALLS.get(qualname, {})
    choices = []
    for p in params:
        if p.name in fixed:
            choices.append([("value", fixed[p.name])])
            continue
        cands = [("value", v) for v in ex.get(p.name, COUNT_EXAMPLES if p.name in COUNTS else [])]
        if p.default is not inspect.Parameter.empty:
            cands = [("default", None)] + cands
        choices.append(cands or [("missing", None)])
    last = "no candidate combination"
    for combo in itertools.islice(itertools.product(*choices), 256):
        if any(how == "missing" for how, _ in combo):
            missing = [p.name for p, (how, _) in zip(params, combo) if how == "missing"]
            return None, params, f"no example value for parameter(s) {missing}: add them to EXAMPLES or CALLS"
        kw = {p.name: v for p, (how, v) in zip(params, combo) if how == "value"}
        try:
            out = call_limited(fn, kw)
        except CallTimeout:
            last = f"timed out with {sorted(kw)}"
            continue
        except Exception as e:  # noqa: BLE001 - try the next combination
            last = f"{type(e).__name__}: {e}"
            continue
        if nonfinite(out) and "nonfinite" not in _declared(fn):
            last = "non-finite result"
            continue
        return kw, params, ""
    return None, params, last


def _declared(fn) -> dict:
    return getattr(fn, "__contract__", None) or getattr(inspect.unwrap(fn), "__contract__", None) or {}


def check_call(qualname: str, kw: dict, param: str | None, kind: str, label: str):
    """Call and judge: ``kind`` is ``"bad"``, ``"extreme"`` or ``"valid"``."""
    fn = dict(FUNCTIONS)[qualname]
    pnames = [p.name for p in _params(fn)]
    where = f"{qualname}({param}={label})" if param else f"{qualname}(valid draw)"
    try:
        out = call_limited(fn, kw)
    except CallTimeout:
        pytest.fail(f"{where}: hang (no answer within {CALL_LIMIT_S} s)")
    except ValueError as e:
        msg = str(e)
        if kind == "bad":
            assert names(msg, param), f"{where}: ValueError does not name {param!r}: {msg!r}"
        else:
            assert any(names(msg, n) for n in pnames), f"{where}: ValueError names no parameter of {pnames}: {msg!r}"
        return
    except Exception as e:  # noqa: BLE001
        pytest.fail(f"{where}: {type(e).__name__} instead of a named ValueError: {e}")
    if kind == "bad":
        pytest.fail(f"{where}: the bad value was accepted (returned {type(out).__name__})")
    if nonfinite(out) and "nonfinite" not in _declared(fn):
        pytest.fail(f"{where}: non-finite or complex result")
    assert documented_type_ok(fn, out), f"{where}: returned {type(out).__name__}, not the documented type"


@functools.lru_cache(maxsize=None)
def instances(cls) -> list:
    """Objects of ``cls`` (or a subclass): from EXAMPLES, and from the baseline calls of every
    public function (a constructor's baseline is an instance of its class)."""
    found = []

    def visit(v, depth=0):
        if isinstance(v, cls) and not any(v is f for f in found):
            found.append(v)
        elif depth < 2 and isinstance(v, (list, tuple)):
            for x in v:
                visit(x, depth + 1)
        elif depth < 2 and hasattr(v, "segments"):
            visit(list(v.segments), depth + 1)

    for vals in examples().values():
        for v in vals:
            visit(v)
    for q, fn in FUNCTIONS:
        if len(found) >= 2:
            break
        kw = baseline(q)[0]
        if kw is not None:
            try:
                visit(call_limited(fn, kw))
            except Exception:  # noqa: BLE001 - a baseline that depends on state; others will do
                pass
    return found


@functools.lru_cache(maxsize=None)
def method_baseline(qualname: str):
    """``(bound method, kwargs, params)`` of the first valid call of a public method."""
    import itertools

    _, cls, m = next(x for x in METHODS if x[0] == qualname)
    ex = examples()
    for obj in instances(cls):
        fn = getattr(obj, m)
        params = _params(fn)
        choices = []
        for p in params:
            cands = [("value", v) for v in ex.get(p.name, COUNT_EXAMPLES if p.name in COUNTS else [])]
            if p.default is not inspect.Parameter.empty:
                cands = [("default", None)] + cands
            choices.append(cands or [("missing", None)])
        for combo in itertools.islice(itertools.product(*choices), 128):
            if any(how == "missing" for how, _ in combo):
                break
            kw = {p.name: v for p, (how, v) in zip(params, combo) if how == "value"}
            try:
                out = call_limited(fn, kw)
            except Exception:  # noqa: BLE001 - try the next combination
                continue
            if not nonfinite(out):
                return fn, kw, params
    return None, None, []


# ------------------------------------------------------------------------------------------ tests
def test_discovery_finds_the_public_api():
    mods = {q.rsplit(".", 1)[0] for q, _ in FUNCTIONS}
    for pkg in (theorycheck.models, theorycheck.sim):
        for mi in pkgutil.iter_modules(pkg.__path__):
            mod = importlib.import_module(f"{pkg.__name__}.{mi.name}")
            has_public = any(not n.startswith("_") and getattr(o, "__module__", None) == mod.__name__ and callable(o)
                             for n, o in vars(mod).items())
            assert not has_public or mod.__name__ in mods, f"{mod.__name__}: public callables not discovered"
    assert len(FUNCTIONS) >= 150


@pytest.mark.parametrize("qualname", [q for q, _ in FUNCTIONS], ids=IDS)
def test_every_function_has_a_baseline(qualname):
    kw, _, why = baseline(qualname)
    assert kw is not None, f"{qualname}: no valid example call ({why})"


@pytest.mark.parametrize("qualname", [q for q, _ in FUNCTIONS], ids=IDS)
def test_bad_values_are_rejected(qualname):
    kw, params, _ = baseline(qualname)
    if kw is None:
        pytest.skip("no baseline (test_every_function_has_a_baseline fails)")
    for p in params:
        v = kw.get(p.name, p.default)
        for label, bad in bad_values(v, p.name):
            if bad is None and p.default is None:
                continue  # None is this parameter's documented default
            check_call(qualname, {**kw, p.name: bad}, p.name, "bad", label)


def _draw_call(data, qualname, kw, params):
    """One random call around the baseline: (kwargs, param, kind, label)."""
    fn_strats = STRATEGIES.get(qualname, {})
    choices = [p for p in params]
    mode = data.draw(st.sampled_from(["valid", "extreme", "bad"] if choices else ["valid"]), label="mode")
    call = dict(kw)
    if mode == "valid":
        for p in params:
            v = kw.get(p.name, p.default)
            strat = fn_strats.get(p.name)
            if strat is None and p.name in VALID:
                if p.annotation in (int, "int") and isinstance(v, float) and v == int(v):
                    v = int(v)  # an int-annotated parameter (a count such as c classes) draws small integers
                strat = VALID[p.name](v)
            if strat is None and p.name in COUNTS:
                strat = _small_ints(v)
            if strat is not None:
                call[p.name] = data.draw(strat, label=p.name)
        return call, None, "valid", "valid"
    p = data.draw(st.sampled_from(choices), label="param")
    v = kw.get(p.name, p.default)
    vals = extreme_values(v, p.name in COUNTS) if mode == "extreme" else bad_values(v, p.name)
    if mode == "bad" and p.default is None:
        vals = [(lab, x) for lab, x in vals if x is not None]
    if not vals:
        return call, None, "valid", "baseline"
    label, x = data.draw(st.sampled_from(vals), label="value")
    call[p.name] = x
    return call, p.name, mode, label


def _examples_for(qualname: str, base: int) -> int:
    """Hypothesis examples per function: fewer for functions whose baseline call is slow."""
    import time

    kw = baseline(qualname)[0]
    t0 = time.perf_counter()
    call_limited(dict(FUNCTIONS)[qualname], kw)
    dt = time.perf_counter() - t0
    return int(max(3, min(base, 0.4 / max(dt, 1e-4))))


def _random_calls(qualname, base):
    kw, params, _ = baseline(qualname)
    if kw is None:
        pytest.skip("no baseline (test_every_function_has_a_baseline fails)")
    n = _examples_for(qualname, base)

    @settings(max_examples=n, deadline=None, database=None, derandomize=base <= 40,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        call, param, kind, label = _draw_call(data, qualname, kw, params)
        check_call(qualname, call, param, kind, label)

    run()


@pytest.mark.parametrize("qualname", [q for q, _, _ in METHODS], ids=[q.removeprefix("theorycheck.") for q, _, _ in METHODS])
def test_methods_reject_bad_values(qualname):
    fn, kw, params = method_baseline(qualname)
    assert fn is not None, f"{qualname}: no instance or no valid example call (add EXAMPLES for its parameters)"
    for p in params:
        v = kw.get(p.name, p.default)
        for label, bad in bad_values(v, p.name):
            if bad is None and p.default is None:
                continue
            where = f"{qualname}({p.name}={label})"
            try:
                out = call_limited(fn, {**kw, p.name: bad})
            except CallTimeout:
                pytest.fail(f"{where}: hang")
            except ValueError as e:
                assert names(str(e), p.name), f"{where}: ValueError does not name {p.name!r}: {e}"
                continue
            except Exception as e:  # noqa: BLE001
                pytest.fail(f"{where}: {type(e).__name__} instead of a named ValueError: {e}")
            pytest.fail(f"{where}: the bad value was accepted (returned {type(out).__name__})")


@pytest.mark.parametrize("qualname", [q for q, _ in FUNCTIONS], ids=IDS)
def test_random_calls(qualname):
    _random_calls(qualname, 25)


@pytest.mark.slow
@pytest.mark.parametrize("qualname", [q for q, _ in FUNCTIONS], ids=IDS)
def test_random_calls_many(qualname):
    _random_calls(qualname, 400)
