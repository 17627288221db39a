"""Figure for T26: the two synthetic experiments (tuned SignSGD vs SGD) and the sweep over d of
N_SGD/N_SignSGD under sparse and dense noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorycheck.app.plots import agg_pyplot, plotter, save


@plotter("t26", "T26: SignSGD vs SGD on the deterministic and sparse-noise experiments; gap vs d")
def plot_t26(out_dir: Path, profile: str) -> list:
    from theorycheck.claims.t26 import signsgd as m
    from theorycheck.models import separable as s

    plt = agg_pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(14.5, 4.4))
    det = m.exp_det_runs(profile)
    d, T = det["setup"]["d"], det["setup"]["T"]
    L = np.ones(d)
    L[0] = 1000.0
    x0 = np.random.default_rng(2026).standard_normal((1, d))[0]
    every = 20
    for meth, c in (("signsgd", "C0"), ("sgd", "C3")):
        r = s.run(meth, L, x0, [det[meth]["best_eta"]], T, record_every=every)
        axes[0].semilogy(np.arange(r["curve"].shape[0]) * every, r["curve"][:, 0], c,
                         label=f"{meth} (eta = {det[meth]['best_eta']:.0e})")
    axes[0].set_title(r"T26.exp.det: $d = 5000$, $L_1 = 1000$", fontsize=10)
    sp_ = m.exp_sparse_runs(profile)
    d, T = sp_["setup"]["d"], sp_["setup"]["T"]
    S = 32
    x0s = np.random.default_rng(2027).standard_normal((S, d))
    for meth, c in (("signsgd", "C0"), ("sgd", "C3")):
        r = s.run(meth, np.ones(d), x0s, np.full(S, sp_[meth]["best_eta"]), T, sigma=s.sparse_sigma(d, 100.0),
                  record_every=every, seed=5)
        axes[1].semilogy(np.arange(r["curve"].shape[0]) * every, r["curve"].mean(axis=1), c,
                         label=f"{meth} (eta = {sp_[meth]['best_eta']:.0e}), mean of {S}")
    axes[1].set_title(r"T26.exp.sparse: $d = 100$, $\mathcal{N}(0,100^2)$ noise on $x_1$", fontsize=10)
    for ax in axes[:2]:
        ax.set_xlabel("step (linear; log loss: a linear rate is a line)")
        ax.set_ylabel(r"$f(x_t)$")
        ax.grid(True, which="major", alpha=0.25)
        ax.legend(fontsize=7)
    sw = m.complexity_sweep(profile)
    for reg, c, pred in (("sparse", "C2", 1), ("dense", "C1", 0)):
        ds = np.array([r["d"] for r in sw[reg]["rows"]])
        ra = np.array([r["ratio"] for r in sw[reg]["rows"]])
        axes[2].loglog(ds, ra, c + "o-", label=rf"{reg} ($\phi = {'1/d' if reg == 'sparse' else '1'}$): slope "
                       f"{sw[reg]['exponent']:.2f}")
        axes[2].loglog(ds, ra[0] * (ds / ds[0]) ** pred, c + ":", label=rf"printed prediction $\propto d^{{{pred}}}$")
    axes[2].set_xlabel(r"$d$")
    axes[2].set_ylabel(r"$N_{\mathrm{SGD}}(\epsilon)\,/\,N_{\mathrm{SignSGD}}(\epsilon)$")
    axes[2].set_title(r"T26.complexity: stiff quadratic, $\epsilon = 0.2$ (log-log)", fontsize=10)
    axes[2].grid(True, which="major", alpha=0.25)
    from matplotlib.ticker import FixedLocator, FuncFormatter

    axes[2].xaxis.set_major_locator(FixedLocator(ds))  # ticks at the measured d only
    axes[2].xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axes[2].xaxis.set_minor_locator(FixedLocator([]))
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    return [save(fig, out_dir, "t26_signsgd_vs_sgd.png", profile)]
