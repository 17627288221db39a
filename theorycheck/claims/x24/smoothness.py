"""X24.smoothness and X24.rates, on quadratics ``f(x) = (1/2) x^T H x``
(:mod:`theorycheck.models.quadratics`):

* ``X24.smoothness``: ``||H||_{1,1} >= ||H||_{inf->1}`` and ``d lambda_max >= ||H||_{inf->1}``
  for PSD ``H``, by exhaustive search over the ``2^d`` sign vectors on small ``d``.
* ``X24.rates``: whose constant "governs" whose speed: tuned final loss of GD, AdaSGD and
  Adam against ``||H||_{1,1}`` and ``d lambda_max`` over a family of problems (rank
  correlations per seed, an interval over seeds, at several horizons).
"""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.claims.x24._common import (
    _METHODS,
    _NORMS,
    _horizons,
    _lr_grid,
    _profile,
    _spearman,
    _speeds,
    fmt_interval,
    judge_word,
    src,
    where,
)
from theorycheck.core import tolerances as tol
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.rng import claim_rng
from theorycheck.models import quadratics as q


def printed_smoothness():
    """``(lhs, relation, rhs)`` triples, as printed (for PSD ``H``). Each side is an expression in the
    quantities ``norm11`` (``||H||_{1,1}``), ``inf1`` (``||H||_{inf->1}``), ``lmax``, ``d_lmax``
    (``d lambda_max``), ``trace`` and the dimension ``d``."""
    return {"inequalities": [("norm11", ">=", "inf1"), ("d_lmax", ">=", "inf1")]}


def _side(expr: str):
    """A side of an inequality as a SymPy expression in the quantities of :data:`_NORMS` and ``d``."""
    import sympy as sp

    names = {k: sp.Symbol(k, positive=True) for k in (*_NORMS, "d")}
    try:
        e = sp.sympify(expr, locals=names)
    except (sp.SympifyError, SyntaxError, TypeError) as err:
        raise ValueError(f"printed: cannot read {expr!r} as an expression in {sorted(names)}") from err
    bad = {str(s) for s in e.free_symbols} - set(names)
    if bad:
        raise ValueError(f"printed: unknown quantities {sorted(bad)} in {expr!r}; known {sorted(names)}")
    return e


def _value(expr: str, n: dict) -> float:
    import sympy as sp

    e = _side(expr)
    return float(e.subs({sp.Symbol(k, positive=True): v for k, v in n.items()}))


def variants_smoothness(printed):
    """Wrong forms of the printed pair (each part changed on its own) and a true, stronger form."""
    import sympy as sp

    ineq = [tuple(t) for t in printed["inequalities"]]
    (l0, op0, r0), (l1, op1, r1) = ineq[0], ineq[1]
    flip = {">=": "<=", "<=": ">="}
    d = sp.Symbol("d", positive=True)

    def no_d(e):  # the printed bound without its factor d
        return str(_side(e).subs(sp.Symbol("d_lmax", positive=True), sp.Symbol("lmax", positive=True)))

    def sqrt_d(e):  # d -> sqrt(d)
        x = _side(e).subs(sp.Symbol("d_lmax", positive=True), d * sp.Symbol("lmax", positive=True))
        return str(x.subs(d, sp.sqrt(d)))

    return [
        Variant("||H||_11 <= ||H||_inf->1 (first inequality reversed)", "sign", {"inequalities": [(l0, flip[op0], r0), ineq[1]]}),
        Variant("lambda_max >= ||H||_inf->1 (no factor d)", "dependence", {"inequalities": [ineq[0], (no_d(l1), op1, r1)]},
                param="d"),
        Variant("sqrt(d) lambda_max >= ||H||_inf->1", "exponent", {"inequalities": [ineq[0], (sqrt_d(l1), op1, r1)]}),
        Variant("||H||_11 / 2 >= ||H||_inf->1", "constant", {"inequalities": [(f"({l0})/2", op0, r0), ineq[1]]}),
        Variant("with the lower bounds lambda_max, tr H <= ||H||_inf->1 added", "stronger",
                {"inequalities": ineq + [("inf1", ">=", "lmax"), ("inf1", ">=", "trace")]}),
    ]


def _norms_of(H) -> dict:
    d = H.shape[0]
    lm = q.lambda_max(H)
    return {"norm11": q.norm_11(H), "inf1": q.norm_inf_to_1(H), "d_lmax": d * lm, "lmax": lm, "trace": float(np.trace(H)),
            "d": float(d)}


