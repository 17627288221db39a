"""Time per step of the simulator against a hand-written PyTorch baseline on the same device,
and against the matrix products a step cannot avoid. Prints ratios (lower is better).

Baseline: ``nn.Linear`` + ``CrossEntropyLoss(reduction="none")`` + ``torch.optim`` + per-class
losses by ``scatter_add`` (what one would write by hand). Unavoidable products of one
full-batch step of the linear model: ``X W^T`` (logits) and ``D^T X`` (gradient).

Run: ``python benchmarks/bench_simulator.py [--m 7] [--steps 20] [--device auto] [--dtype float32] [--threads 1]``

On the CPU the timer is process time with one thread by default, so other jobs sharing the
machine do not distort the ratios (spinning worker threads would); on CUDA it is wall time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from theorycheck.sim.problems import (  # noqa: E402
    SimpleImbalanced,
    heavy_tailed_problem,
    resolve_device,
    resolve_dtype,
)
from theorycheck.sim.run import simulate  # noqa: E402


def _sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def clock(dev):
    """CPU: process time (all threads; robust when other jobs share the machine); CUDA: wall time."""
    return time.process_time if dev.type == "cpu" else time.perf_counter


def best_of(fn, reps=3):
    out = []
    for _ in range(reps):
        out.append(fn())
    return min(out)


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


def baseline_linear(X, y, c, steps, runs, dev):
    """Seconds per step of one hand-written training loop per ``(optimizer, lr)`` in ``runs``
    (torch.optim.SGD / Adam; NGD and sign descent as hand-written in-place updates)."""
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
    runs = len(models)
    ce = torch.nn.CrossEntropyLoss(reduction="none")
    counts = torch.bincount(y, minlength=c).to(X.dtype)
    hist = torch.empty((steps, runs, c), device=dev, dtype=X.dtype)

    def step(t):
        for r, (lin, opt) in enumerate(models):
            opt.zero_grad(set_to_none=True)
            li = ce(lin(X), y)
            li.mean().backward()
            opt.step()
            hist[t, r] = torch.zeros(c, device=dev, dtype=X.dtype).scatter_add_(0, y, li.detach()) / counts

    step(0)
    _sync(dev)
    clk = clock(dev)
    t0 = clk()
    for t in range(steps):
        step(t)
    _sync(dev)
    return (clk() - t0) / steps


def ours(problem, runs, steps):
    simulate(problem, runs, 1, progress=False)
    dev = problem.device
    clk = clock(dev)
    t0 = clk()
    simulate(problem, runs, steps, progress=False)
    _sync(dev)
    return (clk() - t0) / steps


def matmuls(problem, runs, steps):
    """Seconds for the two products of one step, for all runs at once."""
    X = problem.X
    W = torch.zeros((runs * problem.c, problem.d), device=X.device, dtype=X.dtype)
    D = torch.zeros((problem.n, runs * problem.c), device=X.device, dtype=X.dtype)
    Z = X @ W.T
    _sync(X.device)
    clk = clock(X.device)
    t0 = clk()
    for _ in range(steps):
        Z = X @ W.T
        G = D.T @ X
    _sync(X.device)
    del Z, G
    return (clk() - t0) / steps


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m", type=int, default=7)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--simple-c", type=int, default=512)
    ap.add_argument("--threads", type=int, default=1,
                    help="CPU threads (default 1: with process time this is robust to other jobs on the machine)")
    a = ap.parse_args(argv)
    dev, dt = resolve_device(a.device), resolve_dtype(a.dtype)
    if dev.type == "cpu":
        torch.set_num_threads(a.threads)
        os.environ["THEORYCHECK_THREADS"] = str(a.threads)  # the simulator uses the same count
    print(f"device {dev}, dtype {a.dtype}, torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"timer {'process time (CPU seconds, all threads)' if dev.type == 'cpu' else 'wall'}, best of 3")

    p = heavy_tailed_problem(a.m, device=str(dev), dtype=a.dtype)
    print(f"\nRandom Heavy-Tailed Labels m={a.m}: n={p.n}, d={p.d}, c={p.c}, {a.steps} steps")
    rows = []
    for opt, lr in (("GD", 0.1), ("Adam+m", 1e-3)):
        base = best_of(lambda: baseline_linear(p.X, p.y, p.c, a.steps, [(opt, lr)], dev))
        mine = best_of(lambda: ours(p, [(opt, lr)], a.steps))
        mm = best_of(lambda: matmuls(p, 1, a.steps))
        rows.append((f"{opt}, 1 run", mine, base, mm))
    runs4 = [("GD", 0.1), ("NGD", 0.1), ("Sign", 1e-3), ("Adam+m", 1e-3)]
    base4 = best_of(lambda: baseline_linear(p.X, p.y, p.c, a.steps, runs4, dev))
    mine4 = best_of(lambda: ours(p, runs4, a.steps))
    mm4 = best_of(lambda: matmuls(p, 4, a.steps))
    rows.append(("4 optimizers at once", mine4, base4, mm4))
    print(f"{'case':24s} {'ours ms/step':>13s} {'baseline':>10s} {'matmuls':>9s} {'ours/baseline':>14s} {'ours/matmuls':>13s}")
    for name, mine, base, mm in rows:
        print(f"{name:24s} {1e3 * mine:13.2f} {1e3 * base:10.2f} {1e3 * mm:9.2f} {mine / base:14.2f} {mine / mm:13.2f}")
    print(f"steps per second, 4 optimizers at once: {1 / mine4:.1f}")

    c = a.simple_c
    pi = (1.0 / np.arange(1, c + 1))
    pi /= pi.sum()
    s = SimpleImbalanced(pi, device=str(dev), dtype=a.dtype)
    Xs = torch.eye(c, device=dev, dtype=dt)
    ys = torch.arange(c, device=dev)
    # baseline on the simple setting: one one-hot sample per class, loss weighted by pi
    lin = torch.nn.Linear(c, c, bias=False, device=dev, dtype=dt)
    torch.nn.init.zeros_(lin.weight)
    opt = torch.optim.SGD(lin.parameters(), lr=1.0)
    w = torch.as_tensor(pi, device=dev, dtype=dt)

    def base_simple():
        _sync(dev)
        clk = clock(dev)
        t0 = clk()
        for _ in range(a.steps):
            opt.zero_grad(set_to_none=True)
            li = torch.nn.functional.cross_entropy(lin(Xs), ys, reduction="none")
            (li * w).sum().backward()
            opt.step()
            torch.zeros(c, device=dev, dtype=dt).scatter_add_(0, ys, li.detach())
        _sync(dev)
        return (clk() - t0) / a.steps

    b = best_of(base_simple)
    mine = best_of(lambda: ours(s, [("GD", 1.0)], a.steps))
    print(f"\nsimple setting c={c} (x_i = e_k: no dense product needed)")
    print(f"ours {1e3 * mine:.3f} ms/step, dense baseline {1e3 * b:.3f} ms/step, ours/baseline {mine / b:.2f}")


if __name__ == "__main__":
    main()
