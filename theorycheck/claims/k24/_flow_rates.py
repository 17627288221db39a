"""Theta-rates of the K24 flow losses in every parameter (``t``, ``pi``, ``c``): lemma 6, lemma 7,
theorem 3.

Reading of ``l_k(t) = Theta(r(t, pi_k, c))``: ``l / r`` tends, as ``t -> infinity``, to a limit
``L(pi_k, c)`` that is finite, positive and bounded away from 0 and infinity uniformly in ``pi_k``
and ``c`` (the theorem's point is how the rate depends on ``pi_k``; a constant that hides a
dependence on ``pi_k`` or ``c`` would make the statement say nothing about it).

Symbolic (for all ``pi``, ``c``):

* gradient flow: along the flow, ``w = W((1/z) e^{f/z})`` is a parameter with ``w -> infinity`` as
  ``t -> infinity``; ``pi t = (z (log z + w + log w) - 1)/c`` and ``l = log(1 + 1/w)`` (lemma 5,
  proved), so ``L = lim_{w -> oo} l / r`` is a SymPy limit with ``pi`` and ``z = c - 1`` symbolic;
* sign flow: ``l = log(1 + (c - 1) e^{-2t})`` (lemma 7); ``L`` for ``c = 2`` and ``c = 2 + delta``
  (``delta > 0`` symbolic), which covers every ``c >= 2``.

Uniformity: ``pi`` must not appear in ``L``; ``L`` must have finite positive limits at ``c = 2`` and
``c -> infinity`` and be positive in between. Numeric cross-check (:mod:`theorycheck.core.rates`):
the exponent of ``l / r`` in each of ``t``, ``pi``, ``c`` fitted over asymptotic grids, with its
interval, must agree with 0 exactly when the symbolic reading says uniform.
"""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np

from theorycheck.claims.k24._flows_common import _S
from theorycheck.core import tolerances as tol
from theorycheck.core.result import Result, Verdict

#: base point and grids of the numeric sweeps (asymptotic: pi t >= 1e8, c pi t >> z log z)
GF_BASE = {"t": 1e12, "pi": 1e-2, "c": 1e3}
GF_GRIDS = {"t": np.geomspace(1e10, 1e14, 5), "pi": np.geomspace(1e-4, 1.0, 5), "c": np.geomspace(1e2, 1e6, 5)}
SF_BASE = {"t": 20.0, "pi": 1e-2, "c": 1e3}
SF_GRIDS = {"t": np.linspace(15.0, 40.0, 6), "pi": np.geomspace(1e-4, 1.0, 5), "c": np.geomspace(1e2, 1e6, 5)}


def _gf_w():
    import sympy as sp

    w = sp.Symbol("w", positive=True)
    zs = sp.Symbol("z", positive=True)
    pit = (zs * (sp.log(zs) + w + sp.log(w)) - 1) / (zs + 1)  # pi t = (f - 1)/c
    return sp, w, zs, pit, sp.log(1 + 1 / w)


def _uniform_in_c(L, zs):
    """``(uniform, detail)``: ``L(z)`` positive for ``z > 0`` with finite positive limits at ``z = 1``
    (``c = 2``) and ``z -> infinity`` (so bounded away from 0 and infinity for ``c >= 2``)."""
    import sympy as sp

    if zs not in L.free_symbols:
        return True, "independent of c"
    at2, inf = sp.limit(L, zs, 1), sp.limit(L, zs, sp.oo)
    if at2.has(sp.Limit) or inf.has(sp.Limit):
        return None, "SymPy left a limit in c unevaluated"
    ok = bool(L.is_positive) and all(v.is_finite and v.is_positive for v in (at2, inf))
    return ok, f"L -> {at2} at c = 2 and -> {inf} as c -> infinity"


