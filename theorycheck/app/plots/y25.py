"""Figure for Y25: NSD-WD on the Zipf unigram model (sign descent vs normalized GD) with the
thm21 bounds, for d = 10^3 and 10^4, and V_d = Var log k against d."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorycheck.app.plots import agg_pyplot, plotter, save


@plotter("y25", "Y25: suboptimality of sign descent vs normalized GD (NSD-WD) with thm21's bounds; V_d vs d")
def plot_y25(out_dir: Path, profile: str) -> list:
    from theorycheck.claims.y25.theorem21 import exp_runs
    from theorycheck.models import unigram as u

    plt = agg_pyplot()
    runs = exp_runs(profile)
    fig, axes = plt.subplots(1, 3, figsize=(14.5, 4.4))
    for ax, (d, r) in zip(axes, sorted(runs.items())):
        t = np.maximum(r["inf"]["t"], 1)
        ax.loglog(t, r["inf"]["gap"], "C0-", label=r"sign descent ($\ell_\infty$)")
        ax.loglog(t, r["inf"]["bound"], "C0--", label=r"bound $2\log^2 d/(T+2)$")
        ax.loglog(t, r["2"]["gap"], "C3-", label=r"normalized GD ($\ell_2$)")
        ax.loglog(t, r["2"]["bound"], "C3--", label=r"bound $4\,d\,V_d/(T+2)$")
        ax.set_title(rf"$d = 10^{{{int(round(np.log10(d)))}}}$, Zipf $p_k \propto 1/k$ (log-log: $1/T$ is a line)",
                     fontsize=10)
        ax.set_xlabel(r"step $T$")
        ax.set_ylabel(r"$f(\theta_T) - f^*$")
        ax.grid(True, which="major", alpha=0.25)
        ax.legend(fontsize=7)
    ds = np.unique(np.geomspace(2, 1e7, 60).astype(int))
    V = [float(u.var_log_k_mp(int(n))) for n in ds]
    axes[2].semilogx(ds, V, "k-", label=r"$V_d = \mathrm{Var}_{k\sim\mathrm{Unif}[d]}\,\log k$")
    axes[2].axhline(1.0, color="grey", ls=":", label="limit 1")
    axes[2].set_xlabel(r"$d$")
    axes[2].set_title(r"Y25.lemma33: $V_d$ increases to 1", fontsize=10)
    axes[2].grid(True, which="major", alpha=0.25)
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    return [save(fig, out_dir, "y25_nsd_wd.png", profile)]
