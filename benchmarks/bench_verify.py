"""Time `theorycheck verify` (every claim, quick profile) from an empty results store and from
the full store it leaves behind, each as a fresh process (the way a user runs it), and print both
times and their ratio.

    python benchmarks/bench_verify.py [--only ID ...] [--profile quick|full] [--repeat N]

Targets (issue 6): under 3 minutes from an empty store, under 10 s from a full one, on the
2-core CPU. The full-store time is the cost of importing the claim modules, hashing their
sources and reading and verifying the entries; it is the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_verify(store: str, extra: list[str]) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "theorycheck", "verify", "--store", store, "--progress", "never", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        sys.exit(f"verify failed (exit {p.returncode}):\n{p.stdout}\n{p.stderr}")
    return dt, p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", metavar="ID")
    ap.add_argument("--profile", choices=("quick", "full"), default="quick")
    ap.add_argument("--repeat", type=int, default=3, help="runs from the full store (best is reported)")
    args = ap.parse_args()
    extra = ["--profile", args.profile] + (["--only", *args.only] if args.only else [])
    with tempfile.TemporaryDirectory(prefix="tc-bench-store-") as store:
        empty, summary = run_verify(store, extra)
        full_runs = [run_verify(store, extra) for _ in range(max(1, args.repeat))]
    full = min(t for t, _ in full_runs)
    print(f"claims:            {summary}")
    print(f"from empty store:  {empty:8.2f} s")
    print(f"from full store:   {full:8.2f} s   (best of {len(full_runs)}: "
          + ", ".join(f"{t:.2f}" for t, _ in full_runs) + ")")
    print(f"ratio empty/full:  {empty / full:8.1f} x")
    print(f"last full-store run: {full_runs[-1][1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
