"""Hard instances behind T26's lower bounds, and the best ``E||grad f||_1`` achievable on them.

T26 (Tao, Yu, Zhang 2026), as transcribed (seed-abstract):

* theorem 2 (SignSGD, any step ``eta`` and batch ``B``, ``N = B T`` samples): some instance gives
  ``E[(1/T) sum_{t<T} ||grad f(x_t)||_1] = Omega(sqrt(L_inf Delta/N) + (||sigma||_1^2 L_inf Delta/N)^{1/4})``;
* theorem 3 (SGD, ``B = 1``): ``Omega(sqrt(d L_inf Delta/T) + (d ||sigma||_2^2 L_inf Delta/T)^{1/4})``.

A lower bound is a max-min: the instance is chosen first (knowing ``N``, ``T``, ``d``), then the
algorithm's step size (and batch). This module measures

    LB = max_{instance in a family}  min_{(eta, B) on a grid}  value(instance, eta, B),
    value = E[(1/T) sum_{t<T} ||grad f(x_t)||_1],

on separable instances (every coordinate is an independent 1-D chain; both methods act
coordinate-wise), so values are exact for SGD and Monte Carlo with exact sign probabilities for
SignSGD. A min over a grid is >= the min over all step sizes: the measured ``LB`` is a lower
bound for grid-tuned methods on the family, not a proof for every step size.

Families (``L_inf = sum_i L_i`` by T26.lemma1; ``Delta = f(x_0) - inf f``):

* SGD, "stiff + flat": ``f = (1/2)(L_s x_1^2 + lam sum_{i>=2} x_i^2)``, ``L_s = L_inf/2``,
  ``lam <= L_inf/(2(d-1))``; each group holds ``Delta/2`` at the start (the stiff one forbids
  ``eta >= 2/L_s``, even without noise); Gaussian
  noise ``s`` on coordinate 1 (sparse) or ``s/sqrt(d)`` on every coordinate (dense). A small
  step leaves the flat coordinates unfinished (``||grad||_1 ~ sqrt((d-1) Delta lam)`` while
  ``eta lam T < 1``), a large one keeps the noisy stiff coordinate at ``~ sqrt(eta L_s) s``; the
  adversary's ``lam ~ sqrt(L s^2/(d Delta T))`` balances them at ``(d Delta L s^2/T)^{1/4}``
  (``sqrt(d L Delta/T)`` without noise).
* SignSGD, "skewed noise": ``f = (L/2) x^2``, ``x_0 = sqrt(2 Delta/L)``, gradient ``L x + xi`` with
  two-point noise ``P(xi = a) = q``, ``P(xi = -b) = 1 - q``, ``a = s sqrt((1-q)/q)``,
  ``b = s sqrt(q/(1-q))`` (mean 0, variance ``s^2``). A batch of ``B << 1/q`` usually holds no
  ``a`` draw: the sign sees ``L x - b`` and the iterate stalls where ``|grad| ~ b ~ s sqrt(q)``;
  a larger ``B`` leaves ``T = N/B`` steps. The adversary's ``q ~ sqrt(L Delta/N)/s`` gives
  ``(s^2 L Delta/N)^{1/4}``.

Scaling: with ``x -> alpha x``, ``f -> beta f`` both methods (SGD with ``eta`` rescaled by
``alpha^2/beta``) map instance to instance, so ``LB(L, Delta, s) = sqrt(L Delta) LB(1, 1, s/sqrt(L Delta))``:
the exponents in ``L`` and ``Delta`` follow from the one in ``s`` (:func:`scaling_exponents`).
"""

from __future__ import annotations

import math

import numpy as np

from theorycheck.core.validation import check_choice, check_positive
from theorycheck.models.separable import sgd_expected_abs_curve


def _int_at_least(x, name: str, lo: int) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < lo:
        raise ValueError(f"{name}: must be an integer >= {lo}, got {x!r}")
    return int(x)


def two_point_noise(s: float, q: float) -> tuple[float, float]:
    """``(a, b)`` of the noise ``P(xi = a) = q``, ``P(xi = -b) = 1 - q`` with mean 0 and variance
    ``s^2``: ``a = s sqrt((1-q)/q)``, ``b = s sqrt(q/(1-q))`` (``0 < q < 1``, ``s >= 0``)."""
    if not (isinstance(q, (int, float, np.floating)) and 0 < q < 1):
        raise ValueError(f"q: the probability of the large draw must lie in (0, 1), got {q!r}")
    if not (math.isfinite(s) and s >= 0):
        raise ValueError(f"s: the noise standard deviation must be finite and >= 0, got {s!r}")
    return s * math.sqrt((1 - q) / q), s * math.sqrt(q / (1 - q))


