"""X24: Xie, Mohamadi, Li, "Adam Exploits ell_inf-geometry of Loss Landscape via Coordinate-wise
Adaptivity" (ICLR 2025). Shared helpers of the X24 claims: the source line, profile sizes, rank
correlation, the norms compared, the tuned speed of GD / AdaSGD / Adam on a quadratic at several
horizons, and the judgement of a qualitative word on an interval over seeds at every horizon."""

from __future__ import annotations

import numpy as np

from theorycheck.core import stats
from theorycheck.core.papers import cite
from theorycheck.models import quadratics as q


def src(where: str) -> str:
    """The claim source: X24 cited by authors, title and venue, then the place."""
    return cite("X24", f"abstract and public descriptions; {where}")


SRC = cite("X24", "abstract and public descriptions")


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


def _horizons(profile) -> tuple[int, ...]:
    """Horizons at which tuned speeds are measured: the statements fix none, so every check
    sweeps them (the last one is the main horizon)."""
    return _profile(profile, (50, 100, 200), (100, 200, 500))


def _speed(name, H, x0, lrs, steps):
    """``(log10 tuned f(x_T)/f(x_0), tuned lr)`` at the horizon ``steps``."""
    base = "adam" if name.startswith("adam_") else name
    kw = dict(_METHODS)[name]
    loss, lr = q.tuned_loss(base, H, x0, lrs, steps, **kw)
    return float(np.log10(max(loss, 1e-300))), lr


def _speeds(name, H, x0, lrs, horizons) -> dict[int, float]:
    """``{T: log10 min_lr f(x_T)/f(x_0)}`` for every horizon ``T`` in ``horizons``, from one run
    per step size (the step size is tuned separately at each horizon)."""
    base = "adam" if name.startswith("adam_") else name
    kw = dict(_METHODS)[name]
    _, X = q.run_optimizer(base, H, x0, lrs, max(horizons), record=True, **kw)
    f0 = 0.5 * float(x0 @ H @ x0)
    out = {}
    with np.errstate(over="ignore", invalid="ignore"):
        for T in horizons:
            XT = X[T]
            f = 0.5 * np.einsum("ki,ij,kj->k", XT, H, XT) / f0
            f = np.where(np.isfinite(f), f, np.inf)
            out[int(T)] = float(np.log10(max(float(f.min()), 1e-300)))
    return out


def judge_word(samples_by_horizon: dict, criterion, *, kind: str = "mean", paired_with: dict | None = None) -> dict:
    """Judge the qualitative word ``criterion`` on an interval over seeds, at every horizon.

    ``samples_by_horizon``: ``{T: per-seed values}``; ``kind="mean"``: a t-interval of their mean;
    ``kind="ratio"``: the paired (geometric-mean) ratio ``samples / paired_with`` per seed.
    Returns ``{"per_horizon": {T: {interval, judgement}}, "overall": ..., "holds_at": [T...],
    "fails_at": [T...]}``. ``overall`` is ``holds`` when the word holds at the main (last) horizon and
    fails at none (horizons where more seeds are needed to decide are listed, not hidden), ``fails``
    when it fails at the main horizon and holds at none, ``undecided`` when it is undecided at every
    horizon, else ``mixed`` (the outcome depends on the horizon: the finding says where it holds).
    """
    per, verdicts = {}, []
    for T, xs in samples_by_horizon.items():
        if kind == "ratio":
            iv = stats.ratio_interval(xs, paired_with[T], paired=True)
        else:
            iv = stats.mean_interval(xs)
        j = stats.judge(iv, criterion)
        per[int(T)] = {**iv.as_evidence(), "judgement": j}
        verdicts.append(j)
    holds_at = [T for T, v in per.items() if v["judgement"] == "holds"]
    fails_at = [T for T, v in per.items() if v["judgement"] == "fails"]
    if verdicts[-1] == "holds" and not fails_at:
        overall = "holds"
    elif verdicts[-1] == "fails" and not holds_at:
        overall = "fails"
    elif set(verdicts) == {"undecided"}:
        overall = "undecided"
    else:
        overall = "mixed"
    return {"per_horizon": per, "overall": overall, "holds_at": holds_at, "fails_at": fails_at,
            "criterion": {"word": criterion.word, "threshold": criterion.threshold, "direction": criterion.direction,
                          "reason": criterion.reason}}


def where(j: dict) -> str:
    """``" (undecided at T = ...)"``: the horizons at which a judgement was not decided, or ``""``."""
    und = [T for T, v in j["per_horizon"].items() if v["judgement"] == "undecided"]
    return f" (undecided at T = {', '.join(map(str, und))}: more seeds needed there)" if und else ""


def fmt_interval(ev: dict, digits: int = 3) -> str:
    """``estimate [lo, hi]`` of an interval's evidence."""
    lo, hi = ev["interval"]
    return f"{ev['estimate']:.{digits}g} [{lo:.{digits}g}, {hi:.{digits}g}]"