@lru_cache(maxsize=64)
def _gf_limit(rate_str: str):
    import sympy as sp

    sp_, w, zs, pit, loss = _gf_w()
    _, t, pi, c, *_ = _S()
    r = sp.sympify(rate_str, locals={"t": t, "pi": pi, "c": c}).subs(c, zs + 1).subs(t, pit / pi)
    L = sp.limit(loss / r, w, sp.oo)
    return L if L.has(sp.Limit) else sp.simplify(L)


@lru_cache(maxsize=1)
def gf_truth():
    """``lim pi t l = (c-1)/c`` (the sharp constant), symbolic in ``c``."""
    import sympy as sp

    _, t, pi, c, *_ = _S()
    zs = sp.Symbol("z", positive=True)
    return sp.simplify(_gf_limit(str(1 / (pi * t))).subs(zs, c - 1))


def _sweep(loss_log, rate, base, grids, exp_in_t: bool):
    """Fitted exponent of ``l / r`` in each parameter (log-log; in ``t`` log-linear when ``exp_in_t``),
    with its interval; ``loss_log(t, pi, c)`` is ``log l`` (mpmath)."""
    import sympy as sp

    from theorycheck.core.rates import compare_exponent, fit_power_logs

    _, t, pi, c, *_ = _S()
    lr = sp.lambdify((t, pi, c), sp.log(rate), "mpmath")
    out = {}
    with mpmath.workdps(tol.MP_DPS):
        r0 = sp.lambdify((t, pi, c), rate, "mpmath")(*(mpmath.mpf(base[k]) for k in ("t", "pi", "c")))
    out["rate_positive_at_base"] = bool(mpmath.re(r0) > 0)
    for p, vals in grids.items():
        lq, lx = [], []
        for v in vals:
            args = {**base, p: float(v)}
            with mpmath.workdps(tol.MP_DPS):
                val = loss_log(args["t"], args["pi"], args["c"]) - lr(mpmath.mpf(args["t"]), mpmath.mpf(args["pi"]),
                                                                       mpmath.mpf(args["c"]))
            lq.append(float(mpmath.re(val)))
            lx.append(float(v) if (p == "t" and exp_in_t) else math.log(float(v)))
        fit = fit_power_logs(lx, lq)
        out[p] = {"exponent_of_l/r": fit.exponent, "interval": list(fit.exponent_ci),
                  "scale": "log-linear (e^t)" if (p == "t" and exp_in_t) else "log-log",
                  "constant": fit.constant, "constant_interval": list(fit.constant_ci),
                  "vs_0": compare_exponent(fit, 0.0, tol.RATE_EXPONENT_ABS), "grid": [float(v) for v in vals]}
    return out


def _gf_loss_log(t, pi, c):
    from theorycheck.models.flows import gradient_flow_loss_mp

    return mpmath.log(gradient_flow_loss_mp(t, pi, c))


def _sf_loss_log(t, pi, c):
    with mpmath.workdps(tol.MP_DPS):
        t, c = mpmath.mpf(t), mpmath.mpf(c)
        return mpmath.log(mpmath.log1p((c - 1) * mpmath.exp(-2 * t)))


def _cross(sweep: dict, uniform: bool, what: str) -> Result:
    """The numeric sweep agrees with the symbolic reading: all exponents ~ 0 iff uniform Theta."""
    fits = {p: v for p, v in sweep.items() if isinstance(v, dict)}
    states = {p: v["vs_0"] for p, v in fits.items()}
    positive = sweep["rate_positive_at_base"]
    num_uniform = positive and all(s == "agrees" for s in states.values())
    num_not = (not positive) or any(s == "differs" for s in states.values())
    ok = (uniform and num_uniform) or (not uniform and num_not)
    return Result(Verdict.HOLDS if ok else Verdict.INCONCLUSIVE,
                  f"{what}: exponents of l/r in t, pi, c: " + ", ".join(
                      f"{p} {v['exponent_of_l/r']:.3g} [{v['interval'][0]:.3g}, {v['interval'][1]:.3g}]"
                      for p, v in fits.items()) + (" (agree with the symbolic limit)" if ok else
                                                    " (disagree with the symbolic limit)"),
                  "numeric", {"sweep": sweep, "tolerance": tol.RATE_EXPONENT_ABS, "symbolic_uniform": uniform})