# ----------------------------------------------------------------------------------------------
# SGD on the stiff + flat separable quadratic (exact)
# ----------------------------------------------------------------------------------------------

def sgd_instance(d: int, lam: float, L: float = 1.0, Delta: float = 1.0, s: float = 0.0,
                 noise: str = "sparse") -> list[tuple[int, float, float, float]]:
    """Groups ``(count, curvature, x_0, noise std)`` of the stiff + flat instance (module docstring).

    ``d >= 2``; ``0 < lam <= L/(2(d-1))`` (so ``sum_i L_i <= L``); ``noise`` in ``{"sparse", "dense"}``
    with ``||sigma||_2 = s`` either way."""
    d = _int_at_least(d, "d", 2)
    L, Delta, lam = check_positive(L, "L"), check_positive(Delta, "Delta"), check_positive(lam, "lam")
    if lam > L / (2 * (d - 1)) * (1 + 1e-12):
        raise ValueError(f"lam: must be <= L/(2(d-1)) = {L / (2 * (d - 1))!r} so that sum_i L_i <= L, got {lam!r}")
    check_choice(noise, "noise", ("sparse", "dense"))
    if not (math.isfinite(s) and s >= 0):
        raise ValueError(f"s: must be finite and >= 0, got {s!r}")
    xs = math.sqrt(2 * (Delta / 2) / (L / 2))
    xf = math.sqrt(2 * (Delta / 2) / ((d - 1) * lam))
    s1, sf = (s, 0.0) if noise == "sparse" else (s / math.sqrt(d), s / math.sqrt(d))
    return [(1, L / 2, xs, s1), (d - 1, lam, xf, sf)]


def sgd_value(groups, eta: float, T: int) -> float:
    """Exact ``E[(1/T) sum_{t<T} ||grad f(x_t)||_1]`` of SGD (``B = 1``) with step ``eta`` on the
    separable quadratic ``groups = [(count, L_i, x_i(0), sigma_i), ...]``:
    ``sum_g count_g L_g (1/T) sum_{t<T} E|x_{g,t}|`` with the folded-normal ``E|x_t|`` of
    :func:`theorycheck.models.separable.sgd_expected_abs_curve`. ``inf`` when a coordinate diverges
    (``|1 - eta L_i| >= 1`` with ``x_i(0) != 0`` or noise)."""
    T = _int_at_least(T, "T", 1)
    eta = check_positive(eta, "eta")
    tot = 0.0
    for cnt, Lg, x0, sg in groups:
        tot += cnt * Lg * _mean_abs(float(x0), float(Lg), float(sg), eta, T)
    return tot if math.isfinite(tot) else math.inf


_MEAN_ABS_CACHE: dict = {}


def _mean_abs(x0: float, Lg: float, sg: float, eta: float, T: int) -> float:
    """``(1/T) sum_{t<T} E|x_t|`` of one SGD coordinate (cached: the stiff coordinate is shared by
    every flat curvature). Noise-free: ``|x0| (1 - |r|^T) / (T (1 - |r|))``, ``r = 1 - eta L``."""
    key = (x0, Lg, sg, eta, T)
    if key in _MEAN_ABS_CACHE:
        return _MEAN_ABS_CACHE[key]
    r = abs(1 - eta * Lg)
    if x0 == 0 and sg == 0:
        v = 0.0
    elif r >= 1:
        v = math.inf
    elif sg == 0:
        v = abs(x0) if r == 1 else abs(x0) * (-math.expm1(T * math.log(r)) if r > 0 else 1.0) / (T * (1 - r))
    else:
        v = float(np.mean(sgd_expected_abs_curve(x0, Lg, sg, eta, T - 1)))
    if len(_MEAN_ABS_CACHE) > 200_000:
        _MEAN_ABS_CACHE.clear()
    _MEAN_ABS_CACHE[key] = v
    return v