def _psd_family(d_values, per_d):
    """Test matrices: Wishart of every rank, diagonal, all-ones, rotated power spectra,
    and matrices with negative off-diagonal entries (a random stream per ``d``)."""
    out = []
    for d in d_values:
        rng = claim_rng("X24.smoothness", "family", d, per_d)
        out.append(("all_ones", np.ones((d, d))))
        out.append(("diagonal", np.diag(rng.uniform(0.1, 3.0, d))))
        for _ in range(per_d):
            r = int(rng.integers(1, d + 1))
            G = rng.standard_normal((d, r))
            out.append((f"wishart_rank{r}", G @ G.T))
            Qm = q.haar_rotation(d, rng)
            out.append(("rotated_power", (Qm * q.power_spectrum(d, 1.5)[None, :]) @ Qm.T))
            s = rng.choice([-1.0, 1.0], d)
            out.append(("signed_rank1", np.outer(s, s) * rng.uniform(0.5, 2)))
    return [(n, (H + H.T) / 2) for n, H in out]


@functools.lru_cache(maxsize=None)
def _smoothness_rows(profile: str):
    d_values = _profile(profile, (2, 3, 4, 6, 8, 10), (2, 3, 4, 6, 8, 10, 12, 14, 16))
    mats = _psd_family(d_values, _profile(profile, 4, 12))
    return d_values, [(name, H, _norms_of(H)) for name, H in mats]


def _bound_text(e: str) -> str:
    names = {"norm11": "||H||_{1,1}", "inf1": "||H||_{inf->1}", "d_lmax": "d lambda_max(H)", "lmax": "lambda_max(H)",
             "trace": "tr H"}
    return names.get(e, e)


@claim(
    "X24.smoothness",
    provenance="seed-abstract", source=src("ell_inf smoothness of quadratics"),
    statement=("The loss is smooth w.r.t. ell_inf with a constant governed by the (1,1)-norm of the Hessian "
               "||H||_{1,1} = sum_ij |H_ij| (an upper bound on ||H||_{inf->1} = max_{||v||_inf <= 1} v^T H v for PSD H); "
               "SGD and AdaSGD are governed by d * lambda_max(H) [>= ||H||_{inf->1} for PSD H]."),
    printed=printed_smoothness, parameters=("d",), variants=variants_smoothness,
)
def check_smoothness(printed, profile):
    d_values, rows = _smoothness_rows(profile)
    rel_tol = tol.FLOAT64_REL
    parts = {}
    for lhs, op, rhs in printed["inequalities"]:
        if op not in (">=", "<="):
            raise ValueError(f"printed: unknown relation {op!r} in {(lhs, op, rhs)}; relations >= <=")
        _side(lhs), _side(rhs)
        worst, bad = np.inf, None
        for name, H, n in rows:
            va, vb = _value(lhs, n), _value(rhs, n)
            a, b = (va, vb) if op == ">=" else (vb, va)
            margin = (a - b) / max(abs(a), abs(b), 1e-300)
            if margin < worst:
                worst, bad = margin, (name, H, n)
        key = f"{lhs} {op} {rhs}"
        ev = {"matrices": len(rows), "dims": list(d_values), "min_relative_margin": worst, "tolerance_rel": rel_tol,
              "method": "||H||_inf->1 exact by brute force over the 2^d sign vectors (float64)"}
        if worst >= -rel_tol:
            parts[key] = Result(Verdict.HOLDS, f"{key} on all {len(rows)} PSD matrices (exhaustive over 2^d signs)",
                                "numeric", ev)
        else:
            name, H, n = bad
            ev["counterexample"] = {"kind": name, "H": np.round(H, 6), "norms": n}
            parts[key] = Result(Verdict.FAILS, f"{key} is violated (relative margin {worst:.3g}) by a {name} matrix "
                                f"of dimension {H.shape[0]}", "numeric", ev)
    res = combine(parts)
    if res.verdict is not Verdict.HOLDS:
        return res
    # sharpen: the printed upper bounds on ||H||_inf->1, their attainment and whether one dominates the other
    uppers = [a if op == ">=" else b for a, op, b in printed["inequalities"]
              if (b if op == ">=" else a) == "inf1" and (a if op == ">=" else b) != "inf1"]
    ev = dict(res.evidence)
    ev["proofs"] = ("|v^T H v| <= sum_ij |H_ij||v_i||v_j| <= ||H||_{1,1} for ||v||_inf <= 1; "
                    "v^T H v <= lambda_max ||v||_2^2 <= d lambda_max (textbook; the check itself samples matrices)")
    if len(uppers) < 2:
        return Result(Verdict.HOLDS, res.finding, "numeric", ev)
    gaps = {}
    for u in uppers:
        per = [(name, _value(u, n) / n["inf1"] - 1) for name, _, n in rows]
        best = min(per, key=lambda t: t[1])
        gaps[u] = {"min_rel_gap": best[1], "attained_by": sorted({nm for nm, g in per if g <= rel_tol})}
    ratio = [_value(uppers[0], n) / _value(uppers[1], n) for _, _, n in rows]
    ev["tightness"] = {"bounds": gaps, f"range_of_({uppers[0]})/({uppers[1]})": [min(ratio), max(ratio)]}
    attained = all(g["min_rel_gap"] <= rel_tol for g in gaps.values())
    incomparable = min(ratio) < 1 < max(ratio)
    if attained and incomparable:
        names = [_bound_text(u) for u in uppers]
        how = "; ".join(f"{_bound_text(u)} is attained by {', '.join(g['attained_by'])} matrices" for u, g in gaps.items())
        return Result(
            Verdict.SHARPENED,
            f"both bounds hold; each is attained and neither dominates the other (ratio {min(ratio):.3g}..{max(ratio):.3g})",
            "numeric", ev,
            correction=(f"For PSD H, ||H||_{{inf->1}} <= min({', '.join(names)}); {how}; "
                        f"{names[0]}/({names[1]}) ranged over [{min(ratio):.3g}, {max(ratio):.3g}] on the "
                        f"{len(rows)} test matrices, so neither constant bounds the other."),
        )
    return Result(Verdict.HOLDS, res.finding, "numeric", ev)


