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

from theorycheck.core.validation import (
    check_array,
    check_choice,
    check_finite,
    check_int,
    check_memory,
    check_positive,
    check_real,
    check_str,
    contract,
)
from theorycheck.models.separable import sgd_expected_abs_curve


def _nonneg_scalar(x, name: str) -> float:
    return float(check_real(x, name, 0.0, None, scalar=True))


def _positive_grid(x, name: str) -> np.ndarray:
    """A non-empty 1-D grid (a scalar counts as one point) of finite values ``> 0``."""
    return np.atleast_1d(check_positive(check_array(x, name, ndim=(0, 1), min_size=1), name))


def _skew_grid(x, name: str) -> np.ndarray:
    """A non-empty 1-D grid of skews ``q`` in ``(0, 1)``."""
    a = np.atleast_1d(check_array(x, name, ndim=(0, 1), min_size=1))
    return np.atleast_1d(check_real(a, name, 0.0, 1.0, lo_open=True, hi_open=True))


def _names(x, name: str, within=None, min_size: int = 0) -> tuple:
    """A sequence of distinct parameter names (strings), each in ``within`` when given."""
    if isinstance(x, (str, bytes, dict)) or not isinstance(x, (list, tuple, set, frozenset)):
        raise ValueError(  # noqa: TRY004 - the contract asks for a ValueError
            f"{name}: must be a list or tuple of parameter names, got {x!r:.80}")
    out = tuple(check_str(v, name) for v in x)
    if len(out) < min_size:
        raise ValueError(f"{name}: needs at least {min_size} parameter name(s), got {out!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: parameter names must be distinct, got {out!r}")
    if within is not None and not set(out) <= set(within):
        raise ValueError(f"{name}: every name must be one of params {tuple(within)!r}, got {out!r}")
    return out


def _exponents(x, name: str, params: tuple) -> dict:
    """A monomial ``{param: exponent}``: a dict from names in ``params`` to finite reals."""
    if not isinstance(x, dict):
        raise ValueError(  # noqa: TRY004 - the contract asks for a ValueError
            f"{name}: must be a dict {{param: exponent}}, got {x!r:.80}")
    out = {}
    for k, v in x.items():
        if k not in params:
            raise ValueError(f"{name}: {k!r} is not one of params {params!r}")
        out[k] = float(check_finite(v, f"{name}[{k!r}]", scalar=True))
    return out


def _two_point(s: float, q: float, s_name: str = "s", q_name: str = "q") -> tuple[float, float]:
    ratio = (1 - q) / q
    # a subnormal q overflows (1-q)/q; sqrt(1-q)/sqrt(q) stays finite there
    a = s * math.sqrt(ratio) if math.isfinite(ratio) else s * (math.sqrt(1 - q) / math.sqrt(q))
    b = s * math.sqrt(q / (1 - q))
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"{s_name}, {q_name}: a draw of the noise, a = s sqrt((1-q)/q) or b = s sqrt(q/(1-q)), "
                         f"overflows float64 (s = {s!r}, q = {q!r}); valid range s max(sqrt((1-q)/q), sqrt(q/(1-q))) "
                         f"<= {np.finfo(float).max!r}")
    return a, b


def two_point_noise(s: float, q: float) -> tuple[float, float]:
    """``(a, b)`` of the noise ``P(xi = a) = q``, ``P(xi = -b) = 1 - q`` with mean 0 and variance
    ``s^2``: ``a = s sqrt((1-q)/q)``, ``b = s sqrt(q/(1-q))`` (``q a = (1-q) b`` and
    ``q a^2 + (1-q) b^2 = s^2``).

    Valid range: ``0 < q < 1``, ``0 <= s < inf`` and ``a``, ``b`` within float64
    (``s max(sqrt((1-q)/q), sqrt(q/(1-q))) <= 1.8e308``; for a subnormal ``q``, where ``(1-q)/q``
    overflows, ``a`` is computed as ``s sqrt(1-q)/sqrt(q)``); else ``ValueError`` naming the parameter."""
    q = float(check_real(q, "q", 0.0, 1.0, lo_open=True, hi_open=True, scalar=True))
    s = _nonneg_scalar(s, "s")
    return _two_point(s, q)


# ----------------------------------------------------------------------------------------------
# SGD on the stiff + flat separable quadratic (exact)
# ----------------------------------------------------------------------------------------------

