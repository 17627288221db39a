"""Figure for Y26: final suboptimality and divergence frequency vs tail index per method,
tail-index estimates vs truth, and the noise moment vs the gradient norm."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorycheck.app.plots import agg_pyplot, plotter, save

_COL = {"sgd": "tab:blue", "signsgd": "tab:red", "signum": "tab:orange", "lion": "tab:green", "muon": "tab:purple"}


@plotter("y26", "Y26: suboptimality / divergence vs tail index, tail-index estimators, noise condition")
def plot_y26(out_dir: Path, profile: str = "quick") -> list[Path]:
    from theorycheck.claims.y26 import heavy_tailed as m

    plt = agg_pyplot()
    noises = tuple(("sas", a) for a in (2.0, 1.8, 1.6, 1.4, 1.2, 1.1)) + tuple(("t", v) for v in (1.8, 1.5, 1.2))
    st = m.convergence_study(profile, noises=noises)
    rows = st["rows"]
    fig, ax = plt.subplots(2, 2, figsize=(11, 8.5))
    for meth, c in _COL.items():
        for kind, ls, mk in (("sas", "-", "o"), ("t", ":", "s")):
            rr = sorted([r for r in rows if r["method"] == meth and r["noise"] == kind], key=lambda r: r["index"])
            lab = f"{meth} ({'SaS' if kind == 'sas' else 'Student-t'})"
            ax[0, 0].plot([r["index"] for r in rr], [r["median"] for r in rr], ls, marker=mk, color=c, label=lab)
            ax[0, 1].plot([r["index"] for r in rr], [r["divergence_at_tuned_lr"] for r in rr], ls, marker=mk, color=c, label=lab)
    ax[0, 0].set_yscale("log")
    ax[0, 0].invert_xaxis()
    ax[0, 0].axhline(st["f0"], color="gray", lw=0.8)
    ax[0, 0].set_xlabel("tail index (alpha or nu); heavier tails to the right")
    ax[0, 0].set_ylabel(rf"median $f(X_T) - f^*$ over {st['seeds']} seeds (tuned step)")
    ax[0, 0].set_title(f"Y26.convergence: {st['steps']} steps, 8x8 quadratic")
    ax[0, 0].legend(fontsize=7.5, ncol=2)
    ax[0, 1].invert_xaxis()
    ax[0, 1].set_xlabel("tail index")
    ax[0, 1].set_ylabel(r"fraction of runs with $f(X_T) > f(X_0)$")
    ax[0, 1].set_title("divergence frequency at the tuned step size")
    tm = m._tail_measurements(profile)
    a = ax[1, 0]
    truth = {"sas": lambda p: p, "t": lambda p: p, "regression_noise": lambda p: p / 2}
    for r in tm["estimates"]:
        x = truth[r["family"]](r["parameter"])
        if "moment_bracket" in r:
            lo, hi = r["moment_bracket"]["bracket"]
            a.plot([x, x], [lo, min(hi, 2.2)], "-", color="tab:green", lw=6, alpha=0.4)
        for est, mk in (("hill", "o"), ("block_sum", "s")):
            if est in r:
                used = est == r["estimator"]
                a.errorbar(x, r[est]["mean"], yerr=4 * r[est]["se"], fmt=mk, mfc=None if used else "none",
                           color={"sas": "tab:red", "t": "tab:blue", "regression_noise": "tab:green"}[r["family"]])
    lim = [1.0, 2.1]
    a.plot(lim, lim, "k--", lw=0.8)
    a.set_xlabel("true tail index")
    a.set_ylabel("estimate (filled: the estimator used; open: diagnostic)")
    a.set_title("Y26.tail_index: red SaS, blue Student-t, green regression noise;\no Hill, s block-sum, bar: moment bracket")
    nm = m._noise_measurements(profile)
    a = ax[1, 1]
    xs, ys, p = nm["xs"], nm["ys"], nm["p"]
    a.loglog(xs, ys, "o", label=rf"$E\|g - \nabla f\|^{{{p}}}$ (Monte Carlo, $n={nm['n']}$)")
    aa, bb, r2, _ = m._fit_affine(xs, ys, p)
    xx = np.logspace(np.log10(xs.min()), np.log10(xs.max()), 100)
    a.loglog(xx, aa + bb * xx**p, "k-", label=rf"${aa:.2f} + {bb:.2f}\,\|\nabla f\|^{{{p}}}$  ($R^2 = {r2:.3f}$)")
    a2, b2, r22, _ = m._fit_affine(xs, ys, 2.0)
    a.loglog(xx, a2 + b2 * xx**2, "r:", label=rf"variance-type fit in $\|\nabla f\|^2$ ($R^2 = {r22:.3f}$)")
    a.set_xlabel(r"$\|\nabla f\|$")
    a.set_title("Y26.noise: least squares, t(3) data (noise index 1.5)")
    a.legend(fontsize=8)
    fig.tight_layout()
    return [save(fig, out_dir, "y26.png", profile)]
