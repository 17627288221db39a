"""Fuzz every public function of ``theorycheck.models`` and ``theorycheck.sim`` with bad and
extreme arguments and count what goes wrong (issue 13, "every public function is total").

For each public callable (module-level functions, ``functools.lru_cache`` wrappers, and
classes with their own constructor) a *baseline* call is built from a table of valid example
values by parameter name (several candidates per name; the first combination that returns
is kept). Then every parameter in turn is replaced by each value of

* ``BAD``: NaN, +-inf, a string, ``None`` (when the default is not ``None``), an empty list,
  an ``object()``, a complex number, a 3-D array, an array holding a NaN, a non-probability
  vector ``[0.6, 0.6]``;
* ``EXTREME``: 0, -1, +-1e300, 1e-300, -0.0, ``True``, ``10**12``.

Each call runs in a worker process with a time limit (a hung worker is killed and
restarted). Outcomes:

* ``nonfinite``: the call returned a NaN, an infinity or a complex number anywhere in its
  result (numbers, numpy / torch arrays, mpmath numbers, nested in tuples, lists and dicts);
* ``documented``: a non-finite result the function declares with ``@contract(nonfinite=...)``
  (a diverging moment, a run that blew up);
* ``accepted``: a ``BAD`` value was accepted (the call returned a finite result; an empty array,
  ``[0.6, 0.6]`` or a 3-D array is a valid input of a vectorized function, a string a valid name);
* ``hang``: the call exceeded the time limit (the baseline call of each function, with its
  first-call imports, runs before the clock starts); hangs on the value ``10**12`` are counted
  apart too: a valid but huge count is a long computation rather than a defect;
* ``obscure``: an exception other than ``ValueError`` (``unnamed``: a ``ValueError`` whose
  message does not name the replaced parameter, counted separately);
* ``ok``: a named ``ValueError``, or a finite result for an ``EXTREME`` value.

Run: ``python benchmarks/fuzz_public_api.py [--limit 3] [--only flows] [--show 20]``. Prints the
counts and (with ``--show``) examples of each kind. No assertion: the contract test
(``tests/test_contract.py``) is the gate; this script measures.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

KINDS = ("nonfinite", "documented", "accepted", "hang", "obscure", "unnamed", "ok", "nobaseline")


# --------------------------------------------------------------------------- the worker side
def _examples():
    """Valid example values by parameter name (several candidates each)."""
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.random((6, 3))
    y = np.array([0, 1, 2, 0, 1, 0])
    pvec = np.array([0.5, 0.3, 0.2])
    H = np.diag([3.0, 2.0, 1.0]) + 0.1
    A = np.array([[0.0, 1.0, 0.5], [-1.0, 0.0, 0.2], [-0.5, -0.2, 0.0]])
    ex = {
        "pi": [0.1, pvec], "c": [10, 3, None], "t": [2.0, np.array([0.0, 1.0, 10.0]), np.array([1.0, 2.0, 4.0])],
        "t_eval": [np.array([0.0, 1.0, 5.0])], "W": [np.zeros((3, 3))], "X": [X],
        "y": [y, 5.0, 0, np.array([1.0, 0.5, 0.25])], "x": [rng.random(3), rng.standard_normal(400)], "b": [np.zeros(3), np.zeros(3)],
        "Z": [rng.random((4, 3))], "k": [0, 5, 10], "j": [1], "f": [2.0], "z": [3.0], "dps": [30],
        "G": [rng.random((3, 4)), 2], "steps": [5], "coeffs": [(1.5, -0.5, 0.0), "cubic"], "eps": [1e-8, 0.1],
        "H": [H], "chunk": [16], "restarts": [3], "rng": [0], "d": [3, 5], "A": [A], "s": [0.5, pvec],
        "eigs": [np.array([3.0, 2.0, 1.0])], "s_grid": [[0.0, 0.5]], "power": [1.0], "top": [1.0],
        "name": ["gd", None], "x0": [np.ones(3), np.ones((2, 2)), None], "lrs": [[0.1, 0.01]],
        "hvp": [lambda v: H @ v], "probes": [7], "block": [1], "sigma": [np.array([1.0, 0.0, 0.0]), 0.5],
        "scale": [1.0], "L": [np.array([1.0, 2.0, 3.0]), 1.0], "method": ["signsgd", "sgd"],
        "etas": [[0.1, 0.01]], "T": [5], "B": [1], "seed": [0], "record_every": [1], "metric": ["loss",
                                                                                               "final_loss"],
        "x0s": [np.ones((2, 3))], "grid": [[0.1, 0.01]], "s_min_ratio": [0.5], "tol": [1e-6],
        "a": [1.0, np.zeros(3)], "eta": [0.1, None], "paths": [10], "groups": [[(1, 1.0, 0.5), (2, 0.5, 0.0)],
                                                                              np.array([0, 1, 1])],
        "T_cap": [20], "Linf": [1.0], "regime": ["sparse"],
        "grad": [lambda w: 2 * (np.asarray(w) - 1.0)], "hess": [lambda w: 2 * np.eye(np.asarray(w).size)],
        "w0": [np.zeros(3)], "t_end": [1.0], "step": [0.01], "n_steps": [5], "alpha": [1.5, 1.0],
        "size": [10], "nu": [3.0], "kind": ["sas", "gd", "simple"], "index": [1.5], "p": [0.5, pvec],
        "grad_fn": [lambda Xv: Xv], "noise": [np.zeros((3, 2, 2, 2))], "u": [np.ones(3)], "n": [50],
        "samples_fn": [lambda n, r: r.standard_normal(n)], "factor": [10], "repeats": [2],
        "k1": [10], "theta": [np.zeros(3)], "v": [np.ones(3)], "norm": ["2"], "dmax": [10], "lam": [1.0],
        "x0_norm": [0.0], "G_": [2], "curve_start": [np.ones(3)], "curve_end": [0.5 * np.ones(3)],
        "beta": [0.5], "momentum": [0.5], "beta1": [0.9], "beta2": [0.99], "spec": ["GD"],
        "optimizer": ["GD"], "lr": [0.1], "snapshot_at": [[0, 3]], "device": ["cpu"], "dtype": ["float64", None],
        "omega": [pvec], "q": [1], "init": [1.0], "m": [2], "inputs": ["uniform"], "bias": [True],
        "alpha_omega": [np.array([0.1, 0.05])], "tau": [1.0], "runs": [[("GD", 0.1)]], "total": [10],
        "weights": ["objective", None], "hessian_diag": ["x2"], "optimizers": [["GD"]], "steps_grid": [[0.1]],
        "seeds": [[0]], "variant": ["correct"], "classes": [[0, 1]], "dims": [[0, 1]], "n_classes": [2],
        "iters": [5], "dim": [12], "batch": [4], "max_dim": [20], "batch_bits": [4], "lanczos_iters": [5],
        "sign_iters": [3], "cauchy_probes": [0], "dense": [None], "exact_if_d_le": [16], "zero_tol": [1e-9],
        "rtol": [1e-8], "atol": [1e-10], "max_step": [None], "max_events": [100], "record": [None],
        "f0": [1.0], "expr": [None], "exprs": [None], "M": [None], "label": [""], "stop": [None],
        "stop_every": [10], "class_loss_at": [None], "progress": [False], "keep_curves": [False],
        "executor": [None], "refine": [False], "extend": [0], "stable": [True], "s0": [0.0],
    }
    return ex


def _context_examples(ex):
    """Examples that need other modules (torch problems, sympy objects, trajectories)."""
    import numpy as np
    import sympy as sp
    import torch

    from theorycheck.models import smoothness as sm
    from theorycheck.models import softmax_symbolic as ss
    from theorycheck.sim import problems, run, sweep

    X, y = ex["X"][0], ex["y"][0]
    pb = sm.problem(X, y, 3, bias=True, device="cpu")
    Wt = torch.zeros(3, 4, dtype=torch.float64)
    hv = sm.hvp_fn(pb, Wt)
    simple = problems.SimpleImbalanced(np.array([0.5, 0.3, 0.2]), device="cpu")
    lin = problems.LinearSoftmax(X, y, device="cpu")
    traj = run.simulate(simple, [("GD", 0.1)], 3, progress=False)
    spec = problems.ProblemSpec("simple", {"pi": [0.5, 0.3, 0.2]}, device="cpu")
    m = ss.model(2, 1)
    ex.update({
        "pb": [pb], "Wt": [Wt], "hv": [hv], "loss_fn": [sm.model_loss_fn(pb)], "theta": [torch.zeros(12,
                                                                                                  dtype=torch.float64),
                                                                                     np.zeros(3)],
        "P": [sm.probabilities(pb, Wt)], "Hsub": [sm.hessian_subset(pb, Wt, [0, 1], [0, 1])],
        "snapshots": [[np.zeros((3, 4))]], "problem": [simple, lin], "lin": [lin], "base": [simple],
        "params": [{"W": torch.zeros(3, 3, dtype=torch.float64)},
                   {"W": torch.zeros(3, 3, dtype=torch.float64), "b": torch.zeros(3, dtype=torch.float64)}],
        "Xa": [pb.Xa], "bias_": [True],
        "y": ex["y"] + [pb.y],  # last: the long tensor smoothness.Problem needs (others take the first ones)
        "traj": [traj], "spec": [spec, "GD"],
        "task": [sweep.SweepTask(spec, (("GD", 0.1),), 3)], "kwargs": [{"pi": [0.5, 0.3, 0.2]}],
        "m": [2, m], "expr": [m.probs_E()[0]], "exprs": [[sp.Integer(0)]], "M": [sp.zeros(2, 2)],
    })
    ex["H"] = ex["H"] + [torch.as_tensor(ex["H"][0])]
    ex["X"] = ex["X"] + [torch.as_tensor(X)]
    return ex


def public_callables():
    """``[(qualified name, callable)]`` of the public API of models/ and sim/."""
    import dataclasses
    import importlib
    import inspect
    import pkgutil

    import theorycheck.models as M
    import theorycheck.sim as S

    out = []
    for pkg in (M, S):
        for mi in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            mod = importlib.import_module(f"{pkg.__name__}.{mi.name}")
            for name, obj in sorted(vars(mod).items()):
                if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                    continue
                if inspect.isclass(obj):
                    if dataclasses.is_dataclass(obj) and not hasattr(obj, "__post_init__"):
                        continue  # a plain record
                    if "__init__" not in vars(obj) and not hasattr(obj, "__post_init__"):
                        continue
                elif not callable(obj):
                    continue
                out.append((f"{mod.__name__}.{name}", obj))
    return out


def _bad_values():
    import numpy as np

    return [("nan", float("nan")), ("inf", float("inf")), ("-inf", float("-inf")), ("str", "abc"),
            ("None", None), ("empty", []), ("object", object()), ("complex", 1 + 1j),
            ("3d", np.zeros((2, 2, 2))), ("nan-array", np.array([np.nan, 1.0, 1.0])),
            ("non-prob", np.array([0.6, 0.6]))]


def _extreme_values():
    return [("0", 0), ("-1", -1), ("1e300", 1e300), ("-1e300", -1e300), ("1e-300", 1e-300), ("-0.0", -0.0),
            ("True", True), ("10**12", 10**12)]


def _nonfinite(obj, depth=0) -> bool:
    import math

    import numpy as np

    if depth > 6:
        return False
    try:
        import torch
    except ImportError:  # pragma: no cover
        torch = None
    try:
        import mpmath
    except ImportError:  # pragma: no cover
        mpmath = None
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
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
            return any(_nonfinite(v, depth + 1) for v in obj.ravel()[:1000])
        return False
    if torch is not None and isinstance(obj, torch.Tensor):
        if obj.is_complex():
            return True
        return bool(obj.is_floating_point() and not torch.isfinite(obj).all())
    if mpmath is not None and isinstance(obj, (mpmath.mpf, mpmath.mpc)):
        return isinstance(obj, mpmath.mpc) or not mpmath.isfinite(obj)
    if isinstance(obj, dict):
        return any(_nonfinite(v, depth + 1) for v in list(obj.values())[:200])
    if isinstance(obj, (list, tuple)):
        return any(_nonfinite(v, depth + 1) for v in list(obj)[:200])
    if hasattr(obj, "__dict__") and not callable(obj) and type(obj).__module__.startswith("theorycheck"):
        return any(_nonfinite(v, depth + 1) for v in list(vars(obj).values())[:200])
    return False


def _call(fn, kwargs):
    return fn(**kwargs)


def _baseline(fn, ex):
    """The first combination of example values for which ``fn`` returns (or None)."""
    import inspect
    import itertools

    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None, []
    params = [p for p in sig.parameters.values() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    choices = []
    for p in params:
        cands = list(ex.get(p.name, []))
        if p.default is not inspect.Parameter.empty:
            cands = [("default", None)] + [("value", v) for v in cands]
        else:
            cands = [("value", v) for v in cands] or [("value", None)]
        choices.append(cands)
    for combo in itertools.islice(itertools.product(*choices), 512):
        kw = {p.name: v for p, (how, v) in zip(params, combo) if how == "value"}
        try:
            _call(fn, kw)
            return kw, params
        except Exception:  # noqa: BLE001 - try the next combination
            continue
    return None, params


def worker():
    import inspect
    import re
    import resource
    import warnings

    warnings.simplefilter("ignore")
    # the protocol goes to a private copy of stdout; whatever a library prints goes to /dev/null
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)

    def emit(d):
        os.write(out_fd, (json.dumps(d) + "\n").encode())

    ex = _context_examples(_examples())
    funcs = public_callables()
    resource.setrlimit(resource.RLIMIT_AS, (12 * 2**30, 12 * 2**30))
    jobs = []
    for qn, fn in funcs:
        try:
            params = [p for p in inspect.signature(fn).parameters.values()
                      if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
        except (TypeError, ValueError):
            params = []
        for p in params:
            for group, vals in (("bad", _bad_values()), ("extreme", _extreme_values())):
                for label, _v in vals:
                    if label == "None" and p.default is None:
                        continue
                    jobs.append((qn, p.name, group, label))
    start = int(sys.argv[sys.argv.index("--start") + 1]) if "--start" in sys.argv else 0
    emit({"njobs": len(jobs)})
    fmap = dict(funcs)
    base_cache = {}
    values = dict(_bad_values() + _extreme_values())
    for i in range(start, len(jobs)):
        qn, pname, group, label = jobs[i]
        fn = fmap[qn]
        if qn not in base_cache:  # the baseline (and first-call imports) run outside the per-call limit
            emit({"setup": qn})
            base_cache[qn] = _baseline(fn, ex)[0]
        emit({"start": i, "fn": qn, "param": pname, "value": label})
        if base_cache[qn] is None:
            emit({"i": i, "fn": qn, "param": pname, "value": label, "kind": "nobaseline"})
            continue
        kw = dict(base_cache[qn])
        kw[pname] = values[label]
        try:
            out = _call(fn, kw)
            documented = "nonfinite" in (getattr(fn, "__contract__", None) or {})
            kind = (("documented" if documented else "nonfinite") if _nonfinite(out)
                    else ("accepted" if group == "bad" else "ok"))
            msg = ""
        except ValueError as e:
            msg = str(e)[:160]
            kind = "ok" if re.search(rf"(?<![A-Za-z0-9_]){re.escape(pname)}(?![A-Za-z0-9_])", msg) else "unnamed"
        except Exception as e:  # noqa: BLE001 - the point is to count them
            kind = "obscure"
            msg = f"{type(e).__name__}: {str(e)[:140]}"
        emit({"i": i, "fn": qn, "param": pname, "value": label, "kind": kind, "msg": msg})
    emit({"done": True})


# --------------------------------------------------------------------------- the driver side
def drive(limit: float, only: str | None):
    results = []
    start = 0
    njobs = None
    setup_limit = 120.0
    while True:
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--start", str(start)]
        env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS="1")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
        fd = proc.stdout.fileno()
        pending = b""
        current, last = None, time.monotonic()
        waiting_setup = True
        finished = False
        dead = False
        while not finished and not dead:
            lines = pending.split(b"\n")
            pending = lines.pop()
            for line in lines:
                try:
                    d = json.loads(line)
                except ValueError:
                    continue  # not a protocol line
                last = time.monotonic()
                if "njobs" in d:
                    njobs = d["njobs"]
                elif "setup" in d:
                    current, waiting_setup = None, True
                elif "start" in d:
                    current, waiting_setup = d, False
                elif "done" in d:
                    finished = True
                else:
                    results.append(d)
                    current = None
            if finished:
                break
            timeout = setup_limit if waiting_setup else limit
            r, _, _ = select.select([fd], [], [], max(0.05, timeout - (time.monotonic() - last)))
            if r:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    dead = True
                pending += chunk
            elif time.monotonic() - last > timeout:
                proc.kill()
                proc.wait()
                if current is not None:
                    results.append({"i": current["start"], "fn": current["fn"], "param": current["param"],
                                    "value": current["value"], "kind": "hang"})
                    start = current["start"] + 1
                break
        if dead:
            proc.wait()
            if current is not None:  # the interpreter died on this job (a crash): count it, go on after it
                results.append({"i": current["start"], "fn": current["fn"], "param": current["param"],
                                "value": current["value"], "kind": "obscure", "msg": "worker crashed"})
                start = current["start"] + 1
            else:
                break
        if finished or njobs is None or start >= njobs:
            if proc.poll() is None:
                proc.wait()
            break
    return results, njobs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=3.0, help="seconds per call before it counts as a hang")
    ap.add_argument("--only", default=None, help="substring of the qualified names to keep (after the run)")
    ap.add_argument("--show", type=int, default=0, help="print this many examples of each bad outcome")
    ap.add_argument("--json", default=None, help="write every outcome to this file")
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--start", type=int, default=0)
    a = ap.parse_args()
    if a.worker:
        worker()
        return
    t0 = time.perf_counter()
    results, njobs = drive(a.limit, a.only)
    # the job list is deterministic: name hangs by re-deriving the job from the next result's order
    if a.only:
        results = [r for r in results if a.only in r.get("fn", "")]
    counts = {k: 0 for k in KINDS}
    for r in results:
        counts[r["kind"]] += 1
    fns = {r.get("fn") for r in results if r.get("fn")}
    print(f"functions: {len(fns)}   calls: {len(results)}   ({time.perf_counter() - t0:.0f} s, limit {a.limit} s/call)")
    for k in KINDS:
        print(f"  {k:11s} {counts[k]}")
    huge = sum(1 for r in results if r["kind"] == "hang" and r.get("value") == "10**12")
    print(f"  (hangs on a valid but huge count 10**12, i.e. a long computation rather than a defect: {huge})")
    if a.show:
        for k in ("nonfinite", "accepted", "hang", "obscure", "unnamed", "nobaseline"):
            rows = [r for r in results if r["kind"] == k][: a.show]
            if rows:
                print(f"--- {k}")
                for r in rows:
                    print(f"  {r.get('fn', '?')}({r.get('param')}={r.get('value')}) {r.get('msg', '')}")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"counts": counts, "results": results}, fh, indent=0)


if __name__ == "__main__":
    main()
