"""Figures of the simulator: per-group loss curves per optimizer (K24 figures 4 / 19) and the
gradient-norm vs Hessian-trace scatter coloured by class frequency (K24 figure 7).

Both use the runs of :mod:`theorycheck.claims.k24.empirical` (A.4-selected step sizes), so the
figures show exactly what the claims measured.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorycheck.app.plots import agg_pyplot, plotter, save


def _group_panels(plt, traj, names, title):
    G = traj.group_loss.shape[2]
    cols = min(4, len(names) + 1)
    rows = int(np.ceil((len(names) + 1) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.0 * rows), sharey=True, squeeze=False)
    fig.subplots_adjust(hspace=0.55, wspace=0.15)
    axes = axes.ravel()
    t = np.arange(traj.loss.shape[0])
    cmap = plt.get_cmap("viridis")
    for i, n in enumerate(names):
        axes[0].plot(t, traj.loss[:, i], label=n)
    axes[0].set_title("overall loss")
    axes[0].legend(fontsize=6)
    for i, n in enumerate(names):
        ax = axes[i + 1]
        for g in range(G):
            ax.plot(t, traj.group_loss[:, i, g], color=cmap(g / max(G - 1, 1)), lw=1)
        ax.set_title(f"{n} (step {traj.lr[i]:.2g})", fontsize=8)
    for ax in axes[len(names) + 1:]:
        ax.axis("off")
    for ax in axes[: len(names) + 1]:
        ax.set_xlabel("step", fontsize=7)
        ax.tick_params(labelsize=6)
    axes[0].set_ylabel("training loss")
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=plt.Normalize(1, G))
    fig.colorbar(sm, ax=axes.tolist(), label="frequency group (1 = most frequent)", shrink=0.6)
    fig.suptitle(title, fontsize=9)
    return fig


@plotter("optimizers", "per-group loss curves of GD, NGD, sign descent, Adam (+-momentum) on heavy-tailed labels (K24 fig. 4/19)")
def plot_optimizers(out_dir: Path, profile: str) -> list:
    from theorycheck.claims.k24 import empirical as K

    plt = agg_pyplot()
    files = []
    tr = K.trajectory(profile, K.FIG5_NAMES)
    m = K.config(profile)["m"]
    fig = _group_panels(plt, tr, K.FIG5_NAMES, f"Random Heavy-Tailed Labels, m={m}, c={tr.pi.size}: loss per frequency group")
    files.append(save(fig, out_dir, "optimizers_groups.png", profile))

    tr2 = K.trajectory(profile, ("GD",), inputs="normal0")
    tr3 = K.trajectory(profile, ("GD",), inputs="normal1")
    fig, axes = plt.subplots(1, 2, figsize=(7, 2.6), sharey=False)
    cmap = plt.get_cmap("viridis")
    for ax, trx, lab in ((axes[0], tr3, "N(1,1) inputs"), (axes[1], tr2, "N(0,1) inputs")):
        G = trx.group_loss.shape[2]
        for g in range(G):
            ax.plot(trx.group_loss[:, 0, g], color=cmap(g / max(G - 1, 1)), lw=1)
        ax.set_title(f"GD, {lab} (K24 fig. 15)", fontsize=8)
        ax.set_xlabel("step", fontsize=7)
    files.append(save(fig, out_dir, "optimizers_inputs.png", profile))
    return files


@plotter("fig7", "gradient norm vs Hessian trace per block w_k along Adam's path, coloured by class frequency (K24 fig. 7)")
def plot_fig7(out_dir: Path, profile: str) -> list:
    from theorycheck.claims.k24 import empirical as K
    from theorycheck.sim.run import block_stats

    plt = agg_pyplot()
    cfg = K.config(profile)
    T = cfg["steps"]
    snaps = (0, T // 10, T // 2, T)
    tr = K.trajectory(profile, ("Adam+m",), snapshots=snaps)
    prob = K._spec(profile).with_seed(cfg["seeds"][0]).build()
    fig, axes = plt.subplots(1, len(snaps), figsize=(3.0 * len(snaps), 2.8))
    for ax, s in zip(axes, snaps):
        st = block_stats(prob, tr.snapshot(s, 0))
        sc = ax.scatter(st["hess_trace"], st["grad_norm"], c=np.log10(tr.pi), cmap="viridis", s=8)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"step {s}", fontsize=8)
        ax.set_xlabel("Tr(H_kk)", fontsize=7)
        ax.tick_params(labelsize=6)
    axes[0].set_ylabel("||grad_{w_k} L||", fontsize=7)
    fig.colorbar(sc, ax=axes.tolist(), label="log10 pi_k")
    fig.suptitle(f"Adam on heavy-tailed labels (m={cfg['m']}): per-class blocks, correct diagonal p(1-p)||x||^2", fontsize=9)
    return [save(fig, out_dir, "fig7_grad_vs_hessian.png", profile)]