def _start(energy: float, k: float, what: str) -> float:
    """``x_0 = sqrt(2 E / k)``, the start at which ``(k/2) x_0^2 = E``; as ``sqrt(2) sqrt(E) / sqrt(k)``
    (a few ulps, no overflow or underflow of the quotient) when the direct form overflows or
    underflows to 0, and ValueError naming ``what`` when ``x_0`` itself exceeds float64."""
    x0 = math.sqrt(2 * energy / k)  # Python floats: an overflow gives inf, an underflow 0
    if (x0 == 0 or not math.isfinite(x0)) and energy > 0:
        x0 = math.sqrt(2.0) * (math.sqrt(energy) / math.sqrt(k))
        if not math.isfinite(x0):
            raise ValueError(f"{what}: the start x_0 = sqrt(2 E / L_i) of the instance exceeds float64 "
                             f"(E = {energy!r}, L_i = {k!r})")
    return x0


def sgd_instance(d: int, lam: float, L: float = 1.0, Delta: float = 1.0, s: float = 0.0,
                 noise: str = "sparse") -> list[tuple[int, float, float, float]]:
    """Groups ``(count, curvature, x_0, noise std)`` of the stiff + flat instance (module docstring):
    ``[(1, L/2, sqrt(2 Delta/L), s_1), (d-1, lam, sqrt(Delta/((d-1) lam)), s_f)]``, each group holding
    ``Delta/2`` of the initial gap, ``(s_1, s_f) = (s, 0)`` (``"sparse"``) or ``(s/sqrt(d), s/sqrt(d))``
    (``"dense"``), so ``||sigma||_2 = s`` either way.

    Valid range: ``d >= 2`` an integer; ``0 < lam <= L/(2(d-1))`` (so ``sum_i L_i <= L``); ``L``,
    ``Delta`` finite and ``> 0``; ``0 <= s < inf``; ``noise`` in ``{"sparse", "dense"}``; else
    ``ValueError`` naming the parameter (also when a start ``x_0`` exceeds float64). Where
    ``2 E / L_i`` overflows or underflows to 0, the start is computed as ``sqrt(2) sqrt(E) / sqrt(L_i)``."""
    d = check_int(d, "d", 2)
    L = float(check_positive(L, "L", scalar=True))
    Delta = float(check_positive(Delta, "Delta", scalar=True))
    lam = float(check_positive(lam, "lam", scalar=True))
    if lam > L / (2 * (d - 1)) * (1 + 1e-12):
        raise ValueError(f"lam: must be <= L/(2(d-1)) = {L / (2 * (d - 1))!r} so that sum_i L_i <= L, got {lam!r}")
    check_choice(noise, "noise", ("sparse", "dense"))
    s = _nonneg_scalar(s, "s")
    xs = _start(Delta / 2, L / 2, "L")
    xf = _start(Delta / 2, (d - 1) * lam, "lam")
    s1, sf = (s, 0.0) if noise == "sparse" else (s / math.sqrt(d), s / math.sqrt(d))
    return [(1, L / 2, xs, s1), (d - 1, lam, xf, sf)]


def _groups(groups, name: str = "groups") -> list[tuple[int, float, float, float]]:
    """Validated ``[(count >= 1, L_i > 0, x_i(0), sigma_i >= 0), ...]`` (at least one group)."""
    if isinstance(groups, (str, bytes, dict)) or not isinstance(groups, (list, tuple, np.ndarray)):
        raise ValueError(  # noqa: TRY004 - the contract asks for a ValueError
            f"{name}: must be a list of groups (count, L_i, x_i(0), sigma_i), got {groups!r:.80}")
    if len(groups) == 0:
        raise ValueError(f"{name}: needs at least one group (count, L_i, x_i(0), sigma_i)")
    out = []
    for k, g in enumerate(groups):
        if isinstance(g, (str, bytes, dict)) or not isinstance(g, (list, tuple, np.ndarray)) or len(g) != 4:
            raise ValueError(f"{name}[{k}]: must be a group (count, L_i, x_i(0), sigma_i), got {g!r:.80}")
        cnt, Lg, x0, sg = g
        out.append((check_int(cnt, f"{name}[{k}] count", 1),
                    float(check_positive(Lg, f"{name}[{k}] curvature L_i", scalar=True)),
                    float(check_finite(x0, f"{name}[{k}] start x_i(0)", scalar=True)),
                    _nonneg_scalar(sg, f"{name}[{k}] noise std sigma_i")))
    return out


@contract(nonfinite="inf when a coordinate diverges (eta L_i >= 2 with x_i(0) != 0 or noise) or the value "
                    "exceeds float64")
