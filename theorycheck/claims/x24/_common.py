"""X24: Xie, Mohamadi, Li, "Adam Exploits ell_inf-geometry of Loss Landscape via Coordinate-wise
Adaptivity" (ICLR 2025). Shared helpers of the X24 claims: the source line, profile sizes, rank
correlation, the norms compared, and the tuned speed of GD / AdaSGD / Adam on a quadratic."""

from __future__ import annotations

import numpy as np

from theorycheck.models import quadratics as q

SRC = "X24 (seed 004, abstract; SPEC.md section X24)"


def _profile(profile: str, quick, full):
    return quick if profile == "quick" else full


def _spearman(x, y) -> tuple[float, float]:
    """Spearman rho and its one-sided p-value for rho > 0 (scipy, t approximation)."""
    from scipy.stats import spearmanr

    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0, 1.0
    r = spearmanr(x, y, alternative="greater")
    return float(r.statistic), float(r.pvalue)


# ================================================================ X24.smoothness
_NORMS = ("norm11", "inf1", "d_lmax", "lmax", "trace")


def _lr_grid(profile):
    return np.logspace(-5, 1, _profile(profile, 19, 31))


_METHODS = (("gd", {}), ("adasgd", {"beta1": 0.0}), ("adam", {"beta1": 0.0}), ("adam_b0.9", {"beta1": 0.9}))


def _speed(name, H, x0, lrs, steps):
    base = "adam" if name.startswith("adam_") else name
    kw = dict(_METHODS)[name]
    loss, lr = q.tuned_loss(base, H, x0, lrs, steps, **kw)
    return float(np.log10(max(loss, 1e-300))), lr
