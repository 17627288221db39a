"""Figures for K24 Theorem 3 (``theorycheck plot theorem3``).

* ``theorem3_loss_curves.png``: per-class loss vs time (log-log) under gradient flow and
  sign flow, Zipf frequencies ``pi_k ∝ 1/k`` with ``c = 1000``, with the asymptotes
  ``(c-1)/(c pi_k t)`` (gradient flow) and ``(c-1) e^{-2t}`` (sign flow) dashed, and the
  half-loss times marked.
* ``theorem3_collapse.png``: the gradient-flow curves of all classes plotted against
  ``pi_k t`` fall on one curve (the loss depends on ``c pi_k t`` only), with the asymptote
  ``(c-1)/(c pi t)`` and the threshold of K24 lemma 6.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from theorycheck.app.plots import agg_pyplot, plotter, save


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
    colors = {k: cmap(i / (len(classes) - 1)) for i, k in enumerate(classes)}
    t = np.geomspace(1e-2, 1e9, 600)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    ax = axes[0]
    for k in classes:
        p = pi[k - 1]
        ax.loglog(t, gradient_flow_loss(t, p, c), color=colors[k], lw=1.6, label=f"k={k}, pi={p:.1e}")
        ax.loglog(t, gf_asymptote(t, p, c), color=colors[k], lw=0.8, ls="--")
        th = float(gf_half_loss_time(p, c))
        ax.plot([th], [0.5 * np.log(c)], "o", color=colors[k], ms=4)
    ax.set_title("gradient flow: l_k(t) ~ (c-1)/(c pi_k t) (dashed)")
    ax.set_xlabel("t")
    ax.set_ylabel("per-class loss l_k(t)")
    ax.set_ylim(1e-8, 20)
    ax.legend(fontsize=7, loc="lower left")
    ax = axes[1]
    ts = np.geomspace(1e-2, 20, 400)
    ax.loglog(ts, sign_flow_loss(ts, c), color="k", lw=1.8, label="every class (no pi dependence)")
    ax.loglog(ts, sf_asymptote(ts, c), color="tab:red", lw=1, ls="--", label="(c-1) e^{-2t}")
    ax.loglog(ts, np.log1p((c - 1) * np.exp(-c * ts)), color="tab:gray", lw=1, ls=":",
              label="printed log(1+(c-1)e^{-ct})")
    ax.plot([float(sf_half_loss_time(c))], [0.5 * np.log(c)], "o", color="k", ms=4)
    ax.set_title("sign flow: l_k(t) = log(1 + (c-1) e^{-2t})")
    ax.set_xlabel("t")
    ax.legend(fontsize=7, loc="lower left")
    fig.suptitle(f"K24 Theorem 3, c = {c}, Zipf pi (dots: half of the initial loss log c)", fontsize=10)
    fig.tight_layout()
    p1 = Path(out_dir) / "theorem3_loss_curves.png"
    fig.savefig(p1, dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4.2))
    for k in classes:
        p = pi[k - 1]
        tt = np.geomspace(1e-4 / p, 1e8 / p, 300)
        ax.loglog(p * tt, gradient_flow_loss(tt, p, c), color=colors[k], lw=3.5 - 0.4 * classes.index(k),
                  alpha=0.8, label=f"k={k}")
    s = np.geomspace(1e-1, 1e8, 200)
    ax.loglog(s, (c - 1) / (c * s), "r--", lw=1, label="(c-1)/(c pi t)")
    z = c - 1
    s_thr = (z * (np.log(z) + 1) - 1) / c
    ax.axvline(s_thr, color="gray", ls=":", lw=1, label="lemma 6 threshold f = z(log z + 1)")
    ax.set_xlabel("pi_k t")
    ax.set_ylabel("l_k(t)")
    ax.set_ylim(1e-9, 20)
    ax.set_title(f"gradient flow curves collapse against pi_k t (c = {c})", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    p2 = Path(out_dir) / "theorem3_collapse.png"
    fig.savefig(p2, dpi=100)
    plt.close(fig)
    return [p1, p2]