# ================================================================ X24.rates
_CONSTANTS = ("norm11", "d_lmax")


def printed_rates():
    """Which constant governs each method's speed, as printed."""
    return {"adam": "norm11", "gd": "d_lmax", "adasgd": "d_lmax"}


def variants_rates(printed):
    """Each method's constant swapped on its own (the pair with one part wrong), and all swapped."""
    other = {"norm11": "d_lmax", "d_lmax": "norm11"}
    out = []
    for meth in printed:
        out.append(Variant(f"{meth} governed by {other[printed[meth]]}", "part", {**printed, meth: other[printed[meth]]}))
    out.append(Variant("every constant swapped", "other", {k: other[v] for k, v in printed.items()}))
    return out


@functools.lru_cache(maxsize=None)
def rate_family(profile: str):
    """Tuned speed (log10 of the best ``f(x_T)/f(x_0)`` over a step-size grid, at every horizon of
    :func:`_horizons`) on quadratics ``R(s) diag(top, 2^-1, ..., d^-1) R(s)^T`` over a grid of ``top``
    (moves ``d lambda_max``) and rotation strengths ``s`` (moves ``||H||_{1,1}``), ``x_0`` rotated with
    the problem; one independent seed (rotation generator and ``x_0``) per ``rep``. Rows carry the
    main-horizon speed under each method's name and every horizon under ``"speeds"``."""
    d = _profile(profile, 32, 64)
    horizons = _horizons(profile)
    tops = _profile(profile, [1, 4, 16, 64], [1, 2, 4, 8, 16, 32, 64, 128])
    s_grid = _profile(profile, [0.0, 0.3, 1.0], [0.0, 0.15, 0.3, 0.6, 1.0, 1.5])
    reps = _profile(profile, 5, 8)
    lrs = _lr_grid(profile)
    rows = []
    for rep in range(reps):
        rng = claim_rng("X24.rates", "problem", d, rep)
        A = q.random_skew(d, rng)
        x0d = rng.standard_normal(d)
        for top in tops:
            eigs = q.power_spectrum(d, 1.0)
            eigs[0] = top
            for s in s_grid:
                R = q.rotation(A, s)
                H = (R * eigs[None, :]) @ R.T
                H = (H + H.T) / 2
                x0 = R @ x0d
                row = {"rep": rep, "top": top, "s": s, "norm11": q.norm_11(H), "d_lmax": d * q.lambda_max(H), "speeds": {}}
                for name, _ in _METHODS:
                    sp_ = _speeds(name, H, x0, lrs, horizons)
                    row["speeds"][name] = sp_
                    row[name] = sp_[horizons[-1]]
                rows.append(row)
    return {"d": d, "steps": horizons[-1], "horizons": list(horizons), "seeds": reps,
            "lr_grid": [float(lrs[0]), float(lrs[-1]), len(lrs)], "rows": rows}