def gf_theta(rate, constant=None, *, what="gradient flow") -> tuple[Result, Result]:
    """``l = Theta(rate)`` (and, with ``constant``, ``l ~ constant * rate``) for gradient flow."""
    import sympy as sp

    _, t, pi, c, *_ = _S()
    zs = sp.Symbol("z", positive=True)
    rate = sp.sympify(rate)
    L = _gf_limit(str(rate))
    truth = gf_truth()
    ev = {"printed_rate": str(rate), "limit_of_l/rate": str(L), "sharp": f"pi_k t l_k(t) -> {truth} as t -> inf",
          "method": "SymPy limit in w = W(x) -> inf with pi t = (z (log z + w + log w) - 1)/c, l = log(1 + 1/w)",
          "reading": "Theta constants uniform in pi_k and c (t -> infinity)"}
    if L.has(sp.Limit):
        return Result(Verdict.INCONCLUSIVE, f"SymPy left the limit unevaluated: {L}", "symbolic", ev), None
    sweep = _sweep(_gf_loss_log, rate, GF_BASE, GF_GRIDS, exp_in_t=False)
    Lc = sp.simplify(L.subs(zs, c - 1))
    finite = bool(L.is_finite) and bool(L.is_positive)
    uni_c, c_detail = _uniform_in_c(L, zs) if finite else (False, "")
    uni_pi = pi not in L.free_symbols
    ev.update({"uniform_in_pi": uni_pi, "uniform_in_c": uni_c, "c_detail": c_detail})
    if uni_c is None:
        return Result(Verdict.INCONCLUSIVE, f"{what}: {c_detail}", "symbolic", ev), None
    uniform = finite and uni_pi and uni_c
    cross = _cross(sweep, uniform, what)
    sharp = f"{what}: l_k(t) ~ ({truth})/(pi_k t) as t -> inf, i.e. Theta(1/(pi_k t)) uniformly in pi_k and c"
    if not uniform:
        why = ("l / rate -> " + str(Lc) + (" (not finite and positive)" if not finite else
                                             " (depends on pi_k)" if not uni_pi else f" ({c_detail})"))
        return Result(Verdict.CORRECTED, f"{what}: l_k(t) is not Theta({rate}) uniformly: {why}", "symbolic",
                      {**ev, "counterexample": {"limit_of_l/rate": str(Lc)}}, correction=sharp,
                      strength="proved"), cross
    if constant is not None:
        from theorycheck.core.symcheck import prove_equal

        pr = prove_equal(sp.sympify(constant), Lc)
        ev["constant_equality"] = pr.as_evidence()
        if pr.refuted:
            return Result(Verdict.CORRECTED, f"{what}: l / ({rate}) -> {Lc}, not {constant}", "symbolic",
                          {**ev, "counterexample": {"limit": str(Lc), "claimed": str(constant)}},
                          correction=sharp, strength="proved"), cross
        if not pr.proved:
            return Result(Verdict.INCONCLUSIVE, f"could not decide whether {constant} equals {Lc}", "symbolic", ev), cross
        return Result(Verdict.HOLDS, f"{what}: l / ({rate}) -> {Lc}", "symbolic", ev, strength="proved"), cross
    if sp.simplify(Lc - 1) == 0:
        return Result(Verdict.HOLDS, f"{what}: l ~ {rate} (sharp)", "symbolic", ev, strength="proved"), cross
    return Result(Verdict.SHARPENED, f"{what}: Theta({rate}) holds uniformly, with l / ({rate}) -> {Lc}", "symbolic",
                  ev, correction=sharp, strength="proved"), cross


