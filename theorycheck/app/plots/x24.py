"""Figure for X24: Adam's speed vs ||H||_{1,1} under rotations, speed vs the two smoothness
constants, the Cauchy estimator's bias / spread vs probes, blockwise Adam vs block size."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorycheck.app.plots import agg_pyplot, plotter, save

_STYLE = {"gd": ("GD", "tab:blue", "o"), "adasgd": ("AdaSGD", "tab:green", "s"),
          "adam": ("Adam b1=0", "tab:red", "^"), "adam_b0.9": ("Adam b1=0.9", "tab:orange", "v")}


@plotter("x24", "X24: rotations vs ||H||_11, rates vs constants, Cauchy estimator, blockwise Adam")
def plot_x24(out_dir: Path, profile: str = "quick") -> list[Path]:
    from types import SimpleNamespace

    from theorycheck.claims.x24 import _common, estimators, rotation, smoothness
    m = SimpleNamespace(**{**vars(_common), **vars(smoothness), **vars(rotation), **vars(estimators)})  # x24's claim modules as one namespace

    plt = agg_pyplot()
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

    fig, ax = plt.subplots(2, 2, figsize=(12, 9.5), layout="constrained")
    rot_all = m.rotation_family(profile)
    rot = rot_all["rows"]
    a = ax[0, 0]
    for k, (lab, c, mk) in _STYLE.items():
        a.scatter([r["norm11"] for r in rot], [r[k] for r in rot], s=18, c=c, marker=mk, label=lab, alpha=0.8)
    a.set_xlabel(rf"$\|H\|_{{1,1}}$  (rotations of $\mathrm{{diag}}(i^{{-2}})$, $d = {rot_all['d']}$, "
                 r"$\lambda_{\max} = 1$)")
    a.set_ylabel(r"$\log_{10}$ tuned $f(x_T)/f(x_0)$")
    a.set_title("X24.rotation: Adam slows as $\\|H\\|_{1,1}$ grows;\nGD and AdaSGD do not change", fontsize=10)
    a.legend(fontsize=8)
    rates = m.rate_family(profile)["rows"]
    a = ax[0, 1]
    for k in ("gd", "adasgd"):
        lab, c, mk = _STYLE[k]
        a.scatter([r["d_lmax"] for r in rates], [r[k] for r in rates], s=18, c=c, marker=mk,
                  label=rf"{lab} vs $d\,\lambda_{{\max}}$")
    lab, c, mk = _STYLE["adam"]
    a.scatter([r["norm11"] for r in rates], [r["adam"] for r in rates], s=18, c=c, marker=mk,
              label=rf"{lab} vs $\|H\|_{{1,1}}$")
    a.set_xscale("log")
    a.set_xlabel("the constant each method's rate is claimed to depend on (log)")
    a.set_ylabel(r"$\log_{10}$ tuned $f(x_T)/f(x_0)$")
    a.set_title("X24.rates: speed vs its claimed constant", fontsize=10)
    a.legend(fontsize=8)
    _, _, _, table = m._estimator_table(profile)
    a = ax[1, 0]
    from theorycheck.models.quadratics import cauchy_median_moments

    k = np.array([t["probes"] for t in table])
    ex = [cauchy_median_moments(int(v)) for v in k]
    a.errorbar(k, [t["rel_bias"] for t in table], yerr=[2 * t["rel_bias_se"] for t in table], fmt="o", color="tab:blue",
               label="measured relative bias (+-2 se)")
    a.plot(k, [e[0] for e in ex], "--", color="tab:blue", label="exact bias of the median of k |Cauchy|")
    a.axhline(0, color="gray", lw=0.6)
    a.set_xscale("log")
    a.set_xlabel("Cauchy probes k")
    a.set_ylabel("relative bias of the estimate", color="tab:blue")
    b = a.twinx()
    b.loglog(k, [t["rel_std_norm11_estimate"] for t in table], "s-", color="tab:orange", label="rel. std of ||H||_11/d estimate")
    b.loglog(k, [t["row_rel_std"] for t in table], "^", color="tab:red", label="rel. std of one row (measured)")
    b.loglog(k, [e[1] for e in ex], ":", color="tab:red", label=r"exact $\approx \pi/(2\sqrt{k})$")
    b.set_ylabel("relative std (log)", color="tab:orange")
    b.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 3.0, 5.0)))
    b.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    b.yaxis.set_minor_formatter(NullFormatter())
    # after the twin's loglog (which resets the shared x axis): ticks at the probe counts only
    a.xaxis.set_major_locator(FixedLocator(k))
    a.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    a.xaxis.set_minor_locator(FixedLocator([]))
    a.set_title(r"X24.estimators: Cauchy estimator of $\|H\|_{1,1}/d$", fontsize=10)
    h1, l1 = a.get_legend_handles_labels()
    h2, l2 = b.get_legend_handles_labels()
    a.legend(h1 + h2, l1 + l2, fontsize=7)
    blocks, rows, rho_b, *_ = m._blockwise_study(profile)
    a = ax[1, 1]
    for rep in sorted({r["rep"] for r in rows}):
        rr = [r for r in rows if r["rep"] == rep]
        a.plot([r["block"] for r in rr], [r["log10_loss"] for r in rr], "o-", label=f"problem {rep}")
    a.set_xscale("log", base=2)
    a.set_xlabel(r"block size (1 = Adam, $d$ = AdaSGD)")
    a.set_ylabel(r"$\log_{10}$ tuned $f(x_T)/f(x_0)$")
    a.set_title(rf"X24.blockwise: $\mathrm{{diag}}$(permuted $i^{{-2}}$), Spearman $\rho = {rho_b:.2f}$", fontsize=10)
    a.legend(fontsize=8)
    return [save(fig, out_dir, "x24.png", profile)]
