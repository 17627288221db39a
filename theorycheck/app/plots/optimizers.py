"""Figures of the simulator: per-group loss curves per optimizer (K24 figures 4 / 19) and the
gradient-norm vs Hessian-trace scatter coloured by class frequency (K24 figure 7).

Both use the runs of :mod:`theorycheck.claims.k24.empirical` (A.4-selected step sizes), so the
figures show exactly what the claims measured.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorycheck.app.plots import agg_pyplot, plotter, save


#: How many times the claims' horizon the group-loss figure runs (the A.4 steps were tuned for the
#: claims' horizon T; the longer run shows where each optimizer's groups go, T is marked).
LONG_FACTOR = 5
#: Centered moving average (steps) drawn over each raw curve: tuned steps often oscillate.
SMOOTH = 9


def _smooth(y: np.ndarray, k: int = SMOOTH) -> np.ndarray:
    """Centered moving average of ``y`` over up to ``k`` steps; the window at step ``i`` is at
    most ``i + 1`` steps wide (so the first steps, wide apart on a log axis, stay as they are)."""
    y = np.asarray(y, float)
    n = len(y)
    c = np.cumsum(np.insert(y, 0, 0.0))
    i = np.arange(n)
    h = np.minimum(max(1, int(k)) // 2, i // 2)
    lo, hi = np.clip(i - h, 0, n), np.clip(i + h + 1, 0, n)
    return (c[hi] - c[lo]) / (hi - lo)


def _group_panels(plt, traj, names, title, horizon):
    G = traj.group_loss.shape[2]
    n = len(names) + 1
    cols = 3
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.3 * rows), sharey=True, squeeze=False,
                             layout="constrained")
    axes = axes.ravel()
    t = np.arange(traj.loss.shape[0]) + 1
    cmap = plt.get_cmap("viridis")
    for i, nm in enumerate(names):
        axes[0].plot(t, _smooth(traj.loss[:, i]), label=nm, lw=1.4)
    axes[0].set_title("overall loss (moving average)", fontsize=10)
    axes[0].legend(fontsize=8, ncol=2, loc="lower left")
    for i, nm in enumerate(names):
        ax = axes[i + 1]
        for g in range(G):
            col = cmap(0.9 * g / max(G - 1, 1))
            ax.plot(t, traj.group_loss[:, i, g], color=col, lw=0.5, alpha=0.35)
            ax.plot(t, _smooth(traj.group_loss[:, i, g]), color=col, lw=1.5)
        ax.set_title(f"{nm} (step {traj.lr[i]:.2g})", fontsize=10)
    for ax in axes[n:]:
        ax.axis("off")
    for ax in axes[:n]:
        ax.set_xscale("log")
        ax.axvline(horizon + 1, color="0.4", ls=":", lw=1)
        ax.tick_params(labelsize=9)
        ax.grid(True, which="major", alpha=0.25)
    for ax in axes[(rows - 1) * cols - (cols - (n - (rows - 1) * cols)) % cols:n]:
        ax.set_xlabel("step + 1 (log)", fontsize=9)
    for r in range(rows):
        axes[r * cols].set_ylabel("training loss", fontsize=9)
    sm = plt.cm.ScalarMappable(cmap=plt.matplotlib.colors.ListedColormap([cmap(0.9 * g / max(G - 1, 1)) for g in range(G)]),
                               norm=plt.Normalize(0.5, G + 0.5))
    cb = fig.colorbar(sm, ax=axes[:n].tolist(), shrink=0.6, ticks=range(1, G + 1))
    cb.set_label("frequency group (1 = most frequent)", fontsize=9)
    fig.suptitle(title + f"\nthin: every step; thick: moving average over {SMOOTH} steps; "
                 f"dotted: the claims' horizon T = {horizon}", fontsize=10)
    return fig


@plotter("optimizers", "per-group loss curves of GD, NGD, sign descent, Adam (+-momentum) on heavy-tailed labels (K24 fig. 4/19)")
def plot_optimizers(out_dir: Path, profile: str) -> list:
    from theorycheck.claims.k24 import empirical as K

    plt = agg_pyplot()
    files = []
    cfg = K.config(profile)
    T = cfg["steps"]
    tr = K.trajectory(profile, K.FIG5_NAMES, steps=LONG_FACTOR * T)
    m = cfg["m"]
    fig = _group_panels(plt, tr, K.FIG5_NAMES, f"Random Heavy-Tailed Labels, m = {m}, c = {tr.pi.size}: loss per "
                        f"frequency group at the A.4-selected steps, run {LONG_FACTOR} x the claims' horizon", T)
    files.append(save(fig, out_dir, "optimizers_groups.png", profile, dpi=90))

    tr2 = K.trajectory(profile, ("GD",), inputs="normal0")
    tr3 = K.trajectory(profile, ("GD",), inputs="normal1")
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 3.9), layout="constrained")
    cmap = plt.get_cmap("viridis")
    for ax, trx, lab, log in ((axes[0], tr3, r"$\mathcal{N}(1,1)$ inputs: rare groups lag", False),
                              (axes[1], tr2, r"$\mathcal{N}(0,1)$ inputs: every group is fitted", True)):
        G = trx.group_loss.shape[2]
        t = np.arange(trx.group_loss.shape[0]) + (1 if log else 0)
        for g in range(G):
            ax.plot(t, trx.group_loss[:, 0, g], color=cmap(0.9 * g / max(G - 1, 1)), lw=1.4, label=f"group {g + 1}")
        if log:  # the loss falls by 8 decades within a few steps: log-log shows it
            ax.set_yscale("log")
            ax.set_xscale("log")
            ax.text(0.98, 0.04, "a line leaving the bottom: that group's loss reached 0 (float32)",
                    transform=ax.transAxes, ha="right", fontsize=8, color="0.3")
        ax.set_title(f"GD (step {trx.lr[0]:.2g}), {lab}", fontsize=10)
        ax.set_xlabel("step + 1 (log)" if log else "step", fontsize=9)
        ax.set_ylabel("training loss of the group" + (" (log)" if log else ""), fontsize=9)
        ax.tick_params(labelsize=9)
        ax.grid(True, which="major", alpha=0.25)
    axes[0].legend(fontsize=8, title="frequency group\n(1 = most frequent)", title_fontsize=8, loc="upper right",
                   ncol=2)
    fig.suptitle(f"K24 appendix C.1 (figure 15): GD on heavy-tailed labels, m = {cfg['m']}", fontsize=10)
    files.append(save(fig, out_dir, "optimizers_inputs.png", profile, dpi=90))
    return files


@plotter("fig7", "gradient norm vs Hessian trace per block w_k along Adam's path, coloured by class frequency (K24 fig. 7)")
def plot_fig7(out_dir: Path, profile: str) -> list:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    from theorycheck.claims.k24 import empirical as K
    from theorycheck.sim.run import block_stats

    plt = agg_pyplot()
    cfg = K.config(profile)
    T = cfg["steps"]
    snaps = (0, T // 10, T // 2, T)
    tr = K.trajectory(profile, ("Adam+m",), snapshots=snaps)
    prob = K._spec(profile).with_seed(cfg["seeds"][0]).build()
    fig, axes = plt.subplots(1, len(snaps), figsize=(3.6 * len(snaps) + 1.2, 3.9), layout="constrained")
    for ax, s in zip(axes, snaps):
        st = block_stats(prob, tr.snapshot(s, 0))
        sc = ax.scatter(st["hess_trace"], st["grad_norm"], c=np.log10(tr.pi), cmap="viridis", s=10)
        ax.set_xscale("log")
        ax.set_yscale("log")
        for axis in (ax.xaxis, ax.yaxis):  # ticks at 1 and 3 per decade, short labels (0.03, 1, 30)
            axis.set_major_locator(LogLocator(base=10, subs=(1.0, 3.0), numticks=12))
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            axis.set_minor_formatter(NullFormatter())
        ax.set_title(f"step {s}", fontsize=10)
        ax.set_xlabel(r"$\mathrm{Tr}(H_{kk})$", fontsize=10)
        ax.tick_params(labelsize=9)
        ax.grid(True, which="major", alpha=0.25)
    axes[0].set_ylabel(r"$\|\nabla_{w_k} L\|$", fontsize=10)
    cb = fig.colorbar(sc, ax=axes.tolist(), shrink=0.9)
    cb.set_label(r"$\log_{10}\pi_k$", fontsize=10)
    fig.suptitle(f"Adam on heavy-tailed labels (m = {cfg['m']}): one dot per class block $w_k$; "
                 r"trace with the correct diagonal $p(1-p)\|x\|^2$", fontsize=10)
    return [save(fig, out_dir, "fig7_grad_vs_hessian.png", profile, dpi=90)]
