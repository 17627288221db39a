"""Cost of ||H||_{1,1} for the softmax linear model: closed form vs the dense Hessian vs the
Cauchy sketch, on Random Heavy-Tailed Labels data. Prints times as ratios against the closed
form measured in the same run (no absolute targets), and the estimates' relative errors.

Run: ``python benchmarks/bench_smoothness.py [--device auto|cpu|cuda]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def _best(f, reps=3):
    best, out = float("inf"), None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> int:
    import torch

    from theorycheck.models import datasets
    from theorycheck.models import smoothness as sm

    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="auto")
    args = ap.parse_args()
    print(f"{'m':>2} {'P':>7} {'closed form s':>13} {'dense/closed':>12} {'cauchy64/closed':>15} "
          f"{'cauchy64 rel err':>16} {'dense MB':>9}")
    for m in (3, 4, 5):
        D = datasets.heavy_tailed_labels(m, seed=0)
        c = int(D["class_sizes"].size)
        pb = sm.problem(D["X"], D["y"], c, device=args.device)
        g = torch.Generator().manual_seed(0)
        Wt = (0.1 * torch.randn(c, pb.D, generator=g, dtype=torch.float64)).to(pb.device)
        t_cf, v_cf = _best(lambda: sm.l11_upper(pb, Wt))
        t_de, v_de = _best(lambda: sm.l11_dense(sm.hessian(pb, Wt)), reps=1)
        hv = sm.hvp_fn(pb, Wt)
        t_ca, v_ca = _best(lambda: sm.cauchy_l11(hv, pb.P, probes=64, dtype=pb.dtype, device=pb.device)["estimate"],
                           reps=1)
        assert abs(v_cf - v_de) <= 1e-9 * v_de
        print(f"{m:>2} {pb.P:>7} {t_cf:>13.2e} {t_de / t_cf:>12.0f} {t_ca / t_cf:>15.0f} "
              f"{abs(v_ca - v_cf) / v_cf:>16.3f} {pb.P**2 * 8 / 2**20:>9.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
