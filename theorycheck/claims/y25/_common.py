"""Y25 (Yadav, Xie, Wang, Li 2025): sign descent vs normalized GD on the unigram model
``f(theta) = KL(p || softmax theta)`` with Zipf ``p_k ~ 1/k`` (kernels in :mod:`theorycheck.models.unigram`).

Only the abstract of Y25 is in the seeds: every statement here was transcribed from public
descriptions of the paper (provenance ``seed-abstract``), so a rejected statement may be a slip of
the transcription rather than of the paper.

What is established here, independently of the paper, for every ``d >= 2`` (general proofs, with
SymPy checking each step on indexed sums over ``i = 1..d``, see :func:`general_smoothness_proof`):

* ``v^T hess f v = Var_s(v)`` (``s = softmax theta``). Popoviciu: ``Var_s(v) <= (max v - min v)^2/4``.
  For ``||v||_2 <= 1``, ``(v_i - v_j)^2 <= 2(v_i^2 + v_j^2) <= 2`` so ``Var <= 1/2``; for
  ``||v||_inf <= 1`` the range is ``<= 2`` so ``Var <= 1``. Both are approached by
  ``s -> (1/2, 1/2, 0, ...)``. Hence ``L_2 = 1/2`` and ``L_inf = 1`` exactly (suprema).
  ``L_inf`` is the constant of ``||grad f(x) - grad f(y)||_1 <= L ||x - y||_inf``, i.e.
  ``sup_theta ||H||_{inf->1} = sup_theta max_{||v||_inf <= 1} v^T H v`` (H is PSD). The other
  pairing ``||H||_{inf->inf}`` would give ``max_k 2 s_k (1 - s_k) <= 1/2``.
* ``min_c ||log p + c||_inf = (log p_1 - log p_d)/2 = (1/2) log d``; ``min_c ||log p + c||_2^2 =
  d Var(log p_k) = d V_d``.
* ``V_d = Var_{k ~ Unif[d]} log k`` increases strictly from ``V_2 = (log 2)^2/4`` to 1, with
  ``1 - V_d = [log^2 d/2 + (log 2pi - 1) log d - log 2pi - zeta''(0)]/d + O(log^2 d/d^2)``.
* ``L_diag = min{Tr A : A diagonal, A >= hess f(theta) for all theta} = d/2`` exactly: every
  2x2 principal block forces ``a_i + a_j >= 1`` (limit ``s_i = s_j = 1/2``) and ``A = I/2`` is
  feasible because ``L_2 = 1/2``.
"""

from __future__ import annotations

import functools

from theorycheck.core.papers import cite


def src(where: str) -> str:
    """The citation of Y25 at ``where`` (a lemma, a figure)."""
    return cite("Y25", where)


def _sp():
    import sympy as sp

    return sp


# ----------------------------------------------------------------------------------------------
# indexed sums over i = 1..d: linearity, constants out, separable double sums factorised
# ----------------------------------------------------------------------------------------------

def lin_sums(e):
    """Normalise sums in ``e`` by linearity: every ``Sum(f, (i, a, b))`` is split into its terms,
    factors free of ``i`` are pulled out, ``Sum(1) = b - a + 1``, a ``KroneckerDelta(i, j)`` inner
    sum is evaluated (``1 <= i <= d``) and a double sum of a product ``g(i) h(j)`` factorises into
    ``Sum(g) Sum(h)``. Each rewrite is an identity of finite sums, valid for every ``d``."""
    sp = _sp()

    def one(x):
        f = sp.expand(x.function)
        limits = list(x.limits)
        out = 0
        for term in sp.Add.make_args(f):
            out += _sum_term(term, limits)
        return out

    prev = None
    e = sp.expand(e)
    while prev != e:
        prev = e
        e = sp.expand(e.replace(lambda y: isinstance(y, sp.Sum), one))
    return e


def _sum_term(term, limits):
    sp = _sp()
    if not limits:
        return term
    # a Kronecker delta between two summation indices: sum over the inner one
    for fac in sp.Mul.make_args(term):
        if isinstance(fac, sp.KroneckerDelta) and len(limits) >= 2:
            a, b = fac.args
            idx = {lim[0] for lim in limits}
            if a in idx and b in idx:
                rest = sp.Mul(*[g for g in sp.Mul.make_args(term) if g is not fac]).subs(b, a)
                return _sum_term(rest, [lim for lim in limits if lim[0] != b])
    # split the factors by the summation indices they contain
    groups = {lim[0]: [] for lim in limits}
    free = []
    for fac in sp.Mul.make_args(term):
        hits = [iv for iv in groups if fac.has(iv)]
        if len(hits) > 1:  # not separable: keep the sum (constants out)
            inner = sp.Mul(*[g for g in sp.Mul.make_args(term) if any(g.has(iv) for iv in groups)])
            return sp.Mul(*[g for g in sp.Mul.make_args(term) if not any(g.has(iv) for iv in groups)]) * sp.Sum(inner, *limits)
        (groups[hits[0]] if hits else free).append(fac)
    out = sp.Mul(*free)
    k = sp.Symbol("k_", integer=True, positive=True)  # canonical dummy: Sum(f(j), j) == Sum(f(i), i)
    for (iv, a, b) in limits:
        out *= sp.Sum(sp.Mul(*groups[iv]).subs(iv, k), (k, a, b)) if groups[iv] else (b - a + 1)
    return out


