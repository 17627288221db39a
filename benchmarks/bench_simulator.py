"""Time per step of the simulator against a hand-written PyTorch loop on the same device, and
against the two matrix products a step cannot avoid, for m = 7..10 at 1 and 2 CPU threads.
Prints ratios (lower is better) measured in the same run.

Baseline (what one would write by hand): one ``nn.Linear`` per run, ``CrossEntropyLoss(reduction=
"none")``, ``backward``, ``torch.optim.SGD`` / ``Adam`` (normalized GD and sign descent as
hand-written in-place updates), per-class losses by ``scatter_add``. Unavoidable products of one
full-batch step of the linear model, for all runs: ``X W^T`` (logits) and ``D^T X`` (gradient).

Each case is 4 optimizers at once (GD, NGD, sign descent, Adam+m), as the claims run them. Both
the simulator and the baseline use the same number of threads (``THEORYCHECK_THREADS`` is set
for the simulator). Wall time and process time (CPU seconds of all threads) are both reported:
on a machine shared with other jobs, process time is the steadier of the two, but only wall
time shows what extra threads buy.

Run: ``python benchmarks/bench_simulator.py [--ms 7 8 9 10] [--threads 1 2] [--device auto]
[--dtype float32]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from theorycheck.sim.problems import SimpleImbalanced, heavy_tailed_problem, resolve_device, resolve_dtype  # noqa: E402
from theorycheck.sim.run import simulate  # noqa: E402

RUNS = [("GD", 0.1), ("NGD", 0.1), ("Sign", 1e-3), ("Adam+m", 1e-3)]


def _sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def timed(fn, dev, reps):
    """Best of ``reps`` (wall seconds, process seconds) of ``fn()`` (which returns a step count)."""
    best = (float("inf"), float("inf"))
    for _ in range(reps):
        _sync(dev)
        w0, c0 = time.perf_counter(), time.process_time()
        steps = fn()
        _sync(dev)
        w, c = (time.perf_counter() - w0) / steps, (time.process_time() - c0) / steps
        best = (min(best[0], w), min(best[1], c))
    return best


def _hand_update(kind, lr):
    def step(params):
        with torch.no_grad():
            gs = [p.grad for p in params]
            if kind == "NGD":
                nrm = torch.sqrt(sum((g * g).sum() for g in gs))
                for p, g in zip(params, gs):
                    p.sub_(lr * g / nrm)
            else:  # sign descent
                for p, g in zip(params, gs):
                    p.sub_(lr * torch.sign(g))
    return step


class HandOpt:
    """A hand-written optimizer with torch.optim's zero_grad/step interface."""

    def __init__(self, params, update):
        self.params, self.update = params, update

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            p.grad = None

    def step(self):
        self.update(self.params)


def baseline(X, y, c, runs, dev, steps):
    """A hand-written loop per ``(optimizer, lr)`` of ``runs``; returns a callable running ``steps``."""
    n, d = X.shape
    models = []
    for opt_name, lr in runs:
        lin = torch.nn.Linear(d, c, device=dev, dtype=X.dtype)
        torch.nn.init.zeros_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        if opt_name == "GD":
            opt = torch.optim.SGD(lin.parameters(), lr=lr)
        elif opt_name.startswith("Adam"):
            opt = torch.optim.Adam(lin.parameters(), lr=lr, betas=(0.9 if opt_name == "Adam+m" else 0.0, 0.999))
        else:
            opt = HandOpt(list(lin.parameters()), _hand_update(opt_name, lr))
        models.append((lin, opt))
    ce = torch.nn.CrossEntropyLoss(reduction="none")
    counts = torch.bincount(y, minlength=c).to(X.dtype)

    def run():
        for _ in range(steps):
            for lin, opt in models:
                opt.zero_grad(set_to_none=True)
                li = ce(lin(X), y)
                li.mean().backward()
                opt.step()
                torch.zeros(c, device=dev, dtype=X.dtype).scatter_add_(0, y, li.detach()) / counts
        return steps
    return run


