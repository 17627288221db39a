"""Peak memory of building the Random Heavy-Tailed Labels problem, and of Adam's steps, each in
a fresh subprocess (``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the peak resident set of that
process, so nothing else on the machine counts).

* ``build``: ``heavy_tailed_problem(m, dtype=...)`` as the simulator builds it now (``X`` drawn in
  float64 chunks straight into a ``dtype`` array, one copy of ``X``), against ``legacy``, the
  construction before issue 15, replayed with the same calls: the whole ``X`` drawn in float64
  and held while it is checked for finiteness (a bool temporary), copied to ``dtype``, and a
  second, sample-weighted copy of ``X`` kept for the gradient.
* ``adam``: peak memory added by 3 Adam steps on ``R`` runs beyond the problem and the optimizer
  state, with the in-place rule (``fast=True``) against the pure update (``fast=False``).

Run: ``python benchmarks/bench_memory.py [--m 11] [--dtype float32] [--legacy] [--adam-m 9]``
(``--legacy`` at ``m = 11`` needs ~9 GiB free).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

CHILD = r'''
import json, resource, sys, time
sys.path.insert(0, ROOT)
import numpy as np, torch
mode, m, dtype = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kilobytes
torch.set_num_threads(1)
base = peak()
t0 = time.perf_counter()
if mode == "build":
    from theorycheck.sim.problems import heavy_tailed_problem
    p = heavy_tailed_problem(m, device="cpu", dtype=dtype)
    extra = {"X_bytes": p.X.numel() * p.X.element_size()}
elif mode == "legacy":
    from theorycheck.models.datasets import heavy_tailed_class_sizes
    sizes, _ = heavy_tailed_class_sizes(m)
    n, d = int(sizes.sum()), (m + 1) * 2 ** m
    y = np.repeat(np.arange(sizes.size), sizes)
    X = np.random.default_rng(0).random((n, d))  # the data were always drawn in float64 ...
    assert np.isfinite(X).all()  # ... checked with an X-sized temporary ...
    tX = torch.as_tensor(X, dtype=getattr(torch, dtype)).contiguous()  # ... copied to the dtype while still held ...
    sw = torch.as_tensor((1 / n) * np.ones(n), dtype=tX.dtype)
    Xw = (tX * sw[:, None]).contiguous()  # ... and a weighted copy kept next to X
    extra = {"X_bytes": tX.numel() * tX.element_size()}
else:  # adam, fast or pure
    from theorycheck.sim.problems import heavy_tailed_problem
    from theorycheck.sim.run import simulate
    p = heavy_tailed_problem(m, device="cpu", dtype=dtype)
    R = 4
    simulate(p, [("Adam+m", 1e-3)] * R, 0)  # the problem, once
    before = peak()
    simulate(p, [("Adam+m", 1e-3)] * R, 3, fast=(mode == "adam_fast"), class_loss_at=[3])
    param_bytes = R * p.n_params * p.X.element_size()
    extra = {"param_bytes_all_runs": param_bytes, "added_peak_over_param_bytes": (peak() - before) / param_bytes}
print(json.dumps({"mode": mode, "m": m, "dtype": dtype, "peak_bytes": peak(), "seconds": time.perf_counter() - t0,
                  "interpreter_and_imports_bytes": base, **extra}))
'''.replace("ROOT", repr(ROOT))


def run(mode, m, dtype):
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(m), dtype], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m", type=int, default=11)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--legacy", action="store_true", help="also measure the construction before issue 15")
    ap.add_argument("--adam-m", type=int, default=9)
    a = ap.parse_args(argv)
    gib = 2 ** 30
    rows = [run("build", a.m, a.dtype)] + ([run("legacy", a.m, a.dtype)] if a.legacy else [])
    for r in rows:
        print(f"{r['mode']:7s} m={r['m']} {r['dtype']}: peak {r['peak_bytes'] / gib:.2f} GiB "
              f"(X alone {r['X_bytes'] / gib:.2f} GiB, interpreter + imports {r['interpreter_and_imports_bytes'] / gib:.2f} GiB), "
              f"{r['seconds']:.1f} s")
    if a.legacy:
        print(f"legacy / now: {rows[1]['peak_bytes'] / rows[0]['peak_bytes']:.2f}x")
    for mode in ("adam_fast", "adam_pure"):
        r = run(mode, a.adam_m, a.dtype)
        print(f"{mode:9s} m={a.adam_m} 4 runs: 3 Adam steps add a peak of {r['added_peak_over_param_bytes']:.2f} x the "
              f"parameters of all runs ({r['param_bytes_all_runs'] / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
