"""benchmarks/gpu_check.py runs on the CPU with --dry-run (m = 6, 3 steps) and writes its JSON."""

import json
import math
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def test_gpu_check_dry_run_writes_its_report(tmp_path):
    out = tmp_path / "gpu_check.json"
    r = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "gpu_check.py"), "--dry-run", "--out", str(out)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "THEORYCHECK_TF32": "0"})
    assert r.returncode == 0, r.stderr[-2000:]
    rep = json.loads(out.read_text())
    assert rep["dry_run"] and rep["m"] == 6 and (rep["n"], rep["d"], rep["c"]) == (384, 448, 63)
    assert rep["gpu_tests"]["rc"] == 0 and rep["gpu_tests"]["collect_only"]
    f32 = rep["modes"]["float32"]
    assert f32["gemm"]["tflops"] > 0
    assert set(f32["optimizers"]) == {"GD", "Sign", "Adam+m", "NGD"}
    for v in f32["optimizers"].values():
        assert v["finite"] and v["steps_per_s"] > 0 and math.isfinite(v["fraction_of_gemm_bound"])
