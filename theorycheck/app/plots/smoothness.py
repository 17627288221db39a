"""Figures of the smoothness analysis (softmax linear model, Random Heavy-Tailed Labels data).

* ``smoothness``: ||H||_{1,1}, the ||H||_{inf->1} lower bound, P lambda_max and lambda_max along
  GD and Adam paths;
* ``fig8_blocks``: magnitude of a 40-class x 40-dim subset of the Hessian and of its block
  traces along Adam's path (K24 figure 8/28 analogue);
* ``fig7_trace_diag``: gradient norm vs Hessian block trace per class, with the correct
  diagonal (x^2) and with the released script's (x), coloured by class frequency.

Paths come from the optimizer simulator (``theorycheck.sim``, through
``theorycheck.sim.paths.sim_path``): GD and Adam (``Adam+m``, torch.optim.Adam's definition).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorycheck.app.plots import agg_pyplot, plotter, save


def _data(m, inputs="uniform"):
    """The simulator problem (K24 A.2 data, bias) and the smoothness problem on the same data."""
    from theorycheck.sim.paths import from_sim
    from theorycheck.sim.problems import heavy_tailed_problem

    lin = heavy_tailed_problem(m, inputs=inputs, seed=0, device="cpu", dtype="float64")
    return lin, from_sim(lin)


@plotter("smoothness", "smoothness constants (||H||_11, inf->1 lower bound, P lambda_max) along GD and Adam paths")
def plot_smoothness(out: Path, profile: str) -> list:
    from theorycheck.models import smoothness as sm
    from theorycheck.sim.paths import sim_path

    plt = agg_pyplot()
    m = 5 if profile == "quick" else 6
    lin, pb = _data(m)
    c = lin.c
    steps = 300 if profile == "quick" else 1000
    at = sorted({0, *np.unique(np.geomspace(1, steps, 9).astype(int)).tolist()})
    lam0, _ = sm.lanczos(sm.hvp_fn(pb, pb.zeros()), pb.P)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, (opt, name, lr) in zip(axes, (("gd", "GD", 1.0 / lam0), ("adam", "Adam+m", 1e-2))):
        snaps = sim_path(lin, name, lr, steps, at)
        r = sm.smoothness_along_path([p for _, p in snaps], lin.X, lin.y, c, device="cpu", restarts=4)
        t = np.array([s for s, _ in snaps]) + 1
        ax.plot(t, r["l11"], "o-", label=r"$\|H\|_{1,1}$ (exact, closed form)")
        ax.plot(t, r["inf1_lower"], "s-", label=r"$\|H\|_{\infty\to 1}$ lower bound (sign iter.)")
        ax.plot(t, r["P_lambda_max"], "^-", label=r"$P\,\lambda_{\max}$")
        ax.plot(t, r["lambda_max"], "v--", label=r"$\lambda_{\max}$")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("step + 1 (log)")
        ax.grid(True, which="major", alpha=0.25)
        ax.set_title(f"{name} (step {lr:.3g}), m = {m}, c = {c}, P = {pb.P} parameters", fontsize=10)
    axes[0].set_ylabel("smoothness constant (log)")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return [save(fig, out, "smoothness_along_path.png", profile)]


@plotter("fig8_blocks", "K24 figure 8 analogue: |Hessian| on 40 classes x 40 dims and |block traces| along Adam's path")
def plot_fig8(out: Path, profile: str) -> list:
    from theorycheck.claims.k24 import hessian_fig8 as f8
    from theorycheck.models import smoothness as sm

    plt = agg_pyplot()
    res = f8.measure(profile)
    _, pb = _data(res["m"])
    snaps = res["snapshots"]
    k = len(res["classes"])
    fig, axes = plt.subplots(2, len(snaps), figsize=(3.0 * len(snaps) + 1.5, 6.4), layout="constrained")
    for j, ((st, snap), row) in enumerate(zip(snaps, res["rows"])):
        Wt = pb.params(snap)
        Hs = sm.hessian_subset(pb, Wt, res["classes"], res["dims"]).abs()
        T = sm.block_trace_matrix(pb, Wt, res["classes"]).abs()
        im0 = axes[0, j].imshow(np.log10(Hs.numpy() + 1e-300), vmin=-12, vmax=0, cmap="viridis",
                                interpolation="nearest")
        axes[0, j].set_title(f"step {st}: log10|H| (1600x1600)\nmedian ratio {row['entry_median_ratio']:.0f}",
                             fontsize=8)
        im1 = axes[1, j].imshow(np.log10(T.numpy() + 1e-300), vmin=-8, vmax=1, cmap="magma", interpolation="nearest")
        axes[1, j].set_title(f"log10|Tr H_kj| ({k}x{k})\nworst row {row['trace_min_row_ratio']:.1f}", fontsize=8)
        for a in axes[:, j]:
            a.set_xticks([])
            a.set_yticks([])
    fig.colorbar(im0, ax=axes[0, :].tolist(), shrink=0.8)
    fig.colorbar(im1, ax=axes[1, :].tolist(), shrink=0.8)
    fig.suptitle(f"Adam on Random Heavy-Tailed Labels, m={res['m']}, c={res['c']}: 40 classes (log-uniform) x 40 dims",
                 fontsize=9)
    return [save(fig, out, "fig8_hessian_blocks.png", profile, dpi=80)]


@plotter("fig7_trace_diag", "gradient norm vs Hessian block trace: correct diagonal (x^2) vs released script (x)")
def plot_fig7_trace(out: Path, profile: str) -> list:
    from theorycheck.models import smoothness as sm
    from theorycheck.sim.paths import sim_path

    plt = agg_pyplot()
    m = 6 if profile == "quick" else 7
    fig, axes = plt.subplots(2, 2, figsize=(9, 7.5), layout="constrained")
    for i, inputs in enumerate(("uniform", "normal0")):
        lin, pb = _data(m, inputs)
        pi = lin.pi
        (_, snap), = sim_path(lin, "Adam+m", 1e-2, 100, [100])
        Wt = pb.params(snap)
        for j, variant in enumerate(sm.TRACE_VARIANTS):
            bt = sm.block_traces(pb, Wt, variant=variant)
            g, tr = bt["grad_norm"].numpy(), bt["trace"].numpy()
            ax = axes[i, j]
            sc = ax.scatter(tr, g, c=np.log10(pi), cmap="viridis", s=10)
            ax.set_yscale("log")
            if (tr > 0).all():
                ax.set_xscale("log")
            else:
                ax.set_xscale("symlog", linthresh=1e-4)
                ax.axvline(0, color="r", lw=0.8)
            label = (r"correct: $p(1-p)\,\|x\|^2$" if variant == "correct"
                     else r"released script: $p(1-p)\sum_a x_a$")
            neg = int((tr < 0).sum())
            ax.set_title(f"{inputs} inputs, Adam step 100\n{label}" + (f" ({neg} negative)" if neg else ""), fontsize=9)
            ax.set_xlabel(r"$\mathrm{Tr}(H_{kk})$")
            ax.set_ylabel(r"$\|\nabla_{w_k} L\|$")
    fig.colorbar(sc, ax=axes.ravel().tolist(), label=r"$\log_{10}$ class frequency $\pi_k$")
    return [save(fig, out, "fig7_trace_diag.png", profile, dpi=90)]
