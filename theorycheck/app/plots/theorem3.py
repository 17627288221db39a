"""Figures for K24 Theorem 3 (``theorycheck plot theorem3``).

* ``theorem3_loss_curves.png``: per-class loss under gradient flow on log-log axes (where the
  claimed ``1/(pi_k t)`` rate is a straight line of slope -1), Zipf frequencies ``pi_k ∝ 1/k``
  with ``c = 1000``, asymptotes ``(c-1)/(c pi_k t)`` dashed and half-loss times marked; and sign
  flow on semi-log axes (log loss against linear ``t``, where ``e^{-2t}`` is a straight line),
  with the correct asymptote ``(c-1) e^{-2t}`` and the printed ``log(1 + (c-1) e^{-ct})``.
* ``theorem3_collapse.png``: the gradient-flow curves of all classes plotted against
  ``pi_k t`` fall on one curve (the loss depends on ``c pi_k t`` only), with the asymptote
  ``(c-1)/(c pi t)`` and the threshold of K24 lemma 6.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorycheck.app.plots import agg_pyplot, plotter, save


def _sci(x: float) -> str:
    """``1.3\\times10^{-4}`` for mathtext."""
    m, e = f"{x:.1e}".split("e")
    return rf"{m}\times10^{{{int(e)}}}"


@plotter("theorem3", "K24 Theorem 3: per-class loss under gradient flow vs sign flow (c = 1000, Zipf pi), and the pi t collapse")
def plot_theorem3(out_dir: Path, profile: str = "quick") -> list[Path]:
    from theorycheck.models.datasets import zipf_frequencies
    from theorycheck.models.flows import (
        gf_asymptote,
        gf_half_loss_time,
        gradient_flow_loss,
        sf_asymptote,
        sf_half_loss_time,
        sign_flow_loss,
    )

    plt = agg_pyplot()
    c = 1000
    pi = zipf_frequencies(c)
    classes = [1, 3, 10, 30, 100, 300, 1000]
    cmap = plt.get_cmap("viridis")
    colors = {k: cmap(0.9 * i / (len(classes) - 1)) for i, k in enumerate(classes)}
    n_t = 600 if profile == "quick" else 2400
    t = np.geomspace(1e-2, 1e9, n_t)

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1.15, 1]})
    ax = axes[0]
    for k in classes:
        p = pi[k - 1]
        ax.loglog(t, gradient_flow_loss(t, p, c), color=colors[k], lw=1.8,
                  label=rf"$k={k}$, $\pi_k={_sci(p)}$")
        ax.loglog(t, gf_asymptote(t, p, c), color=colors[k], lw=0.9, ls="--")
        th = float(gf_half_loss_time(p, c))
        ax.plot([th], [0.5 * np.log(c)], "o", color=colors[k], ms=4)
    ax.set_title(r"gradient flow (log-log): $\ell_k(t)\sim\frac{c-1}{c\,\pi_k t}$ (dashed) is a line of slope $-1$",
                 fontsize=10)
    ax.set_xlabel(r"time $t$")
    ax.set_ylabel(r"per-class loss $\ell_k(t)$")
    ax.set_ylim(1e-8, 20)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="lower left", title=r"Zipf $\pi_k\propto 1/k$", title_fontsize=8)

    ax = axes[1]
    ts = np.linspace(0, 12, 1200 if profile == "quick" else 4800)
    ax.semilogy(ts, sign_flow_loss(ts, c), color="k", lw=2.2, label=r"$\ell_k(t)$, every class (no $\pi$ dependence)")
    ax.semilogy(ts, sf_asymptote(ts, c), color="tab:red", lw=1.3, ls="--",
                label=r"$(c-1)\,e^{-2t}$: correct rate (a line of slope $-2$)")
    printed = np.log1p((c - 1) * np.exp(-c * ts))
    ax.semilogy(ts, np.where(printed > 1e-300, printed, np.nan), color="tab:blue", lw=2.2, ls=":",
                label=r"printed $\log(1+(c-1)\,e^{-ct})$")
    # the printed form falls within t < 0.03 at c = 1000: an inset magnifies the start
    t_print = float(np.log((c - 1) / 1e-8) / c)  # where the printed form reaches 1e-8
    ins = ax.inset_axes([0.09, 0.08, 0.4, 0.4])
    tz = np.linspace(0, 0.04, 400)
    ins.semilogy(tz, sign_flow_loss(tz, c), color="k", lw=2)
    pz = np.log1p((c - 1) * np.exp(-c * tz))
    ins.semilogy(tz, np.where(pz > 1e-300, pz, np.nan), color="tab:blue", lw=2, ls=":")
    ins.set_xlim(0, 0.04)
    ins.set_ylim(1e-9, 20)
    ins.set_title(r"zoom on $0\leq t\leq 0.04$", fontsize=8)
    ins.tick_params(labelsize=7)
    ins.annotate(rf"printed $\leq 10^{{-8}}$ at $t={t_print:.3f}$", xy=(t_print, 1e-8), xytext=(0.03, 3e-3),
                 fontsize=7, color="tab:blue", ha="center",
                 arrowprops={"arrowstyle": "->", "color": "tab:blue", "lw": 0.8})
    ax.plot([float(sf_half_loss_time(c))], [0.5 * np.log(c)], "o", color="k", ms=4)
    ax.set_title(r"sign flow (semi-log): $\ell_k(t)=\log(1+(c-1)\,e^{-2t})$", fontsize=10)
    ax.set_xlabel(r"time $t$ (linear)")
    ax.set_ylabel(r"per-class loss $\ell_k(t)$")
    ax.set_ylim(1e-9, 20)
    ax.set_xlim(0, 12)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.suptitle(rf"K24 Theorem 3, $c = {c}$ classes, Zipf $\pi$ (dots: half of the initial loss $\log c$)", fontsize=11)
    fig.tight_layout()
    p1 = save(fig, out_dir, "theorem3_loss_curves.png", profile)

    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    for k in classes:
        p = pi[k - 1]
        tt = np.geomspace(1e-4 / p, 1e8 / p, 300)
        ax.loglog(p * tt, gradient_flow_loss(tt, p, c), color=colors[k], lw=3.5 - 0.4 * classes.index(k),
                  alpha=0.8, label=rf"$k={k}$")
    s = np.geomspace(1e-1, 1e8, 200)
    ax.loglog(s, (c - 1) / (c * s), "r--", lw=1, label=r"$(c-1)/(c\,\pi_k t)$")
    z = c - 1
    s_thr = (z * (np.log(z) + 1) - 1) / c
    ax.axvline(s_thr, color="gray", ls=":", lw=1.2, label=r"Lemma 6: $1+c\,\pi_k t = z(\log z+1)$")
    ax.set_xlabel(r"$\pi_k\, t$")
    ax.set_ylabel(r"$\ell_k(t)$")
    ax.set_ylim(1e-9, 20)
    ax.grid(True, which="major", alpha=0.3)
    ax.set_title(rf"gradient-flow curves of all classes collapse against $\pi_k t$ ($c = {c}$)", fontsize=10)
    ax.legend(fontsize=8, loc="lower left", ncol=2)
    fig.tight_layout()
    p2 = save(fig, out_dir, "theorem3_collapse.png", profile)
    return [p1, p2]
