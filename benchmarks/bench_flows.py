"""Benchmarks of theorycheck.models.flows, measured in one run and printed as ratios.

1. Throughput of the vectorized float64 closed form (Wright omega) over an mpmath loop
   (mpmath.lambertw at 50 digits) on the same 10^4 points; maximum relative error on
   typical points. Goal: >= 1e4 times faster, max relative error <= 1e-12.
2. All c per-class gradient-flow curves at 200 time points for c = 10^5 (Zipf pi): the
   reduced ODE (solve_ivp, DOP853, rtol 1e-10) vs the closed form, with their agreement.

Run: ``python benchmarks/bench_flows.py [--quick]``. No timing is asserted anywhere.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402


def _best(fn, repeat=3):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_closed_form(n: int = 10_000, seed: int = 0) -> dict:
    from theorycheck.models.flows import gradient_flow_loss, gradient_flow_loss_mp

    rng = np.random.default_rng(seed)
    # typical points: c in [2, 1e6], pi in [1e-6, 1], t in [1e-3, 1e9] (log-uniform)
    c = np.round(10 ** rng.uniform(np.log10(2), 6, n))
    pi = 10 ** rng.uniform(-6, 0, n)
    t = 10 ** rng.uniform(-3, 9, n)
    t_vec, got = _best(lambda: gradient_flow_loss(t, pi, c), repeat=5)
    t0 = time.perf_counter()
    ref = np.array([float(gradient_flow_loss_mp(t[i], pi[i], c[i])) for i in range(n)])
    t_mp = time.perf_counter() - t0
    rel = np.abs(got - ref) / ref
    return {"points": n, "vectorized_s": t_vec, "mpmath_loop_s": t_mp, "speedup": t_mp / t_vec,
            "max_rel_err": float(rel.max()), "median_rel_err": float(np.median(rel))}


def bench_curves(c: int = 100_000, n_t: int = 200) -> dict:
    from theorycheck.models.datasets import zipf_frequencies
    from theorycheck.models.flows import gradient_flow_loss, solve_reduced_gradient_flow

    pi = zipf_frequencies(c)
    t = np.concatenate([[0.0], np.geomspace(1e-2, 1e8, n_t - 1)])
    t_closed, closed = _best(lambda: gradient_flow_loss(t[None, :], pi[:, None], c), repeat=3)
    t0 = time.perf_counter()
    _, _, red = solve_reduced_gradient_flow(t, pi, c)
    t_ode = time.perf_counter() - t0
    rel = float(np.max(np.abs(red - closed) / closed))
    return {"c": c, "time_points": n_t, "closed_form_s": t_closed, "reduced_ode_s": t_ode,
            "ratio_ode_over_closed": t_ode / t_closed, "max_rel_gap": rel}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    r1 = bench_closed_form(2_000 if quick else 10_000)
    print(f"[1] closed form, {r1['points']} points: vectorized {r1['vectorized_s'] * 1e3:.2f} ms, "
          f"mpmath loop {r1['mpmath_loop_s']:.2f} s")
    print(f"    speedup (mpmath / vectorized) = {r1['speedup']:.3g}x   (goal >= 1e4)")
    print(f"    max relative error = {r1['max_rel_err']:.2e}, median = {r1['median_rel_err']:.2e}   (goal <= 1e-12)")
    r2 = bench_curves(10_000 if quick else 100_000)
    print(f"[2] all {r2['c']} per-class curves at {r2['time_points']} times: closed form {r2['closed_form_s']:.3f} s, "
          f"reduced ODE {r2['reduced_ode_s']:.2f} s")
    print(f"    ratio (reduced ODE / closed form) = {r2['ratio_ode_over_closed']:.3g}x; "
          f"max relative gap between them = {r2['max_rel_gap']:.2e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