@functools.lru_cache(maxsize=1)
def general_smoothness_proof() -> tuple[bool, dict]:
    """``L_2 = 1/2`` and ``L_inf = 1`` for every ``d >= 2``: the steps, each checked by SymPy on
    indexed sums over ``i = 1..d`` (symbolic ``d``).

    1. ``v^T (diag s - s s^T) v = sum_i s_i v_i^2 - (sum_i s_i v_i)^2 = Var_s(v)`` (double sum with a
       Kronecker delta);
    2. ``sum_i s_i (v_i - c)^2 = Var_s(v) + (E_s v - c)^2`` when ``sum_i s_i = 1``, so
       ``Var_s(v) <= sum_i s_i (v_i - c)^2`` for every ``c``;
    3. with ``c = (M + m)/2`` (``m <= v_i <= M``): ``((M - m)/2)^2 - (v_i - c)^2 = (M - v_i)(v_i - m) >= 0``,
       so ``Var_s(v) <= (M - m)^2/4`` (Popoviciu);
    4. ``||v||_2 <= 1``: ``(M - m)^2 = 2(M^2 + m^2) - (M + m)^2 <= 2``, so ``Var <= 1/2``;
       ``||v||_inf <= 1``: ``M - m <= 2``, so ``Var <= 1``;
    5. attained in the limit: ``theta = (0, 0, -K, ..., -K)``, ``K -> oo``:
       ``s_1 = s_2 = 1/(2 + (d - 2) e^{-K}) -> 1/2``; ``v = (1, -1, 0, ...)/sqrt 2`` gives
       ``Var = s_1 -> 1/2`` and ``v = (1, -1, 0, ...)`` gives ``Var = 2 s_1 -> 1``.
    Returns ``(all steps proved, evidence)``.
    """
    from theorycheck.core.symcheck import prove_zero

    sp = _sp()
    d = sp.Symbol("d", integer=True, positive=True)
    i, j = sp.symbols("i j", integer=True, positive=True)
    s, v = sp.IndexedBase("s"), sp.IndexedBase("v")
    c, M, m, K = sp.symbols("c M m K", real=True)
    S = lambda e, k=i: sp.Sum(e, (k, 1, d))
    E = lambda f: S(s[i] * f)
    var = E(v[i] ** 2) - E(v[i]) ** 2
    H = lambda a, b: s[a] * sp.KroneckerDelta(a, b) - s[a] * s[b]
    quad = sp.Sum(v[i] * H(i, j) * v[j], (j, 1, d), (i, 1, d))
    steps = {
        "1 quadratic form = Var_s(v)": prove_zero(lin_sums(quad - var)),
        "2 E_s (v - c)^2 = Var + (E v - c)^2 (sum s = 1)": prove_zero(
            lin_sums(E((v[i] - c) ** 2) - var - (E(v[i]) - c) ** 2).subs(lin_sums(S(s[i])), 1)),
        "3 ((M-m)/2)^2 - (v - (M+m)/2)^2 = (M - v)(v - m)": prove_zero(
            ((M - m) / 2) ** 2 - (v[i] - (M + m) / 2) ** 2 - (M - v[i]) * (v[i] - m)),
        "4 (M - m)^2 = 2(M^2 + m^2) - (M + m)^2": prove_zero((M - m) ** 2 - 2 * (M**2 + m**2) + (M + m) ** 2),
    }
    s1 = 1 / (2 + (d - 2) * sp.exp(-K))
    lim2 = sp.limit(s1, K, sp.oo)
    liminf = sp.limit(2 * s1, K, sp.oo)
    ok = all(p.proved for p in steps.values()) and lim2 == sp.Rational(1, 2) and liminf == 1
    ev = {k: p.as_evidence() for k, p in steps.items()}
    ev["5 attaining family s_1 = s_2 = 1/(2 + (d-2) e^-K)"] = {"lim Var (ell_2, v = (1,-1,0..)/sqrt2)": str(lim2),
                                                               "lim Var (ell_inf, v = (1,-1,0..))": str(liminf)}
    ev["for"] = "every d >= 2 (symbolic d; indexed sums)"
    return ok, ev


