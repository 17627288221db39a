"""Figure for K24.prop2.train: ||grad_{w_k} L|| / ((1/p)(||xbar^k||/Tr(Hbar^k)) Tr(hess_{w_k} L))
against c on the Assumption-1 Zipf data, for fixed p and for the p -> 0 family p = sqrt(H(c))/c."""

from __future__ import annotations

import math
from pathlib import Path

from theorycheck.app.plots import agg_pyplot, plotter, save


@plotter("k24_prop2", "K24 Prop. 2: ratio of gradient norm to (1/p)-scaled Hessian trace -> 1 as c grows (fixed p), not for p -> 0")
def plot_prop2(out_dir: Path, profile: str) -> list[Path]:
    from theorycheck.claims.k24.proposition2 import _train_closed_form

    plt = agg_pyplot()
    grid = [10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000] + ([300_000, 1_000_000] if profile == "full" else [])
    fig, ax = plt.subplots(figsize=(7, 4.6))

    def ratio(r, p):
        return r["gnorm"] / ((1 / p) * r["xnorm"] / r["trH"] * r["trh"])

    for p, col in ((0.25, "tab:blue"), (0.5, "tab:green"), (0.75, "tab:orange")):
        for k, ls in ((0, "-"), (9, "--")):
            vals = [ratio(_train_closed_form(c, p), p)[k] for c in grid if c > k]
            ax.plot([c for c in grid if c > k], vals, ls, color=col, label=rf"$p = {p}$, class {k + 1}")
    vals = []
    for c in grid:
        H = math.fsum(1.0 / j for j in range(c, 0, -1))
        p = math.sqrt(H) / c
        vals.append(ratio(_train_closed_form(c, p), p)[0])
    ax.plot(grid, vals, "k:", lw=1.6, label=r"$p = \sqrt{H(c)}/c \to 0$, class 1")
    ax.axhline(1.0, color="gray", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel(r"number of classes $c$")
    ax.set_ylabel("ratio / printed limit (1 = Prop. 2)")
    ax.set_title(r"K24 Prop. 2: $\|\nabla_{w_k} L\| \,/\, \left(\frac{1}{p}\,"
                 r"\frac{\|\bar x^k\|}{\mathrm{Tr}\,\bar H^k}\,\mathrm{Tr}\,\nabla^2_{w_k} L\right)$"
                 "\non Assumption-1 data: $\\to 1$ for fixed $p$, not for $p \\to 0$", fontsize=10)
    ax.grid(True, which="major", alpha=0.25)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    return [save(fig, out_dir, "k24_prop2_ratio.png", profile)]