@lru_cache(maxsize=64)
def _sf_limits(rate_str: str):
    import sympy as sp

    _, t, pi, c, *_ = _S()
    dl = sp.Symbol("delta", positive=True)
    rate = sp.sympify(rate_str, locals={"t": t, "pi": pi, "c": c})
    l = sp.log(1 + (c - 1) * sp.exp(-2 * t))
    return {"c=2": sp.limit((l / rate).subs(c, 2), t, sp.oo), "c=2+delta": sp.limit((l / rate).subs(c, 2 + dl), t, sp.oo)}


def sf_theta(rate, *, what="sign flow") -> tuple[Result, Result]:
    """``l = Theta(rate)`` for the sign flow, ``l = log(1 + (c-1) e^{-2t})`` (lemma 7), every ``c >= 2``."""
    import sympy as sp

    _, t, pi, c, *_ = _S()
    dl = sp.Symbol("delta", positive=True)
    rate = sp.sympify(rate)
    lims = _sf_limits(str(rate))
    ev = {"printed_rate": str(rate), "truth": "l_k(t) = log(1 + (c-1) e^{-2t}) (lemma 7, a = t, b = -t)",
          "limits_of_l/rate": {k: str(v) for k, v in lims.items()},
          "reading": "Theta constants uniform in pi_k and c (t -> infinity); c = 2 and c = 2 + delta cover c >= 2"}
    if any(v.has(sp.Limit) for v in lims.values()):
        return Result(Verdict.INCONCLUSIVE, "SymPy left a limit unevaluated", "symbolic", ev), None
    sweep = _sweep(_sf_loss_log, rate, SF_BASE, SF_GRIDS, exp_in_t=True)
    L2, Ld = lims["c=2"], lims["c=2+delta"]
    finite = all(bool(v.is_finite) and bool(v.is_positive) for v in (L2, Ld))
    uni_pi = not any(pi in v.free_symbols for v in (L2, Ld))
    uni_c, c_detail = _uniform_in_c(Ld.subs(dl, sp.Symbol("z", positive=True) - 1), sp.Symbol("z", positive=True)) \
        if finite else (False, "")
    ev.update({"uniform_in_pi": uni_pi, "uniform_in_c": uni_c, "c_detail": c_detail})
    if uni_c is None:
        return Result(Verdict.INCONCLUSIVE, f"{what}: {c_detail}", "symbolic", ev), None
    uniform = finite and uni_pi and uni_c
    cross = _cross(sweep, uniform, what)
    Lc = Ld.subs(dl, c - 2)
    sharp = (f"{what}: l_k(t) = log(1 + (c-1) e^{{-2t}}) ~ (c-1) e^{{-2t}} as t -> inf, for every pi_k: "
             f"Theta((c-1) e^{{-2t}}) uniformly in pi_k and c; the printed rate {rate} gives l/rate -> {L2} at c = 2 "
             f"and {Lc} for c > 2")
    if not uniform:
        why = (f"l / rate -> {L2} at c = 2 and {Lc} for c > 2" + ("" if finite else " (not finite and positive)")
               + ("" if uni_pi else " (depends on pi_k)") + (f" ({c_detail})" if finite and not uni_c else ""))
        return Result(Verdict.CORRECTED, f"{what}: l_k(t) is not Theta({rate}) uniformly: {why}", "symbolic",
                      {**ev, "counterexample": {k: str(v) for k, v in lims.items()}}, correction=sharp,
                      strength="proved"), cross
    if sp.simplify(Ld - 1) == 0 and sp.simplify(L2 - 1) == 0:
        return Result(Verdict.HOLDS, f"{what}: l ~ {rate} (sharp)", "symbolic", ev, strength="proved"), cross
    return Result(Verdict.SHARPENED, f"{what}: Theta({rate}) holds uniformly; l / rate -> {Ld.subs(dl, c - 2)}",
                  "symbolic", ev, correction=sharp, strength="proved"), cross