def ours(problem, runs, steps):
    def run():
        simulate(problem, runs, steps, progress=False, class_loss_at=[steps])
        return steps
    return run


def matmuls(problem, R, steps):
    """The two products of one step for ``R`` runs at once."""
    X = problem.X
    W = torch.zeros((R * problem.c, problem.d), device=X.device, dtype=X.dtype)
    D = torch.zeros((problem.n, R * problem.c), device=X.device, dtype=X.dtype)

    def run():
        for _ in range(steps):
            X @ W.T
            D.T @ X
        return steps
    return run


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ms", type=int, nargs="+", default=[7, 8, 9, 10])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--device", default="auto")
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--simple-c", type=int, default=512)
    a = ap.parse_args(argv)
    dev, dt = resolve_device(a.device), resolve_dtype(a.dtype)
    print(f"device {dev}, dtype {a.dtype}, torch {torch.__version__}, {os.cpu_count()} cores; 4 optimizers at once "
          f"(GD, NGD, Sign, Adam+m); best of the repetitions; ratios < 1: the simulator is faster")
    hdr = (f"{'m':>3s} {'n':>6s} {'d':>6s} {'c':>5s} {'thr':>3s} {'steps':>5s} {'ours ms/step':>12s} "
           f"{'ours/hand wall':>14s} {'ours/hand cpu':>13s} {'ours/matmuls wall':>17s} {'ours/matmuls cpu':>16s}")
    print(hdr)
    for m in a.ms:
        p = heavy_tailed_problem(m, device=str(dev), dtype=a.dtype)
        steps = max(2, 20 >> max(0, m - 7))  # about the same time per case: 20, 10, 5, 2 steps
        reps = 3 if m <= 8 else 1
        for th in a.threads:
            if dev.type == "cpu":
                torch.set_num_threads(th)
                os.environ["THEORYCHECK_THREADS"] = str(th)
            simulate(p, RUNS, 1, progress=False)  # warm-up
            mine = timed(ours(p, RUNS, steps), dev, reps)
            base = timed(baseline(p.X, p.y, p.c, RUNS, dev, steps), dev, reps)
            mm = timed(matmuls(p, len(RUNS), steps), dev, reps)
            print(f"{m:3d} {p.n:6d} {p.d:6d} {p.c:5d} {th:3d} {steps:5d} {1e3 * mine[0]:12.1f} {mine[0] / base[0]:14.2f} "
                  f"{mine[1] / base[1]:13.2f} {mine[0] / mm[0]:17.2f} {mine[1] / mm[1]:16.2f}", flush=True)
        del p

    c = a.simple_c
    pi = 1.0 / np.arange(1, c + 1)
    pi /= pi.sum()
    torch.set_num_threads(1)
    os.environ["THEORYCHECK_THREADS"] = "1"
    s = SimpleImbalanced(pi, device=str(dev), dtype=a.dtype)
    Xs, ys = torch.eye(c, device=dev, dtype=dt), torch.arange(c, device=dev)
    lin = torch.nn.Linear(c, c, bias=False, device=dev, dtype=dt)
    torch.nn.init.zeros_(lin.weight)
    opt = torch.optim.SGD(lin.parameters(), lr=1.0)
    w = torch.as_tensor(pi, device=dev, dtype=dt)

    def base_simple():
        for _ in range(20):
            opt.zero_grad(set_to_none=True)
            li = torch.nn.functional.cross_entropy(lin(Xs), ys, reduction="none")
            (li * w).sum().backward()
            opt.step()
            torch.zeros(c, device=dev, dtype=dt).scatter_add_(0, ys, li.detach())
        return 20

    b = timed(base_simple, dev, 3)
    mine = timed(ours(s, [("GD", 1.0)], 20), dev, 3)
    print(f"\nsimple setting c={c} (x_i = e_k: no dense product needed), 1 thread: ours {1e3 * mine[0]:.3f} ms/step, "
          f"dense baseline {1e3 * b[0]:.3f} ms/step, ours/baseline {mine[0] / b[0]:.2f} (wall) {mine[1] / b[1]:.2f} (cpu)")


if __name__ == "__main__":
    main()