def sgd_lower_bound(T: int, d: int, s: float, etas, lams_rel, L: float = 1.0, Delta: float = 1.0,
                    noise: str = "sparse") -> dict:
    """``max_{lam} min_{eta} sgd_value`` over ``lam = lams_rel * L/(2(d-1))`` (``0 < lams_rel <= 1``)
    and the step grid ``etas``. Returns the value, the maximising ``lam``, the minimising ``eta``
    and whether each sits at an end of its grid (then the grid decided it, not the problem)."""
    etas = np.sort(check_positive(np.atleast_1d(np.asarray(etas, float)), "etas"))
    rel = np.sort(check_positive(np.atleast_1d(np.asarray(lams_rel, float)), "lams_rel"))
    if rel.max() > 1:
        raise ValueError("lams_rel: must lie in (0, 1] (lam <= L/(2(d-1)))")
    lam_max = L / (2 * (d - 1))
    rows = []
    for r in rel:
        g = sgd_instance(d, r * lam_max, L, Delta, s, noise)
        vals = np.array([sgd_value(g, float(e), T) for e in etas])
        j = int(np.argmin(vals))
        rows.append((float(vals[j]), float(r * lam_max), float(etas[j]), j))
    i = int(np.argmax([r[0] for r in rows]))
    v, lam, eta, j = rows[i]
    return {"value": v, "lam": lam, "eta": eta, "lam_at_grid_end": i in (0, rel.size - 1) and rel.size > 1,
            "eta_at_grid_end": j in (0, etas.size - 1)}


# ----------------------------------------------------------------------------------------------
# SignSGD on the quadratic with skewed two-point noise (Monte Carlo, exact sign probabilities)
# ----------------------------------------------------------------------------------------------

def signsgd_values(qs, s: float, N: int, etas, Bs, paths: int = 32, L: float = 1.0, Delta: float = 1.0,
                   seed: int = 0) -> np.ndarray:
    """``V[iq, iB, ieta] ~ E[(1/T) sum_{t<T} |f'(x_t)|]``, ``T = N // B``, of SignSGD on
    ``f = (L/2) x^2`` from ``x_0 = sqrt(2 Delta/L)`` with the two-point noise of skew ``q``.

    Given ``x``, the batch mean gradient is ``L x + (K a - (B - K) b)/B`` with ``K ~ Bin(B, q)``,
    so ``P(sign = +1) = P(K > B (b - L x)/(a + b))``, read from exact binomial tables; each path
    draws one uniform per step, shared by every step size (common random numbers). ``s = 0``
    gives one exact path. Mean over ``paths`` paths."""
    from scipy import stats

    N = _int_at_least(N, "N", 1)
    qs = np.atleast_1d(np.asarray(qs, float))
    etas = check_positive(np.atleast_1d(np.asarray(etas, float)), "etas")
    L, Delta = check_positive(L, "L"), check_positive(Delta, "Delta")
    Bs = [_int_at_least(B, "B", 1) for B in Bs]
    if any(B > N for B in Bs):
        raise ValueError(f"Bs: every batch size must be <= N = {N}, got {max(Bs)}")
    ab = [two_point_noise(s, float(q)) for q in qs]
    a = np.array([x[0] for x in ab])
    b = np.array([x[1] for x in ab])
    n_paths = 1 if s == 0 else _int_at_least(paths, "paths", 1)
    rng = np.random.default_rng(seed)
    x0 = math.sqrt(2 * Delta / L)
    out = np.empty((qs.size, len(Bs), etas.size))
    E = etas[None, :, None]
    rows = np.arange(qs.size)[:, None, None]
    for iB, B in enumerate(Bs):
        T = N // B
        x = np.full((qs.size, etas.size, n_paths), x0)
        acc = np.zeros_like(x)
        if s == 0:
            for _ in range(T):
                acc += L * np.abs(x)
                x = x - E * np.sign(x)
        else:
            j = np.arange(-1, B + 1)
            sf = np.stack([stats.binom.sf(j, B, q) for q in qs])  # P(K > j), j = -1..B
            scale = (B / (a + b))[:, None, None]
            bb = b[:, None, None]
            for _ in range(T):
                g = L * x
                acc += np.abs(g)
                idx = np.clip(np.floor(scale * (bb - g)), -1, B).astype(np.int64) + 1
                p_plus = sf[rows, idx]
                u = rng.random((qs.size, 1, n_paths))
                x = x - E * np.where(u < p_plus, 1.0, -1.0)
        out[:, iB] = (acc / T).mean(-1)
    return out