def sgd_value(groups, eta: float, T: int) -> float:
    """Exact ``E[(1/T) sum_{t<T} ||grad f(x_t)||_1]`` of SGD (``B = 1``) with step ``eta`` on the
    separable quadratic ``groups = [(count, L_i, x_i(0), sigma_i), ...]``:
    ``sum_g count_g L_g (1/T) sum_{t<T} E|x_{g,t}|`` with the folded-normal ``E|x_t|`` of
    :func:`theorycheck.models.separable.sgd_expected_abs_curve`; noise-free,
    ``(1/T) sum_{t<T} |x_0| r^t = |x_0| (1 - r^T) / (T (1 - r))``, ``r = |1 - eta L_i|``.

    ``inf`` when a coordinate diverges (``eta L_i >= 2``, i.e. ``|1 - eta L_i| >= 1``, with
    ``x_i(0) != 0`` or noise) or the value exceeds float64. A step with ``eta L_i <= 2^-54``
    (``1 - eta L_i`` rounds to 1) is a slow contraction, computed with ``log1p``, not a divergence.

    Valid range: ``groups`` a non-empty list of ``(count >= 1 integer, L_i > 0, x_i(0) finite,
    sigma_i >= 0)``; ``eta`` finite and ``> 0``; ``T >= 1`` an integer; else ``ValueError`` naming
    the parameter."""
    groups = _groups(groups)
    eta = float(check_positive(eta, "eta", scalar=True))
    T = check_int(T, "T", 1)
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
    e = eta * Lg
    r = abs(1 - e)
    if x0 == 0 and sg == 0:
        v = 0.0
    elif r >= 1 and e >= 1:  # eta L >= 2: the chain diverges (or oscillates at eta L = 2)
        v = math.inf
    elif sg == 0:
        if r >= 1:  # 0 <= eta L <= 2^-54: 1 - eta L rounds to 1; mean of (1 - e)^t with log1p
            v = abs(x0) * (min(1.0, -math.expm1(T * math.log1p(-e)) / (T * e)) if e > 0 else 1.0)
        else:
            v = abs(x0) * (-math.expm1(T * math.log(r)) if r > 0 else 1.0) / (T * (1 - r))
    else:
        v = float(np.mean(sgd_expected_abs_curve(x0, Lg, sg, eta, T - 1)))
    if len(_MEAN_ABS_CACHE) > 200_000:
        _MEAN_ABS_CACHE.clear()
    _MEAN_ABS_CACHE[key] = v
    return v


def sgd_lower_bound(T: int, d: int, s: float, etas, lams_rel, L: float = 1.0, Delta: float = 1.0,
                    noise: str = "sparse") -> dict:
    """``max_{lam} min_{eta} sgd_value(sgd_instance(d, lam, L, Delta, s, noise), eta, T)`` over
    ``lam = lams_rel * L/(2(d-1))`` and the step grid ``etas``. Returns the value, the maximising
    ``lam``, the minimising ``eta`` and whether each sits at an end of its grid (then the grid
    decided it, not the problem).

    Valid range: ``T >= 1`` and ``d >= 2`` integers; ``0 <= s < inf``; ``etas`` a non-empty grid of
    finite steps ``> 0``; ``lams_rel`` a non-empty grid in ``(0, 1]`` (``lam`` must not underflow
    to 0); ``L``, ``Delta`` finite and ``> 0``; ``noise`` in ``{"sparse", "dense"}``; and some step of
    the grid must give a finite value on every instance (``eta < 4/L`` keeps the stiff coordinate
    from diverging); else ``ValueError`` naming the parameter."""
    T = check_int(T, "T", 1)
    d = check_int(d, "d", 2)
    s = _nonneg_scalar(s, "s")
    etas = np.sort(_positive_grid(etas, "etas"))
    rel = np.sort(_positive_grid(lams_rel, "lams_rel"))
    if rel.max() > 1:
        raise ValueError("lams_rel: must lie in (0, 1] (lam <= L/(2(d-1)))")
    L = float(check_positive(L, "L", scalar=True))
    Delta = float(check_positive(Delta, "Delta", scalar=True))
    check_choice(noise, "noise", ("sparse", "dense"))
    lam_max = L / (2 * (d - 1))
    rows = []
    for r in rel:
        lam = r * lam_max
        if lam == 0:
            raise ValueError(f"lams_rel: lam = lams_rel L/(2(d-1)) underflows to 0 at lams_rel = {r!r}")
        try:
            g = sgd_instance(d, lam, L, Delta, s, noise)
        except ValueError as e:
            if str(e).startswith("lam:"):
                raise ValueError(f"lams_rel: at lams_rel = {r!r}, {e}") from None
            raise
        vals = np.array([sgd_value(g, float(e), T) for e in etas])
        j = int(np.argmin(vals))
        rows.append((float(vals[j]), float(r * lam_max), float(etas[j]), j))
    i = int(np.argmax([r[0] for r in rows]))
    v, lam, eta, j = rows[i]
    if not math.isfinite(v):
        raise ValueError(f"etas: no step of the grid gives a finite value on the instance lam = {lam!r} (each one "
                         f"diverges, eta L_i >= 2, or the value exceeds float64: L, Delta or s too large); "
                         f"the grid needs steps below {4 / L!r}")
    return {"value": v, "lam": lam, "eta": eta, "lam_at_grid_end": i in (0, rel.size - 1) and rel.size > 1,
            "eta_at_grid_end": j in (0, etas.size - 1)}


