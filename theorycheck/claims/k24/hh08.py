"""The Hoorfar-Hassani (2008) bound on the Lambert W function, used in the proof of K24
lemma 6: ``W(x) = log x - log log x + delta(x)`` with ``1/2 <= delta log x / log log x <= e/(e-1)``
for ``x > e``."""

from __future__ import annotations

import math

import mpmath
import numpy as np

from theorycheck.claims.k24._flows_common import printed_hh08
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import claim
from theorycheck.core.result import Result, Verdict

# ---------------------------------------------------------------------------------------
# HH08.lambertw
# ---------------------------------------------------------------------------------------


def _hh08_sup():
    """The maximum of D(x) over x > e (mpmath): golden-section search in y = log x."""
    from theorycheck.models.lambertw import hh08_normalized_mp

    with mpmath.workdps(30):
        g = lambda y: -hh08_normalized_mp(y, 30)  # noqa: E731
        lo, hi = mpmath.mpf(5), mpmath.mpf(100)
        phi = (mpmath.sqrt(5) - 1) / 2
        x1, x2 = hi - phi * (hi - lo), lo + phi * (hi - lo)
        f1, f2 = g(x1), g(x2)
        for _ in range(60):
            if f1 < f2:
                hi, x2, f2 = x2, x1, f1
                x1 = hi - phi * (hi - lo)
                f1 = g(x1)
            else:
                lo, x1, f1 = x1, x2, f2
                x2 = lo + phi * (hi - lo)
                f2 = g(x2)
        y = (lo + hi) / 2
        return y, -g(y)


def _hh08(lower, upper, x_min, profile: str) -> Result:
    import sympy as sp

    from theorycheck.models.lambertw import hh08_normalized, hh08_normalized_mp

    lo, up = float(lower), float(upper)
    # float64: x from e^(1+gap) up to 1e300
    n = 20_000 if profile == "quick" else 200_000
    y = 1.0 + np.geomspace(tol.HH08_FLOAT_Y_GAP, math.log(1e300) - 1.0, n)
    D = hh08_normalized(y)
    fmin, fmax = float(D.min()), float(D.max())
    # mpmath: from x = e^(1 + 1e-30) to x = exp(1e100)
    ys = ["1." + "0" * 29 + "1", "1.0000000001", "1.000001", "1.001", "1.1", "2", "5", "10", "23", "50", "1e3",
          "1e6", "1e10", "1e20", "1e50", "1e100"]
    if profile == "full":
        ys += ["3"] + [f"{m}e{k}" for k in range(1, 100, 3) for m in (1, 3)]
    Dm = {s: hh08_normalized_mp(s) for s in ys}
    mmin = min(Dm.values())
    mmax = max(Dm.values())
    ystar, M = _hh08_sup()
    ev = {"printed": {"lower": str(lower), "upper": str(upper), "x_min": str(x_min)},
          "float64": {"x_range": "(e^(1+%g), 1e300]" % tol.HH08_FLOAT_Y_GAP, "points": n, "min_D": fmin, "max_D": fmax,
                      "slack": tol.HH08_FLOAT_SLACK},
          "mpmath": {"x_range": "(e^(1+1e-30), exp(1e100)]", "dps": tol.MP_DPS,
                     "D": {f"log x = {k}": mpmath.nstr(v, 15) for k, v in Dm.items()}},
          "observed_range": [min(fmin, float(mmin)), max(fmax, float(mmax), float(M))],
          "sup": {"D_max": mpmath.nstr(M, 15), "at_log_x": mpmath.nstr(ystar, 10)},
          "limits": "D -> 1/2 as x -> e+ (0/0: delta ~ (log x - 1)/2), D -> 1 as x -> inf"}
    # domain: at x = e the normalised form is 0/0; for 1 < x < e it flips (D < 1/2 there)
    ev["below_e"] = {f"log x = {v}": float(hh08_normalized_mp(v)) for v in (0.1, 0.5, 0.9, 0.99)}
    xm = float(x_min)
    if bool(sp.sympify(x_min) < sp.E):
        yl = math.log(xm) if xm > 1 else 0.0
        probe = [yl + (1 - yl) * q for q in (0.1, 0.5, 0.9)]
        vals = {f"{v:.4g}": float(hh08_normalized_mp(v)) for v in probe if v > 0}
        bad = {k: d for k, d in vals.items() if d < lo or d > up}
        ev["below_printed_domain"] = vals
        if bad:
            k = next(iter(bad))
            return Result(Verdict.FAILS, f"for x in ({xm:.4g}, e) the normalised bound fails (D = {bad[k]:.4g} at log x = {k})",
                          "numeric", {**ev, "counterexample": {"log_x": k, "D": bad[k], "bounds": [lo, up]}})
    if fmin < lo * (1 - tol.HH08_FLOAT_SLACK) or float(mmin) < lo:
        yy = min(Dm, key=lambda k: Dm[k])
        return Result(Verdict.FAILS, f"lower bound {lo:.6g} violated: D = {float(Dm[yy]):.6g}", "numeric",
                      {**ev, "counterexample": {"log_x": yy, "D": str(Dm[yy])}})
    if float(M) > up or fmax > up * (1 + tol.HH08_FLOAT_SLACK):
        return Result(Verdict.FAILS, f"upper bound {up:.6g} violated: D = {mpmath.nstr(M, 8)} at log x = "
                                     f"{mpmath.nstr(ystar, 8)}", "numeric",
                      {**ev, "counterexample": {"log_x": mpmath.nstr(ystar, 15), "D": mpmath.nstr(M, 15)}})
    if float(M) < up * (1 - tol.HH08_SHARP_REL):
        return Result(Verdict.SHARPENED,
                      f"bounds hold; the normalised delta ranges over (1/2, {mpmath.nstr(M, 7)}], well inside "
                      f"[1/2, {up:.4f}]", "numeric", ev,
                      correction=(f"for x > e: 1/2 < delta(x) log(x)/log(log(x)) <= {mpmath.nstr(M, 10)} (maximum at "
                                  f"log x = {mpmath.nstr(ystar, 8)}; checked in float64 up to x = 1e300 and with mpmath "
                                  f"up to x = exp(1e100)); the infimum 1/2 is the limit at x -> e+ and the limit at "
                                  f"infinity is 1, so the constant e/(e-1) can be lowered to {mpmath.nstr(M, 6)}"))
    return Result(Verdict.HOLDS, "bounds hold over the whole range checked", "numeric", ev)


@claim(
    "HH08.lambertw",
    provenance="seed-fulltext", source="Hoorfar & Hassani (2008), Thm 2.7, as used in K24 appendix I (Lemma 6)",
    statement="For x > e: W(x) = log x - log log x + delta(x) with 1/2 <= delta(x) log(x)/log(log(x)) <= e/(e-1).",
    printed=printed_hh08,
)
def check_hh08(p, profile):
    return _hh08(p["lower"], p["upper"], p["x_min"], profile)


