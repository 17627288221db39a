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
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, (d, r) in zip(axes, sorted(runs.items())):
        t = np.maximum(r["inf"]["t"], 1)
        ax.loglog(t, r["inf"]["gap"], "C0-", label="sign descent (ell_inf)")
        ax.loglog(t, r["inf"]["bound"], "C0--", label="bound 2 log^2 d/(T+2)")
        ax.loglog(t, r["2"]["gap"], "C3-", label="normalized GD (ell_2)")
        ax.loglog(t, r["2"]["bound"], "C3--", label="bound 4 d V_d/(T+2)")
        ax.set_title(f"d = {d:.0e}, Zipf p_k ~ 1/k")
        ax.set_xlabel("step T")
        ax.set_ylabel("f(theta_T) - f*")
        ax.legend(fontsize=7)
    ds = np.unique(np.geomspace(2, 1e7, 60).astype(int))
    V = [float(u.var_log_k_mp(int(n))) for n in ds]
    axes[2].semilogx(ds, V, "k-", label="V_d = Var_{k~Unif[d]} log k")
    axes[2].axhline(1.0, color="grey", ls=":", label="limit 1")
    axes[2].set_xlabel("d")
    axes[2].set_title("Y25.lemma33: V_d increases to 1")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    return [save(fig, out_dir, "y25_nsd_wd.png", profile)]