def _per_seed_rho(rows, meth, const, T):
    """Spearman rho of ``const`` with ``meth``'s tuned log-loss at horizon ``T``, one value per seed."""
    out = []
    for rep in sorted({r["rep"] for r in rows}):
        rr = [r for r in rows if r["rep"] == rep]
        out.append(_spearman([r[const] for r in rr], [r["speeds"][meth][T] for r in rr])[0])
    return np.array(out)


@claim(
    "X24.rates",
    provenance="seed-abstract", source=src("convergence rates"),
    statement=("Adam (with beta_1 = 0) converges at a rate governed by ||H||_{1,1}, while SGD and AdaSGD (one "
               "scalar adaptive step) are governed by d * lambda_max(H)."),
    printed=printed_rates, variants=variants_rates,
)
def check_rates(printed, profile):
    fam = rate_family(profile)
    rows = fam["rows"]
    crit = tol.X24_GOVERNS
    parts = {}
    for meth, claimed in printed.items():
        if meth not in dict(_METHODS) or claimed not in _CONSTANTS:
            raise ValueError(f"printed: unknown method/constant {meth!r}: {claimed!r}; constants {_CONSTANTS}")
        other = next(k for k in _CONSTANTS if k != claimed)
        delta = {T: _per_seed_rho(rows, meth, claimed, T) - _per_seed_rho(rows, meth, other, T) for T in fam["horizons"]}
        j = judge_word(delta, crit)
        main = j["per_horizon"][fam["horizons"][-1]]
        rho_c = {T: float(np.mean(_per_seed_rho(rows, meth, claimed, T))) for T in fam["horizons"]}
        ev = {"rho_claimed_minus_rho_other": j, "mean_rho_claimed": rho_c, "claimed": claimed, "other": other,
              "criterion": (f"'governed by {claimed}': per seed, Spearman rho(tuned log-loss, {claimed}) - rho(.., {other}) "
                            f"over the seed's problems; the {main['level']:.0%} interval of its mean over {main['n']} seeds "
                            f"must lie above {crit.threshold} ({crit.reason}), at every horizon {fam['horizons']}")}
        iv = ", ".join(f"T={T}: {fmt_interval(v, 2)}" for T, v in j["per_horizon"].items())
        if j["overall"] == "holds":
            parts[meth] = Result(Verdict.HOLDS, f"{meth}: speed tracks {claimed} more than {other} (rho difference {iv})"
                                 + where(j), "simulation", ev)
        elif j["overall"] == "fails":
            ev["counterexample"] = {"claimed": claimed, "tracks_better": other, "rho_difference": j["per_horizon"]}
            parts[meth] = Result(Verdict.FAILS, f"{meth}: speed tracks {other}, not {claimed} (rho difference {iv})",
                                 "simulation", ev)
        else:
            parts[meth] = Result(Verdict.INCONCLUSIVE, f"{meth}: undecided over seeds/horizons (rho difference {iv}; "
                                 f"holds at T in {j['holds_at']})", "simulation", ev)
    res = combine(parts, holds=(f"Adam's tuned speed tracks ||H||_{{1,1}}, GD's and AdaSGD's track d*lambda_max: rank "
                                f"correlations over rotated / rescaled quadratics, interval over {fam['seeds']} seeds at "
                                f"horizons {fam['horizons']}"))
    res.evidence["family"] = {k: v for k, v in fam.items() if k != "rows"}
    res.evidence["family"]["n_problems"] = len(rows)
    res.evidence["adam_beta1_0.9_rho_minus"] = {
        T: fmt_interval(judge_word({T: _per_seed_rho(rows, "adam_b0.9", "norm11", T) - _per_seed_rho(rows, "adam_b0.9", "d_lmax", T)},
                                   crit)["per_horizon"][T], 2) for T in fam["horizons"]}
    res.evidence["note"] = ("d is fixed in the family (the factor d of d*lambda_max is not tested here; see X24.smoothness); "
                            "lambda_min is fixed, so d*lambda_max moves with the condition number; on diagonal H Adam is "
                            "nearly invariant to the top eigenvalue (coordinate-wise scaling), so ||H||_{1,1} acts through "
                            "its off-diagonal mass")
    return res