@functools.lru_cache(maxsize=1)
def _sym_smoothness():
    """Exact suprema ``L_2 = 1/2``, ``L_inf = 1`` (for every ``d >= 2``: see
    :func:`general_smoothness_proof`), and the ``d = 2`` closed forms as a cross-check.
    Returns ``(L2, Linf, proved, evidence)``."""
    sp = _sp()
    s = sp.Symbol("s", real=True)
    H = sp.Matrix([[s * (1 - s), -s * (1 - s)], [-s * (1 - s), s * (1 - s)]])  # diag(s) - s s^T, d = 2
    lam = max(H.eigenvals().keys(), key=lambda e: e.subs(s, sp.Rational(1, 3)))
    L2_d2 = sp.maximum(lam, s, sp.Interval(0, 1))
    q = sp.expand((sp.Matrix([1, -1]).T * H * sp.Matrix([1, -1]))[0])
    Linf_d2 = sp.maximum(q, s, sp.Interval(0, 1))
    ok, ev = general_smoothness_proof()
    L2, Linf = sp.Rational(1, 2), sp.Integer(1)
    ev = {"general_proof": ev, "cross_check_d=2": {"lambda_max": str(lam), "sup_lambda_max": str(L2_d2),
                                                  "vHv_at_v=(1,-1)": str(q), "sup_vHv": str(Linf_d2)}}
    ok = ok and L2_d2 == L2 and Linf_d2 == Linf
    return L2, Linf, ok, ev


# ----------------------------------------------------------------------------------------------
# signs of expressions in d >= 2 (and T >= 0): proved, refuted at an exact point, or sampled
# ----------------------------------------------------------------------------------------------

#: Points at which an expression in d (>= 2) and T (>= 0) is evaluated exactly when SymPy cannot
#: decide its sign symbolically (decades: a wrong dependence shows at small or at large values).
SIGN_PROBE_D = (2, 3, 4, 5, 7, 10, 30, 100, 1000, 10**4, 10**6, 10**9, 10**15)
SIGN_PROBE_T = (0, 1, 2, 10, 100, 10**4, 10**6, 10**9)


def decide_nonneg(expr, lower: dict | None = None) -> dict:
    """Decide ``expr >= 0`` for every value of its symbols above ``lower`` (default: ``d >= 2``,
    ``T >= 0``, ``t >= 0``, other positive symbols ``> 0``).

    Returns ``{"status": "proved" | "refuted" | "sampled", ...}``: ``proved`` when SymPy shows the
    expression nonnegative after shifting each symbol to ``lower + y``, ``y >= 0`` (a proof for all
    real values, hence all integers); ``refuted`` with the exact point where it is negative;
    ``sampled`` when no sampled point (``SIGN_PROBE_D`` x ``SIGN_PROBE_T``) is negative (no proof).
    """
    import itertools

    sp = _sp()
    expr = sp.sympify(expr)
    syms = sorted(expr.free_symbols, key=lambda x: x.name)
    base = {"d": 2, "T": 0, "t": 0}
    base.update({str(k): v for k, v in (lower or {}).items()})
    shift, probes = {}, []
    for x in syms:
        y = sp.Symbol(f"_{x.name}_shift", nonnegative=True)
        shift[x] = base.get(x.name, 0) + y
        if x.name == "d":
            probes.append([n for n in SIGN_PROBE_D if n >= base["d"]])
        elif x.name in ("T", "t"):
            probes.append([n for n in SIGN_PROBE_T if n >= base[x.name]])
        else:
            probes.append([sp.Rational(1, 10), 1, 10, 1000])
    try:
        shifted = sp.simplify(expr.subs(shift))
        if shifted.is_nonnegative or sp.factor(shifted).is_nonnegative:
            return {"status": "proved", "how": "SymPy: nonnegative after shifting each symbol to its lower end + y, y >= 0",
                    "expr": str(expr)}
    except Exception:  # noqa: BLE001 - a crashing rewrite decides nothing
        pass
    for pt in itertools.product(*probes):
        sub = dict(zip(syms, pt))
        val = sp.N(expr.subs(sub), 30)
        if val.is_real and val < 0:
            return {"status": "refuted", "point": {str(k): str(v) for k, v in sub.items()}, "value": str(val),
                    "expr": str(expr)}
    return {"status": "sampled", "how": "SymPy could not decide the sign; nonnegative at every sampled point (no proof)",
            "expr": str(expr), "probe_points": len(list(itertools.product(*probes)))}
SRC = cite("Y25")  # transitional: modules not yet converted to src(where)
