"""One short GPU check: the GPU tests, then 20 steps of GD, sign descent, Adam and normalized GD
at the paper's size (m = 11: n = 22,528, d = 24,576, c = 2,047) in float32 (and with TF32 when
``--tf32`` or ``THEORYCHECK_TF32=1``), the device's GEMM rate on the step's two products, and a
JSON summary: steps/s of every optimizer and their ratio to the GEMM-bound rate (a step cannot
beat its two products ``X W^T`` and ``D^T X``: ``4 n d c`` flops).

``--dry-run`` runs the same script on the CPU at m = 6 with 3 steps (the GPU tests are collected,
not run), so CI checks that the script works without a GPU (tests/test_gpu_check.py).

Run on a GPU machine: ``python benchmarks/gpu_check.py [--tf32] [--out gpu_check.json]``; the JSON
goes to ``$OUT/gpu_check.json`` when ``$OUT`` is set. About a minute of device time (building the
m = 11 data on the host takes ~30 s).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

import torch  # noqa: E402

from theorycheck.sim.problems import heavy_tailed_problem  # noqa: E402
from theorycheck.sim.run import simulate, tf32_enabled, tf32_mode  # noqa: E402

#: Optimizers timed, with a step size that keeps them finite for 20 steps from W = 0.
OPTIMIZERS = (("GD", 0.1), ("Sign", 1e-3), ("Adam+m", 1e-3), ("NGD", 0.1))
GPU_TEST_FILES = ("tests/test_sim_core.py", "tests/test_sim_optimizers.py", "tests/test_smoothness.py")


def _sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def gpu_tests(collect_only: bool) -> dict:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "gpu", *GPU_TEST_FILES]
    if collect_only:
        cmd.append("--collect-only")
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    tail = (r.stdout + r.stderr).strip().splitlines()
    return {"command": " ".join(cmd[1:]), "rc": r.returncode, "summary": tail[-1] if tail else "",
            "seconds": round(time.perf_counter() - t0, 1), "collect_only": collect_only}


def gemm_rate(p, reps: int) -> dict:
    """Seconds and flop rate of the two products of one step (one run)."""
    X = p.X
    W = torch.randn((p.c, p.d), device=X.device, dtype=X.dtype)
    D = torch.randn((p.n, p.c), device=X.device, dtype=X.dtype)
    X @ W.T, D.T @ X  # warm-up
    _sync(X.device)
    t0 = time.perf_counter()
    for _ in range(reps):
        X @ W.T
        D.T @ X
    _sync(X.device)
    sec = (time.perf_counter() - t0) / reps
    flops = 4.0 * p.n * p.d * p.c
    return {"seconds_per_step_products": sec, "tflops": flops / sec / 1e12, "flops_per_step": flops}


def time_optimizer(p, name, lr, steps) -> dict:
    simulate(p, [(name, lr)], 2, progress=False, class_loss_at=[2])  # warm-up (allocations, kernels)
    _sync(p.device)
    t0 = time.perf_counter()
    tr = simulate(p, [(name, lr)], steps, progress=False, class_loss_at=[steps])
    sec = time.perf_counter() - t0
    return {"steps_per_s": steps / sec, "final_loss": float(tr.loss[-1, 0]), "finite": bool(math.isfinite(tr.loss[-1, 0]))}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m", type=int, default=None)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--tf32", action="store_true", help="also time with TF32 products (THEORYCHECK_TF32=1 does the same)")
    ap.add_argument("--dry-run", action="store_true", help="CPU, m = 6, 3 steps, GPU tests collected only")
    ap.add_argument("--no-tests", action="store_true", help="skip the GPU tests")
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    dry = a.dry_run
    if not dry and not torch.cuda.is_available():
        raise SystemExit("gpu_check: no CUDA device; use --dry-run to check the script on the CPU")
    m = a.m if a.m is not None else (6 if dry else 11)
    steps = a.steps if a.steps is not None else (3 if dry else 20)
    device = "cpu" if dry else "cuda"
    out_path = a.out or os.path.join(os.environ.get("OUT", "."), "gpu_check.json")

    report = {"dry_run": dry, "device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu",
              "torch": torch.__version__, "m": m, "steps": steps, "dtype": "float32"}
    if not a.no_tests:
        report["gpu_tests"] = gpu_tests(collect_only=dry)
    t0 = time.perf_counter()
    p = heavy_tailed_problem(m, device=device, dtype="float32")
    _sync(p.device)
    report.update(n=p.n, d=p.d, c=p.c, build_seconds=round(time.perf_counter() - t0, 2))
    modes = [False] + ([True] if (a.tf32 or tf32_enabled()) else [])
    report["modes"] = {}
    for tf32 in modes:
        with tf32_mode(tf32):
            g = gemm_rate(p, reps=2 if dry else 5)
            bound = 1.0 / g["seconds_per_step_products"]
            opts = {}
            for name, lr in OPTIMIZERS:
                os.environ["THEORYCHECK_TF32"] = "1" if tf32 else "0"  # the simulator reads the switch
                r = time_optimizer(p, name, lr, steps)
                r["gemm_bound_steps_per_s"] = bound
                r["fraction_of_gemm_bound"] = r["steps_per_s"] / bound
                opts[name] = r
        report["modes"]["tf32" if tf32 else "float32"] = {"gemm": g, "optimizers": opts}
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(report, f, indent=2)
    for mode, r in report["modes"].items():
        print(f"{mode}: GEMM {r['gemm']['tflops']:.2f} TFLOP/s; " + ", ".join(
            f"{k} {v['steps_per_s']:.2f} steps/s ({v['fraction_of_gemm_bound']:.2f} of GEMM bound)" for k, v in r["optimizers"].items()))
    if "gpu_tests" in report:
        print(f"gpu tests: rc={report['gpu_tests']['rc']} {report['gpu_tests']['summary']}")
    print(f"wrote {out_path}")
    return report


if __name__ == "__main__":
    main()