# ----------------------------------------------------------------------------------------------
# SignSGD on the quadratic with skewed two-point noise (Monte Carlo, exact sign probabilities)
# ----------------------------------------------------------------------------------------------

def _batches(Bs, N: int) -> list[int]:
    """A non-empty list of batch sizes, integers in ``[1, N]``."""
    if isinstance(Bs, (str, bytes, dict)) or not isinstance(Bs, (list, tuple, range, np.ndarray)):
        raise ValueError(  # noqa: TRY004 - the contract asks for a ValueError
            f"Bs: must be a non-empty list of batch sizes (integers in [1, N = {N}]), got {Bs!r:.80}")
    if len(Bs) == 0:
        raise ValueError(f"Bs: must be a non-empty list of batch sizes (integers in [1, N = {N}])")
    return [check_int(B, "Bs", 1, N) for B in Bs]


def signsgd_values(qs, s: float, N: int, etas, Bs, paths: int = 32, L: float = 1.0, Delta: float = 1.0,
                   seed: int = 0) -> np.ndarray:
    """``V[iq, iB, ieta] ~ E[(1/T) sum_{t<T} |f'(x_t)|]``, ``T = N // B``, of SignSGD on
    ``f = (L/2) x^2`` from ``x_0 = sqrt(2 Delta/L)`` with the two-point noise of skew ``q``
    (:func:`two_point_noise`).

    Given ``x``, the batch mean gradient is ``L x + (K a - (B - K) b)/B`` with ``K ~ Bin(B, q)``,
    so ``P(sign = +1) = P(K > B (b - L x)/(a + b))``, read from exact binomial tables; each path
    draws one uniform per step, shared by every step size (common random numbers). ``s = 0``
    gives one exact path. Mean over ``paths`` paths.

    Valid range: ``qs`` a non-empty grid in ``(0, 1)``; ``0 <= s < inf``; ``N >= 1`` an integer;
    ``etas`` a non-empty grid of finite steps ``> 0``; ``Bs`` a non-empty list of integers in
    ``[1, N]``; ``paths >= 1`` and ``seed >= 0`` integers; ``L``, ``Delta`` finite and ``> 0``; the
    values must stay within float64 (``|x_t| <= sqrt(2 Delta/L) + T max(etas)``); else
    ``ValueError`` naming the parameter."""
    from scipy import stats

    qs = _skew_grid(qs, "qs")
    s = _nonneg_scalar(s, "s")
    N = check_int(N, "N", 1)
    etas = _positive_grid(etas, "etas")
    Bs = _batches(Bs, N)
    paths = check_int(paths, "paths", 1)
    L = float(check_positive(L, "L", scalar=True))
    Delta = float(check_positive(Delta, "Delta", scalar=True))
    seed = check_int(seed, "seed", 0)
    n_paths = 1 if s == 0 else paths
    check_memory(4.0 * qs.size * etas.size * n_paths, "paths", "float64 values (qs x etas x paths)")
    check_memory(float(qs.size) * (max(Bs) + 2), "Bs", "float64 values (binomial tables)")
    ab = [_two_point(s, float(q), "s", "qs") for q in qs]
    a = np.array([x[0] for x in ab])
    b = np.array([x[1] for x in ab])
    rng = np.random.default_rng(seed)
    x0 = _start(Delta, L, "Delta")
    out = np.empty((qs.size, len(Bs), etas.size))
    E = etas[None, :, None]
    rows = np.arange(qs.size)[:, None, None]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
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
                # a + b beyond float64 (scale 0) or subnormal (scale inf) can make scale * (b - g) a NaN
                guard = not (np.isfinite(scale).all() and (scale > 0).all())
                for _ in range(T):
                    g = L * x
                    acc += np.abs(g)
                    thr = scale * (bb - g)
                    if guard:
                        thr = np.where(np.isnan(thr), np.where(bb > g, np.inf, np.where(bb < g, -np.inf, 0.0)), thr)
                    idx = np.clip(np.floor(thr), -1, B).astype(np.int64) + 1
                    p_plus = sf[rows, idx]
                    u = rng.random((qs.size, 1, n_paths))
                    x = x - E * np.where(u < p_plus, 1.0, -1.0)
            out[:, iB] = (acc / T).mean(-1)
    if not np.isfinite(out).all():
        raise ValueError("etas, L, Delta: the mean |f'(x_t)| = L |x_t| exceeds float64 (|x_t| <= sqrt(2 Delta/L) "
                         "+ T max(etas)); take smaller etas, L or Delta")
    return out