def signsgd_lower_bound(N: int, s: float, etas, qs, Bs=None, paths: int = 32, L: float = 1.0, Delta: float = 1.0,
                        seed: int = 0) -> dict:
    """``max_q min_{eta, B} signsgd_values`` (``Bs`` default: powers of 2 with ``T = N/B >= 4``)."""
    if Bs is None:
        Bs = [2 ** k for k in range(max(1, int(math.log2(N)) - 1))]
    V = signsgd_values(qs if s > 0 else [0.5], s, N, etas, Bs, paths, L, Delta, seed)
    inner = V.reshape(V.shape[0], -1)
    mins = inner.min(1)
    i = int(np.argmax(mins))
    jB, je = np.unravel_index(int(np.argmin(V[i])), V[i].shape)
    nq = V.shape[0]
    return {"value": float(mins[i]), "q": float(np.atleast_1d(qs)[i]) if s > 0 else None, "B": int(Bs[jB]),
            "eta": float(np.atleast_1d(etas)[je]), "q_at_grid_end": nq > 1 and i in (0, nq - 1),
            "eta_at_grid_end": je in (0, len(np.atleast_1d(etas)) - 1)}


# ----------------------------------------------------------------------------------------------
# Rates: exponents of monomials, and whether a claimed lower-bound term exceeds an upper bound
# ----------------------------------------------------------------------------------------------

def scaling_exponents(e_s: float) -> dict:
    """Exponents of ``LB`` in ``L`` and ``Delta`` implied by ``LB = sqrt(L Delta) V(s/sqrt(L Delta))``
    when ``V ~ s^{e_s}``: both ``(1 - e_s)/2``."""
    return {"L_inf": (1 - e_s) / 2, "Delta": (1 - e_s) / 2}


def exceeds(term: dict, ub_terms: list[dict], horizon: str, params, at_least_one=(), zeroable=()) -> dict:
    """Does the monomial ``term`` (``{param: exponent}``) exceed every upper-bound monomial somewhere?

    A valid lower bound ``c * term`` must stay below ``C * sum_j ub_j`` for all parameter values
    once ``horizon >= h_0(others)`` (Omega of a rate as the horizon grows). Parameters in
    ``zeroable`` may be 0 (noise), which removes every monomial with a positive exponent in them
    (both scenarios are tested). Within a scenario: if some ``ub_j`` has a larger horizon exponent,
    ``term`` is dominated; if none has an equal or larger one, ``term`` exceeds (horizon -> inf);
    else an LP looks for a direction ``v`` of the other log-parameters (``v_p >= 0`` for
    ``at_least_one`` parameters, bounded by 1) with ``<e_term - e_j, v> > 0`` for every ``j`` of
    equal horizon exponent: along it ``term / ub -> inf``. Returns ``{"exceeds", "scenario",
    "direction"}``."""
    from scipy.optimize import linprog

    params = list(params)
    others = [p for p in params if p != horizon]
    scen = [frozenset()] + [frozenset([z]) for z in zeroable]
    for zero in scen:
        if any(term.get(z, 0) > 0 for z in zero):
            continue  # the term vanishes in this scenario
        act = [u for u in ub_terms if not any(u.get(z, 0) > 0 for z in zero)]
        tau = term.get(horizon, 0)
        if any(u.get(horizon, 0) > tau + 1e-12 for u in act):
            continue
        J = [u for u in act if abs(u.get(horizon, 0) - tau) <= 1e-12]
        label = "all noise parameters > 0" if not zero else f"{', '.join(sorted(zero))} = 0"
        if not J:
            return {"exceeds": True, "scenario": label, "direction": {horizon: "+inf"}}
        free = [p for p in others if p not in zero]
        k = len(free)
        if k == 0:
            continue
        # maximise z  s.t.  z - <e_term - e_j, v> <= 0 ; variables (v_1..v_k, z)
        A = [[-(term.get(p, 0) - u.get(p, 0)) for p in free] + [1.0] for u in J]
        bounds = [((0.0 if p in at_least_one else -1.0), 1.0) for p in free] + [(None, None)]
        res = linprog(c=[0.0] * k + [-1.0], A_ub=A, b_ub=[0.0] * len(J), bounds=bounds, method="highs")
        if res.status == 0 and -res.fun > 1e-9:
            v = {p: round(float(x), 6) for p, x in zip(free, res.x[:k]) if abs(x) > 1e-9}
            return {"exceeds": True, "scenario": label, "direction": v, "growth_rate": float(-res.fun)}
    return {"exceeds": False}