def signsgd_lower_bound(N: int, s: float, etas, qs, Bs=None, paths: int = 32, L: float = 1.0, Delta: float = 1.0,
                        seed: int = 0) -> dict:
    """``max_q min_{eta, B} signsgd_values(qs, s, N, etas, Bs, ...)`` (``s = 0``: one exact noise-free
    path, ``q`` irrelevant and reported as ``None``). ``Bs`` default: the powers of 2
    ``2^k, k < max(1, floor(log2 N) - 1)``. Returns the value, the maximising ``q``, the minimising
    ``(B, eta)`` and whether ``q`` / ``eta`` sits at an end of its grid.

    Valid range: that of :func:`signsgd_values` (``N >= 1``, ``qs`` in ``(0, 1)``, ``s >= 0``, ...);
    else ``ValueError`` naming the parameter."""
    N = check_int(N, "N", 1)
    s = _nonneg_scalar(s, "s")
    _skew_grid(qs, "qs")
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
    when ``V ~ s^{e_s}``: ``LB ~ (L Delta)^{1/2} (L Delta)^{-e_s/2}``, so both are ``(1 - e_s)/2``.

    Valid range: ``e_s`` a finite real (the answer is then finite: ``|1 - e_s| <= 1.8e308``); else
    ``ValueError`` naming it."""
    e_s = float(check_finite(e_s, "e_s", scalar=True))
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
    "direction"}`` (and ``"growth_rate"``, the LP's ``min_j <e_term - e_j, v>``, when found by the LP).

    Valid range: ``params`` a non-empty list of distinct names; ``horizon`` one of them;
    ``at_least_one`` and ``zeroable`` lists of names in ``params``; ``term`` and every entry of the
    list ``ub_terms`` (possibly empty: then ``term`` exceeds) dicts from names in ``params`` to finite
    exponents whose differences stay within float64; else ``ValueError`` naming the parameter."""
    from scipy.optimize import linprog

    params = list(_names(params, "params", min_size=1))
    horizon = check_str(horizon, "horizon")
    if horizon not in params:
        raise ValueError(f"horizon: must be one of params {tuple(params)!r}, got {horizon!r}")
    at_least_one = _names(at_least_one, "at_least_one", within=params)
    zeroable = _names(zeroable, "zeroable", within=params)
    term = _exponents(term, "term", tuple(params))
    if isinstance(ub_terms, (str, bytes, dict)) or not isinstance(ub_terms, (list, tuple)):
        raise ValueError(  # noqa: TRY004 - the contract asks for a ValueError
            f"ub_terms: must be a list of dicts {{param: exponent}}, got {ub_terms!r:.80}")
    ub_terms = [_exponents(u, f"ub_terms[{k}]", tuple(params)) for k, u in enumerate(ub_terms)]
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
        if not np.isfinite(A).all():
            raise ValueError("term, ub_terms: the differences of their exponents exceed float64")
        bounds = [((0.0 if p in at_least_one else -1.0), 1.0) for p in free] + [(None, None)]
        res = linprog(c=[0.0] * k + [-1.0], A_ub=A, b_ub=[0.0] * len(J), bounds=bounds, method="highs")
        if res.status == 0 and -res.fun > 1e-9:
            v = {p: round(float(x), 6) for p, x in zip(free, res.x[:k]) if abs(x) > 1e-9}
            return {"exceeds": True, "scenario": label, "direction": v, "growth_rate": float(-res.fun)}
    return {"exceeds": False}
